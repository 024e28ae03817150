"""Functions a handler runs through an executor or a thread (`pool.submit(fn, x)`,
`pool.map(fn, xs)`, `threading.Thread(target=fn)`, `asyncio.to_thread(fn, x)`) or Powertools'
batch processing (`process_partial_response(record_handler=fn)`) are calls of `fn`
from the handler: for the per-invocation rules (LL101-LL107) and for the AWS call set."""

from __future__ import annotations

from pathlib import Path

from conftest import codes_at, run_lint, write_tree
from test_aws_calls import calls_of, named

TEMPLATE = """\
Transform: AWS::Serverless-2016-10-31
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: app.handler
      Runtime: python3.12
"""

# A fan-out handler as real ones write it: a pool per invocation, work in a project module.
APP = '''\
import asyncio
import threading
from concurrent.futures import ThreadPoolExecutor, as_completed

import boto3

from jobs.resize import resize
from jobs import audit

s3 = boto3.client("s3")
SEEN = []


def _remember(key):
    SEEN.append(key)


def _fetch(name):
    ssm = boto3.client("ssm")
    return ssm.get_parameter(Name=name)["Parameter"]["Value"]


async def _later(key):
    await asyncio.to_thread(_remember, key)


def handler(event, context):
    keys = [r["s3"]["object"]["key"] for r in event["Records"]]
    with ThreadPoolExecutor(max_workers=4) as pool:
        futures = [pool.submit(resize, s3, key) for key in keys]
        for future in as_completed(futures):
            future.result()
        list(pool.map(_fetch, ["/app/a", "/app/b"]))
    threading.Thread(target=audit.record, args=(keys,)).start()
    asyncio.run(_later(keys[0]))
    return {"done": len(keys)}
'''

RESIZE = '''\
def resize(client, key):
    body = client.get_object(Bucket="in", Key=key)["Body"].read()
    client.put_object(Bucket="out", Key=key, Body=body)
'''

AUDIT = '''\
import boto3

TABLE = boto3.resource("dynamodb").Table("audit")


def record(keys):
    TABLE.put_item(Item={"keys": keys})
'''

FILES = {"src/app.py": APP, "src/jobs/__init__.py": "", "src/jobs/resize.py": RESIZE, "src/jobs/audit.py": AUDIT}


def test_functions_run_by_an_executor_or_a_thread_make_aws_calls_of_the_handler(tmp_path: Path) -> None:
    found = calls_of(tmp_path, FILES)
    assert named(found) == {("s3", "client", "get_object"), ("s3", "client", "put_object"),
                            ("ssm", "client", "get_parameter"), ("dynamodb", "Table", "put_item")}
    # the client handed to `pool.submit(resize, s3, key)` is `resize`'s `client`
    assert found.complete


def test_per_invocation_rules_follow_the_executor_into_the_function(tmp_path: Path) -> None:
    write_tree(tmp_path, {"template.yaml": TEMPLATE, **FILES})
    result = run_lint(tmp_path, select=("LL101", "LL103", "LL107"))
    assert codes_at(result) == [("LL101", "src/app.py", 33), ("LL103", "src/app.py", 33),
                                ("LL107", "src/app.py", 35)]


def test_a_submit_that_is_not_an_executors_and_unknown_callables_run_nothing(tmp_path: Path) -> None:
    write_tree(tmp_path, {"template.yaml": TEMPLATE, "src/app.py": '''\
import boto3
from concurrent.futures import ThreadPoolExecutor

from forms import Form

POOL = ThreadPoolExecutor()
SEEN = []


def _remember(key):
    SEEN.append(key)


def handler(event, context):
    Form().submit(_remember, "k")       # a project class's `submit`: not an executor
    POOL.submit(lambda: None)           # nothing of the project to run
    POOL.submit(event["fn"])            # not a name the analysis can follow
    return POOL.submit(len, "k").result()
''', "src/forms.py": '''\
class Form:
    def submit(self, callback, value):
        return value
'''})
    assert codes_at(run_lint(tmp_path, select=("LL107",))) == []


def test_a_client_handed_to_a_thread_inside_its_args_tuple_is_not_followed(tmp_path: Path) -> None:
    found = calls_of(tmp_path, {"src/app.py": '''\
import threading

import boto3

s3 = boto3.client("s3")


def upload(client, key):
    client.put_object(Bucket="b", Key=key, Body=b"")


def handler(event, context):
    worker = threading.Thread(target=upload, args=(s3, event["key"]))
    worker.start()
    worker.join()
'''})
    assert not found.complete
    assert any("passed to `threading.Thread` in a container" in u.reason for u in found.unknown)


