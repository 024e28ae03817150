"""
## What it does
Reports a template or Python file that lambdalint was asked to read but could not parse: YAML or
JSON syntax errors, duplicate keys, files that are not UTF-8 text, binary files with a template's
name, unreadable files and symlink loops.

## Why is this bad?
A file that does not parse cannot be deployed, and nothing in it can be checked. Duplicate keys are
worse: YAML loaders silently keep the last value, so the setting you read is not the one deployed.

## Example
```yaml
Resources:
  Api:
    Type: AWS::Serverless::Function
    Properties:
      Timeout: 10
      Timeout: 30
```

## How to fix
Fix the syntax at the reported line. Every other file was still checked.

## References
- https://yaml.org/spec/1.2.2/#mapping
- https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/template-formats.html
"""

from __future__ import annotations

from typing import Iterator

from lambdalint.rulekit import Context, Finding, Rule, bad, good


def check(ctx: Context) -> Iterator[Finding]:
    for problem in ctx.project.problems:
        yield ctx.finding(problem.span, problem.message,
                          "Fix the file at this line; lambdalint still checked every other file.")


RULE = Rule(
    code="LL001",
    slug="parse-error",
    severity="error",
    summary="A template or Python file cannot be parsed",
    check=check,
    after_code=True,
    docs=__doc__ or "",
    examples=(
        bad("""\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  OrdersFunction:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
      Timeout: 10
      Timeout: 30  # [parse-error]
""", title="duplicate key"),
        bad("""\
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  OrdersFunction:
    Type: AWS::Lambda::Function
    Properties:
      Handler: "app.handler  # [parse-error]
      Runtime: python3.12
""", title="unterminated string"),
        good("""\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  OrdersFunction:
    Type: AWS::Serverless::Function
    Properties:
      Handler: !Sub "${Prefix}.handler"
      Role: !GetAtt OrdersRole.Arn
      Timeout: !If [IsProd, 30, 10]
""", title="short-form intrinsics"),
        good("""\
name: ci
on: [push]
jobs:
  build:
    runs-on: ubuntu-latest
    steps: [
""", name=".github/workflows/ci.yml", title="broken YAML that is not a template is not ours"),
    ),
)
