"""A schedule or rule switched off as written invokes nothing: a judged Terraform project kept its
AMI-rotation rule with `is_enabled = "false"` ("disable because we now have CodeBuild project"),
and LL207 said the function was invoked asynchronously by it. Each dialect's spelling, with the
same rule switched on as the control."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import codes_at, run_lint, write_tree

TERRAFORM = """\
resource "aws_iam_role" "rotate" {
  name = "ami-rotate"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Action = "sts:AssumeRole", Effect = "Allow", Principal = { Service = "lambda.amazonaws.com" } }]
  })
}

resource "aws_lambda_function" "rotate" {
  function_name                  = "ami-rotate"
  filename                       = "rotate.zip"
  role                           = aws_iam_role.rotate.arn
  handler                        = "rotate.handler"
  runtime                        = "python3.12"
  timeout                        = 300
  reserved_concurrent_executions = 1
}

resource "aws_cloudwatch_event_rule" "ami-rotate-scheduler" {
  name                = "ami-rotate-scheduler"
  schedule_expression = "cron(0 8 ? * TUE,FRI *)"
  SWITCH
}

resource "aws_cloudwatch_event_target" "ami-rotate-scheduler" {
  rule = aws_cloudwatch_event_rule.ami-rotate-scheduler.name
  arn  = aws_lambda_function.rotate.arn
}
"""
SAM = """\
AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Resources:
  RotateFunction:
    Type: AWS::Serverless::Function
    Properties:
      InlineCode: "def handler(event, context): pass"
      Handler: index.handler
      Runtime: python3.12
      Timeout: 300
      ReservedConcurrentExecutions: 1
      Events:
        Nightly:
          Type: Schedule
          Properties:
            Schedule: cron(0 8 ? * TUE,FRI *)
            SWITCH
"""
CLOUDFORMATION = """\
AWSTemplateFormatVersion: '2010-09-09'
Resources:
  RotateFunction:
    Type: AWS::Lambda::Function
    Properties:
      Code:
        ZipFile: "def handler(event, context): pass"
      Handler: index.handler
      Runtime: python3.12
      Role: arn:aws:iam::123456789012:role/rotate
      Timeout: 300
      ReservedConcurrentExecutions: 1
  RotateSchedule:
    Type: AWS::Events::Rule
    Properties:
      ScheduleExpression: cron(0 8 ? * TUE,FRI *)
      SWITCH
      Targets:
        - Arn: !GetAtt RotateFunction.Arn
          Id: rotate
"""
SERVERLESS = """\
service: ami-rotation
provider:
  name: aws
  runtime: python3.12
functions:
  rotate:
    handler: rotate.handler
    timeout: 300
    reservedConcurrency: 1
    events:
      - schedule:
          rate: cron(0 8 ? * TUE,FRI *)
          SWITCH
"""


@pytest.mark.parametrize(("name", "text", "off", "on"), [
    ("main.tf", TERRAFORM, 'is_enabled          = "false"', 'is_enabled          = "true"'),
    ("main.tf", TERRAFORM, 'state               = "DISABLED"', 'state               = "ENABLED"'),
    ("template.yaml", SAM, "Enabled: false", "Enabled: true"),
    ("template.yaml", CLOUDFORMATION, "State: DISABLED", "State: ENABLED"),
    ("serverless.yml", SERVERLESS, "enabled: false", "enabled: true"),
], ids=["terraform-is_enabled", "terraform-state", "sam", "cloudformation", "serverless"])
def test_a_switched_off_schedule_is_no_trigger(tmp_path: Path, name: str, text: str, off: str, on: str) -> None:
    write_tree(tmp_path / "off", {name: text.replace("SWITCH", off)})
    write_tree(tmp_path / "on", {name: text.replace("SWITCH", on)})
    assert codes_at(run_lint(tmp_path / "off", select=("LL207",))) == []
    assert [code for code, _, _ in codes_at(run_lint(tmp_path / "on", select=("LL207",)))] == ["LL207"]
