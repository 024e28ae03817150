"""
## What it does
Reports a function that sets no timeout of its own, in `Globals.Function` or under the Serverless
`provider`, and so runs with the platform default: 3 seconds on AWS, 6 under the Serverless
Framework.

## Why is this bad?
The default is rarely a decision. Three seconds is too short for a cold start that loads a model or
opens a database connection, so requests fail at random; a timeout chosen to match the work (and
the trigger's own limit) fails fast and predictably instead.

## Example
```yaml
Resources:
  OrdersFunction:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
      Runtime: python3.12
```

## How to fix
Set `Timeout` on the function or in `Globals.Function` (Serverless: `timeout` on the function or
under `provider`) to the longest run you expect.

## References
- https://docs.aws.amazon.com/lambda/latest/dg/configuration-timeout.html
- https://awslabs.github.io/serverless-rules/rules/lambda/default_timeout/
"""

from __future__ import annotations

from typing import Iterator

from lambdalint.rulekit import Context, Finding, Rule, bad, good, where_to_set


def check(ctx: Context) -> Iterator[Finding]:
    for function in ctx.project.functions:
        if function.timeout.origin != "default":
            continue
        yield ctx.finding(
            function.span,
            f"`{function.name}` sets no timeout and runs with the default of {function.timeout.value} s",
            f"Set {where_to_set(function, 'Timeout')} to the longest run you expect.",
            function=function.name,
        )


RULE = Rule(
    code="LL201",
    slug="missing-timeout",
    severity="warning",
    reports_in=frozenset({"template"}),
    summary="The function relies on the platform's default timeout",
    check=check,
    docs=__doc__ or "",
    examples=(
        bad("""\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  OrdersFunction:  # [missing-timeout]
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: app.handler
      Runtime: python3.12
""", title="SAM function without Timeout"),
        bad("""\
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Resizer:  # [missing-timeout]
    Type: AWS::Lambda::Function
    Properties:
      Handler: index.handler
      Runtime: python3.12
      Role: !GetAtt ResizerRole.Arn
      Code:
        S3Bucket: artifacts
        S3Key: resizer.zip
""", title="plain CloudFormation function"),
        bad("""\
service: orders
provider:
  name: aws
  runtime: python3.12
functions:
  create:  # [missing-timeout]
    handler: handler.create
""", name="serverless.yml", title="Serverless function, no provider timeout"),
        good("""\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Globals:
  Function:
    Timeout: 10
Resources:
  OrdersFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: app.handler
      Runtime: python3.12
""", title="timeout inherited from Globals"),
        good("""\
AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  FunctionTimeout: {Type: Number, Default: 30}
Resources:
  Resizer:
    Type: AWS::Lambda::Function
    Properties:
      Handler: index.handler
      Runtime: python3.12
      Timeout: !Ref FunctionTimeout
      Code: {ZipFile: "def handler(e, c): pass"}
""", title="timeout from a parameter"),
        good("""\
service: orders
provider:
  name: aws
  runtime: python3.12
  timeout: 20
functions:
  create:
    handler: handler.create
""", name="serverless.yml", title="provider timeout"),
    ),
)
