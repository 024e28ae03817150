"""
## What it does
Reports a function configuration that sets an environment variable Lambda reserves for itself,
such as `AWS_REGION`, `_HANDLER` or `AWS_ACCESS_KEY_ID`.

## Why is this bad?
Lambda rejects the configuration ("Lambda was unable to configure your environment variables
because the environment variables you have provided contains reserved keys"), so the deployment
fails. The runtime sets these values itself, from the function's real Region, handler and role.

## Example
```yaml
Environment:
  Variables:
    AWS_REGION: eu-west-1
```

## How to fix
Remove the variable and read the value the runtime provides, or use a name of your own
(`TARGET_REGION`). `LANG`, `PATH`, `TZ` and a few others may be overridden and are not reported.

## References
- https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime
"""

from __future__ import annotations

from typing import Iterator

from lambdalint.rulekit import Context, Finding, Rule, bad, good, name_list, per_value

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


RULE = Rule(
    code="LL205",
    slug="reserved-environment-variable",
    severity="error",
    summary="The function sets an environment variable Lambda reserves",
    check=check,
    docs=__doc__ or "",
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
    ),
)
