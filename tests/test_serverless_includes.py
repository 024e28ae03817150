"""`${file(...)}` in serverless.yml: services that keep each group of functions, and their
CloudFormation resources, in files of their own. The framework reads those files; so does
lambdalint, where the path is written out, and says what it could not read.

Shaped like a real 47-function service (DynamoDB, S3, Athena) that passed with "0 functions"
before: `functions:` was a list of `${file(./src/<area>/routes.yml)}` and `resources:` one
`${file(cloudformation.yml)}`.
"""

from __future__ import annotations

from pathlib import Path

from conftest import codes_at, run_lint, write_tree

SERVICE = """\
service: weather-marketing

provider:
  name: aws
  runtime: python3.12
  timeout: 20
  environment: ${file(./env.yml):prod}
  iamRoleStatements:
    - Effect: Allow
      Action:
        - dynamodb:Query
        - dynamodb:PutItem
      Resource: "*"

functions:
  - ${file(./src/orders/routes.yml)}
  - ${file(./src/elastics/routes.yml)}

resources:
  - ${file(cloudformation.yml)}
"""
ORDER_ROUTES = """\
createOrder:
  handler: src/orders/create.handler
  timeout: 30
  reservedConcurrency: 5
  events:
    - http:
        path: /orders
        method: post
        authorizer: aws_iam
"""
ELASTIC_ROUTES = """\
orderToElastic:
  handler: src/elastics/order_to_elastic.handler
  reservedConcurrency: 5
  events:
    - stream:
        type: dynamodb
        arn:
          Fn::GetAtt: [orderTable, StreamArn]
"""
RESOURCES = """\
Resources:
  orderTable:
    Type: AWS::DynamoDB::Table
    Properties:
      BillingMode: PAY_PER_REQUEST
      AttributeDefinitions:
        - AttributeName: pk
          AttributeType: S
      KeySchema:
        - AttributeName: pk
          KeyType: HASH
      StreamSpecification:
        StreamViewType: NEW_IMAGE
"""
ENV = """\
prod:
  ORDER_TABLE: order
"""
CREATE = """\
import os

import boto3

table = boto3.resource("dynamodb").Table(os.environ["ORDER_TABLE"])


def handler(event, context):
    table.put_item(Item={"pk": event["id"]})
    return {"statusCode": 201}
"""
TO_ELASTIC = """\
import os


def handler(event, context):
    for record in event["Records"]:
        print(record["dynamodb"]["Keys"], os.environ["ELASTIC_URL"])
"""


def write_service(root: Path, **changed: str) -> Path:
    files = {"serverless.yml": SERVICE, "src/orders/routes.yml": ORDER_ROUTES,
             "src/elastics/routes.yml": ELASTIC_ROUTES, "cloudformation.yml": RESOURCES, "env.yml": ENV,
             "src/__init__.py": "", "src/orders/__init__.py": "", "src/orders/create.py": CREATE,
             "src/elastics/__init__.py": "", "src/elastics/order_to_elastic.py": TO_ELASTIC}
    files.update(changed)
    return write_tree(root, files)


def test_functions_and_resources_read_in_from_their_files(tmp_path: Path) -> None:
    result = run_lint(write_service(tmp_path), select=("LL203", "LL207", "LL109", "LL201"))
    assert result.functions == 2
    assert codes_at(result) == [
        # the env var the provider's included environment does not set
        ("LL109", "src/elastics/order_to_elastic.py", 6),
        # the stream of the table `cloudformation.yml` defines, linked through `Fn::GetAtt`
        ("LL207", "src/elastics/routes.yml", 5),
        # each function's settings point into the file that holds them
        ("LL203", "src/orders/routes.yml", 3),
    ]
    # `ORDER_TABLE` comes from `${file(./env.yml):prod}`: set, so not reported
    assert not any("ORDER_TABLE" in f.message for f in result.visible)
    # the resources file is part of the service, not a template of its own as well
    assert [t.display for t in result.project.templates] == ["serverless.yml"]
    assert {"cloudformation.yml", "src/orders/routes.yml", "env.yml"} <= set(result.project.sources)


def test_a_file_that_is_not_there_or_not_written_out_is_noted(tmp_path: Path) -> None:
    root = write_service(tmp_path, **{"serverless.yml": SERVICE.replace(
        "  - ${file(./src/elastics/routes.yml)}", "  - ${file(./src/elastics/${opt:stage}.yml)}\n"
        "  - ${file(./src/missing/routes.yml)}")})
    result = run_lint(root, select=("LL203",))
    assert result.functions == 1
    assert [n.split(": ", 1)[0] for n in result.unchecked if "were not read" in n] == ["serverless.yml:17", "serverless.yml:18"]
    assert any("`${file(./src/missing/routes.yml)}`" in n for n in result.unchecked)
    assert codes_at(result) == [("LL203", "src/orders/routes.yml", 3)]


def test_a_broken_included_file_is_ll001_there_and_the_rest_is_checked(tmp_path: Path) -> None:
    root = write_service(tmp_path, **{"src/elastics/routes.yml": "orderToElastic:\n  handler: [unclosed\n"})
    result = run_lint(root, select=("LL001", "LL203"))
    assert [(code, path) for code, path, _ in codes_at(result)] == [
        ("LL001", "src/elastics/routes.yml"), ("LL203", "src/orders/routes.yml")]
    assert result.functions == 1


def test_a_file_that_reads_itself_in_ends(tmp_path: Path) -> None:
    root = write_service(tmp_path, **{"src/orders/routes.yml": ORDER_ROUTES + "more: ${file(./routes.yml)}\n"})
    result = run_lint(root, select=("LL203",))
    assert ("LL203", "src/orders/routes.yml", 3) in codes_at(result)
    assert result.internal_errors == []


def test_a_javascript_file_is_never_read_in(tmp_path: Path) -> None:
    """`${file(./config.js):env}` runs code: its values stay unknown, and it is no LL001."""
    root = write_service(tmp_path, **{
        "serverless.yml": SERVICE.replace("${file(./env.yml):prod}", "${file(./config.js):env}"),
        "config.js": "module.exports.env = () => ({ ORDER_TABLE: 'order' });\n"})
    result = run_lint(root, select=("LL001", "LL109"))
    assert "config.js" not in result.project.sources
    assert not any(f.code == "LL001" for f in result.findings)
    # the environment is not known, so no variable is said to be unset
    assert not any(f.code == "LL109" for f in result.visible)
