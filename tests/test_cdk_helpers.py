"""Functions a CDK app makes through its own helpers, read with the arguments each call passes:

- a helper class's function called through the class with `**kwargs` it fills with defaults
  (`Util.create_lambda_function(self, name, handler=..., timeout=...)`: a GovCloud RAG sample,
  judged), where the call's `timeout` must win over the helper's `if "timeout" not in kwargs`;
- a construct class used for two functions (`StandardLambda(self, "AgentInvoker", ...)` and again
  for the relay), which must make two functions, not one with the first one's code.
"""

from __future__ import annotations

from pathlib import Path

from conftest import codes_at, run_lint, write_tree

CDK_JSON = '{"app": "python3 app.py"}\n'
APP = """\
import aws_cdk as cdk

from infrastructure.apistack import ApiStack

app = cdk.App()
ApiStack(app, "RagApi")
app.synth()
"""
UTIL = """\
from aws_cdk import Duration, aws_iam as _iam, aws_lambda as _lambda


class Util:
    def create_lambda_execution_role(self, function_name):
        return _iam.Role(self, f"{function_name}Role",
                         assumed_by=_iam.ServicePrincipal("lambda.amazonaws.com"))

    def create_lambda_function(self, func_id: str, **kwargs):
        # Set default values if not provided in kwargs
        if "runtime" not in kwargs:
            kwargs["runtime"] = _lambda.Runtime.PYTHON_3_13
        if "code" not in kwargs:
            kwargs["code"] = _lambda.Code.from_asset("src")
        if "timeout" not in kwargs:
            kwargs["timeout"] = Duration.seconds(29)
        return _lambda.Function(self, func_id, **kwargs)
"""
STACK = """\
import aws_cdk as _cdk
from aws_cdk import Stack, aws_apigateway as apigw_, aws_iam as iam_, aws_lambda as lambda_
from constructs import Construct

from infrastructure.util import Util


class ApiStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        query_role = Util.create_lambda_execution_role(self, "QueryKb")
        query_lambda = Util.create_lambda_function(self, "QueryKb",
                handler="kbquery_handler.handler",
                role=query_role,
                reserved_concurrent_executions=10,
                timeout=_cdk.Duration.minutes(5))
        query_lambda.add_to_role_policy(iam_.PolicyStatement(
            actions=["bedrock:RetrieveAndGenerate", "bedrock:Retrieve"], resources=["*"]))
        index_lambda = Util.create_lambda_function(self, "CreateIndex",
                handler="ossindex.handler",
                reserved_concurrent_executions=1,
                role=Util.create_lambda_execution_role(self, "CreateIndex"))
        api = apigw_.LambdaRestApi(self, "Rag", handler=query_lambda, proxy=False)
        api.root.add_resource("question").add_method("POST", apigw_.LambdaIntegration(query_lambda),
                                                     api_key_required=True)
"""
HANDLERS = {"src/kbquery_handler.py": "def handler(event, context):\n    return event\n",
            "src/ossindex.py": "def handler(event, context):\n    return event\n"}


def write_app(root: Path) -> Path:
    return write_tree(root, {"cdk.json": CDK_JSON, "app.py": APP, "infrastructure/__init__.py": "",
                             "infrastructure/util.py": UTIL, "infrastructure/apistack.py": STACK, **HANDLERS})


def test_a_helper_called_through_its_class_makes_each_function_with_the_calls_settings(tmp_path: Path) -> None:
    result = run_lint(write_app(tmp_path), select=("LL201", "LL202", "LL203", "LL302"))
    functions = {f.name: f for f in result.project.functions}
    assert sorted(functions) == ["CreateIndex", "QueryKb"]
    query, index = functions["QueryKb"], functions["CreateIndex"]
    # the call's timeout, not the helper's default for calls that leave it out
    assert (query.timeout.value, query.timeout.span.path, query.timeout.span.line) == (300, "infrastructure/apistack.py", 16)
    assert (index.timeout.value, index.timeout.span.path) == (29, "infrastructure/util.py")
    assert (query.runtime.value, query.handler.value) == ("python3.13", "kbquery_handler.handler")
    assert codes_at(result) == [
        ("LL203", "infrastructure/apistack.py", 16),  # 300 s behind a REST API that gives up after 29 s
        ("LL302", "infrastructure/apistack.py", 18),  # `*` for bedrock, on QueryKb's role only
    ]
    [wildcard] = [f for f in result.visible if f.code == "LL302"]
    assert "`QueryKb`" in wildcard.message and "CreateIndex" not in wildcard.message
    # nothing was left unread: no role or setting is the helper's `**`
    assert not [n for n in result.notes if "`**`" in n or "func_id" in n]


