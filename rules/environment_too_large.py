"""
## What it does
Reports a function whose environment variables (keys plus values, `Globals.Function` or
`provider.environment` merged in) add up to more than 4 KB, the limit Lambda enforces.

## Why is this bad?
The deployment fails: Lambda rejects the configuration with "Lambda was unable to configure your
environment variables because the environment variables you have provided exceeded the 4KB limit".
Values resolved at deploy time (`!Ref`, `${ssm:...}`) cannot be measured here and count only their
names, so a finding is certain.

## Example
```yaml
Environment:
  Variables:
    CONFIG_JSON: '{"routes": [ ... 5,000 characters ... ]}'
```

## How to fix
Move large values to SSM Parameter Store, AppConfig or a file in the package, and read them once
per execution environment.

## References
- https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html
- https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html
"""

from __future__ import annotations

from typing import Iterator

from lambdalint.rulekit import Context, Finding, Function, Rule, Span, bad, good

LIMIT = 4096


def environment_size(function: Function) -> int:
    """Bytes the known part of the environment takes, as Lambda counts them (key + value)."""
    total = 0
    for key, value in function.environment.items():
        total += len(key.encode())
        if value.is_literal and value.value is not None:
            total += len(str(value.value).encode())
    return total


def _anchor(function: Function) -> Span:
    """The `Environment:` line that sets the variables: the function's own, else the inherited one."""
    if function.environment_anchor is not None:
        return function.environment_anchor
    first = next(iter(function.environment.values()))
    return first.key_span or first.span


def check(ctx: Context) -> Iterator[Finding]:
    for function in ctx.project.functions:
        size = environment_size(function)
        if size <= LIMIT:
            continue
        largest = max(function.environment.items(), key=lambda kv: len(str(kv[1].value)))[0]
        yield ctx.finding(
            _anchor(function),
            f"`{function.name}` has {size:,} bytes of environment variables, over Lambda's 4 KB "
            f"limit (largest: `{largest}`)",
            "Move large values to SSM Parameter Store or AppConfig and read them once at init.",
            function=function.name,
        )


_BIG = "x" * 4100

RULE = Rule(
    code="LL204",
    slug="environment-too-large",
    severity="error",
    reports_in=frozenset({"template"}),
    summary="Environment variables exceed Lambda's 4 KB limit",
    check=check,
    docs=__doc__ or "",
    examples=(
        bad(f"""\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  RouterFunction:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
      Runtime: python3.12
      Environment:  # [environment-too-large]
        Variables:
          ROUTES: "{_BIG}"
""", title="one huge value"),
        bad(f"""\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Globals:
  Function:
    Environment:
      Variables:
        SHARED: "{"y" * 3000}"
Resources:
  RouterFunction:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
      Runtime: python3.12
      Environment:  # [environment-too-large]
        Variables:
          ROUTES: "{"z" * 1200}"
""", title="Globals and the function's own add up"),
        bad(f"""\
service: router
provider:
  name: aws
  runtime: python3.12
  environment:  # [environment-too-large]
    ROUTES: "{_BIG}"
functions:
  route:
    handler: handler.route
""", name="serverless.yml", title="provider environment"),
        good("""\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  RouterFunction:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
      Runtime: python3.12
      Environment:
        Variables:
          TABLE_NAME: !Ref RoutesTable
          LOG_LEVEL: INFO
""", title="small environment"),
        good(f"""\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  RouterFunction:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
      Runtime: python3.12
      Environment:
        Variables:
          ROUTES: "{"r" * 4000}"
""", title="just under the limit"),
    ),
)
