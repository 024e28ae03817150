"""Loader tests: template text in, model out, with spans and origins pinned."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from lambdalint.config import Config
from lambdalint.load import load_project
from lambdalint.loaders.jsonnodes import LoadError, load_json
from lambdalint.loaders.yamlnodes import load_yaml
from lambdalint.located import Span
from lambdalint.model import Function, Project

from conftest import write_tree

SAM_GLOBALS = """\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Globals:
  Function:
    Timeout: 15
    Runtime: python3.12
    Environment:
      Variables:
        LOG_LEVEL: INFO
        TABLE: shared
Resources:
  OrdersFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/orders/
      Handler: app.handler
      MemorySize: 512
      Environment:
        Variables:
          TABLE: orders
  PlainFunction:
    Type: AWS::Lambda::Function
    Properties:
      Handler: index.handler
      Runtime: python3.12
      Code: {ZipFile: "def handler(e, c): pass"}
"""


def load(tmp_path: Path, files: dict[str, str]) -> Project:
    write_tree(tmp_path, files)
    return load_project([tmp_path], Config(root=tmp_path), cwd=tmp_path)


def function(project: Project, name: str) -> Function:
    return next(f for f in project.functions if f.name == name)


def test_sam_globals_merge_with_origins_and_spans(tmp_path: Path) -> None:
    project = load(tmp_path, {"template.yaml": SAM_GLOBALS})
    orders = function(project, "OrdersFunction")
    assert orders.kind == "AWS::Serverless::Function"
    assert (orders.span.path, orders.span.line, orders.span.column) == ("template.yaml", 12, 3)
    assert (orders.timeout.value, orders.timeout.origin, orders.timeout.span.line) == (15, "globals", 5)
    assert (orders.timeout.span.column, orders.timeout.span.end_column) == (14, 16)
    assert (orders.runtime.value, orders.runtime.origin) == ("python3.12", "globals")
    assert (orders.memory.value, orders.memory.origin, orders.memory.span.line) == (512, "explicit", 17)
    env = {k: (v.value, v.origin, v.key_span.line) for k, v in orders.environment.items()}
    assert env == {"TABLE": ("orders", "explicit", 20), "LOG_LEVEL": ("INFO", "globals", 9)}
    assert orders.reserved_concurrency.origin == "default"
    assert orders.reserved_concurrency.span == orders.span


def test_globals_do_not_apply_to_plain_lambda_functions(tmp_path: Path) -> None:
    project = load(tmp_path, {"template.yaml": SAM_GLOBALS})
    plain = function(project, "PlainFunction")
    assert (plain.timeout.value, plain.timeout.origin) == (3, "default")
    assert (plain.memory.value, plain.memory.origin) == (128, "default")
    assert plain.environment == {}
    assert plain.code_dir is None  # inline ZipFile code has no folder


def test_handler_file_resolution(tmp_path: Path) -> None:
    project = load(tmp_path, {"template.yaml": SAM_GLOBALS, "src/orders/app.py": "def handler(e, c): ...\n"})
    orders = function(project, "OrdersFunction")
    assert orders.code_dir == (tmp_path / "src/orders").resolve()
    assert orders.handler_file == orders.code_dir / "app.py"
    assert orders.handler_function == "handler"


@pytest.mark.parametrize("handler", ["pkg/orders/create.handler", "pkg.orders.create.handler"])
def test_slash_and_dot_handlers_name_the_same_module(tmp_path: Path, handler: str) -> None:
    template = SAM_GLOBALS.replace("Handler: app.handler", f"Handler: {handler}")
    project = load(tmp_path, {"template.yaml": template})
    assert function(project, "OrdersFunction").handler_file == \
        (tmp_path / "src/orders/pkg/orders/create.py").resolve()


def test_every_short_form_tag(tmp_path: Path) -> None:
    text = """\
