"""
## What it does
Reports a handler that writes to the very S3 bucket, SQS queue or SNS topic that triggers it:
`put_object` / `upload_file` / `copy_object` to the bucket, `send_message` to the queue, `publish` to
the topic, where the destination is read from the environment variable the template wires to that
same resource (`BUCKET: !Ref Uploads`, `QUEUE_URL: !Ref Jobs`, `TOPIC_ARN: !Ref Events`), or taken
from the event itself (`record["s3"]["bucket"]["name"]`, `record["Sns"]["TopicArn"]`).

An S3 trigger with a prefix or suffix filter is not reported: the filter is how input and output
are kept apart in one bucket. Destinations the code builds at run time in other ways (string
formatting, lookups) are not followed. The execution role alone is not taken as evidence: a role
that may write to the source is usually shared (Serverless `provider.iam`, one role for a producer
and its consumer), so without the handler's code there is no finding.

## Why is this bad?
Every write triggers the function again, which writes again: an infinite loop that runs up
concurrency and the bill until someone notices. Lambda's recursive loop detection stops some loops
after about 16 invocations, but each of those is billed and the event is dropped.

## Example
```python
BUCKET = os.environ["BUCKET"]           # BUCKET: !Ref Uploads, which triggers the function

def handler(event, context):
    s3.put_object(Bucket=BUCKET, Key="thumbnails/" + key, Body=data)
```

## How to fix
Write to a second bucket, queue or topic. For S3, if one bucket must hold both, put input and
output under different prefixes and filter the trigger (`Filter: {S3Key: {Rules: [{Name: prefix,
Value: uploads/}]}}`; Serverless `rules: [{prefix: uploads/}]`).

## References
- https://docs.aws.amazon.com/lambda/latest/dg/invocation-recursion.html
- https://docs.aws.amazon.com/lambda/latest/dg/with-s3.html
"""

from __future__ import annotations

from typing import Iterator

from lambdalint.rulekit import (
    ENV_NAMES, EVENT_S3_BUCKET, EVENT_SNS_TOPIC, UNKNOWN_ARG, Arg, CallFact, Context, Finding, Function, Located, Related, Rule, Trigger, bad, code_analysis,
    function_triggers, good, handler_owner, reachable_env, variables_naming,
)

# (service, method) -> where the destination is: a keyword, or a positional index.
_WRITES: dict[str, dict[str, tuple[str, int | None]]] = {
    "s3": {"put_object": ("Bucket", None), "copy_object": ("Bucket", None),
           "upload_file": ("Bucket", 1), "upload_fileobj": ("Bucket", 1), "copy": ("Bucket", 1)},
    "sqs": {"send_message": ("QueueUrl", None), "send_message_batch": ("QueueUrl", None)},
    "sns": {"publish": ("TopicArn", None), "publish_batch": ("TopicArn", None)},
}
_NOUNS = {"s3": "bucket", "sqs": "queue", "sns": "topic"}
# How the extractor describes a value taken from the triggering event's own bucket or topic.
_EVENT_SOURCES = {"s3": EVENT_S3_BUCKET, "sns": EVENT_SNS_TOPIC}


def check(ctx: Context) -> Iterator[Finding]:
    analysis = code_analysis(ctx)
    reported: set[object] = set()
    for handler in analysis.handlers:
        function = handler.entry.template_function
        if function is None:
            continue
        triggers = [t for t in function_triggers(function) if t.kind in _WRITES]
        if not triggers:
            continue
        wired = [(t, variables_naming(function, t.source or "", _literal_source(t)))
                 for t in triggers if not _filtered(t)]
        # `BUCKET = os.environ["BUCKET"]` at module level or in a function: the name stands for it.
        aliases = {fact.target: fact.variable for fact, _ in reachable_env(analysis, handler, ctx.project)
                   if fact.kind == "read" and fact.target and fact.variable}
        for call, reached in analysis.per_invocation(handler):
            if reached.site in reported:
                continue
            for kind in sorted({t.kind for t in triggers}):
                hit = _match(call, kind, reached.function.event_values, aliases, triggers, wired)
                if hit is not None:
                    reported.add(reached.site)
                    trigger, variable, value = hit
                    yield _finding(ctx, function, handler_owner(handler), call, reached, trigger, variable, value)
                    break


