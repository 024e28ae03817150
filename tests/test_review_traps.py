"""LL321/LL322 traps found by reading the change once more: clients the walk loses track of must
leave the call set incomplete (never "unused"), and calls IAM does not judge with the execution
role (unsigned requests) are never "missing"."""

from __future__ import annotations

from pathlib import Path

from conftest import codes_at, run_lint, write_tree

TEMPLATE = """\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: app.handler
      Runtime: python3.12
      Policies:
        - Statement:
            - Effect: Allow
              Action:
ACTIONS              Resource: "*"
"""
DB = '''\
import os

import boto3


def get_table():
    return boto3.resource("dynamodb").Table(os.environ["TABLE"])


def get_queue():
    return boto3.client("sqs")
'''
QUEUE = "https://sqs.eu-west-1.amazonaws.com/1/q"


def findings(tmp_path: Path, actions: list[str], files: dict[str, str]) -> list[tuple[str, str, int]]:
    listed = "".join(f"                - {action}\n" for action in actions)
    write_tree(tmp_path, {"template.yaml": TEMPLATE.replace("ACTIONS", listed), **files})
    return codes_at(run_lint(tmp_path, select=("LL321", "LL322")))


def test_a_returned_client_read_by_a_nested_function_is_followed(tmp_path: Path) -> None:
    app = f'''\
from concurrent.futures import ThreadPoolExecutor

from db import get_queue


def handler(event, context):
    sqs = get_queue()

    def send(body):
        sqs.send_message(QueueUrl="{QUEUE}", MessageBody=body)

    with ThreadPoolExecutor() as pool:
        list(pool.map(send, event["bodies"]))
'''
    assert findings(tmp_path, ["sqs:SendMessage"], {"src/app.py": app, "src/db.py": DB}) == []
    # and followed for real: a role without it misses it
    assert ("LL321", "src/app.py", 10) in findings(tmp_path, ["sqs:GetQueueUrl"], {})


def test_a_returned_client_stored_where_the_walk_cannot_follow_leaves_the_set_incomplete(tmp_path: Path) -> None:
    app = f'''\
from db import get_queue

CLIENTS = {{}}


def _send(body):
    CLIENTS["sqs"].send_message(QueueUrl="{QUEUE}", MessageBody=body)


def handler(event, context):
    sqs = get_queue()
    CLIENTS["sqs"] = sqs
    _send("hi")
'''
    assert findings(tmp_path, ["sqs:SendMessage", "sns:Publish"], {"src/app.py": app, "src/db.py": DB}) == []


def test_a_client_parameter_rebound_by_a_wrapper_leaves_the_set_incomplete(tmp_path: Path) -> None:
    app = f'''\
import boto3
from retrying_clients import with_retries

sqs = boto3.client("sqs")


def send(client, body):
    client = with_retries(client)
    client.send_message(QueueUrl="{QUEUE}", MessageBody=body)


def handler(event, context):
    send(sqs, "hi")
'''
    assert findings(tmp_path, ["sqs:SendMessage", "sns:Publish"], {"src/app.py": app}) == []


def test_an_unsigned_client_needs_no_permission_of_the_role(tmp_path: Path) -> None:
    app = f'''\
import boto3
from botocore import UNSIGNED
from botocore.config import Config

public = boto3.client("s3", config=Config(signature_version=UNSIGNED))
sqs = boto3.client("sqs")


def handler(event, context):
    body = public.get_object(Bucket="noaa-ghcn-pds", Key="csv/1900.csv")["Body"].read()
    sqs.send_message(QueueUrl="{QUEUE}", MessageBody=body[:10].decode())
'''
    assert findings(tmp_path, ["sqs:SendMessage"], {"src/app.py": app}) == []
    signed = app.replace(", config=Config(signature_version=UNSIGNED)", "")
    assert findings(tmp_path, ["sqs:SendMessage"], {"src/app.py": signed}) == [("LL321", "src/app.py", 10)]


def test_the_rds_data_api_reads_the_secret_with_the_callers_permissions(tmp_path: Path) -> None:
    app = '''\
import os

import boto3

rds = boto3.client("rds-data")


def handler(event, context):
    return rds.execute_statement(resourceArn=os.environ["CLUSTER"], secretArn=os.environ["SECRET"],
                                 sql="SELECT 1", database="app")
'''
    assert findings(tmp_path, ["rds-data:ExecuteStatement", "secretsmanager:GetSecretValue"],
                    {"src/app.py": app}) == []


def test_powertools_processors_run_their_record_handler_in_every_spelling(tmp_path: Path) -> None:
    app = f'''\
import boto3
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response

processor = BatchProcessor(event_type=EventType.SQS)
sqs = boto3.client("sqs")


def record_handler(record):
    sqs.send_message(QueueUrl="{QUEUE}", MessageBody=record.body)


def handler(event, context):
    with processor(records=event["Records"], handler=record_handler):
        processor.process()
    return processor.response()
'''
    assert findings(tmp_path, ["sqs:SendMessage"], {"src/app.py": app}) == []
    positional = app.replace('''    with processor(records=event["Records"], handler=record_handler):
        processor.process()
    return processor.response()''', "    return process_partial_response(event, record_handler, processor, context)")
    assert findings(tmp_path, ["sqs:SendMessage"], {"src/app.py": positional}) == []
    # the calls are the handler's for real: a role without the action misses it
    assert ("LL321", "src/app.py", 9) in findings(tmp_path, ["sns:Publish"], {"src/app.py": positional})