# The SQS consumer of aws-samples/serverless-samples (owasp-api-security-controls-demo), as written:
# each record goes to `record_handler` through Powertools.
BATCH = '''\
import os
import boto3
from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.batch import (
    BatchProcessor,
    EventType,
    process_partial_response,
)

processor = BatchProcessor(event_type=EventType.SQS)
logger = Logger()
table = boto3.resource("dynamodb").Table(os.environ["FULFILLMENT_TABLE"])


def record_handler(record):
    table.put_item(Item=record.json_body)


@logger.inject_lambda_context
def handler(event, context):
    return process_partial_response(
        event=event, record_handler=record_handler, processor=processor, context=context,
    )
'''


def test_powertools_batch_processing_runs_the_record_handler(tmp_path: Path) -> None:
    found = calls_of(tmp_path, {"src/app.py": BATCH})
    assert named(found) == {("dynamodb", "Table", "put_item")}
    decorated = BATCH.replace("from aws_lambda_powertools.utilities.batch import (", "from aws_lambda_powertools.utilities.batch import (\n    batch_processor,").replace(
        """@logger.inject_lambda_context
def handler(event, context):
    return process_partial_response(
        event=event, record_handler=record_handler, processor=processor, context=context,
    )""", """@batch_processor(record_handler=record_handler, processor=processor)
def handler(event, context):
    return processor.response()""")
    assert named(calls_of(tmp_path / "decorated", {"src/app.py": decorated})) == {("dynamodb", "Table", "put_item")}


def test_a_helper_that_loads_twice_is_one_finding_naming_both_loads(tmp_path: Path) -> None:
    # as Neosperience/starter-serverless-python's `loadConfig` reads a schema and then a config
    config = '''\
import json


def load_config():
    with open("config/schema.json") as infile:
        schema = json.load(infile)
    with open("config/config.json") as infile:
        config = json.load(infile)
    return config, schema
'''
    app = '''\
from config import load_config


def handler(event, context):
    config, _ = load_config()
    return config[event["key"]]
'''
    write_tree(tmp_path, {"template.yaml": TEMPLATE, "src/app.py": app, "src/config.py": config})
    [finding] = run_lint(tmp_path, select=("LL104",)).visible
    assert (finding.span.path, finding.span.line) == ("src/app.py", 5)
    assert [(r.span.path, r.span.line) for r in finding.related if not r.message.startswith("handler")] == [
        ("src/config.py", 6), ("src/config.py", 8)]


def test_a_helper_that_makes_a_session_and_its_client_is_one_finding_naming_both(tmp_path: Path) -> None:
    """`session = boto3.session.Session(); client = session.client(...)` in the `get_secret()`
    the handler calls (AWS's own Secrets Manager snippet, Wells-Huang/terraform-lambda-to-rds,
    judged): one mistake, one finding at the helper's call, with both creations as related places
    (it was two findings at the same place). Another helper at the next line is its own finding."""
    app = '''\
import json

import boto3


def get_secret():
    session = boto3.session.Session()
    client = session.client(service_name="secretsmanager")
    return json.loads(client.get_secret_value(SecretId="db")["SecretString"])


def queue():
    return boto3.client("sqs")


def handler(event, context):
    creds = get_secret()
    queue().send_message(QueueUrl=event["queue"], MessageBody=creds["username"])
'''
    write_tree(tmp_path, {"template.yaml": TEMPLATE, "src/app.py": app})
    found = run_lint(tmp_path, select=("LL101",)).visible
    assert [(f.span.line, f.message) for f in found] == [
        (17, "`get_secret()` creates a `boto3.Session` on every invocation"),
        (18, "`queue()` creates a `boto3.client` on every invocation")]
    assert [(r.span.line, r.message) for r in found[0].related if not r.message.startswith("handler")] == [
        (7, "`boto3.Session` called in `get_secret` here"), (8, "`session.client` called in `get_secret` here")]


def test_a_finding_in_code_two_functions_run_names_both_functions(tmp_path: Path) -> None:
    """Two functions deployed from one handler (Wells-Huang/terraform-lambda-to-rds, judged: a
    rotation function and its leftover twin): one finding in the code, whose related places name
    the handler configuration of each (the second function was named nowhere)."""
    template = TEMPLATE + """\
  Twin:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: app.handler
      Runtime: python3.12
"""
    app = '''\
import boto3


def handler(event, context):
    client = boto3.client("secretsmanager")
    return client.get_secret_value(SecretId=event["SecretId"])["SecretString"]
'''
    write_tree(tmp_path, {"template.yaml": template, "src/app.py": app})
    [finding] = run_lint(tmp_path, select=("LL101",)).visible
    assert [(r.message, r.span.line) for r in finding.related] == [
        ("handler of `Fn` configured here", 7), ("handler of `Twin` configured here", 13)]