def _match(call: CallFact, kind: str, event_values: dict[str, Arg], aliases: dict[str, str],
           triggers: list[Trigger], wired: list[tuple[Trigger, dict[str, Located]]]
           ) -> tuple[Trigger, str | None, Located | None] | None:
    """The trigger a write call feeds, with the variable that names it (None: taken from the event)."""
    described = _destination(call, kind)
    if described.kind == "name":
        name = described.value
        described = event_values.get(name) or (Arg("env", aliases[name]) if name in aliases else UNKNOWN_ARG)
    if described.kind and described == _EVENT_SOURCES.get(kind):
        same = [t for t in triggers if t.kind == kind]
        # a filtered trigger may be exactly what keeps the written keys out of the input
        if same and not any(_filtered(t) for t in same):
            return same[0], None, None
        return None
    if described.kind == "env":
        variable = described.value
        for trigger, names in wired:
            if trigger.kind == kind and variable in names:
                return trigger, variable, names[variable]
    return None


def _finding(ctx: Context, function: Function, owner: str | None, call: CallFact, reached,
             trigger: Trigger, variable: str | None, value: Located | None) -> Finding:
    noun = _NOUNS[trigger.kind]
    method = _method(call) or "write"
    source = trigger.source or (_literal_source(trigger) or trigger.name)
    related = []
    if reached.in_helper:
        related.append(Related(f"`{method}` called here", reached.origin))
    related.append(Related(f"`{function.name}` is triggered by `{source}` here", trigger.span))
    if variable is not None and value is not None:
        related.append(Related(f"`{variable}` names `{source}` here", value.key_span or value.span))
        message = f"`{method}` writes to `{source}`, the {noun} that triggers `{function.name}`"
    else:
        message = (f"`{method}` writes back to the {noun} the event came from (`{source}`), "
                   f"which triggers `{function.name}`")
    if trigger.kind == "s3":
        hint = ("Write to another bucket, or keep input and output under different prefixes and "
                "filter the trigger to the input prefix.")
    else:
        hint = f"Send the result to another {noun}; a {noun} that feeds itself loops until stopped."
    return ctx.finding(reached.site, message, hint, function=owner, related=related)


def _destination(call: CallFact, kind: str) -> Arg:
    """What a write call's destination argument is (UNKNOWN_ARG when it is no write of `kind`)."""
    where = _WRITES[kind].get(_method(call) or "")
    if where is None:
        return UNKNOWN_ARG
    keyword, index = where
    described = dict(call.keywords).get(keyword)
    if described is None and index is not None and len(call.positional) > index:
        described = call.positional[index]
    return described or UNKNOWN_ARG


def _method(call: CallFact) -> str | None:
    for name in sorted(call.names):
        return name.rsplit(".", 1)[-1]
    return None


def _filtered(trigger: Trigger) -> bool:
    return trigger.kind == "s3" and trigger.key_filter is not None


def _literal_source(trigger: Trigger) -> str | None:
    """The source's name as written when the framework creates it by name (a Serverless S3 event)."""
    return trigger.source_name


SAM_S3 = """\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  ImagesBucket:
    Type: AWS::S3::Bucket
  ThumbnailFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: app.handler
      Runtime: python3.12
      Timeout: 30
      Environment:
        Variables:
          BUCKET: !Ref ImagesBucket
      Policies:
        - S3CrudPolicy: {BucketName: !Ref ImagesBucket}
      Events:
        Upload:
          Type: S3
          Properties:
            Bucket: !Ref ImagesBucket
            Events: s3:ObjectCreated:*
"""

SAM_S3_FILTERED = SAM_S3 + """\
            Filter:
              S3Key:
                Rules:
                  - Name: prefix
                    Value: uploads/
"""

SAM_S3_TWO_BUCKETS = SAM_S3.replace("BUCKET: !Ref ImagesBucket", "BUCKET: !Ref ThumbnailsBucket") + """\
  ThumbnailsBucket:
    Type: AWS::S3::Bucket
"""

SAM_SQS = """\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  JobsQueue:
    Type: AWS::SQS::Queue
    Properties:
      VisibilityTimeout: 180
  ResultsQueue:
    Type: AWS::SQS::Queue
  WorkerFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: worker.handler
      Runtime: python3.12
      Timeout: 30
      Environment:
        Variables:
          JOBS_QUEUE_URL: !Ref JobsQueue
          RESULTS_QUEUE_URL: !Ref ResultsQueue
      Events:
        Jobs:
          Type: SQS
          Properties:
            Queue: !GetAtt JobsQueue.Arn
"""

SNS_CFN = """\
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  OrderEvents:
    Type: AWS::SNS::Topic
  Enricher:
    Type: AWS::Lambda::Function
    Properties:
      Handler: enrich.handler
      Runtime: python3.12
      Timeout: 10
      Role: !GetAtt EnricherRole.Arn
      Code: ./enricher
      Environment:
        Variables:
          EVENTS_TOPIC_ARN: !Ref OrderEvents
  EnricherSubscription:
    Type: AWS::SNS::Subscription
    Properties:
      Protocol: lambda
      TopicArn: !Ref OrderEvents
      Endpoint: !GetAtt Enricher.Arn
"""

