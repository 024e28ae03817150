"""LL321/LL322 traps found on real repositories (aws-serverless-ecommerce-platform, serverless/examples):
permissions used by something the code does not call through boto3 are never "unused", and a role
a plugin extends is never "missing" anything."""

from __future__ import annotations

from pathlib import Path

from conftest import codes_at, run_lint, write_tree

STREAM_WITH_DESTINATION = """\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  Table:
    Type: AWS::DynamoDB::Table
    Properties:
      AttributeDefinitions: [{AttributeName: pk, AttributeType: S}]
      KeySchema: [{AttributeName: pk, KeyType: HASH}]
      BillingMode: PAY_PER_REQUEST
      StreamSpecification: {StreamViewType: NEW_IMAGE}
  FailedQueue:
    Type: AWS::SQS::Queue
  TableUpdateFunction:
    Type: AWS::Serverless::Function
    Properties:
      Handler: main.handler
      Runtime: python3.12
      CodeUri: src/
      Events:
        DynamoDB:
          Type: DynamoDB
          Properties:
            Stream: !GetAtt Table.StreamArn
            StartingPosition: TRIM_HORIZON
            DestinationConfig:
              OnFailure:
                Destination: !GetAtt FailedQueue.Arn
      Policies:
        - Statement:
            - Effect: Allow
              Action: [sqs:SendMessage]
              Resource: !GetAtt FailedQueue.Arn
            - Effect: Allow
              Action: [events:PutEvents]
              Resource: "*"
"""

STREAM_HANDLER = """\
import boto3

events = boto3.client("events")


def handler(event, context):
    events.put_events(Entries=[{"Source": "orders", "DetailType": "Changed", "Detail": "{}"}])
"""


def test_an_event_sources_failure_destination_is_sent_to_by_the_platform(tmp_path: Path) -> None:
    write_tree(tmp_path, {"template.yaml": STREAM_WITH_DESTINATION, "src/main.py": STREAM_HANDLER})
    assert codes_at(run_lint(tmp_path, select=("LL321", "LL322"))) == []
    # the control: without the destination, the queue permission is the code's, and unused
    write_tree(tmp_path, {"template.yaml": STREAM_WITH_DESTINATION.replace(
        "            DestinationConfig:\n              OnFailure:\n                Destination: !GetAtt FailedQueue.Arn\n", "")})
    assert [c for c, _, _ in codes_at(run_lint(tmp_path, select=("LL321", "LL322")))] == ["LL322"]


PYNAMODB_SERVICE = """\
service: assets
provider:
  name: aws
  runtime: python3.12
  iam:
    role:
      statements:
        - Effect: Allow
          Action: [dynamodb:GetItem, dynamodb:PutItem]
          Resource: "arn:aws:dynamodb:*:*:table/assets"
        - Effect: Allow
          Action: [s3:PutObject]
          Resource: "arn:aws:s3:::assets/*"
functions:
  get:
    handler: asset/get.get
"""


def test_a_library_that_calls_aws_itself_leaves_no_permission_unused(tmp_path: Path) -> None:
    model = ("import boto3\nfrom pynamodb.models import Model\n\ns3 = boto3.client('s3')\n\n\n"
             "class Asset(Model):\n    class Meta:\n        table_name = 'assets'\n\n"
             "    def archive(self):\n        s3.put_object(Bucket='assets', Key=self.id, Body=b'')\n")
    handler = ("from asset.model import Asset, s3\n\n\ndef get(event, context):\n"
               "    s3.put_object(Bucket='assets', Key=event['id'], Body=b'')\n    return Asset.get(event['id']).asdict()\n")
    write_tree(tmp_path, {"serverless.yml": PYNAMODB_SERVICE, "asset/__init__.py": "",
                          "asset/model.py": model, "asset/get.py": handler})
    result = run_lint(tmp_path, select=("LL321", "LL322"))
    assert codes_at(result) == []
    assert any("`pynamodb` makes AWS calls of its own" in note for note in result.notes)


