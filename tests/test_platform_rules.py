"""The rules of the rest of the Lambda platform (LL110, LL210-LL216) on a project where they meet,
promoted out of preview, and the model every dialect loads their settings into."""

from __future__ import annotations

from pathlib import Path

import pytest

from lambdalint.config import Config
from lambdalint.deploy import deployment, reports_batch_failures
from lambdalint.triggers import function_triggers

from conftest import FIXTURES, codes_at, run_lint, write_tree

PROJECT = FIXTURES / "projects" / "platform-features"
NEW = ("LL110", "LL210", "LL211", "LL212", "LL213", "LL214", "LL215", "LL216")


def test_snapstart_with_provisioned_concurrency_and_an_unread_batch_response():
    result = run_lint(PROJECT, config=Config(root=PROJECT, preview=True, ignore=("LL202",)))
    found = {(code, path, line) for code, path, line in codes_at(result) if code in NEW}
    assert found == {
        ("LL213", "template.yaml", 31),          # SnapStart + ProvisionedConcurrencyConfig
        ("LL110", "src/api/app.py", 9),          # INSTANCE_ID = str(uuid.uuid4())
        ("LL210", "template.yaml", 60),          # the SQS event without ReportBatchItemFailures
        ("LL211", "src/orders/consumer.py", 7),  # Tracer() while tracing is PassThrough
    }
    batch = next(f for f in result.visible if f.code == "LL210")
    assert [(r.span.path, r.span.line) for r in batch.related] == [("src/orders/consumer.py", 20)]
    snap = next(f for f in result.visible if f.code == "LL110")
    assert [(r.span.path, r.span.line) for r in snap.related] == [("template.yaml", 31)]


def test_promoted_rules_run_by_default():
    # judged on the corpus, the shared projects and five repositories (bench/README.md): no false
    # positive left, so they run without `--preview`
    result = run_lint(PROJECT, config=Config(root=PROJECT, ignore=("LL202",)))
    assert {c for c, _, _ in codes_at(result) if c in NEW} == {"LL110", "LL210", "LL211", "LL213"}
    result = run_lint(PROJECT, config=Config(root=PROJECT, select=("LL210",)))
    assert [c for c, _, _ in codes_at(result)] == ["LL210"]


def _functions(tmp_path: Path, files: dict[str, str]):
    write_tree(tmp_path, files)
    result = run_lint(tmp_path, config=Config(root=tmp_path, select=("LL201",)))
    return {f.name: f for f in result.project.functions}


SAM = """\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Globals:
  Function:
    Tracing: Active
    SnapStart: {ApplyOn: PublishedVersions}
Resources:
  Api:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
      Runtime: python3.12
      AutoPublishAlias: live
      ProvisionedConcurrencyConfig: {ProvisionedConcurrentExecutions: 3}
      Events:
        Q: {Type: SQS, Properties: {Queue: arn:aws:sqs:eu-west-1:1:q, FunctionResponseTypes: [ReportBatchItemFailures]}}
"""
CFN = """\
AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  Mode: {Type: String}
Resources:
  Worker:
    Type: AWS::Lambda::Function
    Properties:
      Handler: app.handler
      Runtime: python3.12
      Role: arn:aws:iam::1:role/r
      Code: {S3Bucket: b, S3Key: k}
      TracingConfig: {Mode: !Ref Mode}
      EphemeralStorage: {Size: 1024}
  Version:
    Type: AWS::Lambda::Version
    Properties: {FunctionName: !Ref Worker, ProvisionedConcurrencyConfig: {ProvisionedConcurrentExecutions: 2}}
  Mapping:
    Type: AWS::Lambda::EventSourceMapping
    Properties:
      EventSourceArn: arn:aws:kinesis:eu-west-1:1:stream/s
      FunctionName: !Ref Worker
      FunctionResponseTypes: !If [Cond, [ReportBatchItemFailures], []]
"""
SLS = """\
service: s
provider:
  name: aws
  runtime: python3.12
  versionFunctions: false
  tracing: {lambda: true}
functions:
  a:
    handler: h.a
    snapStart: true
    provisionedConcurrency: 4
    ephemeralStorageSize: 2048
    events:
      - sqs: {arn: "arn:aws:sqs:eu-west-1:1:q"}
  b:
    handler: h.b
    tracing: PassThrough
    events:
      - stream: {type: dynamodb, arn: "arn:aws:dynamodb:eu-west-1:1:table/t/stream/x", functionResponseType: ReportBatchItemFailures}
"""


