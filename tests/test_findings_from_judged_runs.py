"""Findings judged wrong or missing on real repositories (2026-12-04, fifth stop), each at the shape
the repository writes it in."""

from __future__ import annotations

from pathlib import Path

from conftest import run_lint, write_tree
from lambdalint.secrets import is_secret_name


def test_a_serverless_function_shipped_as_a_built_artifact_is_not_looked_for_in_the_service(tmp_path: Path) -> None:
    # AlisProject/serverless-application: `package: {artifact: ./deploy/x.zip}`, built by a script
    write_tree(tmp_path, {"serverless.yml": """\
service: labo
provider:
  name: aws
  runtime: python3.12
  timeout: 10
package:
  individually: true
functions:
  LaboNRandom:
    handler: handler.lambda_handler
    reservedConcurrency: 2
    package:
      artifact: ./deploy/labo_n_random.zip
""", "src/handlers/labo/handler.py": "def lambda_handler(event, context):\n    return {}\n"})
    result = run_lint(tmp_path, select=("LL108",))
    assert result.findings == []
    assert any("`LaboNRandom`: its code (the built artifact `./deploy/labo_n_random.zip`) is not a folder" in n
               for n in result.notes)


def test_a_request_signed_with_sigv4_uses_the_permission_it_is_signed_for(tmp_path: Path) -> None:
    # gianmar98/terraform-aws-serverless-idv: `execute-api:Invoke` used through SigV4Auth, not boto3
    write_tree(tmp_path, {"template.yaml": """\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  SubmitFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: submit.handler
      Runtime: python3.12
      Timeout: 10
      ReservedConcurrentExecutions: 2
      Policies:
        - Statement:
            - Effect: Allow
              Action: execute-api:Invoke
              Resource: arn:aws:execute-api:eu-west-1:123456789012:abc123/*/POST/license
""", "src/submit.py": """\
import json
import os

import boto3
import urllib3
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest

http = urllib3.PoolManager()
credentials = boto3.Session().get_credentials()


def handler(event, context):
    request = AWSRequest(method="POST", url=os.environ.get("API_URL", ""), data=json.dumps(event))
    SigV4Auth(credentials, "execute-api", "eu-west-1").add_auth(request)
    return http.request("POST", request.url, body=request.body, headers=dict(request.headers)).status
"""})
    result = run_lint(tmp_path, select=("LL322",))
    assert result.findings == []


def test_an_address_is_not_a_secret() -> None:
    # a blockchain contract's address named after the token it holds
    assert not is_secret_name("PUBLIC_CHAIN_LICENSE_TOKEN_ADDRESS")
    assert is_secret_name("PRIVATE_CHAIN_AWS_SECRET_ACCESS_KEY")


def test_cdk_authorizer_none_is_no_authorizer_and_table_v2_grants_are_read(tmp_path: Path) -> None:
    # SadhanaAShetty/cdk-serverless: `add_method(..., authorizer=None)`; grants on `dynamodb.TableV2`
    write_tree(tmp_path, {"cdk.json": '{"app": "python3 app.py"}\n', "app.py": """\
import aws_cdk as cdk
from aws_cdk import Stack, aws_apigateway as apigw, aws_dynamodb as dynamodb, aws_lambda as lambda_
from constructs import Construct


class Api(Stack):
    def __init__(self, scope: Construct, id: str, **kwargs) -> None:
        super().__init__(scope, id, **kwargs)
        table = dynamodb.TableV2(self, "Tasks", partition_key=dynamodb.Attribute(name="id", type=dynamodb.AttributeType.STRING))
        fn = lambda_.Function(self, "Create", runtime=lambda_.Runtime.PYTHON_3_12, handler="app.handler",
                              code=lambda_.Code.from_asset("lambda"), timeout=cdk.Duration.seconds(10),
                              environment={"TABLE": table.table_name})
        table.grant_read_data(fn)
        api = apigw.RestApi(self, "TasksApi")
        tasks = api.root.add_resource("tasks")
        tasks.add_method("POST", apigw.LambdaIntegration(fn), authorization_type=apigw.AuthorizationType.NONE,
                         authorizer=None, api_key_required=False)


app = cdk.App()
Api(app, "Api")
app.synth()
""", "lambda/app.py": """\
import os

import boto3

table = boto3.resource("dynamodb").Table(os.environ["TABLE"])


def handler(event, context):
    table.put_item(Item={"id": event["id"]})
"""})
    result = run_lint(tmp_path, select=("LL216", "LL321"))
    assert sorted((f.code, f.span.line) for f in result.findings) == [("LL216", 16), ("LL321", 9)]


def test_a_cdk_log_subscription_filter_is_an_asynchronous_trigger(tmp_path: Path) -> None:
    # Left from round 3: `add_subscription_filter(destination=LambdaDestination(fn))` and the
    # `logs.SubscriptionFilter` construct invoke the function asynchronously, so LL207 applies;
    # the function given an `on_failure` destination stays silent.
    write_tree(tmp_path, {"cdk.json": '{"app": "python3 app.py"}\n', "app.py": """\
import aws_cdk as cdk
from aws_cdk import Stack, aws_lambda as lambda_, aws_logs as logs, aws_logs_destinations as destinations
from aws_cdk import aws_lambda_destinations as lambda_destinations, aws_sqs as sqs
from constructs import Construct


class Audit(Stack):
    def __init__(self, scope: Construct, id: str, **kwargs) -> None:
        super().__init__(scope, id, **kwargs)
        group = logs.LogGroup(self, "AppLogs")
        shipper = lambda_.Function(self, "Shipper", runtime=lambda_.Runtime.PYTHON_3_12, handler="app.handler",
                                   code=lambda_.Code.from_asset("lambda"), timeout=cdk.Duration.seconds(10))
        group.add_subscription_filter("Errors", destination=destinations.LambdaDestination(shipper),
                                      filter_pattern=logs.FilterPattern.any_term("ERROR"))
        failed = sqs.Queue(self, "Failed")
        safe = lambda_.Function(self, "SafeShipper", runtime=lambda_.Runtime.PYTHON_3_12, handler="app.handler",
                                code=lambda_.Code.from_asset("lambda"), timeout=cdk.Duration.seconds(10),
                                on_failure=lambda_destinations.SqsDestination(failed))
        logs.SubscriptionFilter(self, "All", log_group=group, destination=destinations.LambdaDestination(safe),
                                filter_pattern=logs.FilterPattern.all_events())


app = cdk.App()
Audit(app, "Audit")
app.synth()
""", "lambda/app.py": "def handler(event, context):\n    return len(event['awslogs']['data'])\n"})
    result = run_lint(tmp_path, select=("LL207",))
    assert result.project is not None
    [template] = result.project.templates
    from lambdalint.triggers import template_triggers

    assert sorted((t.kind, t.function.name if t.function else None, t.source or "")
                  for t in template_triggers(template)) == [("logs", "SafeShipper", "AppLogs"),
                                                            ("logs", "Shipper", "AppLogs")]
    [finding] = result.visible
    assert (finding.code, finding.span.line) == ("LL207", 11) and "CloudWatch Logs" in finding.message, finding.message


def test_the_xray_sdk_does_not_hide_unused_permissions(tmp_path: Path) -> None:
    # sugikeitter/sam-apigw-function-sqs-ddb-xray: importing aws_xray_sdk made every call set
    # "incomplete", so a role granting all of DynamoDB for one PutItem passed silently
    write_tree(tmp_path, {"template.yaml": """\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  Orders:
    Type: AWS::DynamoDB::Table
    Properties:
      BillingMode: PAY_PER_REQUEST
      AttributeDefinitions: [{AttributeName: id, AttributeType: S}]
      KeySchema: [{AttributeName: id, KeyType: HASH}]
  SaveOrder:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: app.handler
      Runtime: python3.12
      Timeout: 10
      Tracing: Active
      Environment:
        Variables:
          TABLE: !Ref Orders
      Policies:
        - Statement:
            - Effect: Allow
              Action: dynamodb:*
              Resource: !GetAtt Orders.Arn
""", "src/app.py": """\
import os

import boto3
from aws_xray_sdk.core import patch_all, xray_recorder

patch_all()
table = boto3.resource("dynamodb").Table(os.environ["TABLE"])


@xray_recorder.capture("save")
def handler(event, context):
    table.put_item(Item={"id": event["id"]})
    return {"statusCode": 201}
"""})
    result = run_lint(tmp_path, select=("LL322",))
    [finding] = result.visible
    assert finding.span.path == "template.yaml" and "dynamodb:PutItem" in finding.message, finding.message


def test_a_class_re_exported_by_a_package_is_not_a_client_nobody_can_read(tmp_path: Path) -> None:
    # aws-samples/sam-eventbridge-alerting: `from schema.customevent import Marshaller` (re-exported
    # by the package's `__init__.py`) then `Marshaller.unmarshall(event, AWSEvent)` had made the call
    # set "undetermined", so the unused `events:PutEvents` went unchecked
    package = "eventbridge/eventbridge_publisher/"
    write_tree(tmp_path, {"template.yaml": f"""\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  Publisher:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: {package}
      Handler: app.lambda_handler
      Runtime: python3.12
      Timeout: 10
      Policies:
        - EventBridgePutEventsPolicy:
            EventBusName: default
""", package + "__init__.py": "", package + "requirements.txt": "requests\nsix\nregex\n",
        package + "app.py": """\
from schema.customevent import Marshaller
from schema.customevent import AWSEvent


def lambda_handler(event, context):
    aws_event: AWSEvent = Marshaller.unmarshall(event, AWSEvent)
    aws_event.detail_type = "updated " + aws_event.detail_type
    return Marshaller.marshall(aws_event)
""", package + "schema/customevent/__init__.py": """\
from __future__ import absolute_import

from schema.customevent.marshaller import Marshaller
from schema.customevent.AWSEvent import AWSEvent
""", package + "schema/customevent/AWSEvent.py": """\
import pprint

import six


class AWSEvent(object):
    _types = {"detail": "object", "account": "str", "detail_type": "str", "region": "str", "source": "str"}
    _attribute_map = {"detail": "detail", "account": "account", "detail_type": "detail-type",
                      "region": "region", "source": "source"}

    def __init__(self, detail=None, account=None, detail_type=None, region=None, source=None):
        self.detail, self.account, self.detail_type = detail, account, detail_type
        self.region, self.source = region, source

    def to_dict(self):
        return {attr: getattr(self, attr) for attr, _ in six.iteritems(self._types)}

    def to_str(self):
        return pprint.pformat(self.to_dict())
""", package + "schema/customevent/marshaller.py": """\
import six


class Marshaller:
    @classmethod
    def marshall(cls, obj):
        return obj.to_dict() if hasattr(obj, "to_dict") else obj

    @classmethod
    def unmarshall(cls, data, typ):
        kwargs = {attr: data.get(key) for attr, key in six.iteritems(typ._attribute_map)}
        return typ(**kwargs)
"""})
    result = run_lint(tmp_path)  # every rule: they make the handler module be read in full
    [finding] = [f for f in result.visible if f.code == "LL322"]
    assert "events:PutEvents" in finding.message and not result.notes, (finding.message, result.notes)


def test_a_full_access_policy_is_described_by_what_it_grants(tmp_path: Path) -> None:
    # JDavidGuzman/sam-python-rdsdata: `AmazonRDSDataFullAccess` was said to grant "every action of
    # a service", but it lists the Data API's actions and those that manage its secrets
    # ykubra/air_quality_poland: `AmazonAPIGatewayInvokeFullAccess` was said to grant actions "made
    # for administering the services", but it only calls APIs (on every one)
    policies = "      Policies:\n        - AmazonRDSDataFullAccess\n        - AmazonS3FullAccess\n" \
        "        - AmazonAPIGatewayInvokeFullAccess\n"
    write_tree(tmp_path, {"template.yaml": """\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  GetSchools:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: app.handler
      Runtime: python3.12
      Timeout: 10
""" + policies, "src/app.py": "def handler(event, context):\n    return []\n"})
    result = run_lint(tmp_path, select=("LL303",))
    messages = [f.message for f in result.visible]
    assert messages == [
        "`AmazonRDSDataFullAccess` on the role of `GetSchools` grants 25 actions of `dbqms`, `rds-data`, "
        "`secretsmanager`, `tag` such as `dbqms:CreateFavoriteQuery`, made for administering the services "
        "rather than calling them",
        "`AmazonS3FullAccess` on the role of `GetSchools` grants every action of `s3`, `s3-object-lambda`",
        "`AmazonAPIGatewayInvokeFullAccess` on the role of `GetSchools` grants `execute-api:Invoke`, "
        "`execute-api:ManageConnections` on every resource of `execute-api`"]


def test_a_powertools_resolver_imported_from_a_project_module_is_not_a_client(tmp_path: Path) -> None:
    # ran-isenberg/serverless-python-demo (built): `app.resolve(event, context)` with `app` made by
    # `APIGatewayRestResolver()` in another module turned LL322 off with "cannot read as a client"
    write_tree(tmp_path, {"template.yaml": """\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  CreateProduct:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: product/handlers/create_product.lambda_handler
      Runtime: python3.12
      Timeout: 10
      Environment:
        Variables:
          TABLE_NAME: products
      Policies:
        - Statement:
            - Effect: Allow
              Action: [dynamodb:PutItem, sqs:SendMessage]
              Resource: "*"
""", "src/product/__init__.py": "", "src/product/handlers/__init__.py": "", "src/product/handlers/utils/__init__.py": "",
        "src/product/handlers/utils/rest_api_resolver.py": """\
from aws_lambda_powertools.event_handler import APIGatewayRestResolver

app = APIGatewayRestResolver()
""", "src/product/handlers/create_product.py": """\
import os

import boto3
from aws_lambda_powertools.utilities.typing import LambdaContext

from product.handlers.utils.rest_api_resolver import app

table = boto3.resource("dynamodb").Table(os.environ["TABLE_NAME"])


@app.put("/api/product/<product>")
def handle_create_product(product: str) -> dict:
    table.put_item(Item={"id": product, **app.current_event.json_body})
    return {"id": product}


def lambda_handler(event: dict, context: LambdaContext) -> dict:
    return app.resolve(event, context)
"""})
    result = run_lint(tmp_path)
    # the route the resolver runs puts the item: only the queue is unused
    assert [f.message for f in result.visible if f.code == "LL322"] == [
        "`sqs:SendMessage` is never used by the code of `CreateProduct`"] and not result.notes, result.notes