STANDARD_LAMBDA = """\
from aws_cdk import Duration, aws_lambda as lambda_
from constructs import Construct


class StandardLambda(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, handler: str, code_path: str, **kwargs) -> None:
        super().__init__(scope, construct_id)
        defaults = {"runtime": lambda_.Runtime.PYTHON_3_13, "timeout": Duration.seconds(30), "memory_size": 256,
                    "reserved_concurrent_executions": 5}
        merged_config = {**defaults, **kwargs}
        self.function = lambda_.Function(self, "Function", handler=handler,
                                         code=lambda_.Code.from_asset(code_path), **merged_config)
"""
SERVICE_STACK = """\
from aws_cdk import Duration, Stack
from constructs import Construct

from infrastructure.standard_lambda import StandardLambda


class ChatStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        relay = StandardLambda(self, "StreamRelay", handler="index.handler", code_path="functions/stream_relay",
                               timeout=Duration.minutes(5))
        invoker = StandardLambda(self, "AgentInvoker", handler="index.handler",
                                 code_path="functions/agent_invoker", timeout=Duration.seconds(10),
                                 environment={"STREAM_RELAY_ARN": relay.function.function_arn})
        relay.function.grant_invoke(invoker.function)
"""
INVOKER = """\
import json
import os

import boto3

lambda_client = boto3.client("lambda")


def handler(event, context):
    lambda_client.invoke(FunctionName=os.environ["STREAM_RELAY_ARN"], InvocationType="Event",
                         Payload=json.dumps(event))
    return {"statusCode": 202}
"""
RELAY = "def handler(event, context):\n    return {'relayed': len(event.get('events', []))}\n"


def test_a_construct_class_used_twice_makes_two_functions(tmp_path: Path) -> None:
    write_tree(tmp_path, {"cdk.json": CDK_JSON, "infrastructure/__init__.py": "",
                          "app.py": APP.replace("apistack import ApiStack", "chat import ChatStack")
                          .replace('ApiStack(app, "RagApi")', 'ChatStack(app, "Chat")'),
                          "infrastructure/chat.py": SERVICE_STACK, "infrastructure/standard_lambda.py": STANDARD_LAMBDA,
                          "functions/agent_invoker/index.py": INVOKER, "functions/stream_relay/index.py": RELAY})
    result = run_lint(tmp_path, select=("LL321", "LL322"))
    code = sorted((f.timeout.value, str(f.code_dir.relative_to(tmp_path))) for f in result.project.functions)
    assert code == [(10, "functions/agent_invoker"), (300, "functions/stream_relay")]
    # the invoker's `lambda:InvokeFunction` (from `grant_invoke`) is what its code calls
    assert codes_at(result) == []


def test_a_stack_deployed_to_several_stages_is_read_once(tmp_path: Path) -> None:
    """`ChatStack(app, "Dev")`, `ChatStack(app, "Prod")` and once more inside a pipeline's stage
    class: the same functions deployed three times, reported once (as a construct class used twice
    inside it still makes two)."""
    app = '''\
import aws_cdk as cdk
from constructs import Construct

from infrastructure.chat import ChatStack


class Deploy(cdk.Stage):
    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        ChatStack(self, "Chat")


app = cdk.App()
ChatStack(app, "Dev")
ChatStack(app, "Prod")
Deploy(app, "Pipeline")
app.synth()
'''
    write_tree(tmp_path, {"cdk.json": CDK_JSON, "infrastructure/__init__.py": "", "app.py": app,
                          "infrastructure/chat.py": SERVICE_STACK, "infrastructure/standard_lambda.py": STANDARD_LAMBDA,
                          "functions/agent_invoker/index.py": INVOKER, "functions/stream_relay/index.py": RELAY})
    result = run_lint(tmp_path, select=("LL201",))
    assert sorted(f.name for f in result.project.functions) == ["AgentInvoker/Function", "Function"]


