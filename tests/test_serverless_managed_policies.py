"""A Serverless service whose provider role attaches a managed policy of its own `resources`
(`managedPolicies: [!Ref LambdaAPIIAMPolicy]`), as a judged 16-service backend does for 167
functions: the policy is read (it was "a managed policy lambdalint cannot read", leaving every
IAM rule silent), while the team's own library installed from git keeps the code's call set
open (it makes AWS calls nobody can see), so nothing is called unused."""

from __future__ import annotations

from pathlib import Path

from conftest import codes_at, run_lint, write_tree

SERVICE = """\
service: amplify-admin
provider:
  name: aws
  runtime: python3.11
  timeout: 29
  iam:
    role:
      managedPolicies:
        - !Ref LambdaAPIIAMPolicy
functions:
  get_configs:
    handler: service/core.get_configs
    reservedConcurrency: 5
resources:
  Resources:
    LambdaAPIIAMPolicy:
      Type: AWS::IAM::ManagedPolicy
      Properties:
        PolicyDocument:
          Version: '2012-10-17'
          Statement:
            - Effect: Allow
              Action:
                - dynamodb:GetItem
                - dynamodb:PutItem
              Resource: "*"
            - Effect: Allow
              Action: sqs:*
              Resource: "*"
"""
CORE = """\
import boto3

table = boto3.resource("dynamodb").Table("admin-configs")


def get_configs(event, context):
    table.update_item(Key={"id": "configs"}, UpdateExpression="SET hits = hits + :one",
                      ExpressionAttributeValues={":one": 1})
    return table.get_item(Key={"id": "configs"}).get("Item", {})
"""


def test_a_managed_policy_of_the_service_is_read(tmp_path: Path) -> None:
    write_tree(tmp_path, {"serverless.yml": SERVICE, "service/core.py": CORE})
    result = run_lint(tmp_path, select=("LL302", "LL321"))
    # its `*`, and the write it does not allow
    assert [(code, path) for code, path, _ in codes_at(result)] == [
        ("LL302", "serverless.yml"), ("LL302", "serverless.yml"), ("LL321", "service/core.py")]
    assert "`dynamodb:UpdateItem`" in result.visible[2].message
    assert not any("cannot read" in note for note in result.notes)


def test_a_library_installed_from_git_leaves_the_calls_open(tmp_path: Path) -> None:
    core = "from pycommon.authz import validated\n" + CORE
    write_tree(tmp_path, {"serverless.yml": SERVICE, "service/core.py": core,
                          "requirements.txt": "git+https://github.com/gaiin-platform/pycommon.git@pre-release/v0.0.1\n"})
    result = run_lint(tmp_path, select=("LL322",))
    assert codes_at(result) == []  # `sqs:*` is not called unused: pycommon may send the messages
    # without the library, the same service's `sqs:*` is unused
    write_tree(tmp_path, {"service/core.py": CORE})
    assert [code for code, _, _ in codes_at(run_lint(tmp_path, select=("LL322",)))] == ["LL322"]
    assert any("`pycommon` is installed from `git+https://github.com/gaiin-platform/pycommon.git@pre-release/v0.0.1`"
               in note for note in result.notes)


URL_SHORTENER = """\
service: url-shortener
provider:
  name: aws
  runtime: python3.12
  timeout: 10
functions:
  create:
    handler: functions/create.handler
    reservedConcurrency: 5
  get:
    handler: functions/get.handler
    reservedConcurrency: 5
resources:
  Resources:
    UrlShortenerTable:
      Type: AWS::DynamoDB::Table
      Properties:
        TableName: UrlShortenerTable
        BillingMode: PAY_PER_REQUEST
        AttributeDefinitions:
          - AttributeName: id
            AttributeType: S
        KeySchema:
          - AttributeName: id
            KeyType: HASH
    DynamoDBIamPolicy:
      Type: AWS::IAM::Policy
      DependsOn: UrlShortenerTable
      Properties:
        PolicyName: lambda-dynamodb
        PolicyDocument:
          Version: '2012-10-17'
          Statement:
            - Effect: Allow
              Action:
                - dynamodb:GetItem
{extra_action}              Resource: arn:aws:dynamodb:*:*:table/UrlShortenerTable
        Roles:
          - Ref: IamRoleLambdaExecution
"""
CREATE = """\
import boto3

table = boto3.resource("dynamodb").Table("UrlShortenerTable")


def handler(event, context):
    table.put_item(Item={"id": event["id"], "url": event["url"]})
    return {"statusCode": 201}
"""
GET = """\
import boto3

table = boto3.resource("dynamodb").Table("UrlShortenerTable")


def handler(event, context):
    return table.get_item(Key={"id": event["pathParameters"]["id"]}).get("Item")
"""


def test_a_policy_resource_attached_to_the_frameworks_default_role_is_the_roles(tmp_path: Path) -> None:
    """`Roles: [Ref: IamRoleLambdaExecution]` (TeodorRussu/url-shortener-aws-serverless-python,
    judged): the policy is the provider role's, so `put_item` and `get_item` are allowed (two
    LL321 errors before); without `PutItem` in it, the write is still reported."""
    files = {"functions/create.py": CREATE, "functions/get.py": GET}
    write_tree(tmp_path, {"serverless.yml": URL_SHORTENER.format(extra_action="                - dynamodb:PutItem\n"),
                          **files})
    assert not run_lint(tmp_path, select=("LL321", "LL322")).visible
    write_tree(tmp_path, {"serverless.yml": URL_SHORTENER.format(extra_action="")})
    assert [(code, path) for code, path, _ in codes_at(run_lint(tmp_path, select=("LL321", "LL322")))] == [
        ("LL321", "functions/create.py")]
