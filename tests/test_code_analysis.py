"""Handler code analysis on real-looking projects: resolution, call chains, LL001 for broken files,
suppression comments in Python, the process pool, and `--fix` / `--diff`."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from lambdalint.code import jobs as jobs_module

from conftest import FIXTURES, run_lint, write_tree

SAM = FIXTURES / "projects" / "sam-nested-packages"
SLS = FIXTURES / "projects" / "serverless-python"


def findings(root: Path, select=("LL0", "LL1")):
    result = run_lint(root, select=select)
    assert not result.internal_errors
    return result, sorted((f.code, f.span.path, f.span.line) for f in result.visible)


def test_sam_nested_packages() -> None:
    result, found = findings(SAM)
    assert found == [
        ("LL001", "src/orders/api/broken.py", 1),
        ("LL101", "src/orders/api/create.py", 9),
        ("LL108", "template.yaml", 27),
        ("LL108", "template.yaml", 33),
    ]
    # the missing colon of `def handler(event, context)`, in plain words, where it is missing
    broken = next(f for f in result.visible if f.code == "LL001")
    assert broken.message == "Python syntax error: expected ':'"
    assert (broken.span.line, broken.span.column) == (1, 28)
    client = next(f for f in result.visible if f.code == "LL101")
    # the helper's line and the template's Handler line are both given
    assert [(r.span.path, r.span.line) for r in client.related] == [
        ("src/orders/lib/clients.py", 8), ("template.yaml", 15)]
    assert client.function == "CreateOrderFunction"
    missing_function = next(f for f in result.visible if f.code == "LL108" and f.span.line == 33)
    assert "defines no `report`" in missing_function.message
    assert missing_function.related[0].span.path == "src/orders/api/create.py"


def test_serverless_service() -> None:
    result, found = findings(SLS)
    assert found == sorted([("LL103", "handlers/charge.py", 15), ("LL102", "handlers/charge.py", 16),
                            # LL109: lib/db.py reads DATABASE_URL, which serverless.yml never sets
                            ("LL109", "lib/db.py", 11), ("LL109", "lib/db.py", 16)])
    connection = next(f for f in result.visible if f.code == "LL102")
    assert [(r.span.path, r.span.line) for r in connection.related] == [
        ("lib/db.py", 16), ("serverless.yml", 11)]


def test_python_suppression_comments(tmp_path: Path) -> None:
    write_tree(tmp_path, {"app.py": """\
import boto3


def handler(event, context):
    a = boto3.client("s3")  # noqa: LL101
    b = boto3.client("sqs")  # lambdalint: ignore[client-in-handler]
    c = boto3.client("sns")
    return a, b, c
"""})
    result, found = findings(tmp_path, select=("LL101",))
    assert found == [("LL101", "app.py", 7)]
    assert sum(1 for f in result.findings if f.suppressed is not None) == 2


def test_syntax_error_does_not_stop_other_files(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "a.py": "def handler(event, context):\n    return [\n",
        "b.py": "import boto3\n\ndef handler(event, context):\n    return boto3.client('s3')\n",
    })
    _, found = findings(tmp_path)
    assert ("LL101", "b.py", 4) in found
    assert [f[1] for f in found if f[0] == "LL001"] == ["a.py"]


def test_cycles_between_modules(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "a.py": "import boto3\nfrom b import pong\n\ndef ping(n):\n    boto3.client('s3')\n    return pong(n)\n",
        "b.py": "import a\n\ndef pong(n):\n    return a.ping(n - 1)\n",
        "app.py": "from a import ping\n\ndef handler(event, context):\n    return ping(3)\n",
    })
    _, found = findings(tmp_path, select=("LL101",))
    assert ("LL101", "app.py", 4) in found


def test_process_pool_gives_the_same_findings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = {f"h{i}.py": f"import boto3\n\ndef handler(event, context):\n    return boto3.client('s{i}')\n"
             for i in range(6)}
    write_tree(tmp_path, files)
    _, serial = findings(tmp_path, select=("LL101",))
    monkeypatch.setattr(jobs_module, "PARALLEL_THRESHOLD", 2)
    _, parallel = findings(tmp_path, select=("LL101",))
    assert serial == parallel and len(serial) == 6


def test_unrelated_modules_are_not_parsed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_tree(tmp_path, {
        "app.py": "from util import fmt\n\ndef handler(event, context):\n    return fmt(event)\n",
        "util.py": "def fmt(x):\n    return str(x)\n",
        "scripts/seed.py": "import boto3\nboto3.client('s3')\n",
    })
    parsed: list[str] = []
    real = jobs_module.analyse_job

    def spy(job):
        parsed.append((Path(job[0]).name, job[3]))
        return real(job)

    monkeypatch.setattr(jobs_module, "analyse_job", spy)
    findings(tmp_path)
    assert parsed == [("app.py", "definitions")]


# -- fixes --

FIXABLE = """\
import boto3
import pymysql

