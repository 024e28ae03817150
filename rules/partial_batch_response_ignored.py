"""
## What it does
Reports an SQS, Kinesis or DynamoDB Streams event source whose function reports partial batch
failures (its code returns a `batchItemFailures` key, or uses Powertools'
`process_partial_response`, `BatchProcessor` or `@batch_processor`) while the event source lacks
`FunctionResponseTypes: [ReportBatchItemFailures]` (Serverless: `functionResponseType:
ReportBatchItemFailures`).

## Why is this bad?
Lambda reads the partial batch response only when the event source mapping asks for it. Without
`ReportBatchItemFailures` a handler that returns normally has processed the whole batch: the
records it listed as failed are deleted from the queue (or the stream moves past them) and are
lost. It looks right in the code and in unit tests, and fails only in production.

## Example
```yaml
Events:
  Orders:
    Type: SQS
    Properties:
      Queue: !GetAtt OrdersQueue.Arn
```
```python
processor = BatchProcessor(event_type=EventType.SQS)

def handler(event, context):
    return process_partial_response(event=event, record_handler=record_handler,
                                    processor=processor, context=context)
```

## How to fix
Add `FunctionResponseTypes: [ReportBatchItemFailures]` to the event (SAM) or event source mapping
(CloudFormation), or `functionResponseType: ReportBatchItemFailures` to the Serverless `sqs` or
`stream` event.

## References
- https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html#services-sqs-batchfailurereporting
- https://docs.powertools.aws.dev/lambda/python/latest/utilities/batch/
"""

from __future__ import annotations

from typing import Iterator

from lambdalint.rulekit import (BATCH_NAMES, Context, Finding, Related, Rule, bad, batch_response, code_analysis,
                                function_triggers, good)

def check(ctx: Context) -> Iterator[Finding]:
    from lambdalint.rulekit import batch_failures_setting, reports_batch_failures

    analysis = code_analysis(ctx)
    texts = {display: source.text for display, source in ctx.project.sources.items()}
    seen: set[int] = set()
    for handler in analysis.handlers:
        function = handler.entry.template_function
        if function is None or id(function) in seen:
            continue
        seen.add(id(function))
        use = batch_response(analysis, handler, texts)
        if use is None:
            continue
        for trigger in function_triggers(function):
            if reports_batch_failures(trigger) is not False:
                continue
            yield ctx.finding(
                trigger.span,
                f"`{function.name}` reports partial batch failures (`{use.what}`) but its {trigger.kind} source "
                f"`{trigger.source or trigger.name}` does not read them: failed records are deleted as processed",
                f"Add {batch_failures_setting(trigger)}.",
                function=function.name,
                related=[Related(f"partial batch response (`{use.what}`)", use.span)],
            )