def test_code_folders_built_from_file_paths_and_constructs_of_modules_imported_whole(tmp_path: Path) -> None:
    """The layout of a mission data system judged on GitHub: `stackbuilder.build(app)` makes
    `lambda_.Code.from_asset(str(Path(__file__).parent.parent / "lambda_code"))` and passes it to
    `database_construct.SdpDatabase(...)` of a module imported whole; another construct uses
    `Path(__file__).parent.joinpath("..", "lambda_code").resolve()`. Every function was left
    unlinked from its handler, two with a note saying their (existing) folder did not exist."""
    stackbuilder = '''\
from pathlib import Path

from aws_cdk import Stack, aws_lambda as lambda_

from data_manager.constructs import database_construct
from data_manager.constructs.route53 import HostedZoneUpdater


def build(scope):
    stack = Stack(scope, "SdcStack")
    lambda_code_directory = Path(__file__).parent.parent / "lambda_code"
    lambda_code = lambda_.Code.from_asset(str(lambda_code_directory))
    database_construct.SdpDatabase(stack, "RDS", code=lambda_code)
    HostedZoneUpdater(stack, "Route53")
'''
    database = '''\
from aws_cdk import Duration, aws_lambda as lambda_
from constructs import Construct


class SdpDatabase(Construct):
    def __init__(self, scope: Construct, construct_id: str, code: lambda_.Code) -> None:
        super().__init__(scope, construct_id)
        lambda_.Function(self, "db-synchronizer", code=code, handler="SDSCode.synchronizer.lambda_handler",
                         runtime=lambda_.Runtime.PYTHON_3_12, timeout=Duration.minutes(1),
                         reserved_concurrent_executions=1)
'''
    route53 = '''\
import pathlib

from aws_cdk import Duration, aws_lambda as _lambda
from constructs import Construct


class HostedZoneUpdater(Construct):
    def __init__(self, scope: Construct, construct_id: str) -> None:
        super().__init__(scope, construct_id)
        code_directory = str(pathlib.Path(__file__).parent.joinpath("..", "lambda_code", "r53").resolve())
        _lambda.Function(self, "UpdateR53Lambda", runtime=_lambda.Runtime.PYTHON_3_12, timeout=Duration.seconds(10),
                         handler="lambda_handler.lambda_handler", code=_lambda.Code.from_asset(code_directory),
                         reserved_concurrent_executions=1)
'''
    handler = "import os\n\n\ndef lambda_handler(event, context):\n    return os.environ['BUCKET_NAME']\n"
    write_tree(tmp_path, {"cdk.json": CDK_JSON, "app.py": "from aws_cdk import App\n\nfrom data_manager.utils."
                          "stackbuilder import build\n\napp = App()\nbuild(app)\napp.synth()\n",
                          "data_manager/__init__.py": "", "data_manager/utils/__init__.py": "",
                          "data_manager/utils/stackbuilder.py": stackbuilder,
                          "data_manager/constructs/__init__.py": "",
                          "data_manager/constructs/database_construct.py": database,
                          "data_manager/constructs/route53.py": route53,
                          "data_manager/lambda_code/SDSCode/__init__.py": "",
                          "data_manager/lambda_code/SDSCode/synchronizer.py": handler,
                          "data_manager/lambda_code/r53/lambda_handler.py": handler})
    result = run_lint(tmp_path, select=("LL109",))
    folders = {f.name: str(f.code_dir.relative_to(tmp_path)) for f in result.project.functions if f.code_dir}
    assert folders == {"db-synchronizer": "data_manager/lambda_code", "UpdateR53Lambda": "data_manager/lambda_code/r53"}
    # each handler is linked to its function: the variable neither sets is reported for both
    assert sorted(f.function for f in result.visible) == ["UpdateR53Lambda", "db-synchronizer"]
    assert not [n for n in result.notes if "does not exist" in n or "cannot resolve" in n]