def test_deployment_reads_every_dialect_alike(tmp_path):
    sam = _functions(tmp_path / "sam", {"template.yaml": SAM})["Api"]
    settings = deployment(sam)
    assert settings.snap_start_on is True and settings.snap_start.origin == "globals"
    assert settings.publishes_version and settings.tracing_active is True
    assert [(p.target, p.amount.value) for p in settings.provisioned] == [("alias", 3)]
    assert [reports_batch_failures(t) for t in function_triggers(sam)] == [True]

    cfn = _functions(tmp_path / "cfn", {"template.yaml": CFN})["Worker"]
    settings = deployment(cfn)
    assert settings.snap_start_on is False and settings.tracing_active is None  # a parameter
    assert settings.publishes_version and settings.ephemeral_storage.value == 1024
    assert [(p.target, p.owner) for p in settings.provisioned] == [("version", "Version")]
    assert [reports_batch_failures(t) for t in function_triggers(cfn)] == [None]  # a condition

    functions = _functions(tmp_path / "sls", {"serverless.yml": SLS})
    a, b = deployment(functions["a"]), deployment(functions["b"])
    assert a.snap_start_on is True and not a.publishes_version
    assert a.tracing_active is True and a.tracing.origin == "provider" and b.tracing_active is False
    assert [(p.target, p.amount.value) for p in a.provisioned] == [("alias", 4)]
    assert a.ephemeral_storage.value == 2048
    assert [reports_batch_failures(t) for t in function_triggers(functions["a"])] == [False]
    assert [reports_batch_failures(t) for t in function_triggers(functions["b"])] == [True]


@pytest.mark.parametrize("code", NEW)
def test_platform_rules_are_out_of_preview(code):
    from lambdalint.registry import Registry

    rule = Registry.installed().get(code)
    assert rule is not None and not rule.preview


# ---- the model the loaders fill for LL211, LL213, LL214, LL215 (every dialect) ----

TF = """\
resource "aws_lambda_function" "worker" {
  function_name = "worker"
  role          = "arn:aws:iam::123456789012:role/worker"
  filename      = "worker.zip"
  handler       = "app.handler"
  runtime       = "python3.12"
  publish       = true

  tracing_config {
    mode = "Active"
  }
  snap_start {
    apply_on = "PublishedVersions"
  }
}

resource "aws_lambda_function" "dynamic" {
  function_name = "dynamic"
  role          = "arn:aws:iam::123456789012:role/worker"
  package_type  = "Image"
  image_uri     = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/x:1"
  runtime       = "python3.12"
  publish       = var.publish

  dynamic "tracing_config" {
    for_each = var.tracing ? [1] : []
    content {
      mode = "Active"
    }
  }
}

module "api" {
  source = "terraform-aws-modules/lambda/aws"

  function_name         = "api"
  handler               = "app.handler"
  runtime               = "python3.12"
  package_type          = "Image"
  image_uri             = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/api:1"
  layers                = ["arn:aws:lambda:eu-west-1:017000801446:layer:AWSLambdaPowertoolsPythonV3-python312-x86_64:7"]
  tracing_mode          = "PassThrough"
  attach_tracing_policy = true
}

resource "aws_codedeploy_deployment_group" "api" {
  app_name               = "api"
  deployment_group_name  = "api"
  service_role_arn       = "arn:aws:iam::123456789012:role/codedeploy"
  deployment_config_name = "CodeDeployDefault.LambdaCanary10Percent5Minutes"
}

resource "aws_codedeploy_deployment_group" "none" {
  count                  = 0
  app_name               = "api"
  deployment_group_name  = "none"
  service_role_arn       = "arn:aws:iam::123456789012:role/codedeploy"
  deployment_config_name = "CodeDeployDefault.LambdaCanary10Percent5Minutes"
}
"""


