"""The CDK loader: Python CDK app source in, model out (spans, origins, honest unknowns)."""

from __future__ import annotations

from pathlib import Path

from lambdalint.config import Config
from lambdalint.load import load_project
from lambdalint.model import Function, Project

from conftest import run_lint, write_tree

CDK_JSON = '{\n  "app": "python3 app.py"\n}\n'
APP = """\
import aws_cdk as cdk

from stacks.orders import OrdersStack

app = cdk.App()
OrdersStack(app, "OrdersStack")
app.synth()
"""
HANDLER = "def handler(event, context):\n    return event\n"


def load_app(tmp_path: Path, stack: str, extra: dict[str, str] | None = None) -> Project:
    files = {"cdk.json": CDK_JSON, "app.py": APP, "stacks/__init__.py": "", "stacks/orders.py": stack,
             "lambda/app.py": HANDLER, **(extra or {})}
    write_tree(tmp_path, files)
    return load_project([tmp_path], Config(root=tmp_path), cwd=tmp_path)


def fn(project: Project, name: str) -> Function:
    return next(f for f in project.functions if f.name == name)


def stack(body: str, imports: str = "from aws_cdk import Duration, Stack, aws_lambda as _lambda") -> str:
    indented = "\n".join(("        " + line) if line else "" for line in body.splitlines())
    return f"""{imports}


class OrdersStack(Stack):
    def __init__(self, scope, construct_id, **kwargs):
        super().__init__(scope, construct_id, **kwargs)
{indented}
"""


FULL = stack("""\
queue = sqs.Queue(self, "Dlq")
layer = _lambda.LayerVersion(self, "Deps", code=_lambda.Code.from_asset("layer"))
_lambda.Function(
    self, "OrdersFunction",
    runtime=_lambda.Runtime.PYTHON_3_12,
    handler="app.handler",
    code=_lambda.Code.from_asset("lambda"),
    timeout=Duration.minutes(2),
    memory_size=512,
    reserved_concurrent_executions=5,
    environment={"TABLE": "orders", "LOG_LEVEL": "INFO"},
    layers=[layer],
    tracing=_lambda.Tracing.ACTIVE,
    architecture=_lambda.Architecture.ARM_64,
    dead_letter_queue=queue,
    retry_attempts=0,
)""", "from aws_cdk import Duration, Stack, aws_lambda as _lambda, aws_sqs as sqs")


def test_function_keywords_map_to_the_model_with_keyword_spans(tmp_path: Path) -> None:
    project = load_app(tmp_path, FULL)
    [template] = project.templates
    assert (template.dialect, template.display) == ("cdk", "app.py")  # the app is one template
    orders = fn(project, "OrdersFunction")
    assert orders.kind == "cdk"
    assert orders.label == "stacks/orders.py: `OrdersFunction`"  # named by the module that makes it
    assert (orders.span.line, orders.span.column) == (9, 9)  # `_lambda.Function(`
    assert (orders.timeout.value, orders.timeout.origin, orders.timeout.span.line) == (120, "explicit", 14)
    assert (orders.memory.value, orders.memory.span.line) == (512, 15)
    assert (orders.reserved_concurrency.value, orders.reserved_concurrency.span.line) == (5, 16)
    assert (orders.runtime.value, orders.runtime.span.line) == ("python3.12", 11)
    assert orders.handler.value == "app.handler"
    assert {k: v.value for k, v in orders.environment.items()} == {"TABLE": "orders", "LOG_LEVEL": "INFO"}
    assert orders.environment["TABLE"].key_span.line == 17  # type: ignore[union-attr]
    assert [layer.plain() for layer in orders.layers] == [{"Ref": "Deps"}]
    assert orders.properties.get("TracingConfig", "Mode").value == "Active"  # type: ignore[union-attr]
    assert orders.properties.get("Architectures").plain() == ["arm64"]  # type: ignore[union-attr]
    assert orders.properties.get("DeadLetterConfig", "TargetArn").plain() == {"Ref": "Dlq"}  # type: ignore[union-attr]
    assert orders.properties.get("EventInvokeConfig", "MaximumRetryAttempts").value == 0  # type: ignore[union-attr]
    # the asset folder is relative to the folder holding cdk.json, not to the stack's module
    assert orders.code_dir == tmp_path / "lambda"
    assert (orders.handler_file, orders.handler_function) == (tmp_path / "lambda" / "app.py", "handler")


