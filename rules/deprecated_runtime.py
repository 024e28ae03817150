"""
## What it does
Reports a function whose runtime AWS has deprecated (warning), or for which AWS already blocks
creating or updating functions (error). The dates come from cfn-lint's copy of the AWS runtime
lifecycle table, compared with today's date.

Container-image functions (Serverless `image:`, `PackageType: Image`) bring their own runtime:
`provider.runtime` does not apply to them.

## Why is this bad?
A deprecated runtime gets no security patches and no support. Once creation is blocked, a fresh
deployment of the stack fails; once updates are blocked, so does every code change.

## Example
```yaml
Runtime: python3.8
```

## How to fix
Move to the runtime named in the message (the newest of the same language) and test the handler on
it.

## References
- https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html
"""

from __future__ import annotations

import datetime
import importlib.util
import json
from pathlib import Path
from typing import Iterator

from lambdalint.rulekit import Context, Finding, Rule, bad, good, name_list, per_value

LIFECYCLE = ("data", "AdditionalSpecs", "LmbdRuntimeLifecycle.json")


def lifecycle_table() -> dict[str, dict[str, str]]:
    """cfn-lint's runtime table, found without importing cfnlint (its import alone costs ~0.6 s)."""
    spec = importlib.util.find_spec("cfnlint")
    if spec is None or not spec.submodule_search_locations:
        return {}
    for location in spec.submodule_search_locations:
        path = Path(location).joinpath(*LIFECYCLE)
        if path.is_file():
            return json.loads(path.read_text(encoding="utf-8"))
    return {}


def _date(text: str | None) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(text) if text else None
    except ValueError:
        return None


def check(ctx: Context) -> Iterator[Finding]:
    pairs = [(f, f.runtime) for f in ctx.project.functions if f.runtime.str_value()]
    table = lifecycle_table() if pairs else {}
    for value, functions in per_value(pairs):
        runtime = value.value
        entry = table.get(runtime)
        if entry is None:
            continue
        successor = entry.get("successor")
        hint = f"Move to `{successor}` and test the handler on it." if successor else \
            "Move to a supported runtime of the same language."
        deprecated, create, update = (_date(entry.get(k)) for k in ("deprecated", "create-block", "update-block"))
        if update and ctx.today >= update:
            message, severity = f"`{runtime}` is blocked: functions on it can no longer be updated (since {update})", "error"
        elif create and ctx.today >= create:
            message, severity = f"`{runtime}` is blocked for new functions since {create} (updates stop on {update})", "error"
        elif deprecated and ctx.today >= deprecated:
            message, severity = f"`{runtime}` is deprecated since {deprecated} and gets no security patches", "warning"
        else:
            continue
        if len(functions) > 1:
            message += f" (used by {name_list(functions)})"
        yield ctx.finding(value.span, message, hint, function=functions[0].name,
                          severity=severity)  # type: ignore[arg-type]


RULE = Rule(
    code="LL206",
    slug="deprecated-runtime",
    severity="warning",
    severities=("error",),
    overview="deprecated runtime (error once AWS blocks it)",
    reports_in=frozenset({"template"}),
    summary="The function uses a deprecated or blocked runtime",
    check=check,
    docs=__doc__ or "",
    examples=(
        bad("""\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  LegacyFunction:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
      Runtime: python3.7  # [deprecated-runtime]
""", title="long blocked"),
        bad("""\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Globals:
  Function:
    Runtime: python3.9  # [deprecated-runtime]
Resources:
  LegacyFunction:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
""", title="through Globals"),
        bad("""\
service: legacy
provider:
  name: aws
  runtime: nodejs14.x  # [deprecated-runtime]
functions:
  hello:
    handler: handler.hello
""", name="serverless.yml", title="Serverless provider runtime"),
        good("""\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  CurrentFunction:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
      Runtime: python3.13
""", title="supported runtime"),
        good("""\
AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  Runtime: {Type: String, Default: python3.12}
Resources:
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Handler: app.handler
      Runtime: !Ref Runtime
      Code: {ZipFile: "def handler(e, c): pass"}
""", title="runtime from a parameter is not guessed"),
        good("""\
service: ranking
provider:
  name: aws
  runtime: python3.8  # left over from before the move to a container image
  ecr:
    images:
      ranker:
        path: ./ranker
functions:
  rank:
    image:
      name: ranker
""", name="serverless.yml", title="a Serverless image function has no runtime"),
    ),
)
