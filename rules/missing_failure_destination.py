"""
## What it does
Reports events that can be lost or block a stream without anyone hearing about it:
- a function invoked asynchronously (S3, SNS, EventBridge rules and schedules, EventBridge
  Scheduler, CloudWatch Logs, IoT rules, a CloudWatch alarm's Lambda action) that has no dead-letter queue (`DeadLetterQueue`,
  `DeadLetterConfig`, Serverless `onError`), no `OnFailure` destination and no `EventInvokeConfig`
  (SAM property, `AWS::Lambda::EventInvokeConfig` resource, Serverless `destinations` /
  `maximumRetryAttempts` / `maximumEventAge`);
- a Kinesis or DynamoDB stream event source that has no `DestinationConfig.OnFailure`, no
  `BisectBatchOnFunctionError: true` and no bounded `MaximumRetryAttempts`.

An EventBridge rule or Scheduler target that has its own dead-letter queue (`DeadLetterConfig` of
an `AWS::Events::Rule` target or an `AWS::Scheduler::Schedule` `Target`, `DeadLetterConfig` of a
SAM Schedule, ScheduleV2, EventBridgeRule or CloudWatchEvent event, Serverless
`deadLetterQueueArn` on an `eventBridge` event) satisfies the rule for that trigger: the template
shows its author chose where undelivered events of that source go. Other asynchronous triggers of
the same function are still judged. An SNS `RedrivePolicy` does not count.

## Why is this bad?
Lambda retries a failed asynchronous event twice and then drops it; without a destination the event
is gone and only a log line says it ever existed. On a stream, a record that keeps failing is
retried until it expires (up to a week for Kinesis, a day for DynamoDB) and blocks its whole shard
meanwhile.

## Example
```yaml
ThumbnailFunction:
  Type: AWS::Serverless::Function
  Properties:
    Events:
      Upload:
        Type: S3
        Properties: {Bucket: !Ref Uploads, Events: s3:ObjectCreated:*}
```

## How to fix
Add `EventInvokeConfig: {DestinationConfig: {OnFailure: {Type: SQS}}}` (or a `DeadLetterQueue`) to
the function, SAM `Globals.Function` works too; for streams set `DestinationConfig.OnFailure` and
`BisectBatchOnFunctionError: true` on the event source mapping, or bound `MaximumRetryAttempts`.

## References
- https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html
- https://docs.aws.amazon.com/lambda/latest/dg/kinesis-on-failure-destination.html
- https://awslabs.github.io/serverless-rules/rules/lambda/async_failure_destination/ (ES1007)
- https://awslabs.github.io/serverless-rules/rules/lambda/eventsourcemapping_failure_destination/ (ES1001)
"""

from __future__ import annotations

from typing import Iterator

from lambdalint.rulekit import Context, Finding, Located, Related, Rule, Trigger, bad, good, template_triggers

_ASYNC_NAMES = {
    "sns": "SNS", "s3": "S3", "schedule": "a schedule", "scheduler": "EventBridge Scheduler",
    "eventbridge": "EventBridge", "logs": "CloudWatch Logs", "iot": "an IoT rule", "alarm": "a CloudWatch alarm",
    "api": "API Gateway (`X-Amz-Invocation-Type: Event`)",
}


def check(ctx: Context) -> Iterator[Finding]:
    for template in ctx.project.templates:
        by_function: dict[int, list[Trigger]] = {}
        for trigger in template_triggers(template):
            if trigger.is_async and trigger.function is not None and trigger.target_dead_letter is None:
                by_function.setdefault(id(trigger.function), []).append(trigger)
            elif trigger.is_stream:
                finding = _stream_finding(ctx, trigger)
                if finding is not None:
                    yield finding
        for function in template.functions:
            sources = by_function.get(id(function))
            # `failure_handling`: a dead-letter queue, destination or invoke config, on the
            # function or in a resource configuring it, as its loader found it
            if not sources or function.failure_handling is not None:
                continue
            kinds = sorted({_ASYNC_NAMES[t.kind] for t in sources})
            yield ctx.finding(
                function.span,
                f"`{function.name}` is invoked asynchronously by {_join(kinds)} "
                "but failed events go nowhere",
                function.failure_hint,
                function=function.name,
                related=[Related(f"asynchronous trigger `{t.name}`", t.span) for t in sources],
            )


