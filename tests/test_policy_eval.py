"""Policy evaluation (`lambdalint.policy_eval`): Allow minus explicit Deny, wildcards, NotAction and
NotResource, resources named by logical id, conditions that never decide, managed policies."""

from __future__ import annotations

from pathlib import Path

from lambdalint.config import Config
from lambdalint.iam import execution_role
from lambdalint.load import load_project
from lambdalint.policy_eval import Policy, action_matches, managed_document

from conftest import write_tree

ROLE_TEMPLATE = """\
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Orders:
    Type: AWS::DynamoDB::Table
  Audit:
    Type: AWS::DynamoDB::Table
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: {{}}
      ManagedPolicyArns: {managed}
      Policies:
        - PolicyName: app
          PolicyDocument:
            Statement:
{statements}
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      Code: src/
      Role: !GetAtt Role.Arn
"""


def policy(tmp_path: Path, statements: str, managed: str = "[]") -> Policy:
    write_tree(tmp_path, {"template.yaml": ROLE_TEMPLATE.format(statements=statements, managed=managed)})
    project = load_project([tmp_path], Config(), tmp_path)
    (function,) = project.functions
    return Policy.of(execution_role(function))


def test_action_wildcards_are_iam_wildcards() -> None:
    assert action_matches("s3:Get*", "s3:GetObject")
    assert action_matches("S3:getobject", "s3:GetObject")  # actions are case-insensitive
    assert action_matches("*", "sqs:SendMessage")
    assert action_matches("s3:Get?bject", "s3:GetObject")
    assert not action_matches("s3:Get*", "s3:PutObject")
    assert not action_matches("s3:*", "s3express:CreateSession")


def test_allow_on_the_named_resource_and_on_a_wildcard(tmp_path: Path) -> None:
    found = policy(tmp_path, """\
              - Effect: Allow
                Action: dynamodb:PutItem
                Resource: !GetAtt Orders.Arn
              - Effect: Allow
                Action: ["s3:Get*"]
                Resource: "*"
""")
    assert found.unknown is None
    assert found.decide("dynamodb:PutItem", "Orders").allowed
    assert not found.decide("dynamodb:PutItem", "Audit").allowed  # another table of this template
    assert found.decide("dynamodb:PutItem", None).allowed          # some table: cannot say no
    assert not found.decide("dynamodb:GetItem", "Orders").allowed
    assert found.decide("s3:GetObject", None).allowed
    assert not found.decide("s3:PutObject", None).allowed


def test_explicit_deny_wins_and_a_conditional_deny_does_not_decide(tmp_path: Path) -> None:
    found = policy(tmp_path, """\
              - Effect: Allow
                Action: "sqs:*"
                Resource: "*"
              - Effect: Deny
                Action: sqs:DeleteQueue
                Resource: "*"
              - Effect: Deny
                Action: sqs:PurgeQueue
                Resource: "*"
                Condition: {Bool: {"aws:SecureTransport": "false"}}
""")
    assert found.decide("sqs:SendMessage").allowed
    assert not found.decide("sqs:DeleteQueue").allowed
    assert found.decide("sqs:PurgeQueue").allowed  # denied only under a condition: never a finding


def test_conditions_make_an_allow_conditional_not_missing(tmp_path: Path) -> None:
    found = policy(tmp_path, """\
              - Effect: Allow
                Action: kms:Decrypt
                Resource: "*"
                Condition: {StringEquals: {"kms:ViaService": "s3.eu-west-1.amazonaws.com"}}
""")
    decision = found.decide("kms:Decrypt")
    assert decision.allowed and decision.conditional


def test_not_action_and_not_resource(tmp_path: Path) -> None:
    found = policy(tmp_path, """\
              - Effect: Allow
                NotAction: ["iam:*", "organizations:*"]
                Resource: "*"
              - Effect: Deny
                Action: "dynamodb:*"
                NotResource: !GetAtt Orders.Arn
""")
    assert found.decide("s3:PutObject").allowed
    assert not found.decide("iam:PassRole").allowed
    assert found.decide("dynamodb:PutItem", "Orders").allowed
    assert not found.decide("dynamodb:PutItem", "Audit").allowed
    assert found.decide("dynamodb:PutItem", None).allowed  # which table is not known: no certain deny


def test_aws_managed_policies_are_read_and_unknown_ones_make_the_role_not_fully_known(tmp_path: Path) -> None:
    assert managed_document("AWSLambdaBasicExecutionRole") is not None
    found = policy(tmp_path, "              - {Effect: Allow, Action: sns:Publish, Resource: '*'}\n",
                   managed='["arn:aws:iam::aws:policy/AmazonDynamoDBReadOnlyAccess"]')
    assert found.unknown is None
    assert found.decide("dynamodb:GetItem", "Orders").allowed
    assert not found.decide("dynamodb:PutItem", "Orders").allowed
    other = policy(tmp_path, "              - {Effect: Allow, Action: sns:Publish, Resource: '*'}\n",
                   managed='[!ImportValue shared-policy-arn]')
    assert other.unknown is not None
