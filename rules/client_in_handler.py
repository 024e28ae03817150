"""
## What it does
Reports an AWS SDK client, resource or session created on every invocation: `boto3.client`,
`boto3.resource`, `boto3.Session` / `boto3.session.Session`, `botocore.session.get_session` and
`session.client(...)`, in the handler or in a project function the handler calls (a helper, a
function defined inside the handler, a method of a project object such as `SERVICE.place(event)`,
the routes of a Powertools event handler it resolves with `app.resolve(event, context)`; then the
finding is at the handler's call and the helper's line is a related location). Aliases such as
`import boto3 as b` and `from boto3 import client` are recognised.

Creations that run once stay silent: module scope, lazy-init guards that assign a module-level name
(`if _client is None:`), `functools.cache`/`lru_cache` factories, default arguments, class bodies
and `if __name__ == "__main__":` blocks.

## Why is this bad?
Creating a client loads the service model, resolves credentials and opens a new connection pool:
tens to hundreds of milliseconds on every request. Lambda keeps the module alive between
invocations of the same execution environment, so a client made once at import time is reused.

## Example
```python
import boto3

def handler(event, context):
    s3 = boto3.client("s3")
    return s3.list_buckets()
```

## How to fix
Create the client at module scope (or behind a lazy-init guard) and reuse it.
`lambdalint check --fix` moves `name = boto3.client("literal", ...)` to module scope when that is
safe.

## References
- https://docs.aws.amazon.com/lambda/latest/dg/best-practices.html#function-code
- https://docs.aws.amazon.com/lambda/latest/operatorguide/static-initialization.html
"""

from __future__ import annotations

from typing import Iterator

from lambdalint.rulekit import CallFact, Context, Finding, Reached, Rule, bad, call_findings, good, to_module_scope

FACTORIES = {
    "boto3.client": "boto3.client", "boto3.resource": "boto3.resource",
    "boto3.Session": "boto3.Session", "boto3.session.Session": "boto3.Session",
    "botocore.session.get_session": "botocore.session.get_session",
    "botocore.session.Session": "botocore.session.Session",
}
_SESSIONS = {"boto3.Session", "boto3.session.Session", "botocore.session.get_session", "botocore.session.Session"}


def match(call: CallFact) -> str | None:
    for name in call.names:
        if name in FACTORIES:
            return FACTORIES[name]
    if call.receiver_factory in _SESSIONS and any(n.endswith((".client", ".resource", ".create_client"))
                                                  for n in call.names):
        return "session.client" if any(n.endswith("client") for n in call.names) else "session.resource"
    return None


def message(what: str, reached: Reached) -> str:
    if reached.in_helper:
        return f"{reached.helper} creates a `{what}` on every invocation"
    return f"`{what}` created on every invocation"


def check(ctx: Context) -> Iterator[Finding]:
    yield from call_findings(ctx, match, message,
                             "Create the client once at module scope (or behind a lazy-init guard) and reuse it.",
                             to_module_scope)