def test_cdk_defaults_have_origin_default_at_the_call(tmp_path: Path) -> None:
    project = load_app(tmp_path, stack("""\
_lambda.Function(self, "Bare", runtime=_lambda.Runtime.PYTHON_3_11, handler="app.handler",
                 code=_lambda.Code.from_asset("lambda"))"""))
    bare = fn(project, "Bare")
    assert (bare.timeout.value, bare.timeout.origin, bare.timeout.span.line) == (3, "default", 7)
    assert (bare.memory.value, bare.memory.origin) == (128, "default")
    assert bare.reserved_concurrency.value is None and bare.environment == {}


def test_import_aliases_all_name_the_same_constructs(tmp_path: Path) -> None:
    source = """\
import aws_cdk as cdk
import aws_cdk.aws_lambda as lambda_
from aws_cdk import Stack
from aws_cdk.aws_lambda import Function as Fn, Runtime, Code
from aws_cdk import aws_lambda_python_alpha as python


class OrdersStack(Stack):
    def __init__(self, scope, construct_id):
        super().__init__(scope, construct_id)
        lambda_.Function(self, "A", runtime=lambda_.Runtime.PYTHON_3_12, handler="app.handler",
                         code=lambda_.Code.from_asset("lambda"))
        Fn(self, "B", runtime=Runtime.PYTHON_3_12, handler="app.handler", code=Code.from_asset("lambda"))
        cdk.aws_lambda.Function(self, "C", runtime=cdk.aws_lambda.Runtime.PYTHON_3_12,
                                handler="app.handler", code=cdk.aws_lambda.Code.from_asset("lambda"))
        python.PythonFunction(self, "D", entry="lambda", index="app.py", runtime=Runtime.PYTHON_3_13)
        python.PythonFunction(self, "E", entry="lambda")
        lambda_.DockerImageFunction(self, "F", code=lambda_.DockerImageCode.from_image_asset("image"))
        cloudfront_function = Function  # not a Lambda function: a local name is not an import
"""
    project = load_app(tmp_path, source)
    assert sorted(f.name for f in project.functions) == ["A", "B", "C", "D", "E", "F"]
    for name in "ABC":
        assert fn(project, name).handler_file == tmp_path / "lambda" / "app.py"
    python_fn = fn(project, "D")
    assert (python_fn.handler.value, python_fn.runtime.value) == ("app.handler", "python3.13")
    assert python_fn.handler_file == tmp_path / "lambda" / "app.py"
    # PythonFunction defaults: index.py / handler; the runtime is required (old versions defaulted
    # it), so when it is left out it is unknown rather than guessed
    defaults = fn(project, "E")
    assert (defaults.handler.value, defaults.handler.origin) == ("index.handler", "default")
    assert defaults.runtime.origin == "unresolved" and defaults.is_python
    image = fn(project, "F")
    assert image.package_type == "Image" and image.runtime.value is None and image.handler_file is None


def test_resolved_value_forms(tmp_path: Path) -> None:
    source = """\
import os

from aws_cdk import Duration, Stack, aws_lambda as _lambda

from stacks.settings import MEMORY

TIMEOUT = 30
COMMON = {"runtime": _lambda.Runtime.PYTHON_3_12, "handler": "app.handler"}
DIRNAME = os.path.dirname(__file__)


def make(scope, name, seconds):
    return _lambda.Function(scope, name, timeout=Duration.seconds(seconds),
                            code=_lambda.Code.from_asset("lambda"), **COMMON)


class OrdersStack(Stack):
    def __init__(self, scope, construct_id):
        super().__init__(scope, construct_id)
        stage = "prod"
        _lambda.Function(self, f"Orders-{stage}", timeout=Duration.seconds(TIMEOUT), memory_size=MEMORY,
                         code=_lambda.Code.from_asset(os.path.join(DIRNAME, "..", "lambda")), **COMMON)
        for name, memory in [("Alpha", 256), ("Beta", 1024)]:
            _lambda.Function(self, name, memory_size=memory, code=_lambda.Code.from_asset("lambda"), **COMMON)
        make(self, "Helped", 45)
"""
    project = load_app(tmp_path, source, {"stacks/settings.py": "MEMORY = 2048\n"})
    orders = fn(project, "Orders-prod")
    assert (orders.timeout.value, orders.memory.value, orders.runtime.value) == (30, 2048, "python3.12")
    assert orders.timeout.span.line == 21  # the keyword's line, though the value is a constant
    assert orders.code_dir == tmp_path / "lambda"
    assert (fn(project, "Alpha").memory.value, fn(project, "Beta").memory.value) == (256, 1024)
    helped = fn(project, "Helped")
    assert (helped.timeout.value, helped.timeout.origin) == (45, "explicit")
    assert len(project.functions) == 4  # the helper is read once, with its caller's arguments