def test_a_declared_dependency_is_not_a_stranded_folder_of_the_same_name(tmp_path: Path) -> None:
    # redlickigrzegorz/serverless-python-story: `from alembic import config` (alembic in the Poetry
    # dependencies) was taken for the migrations folder `todos/db/alembic/`, "not on the import
    # path", and every function's unused permissions went unchecked
    write_tree(tmp_path, {"serverless.yml": """\
service: story
provider:
  name: aws
  runtime: python3.12
  timeout: 10
  iam:
    role:
      statements:
        - Effect: Allow
          Action: s3:GetObject
          Resource: arn:aws:s3:::story-exports/*
functions:
  migrate:
    handler: todos/db.apply_migrations
""", "pyproject.toml": """\
[tool.poetry]
name = "story"
version = "0.1.0"

[tool.poetry.dependencies]
python = "^3.12"
alembic = "^1.0"
psycopg2-binary = "^2.9"
""", "todos/__init__.py": "", "todos/db/alembic/__init__.py": "", "todos/db/alembic/env.py": "from alembic import context\n",
        "todos/db/__init__.py": """\
import os

from alembic import config as alembic_config


def apply_migrations(event, context):
    alembic_config.main(argv=["--raiseerr", "upgrade", "head"])
    return os.environ.get("STAGE")
"""})
    result = run_lint(tmp_path)
    assert [f.message for f in result.visible if f.code == "LL322"] == [
        "`s3:GetObject` is never used by the code of `migrate`"] and not result.notes, result.notes


def test_terraform_code_zipped_by_a_sibling_module_and_uploaded_to_s3_is_read(tmp_path: Path) -> None:
    # damogallagher/python-terraform-lambda: `./archive` zips app/hello.py and outputs the path,
    # the root passes it to `./compute`, which uploads it (`aws_s3_bucket_object.source`) and deploys
    # `s3_key` from there; the code was "an S3 object, not a folder of the project"
    write_tree(tmp_path, {"terraform/main.tf": """\
module "archive_hello" {
  source        = "./archive"
  code_src_file = "app/hello.py"
  zip_name      = "hello.zip"
}

module "hello" {
  source                      = "./compute"
  function_name               = "hello"
  handler                     = "hello.handler"
  lambda_function_output_path = module.archive_hello.lambda_function_output_path
}
""", "terraform/archive/archive.tf": """\
variable "code_src_file" {
  type = string
}
variable "zip_name" {
  type = string
}

data "archive_file" "lambda_function" {
  type        = "zip"
  source_file = "${path.module}/../../${var.code_src_file}"
  output_path = "${path.module}/${var.zip_name}"
}

output "lambda_function_output_path" {
  value = data.archive_file.lambda_function.output_path
}
""", "terraform/compute/compute.tf": """\
variable "function_name" {}
variable "handler" {}
variable "lambda_function_output_path" {}

resource "aws_s3_bucket_object" "lambda_function" {
  bucket = "artifacts"
  key    = "${var.function_name}.zip"
  source = var.lambda_function_output_path
}

resource "aws_iam_role" "lambda_exec" {
  name               = var.function_name
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Action = "sts:AssumeRole", Effect = "Allow", Principal = { Service = "lambda.amazonaws.com" } }] })
  inline_policy {
    name   = "inline"
    policy = jsonencode({ Version = "2012-10-17", Statement = [{ Action = ["s3:ListAllMyBuckets"], Effect = "Allow", Resource = "*" }] })
  }
}

resource "aws_lambda_function" "lambda_function" {
  function_name = var.function_name
  s3_bucket     = "artifacts"
  s3_key        = aws_s3_bucket_object.lambda_function.key
  runtime       = "python3.12"
  handler       = var.handler
  timeout       = 10
  role          = aws_iam_role.lambda_exec.arn
}
""", "app/hello.py": "import json\n\n\ndef handler(event, context):\n    return {'statusCode': 200, 'body': json.dumps('hello')}\n"})
    result = run_lint(tmp_path)
    [function] = result.project.functions if result.project else []
    assert function.code_dir == tmp_path / "app" and not [n for n in result.notes if "not a folder" in n]
    assert [(f.code, f.span.path) for f in result.visible if f.code == "LL322"] == [("LL322", "terraform/compute/compute.tf")]


def test_a_cdk_managed_policy_named_by_keyword_is_read(tmp_path: Path) -> None:
    # ran-isenberg/serverless-python-demo: `from_aws_managed_policy_name(managed_policy_name=(f'...'))`
    # was "a managed policy lambdalint cannot read", so the role went unchecked
    write_tree(tmp_path, {"cdk.json": '{"app": "python3 app.py"}\n', "infra/__init__.py": "",
                          "infra/constants.py": "LAMBDA_BASIC_EXECUTION_ROLE = 'AWSLambdaBasicExecutionRole'\n",
                          "app.py": """\
import aws_cdk as cdk
from aws_cdk import Stack, aws_iam as iam, aws_lambda as _lambda
from constructs import Construct

import infra.constants as constants


class Service(Stack):
    def __init__(self, scope: Construct, id: str) -> None:
        super().__init__(scope, id)
        role = iam.Role(
            self, "Role", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
            managed_policies=[
                iam.ManagedPolicy.from_aws_managed_policy_name(
                    managed_policy_name=(f'service-role/{constants.LAMBDA_BASIC_EXECUTION_ROLE}')),
            ],
        )
        _lambda.Function(self, "ListBuckets", runtime=_lambda.Runtime.PYTHON_3_12, handler="app.handler",
                         code=_lambda.Code.from_asset("lambda"), role=role, timeout=cdk.Duration.seconds(5))


app = cdk.App()
Service(app, "Service")
app.synth()
""", "lambda/app.py": "import boto3\n\ns3 = boto3.client('s3')\n\n\ndef handler(event, context):\n    return s3.list_buckets()\n"})
    result = run_lint(tmp_path, select=("LL321",))
    assert [(f.code, f.span.path, f.span.line) for f in result.visible] == [("LL321", "lambda/app.py", 7)], result.notes


