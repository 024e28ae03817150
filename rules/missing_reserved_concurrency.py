"""
## What it does
Reports a function that sets no reserved concurrency (`ReservedConcurrentExecutions`, also in SAM
`Globals.Function`; Serverless `reservedConcurrency`).

## Why is this bad?
Without it a function can take every unit of the account's Regional concurrency (1,000 by
default): one traffic spike or a retry storm in this function throttles every other function in the
account. Reserved concurrency caps the function and guarantees it that much at the same time.

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

from lambdalint.rulekit import Context, Finding, Rule, bad, good, where_to_set


def check(ctx: Context) -> Iterator[Finding]:
    for function in ctx.project.functions:
        if function.reserved_concurrency.origin != "default":
            continue
        yield ctx.finding(
            function.span,
            f"`{function.name}` sets no reserved concurrency and can use the account's whole pool",
            f"Set {where_to_set(function, 'ReservedConcurrentExecutions', provider_level=False)} "
            "to cap it and guarantee it capacity.",
            function=function.name,
        )


RULE = Rule(
    code="LL202",
    slug="missing-reserved-concurrency",
    severity="warning",
    reports_in=frozenset({"template"}),
    summary="The function sets no reserved concurrency",
    check=check,
    docs=__doc__ or "",
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
""", title="SAM function"),
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
