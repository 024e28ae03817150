"""
## What it does
Compares the function's timeout with what its triggers can wait for:
- an API Gateway REST API (or WebSocket API) integration gives up after 29 seconds, an HTTP API after
  30; an explicit integration timeout (`TimeoutInMillis`, `timeoutInMillis`) replaces that limit.
  The APIs are found wherever they are wired: SAM `Api` / `HttpApi` and Serverless `http` /
  `httpApi` events, API Gateway methods and v2 integrations, HTTP API quick create
  (`AWS::ApiGatewayV2::Api` with `Target`), and `x-amazon-apigateway-integration` entries of an
  OpenAPI definition, inline or in a local file (`AWS::Include`, `DefinitionUri`);
- an SQS queue defined in the same template must keep a message invisible at least as long as the
  function may run, and AWS recommends six times the function timeout. Below 1x is an error (Lambda
  rejects the event source mapping), below 6x a warning. A queue without `VisibilityTimeout` has 30 s.

Only literal timeouts are compared; values from parameters or variables are not guessed.

## Why is this bad?
The API returns `504 Gateway Timeout` to the caller while the function keeps running (and is billed)
for the rest of its timeout; the client may retry and do the work twice. With SQS, a message whose
visibility timeout expires while the function still works on it becomes visible again and is
processed a second time, concurrently.

## Example
```yaml
Globals:
  Function:
    Timeout: 60
Resources:
  ApiFunction:
    Type: AWS::Serverless::Function
    Properties:
      Events:
        Get:
          Type: Api
          Properties: {Path: /orders, Method: get}
```

## How to fix
Keep API-facing functions under the API's limit (move long work to an asynchronous job), and set
the queue's `VisibilityTimeout` to at least six times the function's timeout (plus the batching
window).

## References
- https://docs.aws.amazon.com/apigateway/latest/developerguide/limits.html
- https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-quotas.html
- https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html
- cfn-lint E3505 (visibility timeout below the function timeout)
"""

from __future__ import annotations

from typing import Iterator

from lambdalint.rulekit import (
    Context, Finding, Function, Located, Related, Rule, Span, Trigger, bad, function_triggers, good,
    key_name, name_list,
)

# Seconds an API waits for its integration when the template sets no timeout of its own.
API_LIMITS = {"api": 29.0, "websocket": 29.0, "http-api": 30.0}
API_NAMES = {"api": "REST API", "websocket": "WebSocket API", "http-api": "HTTP API"}
RECOMMENDED_FACTOR = 6


def check(ctx: Context) -> Iterator[Finding]:
    # A timeout set once in Globals or under the provider is one line to fix: one finding per
    # (timeout line, value, problem), naming every function that inherits it. The value too: a
    # Terraform module's `timeout = var.timeout` is one line that each call gives its own value.
    api: dict[tuple[Span, float, str, float], list[tuple[Function, Trigger]]] = {}
    queues: dict[tuple[Span, float, str], list[tuple[Function, Trigger]]] = {}
    for function in ctx.project.functions:
        timeout = _seconds(function.timeout)
        if timeout is None:
            continue
        triggers = function_triggers(function)
        for kind, (limit, trigger) in _api_limits(timeout, triggers).items():
            api.setdefault((function.timeout.span, timeout, kind, limit), []).append((function, trigger))
        for trigger in _short_queues(timeout, triggers):
            queues.setdefault((function.timeout.span, timeout, trigger.source or ""), []).append((function, trigger))
    for (span, _, kind, limit), hits in api.items():
        yield _api_finding(ctx, span, kind, limit, hits)
    for (span, _, queue_id), hits in queues.items():
        yield _queue_finding(ctx, span, queue_id, hits)


def _api_limits(timeout: float, triggers: list[Trigger]) -> dict[str, tuple[float, Trigger]]:
    """Per kind of API, the tightest limit below the timeout (five routes are one problem)."""
    worst: dict[str, tuple[float, Trigger]] = {}
    for trigger in triggers:
        if not trigger.is_sync_api:
            continue
        limit = API_LIMITS[trigger.kind]
        explicit = trigger.integration_timeout
        millis = _seconds(explicit) if explicit is not None else None
        if millis is not None and millis > 0:
            limit = millis / 1000 if trigger.kind != "http-api" else min(millis / 1000, limit)
        if timeout > limit and (trigger.kind not in worst or limit < worst[trigger.kind][0]):
            worst[trigger.kind] = (limit, trigger)
    return worst