LAMBDA_WRAPPER = '''\
import os

from aws_cdk import Duration, aws_events, aws_events_targets, aws_lambda
from constructs import Construct


class Lambda(Construct):
    def __init__(self, scope: Construct, id: str, timeout: int = 5, code_dir: str = None,
                 package_code_dir: str = None, handler: str = "index.handler", cron_str: str = None,
                 **kwargs) -> None:
        super().__init__(scope, id, **kwargs)
        if package_code_dir is not None:
            self.function = aws_lambda.Function(
                self, "function", runtime=aws_lambda.Runtime.PYTHON_3_12, handler="index.handler",
                code=aws_lambda.Code.from_asset(package_code_dir), timeout=Duration.seconds(timeout))
        else:
            if code_dir is not None:
                self.code = aws_lambda.Code.from_asset(
                    os.path.join(os.path.dirname(__file__), "..", "..", "lambda_functions", code_dir))
            self.function = aws_lambda.Function(
                self, "function", runtime=aws_lambda.Runtime.PYTHON_3_8, handler=handler,
                code=self.code, timeout=Duration.seconds(timeout))
        if cron_str is not None:
            self.rule = aws_events.Rule(self, "rule", schedule=aws_events.Schedule.expression(cron_str))
            self.rule.add_target(aws_events_targets.LambdaFunction(self.function))
'''
BATCH_CRON = '''\
from aws_cdk import aws_events, aws_events_targets
from constructs import Construct
from hlsconstructs.lambdafunc import Lambda


class BatchCron(Lambda):
    def __init__(self, scope: Construct, id: str, cron_str: str, timeout: int = 10, **kwargs) -> None:
        super().__init__(scope, id, timeout=timeout, **kwargs)
        self.rule = aws_events.Rule(self, "Rule", schedule=aws_events.Schedule.expression(cron_str))
        self.rule.add_target(aws_events_targets.LambdaFunction(self.function))
'''
HLS_STACK = '''\
from aws_cdk import Stack
from constructs import Construct
from hlsconstructs.batch_cron import BatchCron
from hlsconstructs.lambdafunc import Lambda


class HlsStack(Stack):
    def __init__(self, scope: Construct, stack_name: str, **kwargs) -> None:
        super().__init__(scope, stack_name, **kwargs)
        self.pr2mgrs_lambda = Lambda(self, "Pr2Mgrs", code_dir="pr2mgrs/hls_pr2mgrs", handler="handler.handler",
                                     timeout=120)
        self.laads_cron = BatchCron(self, "LaadsCron", cron_str="cron(0 12 * * ? *)",
                                    code_dir="laads", handler="handler.handler")
'''


def test_a_wrapper_construct_with_branches_and_a_subclass(tmp_path: Path) -> None:
    """NASA-IMPACT/hls-orchestration, judged: `python3 stack/app.py` (so `stack/` is first on the
    import path), a `Lambda` wrapper that makes a `PythonFunction` only `if package_code_dir is not
    None` (no call passes one) and a schedule only `if cron_str is not None`, and `class
    BatchCron(Lambda)` calling `super().__init__(scope, id, **kwargs)`. Both branches had been read
    (two functions per call, a schedule for each), and the subclass's functions not at all."""
    handler = "def handler(event, context):\n    return event\n"
    write_tree(tmp_path, {
        "cdk.json": '{"app": "python3 stack/app.py"}\n', "stack/__init__.py": "",
        "stack/app.py": "from aws_cdk import App\n\nfrom stack import HlsStack\n\napp = App()\n"
                        "HlsStack(app, \"hls\")\napp.synth()\n",
        "stack/stack.py": HLS_STACK, "stack/hlsconstructs/__init__.py": "",
        "stack/hlsconstructs/lambdafunc.py": LAMBDA_WRAPPER, "stack/hlsconstructs/batch_cron.py": BATCH_CRON,
        "lambda_functions/pr2mgrs/hls_pr2mgrs/handler.py": handler, "lambda_functions/laads/handler.py": handler})
    result = run_lint(tmp_path, select=("LL206", "LL207"))
    functions = {f.name: f for f in result.project.functions}
    assert sorted(functions) == ["LaadsCron/function", "function"]  # Pr2Mgrs's, then the cron's
    pr2mgrs, cron = functions["function"], functions["LaadsCron/function"]
    assert (pr2mgrs.runtime.value, pr2mgrs.timeout.value, str(pr2mgrs.code_dir.relative_to(tmp_path))) == \
        ("python3.8", 120, "lambda_functions/pr2mgrs/hls_pr2mgrs")
    assert (cron.timeout.value, str(cron.code_dir.relative_to(tmp_path))) == (10, "lambda_functions/laads")
    # the subclass's own schedule, once; the wrapper's `cron_str` branch is not taken for either
    assert [(f.code, f.function) for f in result.visible if f.code == "LL207"] == [("LL207", "LaadsCron/function")]