RULE = Rule(
    code="LL210",
    slug="partial-batch-response-ignored",
    severity="error",
    reports_in=frozenset({"template"}),
    summary="The handler reports partial batch failures the event source ignores",
    overview="the handler reports partial batch failures (`batchItemFailures`, Powertools batch "
             "processing) but an SQS, Kinesis or DynamoDB source lacks `ReportBatchItemFailures`",
    check=check,
    docs=__doc__ or "",
    needs_code=True,
    code_names=BATCH_NAMES,
    code_patterns=(r"batchItemFailures",),
    tags=("correctness", "reliability"),
    examples=(
        bad(files={"template.yaml": """\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  OrdersQueue:
    Type: AWS::SQS::Queue
  OrdersConsumer:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: app.handler
      Runtime: python3.12
      Events:
        Orders:  # [partial-batch-response-ignored]
          Type: SQS
          Properties:
            Queue: !GetAtt OrdersQueue.Arn
            BatchSize: 10
""", "src/app.py": """\
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response

processor = BatchProcessor(event_type=EventType.SQS)


def record_handler(record):
    print(record.body)


def handler(event, context):
    return process_partial_response(event=event, record_handler=record_handler, processor=processor,
                                    context=context)
"""}, title="Powertools batch processing, SAM SQS event",
            message="`OrdersConsumer` reports partial batch failures (`process_partial_response`) but its sqs source "
                    "`OrdersQueue` does not read them: failed records are deleted as processed"),
        bad(files={"serverless.yml": """\
service: orders
provider:
  name: aws
  runtime: python3.12
functions:
  consume:
    handler: handler.consume
    events:
      - sqs:  # [partial-batch-response-ignored]
          arn: arn:aws:sqs:eu-west-1:123456789012:orders
          batchSize: 10
""", "handler.py": """\
import json


def consume(event, context):
    failures = []
    for record in event["Records"]:
        try:
            json.loads(record["body"])
        except ValueError:
            failures.append({"itemIdentifier": record["messageId"]})
    return {"batchItemFailures": failures}
"""}, title="hand-written response, Serverless sqs event"),
        bad(files={"template.yaml": """\
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Worker:
    Type: AWS::Lambda::Function
    Properties:
      Handler: app.handler
      Runtime: python3.12
      Role: !GetAtt WorkerRole.Arn
      Code: src/
  StreamMapping:  # [partial-batch-response-ignored]
    Type: AWS::Lambda::EventSourceMapping
    Properties:
      EventSourceArn: !GetAtt OrdersTable.StreamArn
      FunctionName: !Ref Worker
      StartingPosition: LATEST
  OrdersTable:
    Type: AWS::DynamoDB::Table
""", "src/app.py": """\
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, batch_processor

processor = BatchProcessor(event_type=EventType.DynamoDBStreams)


def record_handler(record):
    return record.dynamodb.new_image


@batch_processor(record_handler=record_handler, processor=processor)
def handler(event, context):
    return processor.response()
"""}, title="DynamoDB stream mapping, @batch_processor"),
        good(files={"template.yaml": """\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  OrdersConsumer:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: app.handler
      Runtime: python3.12
      Events:
        Orders:
          Type: SQS
          Properties:
            Queue: !GetAtt OrdersQueue.Arn
            FunctionResponseTypes:
              - ReportBatchItemFailures
        Nightly:
          Type: Schedule
          Properties:
            Schedule: rate(1 day)
""", "src/app.py": """\
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response

processor = BatchProcessor(event_type=EventType.SQS)


def handler(event, context):
    return process_partial_response(event=event, record_handler=print, processor=processor, context=context)
"""}, title="ReportBatchItemFailures set; a schedule next to it"),
        good(files={"serverless.yml": """\
service: orders
provider:
  name: aws
  runtime: python3.12
functions:
  consume:
    handler: handler.consume
    events:
      - sqs:
          arn: arn:aws:sqs:eu-west-1:123456789012:orders
          functionResponseType: ReportBatchItemFailures
  audit:
    handler: handler.audit
    events:
      - sqs:
          arn: arn:aws:sqs:eu-west-1:123456789012:audit
""", "handler.py": """\
def consume(event, context):
    # returns {"batchItemFailures": [...]} for the records that failed
    failures = [{"itemIdentifier": r["messageId"]} for r in event["Records"] if not r["body"]]
    return {"batchItemFailures": failures}


def audit(event, context):
    for record in event["Records"]:
        print(record["body"])
"""}, title="Serverless functionResponseType; a plain consumer in the same module"),
        good(files={"template.yaml": """\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  OrdersWorker:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: app.handler
      Runtime: python3.12
      Events:
        Orders:
          Type: SQS
          Properties:
            Queue: !GetAtt OrdersQueue.Arn
""", "src/app.py": """\
import json


def handler(event, context):
    for record in event["Records"]:
        json.loads(record["body"])  # a bad record raises: the whole batch is retried
    return {"batchItemFailures": []}
"""}, title="an always-empty response reports no failure"),
    ),
)
