"""Code meets role on CDK apps: `grant_*` calls are the statements CDK writes, so LL321 tells a write
from a read grant, and LL322 judges `initial_policy`; roles and calls lambdalint cannot know stay
silent."""

from __future__ import annotations

import shutil
from pathlib import Path

from conftest import FIXTURES, codes_at, run_lint, write_tree

APP = FIXTURES / "projects" / "cdk-python-permissions"
STACK = "orders/orders_stack.py"


def permission_findings(root: Path) -> list[tuple[str, str, int]]:
    result = run_lint(root, select=("LL321", "LL322"))
    assert not result.internal_errors
    return codes_at(result)


def functions_of(root: Path, code: str) -> set[str]:
    result = run_lint(root, select=(code,))
    return {f.function for f in result.visible if f.function}


def copy_app(tmp_path: Path) -> Path:
    root = tmp_path / "app"
    shutil.copytree(APP, root)
    return root


def edit(root: Path, old: str, new: str) -> None:
    path = root / STACK
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))


def test_a_read_grant_misses_the_write_and_an_unused_wildcard_is_reported() -> None:
    assert permission_findings(APP) == [
        ("LL321", "lambda/writer/app.py", 11),   # put_item, granted reads only
        ("LL322", STACK, 35),                    # s3:* in initial_policy, no S3 call
    ]


def test_the_traps_stay_silent_for_both_rules() -> None:
    flagged = functions_of(APP, "LL321") | functions_of(APP, "LL322")
    assert flagged == {"WriterFunction", "ExporterFunction"}


def test_a_read_write_grant_allows_the_write(tmp_path: Path) -> None:
    root = copy_app(tmp_path)
    edit(root, "table.grant_read_data(writer)", "table.grant_read_write_data(writer)")
    assert ("LL321", "lambda/writer/app.py", 11) not in permission_findings(root)


def test_a_grant_lambdalint_does_not_know_leaves_the_role_unjudged(tmp_path: Path) -> None:
    root = copy_app(tmp_path)
    edit(root, "table.grant_read_data(writer)", "table.grant_stream_read(writer)")
    assert "WriterFunction" not in functions_of(root, "LL321")


def test_without_the_imported_role_the_same_handler_is_judged(tmp_path: Path) -> None:
    """The trap is silent because of the imported role, not by accident."""
    root = copy_app(tmp_path)
    edit(root, 'role=iam.Role.from_role_arn(self, "Imported", "arn:aws:iam::123456789012:role/orders-writer"),',
         "")
    assert "ImportedRoleFunction" in functions_of(root, "LL321")


def test_without_the_other_stacks_policy_the_same_handler_is_judged(tmp_path: Path) -> None:
    root = copy_app(tmp_path)
    edit(root, 'iam.ManagedPolicy.from_managed_policy_arn(self, "Shared", Fn.import_value("SharedTablePolicyArn")),',
         "")
    assert "SharedPolicyFunction" in functions_of(root, "LL321")


def test_with_a_named_client_the_unused_wildcard_is_reported(tmp_path: Path) -> None:
    root = copy_app(tmp_path)
    handler = root / "lambda" / "dynamic" / "app.py"
    handler.write_text(handler.read_text().replace('boto3.client(os.environ["SERVICE"])', 'boto3.client("s3")'))
    assert "DynamicClientFunction" in functions_of(root, "LL322")


def test_a_known_grant_is_the_statement_cdk_writes_at_the_grant_line() -> None:
    from lambdalint.config import Config
    from lambdalint.load import load_project

    project = load_project([APP], Config(root=APP), cwd=APP)
    [template] = project.templates
    policies = template.resources["WriterFunctionServiceRole"].get("Properties", "Policies")
    [default] = policies.value  # type: ignore[union-attr]
    [statement] = default.get("PolicyDocument", "Statement").value  # type: ignore[union-attr]
    actions = [a.value for a in statement.get("Action").value]  # type: ignore[union-attr]
    assert "dynamodb:GetItem" in actions and "dynamodb:Query" in actions
    assert not any(a.endswith(("PutItem", "UpdateItem", "DeleteItem")) for a in actions)
    assert statement.get("Resource").plain() == [{"Fn::GetAtt": ["Orders", "Arn"]}]  # type: ignore[union-attr]
    assert (statement.span.path, statement.span.line) == (STACK, 25)  # `table.grant_read_data(writer)`