SUBCLASS_APP = """\
import os

import aws_cdk as cdk
from aws_cdk import Duration, Stack, aws_lambda as _lambda, aws_sns as sns, aws_sns_subscriptions as subs


class CallerFunction(_lambda.Function):
    \"\"\"A function with the team's defaults (aws-samples/amazon-textract-transformer-pipeline's
    `SageMakerCallerFunction(PythonFunction)`).\"\"\"

    def __init__(self, scope, id, *, memory_size=128, **kwargs):
        super().__init__(scope, id, runtime=_lambda.Runtime.PYTHON_3_12, handler="main.handler",
                         code=_lambda.Code.from_asset(os.path.join(os.path.dirname(__file__), "fn")),
                         memory_size=memory_size, timeout=Duration.seconds(30), **kwargs)


class Pipeline(Stack):
    def __init__(self, scope, id, shared=None):
        super().__init__(scope, id)
        caller = shared
        if not caller:
            caller = CallerFunction(self, "Caller")
        topic = sns.Topic(self, "Done")
        topic.add_subscription(subs.LambdaSubscription(caller))


app = cdk.App()
Pipeline(app, "Pipeline")
app.synth()
"""


def test_a_subclass_of_a_cdk_function_is_a_function_and_is_made_only_where_asked(tmp_path: Path) -> None:
    """`class CallerFunction(_lambda.Function)` made with `super().__init__(...)`: the function
    was not counted at all, with no note (judged on aws-samples/amazon-textract-transformer-pipeline);
    and `if not caller:` on a value the call bound decides which branch runs, so a function made
    only when none is given is not made twice."""
    write_tree(tmp_path, {"cdk.json": CDK_JSON, "app.py": SUBCLASS_APP,
                          "fn/main.py": "def handler(event, context):\n    return event\n"})
    result = run_lint(tmp_path, select=("LL202", "LL207"))
    functions = [f.name for template in result.project.templates for f in template.functions]
    assert functions == ["Caller"]
    assert codes_at(result) == [("LL202", "app.py", 12), ("LL207", "app.py", 12)]


def test_a_function_made_only_when_the_caller_gives_none_is_not_made_when_one_is_given(tmp_path: Path) -> None:
    """Two pipelines, one given the shared function, one not: one function each is made only for
    the one given none (three `SageMakerSSMStep`s given the shared caller made three phantom
    functions once the subclass was read)."""
    app = SUBCLASS_APP.replace("class Pipeline(Stack):", """from constructs import Construct


class Pipeline(Construct):""").replace("        super().__init__(scope, id)\n        caller = shared",
                                       "        super().__init__(scope, id)\n        caller = shared") \
        .replace('app = cdk.App()\nPipeline(app, "Pipeline")', '''class Service(Stack):
    def __init__(self, scope, id):
        super().__init__(scope, id)
        self.shared = CallerFunction(self, "SharedCaller")
        Pipeline(self, "WithShared", shared=self.shared)
        Pipeline(self, "Alone")


app = cdk.App()
Service(app, "Service")''')
    write_tree(tmp_path, {"cdk.json": CDK_JSON, "app.py": app,
                          "fn/main.py": "def handler(event, context):\n    return event\n"})
    result = run_lint(tmp_path, select=("LL202",))
    names = sorted(f.name for template in result.project.templates for f in template.functions)
    assert len(names) == 2 and "SharedCaller" in names and "WithShared" not in " ".join(names), names
