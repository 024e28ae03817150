"""Packages pip installed into a code folder (`pip install -t`) are third-party code, not the
project's: a CDK app that vendored botocore 1.12.8 beside its handler got 16 LL313 errors for the
key *names* botocore looks up in credential files (`SECRET_KEY = 'aws_secret_access_key'`)."""

from __future__ import annotations

from pathlib import Path

from conftest import codes_at, run_lint, write_tree

TEMPLATE = """\
AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Resources:
  Questions:
    Type: AWS::DynamoDB::Table
  PostQuestionFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: lambda_questions/PostQuestionsService
      Handler: app.handler
      Runtime: python3.12
      Timeout: 10
      Environment:
        Variables:
          TABLE: !Ref Questions
      Policies:
        - DynamoDBWritePolicy:
            TableName: !Ref Questions
"""
HANDLER = """\
import json
import os

import boto3
from botocore.credentials import SharedCredentialProvider

table = boto3.resource("dynamodb").Table(os.environ["TABLE"])


def handler(event, context):
    table.put_item(Item=json.loads(event["body"]))
    return {"statusCode": 201, "body": SharedCredentialProvider.METHOD}
"""
CREDENTIALS = """\
class CredentialProvider:
    METHOD = None


class OriginalEC2Provider(CredentialProvider):
    METHOD = 'ec2-credentials-file'
    CRED_FILE_ENV = 'AWS_CREDENTIAL_FILE'
    ACCESS_KEY = 'AWSAccessKeyId'
    SECRET_KEY = 'AWSSecretKey'


class SharedCredentialProvider(CredentialProvider):
    METHOD = 'shared-credentials-file'
    ACCESS_KEY = 'aws_access_key_id'
    SECRET_KEY = 'aws_secret_access_key'
"""
RECORD = """\
botocore/__init__.py,sha256=abc,100
botocore/credentials.py,sha256=def,200
botocore-1.12.8.dist-info/METADATA,sha256=ghi,300
botocore-1.12.8.dist-info/RECORD,,
"""


def write_app(root: Path, record: bool = True) -> Path:
    code = "lambda_questions/PostQuestionsService/"
    files = {"template.yaml": TEMPLATE, code + "app.py": HANDLER, code + "botocore/__init__.py": "",
             code + "botocore/credentials.py": CREDENTIALS}
    if record:
        files[code + "botocore-1.12.8.dist-info/RECORD"] = RECORD
        files[code + "botocore-1.12.8.dist-info/METADATA"] = "Name: botocore\nVersion: 1.12.8\n"
    return write_tree(root, files)


def test_an_installed_package_is_not_read_as_handler_code(tmp_path: Path) -> None:
    result = run_lint(write_app(tmp_path), select=("LL313", "LL321"))
    assert codes_at(result) == []
    assert "lambda_questions/PostQuestionsService/botocore/credentials.py" not in result.project.sources


def test_the_same_module_written_by_the_project_is_read(tmp_path: Path) -> None:
    """Without pip's record, `botocore/` is a package of the project's own, and its literals count."""
    result = run_lint(write_app(tmp_path, record=False), select=("LL313",))
    assert {(code, path) for code, path, _ in codes_at(result)} == {
        ("LL313", "lambda_questions/PostQuestionsService/botocore/credentials.py")}
