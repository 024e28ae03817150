"""A handler whose code names no AWS API at all (the run reads such a module for its definitions
only) is judged against its role too: kunduso/aws-s3-sns-lambda-terraform (judged) grants
`s3:GetObject` to a handler that only logs the SNS message, and LL322 was silent. What it imports
decides: a project module that calls AWS, a library nobody declared, or a `sys.path` trick keep it
silent (with a note saying why); a PyPI requirement of the code folder does not, as it would not in
a module read in full."""

from __future__ import annotations

from pathlib import Path

from conftest import run_lint, write_tree

TEMPLATE = """\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  Notify:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: app.handler
      Runtime: python3.12
      Timeout: 10
      ReservedConcurrentExecutions: 2
      Policies:
        - Statement:
            - Effect: Allow
              Action: s3:GetObject
              Resource: arn:aws:s3:::uploads/*
            - Effect: Allow
              Action: logs:*
              Resource: "*"
"""
LOGGING_ONLY = '''\
import json
import logging
import urllib.parse

logger = logging.getLogger()


def handler(event, context):
    for record in event["Records"]:
        message = json.loads(record["Sns"]["Message"])
        logger.info("object %s", urllib.parse.unquote_plus(message["Records"][0]["s3"]["object"]["key"]))
'''


def test_a_handler_that_calls_no_aws_is_judged_against_its_role(tmp_path: Path) -> None:
    write_tree(tmp_path, {"template.yaml": TEMPLATE, "src/app.py": LOGGING_ONLY})
    result = run_lint(tmp_path, select=("LL322", "LL301"))
    found = {(f.code, f.span.line): f for f in result.findings}
    assert sorted(found) == [("LL301", 18), ("LL322", 15)]
    # Lambda writes the function's logs with the role: no "remove it" for `logs:*`
    assert not found[("LL301", 18)].hint.startswith("Remove")
    assert "platform needs" in found[("LL301", 18)].hint


def test_what_it_imports_may_call_aws(tmp_path: Path) -> None:
    helper = "import boto3\n\n\ndef fetch(key):\n    return boto3.client('s3').get_object(Bucket='uploads', Key=key)\n"
    through_helper = "from storage import fetch\n\n\ndef handler(event, context):\n    return fetch(event['key'])\n"
    library = "import smart_uploads\n\n\ndef handler(event, context):\n    return smart_uploads.fetch(event['key'])\n"
    path_trick = ("import os\nimport sys\n\nsys.path.append(os.path.join(os.path.dirname(__file__), '..'))\n"
                  "import lib\n\n\ndef handler(event, context):\n    return lib.fetch(event['key'])\n")
    cases = {"helper": {"src/app.py": through_helper, "src/storage.py": helper},
             "library": {"src/app.py": library}, "path": {"src/app.py": path_trick, "lib/__init__.py": helper}}
    for name, files in cases.items():
        write_tree(tmp_path / name, {"template.yaml": TEMPLATE, **files})
        result = run_lint(tmp_path / name, select=("LL322",))
        assert not result.findings, name
        if name == "library":
            assert any("`smart_uploads` is neither in the project nor a PyPI requirement" in note
                       for note in result.notes), result.notes


def test_a_library_the_code_folder_installs_from_pypi_calls_no_aws_of_its_own(tmp_path: Path) -> None:
    # aws-samples/sam-eventbridge-alerting: handler code that imports `six` and `requests` (from
    # its requirements.txt) was skipped silently; the same module read in full was judged
    code = "import requests\nimport six\n\n\ndef handler(event, context):\n" \
           "    return requests.post(event['hook'], json={k: v for k, v in six.iteritems(event)}).status_code\n"
    write_tree(tmp_path, {"template.yaml": TEMPLATE, "src/app.py": code,
                          "src/requirements.txt": "requests==2.32.3\nsix  # py2 compat\n"})
    result = run_lint(tmp_path, select=("LL322",))
    assert [f.message for f in result.findings] == ["`s3:GetObject` is never used by the code of `Notify`"]