def test_terraform_deployment_settings_read_like_the_others(tmp_path):
    functions = _functions(tmp_path, {"main.tf": TF})
    worker = deployment(functions["aws_lambda_function.worker"])
    assert worker.tracing_active is True and worker.tracing.span.line == 10
    assert worker.snap_start_on is True and worker.publishes_version
    dynamic = deployment(functions["aws_lambda_function.dynamic"])
    assert dynamic.tracing_active is None  # a `dynamic` block: not known
    assert dynamic.publishes_version  # `var.publish` without a value may publish
    api = functions["module.api"]
    assert deployment(api).tracing_active is False and api.tracing_grants_role
    assert not functions["aws_lambda_function.worker"].tracing_grants_role
    # the module drops an image's handler and runtime itself; the resource passes them on
    assert [s.name for s in api.image_unsupported] == ["layers"]
    assert [s.name for s in functions["aws_lambda_function.dynamic"].image_unsupported] == ["runtime"]
    assert functions["aws_lambda_function.worker"].tracing_hint == \
        '`tracing_config { mode = "Active" }` in the `resource` block'


def test_traffic_shifts_of_every_dialect(tmp_path):
    from lambdalint.deploy import traffic_shifts

    write_tree(tmp_path, {"main.tf": TF})
    result = run_lint(tmp_path, config=Config(root=tmp_path, select=("LL214",), preview=True))
    shifts = [s for t in result.project.templates for s in traffic_shifts(t)]
    assert [(s.owner, s.function, s.alarms) for s in shifts] == \
        [("deployment group `aws_codedeploy_deployment_group.api`", None, None)]  # `count = 0` makes none
    assert [(c, line) for c, _, line in codes_at(result)] == [("LL214", 50)]


SLS_IMAGE = """\
service: inference
provider:
  name: aws
  runtime: python3.12
  layers:
    - arn:aws:lambda:eu-west-1:017000801446:layer:AWSLambdaPowertoolsPythonV3-python312-x86_64:7
  iam:
    role:
      statements:
        - {Effect: Allow, Action: s3:GetObject, Resource: "*"}
functions:
  predict:
    image:
      name: appimage
  own:
    image: 123456789012.dkr.ecr.eu-west-1.amazonaws.com/own:1
    layers: []
  zip:
    handler: app.handler
    role: arn:aws:iam::123456789012:role/zip
"""


def test_serverless_image_and_tracing_roles(tmp_path):
    functions = _functions(tmp_path, {"serverless.yml": SLS_IMAGE})
    predict, own, zipped = functions["predict"], functions["own"], functions["zip"]
    assert [(s.name, s.inherited) for s in predict.image_unsupported] == [("layers", "`provider`")]
    assert own.image_unsupported == [] and zipped.image_unsupported == []  # `layers: []` overrides
    # `provider.iam.role` as a mapping configures the framework's own role, which gets X-Ray
    assert predict.tracing_grants_role and not zipped.tracing_grants_role


def test_sam_role_grants_xray_only_when_sam_makes_it(tmp_path):
    functions = _functions(tmp_path, {"template.yaml": SAM.replace(
        "      AutoPublishAlias: live\n", "      AutoPublishAlias: live\n      Role: !GetAtt ApiRole.Arn\n")
        + "  Other:\n    Type: AWS::Serverless::Function\n    Properties: {Handler: a.h, Runtime: python3.12}\n"})
    assert not functions["Api"].tracing_grants_role and functions["Other"].tracing_grants_role


