"""
## What it does
Reports a handler defined with `async def`: a template's `Handler`, or a handler-shaped function
(name matching `handler-patterns`, parameters `event, context`) in a file no template references.
A handler with a decorator not known to pass the call straight through (Powertools' handler
decorators are) is not reported: the decorator may run the coroutine itself.

## Why is this bad?
The Python runtime calls the handler and serializes what it returns; it never awaits it. An
`async def` handler returns a coroutine, the invocation fails with `Runtime.MarshalError`
("Unable to marshal response: Object of type coroutine is not JSON serializable") and the body
never runs.

## Example
```python
async def handler(event, context):
    return await process(event)
```

## How to fix
Make the handler a plain `def` and run the coroutine with `asyncio.run(...)` (or reuse one event
loop across invocations with `loop.run_until_complete(...)`).

## References
- https://docs.aws.amazon.com/lambda/latest/dg/python-handler.html
- https://github.com/aws/aws-lambda-python-runtime-interface-client/issues/31
"""

from __future__ import annotations

from typing import Iterator

from lambdalint.rulekit import CONTEXT_NAMES, Context, Finding, Rule, bad, called_as_written, code_analysis, good, \
    handler_owner, handler_related


def check(ctx: Context) -> Iterator[Finding]:
    for handler in code_analysis(ctx).handlers:
        function = handler.function
        if function is None or not function.is_async or not called_as_written(function):
            continue  # an unknown decorator may well run the coroutine itself
        if handler.entry.template_function is None and \
                (len(function.params) < 2 or function.params[1] not in CONTEXT_NAMES):
            continue  # an async callback named like a handler (websockets, aiohttp) is not ours
        yield ctx.finding(function.span, f"`{function.name}` is `async def`; the Lambda runtime never awaits it",
                          "Use a plain `def` handler and run the coroutine with `asyncio.run(...)`.",
                          function=handler_owner(handler), related=handler_related(handler))


RULE = Rule(
    code="LL105",
    slug="async-handler",
    severity="error",
    reports_in=frozenset({"python"}),
    summary="The handler is `async def` and is never awaited",
    check=check,
    docs=__doc__ or "",
    needs_code=True,
    code_names=(),  # reads handler definitions only
    tags=("correctness",),
    examples=(
        bad("""\
async def handler(event, context):  # [async-handler]
    return {"statusCode": 200}
""", name="app.py", title="standalone async handler"),
        bad("""\
import asyncio


async def lambda_handler(event, context):  # [async-handler]
    await asyncio.sleep(0)
    return event
""", name="app.py", title="lambda_handler"),
        bad("""\
async def create(event, context):  # [async-handler]
    return {"ok": True}
""", name="orders/api.py", files={"orders/__init__.py": "", "template.yaml": """\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  Create:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: .
      Handler: orders.api.create
      Runtime: python3.12
"""}, title="template handler in a package"),
        bad("""\
async def main(event, context):  # [async-handler]
    return {"ok": True}
""", name="handler.py", files={"serverless.yml": """\
service: orders
provider:
  name: aws
  runtime: python3.12
functions:
  main:
    handler: handler.main
"""}, title="Serverless function"),
        bad("""\
async def order_handler(event, ctx):  # [async-handler]
    return event
""", name="app.py", title="*_handler pattern"),
        bad("""\
from aws_lambda_powertools import Tracer

tracer = Tracer()


@tracer.capture_lambda_handler
async def handler(event, context):  # [async-handler]
    return event
""", name="app.py", title="decorated"),
        good("""\
import asyncio


async def process(event):
    return event


def handler(event, context):
    return asyncio.run(process(event))
""", name="app.py", title="asyncio.run in a plain handler"),
        good("""\
import asyncio

loop = asyncio.new_event_loop()


async def work(event):
    return event


def lambda_handler(event, context):
    return loop.run_until_complete(work(event))
""", name="app.py", title="reused loop"),
        good("""\
async def handler(websocket, path):
    async for message in websocket:
        await websocket.send(message)
""", name="ws.py", title="websockets callback named handler"),
        good("""\
from mangum import Mangum
from fastapi import FastAPI

app = FastAPI()


@app.get("/")
async def root():
    return {"ok": True}


handler = Mangum(app)
""", name="main.py", title="ASGI app behind Mangum"),
        good("""\
async def handler(event, context):
    return event
""", name="tests/test_app.py", title="tests are not handlers"),
        good("""\
def handler(event, context):
    return {"statusCode": 200}
""", name="app.py", title="plain def"),
        good("""\
from .runtime import run_async


@run_async
async def handler(event, context):
    return {"statusCode": 200}
""", name="app.py", title="a decorator that may run the coroutine"),
    ),
)