def _api_finding(ctx: Context, span: Span, kind: str, limit: float,
                 hits: list[tuple[Function, Trigger]]) -> Finding:
    function, trigger = hits[0]
    timeout = _seconds(function.timeout) or 0
    names = name_list([f for f, _ in hits])
    subject = f"its {API_NAMES[kind]} `{trigger.name}`" if len(hits) == 1 else f"their {API_NAMES[kind]}s"
    return ctx.finding(
        span,
        f"{names} {'times' if len(hits) == 1 else 'time'} out after {_fmt(timeout)} s but "
        f"{subject} {'gives' if len(hits) == 1 else 'give'} up after {_fmt(limit)} s",
        f"Lower `{key_name(function, 'Timeout')}` to at most {_fmt(limit)} s, or hand long work to "
        "an asynchronous job and return early.",
        function=function.name,
        related=[Related(f"{API_NAMES[kind]} event of `{f.name}`", t.span) for f, t in hits],
    )


def _short_queues(timeout: float, triggers: list[Trigger]) -> Iterator[Trigger]:
    seen: set[str] = set()
    for trigger in triggers:
        # `visibility`: set by the loader when the queue is defined with the trigger
        if trigger.kind != "sqs" or trigger.source is None or trigger.visibility is None or trigger.source in seen:
            continue
        seen.add(trigger.source)
        visibility, _ = _visibility(trigger.visibility)
        if visibility is not None and visibility < RECOMMENDED_FACTOR * timeout:
            yield trigger


def _visibility(given: Located) -> tuple[float | None, Located | None]:
    """The queue's visibility timeout and the node that sets it (None: the 30 s default)."""
    return _seconds(given), (given if given.origin != "default" else None)


def _queue_finding(ctx: Context, span: Span, queue_id: str, hits: list[tuple[Function, Trigger]]) -> Finding:
    function, trigger = hits[0]
    timeout = _seconds(function.timeout) or 0
    assert trigger.visibility is not None  # (`_short_queues` keeps only those)
    visibility, node = _visibility(trigger.visibility)
    visibility = visibility or 0
    # an unset timeout is placed at the queue by its loader
    where = node.span if node is not None else trigger.visibility.span
    set_to = f"{visibility:g} s" if node is not None else f"the default {visibility:g} s"
    key_text = trigger.visibility_key
    names = name_list([f for f, _ in hits])
    times = "times" if len(hits) == 1 else "time"
    related = [Related(f"`{queue_id}` visibility timeout", where)]
    related += [Related(f"SQS event of `{f.name}`", t.span) for f, t in hits]
    if visibility < timeout:
        return ctx.finding(
            span,
            f"{names} {times} out after {_fmt(timeout)} s, longer than the visibility timeout of "
            f"the queue `{queue_id}` ({set_to})",
            f"Set `{key_text}` on `{queue_id}` to at least {_fmt(RECOMMENDED_FACTOR * timeout)} s "
            "(6x the timeout); Lambda rejects the mapping while it is below the function timeout.",
            function=function.name, related=related, severity="error",
        )
    return ctx.finding(
        span,
        f"{names} {times} out after {_fmt(timeout)} s; the visibility timeout of the queue "
        f"`{queue_id}` ({set_to}) is less than 6x that",
        f"Set `{key_text}` on `{queue_id}` to at least {_fmt(RECOMMENDED_FACTOR * timeout)} s "
        "so retries and batching do not redeliver messages still being processed.",
        function=function.name, related=related,
    )


def _seconds(node: Located | None) -> float | None:
    if node is None or not node.is_literal or isinstance(node.value, bool):
        return None
    value = node.value
    if isinstance(value, str):
        try:
            value = float(value.strip())
        except ValueError:
            return None
    return float(value) if isinstance(value, (int, float)) else None


def _fmt(seconds: float) -> str:
    return f"{seconds:g}"


