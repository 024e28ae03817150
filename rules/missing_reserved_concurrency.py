"""
## What it does
Reports a function that sets no reserved concurrency (`ReservedConcurrentExecutions`, also in SAM
`Globals.Function`; Serverless `reservedConcurrency`).

It is a warning where unbounded concurrency hurts something finite, and the message says which:
- the function's code opens a database or cache connection (the calls LL102 knows, at import time,
  behind a lazy-init guard or per invocation; HTTP sessions do not count), or
- it consumes an SQS queue without `ScalingConfig.MaximumConcurrency` (Serverless:
  `maximumConcurrency`).

Otherwise it is information only (below the default `--fail-on warning`).

## Why is this bad?
Without it a function can take every unit of the account's Regional concurrency (1,000 by
default): one traffic spike or a retry storm in this function throttles every other function in the
account. Each execution environment holds its own database connection, so a burst opens a
connection per environment until the database refuses more; a queue backlog scales the pollers up
to the same limit. Reserved concurrency caps the function and guarantees it that much at the same
time.

## Example
```yaml
Resources:
  IngestFunction:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
```

## How to fix
Set `ReservedConcurrentExecutions` (Serverless: `reservedConcurrency`) to the most parallel
executions the function and what it calls can take. Leave at least 100 unreserved in the account.

## References
- https://docs.aws.amazon.com/lambda/latest/dg/configuration-concurrency.html
- https://docs.aws.amazon.com/lambda/latest/api/API_PutFunctionConcurrency.html
"""

from __future__ import annotations

from typing import Iterator

from lambdalint.rulekit import (CONNECTION_NAMES, HTTP_POOLS, CodeAnalysis, Context, Finding, Function, Related, Rule,
                                Span, bad, code_analysis, connection, function_triggers, good, where_to_set)


def check(ctx: Context) -> Iterator[Finding]:
    connections = _connections(code_analysis(ctx))
    for function in ctx.project.functions:
        if function.reserved_concurrency.origin != "default":
            continue
        where = f"Set {where_to_set(function, 'ReservedConcurrentExecutions', provider_level=False)}"
        opened = connections.get(id(function))
        queue = None if opened else _unbounded_queue(function)
        if opened is not None:
            what, span = opened
            yield ctx.finding(
                function.span,
                f"`{function.name}` sets no reserved concurrency and opens `{what}` connections: every "
                "concurrent execution holds its own, up to the account's whole pool",
                f"{where} to no more than the connections the database or cache can take.",
                function=function.name, related=[Related(f"`{what}` opened here", span)])
        elif queue is not None:
            name, span = queue
            yield ctx.finding(
                function.span,
                f"`{function.name}` sets no reserved concurrency and consumes `{name}` without "
                "`MaximumConcurrency`: a backlog scales it to the account's whole pool",
                f"{where}, or cap the queue's pollers with "
                f"`{function.shown_name('ScalingConfig.MaximumConcurrency')}`.",
                function=function.name, related=[Related(f"`{name}` consumed here", span)])
        else:
            yield ctx.finding(
                function.span,
                f"`{function.name}` sets no reserved concurrency and can use the account's whole pool",
                f"{where} to cap it and guarantee it capacity.",
                function=function.name, severity="info")


def _connections(analysis: CodeAnalysis) -> dict[int, tuple[str, Span]]:
    """Per template function (by id): the first database or cache connection its code opens, at
    init or per invocation. HTTP pools are left out: no server runs out of them."""
    found: dict[int, tuple[str, Span]] = {}
    for handler in analysis.handlers:
        function = handler.entry.template_function
        if function is None or id(function) in found:
            continue
        for call, _module in analysis.all_calls(handler):
            what = connection(call)
            if what is not None and what not in HTTP_POOLS:
                found[id(function)] = (what, call.span)
                break
    return found


def _unbounded_queue(function: Function) -> tuple[str, Span] | None:
    """The first SQS queue the function consumes without a cap on its pollers."""
    for trigger in function_triggers(function):
        if trigger.kind != "sqs":
            continue
        if trigger.setting("ScalingConfig", "MaximumConcurrency") is not None or \
                trigger.setting("maximumConcurrency") is not None:
            continue
        return trigger.source or trigger.name, trigger.span
    return None


RULE = Rule(
    code="LL202",
    slug="missing-reserved-concurrency",
    severity="warning",
    severities=("info",),
    overview="the function sets no reserved concurrency: a warning when its code opens database or cache connections or it consumes SQS without `MaximumConcurrency` (the message says which), info otherwise",
    reports_in=frozenset({"template"}),
    summary="The function sets no reserved concurrency",
    check=check,
    docs=__doc__ or "",
    needs_code=True,  # a function whose code opens database connections is a warning
    code_names=CONNECTION_NAMES,
    examples=(
        bad("""\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  IngestFunction:  # [missing-reserved-concurrency]
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: app.handler
      Runtime: python3.12
      Timeout: 30
""", title="SAM function (info)"),
        bad("""\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  OrdersFunction:  # [missing-reserved-concurrency]
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: app.handler
      Runtime: python3.12
""", files={"src/db.py": """\
import os

import psycopg2

_conn = None


def connection():
    global _conn
    if _conn is None or _conn.closed:
        _conn = psycopg2.connect(os.environ["DATABASE_URL"])
    return _conn
""", "src/app.py": """\
from db import connection


def handler(event, context):
    with connection().cursor() as cur:
        cur.execute("SELECT count(*) FROM orders")
        return cur.fetchone()[0]
"""}, title="code opens a database connection, even lazily (warning)"),
        bad("""\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  Queue:
    Type: AWS::SQS::Queue
  WorkerFunction:  # [missing-reserved-concurrency]
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: app.handler
      Runtime: python3.12
      Events:
        Jobs:
          Type: SQS
          Properties:
            Queue: !GetAtt Queue.Arn
            BatchSize: 10
""", title="SQS consumer without MaximumConcurrency (warning)"),
        bad("""\
service: ingest
provider:
  name: aws
  runtime: python3.12
functions:
  ingest:  # [missing-reserved-concurrency]
    handler: handler.ingest
    timeout: 30
""", name="serverless.yml", title="Serverless function"),
        good("""\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Globals:
  Function:
    ReservedConcurrentExecutions: 50
Resources:
  IngestFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: app.handler
      Runtime: python3.12
""", title="from Globals"),
        good("""\
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Worker:
    Type: AWS::Lambda::Function
    Properties:
      Handler: index.handler
      Runtime: python3.12
      ReservedConcurrentExecutions: 0
      Code: {ZipFile: "def handler(e, c): pass"}
""", title="zero (switched off) is a deliberate setting"),
        good("""\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  Queue:
    Type: AWS::SQS::Queue
  WorkerFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: app.handler
      Runtime: python3.12
      ReservedConcurrentExecutions: 20
      Events:
        Jobs:
          Type: SQS
          Properties:
            Queue: !GetAtt Queue.Arn
            ScalingConfig:
              MaximumConcurrency: 5
""", title="SQS consumer with both caps"),
        good("""\
service: ingest
provider:
  name: aws
  runtime: python3.12
functions:
  ingest:
    handler: handler.ingest
    reservedConcurrency: ${self:custom.concurrency}
custom:
  concurrency: 20
""", name="serverless.yml", title="Serverless, through a self reference"),
    ),
)
