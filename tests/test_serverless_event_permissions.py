"""The statements the Serverless Framework adds to its default role for `sqs` and `stream` events
(serverless/serverless `compile/events/sqs.js`, `stream.js`): the code may call what the pollers
are granted on its own queue or stream (hernan82arg/sls-python-lambda-kinesis reads its stream with
`get_shard_iterator`/`get_records`; LL321 called both missing)."""

from __future__ import annotations

from pathlib import Path

from conftest import run_lint, write_tree

SERVERLESS = """\
service: readers
provider:
  name: aws
  runtime: python3.12
  timeout: 10
  iam:
    role:
      statements:
        - Effect: Allow
          Action: [s3:PutObject]
          Resource: arn:aws:s3:::readers-archive/*
functions:
  reader:
    handler: reader.main
    reservedConcurrency: 2
    events:
      - stream:
          type: kinesis
          consumer: true
          arn:
            Fn::GetAtt: [Clicks, Arn]
  queue:
    handler: queue.main
    reservedConcurrency: 2
    events:
      - sqs:
          arn:
            Fn::GetAtt: [Jobs, Arn]
  changes:
    handler: changes.main
    reservedConcurrency: 2
    events:
      - stream: arn:aws:dynamodb:eu-west-1:123456789012:table/Orders/stream/2024-01-01T00:00:00.000
  custom:
    handler: custom.main
    reservedConcurrency: 2
    role: arn:aws:iam::123456789012:role/custom-reader
resources:
  Resources:
    Clicks:
      Type: AWS::Kinesis::Stream
      Properties:
        ShardCount: 1
    Jobs:
      Type: AWS::SQS::Queue
      Properties:
        VisibilityTimeout: 60
"""

READER = """\
import os

import boto3

kinesis = boto3.client("kinesis")


def main(event, context):
    iterator = kinesis.get_shard_iterator(StreamName=os.environ.get("STREAM", "clicks"), ShardId="0",
                                          ShardIteratorType="LATEST")["ShardIterator"]
    return kinesis.get_records(ShardIterator=iterator, Limit=10)
"""

QUEUE = """\
import boto3

sqs = boto3.client("sqs")


def main(event, context):
    return sqs.get_queue_attributes(QueueUrl=event["queue_url"], AttributeNames=["All"])
"""

CHANGES = """\
import boto3

streams = boto3.client("dynamodbstreams")


def main(event, context):
    return streams.describe_stream(StreamArn=event["Records"][0]["eventSourceARN"])
"""


def test_the_pollers_grants_count_for_the_code_on_the_default_role(tmp_path: Path) -> None:
    write_tree(tmp_path, {"serverless.yml": SERVERLESS, "reader.py": READER, "queue.py": QUEUE,
                          "changes.py": CHANGES, "custom.py": QUEUE})
    result = run_lint(tmp_path, select=("LL321",))
    # nothing is missing on the three that use the default role (`custom` names a role of its own,
    # which the framework never extends and lambdalint does not read)
    assert [f.function for f in result.findings if f.function != "custom"] == []