RULE = Rule(
    code="LL203",
    slug="timeout-exceeds-trigger",
    severity="warning",
    severities=("error",),
    overview="the timeout is longer than the API (29/30 s) or the SQS visibility timeout allows",
    reports_in=frozenset({"template"}),
    summary="The function's timeout is longer than its trigger can wait",
    check=check,
    docs=__doc__ or "",
    tags=("triggers",),
    examples=(
        bad("""\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Globals:
  Function:
    Runtime: python3.12
    Timeout: 60  # [timeout-exceeds-trigger]
Resources:
  GetOrderFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: orders.get
      Events:
        GetOrder:
          Type: Api
          Properties:
            Path: /orders/{id}
            Method: get
""", title="REST API with a 60 s timeout from Globals"),
        bad("""\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  SearchFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: search.handler
      Runtime: python3.12
      Timeout: 45  # [timeout-exceeds-trigger]
      Events:
        Search:
          Type: HttpApi
          Properties:
            Path: /search
            Method: get
""", title="HTTP API"),
        bad("""\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  IngestQueue:
    Type: AWS::SQS::Queue
    Properties:
      VisibilityTimeout: 120
  IngestFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: ingest.handler
      Runtime: python3.12
      Timeout: 300  # [timeout-exceeds-trigger]
      Events:
        Queue:
          Type: SQS
          Properties:
            Queue: !GetAtt IngestQueue.Arn
            BatchSize: 10
""", title="queue visibility below the timeout (error)"),
        bad("""\
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  JobsQueue:
    Type: AWS::SQS::Queue
  Worker:
    Type: AWS::Lambda::Function
    Properties:
      Handler: worker.handler
      Runtime: python3.12
      Timeout: 20  # [timeout-exceeds-trigger]
      Role: !GetAtt WorkerRole.Arn
      Code: {S3Bucket: artifacts, S3Key: worker.zip}
  WorkerMapping:
    Type: AWS::Lambda::EventSourceMapping
    Properties:
      EventSourceArn: !GetAtt JobsQueue.Arn
      FunctionName: !Ref Worker
      BatchSize: 5
""", title="default 30 s visibility, less than 6x 20 s"),
        bad("""\
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  ReportsApi:
    Type: AWS::ApiGateway::RestApi
    Properties:
      Name: reports
  ReportMethod:
    Type: AWS::ApiGateway::Method
    Properties:
      RestApiId: !Ref ReportsApi
      ResourceId: !GetAtt ReportsApi.RootResourceId
      HttpMethod: GET
      AuthorizationType: NONE
      Integration:
        Type: AWS_PROXY
        IntegrationHttpMethod: POST
        Uri: !Sub arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${ReportFunction.Arn}/invocations
  ReportFunction:
    Type: AWS::Lambda::Function
    Properties:
      Handler: report.handler
      Runtime: python3.12
      Timeout: 120  # [timeout-exceeds-trigger]
      Role: !GetAtt ReportRole.Arn
      Code: {S3Bucket: artifacts, S3Key: report.zip}
""", title="plain CloudFormation REST integration"),
        bad("""\
service: exports
provider:
  name: aws
  runtime: python3.12
  timeout: 90  # [timeout-exceeds-trigger]
functions:
  export:
    handler: handler.export
    events:
      - httpApi:
          path: /exports
          method: post
  status:
    handler: handler.status
    timeout: 10
    events:
      - httpApi: GET /exports/{id}
""", name="serverless.yml", title="Serverless provider timeout behind an HTTP API"),
        bad("""\
service: uploads
provider:
  name: aws
  runtime: python3.12
functions:
  process:
    handler: handler.process
    timeout: 60  # [timeout-exceeds-trigger]
    events:
      - sqs:
          arn: !GetAtt UploadsQueue.Arn
          batchSize: 1
resources:
  Resources:
    UploadsQueue:
      Type: AWS::SQS::Queue
      Properties:
        VisibilityTimeout: 180
""", name="serverless.yml", title="Serverless queue in resources"),
        good("""\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Globals:
  Function:
    Runtime: python3.12
    Timeout: 29
Resources:
  GetOrderFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: orders.get
      Events:
        GetOrder:
          Type: Api
          Properties:
            Path: /orders/{id}
            Method: get
""", title="timeout at the REST limit"),
        good("""\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  IngestQueue:
    Type: AWS::SQS::Queue
    Properties:
      VisibilityTimeout: 1800
  IngestFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: ingest.handler
      Runtime: python3.12
      Timeout: 300
      Events:
        Queue:
          Type: SQS
          Properties:
            Queue: !GetAtt IngestQueue.Arn
""", title="visibility 6x the timeout"),
        good("""\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  LongReportFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: report.handler
      Runtime: python3.12
      Timeout: 60
      Events:
        Report:
          Type: Api
          Properties:
            Path: /report
            Method: post
            TimeoutInMillis: 90000
""", title="REST integration timeout raised by quota"),
        good("""\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Parameters:
  Timeout:
    Type: Number
    Default: 60
Resources:
  ImportFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: import.handler
      Runtime: python3.12
      Timeout: !Ref Timeout
      Events:
        Queue:
          Type: SQS
          Properties:
            Queue: arn:aws:sqs:eu-west-1:123456789012:imports
        Nightly:
          Type: Schedule
          Properties:
            Schedule: rate(1 day)
""", title="parameter timeout, external queue, schedule"),
        good("""\
service: uploads
provider:
  name: aws
  runtime: python3.12
  timeout: 900
functions:
  process:
    handler: handler.process
    events:
      - s3:
          bucket: uploads
          event: s3:ObjectCreated:*
  api:
    handler: handler.api
    timeout: 28
    events:
      - http:
          path: uploads
          method: get
""", name="serverless.yml", title="long timeout on an S3 trigger only"),
        good("""\
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  JobsQueue:
    Type: AWS::SQS::Queue
    Properties:
      VisibilityTimeout: !Ref QueueVisibility
  Worker:
    Type: AWS::Lambda::Function
    Properties:
      Handler: worker.handler
      Runtime: python3.12
      Timeout: 20
      Role: !GetAtt WorkerRole.Arn
      Code: {S3Bucket: artifacts, S3Key: worker.zip}
  WorkerMapping:
    Type: AWS::Lambda::EventSourceMapping
    Properties:
      EventSourceArn: !GetAtt JobsQueue.Arn
      FunctionName: !Ref Worker
""", title="visibility from a parameter"),
    ),
)