REGION = "eu-west-1"


# The handler.
def handler(event, context):
    # S3 client for uploads
    s3 = boto3.client("s3", region_name=REGION)  # keep this comment
    db = pymysql.connect(host="db.internal", user="app")
    table = boto3.resource("dynamodb").Table(event["table"])
    return s3, db, table
"""


def _cli(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "lambdalint", "check", *args], cwd=cwd,
                          capture_output=True, text=True)


def test_fix_moves_creations_and_is_idempotent(tmp_path: Path) -> None:
    write_tree(tmp_path, {"app.py": FIXABLE})
    first = _cli(tmp_path, "--fix", "--select", "LL101,LL102", "--format", "json")
    fixed = (tmp_path / "app.py").read_text()
    ast.parse(fixed)
    assert "# S3 client for uploads" in fixed and "# keep this comment" in fixed and "# The handler." in fixed
    module_level = [line for line in fixed.splitlines() if not line.startswith((" ", "#")) and "=" in line]
    assert 's3 = boto3.client("s3", region_name=REGION)  # keep this comment' in module_level
    assert 'db = pymysql.connect(host="db.internal", user="app")' in module_level
    # the table depends on the event: not movable, still reported
    _, found = findings(tmp_path, select=("LL101", "LL102"))
    table_line = next(n for n, line in enumerate(fixed.splitlines(), 1) if "Table(event" in line)
    assert found == [("LL101", "app.py", table_line)], first.stderr
    second = _cli(tmp_path, "--fix", "--select", "LL101,LL102")
    assert (tmp_path / "app.py").read_text() == fixed
    assert "fixed" not in second.stderr


def test_diff_changes_nothing(tmp_path: Path) -> None:
    write_tree(tmp_path, {"app.py": FIXABLE})
    run = _cli(tmp_path, "--diff", "--select", "LL101,LL102")
    assert run.returncode == 1
    assert run.stdout.startswith("--- a/app.py\n+++ b/app.py\n")
    assert '-    s3 = boto3.client("s3", region_name=REGION)  # keep this comment' in run.stdout
    assert (tmp_path / "app.py").read_text() == FIXABLE


def test_fix_leaves_a_file_changed_since_it_was_read(tmp_path: Path) -> None:
    from lambdalint.code.fix import apply_fixes

    write_tree(tmp_path, {"app.py": FIXABLE})
    result = run_lint(tmp_path, select=("LL101", "LL102"))
    assert any(f.fix is not None for f in result.visible)
    edited = FIXABLE.replace("# The handler.", "# Edited meanwhile.")
    (tmp_path / "app.py").write_text(edited)
    assert apply_fixes(result.findings) == []
    assert (tmp_path / "app.py").read_text() == edited


def test_no_fix_when_the_move_is_unsafe(tmp_path: Path) -> None:
    write_tree(tmp_path, {"app.py": """\
import boto3

s3 = None


def handler(event, context):
    import botocore
    s3 = boto3.client("s3")
    sqs = boto3.client("sqs")
    sqs = sqs or None
    region = event["region"]
    sns = boto3.client("sns", region_name=region)
    return s3, sqs, sns, botocore