_CDK_URL_STACK = {
    "Resources": {
        "FnServiceRole5D180AFD": {"Type": "AWS::IAM::Role", "Properties": {"AssumeRolePolicyDocument": {
            "Statement": [{"Action": "sts:AssumeRole", "Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}}],
            "Version": "2012-10-17"}}, "Metadata": {"aws:cdk:path": "Web/Fn/ServiceRole/Resource"}},
        "Fn9270CBC0": {"Type": "AWS::Lambda::Function", "Properties": {
            "Code": {"S3Bucket": "cdk-assets", "S3Key": "abc.zip"}, "Handler": "app.handler", "Runtime": "python3.12",
            "Timeout": 10, "Role": {"Fn::GetAtt": ["FnServiceRole5D180AFD", "Arn"]}},
            "Metadata": {"aws:cdk:path": "Web/Fn/Resource"}},
        "FnFunctionUrl6DE4C3B6": {"Type": "AWS::Lambda::Url", "Properties": {
            "AuthType": "NONE", "TargetFunctionArn": {"Fn::GetAtt": ["Fn9270CBC0", "Arn"]}},
            "Metadata": {"aws:cdk:path": "Web/Fn/FunctionUrl/Resource"}},
        "FninvokefunctionurlC1B1C2A7": {"Type": "AWS::Lambda::Permission", "Properties": {
            "Action": "lambda:InvokeFunctionUrl", "FunctionName": {"Fn::GetAtt": ["Fn9270CBC0", "Arn"]},
            "FunctionUrlAuthType": "NONE", "Principal": "*"}, "Metadata": {"aws:cdk:path": "Web/Fn/invoke-function-url"}},
        "Fninvokefunction0E3A8B6D": {"Type": "AWS::Lambda::Permission", "Properties": {
            "Action": "lambda:InvokeFunction", "FunctionName": {"Fn::GetAtt": ["Fn9270CBC0", "Arn"]},
            "InvokedViaFunctionUrl": True, "Principal": "*"}, "Metadata": {"aws:cdk:path": "Web/Fn/invoke-function"}},
    }
}


def test_a_public_function_url_is_one_finding_whatever_cdk_writes_for_it(tmp_path: Path) -> None:
    # arpcobuild/cdk-python-lambda: the committed cdk.out repeated the source's LL304 at the URL, and
    # CDK's second permission (`InvokedViaFunctionUrl`) was "any principal may invoke the function"
    import json

    stack = json.dumps(_CDK_URL_STACK, indent=1)
    write_tree(tmp_path / "synthesized", {"Web.template.json": stack})
    write_tree(tmp_path / "app", {"cdk.json": '{"app": "python3 app.py"}\n', "cdk.out/Web.template.json": stack,
                                  "lambda/app.py": "def handler(event, context):\n    return {'statusCode': 200}\n",
                                  "app.py": """\
import aws_cdk as cdk
from aws_cdk import Stack, aws_lambda as lambda_
from constructs import Construct


class Web(Stack):
    def __init__(self, scope: Construct, id: str) -> None:
        super().__init__(scope, id)
        fn = lambda_.Function(self, "Fn", runtime=lambda_.Runtime.PYTHON_3_12, handler="app.handler",
                              code=lambda_.Code.from_asset("lambda"), timeout=cdk.Duration.seconds(10))
        fn.add_function_url(auth_type=lambda_.FunctionUrlAuthType.NONE)


app = cdk.App()
Web(app, "Web")
app.synth()
"""})
    alone = run_lint(tmp_path / "synthesized", select=("LL304",))
    assert [(f.span.path, f.message.split(" allows")[0]) for f in alone.visible] == [
        ("Web.template.json", "function URL `FnFunctionUrl6DE4C3B6`")]
    with_source = run_lint(tmp_path / "app", select=("LL304",))
    assert [(f.span.path, f.span.line) for f in with_source.visible] == [("app.py", 11)]


_DOTENV_SERVICE = """\
service: pizzaria
frameworkVersion: ">=1.1.0 <2.0.0"
plugins:
  - serverless-dotenv-plugin
provider:
  name: aws
  runtime: python3.12
  timeout: 10
functions:
  pizzas:
    handler: src/pizzas/handler.list_pizzas
"""
_PIZZAS = """\
import os

import boto3

table = boto3.resource("dynamodb", endpoint_url=os.environ["DYNAMO_ENDPOINT"]).Table(os.environ["PIZZAS_TABLE"])


def list_pizzas(event, context):
    return table.scan()["Items"]
"""


def test_serverless_dotenv_plugin_sets_the_env_files_variables(tmp_path: Path) -> None:
    # leomenezessz/serverless-python-offline: 12 LL109 "is read but ... sets no environment" for
    # variables serverless-dotenv-plugin injects from `.env`; its reserved AWS_ACCESS_KEY went unseen
    env = "HOSTNAME=localhost\nAWS_ACCESS_KEY=xxxxxxx\nPIZZAS_TABLE=pizzas\nDYNAMO_ENDPOINT=http://localhost:4566\n"
    write_tree(tmp_path / "with", {"serverless.yml": _DOTENV_SERVICE, ".env": env, "src/pizzas/handler.py": _PIZZAS})
    write_tree(tmp_path / "unlisted", {"serverless.yml": _DOTENV_SERVICE.replace("plugins:\n  - serverless-dotenv-plugin\n", ""),
                                       ".env": env, "src/pizzas/handler.py": _PIZZAS})
    write_tree(tmp_path / "ignored", {"serverless.yml": _DOTENV_SERVICE, "src/pizzas/handler.py": _PIZZAS})
    found = run_lint(tmp_path / "with", select=("LL109", "LL205"))
    assert [(f.code, f.span.path, f.span.line) for f in found.visible] == [("LL205", ".env", 2)]
    assert sorted(f.message.split("`")[1] for f in run_lint(tmp_path / "unlisted", select=("LL109",)).visible) == \
        ["DYNAMO_ENDPOINT", "PIZZAS_TABLE"]  # `.env` alone feeds `${env:...}`, not the functions
    assert not run_lint(tmp_path / "ignored", select=("LL109",)).visible  # the usual git-ignored `.env`


def test_a_serverless_v1_service_without_the_requirements_plugin_ships_none(tmp_path: Path) -> None:
    # leomenezessz/serverless-python-offline: requirements.txt feeds a dev container; `sls package`
    # before v4 zips the folder as it is, so boto3 and pytest are not "bundled"
    service = _DOTENV_SERVICE.replace("  - serverless-dotenv-plugin\n", "  - serverless-offline\n")
    files = {"serverless.yml": service, "src/pizzas/handler.py": _PIZZAS.replace('os.environ["DYNAMO_ENDPOINT"]', "None"),
             "requirements.txt": "boto3==1.17.68\npytest==6.2.4\n"}
    write_tree(tmp_path / "v1", files)
    write_tree(tmp_path / "plugin", {**files, "serverless.yml": service.replace(
        "  - serverless-offline\n", "  - serverless-offline\n  - serverless-python-requirements\n")})
    assert not [f for f in run_lint(tmp_path / "v1", select=("LL404",)).visible if "requirements.txt" in f.span.path]
    assert sorted(f.span.line for f in run_lint(tmp_path / "plugin", select=("LL404",)).visible
                  if "requirements.txt" in f.span.path) == [1, 2]


def test_cdk_role_without_policy_updates_and_a_python_layer_version_are_followed(tmp_path: Path) -> None:
    # ShengHow95/aws-lambda-python-unit-test: `role=role.without_policy_updates()` was "a role
    # defined outside the template" (three *FullAccess policies unseen); alukach/cdk-python-lambda-
    # monorepo: a `PythonLayerVersion(entry=...)` was "without local content"
    write_tree(tmp_path, {"cdk.json": '{"app": "python3 app.py"}\n', "app.py": """\
import aws_cdk as cdk
from aws_cdk import Stack, aws_iam as iam, aws_lambda as lambda_, aws_lambda_python_alpha as lambda_python
from constructs import Construct


class Admin(Stack):
    def __init__(self, scope: Construct, id: str) -> None:
        super().__init__(scope, id)
        role = iam.Role(
            self, "AdminRole", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
            managed_policies=[
                iam.ManagedPolicy.from_managed_policy_arn(self, "Ddb", "arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess"),
            ])
        layer = lambda_python.PythonLayerVersion(self, "DbLib", entry="layers/db_utils",
                                                 compatible_runtimes=[lambda_.Runtime.PYTHON_3_12])
        lambda_.Function(self, "AdminGetEvent", runtime=lambda_.Runtime.PYTHON_3_12, handler="app.handler",
                         code=lambda_.Code.from_asset("lambda"), timeout=cdk.Duration.seconds(10),
                         role=role.without_policy_updates(), layers=[layer])


app = cdk.App()
Admin(app, "Admin")
app.synth()
""", "lambda/app.py": "from db_utils import connect\n\n\ndef handler(event, context):\n    return connect()\n",
        "layers/db_utils/db_utils.py": "def connect():\n    return 'ok'\n",
        "layers/db_utils/requirements.txt": "pg8000==1.31.2\n"})
    result = run_lint(tmp_path, select=("LL303", "LL108"))
    assert [(f.code, f.span.line) for f in result.visible] == [("LL303", 12)]
    assert not [n for n in result.notes if "role" in n or "without local content" in n], result.notes


def test_an_imported_cdk_construct_is_not_the_apps_own_of_the_same_id(tmp_path: Path) -> None:
    # ShengHow95/aws-lambda-python-unit-test: `LayerVersion.from_layer_version_arn(self, "GenericLayer",
    # arn)` in one stack was read as the other stack's `LayerVersion(self, "GenericLayer", ...)`
    write_tree(tmp_path, {"cdk.json": '{"app": "python3 app.py"}\n', "app.py": """\
import aws_cdk as cdk
from aws_cdk import Stack, aws_lambda as lambda_
from constructs import Construct


class Layers(Stack):
    def __init__(self, scope: Construct, id: str) -> None:
        super().__init__(scope, id)
        lambda_.LayerVersion(self, "GenericLayer", code=lambda_.Code.from_asset("layers/generic"))


class Api(Stack):
    def __init__(self, scope: Construct, id: str, layer_arn: str) -> None:
        super().__init__(scope, id)
        generic = lambda_.LayerVersion.from_layer_version_arn(self, "GenericLayer", layer_arn)
        lambda_.Function(self, "GetEvent", runtime=lambda_.Runtime.PYTHON_3_12, handler="app.handler",
                         code=lambda_.Code.from_asset("lambda"), timeout=cdk.Duration.seconds(10), layers=[generic])


app = cdk.App()
Layers(app, "Layers")
Api(app, "Api", layer_arn="arn:aws:lambda:eu-west-1:123456789012:layer:generic:3")
app.synth()
""", "lambda/app.py": "def handler(event, context):\n    return 1\n", "layers/generic/python/generic.py": "X = 1\n"})
    result = run_lint(tmp_path, select=("LL202",))
    assert result.project is not None
    [function] = [f for t in result.project.templates for f in t.functions]
    assert [(layer.value, layer.origin) for layer in function.layers] == [("GenericLayer (imported)", "unresolved")]


def test_a_terraform_trigger_of_an_alias_is_one_of_its_function(tmp_path: Path) -> None:
    # Toluhunter/Terraform-Lambda-Blue-Green-Canary-No-Codedeploy: the HTTP API integrates the
    # module's `aws_lambda_alias.live.invoke_arn`; five routes without authorization passed unseen
    write_tree(tmp_path, {"apigateway.tf": """\
resource "aws_apigatewayv2_api" "notes" {
  name          = "notes"
  protocol_type = "HTTP"
}

resource "aws_apigatewayv2_integration" "create_note" {
  api_id                 = aws_apigatewayv2_api.notes.id
  integration_type       = "AWS_PROXY"
  integration_uri        = module.create_note.invoke_arn
  payload_format_version = "2.0"
}

resource "aws_apigatewayv2_route" "create_note" {
  api_id    = aws_apigatewayv2_api.notes.id
  route_key = "POST /notes"
  target    = "integrations/${aws_apigatewayv2_integration.create_note.id}"
}

module "create_note" {
  source        = "./modules/lambda_function"
  function_name = "create-note"
  source_dir    = "${path.module}/src/create_note"
}
""", "modules/lambda_function/main.tf": """\
variable "function_name" {}
variable "source_dir" {}

data "archive_file" "this" {
  type        = "zip"
  source_dir  = var.source_dir
  output_path = "${path.module}/${var.function_name}.zip"
}

resource "aws_iam_role" "this" {
  name               = var.function_name
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Action = "sts:AssumeRole", Effect = "Allow", Principal = { Service = "lambda.amazonaws.com" } }] })
}

resource "aws_lambda_function" "this" {
  function_name = var.function_name
  filename      = data.archive_file.this.output_path
  handler       = "app.handler"
  runtime       = "python3.12"
  timeout       = 10
  publish       = true
  role          = aws_iam_role.this.arn
}

resource "aws_lambda_alias" "live" {
  name             = "live"
  function_name    = aws_lambda_function.this.arn
  function_version = aws_lambda_function.this.version
}

output "invoke_arn" {
  value = aws_lambda_alias.live.invoke_arn
}
""", "src/create_note/app.py": "import json\n\n\ndef handler(event, context):\n    return {'statusCode': 201, 'body': json.dumps({})}\n"})
    result = run_lint(tmp_path, select=("LL216",))
    assert [(f.span.path, f.span.line, f.severity) for f in result.visible] == [("apigateway.tf", 13, "warning")]


def test_a_helper_called_on_several_lines_is_reported_at_the_first(tmp_path: Path) -> None:
    # yugandhar99/aws-ec2-backup-lambda-terraform: `_client()` called on lines 51-53 was reported at 53
    write_tree(tmp_path, {"template.yaml": """\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  Backup:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: app.handler
      Runtime: python3.12
      Timeout: 60
""", "src/app.py": """\
import os

import boto3

SNS_TOPIC_ARN = os.environ.get("SNS_TOPIC_ARN")


def _client(name):
    return boto3.client(name)


def handler(event, context):
    ec2 = _client("ec2")
    ssm = _client("ssm")
    sns = _client("sns") if SNS_TOPIC_ARN else None
    return ec2, ssm, sns
"""})
    result = run_lint(tmp_path, select=("LL101",))
    assert [(f.span.line, f.message) for f in result.visible] == [
        (13, "`_client()` creates a `boto3.client` on every invocation")]


def test_a_terraform_invoke_uri_built_around_the_function_name_names_the_function(tmp_path: Path) -> None:
    # wescale/handson-lambda-terraform: `.../functions/arn:aws:lambda:${var.region}:${var.account_id}:
    # function:${aws_lambda_function.f.function_name}/invocations`; 6 LL216 and 6 LL203 were missed
    write_tree(tmp_path, {"users_post.tf": """\
variable "region" { default = "eu-west-1" }
variable "account_id" { default = "123456789012" }

resource "aws_lambda_function" "users_post" {
  function_name = "users-post"
  filename      = "users.zip"
  handler       = "index_post.handler"
  runtime       = "python3.12"
  timeout       = 120
  role          = "arn:aws:iam::123456789012:role/users"
}

resource "aws_api_gateway_rest_api" "demo" {
  name = "demo"
}

resource "aws_api_gateway_resource" "users" {
  rest_api_id = aws_api_gateway_rest_api.demo.id
  parent_id   = aws_api_gateway_rest_api.demo.root_resource_id
  path_part   = "users"
}

resource "aws_api_gateway_method" "users_post" {
  rest_api_id   = aws_api_gateway_rest_api.demo.id
  resource_id   = aws_api_gateway_resource.users.id
  http_method   = "POST"
  authorization = "NONE"
}

resource "aws_api_gateway_integration" "users_post" {
  rest_api_id             = aws_api_gateway_rest_api.demo.id
  resource_id             = aws_api_gateway_resource.users.id
  http_method             = aws_api_gateway_method.users_post.http_method
  integration_http_method = "POST"
  type                    = "AWS_PROXY"
  uri                     = "arn:aws:apigateway:${var.region}:lambda:path/2015-03-31/functions/arn:aws:lambda:${var.region}:${var.account_id}:function:${aws_lambda_function.users_post.function_name}/invocations"
}
"""})
    result = run_lint(tmp_path, select=("LL203", "LL216"))
    assert sorted((f.code, f.severity) for f in result.visible) == [("LL203", "warning"), ("LL216", "warning")]


def test_a_file_no_handler_string_can_name_is_not_a_handler(tmp_path: Path) -> None:
    # karthikmp1111/terraform-lambda-ci-cd: `lambda/.lambda_function_old.py`, a hidden backup, had
    # its own three findings beside the real file's
    code = "import boto3\n\n\ndef lambda_handler(event, context):\n    return boto3.client('s3').list_buckets()\n"
    write_tree(tmp_path, {"lambda/lambda_function.py": code, "lambda/.lambda_function_old.py": code,
                          "ops/delete-all-objects.py": code})  # `delete-all-objects.lambda_handler` imports fine
    result = run_lint(tmp_path, select=("LL101",))
    assert [f.span.path for f in result.visible] == ["lambda/lambda_function.py", "ops/delete-all-objects.py"]


def test_a_declared_requirement_is_not_taken_for_layer_code(tmp_path: Path) -> None:
    # vincedgy/aws-serverless-python-greetings: "`requests` is not in the project and may come from
    # layer `(unresolved)`", where requests is in the code folder's requirements.txt and the layer
    # is `!GetAtt AwsLambdaPowertoolsPythonLayer.Outputs.LayerVersionArn`
    write_tree(tmp_path, {"template.yaml": """\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  AwsLambdaPowertoolsPythonLayer:
    Type: AWS::Serverless::Application
    Properties:
      Location:
        ApplicationId: arn:aws:serverlessrepo:eu-west-1:057560766410:applications/aws-lambda-powertools-python-layer
        SemanticVersion: 1.25.0
  AddToGreetings:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: greetings/
      Handler: app.handler
      Runtime: python3.12
      Timeout: 10
      Layers:
        - !GetAtt AwsLambdaPowertoolsPythonLayer.Outputs.LayerVersionArn
      Policies:
        - Statement:
            - Effect: Allow
              Action: sqs:SendMessage
              Resource: "*"
""", "greetings/requirements.txt": "requests==2.24.0\n", "greetings/app.py": """\
import boto3
import requests

s3 = boto3.client("s3")


def handler(event, context):
    s3.put_object(Bucket="greetings", Key="last", Body=requests.get(event["url"]).content)
"""})
    result = run_lint(tmp_path, select=("LL322",))
    assert [f.message.split(" is never")[0] for f in result.visible] == ["`sqs:SendMessage`"], result.notes
    assert any("AwsLambdaPowertoolsPythonLayer.Outputs.LayerVersionArn" in n for n in run_lint(tmp_path).notes)


def test_a_serverless_wsgi_handler_says_its_app_was_not_read(tmp_path: Path) -> None:
    # krcourville/serverless-python-flask: `handler: wsgi_handler.handler` (generated by the plugin)
    # left the Flask app and its routes unread, with "1 file" and no note
    write_tree(tmp_path, {"serverless.yml": """\
service: users
plugins:
  - serverless-wsgi
custom:
  wsgi:
    app: app.app
provider:
  name: aws
  runtime: python3.12
  timeout: 10
functions:
  getUser:
    handler: wsgi_handler.handler
""", "app.py": "from flask import Flask\n\napp = Flask(__name__)\n\n\n@app.route('/users')\ndef users():\n    return []\n"})
    notes = run_lint(tmp_path).notes
    assert any("`getUser`: its handler is serverless-wsgi's generated `wsgi_handler`" in n for n in notes), notes


def test_a_sam_event_on_an_api_that_names_nothing_is_said_unchecked(tmp_path: Path) -> None:
    # garbinluca/aws-sam-python-api-boilerplate: `RestApiId: Ref: ApiGatewayApi` where the template
    # defines `ApiGatewayAPI`; five open routes passed with no finding and no note
    write_tree(tmp_path, {"template.yaml": """\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  ApiGatewayAPI:
    Type: AWS::Serverless::Api
    Properties:
      StageName: Prod
  RecordCreateFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: main.create
      Runtime: python3.12
      Timeout: 10
      Events:
        ApiEvent:
          Type: Api
          Properties:
            Path: /records
            Method: POST
            RestApiId:
              Ref: ApiGatewayApi
""", "src/main.py": "def create(event, context):\n    return {'statusCode': 201}\n"})
    result = run_lint(tmp_path, select=("LL216",))
    assert not result.visible
    assert any("`RecordCreateFunction`: the authorization of API trigger `ApiEvent`" in n for n in result.notes), \
        result.notes


def test_a_class_without_its_own_init_runs_its_bases(tmp_path: Path) -> None:
    # elmiringos/serverless-python-template: `OrganizationRepository(BaseRepository)` defines no
    # `__init__`; the engine BaseRepository.__init__ creates per invocation went unreported
    write_tree(tmp_path, {"template.yaml": """\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  GetOrganization:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: app.handler
      Runtime: python3.12
      Timeout: 10
""", "src/repo.py": """\
from sqlalchemy import create_engine


class BaseRepository:
    def __init__(self):
        self.engine = create_engine("mysql+pymysql://app@db.internal/orgs")


class OrganizationRepository(BaseRepository):
    def get(self, org_id):
        return self.engine.execute("select 1").scalar()
""", "src/app.py": """\
from repo import OrganizationRepository


def handler(event, context):
    return OrganizationRepository().get(event["id"])
"""})
    result = run_lint(tmp_path, select=("LL102",))
    assert [(f.span.path, f.span.line) for f in result.visible] == [("src/app.py", 5)]


def test_a_batch_action_of_a_narrowed_collection_is_its_request(tmp_path: Path) -> None:
    # raven4ever/py-cdk-lambda-aws-ops: `self.ec2.instances.filter(InstanceIds=ids).stop()` was no
    # call at all, and `lambdalint policy` printed a "complete" policy without ec2:StopInstances
    write_tree(tmp_path, {"template.yaml": """\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  StopStart:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: app.handler
      Runtime: python3.12
      Timeout: 60
      Policies:
        - Statement:
            - Effect: Allow
              Action: [ec2:DescribeInstances, ec2:StartInstances]
              Resource: "*"
""", "src/app.py": """\
import boto3


class Ec2:
    def __init__(self):
        self.ec2 = boto3.resource("ec2")

    def stop(self, ids):
        self.ec2.instances.filter(InstanceIds=ids).stop()

    def start(self, ids):
        self.ec2.instances.filter(InstanceIds=ids).all().start()


EC2 = Ec2()


def handler(event, context):
    EC2.stop(event["stop"])
    EC2.start(event["start"])
"""})
    result = run_lint(tmp_path, select=("LL321",))
    assert [(f.span.line, f.message.split(",")[0]) for f in result.visible] == [
        (9, "`stop` needs `ec2:StopInstances`")]


def test_cdk_targets_name_their_function_by_keyword_too(tmp_path: Path) -> None:
    # rafty/cdk-lambda-healthcheck: `aws_events_targets.LambdaFunction(handler=fn, event=...)` was a
    # target of no function, so the schedule's LL207 was silent
    write_tree(tmp_path, {"cdk.json": '{"app": "python3 app.py"}\n', "app.py": """\
import aws_cdk as cdk
from aws_cdk import Stack, aws_events, aws_events_targets, aws_lambda as lambda_, aws_s3 as s3
from aws_cdk import aws_s3_notifications as s3n
from constructs import Construct


class HealthCheck(Stack):
    def __init__(self, scope: Construct, id: str) -> None:
        super().__init__(scope, id)
        fn = lambda_.Function(self, "HealthCheckFunction", runtime=lambda_.Runtime.PYTHON_3_12,
                              handler="app.handler", code=lambda_.Code.from_asset("lambda"),
                              timeout=cdk.Duration.seconds(10))
        rule = aws_events.Rule(self, "LambdaAlertRule", schedule=aws_events.Schedule.rate(cdk.Duration.minutes(5)))
        rule.add_target(target=aws_events_targets.LambdaFunction(
            handler=fn, event=aws_events.RuleTargetInput.from_object({"foo": "bar"})))
        bucket = s3.Bucket(self, "Uploads")
        bucket.add_event_notification(s3.EventType.OBJECT_CREATED, s3n.LambdaDestination(fn=fn))


app = cdk.App()
HealthCheck(app, "HealthCheck")
app.synth()
""", "lambda/app.py": "def handler(event, context):\n    return {'ok': True}\n"})
    result = run_lint(tmp_path, select=("LL207",))
    [finding] = result.visible
    assert "a schedule" in finding.message and "S3" in finding.message, finding.message


def test_a_missing_cdk_asset_is_said_once(tmp_path: Path) -> None:
    # aws-samples/aws-keyspaces-lambda-python: `Code.asset("lambda/.dist/lambda.zip")` (built by a
    # script) gave a line "not in the checkout" and a note calling the zip a "code folder"
    write_tree(tmp_path, {"cdk.json": '{"app": "python3 app.py"}\n', "app.py": """\
import aws_cdk as cdk
from aws_cdk import Stack, aws_lambda as lambda_
from constructs import Construct


class Demo(Stack):
    def __init__(self, scope: Construct, id: str) -> None:
        super().__init__(scope, id)
        lambda_.Function(self, "cassandra-demo", runtime=lambda_.Runtime.PYTHON_3_12, handler="app.handler",
                         code=lambda_.Code.from_asset("lambda/.dist/lambda.zip"), timeout=cdk.Duration.seconds(10))


app = cdk.App()
Demo(app, "Demo")
app.synth()
""", "lambda/app.py": "def handler(event, context):\n    return 1\n"})
    result = run_lint(tmp_path)
    said = [line for line in [*result.notes, *result.project.unchecked] if "lambda.zip" in line]  # type: ignore[union-attr]
    assert len(said) == 1 and "not in the checkout" in said[0], said


def test_what_a_plainly_imported_project_module_returns_is_followed(tmp_path: Path) -> None:
    # faruquesarker/terraform-lambda-resource-sync: `import dynamodb; table = dynamodb.recreate_table(...)`,
    # only truth-tested, was "an AWS client is returned to another module": 4 unused grants unchecked
    write_tree(tmp_path, {"template.yaml": """\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  Sync:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: app.handler
      Runtime: python3.12
      Timeout: 60
      Policies:
        - Statement:
            - Effect: Allow
              Action: [dynamodb:CreateTable, dynamodb:DescribeTable, dynamodb:DeleteTable, cloudformation:DescribeStacks]
              Resource: "*"
""", "src/dynamodb.py": """\
import boto3


def recreate_table(dynamodb_client, name):
    dyn_resource = boto3.resource("dynamodb")
    dynamodb_client.describe_table(TableName=name)
    table = dyn_resource.Table(name)
    table.delete()
    table = dyn_resource.create_table(TableName=name, KeySchema=[], AttributeDefinitions=[])
    table.wait_until_exists()
    return table
""", "src/app.py": """\
import boto3

import dynamodb

dynamodb_client = boto3.client("dynamodb")


def handler(event, context):
    table = dynamodb.recreate_table(dynamodb_client, "cost-report")
    if not table:
        return {"statusCode": 404}
    return {"statusCode": 200}
"""})
    result = run_lint(tmp_path, select=("LL322",))
    assert [f.message.split(" is never")[0] for f in result.visible] == ["`cloudformation:DescribeStacks`"], result.notes


def test_a_project_import_the_code_folder_does_not_hold_is_said(tmp_path: Path) -> None:
    # elmiringos/serverless-python-template: the service is `src/`, its handlers import
    # `src.application...` and `common...`; nothing followed them and nothing said so
    write_tree(tmp_path, {"src/serverless.yml": """\
service: organizations
provider:
  name: aws
  runtime: python3.12
  timeout: 10
functions:
  get-organization:
    handler: application/handler/organization_handler.get
""", "src/application/__init__.py": "", "src/application/handler/__init__.py": "",
        "src/application/handler/organization_handler.py": """\
import json

import boto3

from src.application.service.organization_service import OrganizationService

s3 = boto3.client("s3")


def get(event, context):
    return json.dumps(OrganizationService().get(event["id"]))
""", "src/application/service/__init__.py": "", "src/application/service/organization_service.py": """\
class OrganizationService:
    def get(self, org_id):
        return {"id": org_id}
"""})
    notes = run_lint(tmp_path).notes
    assert any("`get-organization`: `src.application.service.organization_service.OrganizationService`" in n
               and "is a module of the project outside the code folder `src`" in n for n in notes), notes


def test_the_lambda_modules_submodules_are_no_functions(tmp_path: Path) -> None:
    # timmyeats/terraform-lambda-container-selenium: `terraform-aws-modules/lambda/aws//modules/docker-build`
    # was read as a second function (LL201, LL202 on an image build)
    write_tree(tmp_path, {"terraform/lambda.tf": """\
resource "aws_ecr_repository" "lambda_repo" {
  name = "selenium"
}

module "lambda_docker_image" {
  source  = "terraform-aws-modules/lambda/aws//modules/docker-build"
  version = "7.21.0"

  create_ecr_repo = false
  ecr_repo        = aws_ecr_repository.lambda_repo.name
  source_path     = "../context"
  image_tag       = "v1"
}

module "lambda_container" {
  source  = "terraform-aws-modules/lambda/aws"
  version = "7.21.0"

  function_name  = "selenium"
  create_package = false
  package_type   = "Image"
  image_uri      = module.lambda_docker_image.image_uri
  timeout        = 300
}
""", "context/main.py": "def handler(event=None, context=None):\n    return 'ok'\n"})
    result = run_lint(tmp_path, select=("LL201", "LL202"))
    assert result.project is not None
    assert [f.name for f in result.project.functions] == ["module.lambda_container"]
    assert [(f.code, f.span.line) for f in result.visible] == [("LL202", 15)]


def test_a_policy_attached_to_the_lambda_modules_role_output_is_the_roles(tmp_path: Path) -> None:
    # ikenley/lambda-python-template: `aws_iam_role_policy_attachment { role = module.fn.lambda_role_name }`
    # was not the module's role: 9 LL321 "not allowed" on actions the attached policy grants
    write_tree(tmp_path, {"main.tf": """\
module "get_top_news" {
  source        = "terraform-aws-modules/lambda/aws"
  function_name = "get-top-news"
  handler       = "function.lambda_handler"
  runtime       = "python3.12"
  timeout       = 60
  source_path   = "${path.module}/src"
}

resource "aws_iam_policy" "get_top_news" {
  name = "get-top-news"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Sid = "Objects", Effect = "Allow", Action = "s3:PutObject", Resource = ["arn:aws:s3:::lake/news/*"] },
      { Sid = "Events", Effect = "Allow", Action = "events:PutEvents", Resource = "*" },
      { Sid = "Queue", Effect = "Allow", Action = "sqs:SendMessage", Resource = "*" },
    ]
  })
}

resource "aws_iam_role_policy_attachment" "get_top_news" {
  role       = module.get_top_news.lambda_role_name
  policy_arn = aws_iam_policy.get_top_news.arn
}
""", "src/function.py": """\
import json

import boto3

s3 = boto3.client("s3")
events = boto3.client("events")


def lambda_handler(event, context):
    s3.put_object(Bucket="lake", Key="news/today.json", Body=json.dumps(event))
    events.put_events(Entries=[{"Source": "news", "DetailType": "fetched", "Detail": "{}"}])
"""})
    result = run_lint(tmp_path, select=("LL321", "LL322"))
    assert [(f.code, f.message.split(" is never")[0]) for f in result.visible] == [("LL322", "`sqs:SendMessage`")], \
        [f.message for f in result.visible]


def test_a_terraform_role_passed_between_modules_is_read(tmp_path: Path) -> None:
    # Gtomika/aws-lambda-python-demo, abdulhusainahk/terraform-lambda-api-gateway: the role made by
    # a sibling module (or by the root) and passed in as `var.execution_role_arn` was "a role
    # defined outside this module", and the function's permissions went unchecked
    lambda_module = """\
variable "execution_role_arn" {}

resource "aws_lambda_function" "this" {
  function_name = "greeter"
  filename      = "${path.module}/../src/app.zip"
  handler       = "app.handler"
  runtime       = "python3.12"
  timeout       = 10
  role          = var.execution_role_arn
}
"""
    role = """\
resource "aws_iam_role" "exec" {
  name               = "greeter"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Action = "sts:AssumeRole", Effect = "Allow", Principal = { Service = "lambda.amazonaws.com" } }] })
  inline_policy {
    name   = "logs"
    policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = ["logs:PutLogEvents"], Resource = "*" }] })
  }
}
"""
    write_tree(tmp_path / "sibling", {
        "main.tf": 'module "iam" {\n  source = "./iam"\n}\n\nmodule "fn" {\n  source             = "./fn"\n'
                   '  execution_role_arn = module.iam.role_arn\n}\n',
        "iam/main.tf": role + '\noutput "role_arn" {\n  value = aws_iam_role.exec.arn\n}\n',
        "fn/main.tf": lambda_module})
    write_tree(tmp_path / "caller", {
        "main.tf": role + '\nmodule "fn" {\n  source             = "./fn"\n  execution_role_arn = aws_iam_role.exec.arn\n}\n',
        "fn/main.tf": lambda_module})
    for layout in ("sibling", "caller"):
        result = run_lint(tmp_path / layout, select=("LL321",))
        assert result.project is not None
        [function] = result.project.functions
        assert function.loaded_role is not None and function.loaded_role.unknown is None, \
            (layout, function.loaded_role)
        assert function.loaded_role.name.endswith("aws_iam_role.exec"), function.loaded_role.name


def test_a_client_given_as_a_parameters_default_is_the_calls_client(tmp_path: Path) -> None:
    # Achint-T/totes-infrastructure: `def get_connection(secret_client=secret_client)` hands a
    # module-level client on to a helper; LL322 said the granted `secretsmanager` actions were
    # never used, though every invocation fetches the database secret with them
    template = """\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  Ingest:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.lambda_handler
      Runtime: python3.12
      CodeUri: src/
      Timeout: 60
      Policies:
        - Statement:
            - Effect: Allow
              Action: [secretsmanager:GetSecretValue, secretsmanager:UpdateSecret]
              Resource: arn:aws:secretsmanager:eu-west-2:123456789012:secret:totes-db
            - Effect: Allow
              Action: [sqs:SendMessage]
              Resource: arn:aws:sqs:eu-west-2:123456789012:totes-ingested
"""
    code = """\
import json

import boto3

secret_client = boto3.client("secretsmanager")


def retrieve_secrets(client, secret_name):
    return json.loads(client.get_secret_value(SecretId=secret_name)["SecretString"])


def get_connection(secret_client=secret_client):
    credentials = retrieve_secrets(secret_client, "totes-db")
    return credentials["host"]


def lambda_handler(event, context):
    return {"host": get_connection()}
"""
    write_tree(tmp_path, {"template.yaml": template, "src/app.py": code})
    result = run_lint(tmp_path, select=("LL321", "LL322"))
    assert [(f.code, f.message.split(" is never")[0]) for f in result.visible] == [
        ("LL322", "`sqs:SendMessage`")]


def test_a_scripts_main_block_is_not_the_functions_code(tmp_path: Path) -> None:
    # DragonOps-io/terraform-wireguard-vpn: `if __name__ == '__main__': handle_stream_updates({}, {})`
    # at the end of the handlers' module made the other handlers' code "call" SSM: the least-privilege
    # policy listed `ssm:SendCommand` and LL322 stayed silent about it. Lambda imports the module.
    template = """\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  GetConfig:
    Type: AWS::Serverless::Function
    Properties:
      Handler: main.get_client_config_file
      Runtime: python3.12
      CodeUri: src/
      Timeout: 10
      Policies:
        - Statement:
            - Effect: Allow
              Action: [dynamodb:GetItem, ssm:SendCommand]
              Resource: "*"
"""
    code = """\
import os

import boto3

ddb = boto3.client("dynamodb")
ssm = boto3.client("ssm")


def handle_stream_updates(event, context):
    ssm.send_command(InstanceIds=[os.environ["INSTANCE_ID"]], DocumentName="AWS-RunShellScript")


def get_client_config_file(event, context):
    return ddb.get_item(TableName=os.environ["TABLE"], Key={"id": {"S": event["id"]}})


if __name__ == "__main__":
    handle_stream_updates({}, {})
else:
    ddb.describe_table(TableName=os.environ["TABLE"])
"""
    write_tree(tmp_path, {"template.yaml": template, "src/main.py": code})
    result = run_lint(tmp_path, select=("LL322",))
    assert [f.message for f in result.visible] == ["`ssm:SendCommand` is never used by the code of `GetConfig`"]
    from lambdalint.api import least_privilege

    [needs] = least_privilege([tmp_path], cwd=tmp_path)
    assert needs["policy"]["Statement"][0]["Action"] == ["dynamodb:DescribeTable", "dynamodb:GetItem"]


def test_an_input_left_at_null_is_not_set(tmp_path: Path) -> None:
    # terraform-aws-modules/terraform-aws-notify-slack: `dead_letter_target_arn =
    # var.lambda_dead_letter_target_arn`, whose default is `null` and which no example sets, read as
    # a dead-letter queue: LL207 stayed silent on an SNS-invoked function whose failed events go nowhere
    notify = """\
variable "dead_letter_target_arn" {
  type    = string
  default = null
}

resource "aws_sns_topic" "alerts" {
  name = "alerts"
}

resource "aws_sns_topic_subscription" "notify" {
  topic_arn = aws_sns_topic.alerts.arn
  protocol  = "lambda"
  endpoint  = module.lambda.lambda_function_arn
}

module "lambda" {
  source                         = "terraform-aws-modules/lambda/aws"
  version                        = "8.7.0"
  function_name                  = "notify-slack"
  handler                        = "app.handler"
  runtime                        = "python3.12"
  source_path                    = "${path.module}/src"
  timeout                        = 10
  reserved_concurrent_executions = 2
  dead_letter_target_arn         = var.dead_letter_target_arn
}
"""
    code = "def handler(event, context):\n    return len(event['Records'])\n"
    write_tree(tmp_path / "called", {"main.tf": 'module "notify" {\n  source = "./notify"\n}\n',
                                     "notify/main.tf": notify, "notify/src/app.py": code})
    result = run_lint(tmp_path / "called", select=("LL207",))
    assert [(f.code, f.span.path, f.span.line) for f in result.visible] == [("LL207", "notify/main.tf", 16)]
    # given one by the caller, it is kept
    write_tree(tmp_path / "given", {
        "main.tf": 'module "notify" {\n  source = "./notify"\n'
                   '  dead_letter_target_arn = "arn:aws:sqs:eu-west-1:123456789012:notify-dlq"\n}\n',
        "notify/main.tf": notify, "notify/src/app.py": code})
    assert run_lint(tmp_path / "given", select=("LL207",)).visible == []
    # a root module's variable left at null may be given by `-var` at apply time: nothing is known
    write_tree(tmp_path / "root", {"main.tf": notify, "src/app.py": code})
    assert run_lint(tmp_path / "root", select=("LL207",)).visible == []


def test_a_registry_module_call_inside_a_local_module_has_its_package_checked(tmp_path: Path) -> None:
    # DragonOps-io/terraform-wireguard-vpn: `source_path = "${path.module}/python_code"` in a module the
    # root calls is a path from the root module's folder; the package rules looked for it from the
    # module's own folder, found nothing, and said nothing about the test file and boto3 it ships
    write_tree(tmp_path, {
        "main.tf": 'module "updater" {\n  source = "./modules/updater"\n}\n',
        "modules/updater/main.tf": """\
module "handle_updates" {
  source                         = "terraform-aws-modules/lambda/aws"
  function_name                  = "handle-updates"
  handler                        = "main.handle"
  runtime                        = "python3.12"
  source_path                    = "${path.module}/python_code"
  timeout                        = 30
  reserved_concurrent_executions = 1
}
""",
        "modules/updater/python_code/main.py": "def handle(event, context):\n    return len(event['Records'])\n",
        "modules/updater/python_code/main_test.py": "import unittest\n\nfrom main import handle\n\n\n"
                                                     "class TestHandle(unittest.TestCase):\n"
                                                     "    def test_empty(self):\n"
                                                     "        self.assertEqual(handle({'Records': []}, None), 0)\n",
        "modules/updater/python_code/requirements.txt": "boto3==1.34.160\n"})
    result = run_lint(tmp_path, select=("LL404",))
    assert [(f.severity, f.span.path, f.span.line) for f in result.visible] == [
        ("warning", "modules/updater/main.tf", 6), ("info", "modules/updater/python_code/requirements.txt", 1)]


def test_a_sensitive_variable_carried_into_a_module_is_a_resolved_secret(tmp_path: Path) -> None:
    # domain-protect/terraform-aws-domain-protect: `cloudflare_api_key` is declared `sensitive = true`
    # at the root and handed to the module that sets `CLOUDFLARE_API_KEY` in the environment
    write_tree(tmp_path, {
        "main.tf": 'variable "cloudflare_api_key" {\n  type      = string\n  sensitive = true\n}\n\n'
                   'module "cloudflare" {\n  source  = "./modules/cloudflare"\n'
                   '  api_key = var.cloudflare_api_key\n  zone    = "example.com"\n}\n',
        "modules/cloudflare/main.tf": """\
variable "api_key" {
  type = string
}

variable "zone" {
  type = string
}

resource "aws_lambda_function" "scan" {
  function_name = "cloudflare-scan"
  role          = "arn:aws:iam::123456789012:role/scan"
  filename      = "${path.module}/scan.zip"
  handler       = "scan.handler"
  runtime       = "python3.12"
  timeout       = 60
  environment {
    variables = {
      CLOUDFLARE_API_KEY = var.api_key
      CLOUDFLARE_ZONE    = var.zone
    }
  }
}
"""})
    result = run_lint(tmp_path, select=("LL312",))
    assert [(f.span.path, f.span.line, f.message.split(",")[0]) for f in result.visible] == [
        ("modules/cloudflare/main.tf", 18,
         "`CLOUDFLARE_API_KEY` receives the sensitive variable `var.cloudflare_api_key`")]


def test_one_modules_function_built_for_several_roots_is_told_apart(tmp_path: Path) -> None:
    # HermannDj/aws-serverless-api-terraform, AlexAndrei98/did_backend: `environments/dev`, `staging`
    # and `prod` each call `modules/lambda`; a finding naming the three said
    # "`module.lambda.aws_lambda_function.this`, `module.lambda.aws_lambda_function.this` and ..."
    module = """\
variable "stage" {}

resource "aws_lambda_function" "this" {
  function_name = "orders-${var.stage}"
  role          = "arn:aws:iam::123456789012:role/orders"
  filename      = "${path.module}/orders.zip"
  handler       = "app.handler"
  runtime       = "python3.8"
  timeout       = 10
}
"""
    files = {"modules/lambda/main.tf": module}
    for stage in ("dev", "prod"):
        files[f"environments/{stage}/main.tf"] = \
            f'module "lambda" {{\n  source = "../../modules/lambda"\n  stage  = "{stage}"\n}}\n'
    write_tree(tmp_path, files)
    [finding] = run_lint(tmp_path, select=("LL206",)).visible
    assert "(used by `module.lambda.aws_lambda_function.this` (`environments/dev`) and " \
           "`module.lambda.aws_lambda_function.this` (`environments/prod`))" in finding.message


def test_a_place_several_functions_lead_to_is_related_once() -> None:
    # the same three functions: "related: modules/api-gateway/main.tf:112:1: REST API event of ..." three times
    import datetime

    from lambdalint.findings import Related
    from lambdalint.located import Span
    from lambdalint.model import Project
    from lambdalint.registry import Registry
    from lambdalint.rule import Context

    rule = Registry.installed().get("LL203")
    context = Context(rule, Project(cwd=Path("/project")), {}, datetime.date(2026, 12, 4))
    event = Related("REST API event of `module.lambda.aws_lambda_function.this`", Span.point("modules/api/main.tf", 112))
    handler = Related("handler configured here", Span.point("modules/lambda/main.tf", 9), context=True)
    finding = context.finding(Span.point("modules/lambda/main.tf", 154), "m", "h",
                              related=[event, handler, event, event])
    assert finding.related == (event, handler)


def test_serverless_plugin_tracing_turns_tracing_on(tmp_path: Path) -> None:
    # mozilla-iam/cis: `plugins: [serverless-plugin-tracing]` with `provider.tracing: true` (the
    # plugin's spelling) writes `TracingConfig.Mode: Active` on every function; LL211 said the X-Ray
    # SDK's traces were silently missing
    service = """\
service: change
plugins:
  - serverless-plugin-tracing
provider:
  name: aws
  runtime: python3.12
  tracing: true
  iamRoleStatements:
    - Effect: Allow
      Action: [xray:PutTraceSegments, xray:PutTelemetryRecords]
      Resource: "*"
functions:
  api:
    handler: handler.handle
    timeout: 10
"""
    code = "from aws_xray_sdk.core import patch_all\n\npatch_all()\n\n\ndef handle(event, context):\n    return 200\n"
    write_tree(tmp_path / "plugin", {"serverless.yml": service, "handler.py": code})
    assert run_lint(tmp_path / "plugin", select=("LL211",)).visible == []
    # without the plugin the framework ignores a bare `true`: the traces are missing
    write_tree(tmp_path / "bare", {"serverless.yml": service.replace("serverless-plugin-tracing", "serverless-offline"),
                                   "handler.py": code})
    assert [f.code for f in run_lint(tmp_path / "bare", select=("LL211",)).visible] == ["LL211"]


_ROLE_TEMPLATE = """\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
      Runtime: python3.12
      CodeUri: src/
      Timeout: 60
      Policies:
        - Statement:
            - Effect: Allow
              Action: [{actions}]
              Resource: "*"
"""


def test_a_called_custom_resource_helper_runs_the_functions_it_decorates(tmp_path: Path) -> None:
    # aws-samples/aws-saas-factory-ref-solution-serverless-saas: crhelper's `helper(event, context)`
    # runs the `@helper.create` / `@helper.update` functions; LL322 called the PutItem they make unused
    code = """\
import boto3
from crhelper import CfnResource

helper = CfnResource()
settings = boto3.resource("dynamodb").Table("Settings")


@helper.create
@helper.update
def do_action(event, _):
    settings.put_item(Item={"settingName": "apiGatewayUrl", "settingValue": event["ResourceProperties"]["Url"]})


@helper.delete
def do_nothing(_, __):
    pass


def handler(event, context):
    helper(event, context)
"""
    write_tree(tmp_path, {"template.yaml": _ROLE_TEMPLATE.format(actions="dynamodb:PutItem, sqs:SendMessage"),
                          "src/app.py": code})
    result = run_lint(tmp_path, select=("LL321", "LL322"))
    assert [f.message for f in result.visible] == ["`sqs:SendMessage` is never used by the code of `Fn`"]


def test_what_a_decorator_hands_the_handler_leaves_its_calls_open(tmp_path: Path) -> None:
    # gemini-oss/starfleet: `@worker_lambda(Ship) def handler(event, context, worker): worker.execute()`;
    # the worker's `put_object` was not seen and LL322 called `s3:PutObject` unused
    code = """\
from functools import wraps

import boto3


class Ship:
    def execute(self):
        boto3.client("s3").put_object(Bucket="inventory", Key="accounts.json", Body="{}")


def worker_lambda(cls):
    def decorate(func):
        @wraps(func)
        def wrapped(event, context):
            return func(event, context, cls())
        return wrapped
    return decorate


@worker_lambda(Ship)
def handler(event, context, worker):
    worker.execute()
"""
    write_tree(tmp_path, {"template.yaml": _ROLE_TEMPLATE.format(actions="s3:PutObject"), "src/app.py": code})
    result = run_lint(tmp_path, select=("LL321", "LL322"))
    assert result.visible == []
    assert any("`worker` is given to the handler by its decorator" in note for note in result.notes)


def test_a_layer_sam_builds_for_python_drops_its_caches(tmp_path: Path) -> None:
    # aws-samples/aws-saas-factory-ref-solution-serverless-saas: `Metadata: BuildMethod: python3.9`
    # on the layer, whose folder holds `__pycache__`: `sam build` leaves caches out, as it does for a
    # function's folder, yet LL404 said the layer ships them
    template = """\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  UtilsLayer:
    Type: AWS::Serverless::LayerVersion
    Properties:
      ContentUri: layers/
      CompatibleRuntimes: [python3.12]
    Metadata:
      BuildMethod: python3.12
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
      Runtime: python3.12
      CodeUri: src/
      Timeout: 10
      Layers: [!Ref UtilsLayer]
"""
    files = {"template.yaml": template, "src/app.py": "import utils\n\n\ndef handler(event, context):\n    return utils.ok()\n",
             "layers/utils.py": "def ok():\n    return 200\n",
             "layers/__pycache__/utils.cpython-312.pyc": b"\x00" * 40_000}
    write_tree(tmp_path / "built", files)
    assert run_lint(tmp_path / "built", select=("LL404",)).visible == []
    # zipped as it is, without a build method, the layer does ship them
    write_tree(tmp_path / "zipped", {**files, "template.yaml": template.replace(
        "    Metadata:\n      BuildMethod: python3.12\n", "")})
    assert [f.code for f in run_lint(tmp_path / "zipped", select=("LL404",)).visible] == ["LL404"]


def test_a_serverless_stream_of_unknown_source_polls_kinesis_or_dynamodb_only(tmp_path: Path) -> None:
    # UrbanCompass/google-drive-dlp-oss: `stream: ${param:...}` left the source unknown, and an unknown
    # stream exempted every service from LL322; a Serverless `stream` event is Kinesis or DynamoDB
    service = """\
service: policy-engine
provider:
  name: aws
  runtime: python3.12
  iam:
    role:
      statements:
        - Effect: Allow
          Action: [dynamodb:UpdateItem, kinesis:GetRecords]
          Resource: "*"
        - Effect: Allow
          Action: [secretsmanager:GetSecretValue]
          Resource: arn:aws:secretsmanager:us-east-1:123456789012:secret:dlp
functions:
  engine:
    handler: handler.handle
    timeout: 60
    events:
      - stream: ${param:findingsStreamArn}
"""
    code = """\
import boto3

table = boto3.resource("dynamodb").Table("findings")


def handle(event, context):
    for record in event["Records"]:
        table.update_item(Key={"id": record["eventID"]}, UpdateExpression="SET seen = :t",
                          ExpressionAttributeValues={":t": True})
"""
    write_tree(tmp_path, {"serverless.yml": service, "handler.py": code})
    result = run_lint(tmp_path, select=("LL322",))
    assert [f.message for f in result.visible] == ["`secretsmanager:GetSecretValue` is never used by the code of `engine`"]


def test_a_serverless_lift_queue_worker_is_said_to_be_unchecked(tmp_path: Path) -> None:
    # rjolaverria/serverless-crawler: the queue worker serverless-lift adds from `constructs:` was
    # neither checked nor mentioned, and the service looked fully checked with one function of two
    service = """\
service: crawler
plugins:
  - serverless-python-requirements
  - serverless-lift
provider:
  name: aws
  runtime: python3.12
functions:
  start:
    handler: src/handlers/start.run
    timeout: 10
constructs:
  CrawlQueue:
    type: queue
    worker:
      handler: src/handlers/crawl.run
      timeout: 30
  Uploads:
    type: storage
"""
    write_tree(tmp_path, {"serverless.yml": service, "src/handlers/start.py": "def run(event, context):\n    return 1\n",
                          "src/handlers/crawl.py": "def run(event, context):\n    return 2\n"})
    result = run_lint(tmp_path, select=("ALL",))
    assert result.functions == 1
    assert result.unchecked == ["serverless.yml:13: the worker functions of serverless-lift `constructs` "
                                "(`CrawlQueue`) are not read: they and their queues are not checked"]


def test_a_cdk_construct_property_returning_a_kept_function_is_that_function(tmp_path: Path) -> None:
    # sendelivery/serverless-todo: `LambdaIntegration(handler=lambdas.get_entries)`, where
    # `get_entries` is a `@property` returning `self._get_entries`: the routes were linked to nothing,
    # and LL216 / LL203 said nothing about them
    app = '''\
import aws_cdk as cdk
from aws_cdk import Stack, aws_apigateway as apigw, aws_lambda as lambda_
from constructs import Construct


class EntriesCrudLambdas(Construct):
    @property
    def get_entries(self) -> lambda_.Function:
        """The function that lists the entries."""
        return self._get_entries

    def __init__(self, scope: Construct, construct_id: str) -> None:
        super().__init__(scope, construct_id)
        self._get_entries = lambda_.Function(
            self, "GetEntries", runtime=lambda_.Runtime.PYTHON_3_12, handler="app.handler",
            code=lambda_.Code.from_asset("src"), timeout=cdk.Duration.seconds(60))


class EntriesRestApi(Construct):
    def __init__(self, scope: Construct, construct_id: str, lambdas: EntriesCrudLambdas) -> None:
        super().__init__(scope, construct_id)
        api = apigw.RestApi(self, "Api")
        entries = api.root.add_resource("entries")
        entries.add_method("GET", integration=apigw.LambdaIntegration(handler=lambdas.get_entries))


class TodoStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        lambdas = EntriesCrudLambdas(self, "CrudLambdas")
        EntriesRestApi(self, "RestApi", lambdas)


app = cdk.App()
TodoStack(app, "Todo")
app.synth()
'''
    write_tree(tmp_path, {"cdk.json": '{"app": "python3 app.py"}', "app.py": app,
                          "src/app.py": "def handler(event, context):\n    return {'statusCode': 200}\n"})
    result = run_lint(tmp_path, select=("LL203", "LL216"))
    assert sorted((f.code, f.span.line) for f in result.visible) == [("LL203", 16), ("LL216", 24)]


def test_a_cdk_construct_handed_on_in_kwargs_is_followed(tmp_path: Path) -> None:
    # PhillipSMartin/StJames: `Compute(self, "Compute", events_topic=topic)` read back as
    # `kwargs["events_topic"]`; the SNS subscriptions made on it were dropped without a note, and
    # LL207 said nothing of four functions whose failed events go nowhere
    app = '''\
import aws_cdk as cdk
from aws_cdk import Stack, aws_lambda as lambda_, aws_sns as sns, aws_sns_subscriptions as subscriptions
from constructs import Construct


class Compute(Construct):
    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id)
        events_topic = kwargs["events_topic"]
        post = lambda_.Function(self, "PostToPatch", runtime=lambda_.Runtime.PYTHON_3_12, handler="app.handler",
                                code=lambda_.Code.from_asset("src"), timeout=cdk.Duration.seconds(30),
                                reserved_concurrent_executions=2)
        events_topic.add_subscription(subscriptions.LambdaSubscription(post))


class PosterStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        topic = sns.Topic(self, "Events")
        Compute(self, "Compute", events_topic=topic, table_name="events")


app = cdk.App()
PosterStack(app, "Poster")
app.synth()
'''
    write_tree(tmp_path, {"cdk.json": '{"app": "python3 app.py"}', "app.py": app,
                          "src/app.py": "def handler(event, context):\n    return len(event['Records'])\n"})
    result = run_lint(tmp_path, select=("LL207",))
    assert [(f.code, f.span.line) for f in result.visible] == [("LL207", 10)]


def test_a_repository_object_handed_to_a_handler_class_leaves_the_calls_open(tmp_path: Path) -> None:
    # rafty/serverless-microservices-handson: `Handler(restaurant_repo=RESTAURANT_REPOSITORY)` in a
    # module that names no AWS API, whose `self.restaurant_repo.update(...)` runs the repository's
    # DynamoDB calls: the code was called complete with no AWS call, and LL322 would call every
    # granted DynamoDB action unused
    files = {
        "template.yaml": _ROLE_TEMPLATE.format(actions="dynamodb:PutItem"),
        "src/adaptors/__init__.py": "",
        "src/adaptors/repository.py": """\
import boto3


class RestaurantRepository:
    def __init__(self, table_name):
        self.client = boto3.client("dynamodb")
        self.table_name = table_name

    def save(self, item):
        self.client.put_item(TableName=self.table_name, Item=item)
""",
        "src/handlers.py": """\
class Handler:
    def __init__(self, restaurant_repo):
        self.restaurant_repo = restaurant_repo

    def handle(self, event):
        self.restaurant_repo.save(event["restaurant"])
        return {"statusCode": 200}
""",
        "src/app.py": """\
from adaptors.repository import RestaurantRepository
from handlers import Handler

RESTAURANT_REPOSITORY = RestaurantRepository("restaurants")


def handler(event, context):
    return Handler(restaurant_repo=RESTAURANT_REPOSITORY).handle(event)
"""}
    write_tree(tmp_path, files)
    result = run_lint(tmp_path, select=("LL321", "LL322"))
    assert result.visible == []
    assert any("`RESTAURANT_REPOSITORY` (a `RestaurantRepository`, which calls AWS) is handed to" in note
               for note in result.notes)
    # the handler module analysed as well (it names an AWS API): the attribute call stays open
    write_tree(tmp_path, {"src/handlers.py": files["src/handlers.py"].replace(
        "class Handler:", "import boto3  # for type hints only\n\n\nclass Handler:"),
        "src/app.py": files["src/app.py"].replace("Handler(restaurant_repo=RESTAURANT_REPOSITORY)",
                                                   "Handler(restaurant_repo=make_repository())").replace(
        'RESTAURANT_REPOSITORY = RestaurantRepository("restaurants")',
        "def make_repository():\n    return RestaurantRepository('restaurants')")})
    result = run_lint(tmp_path, select=("LL321", "LL322"))
    assert result.visible == []


def test_a_route_to_a_function_given_as_a_parameter_is_said_unchecked(tmp_path: Path) -> None:
    # aws-samples/aws-saas-factory-ref-solution-serverless-saas: the API's nested template gets each
    # function's ARN as a parameter; `POST /registration`, open to anyone, was neither judged nor noted
    template = """\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Parameters:
  StageName:
    Type: String
  RegisterTenantFunctionArn:
    Type: String
Resources:
  AdminApi:
    Type: AWS::Serverless::Api
    Properties:
      StageName: !Ref StageName
      DefinitionBody:
        swagger: "2.0"
        paths:
          /registration:
            post:
              x-amazon-apigateway-integration:
                uri: !Join
                  - ""
                  - - !Sub arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/
                    - !Ref RegisterTenantFunctionArn
                    - /invocations
                httpMethod: POST
                type: aws_proxy
"""
    write_tree(tmp_path, {"apigateway.yaml": template})
    result = run_lint(tmp_path, select=("LL216",))
    assert result.visible == []
    assert result.notes == ["apigateway.yaml:18: `POST /registration` of `AdminApi` invokes the function the "
                            "parameter `RegisterTenantFunctionArn` names (a nested stack's input?): the route "
                            "was not checked"]


def test_terraform_arithmetic_of_known_numbers_is_evaluated(tmp_path: Path) -> None:
    # k0825/photo-library-infra: `visibility_timeout_seconds = 900 + 60` against a 900 s timeout;
    # the sum was not evaluated and LL203 said nothing
    main = """\
resource "aws_sqs_queue" "thumbnails" {
  name                       = "thumbnails"
  visibility_timeout_seconds = 900 + 60
}

resource "aws_lambda_function" "create_thumbnail" {
  function_name                  = "create-thumbnail"
  role                           = "arn:aws:iam::123456789012:role/thumbnails"
  filename                       = "thumbnail.zip"
  handler                        = "handler.handler"
  runtime                        = "python3.12"
  timeout                        = 900
  reserved_concurrent_executions = 2
}

resource "aws_lambda_event_source_mapping" "thumbnails" {
  event_source_arn = aws_sqs_queue.thumbnails.arn
  function_name    = aws_lambda_function.create_thumbnail.arn
}
"""
    write_tree(tmp_path / "short", {"main.tf": main})
    result = run_lint(tmp_path / "short", select=("LL203",))
    assert [(f.code, f.span.line) for f in result.visible] == [("LL203", 12)]
    assert "960 s" in result.visible[0].message
    write_tree(tmp_path / "long", {"main.tf": main.replace("900 + 60", "900 * 6")})
    assert run_lint(tmp_path / "long", select=("LL203",)).visible == []


def test_a_layer_named_through_a_local_is_the_layer(tmp_path: Path) -> None:
    # GSI-Xapiens-CSIRO/pgxflow-BGSi: `python_modules_layer = module.python_modules_layer.lambda_layer_arn`
    # in `locals`, and `layers = [local.python_modules_layer]`: the layer's code was not read, its
    # per-invocation client went unreported and the note called the layer one without local content
    main = """\
locals {
  python_modules_layer = module.python_modules_layer.lambda_layer_arn
}

module "python_modules_layer" {
  source       = "terraform-aws-modules/lambda/aws"
  create_layer = true
  layer_name   = "python-modules"
  source_path  = "${path.module}/shared_resources/python-modules"
}

module "lambda_send_job_email" {
  source                         = "terraform-aws-modules/lambda/aws"
  function_name                  = "send-job-email"
  handler                        = "lambda_function.lambda_handler"
  runtime                        = "python3.12"
  source_path                    = "${path.module}/lambda/sendJobEmail"
  timeout                        = 30
  reserved_concurrent_executions = 2
  layers                         = [local.python_modules_layer]
}
"""
    write_tree(tmp_path, {
        "main.tf": main,
        "shared_resources/python-modules/python/shared/__init__.py": "",
        "shared_resources/python-modules/python/shared/cognito_utils.py":
            "import boto3\n\n\ndef get_user(user_id):\n    client = boto3.client('cognito-idp')\n"
            "    return client.admin_get_user(UserPoolId='pool', Username=user_id)\n",
        "lambda/sendJobEmail/lambda_function.py":
            "from shared.cognito_utils import get_user\n\n\ndef lambda_handler(event, context):\n"
            "    return get_user(event['userId'])['Username']\n"})
    result = run_lint(tmp_path, select=("LL101",))
    assert [(f.code, f.span.path, f.span.line) for f in result.visible] == [
        ("LL101", "lambda/sendJobEmail/lambda_function.py", 5)]


def test_attach_policy_jsons_without_policy_jsons_attaches_nothing(tmp_path: Path) -> None:
    # XTIDfdenni/BGSI-GeneticAnalysisSupportPlatformIndonesia-GASPI: `attach_policy_jsons = true` with
    # no `policy_jsons` (the module's default `[]`) was noted as a policy that cannot be read
    write_tree(tmp_path, {"main.tf": """\
module "lambda_log_email_delivery" {
  source                         = "terraform-aws-modules/lambda/aws"
  function_name                  = "log-email-delivery"
  handler                        = "lambda_function.lambda_handler"
  runtime                        = "python3.12"
  source_path                    = "${path.module}/src"
  timeout                        = 30
  reserved_concurrent_executions = 1
  attach_policy_jsons            = true
}
""", "src/lambda_function.py": "def lambda_handler(event, context):\n    return len(event['Records'])\n"})
    result = run_lint(tmp_path, select=("LL321", "LL322"))
    [function] = result.project.functions
    assert function.loaded_role.unknown is None
    assert not any("policy_jsons" in note for note in result.notes)


def test_the_policy_command_lists_a_function_whose_code_was_not_read(tmp_path: Path) -> None:
    # emre0altan/serverless-python-api: a serverless-wsgi Flask app; `lambdalint policy` printed
    # `functions: []`, as if the service had no function
    service = """\
service: notes-api
plugins:
  - serverless-wsgi
custom:
  wsgi:
    app: app.app
provider:
  name: aws
  runtime: python3.12
functions:
  api:
    handler: wsgi_handler.handler
    timeout: 10
    events:
      - httpApi: '*'
"""
    app = "from flask import Flask\n\napp = Flask(__name__)\n\n\n@app.route('/')\ndef index():\n    return 'ok'\n"
    write_tree(tmp_path, {"serverless.yml": service, "app.py": app})
    from lambdalint.api import least_privilege

    [document] = least_privilege([tmp_path], cwd=tmp_path)
    assert (document["function"], document["complete"], document["policy"]) == ("api", False, None)
    assert document["not_determined"] and "wsgi" in document["not_determined"][0].lower()


def test_a_cdk_factory_re_exported_by_a_package_is_followed(tmp_path: Path) -> None:
    # reply-fr/sustainable-personal-accounts: `from cdk import LoggingFunction`, re-exported by
    # `cdk/__init__.py` from `cdk/logging_function.py`, makes every function of the app; one was
    # counted, and the project looked checked
    factory = '''\
from aws_cdk import Duration
from aws_cdk.aws_lambda import Code, Function, Runtime


def LoggingFunction(context, name, handler, trigger="FromInvoke"):
    return Function(context, trigger, function_name=name, handler=handler, runtime=Runtime.PYTHON_3_12,
                    code=Code.from_asset("lambdas"), timeout=Duration.seconds(30))
'''
    construct = '''\
from constructs import Construct
from aws_cdk import Stack
from aws_cdk.aws_lambda import FunctionUrlAuthType

from cdk import LoggingFunction


class ServerlessStack(Stack):
    def __init__(self, scope: Construct, construct_id: str) -> None:
        super().__init__(scope, construct_id)
        LoggingFunction(self, name="OnAlert", handler="on_alert_handler.handle_alert", trigger="FromAlert")
        exception = LoggingFunction(self, name="OnException", handler="on_exception_handler.handle_exception",
                                    trigger="FromUrl")
        exception.add_function_url(auth_type=FunctionUrlAuthType.NONE)
'''
    app = '''\
from aws_cdk import App

from cdk.serverless_stack import ServerlessStack

app = App()
ServerlessStack(app, "Spa")
app.synth()
'''
    write_tree(tmp_path, {
        "cdk.json": '{"app": "python3 app.py"}', "app.py": app,
        "cdk/__init__.py": "from .logging_function import LoggingFunction\n\n__all__ = ['LoggingFunction']\n",
        "cdk/logging_function.py": factory, "cdk/serverless_stack.py": construct,
        "lambdas/on_alert_handler.py": "def handle_alert(event, context):\n    return 200\n",
        "lambdas/on_exception_handler.py": "def handle_exception(event, context):\n    return 200\n"})
    result = run_lint(tmp_path, select=("LL304",))
    assert result.functions == 2
    assert [(f.code, f.span.path, f.span.line) for f in result.visible] == [("LL304", "cdk/serverless_stack.py", 14)]


def test_an_rds_auth_token_needs_rds_db_connect(tmp_path: Path) -> None:
    # TFG-Eventos-y-Tickets-DAW/eventos-y-tickets-backend: `rds.generate_db_auth_token(...)` is signed
    # locally and used with `rds-db:connect`; read as an unknown action it closed LL322 for 20 functions
    code = """\
import boto3

rds = boto3.client("rds")


def handler(event, context):
    token = rds.generate_db_auth_token(DBHostname="db.internal", Port=3306, DBUsername="app")
    return len(token)
"""
    write_tree(tmp_path, {"template.yaml": _ROLE_TEMPLATE.format(actions="rds-db:connect, sqs:SendMessage"),
                          "src/app.py": code})
    result = run_lint(tmp_path, select=("LL321", "LL322"))
    assert [f.message for f in result.visible] == ["`sqs:SendMessage` is never used by the code of `Fn`"]
    from lambdalint.api import least_privilege

    [document] = least_privilege([tmp_path], cwd=tmp_path)
    assert document["complete"] and document["policy"]["Statement"][0]["Action"] == ["rds-db:connect"]


def test_a_cloudformation_registry_module_is_said_to_be_unchecked(tmp_path: Path) -> None:
    # awslabs/aws-serverless-data-lake-framework: `Type: awslabs::sdlf::pipeline::MODULE` makes an
    # EventBridge rule, a queue and the mapping onto the routing function; none of it was read or noted
    template = """\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  rLambdaRoutingStep:
    Type: AWS::Serverless::Function
    Properties:
      Handler: lambda_function.lambda_handler
      Runtime: python3.12
      CodeUri: src/routing
      Timeout: 60
  rPipelineInterface:
    Type: awslabs::sdlf::pipeline::MODULE
    Properties:
      pLambdaRoutingStep: !GetAtt rLambdaRoutingStep.Arn
"""
    write_tree(tmp_path, {"template.yaml": template})
    result = run_lint(tmp_path, select=("LL203",))
    assert result.unchecked == ["template.yaml:11: `rPipelineInterface` is a CloudFormation module "
                                "(`awslabs::sdlf::pipeline::MODULE`) lambdalint does not read: the functions, "
                                "triggers and queues it makes are not checked"]


def test_a_zip_a_script_builds_beside_its_handler_is_that_folder(tmp_path: Path) -> None:
    # RicardoSabinolrs/aws-streaming-data-pipeline: `filename = "../lambdas/punk_api_raw/punk_api_raw.zip"`,
    # zipped by a Makefile from the folder it sits in, which holds `main.py`; the handler was not
    # linked (its per-invocation client was found only as an unlinked handler, with no function)
    main = """\
resource "aws_lambda_function" "punk_api_raw" {
  function_name                  = "punk-api-raw"
  role                           = "arn:aws:iam::123456789012:role/punk"
  filename                       = "../lambdas/punk_api_raw/punk_api_raw.zip"
  handler                        = "main.lambda_handler"
  runtime                        = "python3.12"
  timeout                        = 30
  reserved_concurrent_executions = 1
}
"""
    code = """\
import os

import boto3


def put_records(records):
    client = boto3.client("kinesis")
    return client.put_records(StreamName=os.environ["KINESIS_STREAM_NAME"], Records=records)


def lambda_handler(event, context):
    return put_records([{"Data": b"{}", "PartitionKey": "beer"}])
"""
    write_tree(tmp_path, {"terraform/main.tf": main, "lambdas/punk_api_raw/main.py": code,
                          "lambdas/punk_api_raw/Makefile": "build:\n\tzip punk_api_raw.zip main.py\n"})
    result = run_lint(tmp_path, select=("LL101", "LL109"))
    [function] = result.project.functions
    assert function.handler_file == (tmp_path / "lambdas/punk_api_raw/main.py").resolve()
    assert sorted((f.code, f.function) for f in result.visible) == [
        ("LL101", "aws_lambda_function.punk_api_raw"), ("LL109", "aws_lambda_function.punk_api_raw")]
    # a zip with no handler module beside it stays unlinked
    write_tree(tmp_path / "other", {"terraform/main.tf": main.replace("main.lambda_handler", "app.lambda_handler"),
                                    "lambdas/punk_api_raw/main.py": code})
    [function] = run_lint(tmp_path / "other", select=("LL101",)).project.functions
    assert function.handler_file is None


def test_serverless_wsgi_1_writes_a_wsgi_module(tmp_path: Path) -> None:
    # uralov/serverless-python: `handler: wsgi.handler` with serverless-wsgi ^1.5 (which writes
    # `wsgi.py` into the package; 2.x writes `wsgi_handler.py`): LL108 said the module does not exist
    service = """\
service: flask-api
plugins:
  - serverless-wsgi
custom:
  wsgi:
    app: hello.app
provider:
  name: aws
  runtime: python3.12
functions:
  app:
    handler: wsgi.handler
    timeout: 10
    events:
      - http: ANY /
"""
    app = "from flask import Flask\n\napp = Flask(__name__)\n\n\n@app.route('/')\ndef index():\n    return 'ok'\n"
    write_tree(tmp_path / "plugin", {"serverless.yml": service, "hello.py": app})
    result = run_lint(tmp_path / "plugin", select=("LL108",))
    assert result.visible == []
    assert any("serverless-wsgi's generated `wsgi`" in note for note in result.notes)
    # without the plugin nothing writes it: the handler points nowhere
    write_tree(tmp_path / "bare", {"serverless.yml": service.replace("  - serverless-wsgi\n", "  - serverless-offline\n"),
                                   "hello.py": app})
    assert [f.code for f in run_lint(tmp_path / "bare", select=("LL108",)).visible] == ["LL108"]


def test_a_call_left_unreported_for_an_unread_resource_policy_is_noted(tmp_path: Path) -> None:
    # RavenEsc/AWS_Security_Automation_Tool: an unread registry module may carry a topic or bucket
    # policy, so a call its role does not allow is not reported as missing; that was said nowhere
    main = """\
module "eventbridge" {
  source = "terraform-aws-modules/eventbridge/aws"
}

resource "aws_iam_role" "checker" {
  name               = "iam-checker"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Action = "sts:AssumeRole", Effect = "Allow", Principal = { Service = "lambda.amazonaws.com" } }] })
  inline_policy {
    name   = "list"
    policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = ["iam:ListUsers", "sns:ListTopics"], Resource = "*" }] })
  }
}

data "archive_file" "zip" {
  type        = "zip"
  source_dir  = "${path.module}/src"
  output_path = "${path.module}/build/checker.zip"
}

resource "aws_lambda_function" "checker" {
  function_name                  = "iam-checker"
  role                           = aws_iam_role.checker.arn
  filename                       = data.archive_file.zip.output_path
  handler                        = "check.handler"
  runtime                        = "python3.12"
  timeout                        = 30
  reserved_concurrent_executions = 1
}
"""
    code = """\
import os

import boto3

iam = boto3.client("iam")
sns = boto3.client("sns")


def handler(event, context):
    users = iam.list_users()["Users"]
    sns.publish(TopicArn=os.environ.get("TOPIC_ARN", "arn:aws:sns:eu-west-1:123456789012:alerts"),
                Message=str(len(users)))
"""
    write_tree(tmp_path, {"main.tf": main, "src/check.py": code})
    result = run_lint(tmp_path, select=("LL321",))
    assert result.visible == []
    assert any("`sns:Publish` (`publish` at src/check.py:11) is not in its role, but a part of the project "
               "lambdalint did not read, by a resource policy, may grant it" in note for note in result.notes)


def test_a_kms_key_without_a_policy_grants_the_role_nothing(tmp_path: Path) -> None:
    # CodePossibility/terraform_lambda_kms (edited): an `aws_kms_key` without `policy` has the default
    # key policy, which leaves access to IAM; it was taken for a key policy that may grant `kms:Decrypt`,
    # and LL321 stayed silent about a call the role does not allow
    main = """\
resource "aws_kms_key" "secrets" {
  description = "environment secrets"
}

resource "aws_iam_role" "fn" {
  name               = "decrypting"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Action = "sts:AssumeRole", Effect = "Allow", Principal = { Service = "lambda.amazonaws.com" } }] })
  inline_policy {
    name   = "read"
    policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = ["s3:GetObject"], Resource = "arn:aws:s3:::config/*" }] })
  }
}

data "archive_file" "zip" {
  type        = "zip"
  source_dir  = "${path.module}/src"
  output_path = "${path.module}/build/fn.zip"
}

resource "aws_lambda_function" "fn" {
  function_name                  = "decrypting"
  role                           = aws_iam_role.fn.arn
  filename                       = data.archive_file.zip.output_path
  handler                        = "app.lambda_handler"
  runtime                        = "python3.12"
  timeout                        = 10
  reserved_concurrent_executions = 1
}
"""
    code = """\
import base64
import os

import boto3

kms = boto3.client("kms")
s3 = boto3.client("s3")


def lambda_handler(event, context):
    key = kms.decrypt(CiphertextBlob=base64.b64decode(os.environ.get("API_KEY", "")))["Plaintext"]
    return s3.get_object(Bucket="config", Key="settings.json")["ContentLength"] + len(key)
"""
    write_tree(tmp_path / "default", {"main.tf": main, "src/app.py": code})
    result = run_lint(tmp_path / "default", select=("LL321",))
    assert [(f.code, f.span.line) for f in result.visible] == [("LL321", 11)]
    # a key with its own policy may grant the call: not reported, and said so
    write_tree(tmp_path / "policy", {"main.tf": main.replace(
        '  description = "environment secrets"\n',
        '  description = "environment secrets"\n  policy      = file("${path.module}/key-policy.json")\n'),
        "key-policy.json": '{"Version": "2012-10-17", "Statement": []}', "src/app.py": code})
    result = run_lint(tmp_path / "policy", select=("LL321",))
    assert result.visible == []
    assert any("`kms:Decrypt` (`decrypt` at src/app.py:11) is not in its role, but a resource policy of the project "
               "may grant it" in note for note in result.notes)


def test_a_cdk_app_run_by_uv_is_a_python_app(tmp_path: Path) -> None:
    # jthieffry/pipeline-test: `"app": "uv run ./app.py"` was not taken for a Python app, and the
    # project came out green with 0 functions and a handler that does not exist
    app = '''\
import aws_cdk as cdk
from aws_cdk import Stack, aws_lambda as lambda_
from constructs import Construct


class CoreStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        lambda_.Function(self, "MyFunction", runtime=lambda_.Runtime.PYTHON_3_12,
                         handler="lambda_function.handler", code=lambda_.Code.from_asset("assets/SimpleLambda"))


app = cdk.App()
CoreStack(app, "Core")
app.synth()
'''
    for runner in ("uv run ./app.py", "poetry run python app.py", "./app.py"):
        root = tmp_path / runner.split()[0].strip("./")
        write_tree(root, {"cdk.json": '{"app": "%s"}' % runner, "app.py": app,
                          "assets/SimpleLambda/lambda_function.py": "def lambda_handler(event, context):\n    return 200\n"})
        result = run_lint(root, select=("LL108",))
        assert (result.functions, [f.code for f in result.visible]) == (1, ["LL108"]), runner


def test_integrations_made_for_each_endpoint_are_linked(tmp_path: Path) -> None:
    # Stefodan21/Order_fullfillment_Project: methods and integrations made with `for_each =
    # local.endpoints`, `uri = each.value.lambda_arn`; five open POST routes went unreported
    main = """\
locals {
  endpoints = {
    startWorkflow = { path = "startWorkflow", lambda_arn = aws_lambda_function.start_workflow.invoke_arn }
    validateOrder = { path = "validateOrder", lambda_arn = aws_lambda_function.validate_order.invoke_arn }
  }
}

resource "aws_api_gateway_rest_api" "orders" {
  name = "order-processing"
}

resource "aws_api_gateway_resource" "endpoint" {
  for_each    = local.endpoints
  rest_api_id = aws_api_gateway_rest_api.orders.id
  parent_id   = aws_api_gateway_rest_api.orders.root_resource_id
  path_part   = each.value.path
}

resource "aws_api_gateway_method" "post" {
  for_each      = local.endpoints
  rest_api_id   = aws_api_gateway_rest_api.orders.id
  resource_id   = aws_api_gateway_resource.endpoint[each.key].id
  http_method   = "POST"
  authorization = "NONE"
}

resource "aws_api_gateway_integration" "endpoint" {
  for_each                = local.endpoints
  rest_api_id             = aws_api_gateway_rest_api.orders.id
  resource_id             = aws_api_gateway_resource.endpoint[each.key].id
  http_method             = aws_api_gateway_method.post[each.key].http_method
  integration_http_method = "POST"
  type                    = "AWS_PROXY"
  uri                     = each.value.lambda_arn
}

resource "aws_lambda_function" "start_workflow" {
  function_name                  = "start-workflow"
  role                           = "arn:aws:iam::123456789012:role/orders"
  filename                       = "start_workflow.zip"
  handler                        = "start_workflow.lambda_handler"
  runtime                        = "python3.12"
  timeout                        = 10
  reserved_concurrent_executions = 2
}

resource "aws_lambda_function" "validate_order" {
  function_name                  = "validate-order"
  role                           = "arn:aws:iam::123456789012:role/orders"
  filename                       = "validate_order.zip"
  handler                        = "validate_order.lambda_handler"
  runtime                        = "python3.12"
  timeout                        = 10
  reserved_concurrent_executions = 2
}
"""
    write_tree(tmp_path, {"main.tf": main})
    result = run_lint(tmp_path, select=("LL216",))
    assert sorted((f.span.line, f.function) for f in result.visible) == [
        (24, "aws_lambda_function.start_workflow"), (24, "aws_lambda_function.validate_order")]


def test_a_wrapper_of_the_lambda_module_is_followed_through_its_output(tmp_path: Path) -> None:
    # hyperglance/api-samples: a local wrapper calls terraform-aws-modules/lambda and outputs
    # `module.lambda_function.this_lambda_function_arn`; the daily rule targeting that output was not
    # linked, and LL207 said nothing of a function whose failed events go nowhere
    wrapper = """\
module "lambda_function" {
  source                         = "terraform-aws-modules/lambda/aws"
  version                        = "1.24.0"
  function_name                  = "export-png"
  handler                        = "export.handler"
  runtime                        = "python3.12"
  source_path                    = "${path.module}/src"
  timeout                        = 60
  reserved_concurrent_executions = 1
  create_async_event_config      = false
}

output "this_lambda_function_arn" {
  value = module.lambda_function.this_lambda_function_arn
}
"""
    root = """\
module "lambda_deploy" {
  source = "./modules/aws-lambda"
}

resource "aws_cloudwatch_event_rule" "daily" {
  name                = "export-daily"
  schedule_expression = "rate(1 day)"
}

resource "aws_cloudwatch_event_target" "daily" {
  rule = aws_cloudwatch_event_rule.daily.name
  arn  = module.lambda_deploy.this_lambda_function_arn
}
"""
    write_tree(tmp_path, {"main.tf": root, "modules/aws-lambda/main.tf": wrapper,
                          "modules/aws-lambda/src/export.py": "def handler(event, context):\n    return 1\n"})
    result = run_lint(tmp_path, select=("LL207",))
    assert [(f.code, f.span.path, f.function) for f in result.visible] == [
        ("LL207", "modules/aws-lambda/main.tf", "module.lambda_deploy.module.lambda_function")]


def test_a_connection_cache_that_reconnects_when_stale_is_a_cache(tmp_path: Path) -> None:
    # iganza/steam-pulse: `get_conn()` returns the kept connection after a `SELECT 1` check and only
    # reconnects (secret, client, connect) when it is missing or dead; LL101, LL102, LL103 and LL107
    # each said that happens on every invocation, at three handlers
    code = """\
import boto3
import psycopg2

_state = {}


def get_conn():
    if "conn" in _state and not _state["conn"].closed:
        conn = _state["conn"]
        try:
            with conn.cursor() as cur:
                cur.execute("SELECT 1")
            return conn
        except Exception:
            conn.close()
    secrets = boto3.client("secretsmanager")
    url = secrets.get_secret_value(SecretId="steam-pulse/db")["SecretString"]
    _state["conn"] = psycopg2.connect(url)
    return _state["conn"]


def handler(event, context):
    with get_conn().cursor() as cur:
        cur.execute("SELECT count(*) FROM games")
        return cur.fetchone()[0]
"""
    write_tree(tmp_path / "cached", {"app.py": code})
    assert run_lint(tmp_path / "cached", select=("LL101", "LL102", "LL103", "LL107")).visible == []
    # a check that does not return the kept connection caches nothing
    write_tree(tmp_path / "checked", {"app.py": code.replace("            return conn\n", "            print(conn)\n")})
    assert sorted(f.code for f in run_lint(tmp_path / "checked", select=("LL101", "LL102", "LL103")).visible) == [
        "LL101", "LL102", "LL103"]


def test_a_cdk_factory_defined_in_the_stacks_init_makes_its_functions(tmp_path: Path) -> None:
    # iganza/steam-pulse: `def _make_batch_fn(construct_id, index)` inside `__init__`, called five
    # times; those functions were not found, nor said to be missing (14 of 22 counted)
    app = '''\
import aws_cdk as cdk
from aws_cdk import Duration, Stack, aws_lambda as lambda_
from constructs import Construct


class BatchAnalysisStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        memory = 512

        def _make_batch_fn(fn_id: str, index: str) -> lambda_.Function:
            return lambda_.Function(self, fn_id, runtime=lambda_.Runtime.PYTHON_3_12, handler=f"{index}.handler",
                                    code=lambda_.Code.from_asset("lambda_functions/batch"), memory_size=memory,
                                    timeout=Duration.seconds(60))

        _make_batch_fn("PreparePhaseFn", "prepare")
        _make_batch_fn("CollectPhaseFn", "collect")


app = cdk.App()
BatchAnalysisStack(app, "Batch")
app.synth()
'''
    write_tree(tmp_path, {"cdk.json": '{"app": "python3 app.py"}', "app.py": app,
                          "lambda_functions/batch/prepare.py": "def handler(event, context):\n    return 1\n",
                          "lambda_functions/batch/collect.py": "def handler(event, context):\n    return 2\n"})
    result = run_lint(tmp_path, select=("LL202",))
    assert sorted(f.name for f in result.project.functions) == ["CollectPhaseFn", "PreparePhaseFn"]
    assert {f.handler_file.name for f in result.project.functions} == {"prepare.py", "collect.py"}
    assert {f.memory.value for f in result.project.functions} == {512}


def test_an_action_on_an_item_of_a_resource_collection_leaves_the_calls_open(tmp_path: Path) -> None:
    # vivek22117/aws-security-automation-lambda: `for instance in ec2.instances.filter(...):
    # instance.stop()`; `lambdalint policy` said the code needed only `ec2:DescribeInstances`, and
    # called that complete, so LL321 could never see the `ec2:StopInstances` the role lacks
    code = """\
import boto3

ec2 = boto3.resource("ec2")


def handler(event, context):
    for instance in ec2.instances.filter(Filters=[{"Name": "tag:AutoStop", "Values": ["yes"]}]):
        instance.stop()
"""
    write_tree(tmp_path, {"template.yaml": _ROLE_TEMPLATE.format(actions="ec2:DescribeInstances, sqs:SendMessage"),
                          "src/app.py": code})
    from lambdalint.api import least_privilege

    [document] = least_privilege([tmp_path], cwd=tmp_path)
    assert document["complete"] is False
    assert document["not_determined"] == [
        "src/app.py:8: `instance.stop()` acts on an item of the `instances` collection, whose IAM actions are not known"]
    assert run_lint(tmp_path, select=("LL322",)).visible == []  # the set is open: nothing is called unused


def test_null_given_to_a_local_modules_input_replaces_its_default(tmp_path: Path) -> None:
    # the other side of `null` as "not set": a module variable is nullable unless it says
    # `nullable = false`, so `timeout = null` in the call gives the module `null`, not its default
    # of 30, and the function runs with Lambda's 3 s
    module = """\
variable "timeout" {
  default = 30
}

resource "aws_lambda_function" "this" {
  function_name                  = "fn"
  role                           = "arn:aws:iam::123456789012:role/fn"
  filename                       = "${path.module}/fn.zip"
  handler                        = "app.handler"
  runtime                        = "python3.12"
  timeout                        = var.timeout
  reserved_concurrent_executions = 1
}
"""
    write_tree(tmp_path / "null", {"main.tf": 'module "fn" {\n  source  = "./fn"\n  timeout = null\n}\n',
                                   "fn/main.tf": module})
    assert [(f.code, f.span.line) for f in run_lint(tmp_path / "null", select=("LL201",)).visible] == [("LL201", 5)]
    write_tree(tmp_path / "left-out", {"main.tf": 'module "fn" {\n  source = "./fn"\n}\n', "fn/main.tf": module})
    assert run_lint(tmp_path / "left-out", select=("LL201",)).visible == []


def test_an_error_for_passing_roles_names_the_action_that_grants_it(tmp_path: Path) -> None:
    # Road-To-FinOps-Deploy/aws_tf_compute_optimiser_collector: `iam:*` tenth in a list of wildcards
    # on `*` made LL302 an error, and its message named the first three, none of them `iam:*`
    write_tree(tmp_path, {"template.yaml": """\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  Collector:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: app.handler
      Runtime: python3.12
      Timeout: 10
      Policies:
        - Statement:
            - Effect: Allow
              Action: [athena:*, s3:*, ses:*, sns:*, glue:*, iam:*]
              Resource: "*"
""", "src/app.py": "def handler(event, context):\n    return []\n"})
    [finding] = [f for f in run_lint(tmp_path, select=("LL302",)).findings]
    assert finding.severity == "error"
    assert finding.message.startswith("`*` as resource for `iam:*`, `athena:*`, `s3:*` ...")


def test_a_memo_cache_read_into_a_local_before_its_test(tmp_path: Path) -> None:
    # aws-ia/terraform-aws-control_tower_account_factory (its aft_common/ssm.py, once linked):
    # `cached = _ssm_cache.get(param); if cached is not None: return cached`, filled below, was
    # not taken for a cache as `if param in _ssm_cache:` is (LL101, LL103 and LL107 x16 each)
    write_tree(tmp_path, {"template.yaml": """\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: app.handler
      Runtime: python3.12
      Timeout: 10
""", "src/app.py": """\
import boto3

_ssm_cache = {}


def get_ssm_parameter_value(param):
    cached = _ssm_cache.get(param)
    if cached is not None:
        return cached
    value = boto3.client("ssm").get_parameter(Name=param)["Parameter"]["Value"]
    _ssm_cache[param] = value
    return value


def handler(event, context):
    return get_ssm_parameter_value("/aft/config/account-factory/region")
"""})
    result = run_lint(tmp_path, select=("LL101", "LL103", "LL107"))
    assert result.findings == []


def test_one_timeout_line_that_module_calls_give_different_values_is_one_finding_per_value(tmp_path: Path) -> None:
    # imransayyed-scm/patch-pilot-ai: `timeout = var.timeout_seconds`, 30 s, 60 s and 30 s from three calls
    module = """\
variable "name" {}
variable "timeout_seconds" {
  default = 30
}

resource "aws_lambda_function" "this" {
  function_name = var.name
  handler       = "app.handler"
  runtime       = "python3.12"
  role          = "arn:aws:iam::123456789012:role/patch-pilot"
  filename      = "app.zip"
  timeout       = var.timeout_seconds
}

resource "aws_api_gateway_rest_api" "api" {
  name = var.name
}

resource "aws_api_gateway_resource" "proxy" {
  rest_api_id = aws_api_gateway_rest_api.api.id
  parent_id   = aws_api_gateway_rest_api.api.root_resource_id
  path_part   = "{proxy+}"
}

resource "aws_api_gateway_method" "proxy" {
  rest_api_id   = aws_api_gateway_rest_api.api.id
  resource_id   = aws_api_gateway_resource.proxy.id
  http_method   = "ANY"
  authorization = "AWS_IAM"
}

resource "aws_api_gateway_integration" "lambda" {
  rest_api_id             = aws_api_gateway_rest_api.api.id
  resource_id             = aws_api_gateway_resource.proxy.id
  http_method             = aws_api_gateway_method.proxy.http_method
  integration_http_method = "POST"
  type                    = "AWS_PROXY"
  uri                     = aws_lambda_function.this.invoke_arn
}
"""
    calls = "".join(f'module "{name}" {{\n  source          = "./modules/lambda_function"\n  name            = "{name}"\n'
                    f'  timeout_seconds = {seconds}\n}}\n\n' for name, seconds in
                    (("get_findings", 30), ("analyze_finding", 60), ("deploy_fix", 30)))
    write_tree(tmp_path, {"main.tf": calls, "modules/lambda_function/main.tf": module})
    result = run_lint(tmp_path, select=("LL203",))
    assert sorted((f.span.path, f.span.line, f.message.split(" but ")[0]) for f in result.findings) == [
        ("modules/lambda_function/main.tf", 12, "`module.analyze_finding.aws_lambda_function.this` times out after 60 s"),
        ("modules/lambda_function/main.tf", 12, "`module.get_findings.aws_lambda_function.this` and "
                                                "`module.deploy_fix.aws_lambda_function.this` time out after 30 s"),
    ]


def test_terraform_0_11s_variables_block_is_the_functions_environment(tmp_path: Path) -> None:
    # marcos150895/data-engineer-test: `environment { variables { ... } }`, the map written as a block
    write_tree(tmp_path, {"lambda.tf": """\
resource "aws_lambda_function" "twitter_consumer" {
  function_name = "twitter-consumer"
  handler       = "App.handler"
  runtime       = "python3.12"
  role          = "arn:aws:iam::123456789012:role/consumer"
  filename      = "consumer.zip"
  timeout       = 30
  environment {
    variables {
      DB_PASSWORD = "hunter2-prod-secret"
      TABLE       = "tweets"
    }
  }
}
"""})
    result = run_lint(tmp_path, select=("LL311",))
    assert [(f.code, f.span.line, f.message.split(" holds")[0]) for f in result.findings] == [
        ("LL311", 10, "`DB_PASSWORD`")]
    function = result.project.functions[0]
    assert {k: v.value for k, v in function.environment.items()} == {"DB_PASSWORD": "hunter2-prod-secret", "TABLE": "tweets"}


def test_code_a_broken_variables_file_leaves_unresolved_is_noted_with_that_file(tmp_path: Path) -> None:
    # imransayyed-scm/patch-pilot-ai: `{ type = string; default = "" }` makes variables.tf an LL001,
    # and the module's `var.code_path` is then unknown: the note says where to look
    write_tree(tmp_path, {
        "main.tf": 'module "get_findings" {\n  source    = "./modules/lambda_function"\n  code_path = "src/get_findings"\n}\n',
        "modules/lambda_function/variables.tf": 'variable "code_path" { type = string; default = "" }\n',
        "modules/lambda_function/main.tf": """\
data "archive_file" "zip" {
  type        = "zip"
  source_dir  = var.code_path
  output_path = "build/get_findings.zip"
}

resource "aws_lambda_function" "this" {
  function_name = "get-findings"
  role          = "arn:aws:iam::123456789012:role/patch-pilot"
  handler       = "app.lambda_handler"
  runtime       = "python3.12"
  timeout       = 30
  filename      = data.archive_file.zip.output_path
}
""",
        "src/get_findings/app.py": "def lambda_handler(event, context):\n    return {}\n",
    })
    result = run_lint(tmp_path, select=("ALL",))
    assert ("LL001", "modules/lambda_function/variables.tf") in [(f.code, f.span.path) for f in result.findings]
    assert any("`module.get_findings.aws_lambda_function.this`: its code (a value lambdalint cannot resolve) is not a "
               "folder of the project, so the handler-code rules did not read it; `modules/lambda_function/variables.tf` "
               "beside it could not be read (LL001), and may be where that value is set" in note for note in result.notes)
