"""
## What it does
Reports a template's handler that cannot be called as `handler(event, context)`: fewer than two
positional parameters (and no `*args`), more than two without defaults, or a keyword-only parameter
without a default. A handler bound to a method (`handler = Service().handle`) is counted without
its bound `self`.

A decorator may call the function with other arguments (`@metric_scope` of aws-embedded-metrics
adds `metrics`), so a decorated handler is only judged when every decorator is known to pass
`(event, context)` through: Powertools' `@logger.inject_lambda_context`,
`@tracer.capture_lambda_handler`, `@metrics.log_metrics`, `@event_source(...)`, `@event_parser(...)`,
`@idempotent(...)`, `@validator(...)`, and X-Ray's `@xray_recorder.capture(...)`.

## Why is this bad?
The runtime always passes exactly two positional arguments. Any other signature fails every
invocation with a `TypeError` before a line of the handler runs.

## Example
```python
def handler(event):
    return event
```

## How to fix
Declare `def handler(event, context):` (name an unused parameter `_context`), or give extra
parameters defaults.

## References
- https://docs.aws.amazon.com/lambda/latest/dg/python-handler.html
"""

from __future__ import annotations

from typing import Iterator

from lambdalint.rulekit import (Context, Finding, Rule, bad, called_as_written, code_analysis, good, handler_owner,
                                handler_related)


def problem(positional: int, required: int, star_args: bool, required_kwonly: int) -> str | None:
    if positional < 2 and not star_args:
        return f"takes {positional} positional parameter{'s' if positional != 1 else ''}"
    if required > 2:
        return f"requires {required} positional parameters"
    if required_kwonly:
        return "has a keyword-only parameter without a default"
    return None


def check(ctx: Context) -> Iterator[Finding]:
    for handler in code_analysis(ctx).handlers:
        function = handler.function
        if function is None or handler.entry.template_function is None or not called_as_written(function):
            continue
        what = problem(function.positional, function.required, function.star_args, function.required_kwonly)
        if what is None:
            continue
        yield ctx.finding(function.span, f"handler `{function.name}` {what}; Lambda calls it with `(event, context)`",
                          "Declare `def handler(event, context):` or give the extra parameters defaults.",
                          function=handler_owner(handler), related=handler_related(handler))


_TEMPLATE = """\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: app.handler
      Runtime: python3.12
"""

RULE = Rule(
    code="LL106",
    slug="handler-signature",
    severity="error",
    reports_in=frozenset({"python"}),
    summary="The handler cannot be called as `handler(event, context)`",
    check=check,
    docs=__doc__ or "",
    needs_code=True,
    code_names=(),  # reads handler definitions only
    tags=("correctness",),
    examples=(
        bad(files={"template.yaml": _TEMPLATE, "src/app.py": """\
def handler(event):  # [handler-signature]
    return event
"""}, title="one parameter"),
        bad(files={"template.yaml": _TEMPLATE, "src/app.py": """\
def handler():  # [handler-signature]
    return {"ok": True}
"""}, title="no parameters"),
        bad(files={"template.yaml": _TEMPLATE, "src/app.py": """\
def handler(event, context, table):  # [handler-signature]
    return table.get_item(Key=event)
"""}, title="three required parameters"),
        bad(files={"template.yaml": _TEMPLATE, "src/app.py": """\
def handler(event, context, *, table):  # [handler-signature]
    return table
"""}, title="required keyword-only parameter"),
        bad(files={"template.yaml": _TEMPLATE, "src/app.py": """\
def handler(self, event, context):  # [handler-signature]
    return event
"""}, title="method pasted at module level"),
        bad(files={"serverless.yml": """\
service: jobs
provider:
  name: aws
  runtime: python3.11
functions:
  nightly:
    handler: jobs/nightly.run
""", "jobs/nightly.py": """\
def run(event=None):  # [handler-signature]
    return event
"""}, title="Serverless, one defaulted parameter"),
        bad(files={"template.yaml": _TEMPLATE, "src/app.py": """\
from aws_lambda_powertools import Logger

logger = Logger()


@logger.inject_lambda_context
def handler(event):  # [handler-signature]
    return event
"""}, title="Powertools decorators pass (event, context) through"),
        bad(files={"template.yaml": _TEMPLATE, "src/app.py": """\
class Orders:
    def handle(self, event, context):  # [handler-signature]
        return event


handler = Orders.handle
"""}, title="method of the class, not of an instance: Lambda's event becomes self"),
        bad(files={"template.yaml": _TEMPLATE, "src/app.py": """\
class Orders:
    def handle(self, event):  # [handler-signature]
        return event


handler = Orders().handle
"""}, title="bound method without context"),
        good(files={"template.yaml": _TEMPLATE, "src/app.py": """\
def handler(event, context):
    return event
"""}, title="event, context"),
        good(files={"template.yaml": _TEMPLATE, "src/app.py": """\
from aws_embedded_metrics import metric_scope


@metric_scope
def handler(event, context, metrics):
    metrics.put_metric("Orders", 1, "Count")
    return event
"""}, title="decorator that supplies an argument (aws-embedded-metrics)"),
        good(files={"template.yaml": _TEMPLATE, "src/app.py": """\
from .db import with_session


@with_session
def handler(event, context, session):
    return session.execute("SELECT 1")
"""}, title="a project's own decorator: its call is unknown"),
        good(files={"template.yaml": _TEMPLATE, "src/app.py": """\
from aws_lambda_powertools.utilities.data_classes import SQSEvent, event_source


class Worker:
    def __init__(self):
        self.done = 0

    @event_source(data_class=SQSEvent)
    def handle(self, event: SQSEvent, context):
        return [record.body for record in event.records]


lambda_handler = Worker().handle
"""}, title="bound method of a module-level instance, Powertools event_source"),
        good(files={"template.yaml": _TEMPLATE, "src/app.py": """\
def handler(event, _context):
    return event
"""}, title="unused context"),
        good(files={"template.yaml": _TEMPLATE, "src/app.py": """\
def handler(*args):
    return args[0]
"""}, title="*args"),
        good(files={"template.yaml": _TEMPLATE, "src/app.py": """\
import boto3


def handler(event, context, s3=boto3.client("s3")):
    return s3.list_buckets()
"""}, title="extra parameter with a default"),
        good(files={"template.yaml": _TEMPLATE, "src/app.py": """\
def handler(event, context=None, **kwargs):
    return event
"""}, title="defaults and **kwargs"),
        good(files={"template.yaml": _TEMPLATE, "src/app.py": """\
from aws_lambda_powertools.event_handler import APIGatewayRestResolver

app = APIGatewayRestResolver()


def helper(x):
    return x


handler = app.resolve
"""}, title="handler bound by assignment"),
    ),
)