"""})
    result = run_lint(tmp_path, select=("LL101",))
    assert len(result.visible) == 3
    assert all(f.fix is None for f in result.visible)


def test_callee_names_follow_imports_aliases_and_scopes() -> None:
    from lambdalint.code.extract import full_facts

    text = """\
import boto3 as b
import boto3.session
from boto3 import client as make
from .factories import build


class Service:
    make = staticmethod(len)

    def run(self):
        return make("s3")


def handler(event, context):
    import json
    b.client("s3")
    boto3.session.Session().client("sqs")
    json.loads("{}")
    build()
    open("x")
    make = lambda name: name
    make("sns")


def shadowed(event, context):
    global make
    make("dynamodb")
"""
    facts = full_facts("/p/app.py", "app.py", text)
    assert facts.error is None
    names: dict[int, set[str]] = {}
    for call in facts.functions["handler"].calls:
        names.setdefault(call.span.line, set()).update(call.names)
    assert names[16] == {"boto3.client"}
    assert names[17] == {"boto3.session.Session", "boto3.session.Session.client"}
    assert names[18] == {"json.loads"}
    assert names[19] == {".factories.build"}
    assert names[20] == {"builtins.open"}
    assert names[22] == {"handler.<locals>.make"}          # the local lambda, not boto3.client
    # a method does not see its class body; `global` reads the module binding
    assert facts.functions["Service.run"].calls[0].names == {"boto3.client"}
    assert facts.functions["shadowed"].calls[0].names == {"boto3.client"}
    # spans are LibCST's syntactic positions (1-based columns here)
    call = facts.functions["handler"].calls[0]
    assert (call.span.line, call.span.column, call.span.end_line, call.span.end_column) == (16, 5, 16, 19)


def test_client_imported_from_another_module_of_a_sam_app(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "template.yaml": """\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: shop.api.handler
      Runtime: python3.12
      Timeout: 10
      ReservedConcurrentExecutions: 1
""",
        "src/shop/__init__.py": "",
        "src/shop/clients.py": "import boto3\n\nssm = boto3.client('ssm')\n",
        "src/shop/api.py": """\
from .clients import ssm


def handler(event, context):
    return ssm.get_parameter(Name="/x")["Parameter"]["Value"]