def test_values_computed_at_synth_time_stay_unresolved(tmp_path: Path) -> None:
    source = """\
import os

from aws_cdk import Duration, Stack, aws_lambda as _lambda


class OrdersStack(Stack):
    def __init__(self, scope, construct_id, props, **kwargs):
        super().__init__(scope, construct_id)
        timeout = self.node.try_get_context("timeout")
        for name in props["functions"]:
            _lambda.Function(self, name, timeout=Duration.seconds(timeout),
                             memory_size=int(os.environ["MEMORY"]),
                             runtime=_lambda.Runtime.PYTHON_3_12, handler="app.handler",
                             code=_lambda.Code.from_asset("lambda"), **self.node.try_get_context("fn"))
"""
    project = load_app(tmp_path, source)
    [one] = project.functions  # a loop over data we cannot read: one function, its id unknown
    assert one.name == "name"
    assert one.timeout.origin == "unresolved" and one.memory.origin == "unresolved"
    # a `**kwargs` we cannot read may hold any setting: unknown, never missing
    assert one.reserved_concurrency.origin == "unresolved"
    result = run_lint(tmp_path, select=("LL201", "LL202"))
    assert [f.code for f in result.findings] == []


def test_add_environment_adds_variables_and_an_unfollowed_call_makes_them_unknown(tmp_path: Path) -> None:
    known = stack("""\
orders = _lambda.Function(self, "Orders", runtime=_lambda.Runtime.PYTHON_3_12, handler="app.handler",
                          code=_lambda.Code.from_asset("lambda"))
orders.add_environment("TABLE", "orders")""")
    project = load_app(tmp_path / "a", known)
    assert {k: (v.value, v.key_span.line) for k, v in fn(project, "Orders").environment.items()} == \
        {"TABLE": ("orders", 9)}
    # through a method the stack calls with the function: followed
    helped = known.replace('orders.add_environment("TABLE", "orders")',
                           'self.wire(orders)\n\n    def wire(self, function):\n'
                           '        function.add_environment("TABLE", "orders")')
    project = load_app(tmp_path / "b", helped)
    assert {k: v.value for k, v in fn(project, "Orders").environment.items()} == {"TABLE": "orders"}
    # on objects lambdalint cannot follow: it may be any function's, so no environment is known
    unknown = known.replace('orders.add_environment("TABLE", "orders")',
                            '[f.add_environment("TABLE", "orders") for f in self.node.children]')
    project = load_app(tmp_path / "c", unknown)
    assert fn(project, "Orders").properties.get("Environment").origin == "unresolved"  # type: ignore[union-attr]


def test_findings_point_at_the_keyword_or_the_call_and_honour_suppressions(tmp_path: Path) -> None:
    source = stack("""\
_lambda.Function(
    self, "Old",
    runtime=_lambda.Runtime.PYTHON_3_8,
    handler="app.handler",
    code=_lambda.Code.from_asset("lambda"),
    environment={"AWS_REGION": "eu-west-1"},
)
_lambda.Function(  # lambdalint: ignore[LL201]
    self, "Quiet",
    runtime=_lambda.Runtime.PYTHON_3_8,  # lambdalint: ignore[LL206]
    handler="app.handler",
    code=_lambda.Code.from_asset("lambda"),
)""")
    write_tree(tmp_path, {"cdk.json": CDK_JSON, "app.py": APP, "stacks/__init__.py": "",
                          "stacks/orders.py": source, "lambda/app.py": HANDLER})
    result = run_lint(tmp_path, select=("LL201", "LL205", "LL206"))
    shown = sorted((f.code, f.span.path, f.span.line) for f in result.findings if not f.suppressed)
    assert shown == [("LL201", "stacks/orders.py", 7), ("LL205", "stacks/orders.py", 12),
                     ("LL206", "stacks/orders.py", 9)]
    hidden = sorted((f.code, f.span.line) for f in result.findings if f.suppressed)
    assert hidden == [("LL201", 14), ("LL206", 16)]