def test_a_statement_built_with_add_actions_grants_what_it_adds(tmp_path: Path) -> None:
    # as aws-samples/aws-cdk-examples (python/rekognition-lambda-s3-trigger) writes it
    root = copy_app(tmp_path)
    built = ('statement = iam.PolicyStatement()\n'
             '        statement.add_actions("dynamodb:PutItem")\n'
             '        statement.add_resources("*")\n'
             '        writer.add_to_role_policy(statement)\n'
             '        table.grant_read_data(writer)')
    edit(root, "table.grant_read_data(writer)", built)
    assert ("LL321", "lambda/writer/app.py", 11) not in permission_findings(root)
    # a different action added the same way still leaves the write missing
    edit(root, 'statement.add_actions("dynamodb:PutItem")', 'statement.add_actions("dynamodb:GetItem")')
    assert ("LL321", "lambda/writer/app.py", 11) in permission_findings(root)
    # an action lambdalint cannot read keeps the role unjudged
    edit(root, 'statement.add_actions("dynamodb:GetItem")', 'statement.add_actions(*ACTIONS)')
    assert ("LL321", "lambda/writer/app.py", 11) not in permission_findings(root)


def test_grant_invoke_to_a_function_of_the_app_allows_the_invoke_in_its_role(tmp_path: Path) -> None:
    """`sender.grant_invoke(updater)` is the statement CDK adds to `updater`'s own policy
    (lambda:InvokeFunction on `sender` and its versions), not only a resource-based permission:
    the invoke is allowed (aws-samples/python-cdk-api-rekognition-stepfunctions-ses-sns, judged);
    without the grant it is missing."""
    write_tree(tmp_path, {
        "cdk.json": '{"app": "python3 app.py"}\n',
        "app.py": '''\
import aws_cdk as cdk
from aws_cdk import Stack, aws_lambda as lambda_
from constructs import Construct


class Notifications(Stack):
    def __init__(self, scope: Construct, id: str, **kwargs) -> None:
        super().__init__(scope, id, **kwargs)
        sender = lambda_.Function(self, "Sender", runtime=lambda_.Runtime.PYTHON_3_12, handler="send.handler",
                                  code=lambda_.Code.from_asset("lambda"), timeout=cdk.Duration.seconds(10))
        updater = lambda_.Function(self, "Updater", runtime=lambda_.Runtime.PYTHON_3_12, handler="update.handler",
                                   code=lambda_.Code.from_asset("lambda"), timeout=cdk.Duration.seconds(10),
                                   environment={"SENDER": sender.function_name})
        sender.grant_invoke(updater)


app = cdk.App()
Notifications(app, "Notifications")
app.synth()
''',
        "lambda/update.py": '''\
import json
import os

import boto3

lambda_client = boto3.client("lambda")


def handler(event, context):
    lambda_client.invoke(FunctionName=os.environ["SENDER"], InvocationType="Event", Payload=json.dumps(event))
''',
        "lambda/send.py": "def handler(event, context):\n    return event\n",
    })
    assert permission_findings(tmp_path) == []
    app = tmp_path / "app.py"
    app.write_text(app.read_text().replace("        sender.grant_invoke(updater)\n", ""))
    assert permission_findings(tmp_path) == [("LL321", "lambda/update.py", 10)]


LAYERED_STACK = '''\
from aws_cdk import Stack, aws_dynamodb, aws_lambda
from constructs import Construct


class KittensStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        table = aws_dynamodb.Table(self, "kitten_table", partition_key=aws_dynamodb.Attribute(
            name="name", type=aws_dynamodb.AttributeType.STRING))
        db_layer = aws_lambda.LayerVersion(
            self,
            "DbLayer",
            code=aws_lambda.Code.from_asset("layer"),
            compatible_runtimes=[aws_lambda.Runtime.PYTHON_3_12],
        )
        delete = aws_lambda.Function(
            self,
            id="KittenDeleteFunction",
            code=aws_lambda.Code.from_asset("src/api/delete"),
            handler="delete_kittens.handler",
            environment={"KITTENS_TABLE_NAME": table.table_name},
            runtime=aws_lambda.Runtime.PYTHON_3_12,
            timeout=Duration.seconds(10),
            layers=[db_layer],
        )
        table.grant_read_data(delete)
'''


