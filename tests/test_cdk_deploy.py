"""Versions, aliases, provisioned concurrency, SnapStart and CodeDeploy traffic shifting of CDK
functions, so LL212, LL213 and LL214 work on CDK apps (and LL214 on the CloudFormation form CDK
synthesizes)."""

from __future__ import annotations

from pathlib import Path

from lambdalint.config import Config
from lambdalint.deploy import deployment, traffic_shifts
from lambdalint.load import load_project

from conftest import FIXTURES, codes_at, run_lint, write_tree

APP = FIXTURES / "projects" / "cdk-python-deploy"
STACK = "shop/shop_stack.py"
RULES = ("LL212", "LL213", "LL214")
CDK_JSON = '{"app": "python3 app.py"}'
HANDLER = "def handler(event, context):\n    return event\n"


def functions(root: Path) -> dict:  # type: ignore[type-arg]
    project = load_project([root], Config(root=root), cwd=root)
    return {f.name: f for f in project.functions}


def test_the_fixture_reports_what_cannot_deploy_or_roll_back_and_nothing_else() -> None:
    result = run_lint(APP, select=RULES, config=Config(select=RULES, preview=True, root=APP))
    assert codes_at(result) == [("LL214", STACK, 23), ("LL212", STACK, 32), ("LL212", STACK, 40),
                                ("LL213", STACK, 46), ("LL213", STACK, 46)]


def test_versions_aliases_and_groups_are_read_with_their_spans() -> None:
    found = functions(APP)
    checkout = deployment(found["CheckoutFunction"])
    assert checkout.publishes_version and checkout.snap_start_on
    shifts = {shift.function: shift for f in found.values() for shift in traffic_shifts(f.template)}
    kind = shifts["CheckoutFunction"].config
    assert (kind.value, kind.span.line) == ("CodeDeployDefault.LambdaCanary10Percent5Minutes", 23)
    assert shifts["CheckoutFunction"].alarms is None
    [search] = deployment(found["SearchFunction"]).provisioned
    assert (search.amount.value, search.target, search.amount.span.line) == (5, "$LATEST", 32)
    [report] = deployment(found["ReportFunction"]).provisioned
    assert (report.amount.value, report.target, report.owner) == (10, "alias", "ReportFunctionAliaslive")
    [orders] = deployment(found["OrdersFunction"]).provisioned
    assert (orders.amount.value, orders.target) == (5, "version")
    assert not deployment(found["LegacyFunction"]).publishes_version
    assert shifts["PaymentsFunction"].alarms.plain() == [{"Ref": "PaymentsErrors"}]  # type: ignore[union-attr]
    # all at once, and a configuration of the user's own, shift no traffic gradually that is known
    assert "BatchFunction" not in shifts and "CustomFunction" not in shifts
    assert shifts["ReviewsFunction"].alarms.origin == "unresolved"  # type: ignore[union-attr]
    [warm] = deployment(found["ReviewsFunction"]).provisioned
    assert (warm.amount.origin, warm.owner) == ("unresolved", "ReviewsWarm")


def app(tmp_path: Path, stack: str, extra: dict[str, str] | None = None) -> Path:
    write_tree(tmp_path, {"cdk.json": CDK_JSON, "lambda/app.py": HANDLER, "app.py": stack, **(extra or {})})
    return tmp_path


FUNCTION_MODULE = """\
from aws_cdk import aws_lambda as lambda_


def api_function(scope, name):
    return lambda_.Function(scope, name, runtime=lambda_.Runtime.PYTHON_3_12, handler="app.handler",
                            code=lambda_.Code.from_asset("lambda"),
                            snap_start=lambda_.SnapStartConf.ON_PUBLISHED_VERSIONS)
"""


def test_an_alias_made_in_another_module_belongs_to_its_functions_template(tmp_path: Path) -> None:
    root = app(tmp_path, """\
import aws_cdk as cdk
from aws_cdk import aws_lambda as lambda_

from functions import api_function

app = cdk.App()
stack = cdk.Stack(app, "S")
fn = api_function(stack, "Api")
lambda_.Alias(stack, "Live", alias_name="live", version=fn.current_version)
app.synth()
""", {"functions.py": FUNCTION_MODULE})
    api = functions(root)["Api"]
    assert deployment(api).publishes_version
    live = api.template.resources["Live"]
    assert (live.span.path, live.span.line) == ("app.py", 9)  # still where it is written
    assert codes_at(run_lint(root, select=RULES, config=Config(select=RULES, preview=True, root=root))) == []