def test_a_signed_api_call_keeps_execute_api_invoke(tmp_path: Path) -> None:
    template = STREAM_WITH_DESTINATION.replace("[events:PutEvents]", "[events:PutEvents, execute-api:Invoke]")
    handler = ("import boto3\nimport requests\nfrom aws_requests_auth.boto_utils import BotoAWSRequestsAuth\n\n"
               "events = boto3.client('events')\n\n\n"
               "def handler(event, context):\n    auth = BotoAWSRequestsAuth(aws_host='api', aws_region='eu-west-1', "
               "aws_service='execute-api')\n    order = requests.get('https://api/orders', auth=auth, timeout=5).json()\n"
               "    events.put_events(Entries=[{'Source': 'orders', 'DetailType': 'Read', 'Detail': '{}'}])\n"
               "    return order\n")
    write_tree(tmp_path, {"template.yaml": template, "src/main.py": handler})
    assert codes_at(run_lint(tmp_path, select=("LL321", "LL322"))) == []


LIFT_SERVICE = """\
service: sqs-worker
provider:
  name: aws
  runtime: python3.12
constructs:
  jobs:
    type: queue
    worker:
      handler: handler.consumer
functions:
  producer:
    handler: handler.producer
    environment:
      QUEUE_URL: ${construct:jobs.queueUrl}
plugins:
  - serverless-lift
"""

LIFT_HANDLER = """\
import os

import boto3

sqs = boto3.client("sqs")


def producer(event, context):
    sqs.send_message(QueueUrl=os.environ["QUEUE_URL"], MessageBody=event["body"])


def consumer(event, context):
    return None
"""


def test_a_role_a_plugin_extends_misses_nothing(tmp_path: Path) -> None:
    # serverless-lift grants `sqs:SendMessage` on the queue of its `jobs` construct
    write_tree(tmp_path, {"serverless.yml": LIFT_SERVICE, "handler.py": LIFT_HANDLER})
    result = run_lint(tmp_path, select=("LL321",))
    assert codes_at(result) == []
    assert any("serverless-lift" in note for note in result.notes)
    # the control: the same service without the plugin's constructs is missing the permission
    write_tree(tmp_path, {"serverless.yml": LIFT_SERVICE.split("constructs:")[0]
                          + "functions:" + LIFT_SERVICE.split("functions:")[1].replace("  - serverless-lift\n", "  - serverless-python-requirements\n")})
    assert [c for c, _, _ in codes_at(run_lint(tmp_path, select=("LL321",)))] == ["LL321"]


def test_an_agent_framework_calling_bedrock_leaves_no_permission_unused(tmp_path: Path) -> None:
    # aws-samples/amazon-bedrock-serverless-prompt-chaining: the Strands Agents SDK's BedrockModel
    # calls bedrock:InvokeModel itself; the code's own boto3 call is only the event
    template = STREAM_WITH_DESTINATION.replace("[events:PutEvents]", "[events:PutEvents, bedrock:InvokeModel]")
    handler = ("import boto3\nfrom strands import Agent\nfrom strands.models import BedrockModel\n\n"
               "events = boto3.client('events')\n\n\n"
               "def handler(event, context):\n"
               "    agent = Agent(model=BedrockModel(model_id='anthropic.claude-3-haiku'))\n"
               "    answer = str(agent(event['question']))\n"
               "    events.put_events(Entries=[{'Source': 'agent', 'DetailType': 'Answer', 'Detail': '{}'}])\n"
               "    return answer\n")
    write_tree(tmp_path, {"template.yaml": template, "src/main.py": handler})
    result = run_lint(tmp_path)
    assert [c for c, _, _ in codes_at(result) if c in ("LL321", "LL322")] == []
    assert any("`strands` makes AWS calls of its own" in note for note in result.notes)
