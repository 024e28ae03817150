"""
## What it does
Reports a function configuration that sets an environment variable Lambda reserves for itself,
such as `AWS_REGION`, `_HANDLER` or `AWS_ACCESS_KEY_ID`, and handler code that overwrites one
(`os.environ["AWS_REGION"] = ...`, `os.environ.setdefault(...)`, `os.putenv(...)`) in code the
handler reaches.

## Why is this bad?
Lambda rejects the configuration ("Lambda was unable to configure your environment variables
because the environment variables you have provided contains reserved keys"), so the deployment
fails. The runtime sets these values itself, from the function's real Region, handler and role.
Overwriting one in code silently changes what every later SDK client does (another Region, other
credentials) for the rest of the execution environment's life, not just this invocation.

## Example
```yaml
Environment:
  Variables:
    AWS_REGION: eu-west-1
```

## How to fix
Remove the variable and read the value the runtime provides, or use a name of your own
(`TARGET_REGION`); in code, pass the value to the client instead
(`boto3.client("s3", region_name=TARGET_REGION)`). `LANG`, `PATH`, `TZ` and a few others may be overridden and are not reported.

## References
- https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime
"""

from __future__ import annotations

from typing import Iterator

from lambdalint.rulekit import (
    ENV_NAMES, Context, Finding, Rule, bad, code_analysis, good, handler_owner, handler_related, name_list,
    per_value, reachable_env,
)

RESERVED = frozenset({
    "_HANDLER", "_X_AMZN_TRACE_ID", "AWS_DEFAULT_REGION", "AWS_REGION", "AWS_EXECUTION_ENV",
    "AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "AWS_LAMBDA_FUNCTION_VERSION",
    "AWS_LAMBDA_INITIALIZATION_TYPE", "AWS_LAMBDA_LOG_GROUP_NAME", "AWS_LAMBDA_LOG_STREAM_NAME",
    "AWS_ACCESS_KEY", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
    "AWS_LAMBDA_RUNTIME_API", "LAMBDA_TASK_ROOT", "LAMBDA_RUNTIME_DIR",
})


def check(ctx: Context) -> Iterator[Finding]:
    pairs = [(function, value) for function in ctx.project.functions
             for name, value in function.environment.items() if name in RESERVED]
    for value, functions in per_value(pairs):
        name = next(k for k, v in functions[0].environment.items() if v is value)
        yield ctx.finding(
            value.key_span or value.span,
            f"`{name}` is reserved by Lambda and cannot be set on {name_list(functions)}",
            f"Remove `{name}`: the runtime sets it. Use a name of your own if you need another value.",
            function=functions[0].name,
        )
    yield from _code_writes(ctx)


def _code_writes(ctx: Context) -> Iterator[Finding]:
    """`os.environ["AWS_REGION"] = ...` in code a handler reaches."""
    analysis = code_analysis(ctx)
    reported: set[object] = set()
    for handler in analysis.handlers:
        for fact, _module in reachable_env(analysis, handler, ctx.project):
            if fact.kind != "write" or fact.variable not in RESERVED or fact.span in reported:
                continue
            reported.add(fact.span)
            yield ctx.finding(
                fact.span,
                f"handler code overwrites `{fact.variable}`, which the Lambda runtime sets",
                "Pass the value where it is needed (`boto3.client(..., region_name=...)`, a "
                "`boto3.Session(...)`) or use a name of your own instead of changing the runtime's.",
                function=handler_owner(handler),
                related=handler_related(handler, cause=True),  # focus mode shows it when only the template changed
            )


TEMPLATE = """\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  ReportFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: app.handler
      Runtime: python3.12
      Environment:
        Variables:
          TARGET_REGION: eu-west-1
"""

RULE = Rule(
    code="LL205",
    slug="reserved-environment-variable",
    severity="error",
    overview="the function sets a variable Lambda reserves, or handler code overwrites one",
    reports_in=frozenset({"python", "template"}),
    summary="The function sets an environment variable Lambda reserves",
    check=check,
    docs=__doc__ or "",
    needs_code=True,  # the code side: writes to os.environ in handler code
    code_names=ENV_NAMES,
    examples=(
        bad("""\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  ReportFunction:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
      Runtime: python3.12
      Environment:
        Variables:
          AWS_REGION: eu-west-1  # [reserved-environment-variable]
          TABLE_NAME: reports
""", title="AWS_REGION"),
        bad("""\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Globals:
  Function:
    Environment:
      Variables:
        AWS_ACCESS_KEY_ID: !Ref DeployKey  # [reserved-environment-variable]
Resources:
  ReportFunction:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
      Runtime: python3.12
""", title="credentials through Globals"),
        bad("""\
service: reports
provider:
  name: aws
  runtime: python3.12
functions:
  report:
    handler: handler.report
    environment:
      _HANDLER: handler.other  # [reserved-environment-variable]
""", name="serverless.yml", title="Serverless function environment"),
        good("""\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  ReportFunction:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
      Runtime: python3.12
      Environment:
        Variables:
          TARGET_REGION: eu-west-1
          TZ: Europe/Berlin
          PYTHONPATH: /var/task/vendor
          POWERTOOLS_SERVICE_NAME: reports
""", title="own names and overridable variables"),
        bad(files={"template.yaml": TEMPLATE, "src/app.py": """\
import os

import boto3

os.environ["AWS_REGION"] = os.environ["TARGET_REGION"]  # [reserved-environment-variable]
s3 = boto3.client("s3")


def handler(event, context):
    return s3.list_buckets()
"""}, title="handler code overwrites AWS_REGION"),
        bad(files={"template.yaml": TEMPLATE, "src/app.py": """\
from lib.assume import use_role


def handler(event, context):
    use_role(event["role_arn"])
""", "src/lib/__init__.py": "", "src/lib/assume.py": """\
import os

import boto3


def use_role(arn):
    creds = boto3.client("sts").assume_role(RoleArn=arn, RoleSessionName="x")["Credentials"]
    os.environ["AWS_ACCESS_KEY_ID"] = creds["AccessKeyId"]  # [reserved-environment-variable]
    os.environ.setdefault("AWS_SESSION_TOKEN", creds["SessionToken"])  # [reserved-environment-variable]
"""}, title="credentials swapped in a helper"),
        good(files={"template.yaml": TEMPLATE, "src/app.py": """\
import os

import boto3

s3 = boto3.client("s3", region_name=os.environ["TARGET_REGION"])
os.environ["TZ"] = "UTC"
os.environ["REPORT_CACHE"] = "/tmp/reports"


def handler(event, context):
    return {"region": os.environ["AWS_REGION"], "buckets": s3.list_buckets()}
"""}, title="reading the runtime's values, writing own names"),
    ),
)
