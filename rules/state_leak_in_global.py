"""
## What it does
Reports a handler (or a project function it calls) that changes module-level state on every
invocation in a way that grows or carries request data to the next one: `ITEMS.append(...)`,
`SEEN.add(...)`, `CACHE[key] = ...`, `TOTALS.update(...)` on a module-level list, dict or set;
`global count; count += 1`; `global user; user = event[...]`. Lazy-init caches filled behind a
guard (`if key not in CACHE: CACHE[key] = ...`, or a function that returns a hit first, also after
a freshness check: `if key in CACHE and now - CACHE[key]["at"] < TTL: return ...`) and one-off
flags (`global cold; cold = False`) stay silent, except in a loop over the event's records, where a guard keyed by each record
(`if record["messageId"] not in SEEN: SEEN[...] = ...`) fills one more key per record on every
invocation. Handlers that are methods of a module-level instance (`handler = Service().handle`)
and functions defined inside the handler are followed too; for such a handler the instance's own
containers count as module state (`self.seen.add(...)` on a set made in `__init__`), unless a
method binds the attribute afresh (`self.failures = []` at the start of each call); so do those of
a module-level object whose method the handler calls (`AUDIT.record(event)`).

## Why is this bad?
The module outlives the invocation: the next request in the same execution environment sees what
this one left behind. Lists and dicts grow until the function runs out of memory, and data of one
caller (a user id, a token) leaks into another's response.

## Example
```python
PROCESSED = []

def handler(event, context):
    PROCESSED.append(event["id"])
```

## How to fix
Keep per-request data in local variables; if you need a cache, bound it (`functools.lru_cache`,
a TTL) or guard its fill so it is only written once.

## References
- https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtime-environment.html
- https://docs.aws.amazon.com/lambda/latest/dg/best-practices.html#function-code
"""

from __future__ import annotations

from typing import Iterator

from lambdalint.rulekit import (Context, Finding, MutationFact, Reached, Related, Rule, bad, code_analysis, good,
                                handler_owner, handler_related)


# What a module shows when it holds state LL107 reports: a module-level name (or an attribute of
# `self`) bound to a list, dict or set (`_is_mutable` of the extractor), or a `global` declaration.
MUTABLE_BINDING = (
    r"^(?:[ \t]*self\.)?[A-Za-z_]\w*[ \t]*(?::[^=\n]*)?=[ \t]*(?:\[|\{|set\(|dict\(|list\(|(?:collections\.)?"
    r"(?:defaultdict|deque|OrderedDict|Counter)\()")


def check(ctx: Context) -> Iterator[Finding]:
    analysis = code_analysis(ctx)
    for handler in analysis.handlers:
        # One finding per global a handler leaks into, at its first change: filling four keys of
        # one dict is one problem, not four.
        changes: dict[tuple[str, str], list[tuple[MutationFact, Reached]]] = {}
        for mutation, reached in analysis.per_invocation_mutations(handler):
            changes.setdefault((reached.module.path, mutation.name), []).append((mutation, reached))
        for found in changes.values():
            mutation, reached = found[0]
            related = [Related(f"`{mutation.name}` changed in `{reached.function.qualname}` here", reached.origin)] \
                if reached.in_helper else []
            where = f" (in `{reached.function.qualname}()`)" if reached.in_helper else ""
            more = len({r.origin for _, r in found}) - 1
            also = f", and in {more} more place{'s' if more > 1 else ''}" if more else ""
            state = f"`{mutation.name}` of the module-level `{reached.function.class_name}` instance" \
                if mutation.name.startswith("self.") else f"module-level `{mutation.name}`"
            yield ctx.finding(
                reached.site,
                f"{state} changed on every invocation by {mutation.how}{where}{also}",
                "Keep per-request data local; bound or guard any cache kept at module scope.",
                function=handler_owner(handler), related=related + handler_related(handler))