def _join(words: list[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


def _stream_finding(ctx: Context, trigger: Trigger) -> Finding | None:
    if trigger.on_failure is not None or _maybe_true(trigger.bisect) or _bounded(trigger.max_retries):
        return None
    stream = {"kinesis": "Kinesis stream", "dynamodb": "DynamoDB stream"}.get(trigger.kind, "stream")
    owner = f"`{trigger.function.name}`" if trigger.function is not None else f"mapping `{trigger.name}`"
    return ctx.finding(
        trigger.span,
        f"{owner} reads a {stream} with unlimited retries and no failure destination "
        f"(`{trigger.name}`)",
        trigger.stream_hint,
        function=trigger.function.name if trigger.function is not None else None,
    )


def _maybe_true(node: Located | None) -> bool:
    if node is None:
        return False
    return node.value is True or not node.is_literal or (
        isinstance(node.value, str) and node.value.lower() == "true")


def _bounded(node: Located | None) -> bool:
    if node is None:
        return False
    if not node.is_literal:
        return True  # a parameter: not known, so not reported
    try:
        return int(node.value) >= 0
    except (TypeError, ValueError):
        return False


RULE = Rule(
    code="LL207",
    slug="missing-failure-destination",
    severity="warning",
    overview="async or stream events fail with no DLQ, destination or retry bound",
    reports_in=frozenset({"template"}),
    summary="Failed asynchronous or stream events are neither kept nor bounded",
    check=check,
    docs=__doc__ or "",
    tags=("triggers",),
    examples=(
        bad("""\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  UploadsBucket:
    Type: AWS::S3::Bucket
  ThumbnailFunction:  # [missing-failure-destination]
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: thumbnail.handler
      Runtime: python3.12
      Timeout: 30
      Events:
        Upload:
          Type: S3
          Properties:
            Bucket: !Ref UploadsBucket
            Events: s3:ObjectCreated:*
""", title="SAM S3 event"),
        bad("""\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  OrdersTable:
    Type: AWS::DynamoDB::Table
    Properties:
      BillingMode: PAY_PER_REQUEST
      AttributeDefinitions: [{AttributeName: pk, AttributeType: S}]
      KeySchema: [{AttributeName: pk, KeyType: HASH}]
      StreamSpecification: {StreamViewType: NEW_IMAGE}
  ProjectorFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: projector.handler
      Runtime: python3.12
      Events:
        Changes:  # [missing-failure-destination]
          Type: DynamoDB
          Properties:
            Stream: !GetAtt OrdersTable.StreamArn
            StartingPosition: TRIM_HORIZON
            BatchSize: 100
""", title="SAM DynamoDB stream"),
        bad("""\
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  ClickStream:
    Type: AWS::Kinesis::Stream
    Properties:
      ShardCount: 2
  Aggregator:
    Type: AWS::Lambda::Function
    Properties:
      Handler: aggregate.handler
      Runtime: python3.12
      Timeout: 60
      Role: !GetAtt AggregatorRole.Arn
      Code: {S3Bucket: artifacts, S3Key: aggregate.zip}
  AggregatorMapping:  # [missing-failure-destination]
    Type: AWS::Lambda::EventSourceMapping
    Properties:
      EventSourceArn: !GetAtt ClickStream.Arn
      FunctionName: !Ref Aggregator
      StartingPosition: LATEST
      MaximumRetryAttempts: -1
""", title="CloudFormation Kinesis mapping, infinite retries"),
        bad("""\
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  NightlyRule:
    Type: AWS::Events::Rule
    Properties:
      ScheduleExpression: cron(0 3 * * ? *)
      Targets:
        - Arn: !GetAtt CleanupFunction.Arn
          Id: cleanup
          DeadLetterConfig:
            Arn: !GetAtt RuleDlq.Arn
  RuleDlq:
    Type: AWS::SQS::Queue
  AlertsTopic:
    Type: AWS::SNS::Topic
    Properties:
      Subscription:
        - Protocol: lambda
          Endpoint: !GetAtt CleanupFunction.Arn
  CleanupFunction:  # [missing-failure-destination]
    Type: AWS::Lambda::Function
    Properties:
      Handler: cleanup.handler
      Runtime: python3.12
      Timeout: 300
      Role: !GetAtt CleanupRole.Arn
      Code: {S3Bucket: artifacts, S3Key: cleanup.zip}
""", title="a rule target DLQ covers only that rule, not the SNS subscription"),
        bad("""\
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  AlertsTopic:
    Type: AWS::SNS::Topic
  AlertsSubscription:
    Type: AWS::SNS::Subscription
    Properties:
      Protocol: lambda
      TopicArn: !Ref AlertsTopic
      Endpoint: !GetAtt PagerFunction.Arn
  PagerFunction:  # [missing-failure-destination]
    Type: AWS::Lambda::Function
    Properties:
      Handler: pager.handler
      Runtime: python3.12
      Role: !GetAtt PagerRole.Arn
      Code: {S3Bucket: artifacts, S3Key: pager.zip}
""", title="SNS subscription"),
        bad("""\
service: media
provider:
  name: aws
  runtime: python3.12
functions:
  transcode:  # [missing-failure-destination]
    handler: handler.transcode
    events:
      - s3:
          bucket: media-uploads
          event: s3:ObjectCreated:*
          rules:
            - suffix: .mov
  audit:
    handler: handler.audit
    events:
      - stream:  # [missing-failure-destination]
          type: dynamodb
          arn: !GetAtt AuditTable.StreamArn
""", name="serverless.yml", title="Serverless S3 and stream events"),
        bad("""\
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  EventSourceMapping:  # [missing-failure-destination]
    Type: AWS::Lambda::EventSourceMapping
    Properties:
      FunctionName: orders-projector
      EventSourceArn: arn:aws:dynamodb:eu-west-1:123456789012:table/orders/stream/2024-01-01T00:00:00.000
      StartingPosition: LATEST
""", title="mapping on a function outside the template"),
        bad("""\
resource "aws_cloudwatch_metric_alarm" "cpu_high" {
  alarm_name          = "ec2-cpu-high"
  comparison_operator = "GreaterThanThreshold"
  evaluation_periods  = 2
  metric_name         = "CPUUtilization"
  namespace           = "AWS/EC2"
  period              = 300
  statistic           = "Average"
  threshold           = 90
  alarm_actions       = [aws_lambda_function.remediation.arn]
}

resource "aws_lambda_function" "remediation" {  # [missing-failure-destination]
  function_name = "ec2-remediation"
  filename      = "remediation.zip"
  handler       = "lambda_function.lambda_handler"
  runtime       = "python3.12"
  timeout       = 60
  role          = "arn:aws:iam::123456789012:role/remediation"
}

resource "aws_lambda_permission" "allow_cloudwatch" {
  statement_id  = "AllowExecutionFromCloudWatch"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.remediation.function_name
  principal     = "lambda.alarms.cloudwatch.amazonaws.com"
  source_arn    = aws_cloudwatch_metric_alarm.cpu_high.arn
}
""", name="main.tf", title="a CloudWatch alarm's Lambda action (sd031/ec2-monitoing-auto-remediation-terraform-lambda)"),
        good("""\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Globals:
  Function:
    EventInvokeConfig:
      MaximumRetryAttempts: 1
      DestinationConfig:
        OnFailure:
          Type: SQS
Resources:
  UploadsBucket:
    Type: AWS::S3::Bucket
  ThumbnailFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: thumbnail.handler
      Runtime: python3.12
      Events:
        Upload:
          Type: S3
          Properties:
            Bucket: !Ref UploadsBucket
            Events: s3:ObjectCreated:*
""", title="OnFailure destination from Globals"),
        good("""\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  PagerFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: pager.handler
      Runtime: python3.12
      DeadLetterQueue:
        Type: SQS
        TargetArn: !GetAtt PagerDlq.Arn
      Events:
        Alerts:
          Type: SNS
          Properties:
            Topic: !Ref AlertsTopic
  PagerDlq:
    Type: AWS::SQS::Queue
  AlertsTopic:
    Type: AWS::SNS::Topic
""", title="dead-letter queue"),
        good("""\
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  NightlyRule:
    Type: AWS::Events::Rule
    Properties:
      ScheduleExpression: cron(0 3 * * ? *)
      Targets:
        - Arn: !GetAtt CleanupFunction.Arn
          Id: cleanup
  CleanupFunction:
    Type: AWS::Lambda::Function
    Properties:
      Handler: cleanup.handler
      Runtime: python3.12
      Role: !GetAtt CleanupRole.Arn
      Code: {S3Bucket: artifacts, S3Key: cleanup.zip}
  CleanupInvokeConfig:
    Type: AWS::Lambda::EventInvokeConfig
    Properties:
      FunctionName: !Ref CleanupFunction
      Qualifier: $LATEST
      MaximumRetryAttempts: 0
      DestinationConfig:
        OnFailure:
          Destination: !GetAtt FailedCleanups.Arn
  FailedCleanups:
    Type: AWS::SQS::Queue
""", title="EventInvokeConfig resource"),
        good("""\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  EventsDlq:
    Type: AWS::SQS::Queue
  NightlyRule:
    Type: AWS::Events::Rule
    Properties:
      ScheduleExpression: cron(0 3 * * ? *)
      Targets:
        - Arn: !GetAtt CleanupFunction.Arn
          Id: cleanup
          DeadLetterConfig:
            Arn: !GetAtt EventsDlq.Arn
  HourlySchedule:
    Type: AWS::Scheduler::Schedule
    Properties:
      ScheduleExpression: rate(1 hour)
      FlexibleTimeWindow: {Mode: "OFF"}
      Target:
        Arn: !GetAtt CleanupFunction.Arn
        RoleArn: !GetAtt SchedulerRole.Arn
        DeadLetterConfig:
          Arn: !GetAtt EventsDlq.Arn
  CleanupFunction:
    Type: AWS::Lambda::Function
    Properties:
      Handler: cleanup.handler
      Runtime: python3.12
      Role: !GetAtt CleanupRole.Arn
      Code: {S3Bucket: artifacts, S3Key: cleanup.zip}
  OrdersFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: orders.handler
      Runtime: python3.12
      Events:
        OrderPlaced:
          Type: EventBridgeRule
          Properties:
            Pattern: {source: [shop.orders]}
            DeadLetterConfig:
              Type: SQS
""", title="rule and Scheduler targets with their own dead-letter queue"),
        good("""\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  ProjectorFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: projector.handler
      Runtime: python3.12
      Events:
        Changes:
          Type: DynamoDB
          Properties:
            Stream: !GetAtt OrdersTable.StreamArn
            StartingPosition: TRIM_HORIZON
            BisectBatchOnFunctionError: true
            DestinationConfig:
              OnFailure:
                Destination: !GetAtt ProjectorDlq.Arn
        Clicks:
          Type: Kinesis
          Properties:
            Stream: !GetAtt ClickStream.Arn
            StartingPosition: LATEST
            MaximumRetryAttempts: 3
""", title="streams with OnFailure or bounded retries"),
        good("""\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  ApiFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: api.handler
      Runtime: python3.12
      Events:
        Get:
          Type: Api
          Properties: {Path: /items, Method: get}
        Jobs:
          Type: SQS
          Properties:
            Queue: !GetAtt JobsQueue.Arn
  JobsQueue:
    Type: AWS::SQS::Queue
    Properties:
      RedrivePolicy:
        deadLetterTargetArn: !GetAtt JobsDlq.Arn
        maxReceiveCount: 3
  JobsDlq:
    Type: AWS::SQS::Queue
""", title="synchronous and queue triggers are out of scope"),
        good("""\
service: media
provider:
  name: aws
  runtime: python3.12
functions:
  transcode:
    handler: handler.transcode
    destinations:
      onFailure: arn:aws:sqs:eu-west-1:123456789012:transcode-failures
    events:
      - s3:
          bucket: media-uploads
          event: s3:ObjectCreated:*
  audit:
    handler: handler.audit
    events:
      - stream:
          type: dynamodb
          arn: !GetAtt AuditTable.StreamArn
          maximumRetryAttempts: 5
          bisectBatchOnFunctionError: true
  digest:
    handler: handler.digest
    onError: arn:aws:sns:eu-west-1:123456789012:digest-dlq
    events:
      - schedule: rate(1 day)
""", name="serverless.yml", title="Serverless destinations, onError and bounded stream"),
        good("""\
service: hello
provider:
  name: aws
  runtime: python3.12
functions:
  hello:
    handler: handler.hello
    events:
      - s3: uploads
resources:
  Resources:
    HelloInvokeConfig:
      Type: AWS::Lambda::EventInvokeConfig
      Properties:
        FunctionName: !Ref HelloLambdaFunction
        Qualifier: $LATEST
        DestinationConfig:
          OnFailure:
            Destination: arn:aws:sqs:eu-west-1:123456789012:failed
""", name="serverless.yml", title="Serverless: an invoke config in `resources` naming the function's logical id"),
    ),
)