TRACED_CFN = """\
AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  Boundary: {Type: String}
Resources:
  Unknown:
    Type: AWS::Lambda::Function
    Properties:
      Handler: app.handler
      Runtime: python3.12
      Role: !GetAtt UnknownRole.Arn
      Code: {S3Bucket: b, S3Key: k}
      TracingConfig: {Mode: Active}
  UnknownRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: {Statement: []}
      ManagedPolicyArns: [!Ref Boundary]
  NoXray:
    Type: AWS::Lambda::Function
    Properties:
      Handler: app.handler
      Runtime: python3.12
      Role: !GetAtt NoXrayRole.Arn
      Code: {S3Bucket: b, S3Key: k}
      TracingConfig: {Mode: Active}
  NoXrayRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: {Statement: []}
      Policies:
        - PolicyName: all-but-xray
          PolicyDocument:
            Statement:
              - {Effect: Allow, NotAction: "xray:*", Resource: "*"}
  Deferred:
    Type: AWS::Lambda::Function
    Properties:
      Handler: app.handler
      Runtime: python3.12
      Role: !GetAtt DeferredRole.Arn
      Code: {S3Bucket: b, S3Key: k}
      TracingConfig: {Mode: Active}
  DeferredRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: {Statement: []}
      Policies:
        - PolicyName: from-parameter
          PolicyDocument:
            Statement:
              - {Effect: Allow, Action: !Ref Boundary, Resource: "*"}
"""


def test_tracing_role_judged_by_the_policy_evaluator(tmp_path):
    write_tree(tmp_path, {"template.yaml": TRACED_CFN})
    result = run_lint(tmp_path, config=Config(root=tmp_path, select=("LL211",), preview=True))
    # NotAction "xray:*" leaves both actions out; a managed policy from a parameter, or an action
    # that does not resolve, leave the role open: silent, with a note for the first
    assert [(f.function, f.span.line) for f in result.visible] == [("NoXray", 25)]
    assert any("`Unknown`" in note and "not checked" in note for note in result.project.notes)


CDK_STACK = """\
from aws_cdk import Stack, aws_iam as iam, aws_lambda as lambda_


class OrdersStack(Stack):
    def __init__(self, scope, construct_id, **kwargs):
        super().__init__(scope, construct_id, **kwargs)
        role = iam.Role(self, "OrdersRole", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"))
        fn = lambda_.Function(
            self, "Orders",
            runtime=lambda_.Runtime.PYTHON_3_12,
            handler="app.handler",
            code=lambda_.Code.from_asset("lambda"),
            role=role,
            tracing=lambda_.Tracing.ACTIVE,
            snap_start=lambda_.SnapStartConf.ON_PUBLISHED_VERSIONS,
        )
        lambda_.Alias(self, "Live", alias_name="live", version=fn.current_version)
"""


def test_cdk_adds_xray_to_the_role_and_publishes_with_current_version(tmp_path):
    write_tree(tmp_path, {"cdk.json": '{\n  "app": "python3 app.py"\n}\n',
                          "app.py": "import aws_cdk as cdk\n\nfrom stacks.orders import OrdersStack\n\n"
                                    "app = cdk.App()\nOrdersStack(app, \"OrdersStack\")\napp.synth()\n",
                          "stacks/__init__.py": "", "stacks/orders.py": CDK_STACK,
                          "lambda/app.py": "def handler(event, context):\n    return event\n"})
    result = run_lint(tmp_path, config=Config(root=tmp_path, select=("LL211", "LL213"), preview=True))
    (function,) = result.project.functions
    settings = deployment(function)
    assert settings.tracing_active is True and settings.snap_start_on is True  # both read, neither judged
    assert codes_at(result) == []


