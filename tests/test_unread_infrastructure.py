"""Infrastructure lambdalint cannot read yet is said out loud: no false green for Terraform or an
unsynthesized CDK app, on stderr without -v, and in SARIF as a tool notification."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import FIXTURES, SHARED, requires_shared, write_tree

MAIN_TF = """\
provider "aws" {
  region = var.region
}

resource "aws_iam_role" "lambda_exec" {
  name               = "orders-lambda"
  assume_role_policy = data.aws_iam_policy_document.assume.json
}

resource "aws_lambda_function" "orders" {
  function_name = "orders"
  filename      = data.archive_file.orders.output_path
  handler       = "app.handler"
  runtime       = "python3.12"
  role          = aws_iam_role.lambda_exec.arn
}
"""
VARIABLES_TF = 'variable "region" {\n  type    = string\n  default = "eu-west-1"\n}\n'
NETWORK_TF = 'resource "aws_vpc" "main" {\n  cidr_block = "10.0.0.0/16"\n}\n'
VPC_MODULE_TF = 'module "vpc" {\n  source = "terraform-aws-modules/vpc/aws"\n  cidr   = "10.0.0.0/16"\n}\n'
REMOTE_FUNCTION_TF = 'module "notifier" {\n  source = "cloudposse/lambda-function/aws"\n  function_name = "notifier"\n}\n'
HANDLER = 'import json\n\n\ndef handler(event, context):\n    return {"statusCode": 200, "body": json.dumps(event)}\n'
CDK_JSON = '{\n  "app": "python3 app.py",\n  "context": {"@aws-cdk/core:stackRelativeExports": true}\n}\n'
TS_CDK_JSON = '{\n  "app": "npx ts-node --prefer-ts-exts bin/orders.ts"\n}\n'
CDK_APP = """\
import aws_cdk as cdk

from orders.orders_stack import OrdersStack

app = cdk.App()
OrdersStack(app, "OrdersStack")
app.synth()
"""
ORDERS_STACK = """\
from aws_cdk import Duration, Stack, aws_lambda as _lambda


class OrdersStack(Stack):
    def __init__(self, scope, construct_id, **kwargs):
        super().__init__(scope, construct_id, **kwargs)
        _lambda.Function(
            self, "OrdersFunction",
            runtime=_lambda.Runtime.PYTHON_3_12,
            handler="app.handler",
            code=_lambda.Code.from_asset("lambda"),
            timeout=Duration.seconds(10),
        )