A: !Ref Bucket
B: !Sub "arn:${AWS::Partition}:s3:::${Bucket}"
C: !GetAtt Role.Arn
D: !GetAtt [Role, Arn]
E: !If [IsProd, 1, 2]
F: !Join ["-", [a, b]]
G: !Select [0, !GetAZs ""]
H: !Split [",", "a,b"]
I: !FindInMap [Map, Key, Value]
J: !ImportValue Shared
K: !Base64 "text"
L: !Cidr ["10.0.0.0/16", 6, 5]
M: !Equals [a, b]
N: !And [!Condition X, !Not [!Condition Y]]
O: !Or [!Condition X, !Condition Y]
P: !Transform {Name: AWS::Include, Parameters: {Location: s3://b/k}}
"""
    root = load_yaml(text, "t.yaml")
    plain = root.plain()
    assert plain["A"] == {"Ref": "Bucket"}
    assert plain["B"] == {"Fn::Sub": "arn:${AWS::Partition}:s3:::${Bucket}"}
    assert plain["C"] == plain["D"] == {"Fn::GetAtt": ["Role", "Arn"]}
    assert plain["E"] == {"Fn::If": ["IsProd", 1, 2]}
    assert plain["F"] == {"Fn::Join": ["-", ["a", "b"]]}
    assert plain["G"] == {"Fn::Select": [0, {"Fn::GetAZs": ""}]}
    assert plain["H"] == {"Fn::Split": [",", "a,b"]}
    assert plain["I"] == {"Fn::FindInMap": ["Map", "Key", "Value"]}
    assert plain["J"] == {"Fn::ImportValue": "Shared"}
    assert plain["K"] == {"Fn::Base64": "text"}
    assert plain["L"] == {"Fn::Cidr": ["10.0.0.0/16", 6, 5]}
    assert plain["M"] == {"Fn::Equals": ["a", "b"]}
    assert plain["N"] == {"Fn::And": [{"Condition": "X"}, {"Fn::Not": [{"Condition": "Y"}]}]}
    assert plain["O"] == {"Fn::Or": [{"Condition": "X"}, {"Condition": "Y"}]}
    assert plain["P"] == {"Fn::Transform": {"Name": "AWS::Include", "Parameters": {"Location": "s3://b/k"}}}
    ref = root.get("A")
    assert ref is not None and ref.intrinsic is not None and ref.intrinsic[0] == "Ref"
    assert (ref.span.line, ref.span.column) == (1, 4)
    assert not ref.is_literal


def test_scalar_types_and_spans_for_numbers_and_booleans() -> None:
    root = load_yaml("Timeout: 30\nTracing: true\nRate: 0.5\nDate: 2010-09-09\nName: '30'\n", "t.yaml")
    values = {k: (type(v.value).__name__, v.span.line, v.span.column) for k, v in root.items()}
    assert values == {"Timeout": ("int", 1, 10), "Tracing": ("bool", 2, 10), "Rate": ("float", 3, 7),
                      "Date": ("str", 4, 7), "Name": ("str", 5, 7)}


# Plain, quoted and tagged scalars, the values YAML 1.1 gives them, and keys that look like values:
# the converter resolves tags itself, so each must read as PyYAML's safe loader reads it.
_SCALARS = """\
int: 30
negative: -7
octal: 0o17
hex: 0x1F
float: 0.5
exp: 1e3
inf: .inf
yes_word: yes
on_word: On
off_word: off
true_word: True
null_tilde: ~
null_word: null
empty:
quoted_int: '30'
double_quoted_bool: "true"
tagged_str: !!str 30
tagged_int: !!int "30"
tagged_bool: !!bool "yes"
non_specific: ! 30
date: 2010-09-09
word: Type
dash_word: -foo
dot_word: .hidden
list: [1, '1', yes, "no", ~, x]
"""


def test_scalars_read_as_the_safe_loader_reads_them() -> None:
    expected = yaml.safe_load(_SCALARS)
    expected["date"] = "2010-09-09"  # a version string to CloudFormation: never a date
    expected = {str(key): value for key, value in expected.items()}
    assert load_yaml(_SCALARS, "t.yaml").plain() == expected
    # same values, same types (True == 1 and 1.0 == 1 would hide a wrong type)
    types = {key: type(value.value) for key, value in load_yaml(_SCALARS, "t.yaml").items()}
    assert types == {key: type(value) for key, value in expected.items()}
    # keys stay the text they are written as (a template's keys are names)
    keys = load_yaml("30: a\ntrue: b\nyes: c\n~: d\n'<<': e\n", "t.yaml").plain()
    assert keys == {"30": "a", "true": "b", "yes": "c", "~": "d", "<<": "e"}


def test_only_a_plain_untagged_double_angle_is_a_merge_key() -> None:
    text = "base: &b {A: 1}\nmerged: {<<: *b, B: 2}\ntagged: {!!merge '<<': *b}\nquoted: {'<<': x}\n"
    root = load_yaml(text, "t.yaml").plain()
    assert root["merged"] == {"A": 1, "B": 2}
    assert root["tagged"] == {"A": 1}
    assert root["quoted"] == {"<<": "x"}


def test_json_template_spans(tmp_path: Path) -> None:
    text = '{\n\t"Resources": {\n\t\t"Fn": {\n\t\t\t"Type": "AWS::Lambda::Function",\n' \
           '\t\t\t"Properties": {"Timeout": 42, "Runtime": "python3.12"}\n\t\t}\n\t}\n}\n'
    project = load(tmp_path, {"stack.json": text})
    fn = function(project, "Fn")
    assert (fn.span.path, fn.span.line, fn.span.column) == ("stack.json", 3, 3)
    assert (fn.timeout.value, fn.timeout.span.line, fn.timeout.span.column) == (42, 5, 30)


def test_duplicate_keys_fail_with_their_line() -> None:
    with pytest.raises(LoadError) as yaml_error:
        load_yaml("Resources:\n  A: 1\n  B: 2\n  A: 3\n", "t.yaml")
    assert (yaml_error.value.line, yaml_error.value.column) == (4, 3)
    assert "first defined on line 2" in yaml_error.value.message
    with pytest.raises(LoadError) as json_error:
        load_json('{"a": 1,\n "a": 2}', "t.json")
    assert json_error.value.line == 2


SERVERLESS = """\
service: orders
custom:
  tableName: orders-table
  timeouts:
    create: 20
provider:
  name: aws
  runtime: python3.12
  memorySize: 256
  environment:
    TABLE: ${self:custom.tableName}
    STAGE: ${opt:stage, 'dev'}
functions:
  create:
    handler: src/handlers/create.main
    timeout: ${self:custom.timeouts.create}
    environment:
      STAGE: prod
  list:
    handler: src.handlers.list.main
    reservedConcurrency: 5
"""


def test_serverless_provider_defaults_and_self_references(tmp_path: Path) -> None:
    project = load(tmp_path, {"serverless.yml": SERVERLESS})
    create, listing = function(project, "create"), function(project, "list")
    assert create.kind == "serverless"
    assert (create.span.line, create.span.column) == (14, 3)
    assert (create.timeout.value, create.timeout.origin, create.timeout.span.line) == (20, "explicit", 16)
    assert (listing.timeout.value, listing.timeout.origin) == (6, "default")
    assert (create.memory.value, create.memory.origin, create.memory.span.line) == (256, "provider", 9)
    assert (create.runtime.value, create.runtime.origin) == ("python3.12", "provider")
    env = {k: (v.value, v.origin) for k, v in create.environment.items()}
    assert env == {"STAGE": ("prod", "explicit"), "TABLE": ("orders-table", "provider")}
    stage = listing.environment["STAGE"]
    assert (stage.value, stage.origin) == ("${opt:stage, 'dev'}", "unresolved")
    assert (listing.reserved_concurrency.value, listing.reserved_concurrency.origin) == (5, "explicit")
    assert create.handler_file == (tmp_path / "src/handlers/create.py").resolve()
    assert listing.handler_file == (tmp_path / "src/handlers/list.py").resolve()


def test_serverless_memory_default_and_self_reference_cycle(tmp_path: Path) -> None:
    text = "service: s\nprovider:\n  name: aws\n  runtime: python3.12\ncustom:\n  a: ${self:custom.b}\n" \
           "  b: ${self:custom.a}\nfunctions:\n  f:\n    handler: h.main\n    timeout: ${self:custom.a}\n"
    f = function(load(tmp_path, {"serverless.yml": text}), "f")
    assert (f.memory.value, f.memory.origin) == (1024, "default")
    assert f.timeout.origin == "unresolved"


def test_serverless_resources_load_like_cloudformation(tmp_path: Path) -> None:
    text = SERVERLESS + """resources:
  Resources:
    Queue:
      Type: AWS::SQS::Queue
    Extra:
      Type: AWS::Lambda::Function
      Properties: {Handler: index.handler, Runtime: python3.12, Code: {ZipFile: "x"}}
"""
    project = load(tmp_path, {"serverless.yml": text})
    assert list(project.templates[0].resources) == ["Queue", "Extra"]
    extra = function(project, "Extra")
    assert (extra.kind, extra.span.line, extra.timeout.value) == ("AWS::Lambda::Function", 26, 3)


def test_cdk_asset_metadata_gives_the_code_folder(tmp_path: Path) -> None:
    text = """{"Resources": {"Fn": {"Type": "AWS::Lambda::Function",
      "Properties": {"Runtime": "python3.12", "Handler": "index.handler",
                     "Code": {"S3Bucket": "b", "S3Key": "k.zip"}},
      "Metadata": {"aws:asset:path": "asset.1234abcd"}}}}"""
    project = load(tmp_path, {"cdk.out/App.template.json": text, "cdk.out/asset.1234abcd/index.py": "x = 1\n"})
    fn = function(project, "Fn")
    assert fn.code_dir == (tmp_path / "cdk.out/asset.1234abcd").resolve()
    assert fn.handler_file == fn.code_dir / "index.py"


def test_non_templates_are_skipped_silently(tmp_path: Path) -> None:
    project = load(tmp_path, {
        ".github/workflows/ci.yml": "on: push\njobs: {build: {runs-on: ubuntu-latest}}\n",
        "docker-compose.yml": "services:\n  db:\n    image: postgres\n",
        "package.json": '{"name": "x", "version": "1.0.0"}',
        "broken-but-not-a-template.yml": "a: [\n",
        "template.yaml": SAM_GLOBALS,
    })
    assert [t.display for t in project.templates] == ["template.yaml"]
    assert project.problems == []


OPENWHISK = """\
service: python-service
provider:
  name: openwhisk
  runtime: python3.9
functions:
  greeting:
    handler: handler.endpoint
plugins:
  - serverless-openwhisk
"""


def test_serverless_file_of_another_provider_defines_no_lambda_function(tmp_path: Path) -> None:
    # serverless/examples' OpenWhisk services: `endpoint(params)` is not a Lambda handler, and the
    # OpenWhisk runtime's python3.9 is not Lambda's; nothing of it is Lambda configuration.
    from conftest import run_lint

    write_tree(tmp_path, {
        "ow/serverless.yml": OPENWHISK,
        "ow/handler.py": "def endpoint(params):\n    return {'greeting': params.get('name')}\n",
        "aws/serverless.yml": OPENWHISK.replace("openwhisk", "aws").replace("  - serverless-aws\n", ""),
        "aws/handler.py": "def endpoint(params):\n    return {}\n",
    })
    result = run_lint(tmp_path)
    assert {f.function for f in result.findings} == {"greeting"}
    assert all(f.span.path.startswith("aws/") for f in result.findings)
    assert "LL106" in {f.code for f in result.findings}
    assert any("provider `openwhisk` is not AWS" in note for note in result.project.notes)


def test_yaml_spans_read_as_spans_and_survive_copies() -> None:
    root = load_yaml("Resources:\n  Fn:\n    Timeout: 30\n    Tags: [a, !Ref B]\n", "t.yaml")
    timeout = root.get("Resources", "Fn", "Timeout")
    assert timeout is not None
    copy = timeout.but(origin="globals")  # copied before its span was ever read
    for value in (timeout, copy):
        assert isinstance(value.span, Span) and isinstance(value.key_span, Span)
        assert (value.span.line, value.span.column, value.span.end_column) == (3, 14, 16)
        assert (value.key_span.line, value.key_span.column) == (3, 5)
    assert copy.origin == "globals" and copy != timeout and copy.but(origin="explicit") == timeout
    tag = root.get("Resources", "Fn", "Tags").value[1]
    assert tag.key_span is None and tag.value["Ref"].key_span == tag.span
    assert (tag.span.line, tag.span.column) == (4, 15)


def test_an_invalid_explicit_tag_is_a_problem_at_its_line_and_the_rest_loads() -> None:
    problems: list[LoadError] = []
    root = load_yaml("Timeout: !!int abc\nMemorySize: 256\nTracing: !!bool maybe\n", "t.yaml", problems)
    assert root.plain() == {"Timeout": "abc", "MemorySize": 256, "Tracing": "maybe"}
    assert [(p.line, p.column) for p in problems] == [(1, 10), (3, 10)]
    assert "not a valid `int`" in problems[0].message