""",
    })
    result, found = findings(tmp_path, select=("LL103",))
    assert found == [("LL103", "src/shop/api.py", 5)]
    module = next(m for p, m in result.project.code.modules.items() if p.name == "clients.py")
    assert module.factories == {"ssm": "boto3.client"}


def test_positions_match_libcst_position_provider() -> None:
    import libcst as cst
    from libcst.metadata import MetadataWrapper, PositionProvider

    from lambdalint.code.cstwalk import Positions

    text = (FIXTURES / "projects" / "serverless-python" / "handlers" / "charge.py").read_text() + '''
@decorator(arg=(1,
                2))
async def f(a, b=lambda x: (x)):
    return [await g(y) for y in (h( ), i)] if a else {k: v for k, v in b.items()}  # comment
'''
    module = cst.parse_module(text)
    expected = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    positions = Positions(module, text)
    assert len(expected) > 100
    for node, where in expected.items():
        if node is module:  # its end is past the text (LibCST counts the final newline twice)
            continue
        assert positions.range(node) == (where.start.line, where.start.column, where.end.line, where.end.column), node
    # the pass uses a plain context manager for parentheses, and gives LibCST its own back
    from libcst._nodes.expression import _BaseParenthesizedNode
    assert _BaseParenthesizedNode._parenthesize.__qualname__ == "_BaseParenthesizedNode._parenthesize"
    assert module.code == text


@pytest.mark.parametrize(("text", "line", "words"), [
    ("import boto3\n\ndef handler(event, context)\n    return boto3\n", 3, "expected ':'"),
    ("def handler(event, context):\n    return {'a': (1,\n\nx = 2\n", 2, "'(' was never closed"),
    ("def handler(event, context):\nreturn event\n", 2, "expected an indented block"),
    ("def handler(event, context):\n    return \"abc\n", 2, "unterminated string literal"),
    ("def handler(event, context):\n    return f(a b)\n", 2, "Perhaps you forgot a comma?"),
])
def test_python_syntax_errors_in_plain_words(tmp_path: Path, text: str, line: int, words: str) -> None:
    write_tree(tmp_path, {"app.py": text, "ok.py": "import boto3\n\n\ndef handler(event, context):\n"
                                                 "    return boto3.client('s3')\n"})
    result, found = findings(tmp_path)
    assert ("LL001", "app.py", line) in found
    assert ("LL101", "ok.py", 5) in found            # the other file is still checked
    error = next(f for f in result.visible if f.code == "LL001")
    assert words in error.message and "Syntax Error @" not in error.message


def test_libcst_message_is_the_fallback() -> None:
    import libcst as cst

    from lambdalint.code.syntax_errors import _libcst_syntax_error

    text = "class Orders\n    pass\n"
    with pytest.raises(cst.ParserSyntaxError) as caught:
        cst.parse_module(text)
    line, column, words = _libcst_syntax_error(text, caught.value)
    assert line == 2 and "expected" in words and "`:`" in words and "`pass`" in words


def test_a_module_created_between_two_runs_is_seen(tmp_path: Path) -> None:
    """The language server lints again and again in one process: module lookups must not go stale."""
    write_tree(tmp_path, {
        "template.yaml": (
            'AWSTemplateFormatVersion: "2010-09-09"\nTransform: AWS::Serverless-2016-10-31\n'
            "Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n"
            "      CodeUri: src/\n      Handler: app.handler\n      Runtime: python3.12\n"),
        "src/app.py": "from helpers import make_client\n\n\ndef handler(event, context):\n"
                      "    return make_client().list_buckets()\n",
    })
    assert [f.code for f in run_lint(tmp_path, select=["LL101"]).visible] == []
    write_tree(tmp_path, {"src/helpers.py": "import boto3\n\n\ndef make_client():\n    return boto3.client('s3')\n"})
    assert [(f.code, f.span.path) for f in run_lint(tmp_path, select=["LL101"]).visible] == \
        [("LL101", "src/app.py")]


def test_a_session_chain_on_one_line_is_one_finding(tmp_path: Path) -> None:
    """`boto3.Session(...).resource(...)` matches both the session and the resource factory."""
    write_tree(tmp_path, {
        "template.yaml": (
            'AWSTemplateFormatVersion: "2010-09-09"\nTransform: AWS::Serverless-2016-10-31\n'
            "Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n"
            "      CodeUri: src/\n      Handler: app.lambda_handler\n      Runtime: python3.12\n"),
        "src/app.py": "from os import environ\n\nimport boto3\n\n\ndef lambda_handler(event, context):\n"
                      "    table = boto3.Session(region_name='us-east-1').resource('dynamodb').Table(environ['T'])\n"
                      "    return table.name\n",
    })
    found = run_lint(tmp_path, select=["LL101"]).visible
    assert [(f.span.path, f.span.line) for f in found] == [("src/app.py", 7)]


def test_a_function_whose_code_is_not_a_project_folder_is_named_in_a_note(tmp_path: Path) -> None:
    write_tree(tmp_path, {"template.yaml": """\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  Inline:
    Type: AWS::Lambda::Function
    Properties:
      Handler: index.handler
      Runtime: python3.12
      Role: arn:aws:iam::123456789012:role/r
      Code:
        ZipFile: |
          def handler(event, context):
              return 1
  SamInline:
    Type: AWS::Serverless::Function
    Properties:
      Handler: index.handler
      Runtime: python3.12
      InlineCode: "def handler(event, context):\\n    return 1\\n"
  Released:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: s3://artifacts/orders-1.4.2.zip
      Handler: app.handler
      Runtime: python3.12
  Local:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: app.handler
      Runtime: python3.12
  NotBuilt:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: build/reports/
      Handler: app.handler
      Runtime: python3.12