"""


def cli(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "lambdalint", "check", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=120)


def test_terraform_folder_is_read_and_only_what_is_not_read_is_named(tmp_path: Path) -> None:
    write_tree(tmp_path, {"infra/main.tf": MAIN_TF, "infra/variables.tf": VARIABLES_TF,
                          "network/main.tf": NETWORK_TF,  # no function there: nothing to say
                          "network/vpc.tf": VPC_MODULE_TF,  # a VPC: no function to miss, nothing to say
                          "network/notifier.tf": REMOTE_FUNCTION_TF,
                          "src/app.py": HANDLER})
    run = cli(tmp_path)
    # the function is read (its missing timeout is a finding at the block header) ...
    assert "infra/main.tf:10:1: LL201" in run.stdout and "1 function" in run.stdout
    # ... and the module call nobody reads, which may define one, is said out loud instead of a false green
    assert run.stderr == ("lambdalint: note: network/notifier.tf:1: module `notifier` (`cloudposse/lambda-function/aws`) "
                          "is not read; the functions, routes and triggers it defines are not checked\n")


def test_python_cdk_app_is_read_from_source_and_needs_no_note(tmp_path: Path) -> None:
    write_tree(tmp_path, {"cdk.json": CDK_JSON, "app.py": CDK_APP, "orders/__init__.py": "",
                          "orders/orders_stack.py": ORDERS_STACK, "lambda/app.py": HANDLER})
    run = cli(tmp_path)
    assert run.stderr == ""
    assert "1 function" in run.stdout and "orders/orders_stack.py:7:9: LL202" in run.stdout


def test_other_language_cdk_app_without_cdk_out_says_so_and_sarif_carries_it(tmp_path: Path) -> None:
    write_tree(tmp_path, {"cdk.json": TS_CDK_JSON, "bin/orders.ts": "// app\n", "lambda/app.py": HANDLER})
    run = cli(tmp_path)
    note = ("cdk.json: CDK app not in Python, not read from source (`cdk synth` output is read instead "
            "when present) and there is no `cdk.out` (run `cdk synth` first); its functions are not checked")
    assert run.stderr == f"lambdalint: note: {note}\n"
    assert "0 functions" in run.stdout
    sarif = json.loads(cli(tmp_path, "--format", "sarif").stdout)
    [notification] = sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert notification["message"]["text"] == note and notification["level"] == "warning"
    assert notification["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "cdk.json"
    assert sarif["runs"][0]["invocations"][0]["executionSuccessful"] is True


def test_synthesized_cdk_app_and_plain_templates_say_nothing(tmp_path: Path) -> None:
    app = tmp_path / "app"
    shutil.copytree(FIXTURES / "projects" / "cdk-synth", app)
    (app / "cdk.json").write_text(CDK_JSON, encoding="utf-8")
    run = cli(app)
    assert run.stderr == "" and "1 function" in run.stdout


def test_a_template_yaml_that_is_no_template_is_named(tmp_path: Path) -> None:
    # a cookiecutter/copier-style file that happens to be called template.yaml
    write_tree(tmp_path, {"template.yaml": "name: orders\ndescription: project scaffold\nvariables:\n  - owner\n",
                          "ci/workflow.yaml": "on: push\njobs: {}\n"})
    run = cli(tmp_path)
    assert run.stderr == \
        "lambdalint: note: template.yaml: not a CloudFormation, SAM or Serverless template; not checked\n"


def test_a_broken_template_yaml_is_a_parse_error_not_a_note(tmp_path: Path) -> None:
    write_tree(tmp_path, {"template.yaml": "Resources:\n  Fn: [\n"})
    run = cli(tmp_path)
    assert run.returncode == 1 and "LL001" in run.stdout and run.stderr == ""


@requires_shared
def test_sarif_with_a_notification_is_valid_against_the_schema(tmp_path: Path) -> None:
    import jsonschema

    write_tree(tmp_path, {"infra/main.tf": MAIN_TF, "infra/notifier.tf": REMOTE_FUNCTION_TF, "cdk/cdk.json": TS_CDK_JSON})
    log = json.loads(cli(tmp_path, "--format", "sarif").stdout)
    assert len(log["runs"][0]["invocations"][0]["toolExecutionNotifications"]) == 2
    schema = json.loads((SHARED / "schemas" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    errors = [e.message for e in jsonschema.Draft4Validator(schema).iter_errors(log)]
    assert errors == []


SAM_TEMPLATE = """\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  FlaskFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: app/
      Handler: run.sh
      Runtime: python3.12
      Timeout: 10
"""


def test_a_run_in_one_example_folder_says_nothing_of_its_siblings(tmp_path: Path) -> None:
    # aws-lambda-web-adapter's layout: a repository of examples, one of them a TypeScript CDK app.
    # A folder without a template of its own finds the repository root as its project, and the
    # whole repository is loaded: what is not read there is not this run's news, nor its functions.
    write_tree(tmp_path, {".git/HEAD": "ref: refs/heads/main\n",
                          "examples/flask/template.yaml": SAM_TEMPLATE, "examples/flask/app/run.sh": "exec gunicorn\n",
                          "examples/express/cdk/cdk.json": TS_CDK_JSON,
                          "examples/backend-only/app/main.py": "from fastapi import FastAPI\n\napp = FastAPI()\n"})
    alone = cli(tmp_path / "examples", "backend-only")
    assert alone.stderr == "" and "0 functions" in alone.stdout
    both = cli(tmp_path / "examples", "backend-only", "flask")
    assert both.stderr == "" and "1 function" in both.stdout
    # the sibling's note still shows for a run that covers it
    assert "express/cdk/cdk.json" in cli(tmp_path / "examples", "express").stderr


def test_a_pulumi_program_and_terragrunt_inputs_are_named(tmp_path: Path) -> None:
    # DavidCuy/serverless-python-application-pattern (Pulumi) printed "0 functions" and nothing else;
    # haoletesuji/aws-lambda-python-terraform-terragrunt's module gets runtime and handler from
    # Terragrunt `inputs`, and its one function passed unchecked without a word
    handler = "def lambda_handler(event, context):\n    return {'statusCode': 200}\n"
    write_tree(tmp_path / "pulumi", {
        "Pulumi.yaml": "name: orders\nruntime: python\n",
        "__main__.py": "import pulumi_aws as aws\n\naws.lambda_.Function('orders', handler='app.lambda_handler')\n",
        "app.py": handler})
    run = cli(tmp_path / "pulumi")
    assert run.stderr == ("lambdalint: note: Pulumi.yaml: a Pulumi program, which lambdalint does not read; the "
                          "functions it deploys are not checked (their handler modules only as plain Python)\n")
    write_tree(tmp_path / "grunt", {
        "modules/lambda/main.tf": """\
