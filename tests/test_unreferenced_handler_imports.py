"""Handler-shaped code no template names (jungrishi/aws-sam-serverless: the template's `CodeUri: src`
is gone, its code now lives in `password_manager/`, a package whose handler imports its siblings
bare, `from forgot_password import forgot_password_handler`, as they run once that folder is the
zip). Its own folder is on its import path, so the calls it makes through them are read; a
handler-shaped function another handler calls is that handler's code, reported once, at the caller."""

from __future__ import annotations

from pathlib import Path

from conftest import run_lint, write_tree

TEMPLATE = """\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  PasswordFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src
      Handler: handler.lambda_handler
      Runtime: python3.12
      Timeout: 10
      ReservedConcurrentExecutions: 2
  ReportFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: functions/api/get_report.py
      Handler: get_report.lambda_handler
      Runtime: python3.12
      Timeout: 10
      ReservedConcurrentExecutions: 2
"""

HANDLER = """\
from forgot_password import forgot_password_handler
from recover_password import recover_password_handler

FORGOT_PASSWORD = "/forgot"


def lambda_handler(event, context):
    route = event.get("rawPath", "")
    if FORGOT_PASSWORD in route:
        return forgot_password_handler(event=event, context=context)
    return recover_password_handler(event=event, context=context)
"""

FORGOT = """\
from email_utils import get_ses_client


def forgot_password_handler(event, context):
    client = get_ses_client()
    client.send_email(Source="noreply@example.com", Destination={}, Message={})
    return {"statusCode": 202}
"""

RECOVER = """\
def recover_password_handler(event, context):
    return {"statusCode": 200}
"""

EMAIL = """\
import boto3


def get_ses_client():
    return boto3.client("ses")
"""


def test_sibling_imports_of_an_unreferenced_handler_are_followed_and_reported_once(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "template.yaml": TEMPLATE,
        "password_manager/__init__.py": "",
        "password_manager/handler.py": HANDLER,
        "password_manager/forgot_password.py": FORGOT,
        "password_manager/recover_password.py": RECOVER,
        "password_manager/email_utils.py": EMAIL,
        "functions/api/get_report.py": "def lambda_handler(event, context):\n    return {}\n",
    })
    result = run_lint(tmp_path, select=("LL101",))
    assert [(f.span.path, f.span.line) for f in result.findings] == [("password_manager/handler.py", 10)]


def test_a_code_uri_that_is_a_file_is_said_to_be_one(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "template.yaml": TEMPLATE,
        "functions/api/get_report.py": "def lambda_handler(event, context):\n    return {}\n",
    })
    result = run_lint(tmp_path, select=("LL101",))
    assert any("`ReportFunction`: its code folder `functions/api/get_report.py` is a file, not a folder" in note
               for note in result.notes)