RULE = Rule(
    code="LL209",
    slug="recursive-trigger",
    severity="warning",
    reports_in=frozenset({"python"}),
    summary="The handler writes to the bucket, queue or topic that triggers it",
    check=check,
    docs=__doc__ or "",
    needs_code=True,
    code_names=tuple(sorted({m for methods in _WRITES.values() for m in methods})) + ENV_NAMES,
    tags=("code", "triggers"),
    examples=(
        bad(files={"template.yaml": SAM_S3, "src/app.py": """\
import os

import boto3

s3 = boto3.client("s3")
BUCKET = os.environ["BUCKET"]


def handler(event, context):
    for record in event["Records"]:
        key = record["s3"]["object"]["key"]
        body = s3.get_object(Bucket=BUCKET, Key=key)["Body"].read()
        s3.put_object(Bucket=BUCKET, Key=f"thumbnails/{key}", Body=body[:1024])  # [recursive-trigger]
"""}, title="thumbnail written back to the source bucket"),
        bad(files={"template.yaml": SAM_S3, "src/app.py": """\
import os

import boto3

s3 = boto3.client("s3")


def handler(event, context):
    key = event["Records"][0]["s3"]["object"]["key"]
    s3.download_file(os.environ["BUCKET"], key, "/tmp/in")
    s3.upload_file("/tmp/out", os.environ["BUCKET"], key + ".out")  # [recursive-trigger]
"""}, title="upload_file with positional bucket"),
        bad(files={"template.yaml": SAM_S3, "src/app.py": """\
from storage import save


def handler(event, context):
    for record in event["Records"]:
        save(record["s3"]["object"]["key"] + ".json", b"{}")  # [recursive-trigger]
""", "src/storage.py": """\
import os

import boto3

_s3 = boto3.client("s3")


def save(key, data):
    bucket = os.environ["BUCKET"]
    _s3.put_object(Bucket=bucket, Key=key, Body=data)
"""}, title="the write happens in a helper module"),
        bad(files={"template.yaml": SAM_SQS, "src/worker.py": """\
import json
import os

import boto3

sqs = boto3.client("sqs")
QUEUE_URL = os.environ["JOBS_QUEUE_URL"]


def handler(event, context):
    for record in event["Records"]:
        job = json.loads(record["body"])
        if job.get("retry"):
            sqs.send_message(QueueUrl=QUEUE_URL, MessageBody=record["body"])  # [recursive-trigger]
"""}, title="SQS worker re-queues onto its own queue"),
        bad(files={"template.yaml": SNS_CFN, "enricher/enrich.py": """\
import json
import os

import boto3

sns = boto3.client("sns")


def handler(event, context):
    for record in event["Records"]:
        order = json.loads(record["Sns"]["Message"])
        order["enriched"] = True
        sns.publish(TopicArn=os.environ["EVENTS_TOPIC_ARN"], Message=json.dumps(order))  # [recursive-trigger]
"""}, title="SNS subscriber publishes to its own topic"),
        bad(files={"main.tf": """\
resource "aws_sns_topic" "guardduty_alerts" {
  name = "guardduty-alerts"
}

resource "aws_lambda_function" "alert" {
  function_name = "guardduty-alert"
  role          = "arn:aws:iam::123456789012:role/alert"
  handler       = "app.handler"
  runtime       = "python3.12"
  filename      = "build/alert.zip"
  timeout       = 10
  environment {
    variables = {
      SNS_TOPIC_ARN = aws_sns_topic.guardduty_alerts.arn
    }
  }
}

resource "aws_sns_topic_subscription" "alert" {
  topic_arn = aws_sns_topic.guardduty_alerts.arn
  protocol  = "lambda"
  endpoint  = aws_lambda_function.alert.arn
}

data "archive_file" "alert" {
  type        = "zip"
  source_dir  = "src"
  output_path = "build/alert.zip"
}
""", "src/app.py": """\
import json
import os

import boto3

sns = boto3.client("sns")


def handler(event, context):
    finding = json.loads(event["Records"][0]["Sns"]["Message"])
    sns.publish(TopicArn=os.environ["SNS_TOPIC_ARN"], Message=json.dumps(finding))  # [recursive-trigger]
"""}, title="Terraform: the variable names the topic by its address (cloudcr0w/security-alerting-pipeline)"),
        bad(files={"serverless.yml": """\
service: media
provider:
  name: aws
  runtime: python3.12
  environment:
    MEDIA_BUCKET: acme-media-uploads
functions:
  transcode:
    handler: handler.transcode
    events:
      - s3:
          bucket: acme-media-uploads
          event: s3:ObjectCreated:*
""", "handler.py": """\
import os

import boto3

s3 = boto3.client("s3")


def transcode(event, context):
    key = event["Records"][0]["s3"]["object"]["key"]
    s3.copy_object(Bucket=os.environ["MEDIA_BUCKET"], Key=key + ".mp4",  # [recursive-trigger]
                   CopySource={"Bucket": os.environ["MEDIA_BUCKET"], "Key": key})
"""}, title="Serverless bucket by name"),
        good(files={"template.yaml": SAM_S3_TWO_BUCKETS, "src/app.py": """\
import os

import boto3

s3 = boto3.client("s3")
BUCKET = os.environ["BUCKET"]


def handler(event, context):
    for record in event["Records"]:
        key = record["s3"]["object"]["key"]
        s3.put_object(Bucket=BUCKET, Key=key, Body=b"thumb")
"""}, title="output goes to a second bucket"),
        good(files={"template.yaml": SAM_S3_FILTERED, "src/app.py": """\
import os

import boto3

s3 = boto3.client("s3")
BUCKET = os.environ["BUCKET"]


def handler(event, context):
    for record in event["Records"]:
        key = record["s3"]["object"]["key"]
        s3.put_object(Bucket=BUCKET, Key=key.replace("uploads/", "thumbnails/"), Body=b"thumb")
"""}, title="same bucket, trigger filtered to a prefix"),
        good(files={"template.yaml": SAM_SQS, "src/worker.py": """\
import os

import boto3

sqs = boto3.client("sqs")


def handler(event, context):
    for record in event["Records"]:
        sqs.send_message(QueueUrl=os.environ["RESULTS_QUEUE_URL"], MessageBody=record["body"])
"""}, title="results go to another queue"),
        good(files={"template.yaml": SAM_SQS, "src/worker.py": """\
import os

import boto3

sqs = boto3.client("sqs")
QUEUE_URL = os.environ["JOBS_QUEUE_URL"]


def handler(event, context):
    for record in event["Records"]:
        sqs.delete_message(QueueUrl=QUEUE_URL, ReceiptHandle=record["receiptHandle"])
        sqs.change_message_visibility(QueueUrl=QUEUE_URL, ReceiptHandle=record["receiptHandle"],
                                      VisibilityTimeout=0)
"""}, title="reading and deleting from the own queue"),
        good(files={"template.yaml": SNS_CFN, "enricher/enrich.py": """\
import json

import boto3

sns = boto3.client("sns")


def handler(event, context):
    for record in event["Records"]:
        sns.publish(TopicArn=record["Sns"]["TopicArn"].replace("order-events", "enriched"),
                    Message=record["Sns"]["Message"])
"""}, title="destination built at run time is not guessed"),
        good(files={"template.yaml": SAM_S3, "src/app.py": """\
import os

import boto3

s3 = boto3.client("s3")


def handler(event, context):
    return s3.generate_presigned_url("get_object", Params={"Bucket": os.environ["BUCKET"], "Key": "x"})


def backfill():
    # an operator script, never reached from the handler
    s3.put_object(Bucket=os.environ["BUCKET"], Key="seed", Body=b"")
"""}, title="writes the handler never reaches"),
        bad(files={"template.yaml": SAM_S3, "src/app.py": """\
from contextlib import closing

import boto3

s3 = boto3.client("s3")
polly = boto3.client("polly")


def handler(event, context):
    bucket_name = event["Records"][0]["s3"]["bucket"]["name"]
    key = event["Records"][0]["s3"]["object"]["key"]
    text = s3.get_object(Bucket=bucket_name, Key=key)["Body"].read().decode("utf-8")
    speech = polly.synthesize_speech(Text=text, OutputFormat="mp3", VoiceId="Joanna")
    with closing(speech["AudioStream"]) as stream:
        s3.put_object(Key=key.split(".")[0] + ".mp3", Body=stream.read(), Bucket=bucket_name)  # [recursive-trigger]
"""}, title="written back to the bucket named in the event"),
        good(files={"template.yaml": SAM_S3_FILTERED, "src/app.py": """\
import boto3

s3 = boto3.client("s3")


def handler(event, context):
    for record in event["Records"]:
        bucket = record["s3"]["bucket"]["name"]
        key = record["s3"]["object"]["key"]
        s3.copy_object(Bucket=bucket, Key=key.replace("uploads/", "archive/"),
                       CopySource={"Bucket": bucket, "Key": key})
"""}, title="bucket from the event, trigger filtered to a prefix"),
    ),
)