variable "runtime" {}
variable "handler" {}
variable "function_name" {}

resource "aws_lambda_function" "this" {
  function_name = var.function_name
  role          = "arn:aws:iam::123456789012:role/fn"
  runtime       = var.runtime
  handler       = var.handler
  s3_bucket     = "artifacts"
  s3_key        = "${var.function_name}.zip"
  timeout       = 10
}
""",
        "env/dev/register/terragrunt.hcl": 'terraform {\n  source = "../../../modules/lambda"\n}\n\n'
                                            'inputs = {\n  function_name = "register"\n  runtime = "python3.9"\n}\n',
        "env/dev/login/terragrunt.hcl": 'terraform {\n  source = "../../../modules/lambda"\n}\n',
        "src/register.py": handler})
    run = cli(tmp_path / "grunt", "-v")
    assert "env/dev/login/terragrunt.hcl (and 1 more): Terragrunt configuration is not read" in run.stderr
    assert "`aws_lambda_function.this`: its runtime (`var.runtime`) is not a value lambdalint can read" \
        in run.stderr, run.stderr


def test_a_cdk_app_without_cdk_json_is_named(tmp_path: Path) -> None:
    # san99tiago/aws-cdk-lambda-docker-templates: the README runs `cdk synth --app "python3
    # app_lambda_python.py"`; with no cdk.json the run said "All checks passed" and nothing else
    write_tree(tmp_path, {"cdk/app_lambda_python.py": """\
import aws_cdk as cdk

from stacks.lambda_stack import LambdaStack

app = cdk.App()
LambdaStack(app, "lambda")
app.synth()
""", "cdk/stacks/lambda_stack.py": "from aws_cdk import Stack\n\n\nclass LambdaStack(Stack):\n    pass\n",
        "lambdas/python/app.py": "def handler(event, context):\n    return event\n"})
    run = cli(tmp_path)
    assert "cdk/app_lambda_python.py: a CDK app (it calls `synth()`) with no `cdk.json`: not read" in run.stderr, \
        run.stderr
    assert "lambdas/python/app.py" not in run.stderr


def test_a_terraform_rest_api_defined_by_an_openapi_body_is_noted(tmp_path: Path) -> None:
    """`body = templatefile("swagger.yaml", ...)` (judged on NHSDigital/NRLF): its routes were
    not read, and no note said so."""
    from conftest import run_lint, write_tree

    write_tree(tmp_path, {
        "main.tf": 'resource "aws_api_gateway_rest_api" "api" {\n  name = "records"\n'
                   '  body = templatefile("${path.module}/swagger.yaml", { lambda_arn = "x" })\n}\n\n'
                   'resource "aws_api_gateway_rest_api" "plain" {\n  name = "plain"\n}\n',
        "swagger.yaml": "openapi: 3.0.1\npaths: {}\n",
    })
    notes = [note for note in run_lint(tmp_path).unchecked if "OpenAPI" in note]
    assert len(notes) == 1 and notes[0].startswith("main.tf:1: `aws_api_gateway_rest_api.api`")