@pytest.mark.parametrize("code", NEW)
def test_platform_rules_read_no_dialect_spelling(code):
    """Issue 14's rule: where a setting is and how it is spelled is the loaders' knowledge."""
    import inspect
    import re

    from lambdalint.registry import Registry

    rule = Registry.installed().get(code)
    source = inspect.getsource(inspect.getmodule(rule.check))
    code_only = source[source.index('"""', 3) + 3:].split("RULE = Rule(")[0]  # docs may name spellings
    assert not re.search(r"\.kind\s*[!=]=|declared_by\s*[!=]=|serverless-event|sam-event", code_only)


def test_a_sam_route_whose_api_has_an_unread_openapi_document_is_noted_not_judged(tmp_path):
    """An `AWS::Include` of an OpenAPI document at a parameter's location (hryssmz/aws-sam-python)
    may define the authorizers: the route is neither reported nor passed in silence. A route with
    an authorizer of its own, or under an API that is closed anyway, needs no note."""
    write_tree(tmp_path, {"template.yaml": """\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Parameters:
  ApiDefinitionLocation:
    Type: String
Resources:
  RestApi:
    Type: AWS::Serverless::Api
    Properties:
      StageName: prod
      DefinitionBody:
        Fn::Transform:
          Name: AWS::Include
          Parameters:
            Location: !Ref ApiDefinitionLocation
  PrivateApi:
    Type: AWS::Serverless::Api
    Properties:
      StageName: prod
      DefinitionUri: openapi.yaml
      Auth:
        ApiKeyRequired: true
  DeleteObjectFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: app.delete
      Runtime: python3.12
      Timeout: 10
      Events:
        Delete:
          Type: Api
          Properties: {Method: DELETE, Path: "/objects/{key}", RestApiId: !Ref RestApi}
        Guarded:
          Type: Api
          Properties:
            Method: POST
            Path: /objects
            RestApiId: !Ref RestApi
            Auth:
              Authorizer: AWS_IAM
        Keyed:
          Type: Api
          Properties: {Method: PUT, Path: "/objects/{key}", RestApiId: !Ref PrivateApi}
""", "src/app.py": "def delete(event, context):\n    return {}\n"})
    result = run_lint(tmp_path, select=("LL216",))
    assert result.findings == []
    assert [n for n in result.notes if "LL216" in n or "authorization" in n] == [
        "template.yaml: `DeleteObjectFunction`: the authorization of API trigger `Delete` (sam-event) was not checked"]


def test_a_rest_method_whose_authorization_is_not_given_is_noted_not_judged(tmp_path):
    """`AuthorizationType: !Ref AuthType`, or a CDK `LambdaRestApi` whose defaults lambdalint does
    not read (aws-cdk-python-ecomm, judged): neither a finding nor silence, a note (`check -v`)."""
    write_tree(tmp_path, {"template.yaml": """\
AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  AuthType:
    Type: String
    Default: NONE
Resources:
  Api:
    Type: AWS::ApiGateway::RestApi
    Properties:
      Name: orders
  Orders:
    Type: AWS::ApiGateway::Method
    Properties:
      RestApiId: !Ref Api
      ResourceId: !GetAtt Api.RootResourceId
      HttpMethod: POST
      AuthorizationType: !Ref AuthType
      Integration:
        Type: AWS_PROXY
        IntegrationHttpMethod: POST
        Uri: !Sub arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${Fn.Arn}/invocations
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      Timeout: 10
      Role: arn:aws:iam::123456789012:role/orders
      Code:
        ZipFile: "def handler(event, context):\\n    return event\\n"
"""})
    result = run_lint(tmp_path, select=("LL216",))
    assert result.findings == []
    assert [n for n in result.notes if "authorization" in n] == [
        "template.yaml: `Fn`: the authorization of API trigger `Orders` (AWS::ApiGateway::Method) was not checked"]
    open_api = (tmp_path / "template.yaml").read_text().replace("AuthorizationType: !Ref AuthType", "AuthorizationType: NONE")
    (tmp_path / "template.yaml").write_text(open_api)
    assert [(f.code, f.span.line) for f in run_lint(tmp_path, select=("LL216",)).findings] == [("LL216", 17)]