RULE = Rule(
    code="LL107",
    slug="state-leak-in-global",
    severity="warning",
    reports_in=frozenset({"python"}),
    summary="The handler changes module-level state on every invocation",
    check=check,
    docs=__doc__ or "",
    needs_code=True,
    code_names=(),
    code_patterns=(MUTABLE_BINDING, r"\bglobal\b"),
    tags=("correctness",),
    examples=(
        bad("""\
PROCESSED = []


def handler(event, context):
    PROCESSED.append(event["id"])  # [state-leak-in-global]
    return len(PROCESSED)
""", name="app.py", title="append to a module list"),
        bad("""\
RESULTS = {}


def lambda_handler(event, context):
    RESULTS[event["requestContext"]["requestId"]] = event["body"]  # [state-leak-in-global]
    return {"statusCode": 200}
""", name="app.py", title="item assignment keyed by request"),
        bad("""\
invocations = 0


def handler(event, context):
    global invocations
    invocations += 1  # [state-leak-in-global]
    return invocations
""", name="app.py", title="global counter"),
        bad("""\
current_user = None


def handler(event, context):
    global current_user
    current_user = event["requestContext"]["authorizer"]["principalId"]  # [state-leak-in-global]
    return current_user
""", name="app.py", title="request data in a global"),
        bad("""\
from collections import defaultdict

TOTALS = defaultdict(int)
SEEN = set()


def record(order):
    TOTALS.update({order["sku"]: order["qty"]})


def handler(event, context):
    SEEN.add(event["id"])  # [state-leak-in-global]
    record(event)  # [state-leak-in-global]
""", name="app.py", title="set and a helper"),
        bad("""\
import logging

logger = logging.getLogger()
ERRORS = []


class Processor:
    def run(self, records):
        for record in records:
            ERRORS.extend(record.get("errors", []))


def handler(event, context):
    Processor().run(event["Records"])  # [state-leak-in-global]
""", name="app.py", title="method of a class built per invocation"),
        bad("""\
import os
from http.cookies import SimpleCookie

HEADERS = {"Access-Control-Allow-Origin": os.environ.get("ALLOWED_ORIGIN")}


def get_headers(client_id):
    headers = HEADERS
    cookie = SimpleCookie()
    cookie["greetingsId"] = client_id
    headers["Set-Cookie"] = cookie["greetingsId"].OutputString()
    return headers


def copy_headers(client_id):
    headers = dict(HEADERS)
    headers["Set-Cookie"] = client_id
    return headers


def handler(event, context):
    copy_headers(event["clientId"])
    return {"statusCode": 200, "headers": get_headers(event["clientId"])}  # [state-leak-in-global]
""", name="app.py", title="through a local that names the container (vincedgy/aws-serverless-python-greetings); a copy does not leak"),
        good("""\
_cache = {}


def handler(event, context):
    key = event["id"]
    if key not in _cache:
        _cache[key] = key.upper()
    return _cache[key]
""", name="app.py", title="guarded cache fill"),
        good("""\
import json
import time

import boto3

s3 = boto3.client("s3")
CACHE_TTL = 600
_cache = {}


def get_config(key):
    now = time.time()
    if key in _cache and now - _cache[key]["ts"] < CACHE_TTL:
        return _cache[key]["data"]
    data = json.loads(s3.get_object(Bucket="config", Key=key)["Body"].read())
    _cache[key] = {"data": data, "ts": now}
    return data


def handler(event, context):
    return get_config("config/plan.template.json")
""", name="app.py", title="a cache kept for a while, its time read before the test (semperfitodd/styrkr)"),
        good("""\
import json
import os
import time

import boto3

s3 = boto3.client("s3")
CACHE_TTL = 600
_cache = {}


def get_app_config(key):
    bucket = os.environ.get("CONFIG_BUCKET")
    if not bucket:
        raise ValueError("CONFIG_BUCKET environment variable not set")
    now = time.time()
    if key in _cache:
        cached = _cache[key]
        if now - cached["timestamp"] < CACHE_TTL:
            return cached["data"]
        try:
            response = s3.get_object(Bucket=bucket, Key=key, IfNoneMatch=cached["etag"])
        except s3.exceptions.ClientError:
            cached["timestamp"] = now
            return cached["data"]
        _cache[key] = {"data": json.loads(response["Body"].read()), "etag": response["ETag"], "timestamp": now}
        return _cache[key]["data"]
    response = s3.get_object(Bucket=bucket, Key=key)
    _cache[key] = {"data": json.loads(response["Body"].read()), "etag": response["ETag"], "timestamp": now}
    return _cache[key]["data"]


def handler(event, context):
    return get_app_config("exercises.latest.json")
""", name="app.py", title="a cache that refuses a missing setting first and revalidates a stale entry (semperfitodd/styrkr)"),
        good("""\
_can_edit = {}


def handler(event, context):
    key = (event["user"], event["mentor"])
    if not _can_edit.get(key):
        _can_edit[key] = lookup(*key)
    return {"statusCode": 200 if _can_edit.get(key) else 403}


def lookup(user, mentor):
    return user == mentor
""", name="app.py", title="cache filled when a .get() finds nothing (mentorpal/classifier-service)"),
        bad("""\
import json

PROCESSED = {}


def lambda_handler(event, context):
    for record in event["Records"]:
        message_id = record["messageId"]
        if message_id not in PROCESSED:
            PROCESSED[message_id] = json.loads(record["body"])  # [state-leak-in-global]
    return {"batchItemFailures": []}
""", name="app.py", title="dedup dict keyed by each record"),
        bad("""\
import boto3

AUDIT = []


class Consumer:
    def handle(self, event, context):
        for record in event["Records"]:
            AUDIT.append(record["eventID"])  # [state-leak-in-global]


handler = Consumer().handle
""", name="app.py", files={"serverless.yml": """\
service: audit
provider:
  name: aws
  runtime: python3.12
functions:
  consume:
    handler: app.handler
"""}, title="handler bound to a method"),
        bad("""\
class Deduplicator:
    def __init__(self):
        self.seen = set()

    def handle(self, event, context):
        fresh = [r for r in event["Records"] if r["messageId"] not in self.seen]
        self.seen.update(r["messageId"] for r in fresh)  # [state-leak-in-global]
        return {"fresh": len(fresh)}


handler = Deduplicator().handle
""", name="app.py", files={"serverless.yml": """\
service: dedup
provider:
  name: aws
  runtime: python3.12
functions:
  dedup:
    handler: app.handler
"""}, title="a container of the handler's instance"),
        good("""\
class BatchHandler:
    def __init__(self):
        self.failures = []
        self.cache = {}

    def handle(self, event, context):
        self.failures = []
        if "schema" not in self.cache:
            self.cache["schema"] = {"version": 2}
        for record in event["Records"]:
            if not record.get("body"):
                self.failures.append({"itemIdentifier": record["messageId"]})
        return {"batchItemFailures": self.failures}


handler = BatchHandler().handle
""", name="app.py", files={"serverless.yml": """\
service: batch
provider:
  name: aws
  runtime: python3.12
functions:
  batch:
    handler: app.handler
"""}, title="instance state reset per call, lazy instance cache"),
        bad("""\
class AuditLog:
    def __init__(self):
        self.entries = []

    def record(self, event):
        self.entries.append(event["detail"])


AUDIT = AuditLog()


def handler(event, context):
    AUDIT.record(event)  # [state-leak-in-global]
    return {"ok": True}
""", name="app.py", title="a module-level object's list"),
        good("""\
class AuditLog:
    def __init__(self):
        self.entries = []

    def record(self, event):
        self.entries.append(event["detail"])


def handler(event, context):
    audit = AuditLog()
    audit.record(event)
    return audit.entries
""", name="app.py", title="an object made in the handler"),
        good("""\
class Collector:
    def __init__(self):
        self.items = []

    def run(self, records):
        for record in records:
            self.items.append(record["body"])
        return self.items


def handler(event, context):
    return Collector().run(event["Records"])
""", name="app.py", title="an instance made per invocation"),
        good("""\
import json

_config = {}


def lambda_handler(event, context):
    for record in event["Records"]:
        if "limits" not in _config:
            _config["limits"] = json.loads('{"max": 10}')
        print(record["body"], _config["limits"])
""", name="app.py", title="lazy init keyed by a constant inside a record loop"),
        good("""\
import os

import boto3

sqs = boto3.client("sqs")
_queue_url_cache = {}


def _append_sent_queue_url():
    url = _queue_url_cache.get("url")
    if url is None:
        url = sqs.get_queue_url(QueueName=os.environ["APPEND_SENT_QUEUE"])["QueueUrl"]
        _queue_url_cache["url"] = url
    return url


def handler(event, context):
    sqs.send_message(QueueUrl=_append_sent_queue_url(), MessageBody=event["body"])
""", name="app.py", title="a cache read into a local, tested and filled under a constant key (cabal-infra, judged)"),
        good("""\
import boto3

s3 = boto3.client("s3")
RETRYABLE = ["SlowDown", "InternalError"]


def process_files(bucket, keys):
    updated_count = 0
    error_count = 0

    def process_one(key):
        nonlocal updated_count, error_count
        try:
            s3.copy_object(Bucket=bucket, Key=f"done/{key}", CopySource={"Bucket": bucket, "Key": key})
            updated_count += 1
        except s3.exceptions.NoSuchKey:
            error_count += 1

    for key in keys:
        process_one(key)
    return updated_count, error_count


def handler(event, context):
    return process_files(event["bucket"], event["keys"])
""", name="app.py", title="counters of the enclosing call, through `nonlocal` (amplify-genai-backend, judged)"),
        good("""\
cold_start = True


def handler(event, context):
    global cold_start
    was_cold = cold_start
    cold_start = False
    return was_cold
""", name="app.py", title="cold start flag"),
        good("""\
def handler(event, context):
    items = []
    for record in event["Records"]:
        items.append(record["body"])
    return items
""", name="app.py", title="local list"),
        good("""\
import boto3

_client = None


def handler(event, context):
    global _client
    if _client is None:
        _client = boto3.client("s3")
    return _client.list_buckets()
""", name="app.py", title="lazy client"),
        good("""\
HEADERS = {"Content-Type": "application/json"}


def handler(event, context):
    headers = dict(HEADERS)
    headers.update({"X-Request-Id": context.aws_request_id})
    return {"statusCode": 200, "headers": headers}
""", name="app.py", title="copy of a module dict"),
        good("""\
from aws_lambda_powertools import Metrics

metrics = Metrics()
REGISTRY = []
REGISTRY.append("startup")


@metrics.log_metrics
def handler(event, context):
    metrics.add_metric(name="Orders", unit="Count", value=1)
""", name="app.py", title="module-level setup and Powertools metrics"),
        good("""\
import json
import os
import urllib.request

_jwks: dict = {}


def get_jwks() -> dict:
    \"\"\"Cognito's signing keys, fetched on the first call only.\"\"\"
    if "keys" in _jwks:
        return _jwks
    url = f"https://cognito-idp.{os.environ['AWS_REGION']}.amazonaws.com/{os.environ['POOL_ID']}/.well-known/jwks.json"
    with urllib.request.urlopen(url) as response:
        _jwks.update(json.load(response))
    return _jwks


def lambda_handler(event, context):
    keys = get_jwks()["keys"]
    return {"statusCode": 200, "body": json.dumps({"keys": len(keys)})}
""", name="app.py", title="cache filled behind an early return"),
        bad("""\
_seen: dict = {}


def remember(event):
    if "warm" in _seen:
        print("warm start")
    _seen.update(event)


def handler(event, context):
    remember(event)  # [state-leak-in-global]
    return len(_seen)
""", name="app.py", title="an early check that does not return still leaks"),
        bad("""\
import json

results = {}


def lambda_handler(event, context):
    results["GET"] = event.get("get")  # [state-leak-in-global]
    results["POST"] = event.get("post")
    results["DELETE"] = event.get("delete")
    return {"statusCode": 200, "body": json.dumps(results)}
""", name="app.py", title="one finding for a dict filled key by key"),
    ),
)