def test_handler_code_is_linked_through_the_asset_folder(tmp_path: Path) -> None:
    handler = "import os\n\nimport boto3\n\n\ndef handler(event, context):\n" \
              "    client = boto3.client('s3')\n    return os.environ['BUCKET']\n"
    write_tree(tmp_path, {"cdk.json": CDK_JSON, "app.py": APP, "stacks/__init__.py": "",
                          "stacks/orders.py": stack("""\
_lambda.Function(self, "Orders", runtime=_lambda.Runtime.PYTHON_3_12, handler="app.handler",
                 code=_lambda.Code.from_asset("lambda"), timeout=Duration.seconds(5))"""),
                          "lambda/app.py": handler})
    result = run_lint(tmp_path, select=("LL101", "LL109"))
    assert sorted((f.code, f.span.path, f.span.line) for f in result.findings) == \
        [("LL101", "lambda/app.py", 7), ("LL109", "lambda/app.py", 8)]


def test_a_syntax_error_in_the_app_is_a_parse_error_and_other_files_still_load(tmp_path: Path) -> None:
    project = load_app(tmp_path, FULL, {"stacks/broken.py": "from aws_cdk import Stack\ndef broken(:\n"})
    assert [f.name for f in project.functions] == ["OrdersFunction"]
    assert [(p.span.path, p.span.line) for p in project.problems] == [("stacks/broken.py", 2)]


def test_level_one_constructs_are_the_resources_they_name(tmp_path: Path) -> None:
    source = stack("""\
role = iam.CfnRole(self, "FnRole", assume_role_policy_document={"Version": "2012-10-17"},
                   policies=[iam.CfnRole.PolicyProperty(policy_name="all", policy_document={
                       "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]})])
function = _lambda.CfnFunction(self, "Raw", runtime="python3.12", handler="app.handler",
                               role=role.attr_arn, timeout=900,
                               code=_lambda.CfnFunction.CodeProperty(zip_file="def handler(e, c): pass"))
_lambda.CfnPermission(self, "Open", action="lambda:InvokeFunction", principal="*",
                      function_name=function.ref)
_lambda.CfnFunction(self, "Spread", **settings)""",
                   "from aws_cdk import Stack, aws_iam as iam, aws_lambda as _lambda\nfrom settings import settings")
    project = load_app(tmp_path, source)
    [raw] = project.functions
    assert (raw.name, raw.kind, raw.timeout.value, raw.timeout.span.line) == ("Raw", "cdk", 900, 12)
    assert raw.properties.get("Code", "ZipFile").value == "def handler(e, c): pass"  # type: ignore[union-attr]
    assert raw.properties.get("Role").plain() == {"Fn::GetAtt": ["FnRole", "Arn"]}  # type: ignore[union-attr]
    [template] = project.templates
    assert {k: v.get("Type").value for k, v in template.resources.items()} == {  # type: ignore[union-attr]
        "FnRole": "AWS::IAM::Role", "Raw": "AWS::Lambda::Function", "Open": "AWS::Lambda::Permission"}
    assert template.resources["Open"].get("Properties", "FunctionName").plain() == {"Ref": "Raw"}  # type: ignore[union-attr]
    assert project.notes == ["stacks/orders.py:16: `CfnFunction` `Spread` takes properties from `**` "
                             "arguments lambdalint cannot read; it is not checked"]
    result = run_lint(tmp_path, select=("LL201", "LL301", "LL302", "LL304"))
    assert sorted((f.code, f.span.line) for f in result.findings) == \
        [("LL301", 10), ("LL302", 10), ("LL304", 14)]