def test_what_an_amazon_mq_poller_needs_is_not_unused(tmp_path: Path) -> None:
    """The registry lambda module's `event_source_mapping` on an `aws_mq_broker` (its own
    event-source-mapping example): Lambda's poller describes the broker and its VPC and reads the
    broker's credentials with the role, so those are not "never used" (the mapping was taken for an
    SQS one); what nothing uses still is."""
    write_tree(tmp_path, {"main.tf": """\
resource "aws_mq_broker" "this" {
  broker_name = "orders"
}

resource "aws_secretsmanager_secret" "this" {
  name = "broker"
}

module "lambda_function" {
  source        = "terraform-aws-modules/lambda/aws"
  function_name = "consumer"
  handler       = "index.lambda_handler"
  runtime       = "python3.12"
  source_path   = "${path.module}/src"
  timeout       = 10

  event_source_mapping = {
    mq = {
      event_source_arn = aws_mq_broker.this.arn
      queues           = ["orders"]
      source_access_configuration = [{ type = "BASIC_AUTH", uri = aws_secretsmanager_secret.this.arn }]
    }
  }

  attach_policy_statements = true
  policy_statements = {
    mq = {
      effect    = "Allow",
      actions   = ["mq:DescribeBroker", "ec2:DescribeVpcs", "secretsmanager:GetSecretValue", "s3:GetObject"],
      resources = ["*"]
    }
  }
}
""", "src/index.py": "import json\n\n\ndef lambda_handler(event, context):\n    print(json.dumps(event))\n"})
    found = run_lint(tmp_path, select=("LL322",)).findings
    assert [f.message.split(" is never")[0] for f in found] == ["`s3:GetObject`"]


def test_no_note_where_the_role_grants_nothing_to_judge(tmp_path: Path) -> None:
    # Rojas-Andres/aws-lambda-python-cloudformation: "makes AWS calls that could not all be
    # determined (sendgrid)" on roles that grant only what the platform uses
    library = "import smart_uploads\n\n\ndef handler(event, context):\n    return smart_uploads.fetch(event['key'])\n"
    logs_only = TEMPLATE.replace("Action: s3:GetObject", "Action: logs:CreateLogGroup")
    write_tree(tmp_path / "logs", {"template.yaml": logs_only, "src/app.py": library})
    write_tree(tmp_path / "s3", {"template.yaml": TEMPLATE, "src/app.py": library})
    assert not run_lint(tmp_path / "logs", select=("LL322",)).notes
    assert run_lint(tmp_path / "s3", select=("LL322",)).notes


def test_a_local_layers_pypi_requirements_count_as_published(tmp_path: Path) -> None:
    template = TEMPLATE.replace("      Policies:", "      Layers:\n        - !Ref Deps\n      Policies:") + """\
  Deps:
    Type: AWS::Serverless::LayerVersion
    Properties:
      ContentUri: layers/deps/
      CompatibleRuntimes: [python3.12]
    Metadata:
      BuildMethod: python3.12
"""
    code = "import sendgrid\n\n\ndef handler(event, context):\n    return sendgrid.SendGridAPIClient('k').send(event)\n"
    write_tree(tmp_path, {"template.yaml": template, "src/app.py": code,
                          "layers/deps/requirements.txt": "sendgrid==6.11.0\n"})
    result = run_lint(tmp_path, select=("LL322",))
    assert [f.message for f in result.findings] == ["`s3:GetObject` is never used by the code of `Notify`"], \
        result.notes


def test_the_note_points_at_the_import(tmp_path: Path) -> None:
    # Rojas-Andres/aws-lambda-python-cloudformation: every such note said `app.py:1`
    code = '"""Send the daily digest."""\nimport json\n\nimport sendgrid\n\n\ndef handler(event, context):\n' \
           '    return sendgrid.SendGridAPIClient("k").send(json.dumps(event))\n'
    write_tree(tmp_path, {"template.yaml": TEMPLATE, "src/app.py": code})
    [note] = run_lint(tmp_path, select=("LL322",)).notes
    assert "src/app.py:4: `sendgrid` is neither in the project nor a PyPI requirement" in note, note
