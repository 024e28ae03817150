"""
## What it does
Reports, in a function with SnapStart on, module-level code that makes a value which must differ
per execution environment and keeps it: `uuid.uuid4()`, `random.*` results, `secrets.token_*`,
`os.urandom`, `time.time()` or `datetime.now()` bound to a module-level name, `random.seed(...)`,
and a database or cache connection opened at import time when no
`snapshot_restore_py.register_after_restore` hook exists to renew it. The handler's module and
every project module it imports are read.

## Why is this bad?
SnapStart runs the init phase once, snapshots the memory, and restores every new execution
environment from that snapshot. A "unique" id made at import is then the same in every
environment, a seeded generator yields the same sequence everywhere, a start timestamp is the time
the version was published, and a connection opened at init is long closed by the time a restored
environment uses it.

## Example
```python
import uuid

INSTANCE_ID = uuid.uuid4()


def handler(event, context):
    return {"instance": str(INSTANCE_ID)}
```

## How to fix
Make such values in the handler (or lazily, on first use after restore), or renew them in a
function decorated with `@register_after_restore` from `snapshot_restore_py`.

## References
- https://docs.aws.amazon.com/lambda/latest/dg/snapstart-uniqueness.html
- https://docs.aws.amazon.com/lambda/latest/dg/snapstart-runtime-hooks-python.html
"""

from __future__ import annotations

from typing import Iterator

from lambdalint.rulekit import (AFTER_RESTORE, CONNECTION_NAMES, HTTP_POOLS, UNIQUE_NAMES, Context, Finding, Related,
                                Rule, bad, code_analysis, connection, good, handler_modules, restores,
                                snapshot_unique_values)


def check(ctx: Context) -> Iterator[Finding]:
    from lambdalint.rulekit import deployment

    analysis = code_analysis(ctx)
    texts = {display: source.text for display, source in ctx.project.sources.items()}
    seen: set[tuple[int, object]] = set()
    for handler in analysis.handlers:
        function = handler.entry.template_function
        if function is None or deployment(function).snap_start_on is not True:
            continue
        snap = deployment(function).snap_start
        related = [Related(f"SnapStart of `{function.name}` turned on here", snap.span)]
        modules = handler_modules(analysis, handler)
        found = [(f"`{use.what}()` at import time is the same in every environment SnapStart restores",
                  "Make the value in the handler, or renew it in a `@register_after_restore` hook.", use.span)
                 for use in snapshot_unique_values(modules, texts)]
        if not restores(modules):
            for module in modules:
                for call in module.module_calls:
                    what = connection(call)
                    if what is not None and what not in HTTP_POOLS:
                        found.append((f"`{what}` connection opened at import time is restored from the "
                                      "snapshot, long closed",
                                      "Open it on first use, or reconnect in a `@register_after_restore` hook "
                                      "(`snapshot_restore_py`).", call.span))
        for message, hint, span in found:
            if (id(function), span) in seen:
                continue
            seen.add((id(function), span))
            yield ctx.finding(span, message, hint, function=function.name, related=related)


RULE = Rule(
    code="LL110",
    slug="snapstart-unique-state",
    severity="warning",
    reports_in=frozenset({"python"}),
    summary="Module-level state that every SnapStart-restored environment shares",
    overview="SnapStart is on and import-time code keeps a value that must differ per environment "
             "(`uuid4()`, `random`, `secrets`, timestamps) or opens a connection without an after-restore hook",
    check=check,
    docs=__doc__ or "",
    needs_code=True,
    code_names=UNIQUE_NAMES + AFTER_RESTORE + CONNECTION_NAMES,
    tags=("correctness",),
    examples=(
        bad(files={"template.yaml": """\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  OrdersFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: app.handler
      Runtime: python3.12
      AutoPublishAlias: live
      SnapStart:
        ApplyOn: PublishedVersions
""", "src/app.py": """\
import logging
import random
import secrets
import time
import uuid

logging.getLogger().info("init at %s", time.time())
INSTANCE_ID = uuid.uuid4()  # [snapstart-unique-state]
TOKEN: str = secrets.token_hex(16)  # [snapstart-unique-state]
random.seed(42)  # [snapstart-unique-state]
STARTED = time.time()  # [snapstart-unique-state]


def handler(event, context):
    return {"instance": str(INSTANCE_ID), "up": time.time() - STARTED, "pick": random.random()}
"""}, title="id, seed and start time made at import"),
        bad(files={"serverless.yml": """\
service: orders
provider:
  name: aws
  runtime: python3.13
functions:
  create:
    handler: handler.create
    snapStart: true
""", "handler.py": """\
import os

import psycopg

CONN = psycopg.connect(os.environ["DATABASE_URL"])  # [snapstart-unique-state]


def create(event, context):
    with CONN.cursor() as cursor:
        cursor.execute("insert into orders values (%s)", (event["id"],))
"""}, title="Serverless snapStart, connection at init without a restore hook"),
        good(files={"template.yaml": """\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  OrdersFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: app.handler
      Runtime: python3.12
      AutoPublishAlias: live
      SnapStart:
        ApplyOn: PublishedVersions
""", "src/app.py": """\
import os
import time
import uuid

import psycopg
from snapshot_restore_py import register_after_restore

CONN = psycopg.connect(os.environ["DATABASE_URL"])
time.sleep(0)


@register_after_restore
def reconnect():
    global CONN
    CONN = psycopg.connect(os.environ["DATABASE_URL"])


def handler(event, context):
    request_id = uuid.uuid4()
    return {"id": str(request_id), "at": time.time()}
"""}, title="values made per request; connection renewed after restore"),
        good(files={"template.yaml": """\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  OrdersFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: app.handler
      Runtime: python3.12
""", "src/app.py": """\
import uuid

INSTANCE_ID = uuid.uuid4()


def handler(event, context):
    return {"instance": str(INSTANCE_ID)}
"""}, title="no SnapStart: one environment, one id"),
    ),
)