def test_cdk_roles_in_the_role_model(tmp_path: Path) -> None:
    from lambdalint.iam import execution_role

    from conftest import FIXTURES

    result = run_lint(FIXTURES / "projects" / "cdk-python-iam", select=("LL301",))
    assert result.project is not None
    roles = {f.name: execution_role(f) for f in result.project.functions}
    reader = roles["ReaderFunction"]
    assert reader.role == "ReaderFunctionServiceRole" and reader.unknown is None
    assert [m.name for m in reader.managed] == ["AWSLambdaBasicExecutionRole"]
    actions = [[a.value for a in s.actions] for s in reader.statements]
    # initial_policy (the constant list resolved), the grant (the statement CDK writes, on the table),
    # add_to_role_policy, role.add_to_policy (a Deny)
    assert actions[:3] == [["dynamodb:*"], ["dynamodb:GetItem", "dynamodb:Query"], ["xray:PutTraceSegments"]]
    assert {"dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:DeleteItem"} <= set(actions[3])
    assert [r.plain() for r in reader.statements[3].resources] == [{"Fn::GetAtt": ["Orders", "Arn"]}]
    assert actions[4:] == [["s3:Get*"], ["*"]] and reader.statements[5].effect == "Deny"
    admin = roles["AdminFunction"]
    assert admin.role == "AdminRole"
    assert sorted(m.name for m in admin.managed) == ["AWSLambdaBasicExecutionRole", "AdministratorAccess"]
    assert roles["ImportedRoleFunction"].unknown is not None


def test_requirements_count_only_where_cdk_installs_them(tmp_path: Path) -> None:
    source = stack("""\
_lambda.Function(self, "AsIs", runtime=_lambda.Runtime.PYTHON_3_12, handler="app.handler",
                 code=_lambda.Code.from_asset("lambda"), timeout=Duration.seconds(5))
python.PythonFunction(self, "Bundled", entry="bundled", index="app.py", runtime=_lambda.Runtime.PYTHON_3_12,
                      timeout=Duration.seconds(5))""",
                   "from aws_cdk import Duration, Stack, aws_lambda as _lambda\n"
                   "from aws_cdk import aws_lambda_python_alpha as python")
    write_tree(tmp_path, {"cdk.json": CDK_JSON, "app.py": APP, "stacks/__init__.py": "", "stacks/orders.py": source,
                          "lambda/app.py": HANDLER, "lambda/requirements.txt": "boto3==1.34.0\n",
                          "bundled/app.py": HANDLER, "bundled/requirements.txt": "boto3==1.34.0\n"})
    result = run_lint(tmp_path, select=("LL404",))
    # `Code.from_asset` zips the folder as it is: its requirements.txt installs nothing
    assert [(f.code, f.span.path, f.function) for f in result.visible] == \
        [("LL404", "bundled/requirements.txt", "Bundled")]


def model_spans(app: Path, whole_module: bool, monkeypatch: object) -> list[object]:
    """Every span, key span and value of the templates read from `app`; with `whole_module`,
    placed from positions of the whole module instead of each statement's code alone."""
    from lambdalint.loaders import cdkvalues
    from lambdalint.loaders.cdk import is_app_module, load_cdk_app

    if whole_module:
        monkeypatch.setattr(cdkvalues.Module, "_statement", lambda self, statement, indent: None)  # type: ignore[attr-defined]
    found: list[object] = []
    for cdk_json in sorted(app.glob("**/cdk.json")):
        folder = cdk_json.parent.absolute()
        files = [p.absolute() for p in folder.rglob("*.py") if is_app_module(p.absolute(), folder)]
        for template in load_cdk_app(cdk_json, files, Project(cwd=folder), lambda p: p.read_text(encoding="utf-8")):
            stack = [template.root]
            while stack:
                node = stack.pop()
                found.append((node.span, node.key_span, node.plain() if node.is_literal else node.origin))
                stack.extend(node.value.values() if isinstance(node.value, dict) else
                             node.value if isinstance(node.value, list) else [])
            found.extend((f.name, f.span) for f in template.functions)
    return found


def test_spans_placed_per_statement_equal_whole_module_positions(monkeypatch: object) -> None:
    import pytest

    from conftest import FIXTURES

    for name in ("cdk-python-iam", "cdk-python-triggers", "cdk-python-deploy", "cdk-python-permissions",
                 "cdk-python-scheduler", "cdk-python-websocket"):
        app = FIXTURES / "projects" / name
        per_statement = model_spans(app, False, monkeypatch)
        with pytest.MonkeyPatch.context() as patch:
            whole = model_spans(app, True, patch)
        assert per_statement == whole and len(whole) > 100