RULE = Rule(
    code="LL101",
    slug="client-in-handler",
    severity="warning",
    reports_in=frozenset({"python"}),
    summary="An AWS SDK client or session is created on every invocation",
    check=check,
    docs=__doc__ or "",
    needs_code=True,
    code_names=tuple(sorted(FACTORIES)),
    tags=("performance",),
    examples=(
        bad("""\
import boto3


def lambda_handler(event, context):
    s3 = boto3.client("s3")  # [client-in-handler]
    return s3.get_object(Bucket=event["bucket"], Key=event["key"])["Body"].read()
""", name="app.py", title="boto3.client in the handler", message="`boto3.client` created on every invocation",
            fix="""\
import boto3


s3 = boto3.client("s3")  # [client-in-handler]


def lambda_handler(event, context):
    return s3.get_object(Bucket=event["bucket"], Key=event["key"])["Body"].read()
"""),
        bad("""\
import boto3 as b


def handler(event, context):
    table = b.resource("dynamodb").Table("orders")  # [client-in-handler]
    table.put_item(Item=event)
""", name="app.py", title="aliased import, resource"),
        bad("""\
from boto3 import client


def handler(event, context):
    sqs = client("sqs", region_name="eu-west-1")  # [client-in-handler]
    sqs.send_message(QueueUrl=event["queue"], MessageBody="hi")
""", name="app.py", title="from boto3 import client"),
        bad("""\
import boto3


def handler(event, context):
    session = boto3.Session(profile_name="prod")  # [client-in-handler]
    return session.client("sts").get_caller_identity()  # [client-in-handler]
""", name="app.py", title="session and a client from it"),
        bad("""\
from orders.clients import dynamodb_table


def handler(event, context):
    table = dynamodb_table()  # [client-in-handler]
    return table.get_item(Key={"id": event["id"]})
""", name="src/orders/app.py", files={
            "src/orders/__init__.py": "",
            "src/orders/clients.py": """\
import boto3


def dynamodb_table():
    return boto3.resource("dynamodb").Table("orders")
""",
            "template.yaml": """\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  OrdersFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: orders/app.handler
      Runtime: python3.12
"""}, title="helper module creates the client (finding at the call site)"),
        bad("""\
import boto3


class Handler:
    def __init__(self):
        self.s3 = boto3.client("s3")

    def process(self, event):
        return self.s3.list_objects_v2(Bucket=event["bucket"])


def handler(event, context):
    return Handler().process(event)  # [client-in-handler]
""", name="app.py", title="class-based handler built per invocation"),
        bad("""\
import boto3


class OrderService:
    def place(self, order):
        queue = boto3.client("sqs")
        return queue.send_message(QueueUrl=order["queue"], MessageBody=order["id"])


SERVICE = OrderService()


def handler(event, context):
    return SERVICE.place(event)  # [client-in-handler]
""", name="app.py", title="method of a module-level service object"),
        bad("""\
import boto3
from aws_lambda_powertools.event_handler import APIGatewayRestResolver

app = APIGatewayRestResolver()
orders = boto3.resource("dynamodb").Table("orders")


@app.get("/orders/<order_id>")
def get_order(order_id):
    return orders.get_item(Key={"id": order_id}).get("Item")


@app.get("/invoices/<order_id>")
def get_invoice(order_id):
    s3 = boto3.client("s3")
    return s3.generate_presigned_url("get_object", Params={"Bucket": "invoices", "Key": order_id})


def lambda_handler(event, context):
    return app.resolve(event, context)  # [client-in-handler]
""", name="app.py", title="a route of a Powertools event handler"),
        good("""\
import boto3


class OrderService:
    def __init__(self):
        self.queue = boto3.client("sqs")

    def place(self, order):
        return self.queue.send_message(QueueUrl=order["queue"], MessageBody=order["id"])


SERVICE = OrderService()


def handler(event, context):
    return SERVICE.place(event)
""", name="app.py", title="service object with its client made at import"),
        good("""\
import boto3

s3 = boto3.client("s3")


def lambda_handler(event, context):
    return s3.get_object(Bucket=event["bucket"], Key=event["key"])["Body"].read()
""", name="app.py", title="client at module scope"),
        good("""\
import boto3

_table = None


def get_table():
    global _table
    if _table is None:
        _table = boto3.resource("dynamodb").Table("orders")
    return _table


def handler(event, context):
    get_table().put_item(Item=event)
""", name="app.py", title="lazy global"),
        good("""\
import functools

import boto3


@functools.lru_cache(maxsize=None)
def client(name):
    return boto3.client(name)


def handler(event, context):
    client("sqs").send_message(QueueUrl=event["queue"], MessageBody="hi")
""", name="app.py", title="lru_cache factory"),
        good("""\
import boto3


def handler(event, context, s3=boto3.client("s3")):
    return s3.list_buckets()
""", name="app.py", title="default-argument client"),
        good("""\
import boto3


class Repository:
    table = boto3.resource("dynamodb").Table("orders")

    def save(self, item):
        self.table.put_item(Item=item)


REPO = Repository()


def handler(event, context):
    REPO.save(event)


if __name__ == "__main__":
    boto3.client("sts").get_caller_identity()
""", name="app.py", title="class attribute and __main__ block"),
        good("""\
from aws_lambda_powertools import Logger

import boto3

logger = Logger()
session = boto3.Session()
s3 = session.client("s3")


@logger.inject_lambda_context
def handler(event, context):
    return s3.head_bucket(Bucket=event["bucket"])
""", name="app.py", title="Powertools decorator, session at import"),
    ),
)