def layered_app(tmp_path: Path, grant: str) -> Path:
    """A function whose handler imports its table from a module of its own `LayerVersion`
    (evioncane/cdk-python-crud-example's layout): the calls are made by the handler, the table is
    the layer's."""
    write_tree(tmp_path, {
        "cdk.json": '{"app": "python3 app.py"}\n',
        "app.py": "import aws_cdk as cdk\nfrom kittens.stack import KittensStack\n\napp = cdk.App()\n"
                  "KittensStack(app, \"Kittens\")\napp.synth()\n",
        "kittens/__init__.py": "",
        "kittens/stack.py": LAYERED_STACK.replace("from aws_cdk import Stack,", "from aws_cdk import Duration, Stack,")
                                          .replace("grant_read_data", grant),
        "layer/python/dynamo_db.py": "import os\n\nimport boto3\n\n"
                                     "table = boto3.resource('dynamodb').Table(os.environ['KITTENS_TABLE_NAME'])\n",
        "src/api/delete/delete_kittens.py": "from dynamo_db import table\n\n\ndef handler(event, context):\n"
                                            "    table.delete_item(Key={'name': event['name']})\n"
                                            "    return {'statusCode': 204}\n",
    })
    return tmp_path


def test_a_layer_version_of_the_app_puts_its_python_folder_on_the_handlers_import_path(tmp_path: Path) -> None:
    result = run_lint(layered_app(tmp_path, "grant_read_data"))
    assert ("LL321", "src/api/delete/delete_kittens.py", 5) in codes_at(result)
    assert not any("without local content" in note for note in result.notes)


def test_a_layer_version_whose_grant_allows_the_call_is_silent(tmp_path: Path) -> None:
    result = run_lint(layered_app(tmp_path, "grant_read_write_data"))
    assert not [f for f in result.visible if f.code in ("LL321", "LL322")]


def test_secret_state_machine_and_log_group_grants_are_statements(tmp_path: Path) -> None:
    """`secret.grant_read(fn)`, `machine.grant_task_response(fn)`, `log_group.grant_write(fn)` (three
    shared CDK apps said their roles went unchecked): each is the statement CDK writes, so what the
    code calls within it is allowed and what it calls beyond it is missing."""
    write_tree(tmp_path, {
        "cdk.json": '{"app": "python3 app.py"}\n',
        "app.py": '''\
import aws_cdk as cdk
from aws_cdk import Stack, aws_lambda as lambda_, aws_logs as logs, aws_secretsmanager as secretsmanager
from aws_cdk import aws_stepfunctions as sfn
from constructs import Construct


class Callbacks(Stack):
    def __init__(self, scope: Construct, id: str, **kwargs) -> None:
        super().__init__(scope, id, **kwargs)
        secret = secretsmanager.Secret(self, "ApiKey")
        machine = sfn.StateMachine(self, "Approval", definition_body=sfn.DefinitionBody.from_file("approval.json"))
        audit = logs.LogGroup(self, "Audit")
        worker = lambda_.Function(self, "Worker", runtime=lambda_.Runtime.PYTHON_3_12, handler="worker.handler",
                                  code=lambda_.Code.from_asset("lambda"), timeout=cdk.Duration.seconds(10),
                                  environment={"SECRET_ARN": secret.secret_arn, "AUDIT": audit.log_group_name})
        secret.grant_read(worker)
        machine.grant_task_response(worker)
        audit.grant_write(worker)


app = cdk.App()
Callbacks(app, "Callbacks")
app.synth()
''',
        "lambda/worker.py": '''\
import json
import os

import boto3

secrets = boto3.client("secretsmanager")
states = boto3.client("stepfunctions")


def handler(event, context):
    key = secrets.get_secret_value(SecretId=os.environ["SECRET_ARN"])["SecretString"]
    states.send_task_success(taskToken=event["token"], output=json.dumps({"key": len(key)}))
    secrets.put_secret_value(SecretId=os.environ["SECRET_ARN"], SecretString="rotated")
''',
    })
    result = run_lint(tmp_path, select=("LL321",))
    assert not [n for n in result.notes if "cannot read" in n]
    assert [(f.span.line, f.message.split("`")[3]) for f in result.visible] == [
        (13, "secretsmanager:PutSecretValue")]  # read grant: the write is missing; the task token is allowed