def test_kwargs_from_a_dict_in_another_project_module(tmp_path: Path) -> None:
    settings = """\
from aws_cdk import Duration, aws_lambda as _lambda

DEFAULTS = {"runtime": _lambda.Runtime.PYTHON_3_13, "handler": "app.handler", "memory_size": 256,
            "timeout": Duration.seconds(20), "environment": {"STAGE": "prod"}}
"""
    source = stack("""\
_lambda.Function(self, "Shared", code=_lambda.Code.from_asset("lambda"), **DEFAULTS)
_lambda.Function(self, "Unknown", code=_lambda.Code.from_asset("lambda"), **OTHER)""",
                   "from aws_cdk import Stack, aws_lambda as _lambda\n"
                   "from stacks.settings import DEFAULTS\nfrom elsewhere import OTHER")
    project = load_app(tmp_path, source, {"stacks/settings.py": settings})
    shared = fn(project, "Shared")
    assert (shared.runtime.value, shared.memory.value, shared.timeout.value) == ("python3.13", 256, 20)
    # entries of a spread dict point at where they are written, in the other module
    assert (shared.memory.span.path, shared.memory.span.line) == ("stacks/settings.py", 3)
    assert {k: v.value for k, v in shared.environment.items()} == {"STAGE": "prod"}
    unknown = fn(project, "Unknown")
    assert unknown.timeout.origin == "unresolved" and unknown.runtime.origin == "unresolved"


def test_an_environment_dict_filled_before_it_is_passed_holds_what_was_put_in(tmp_path: Path) -> None:
    """`env = {}; env["A_LINK"] = ...; Function(environment=env)` sets A_LINK (LL109 said it did
    not: aws-samples/python-cdk-api-rekognition-stepfunctions-ses-sns, judged); a key the app
    computes, or `env.update(...)`, leaves the environment unknown; a later item is not the
    function's, which copied the dict when it was made."""
    app = '''\
import aws_cdk as cdk
from aws_cdk import Stack, aws_lambda as lambda_
from constructs import Construct


class Alerts(Stack):
    def __init__(self, scope: Construct, id: str, **kwargs) -> None:
        super().__init__(scope, id, **kwargs)
        env = {}
        env["A_LINK"] = "https://example.com"
        env["SUBJECT"] = self.node.try_get_context("subject")
        FILL
        lambda_.Function(self, "Notify", runtime=lambda_.Runtime.PYTHON_3_12, handler="app.handler",
                         code=lambda_.Code.from_asset("lambda"), timeout=cdk.Duration.seconds(10),
                         environment=env)
        env["LATER"] = "too late"


app = cdk.App()
Alerts(app, "Alerts")
app.synth()
'''
    handler = 'import os\n\n\ndef handler(event, context):\n    return [os.environ[k] for k in ("A_LINK", "SUBJECT")], os.environ["LATER"]\n'
    unset = {}
    for fill in ("pass", 'env["TEAM_" + self.node.try_get_context("team")] = "arn"', 'env.update(EXTRA="1")'):
        root = tmp_path / str(len(unset))
        write_tree(root, {"cdk.json": '{"app": "python3 app.py"}\n', "app.py": app.replace("FILL", fill),
                          "lambda/app.py": handler})
        unset[fill] = [f.message for f in run_lint(root, select=("LL109",)).findings]
    assert unset["pass"] == ["`LATER` is read but `Notify` does not set it"]
    assert unset['env["TEAM_" + self.node.try_get_context("team")] = "arn"'] == []
    assert unset['env.update(EXTRA="1")'] == []


def test_cdk_0x_runtime_spelling(tmp_path: Path) -> None:
    """`Runtime.PYTHON37`, as CDK 0.x wrote it (samkeen/aws-cdk-python-lambda-apigateway, judged):
    it was no runtime at all, so the blocked `python3.7` (LL206) went unreported and the function
    was not known to be Python."""
    write_tree(tmp_path, {"cdk.json": '{"app": "python3 app.py"}\n', "app.py": '''\
from aws_cdk import cdk
from aws_cdk.aws_lambda import Function, InlineCode, Runtime

app = cdk.App()
stack = cdk.Stack(app, "Viewer")
Function(stack, "QueueViewer", code=InlineCode("def main(event, context):\\n    return event\\n"),
         handler="index.main", timeout=30, runtime=Runtime.PYTHON37)
app.run()
'''})
    result = run_lint(tmp_path, select=("LL206",))
    assert [(f.code, f.span.line, f.message.split(" is ")[0]) for f in result.findings] == [("LL206", 7, "`python3.7`")]