def test_a_version_published_through_an_object_not_followed_is_not_called_missing(tmp_path: Path) -> None:
    stack = """\
import aws_cdk as cdk
from aws_cdk import aws_lambda as lambda_

app = cdk.App()
stack = cdk.Stack(app, "S")
fn = lambda_.Function(stack, "Api", runtime=lambda_.Runtime.PYTHON_3_12, handler="app.handler",
                      code=lambda_.Code.from_asset("lambda"), snap_start=lambda_.SnapStartConf.ON_PUBLISHED_VERSIONS)
# <publish>
app.synth()
"""
    silent = app(tmp_path / "a", stack.replace("# <publish>", 'stack.node.try_get_context("fn").current_version'))
    assert codes_at(run_lint(silent, select=("LL213",), config=Config(select=("LL213",), preview=True,
                                                                       root=silent))) == []
    judged = app(tmp_path / "b", stack.replace("# <publish>", ""))
    assert [c for c, _, _ in codes_at(run_lint(judged, select=("LL213",),
                                               config=Config(select=("LL213",), preview=True, root=judged)))] \
        == ["LL213"]


CLOUDFORMATION = """\
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Api:
    Type: AWS::Lambda::Function
    Properties:
      Handler: app.handler
      Runtime: python3.12
      Role: arn:aws:iam::123456789012:role/api
      Code: {ZipFile: "def handler(e, c): pass"}
      Timeout: 10
      ReservedConcurrentExecutions: 5
  ApiVersion:
    Type: AWS::Lambda::Version
    Properties:
      FunctionName: !Ref Api
  ApiLive:
    Type: AWS::Lambda::Alias
    UpdatePolicy:
      CodeDeployLambdaAliasUpdate:
        ApplicationName: !Ref Application
        DeploymentGroupName: !Ref Group
    Properties:
      Name: live
      FunctionName: !Ref Api
      FunctionVersion: !GetAtt ApiVersion.Version
  Application:
    Type: AWS::CodeDeploy::Application
    Properties:
      ComputePlatform: Lambda
  Group:
    Type: AWS::CodeDeploy::DeploymentGroup
    Properties:
      ApplicationName: !Ref Application
      ServiceRoleArn: arn:aws:iam::123456789012:role/codedeploy
      DeploymentConfigName: CodeDeployDefault.LambdaLinear10PercentEvery1Minute
      DeploymentStyle: {DeploymentType: BLUE_GREEN, DeploymentOption: WITH_TRAFFIC_CONTROL}
ALARMS
"""


def test_cloudformations_codedeploy_alias_is_read_as_traffic_shifting(tmp_path: Path) -> None:
    config = Config(select=("LL214",), preview=True, root=tmp_path)
    write_tree(tmp_path / "bare", {"template.yaml": CLOUDFORMATION.replace("ALARMS\n", "")})
    assert codes_at(run_lint(tmp_path / "bare", select=("LL214",), config=config)) == [("LL214", "template.yaml", 35)]
    alarms = "      AlarmConfiguration:\n        Enabled: true\n        Alarms: [{Name: api-errors}]\n"
    write_tree(tmp_path / "alarmed", {"template.yaml": CLOUDFORMATION.replace("ALARMS\n", alarms)})
    assert codes_at(run_lint(tmp_path / "alarmed", select=("LL214",), config=config)) == []
    disabled = alarms.replace("Enabled: true", "Enabled: false")
    write_tree(tmp_path / "disabled", {"template.yaml": CLOUDFORMATION.replace("ALARMS\n", disabled)})
    assert codes_at(run_lint(tmp_path / "disabled", select=("LL214",), config=config)) == [
        ("LL214", "template.yaml", 35)]


def test_a_trigger_of_an_alias_is_a_trigger_of_its_function(tmp_path: Path) -> None:
    from lambdalint.triggers import function_triggers

    root = app(tmp_path, """\
import aws_cdk as cdk
from aws_cdk import aws_apigateway as apigw, aws_lambda as lambda_
from aws_cdk import aws_scheduler as scheduler, aws_scheduler_targets as targets

app = cdk.App()
stack = cdk.Stack(app, "S")
fn = lambda_.Function(stack, "Api", runtime=lambda_.Runtime.PYTHON_3_12, handler="app.handler",
                      code=lambda_.Code.from_asset("lambda"), timeout=cdk.Duration.seconds(60))
live = lambda_.Alias(stack, "Live", alias_name="live", version=fn.current_version)
api = apigw.RestApi(stack, "Rest")
api.root.add_method("ANY", apigw.LambdaIntegration(live))
scheduler.Schedule(stack, "Nightly", schedule=scheduler.ScheduleExpression.rate(cdk.Duration.days(1)),
                   target=targets.LambdaInvoke(fn.current_version))
app.synth()
""")
    api = functions(root)["Api"]
    assert sorted((t.kind, t.span.line) for t in function_triggers(api)) == [("api", 11), ("scheduler", 12)]
    # the REST API gives up after 29 s: LL203 sees it through the alias
    assert [c for c, _, _ in codes_at(run_lint(root, select=("LL203",)))] == ["LL203"]