""", "src/app.py": "def handler(event, context):\n    return 1\n"})
    notes = [n for n in run_lint(tmp_path).notes if "handler-code rules did not read it" in n]
    assert notes == [
        f"template.yaml: `{name}`: its code ({what}) is not a folder of the project, so the handler-code rules did not read it"
        for name, what in (("Inline", "inline in the template"), ("SamInline", "inline, or not given"),
                           ("Released", "`s3://artifacts/orders-1.4.2.zip`"))] + [
        "template.yaml: `NotBuilt`: its code folder `build/reports` does not exist, so the handler-code rules did not read it"]


def test_a_handler_its_module_imports_from_another_is_that_function(tmp_path: Path) -> None:
    # `handler: app.list_tasks` where app.py re-exports it, and a package's __init__ re-exporting
    write_tree(tmp_path, {
        "serverless.yml": """\
service: tasks
provider:
  name: aws
  runtime: python3.12
  timeout: 10
functions:
  list:
    handler: app.list_tasks
  get:
    handler: todos/crud.get_task
""",
        "app.py": "from tasks_impl import list_tasks\n",
        "tasks_impl.py": """\
import boto3


def list_tasks(event, context):
    table = boto3.resource("dynamodb").Table("tasks")
    return table.scan()["Items"]
""",
        "todos/__init__.py": "",
        "todos/crud/__init__.py": "from todos.crud.read import get_task\n",
        "todos/crud/read.py": """\
from sqlalchemy import create_engine


def get_task(event, context):
    engine = create_engine("postgresql://tasks")
    return engine.connect().execute("select 1")
""",
    })
    result = run_lint(tmp_path, select=("LL101", "LL102", "LL108"))
    assert sorted((f.code, f.span.path, f.span.line) for f in result.findings) == [
        ("LL101", "tasks_impl.py", 5), ("LL102", "todos/crud/read.py", 5)]
    assert not [n for n in result.notes if "was not found" in n]



def test_a_python_function_whose_runtime_or_handler_is_given_at_deploy_time_is_noted(tmp_path: Path) -> None:
    """`runtime: ${env:LAMBDA_RUNTIME}`, `handler: ${env:LAMBDA_HANDLER}` (tomazellifelipe/lambda-python-api):
    the code was not read, and a green run must say so; a Node function's unknown handler is not ours."""
    write_tree(tmp_path, {
        "serverless.yml": """\
service: orders
provider:
  name: aws
functions:
  app:
    handler: ${env:LAMBDA_HANDLER}
    runtime: ${env:LAMBDA_RUNTIME}
  worker:
    handler: ${env:WORKER_HANDLER}
    runtime: python3.12
  web:
    handler: ${env:WEB_HANDLER}
    runtime: nodejs20.x
""",
        "src/main.py": "def handler(event, context):\n    return event\n",
    })
    notes = [n for n in run_lint(tmp_path).notes if "not a value lambdalint can read" in n]
    assert notes == [
        "serverless.yml: `app`: its runtime (`${env:LAMBDA_RUNTIME}`) is not a value lambdalint can read, "
        "so the handler-code rules did not read it",
        "serverless.yml: `worker`: its handler (`${env:WORKER_HANDLER}`) is not a value lambdalint can read, "
        "so the handler-code rules did not read it"]


def test_a_handler_bound_to_a_value_is_said_so_not_missing(tmp_path: Path) -> None:
    """`handler = Mangum(app)` (setterlee/serverless-python-fastapi, read at the review): the call
    set is open because what the object runs is not followed, and the note said the handler "was
    not found", which it plainly is."""
    write_tree(tmp_path, {
        "serverless.yml": """\
service: api
provider:
  name: aws
  runtime: python3.12
  iam:
    role:
      statements:
        - Effect: Allow
          Action: s3:GetObject
          Resource: arn:aws:s3:::docs/*
functions:
  main:
    handler: src/main.handler
""",
        "src/__init__.py": "",
        "src/main.py": "import boto3\nfrom mangum import Mangum\nfrom fastapi import FastAPI\n\napp = FastAPI()\n"
                       "handler = Mangum(app)\n",
    })
    notes = [n for n in run_lint(tmp_path, select=("LL322",)).notes if "could not all be determined" in n]
    assert len(notes) == 1 and "`src/main.handler` is a value, not a `def`" in notes[0]
    assert "was not found" not in notes[0]
