"""
## What it does
Reports provisioned concurrency that cannot deploy: a SAM `ProvisionedConcurrencyConfig` on a
function without `AutoPublishAlias`, an `AWS::Lambda::Alias` that points at `$LATEST` and sets
`ProvisionedConcurrencyConfig`, and provisioned concurrency larger than the function's reserved
concurrency (`ReservedConcurrentExecutions`, Serverless `reservedConcurrency`), summed over every
alias and version of the function.

## Why is this bad?
Provisioned concurrency applies to a published version or an alias, never to `$LATEST`, and it
cannot exceed the concurrency reserved for the function. The SAM transform rejects the first
("To set ProvisionedConcurrencyConfig AutoPublishALias must be defined on the function"), and
Lambda rejects the others while the stack deploys, so the change rolls back.

## Example
```yaml
Resources:
  Api:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
      Runtime: python3.12
      ProvisionedConcurrencyConfig:
        ProvisionedConcurrentExecutions: 5
```

## How to fix
Add `AutoPublishAlias: live` to the SAM function; point the alias at a version
(`!GetAtt Version.Version`); keep provisioned concurrency at or below the reserved concurrency,
or raise the reservation.

## References
- https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-resource-function.html#sam-function-provisionedconcurrencyconfig
- https://docs.aws.amazon.com/lambda/latest/api/API_PutProvisionedConcurrencyConfig.html
- https://docs.aws.amazon.com/lambda/latest/dg/provisioned-concurrency.html
"""

from __future__ import annotations

from typing import Iterator

from lambdalint.rulekit import Context, Finding, Related, Rule, bad, good, key_name


def check(ctx: Context) -> Iterator[Finding]:
    from lambdalint.rulekit import deployment, number

    for function in ctx.project.functions:
        settings = deployment(function).provisioned
        for setting in settings:
            if setting.target != "$LATEST":
                continue
            if setting.owner == "ProvisionedConcurrencyConfig":
                message = (f"`{function.name}` sets `ProvisionedConcurrencyConfig` without `AutoPublishAlias`: "
                           "the SAM transform rejects it")
                hint = "Add `AutoPublishAlias: live` (provisioned concurrency applies to an alias or version)."
            else:
                message = (f"`{setting.owner}` provisions concurrency for `{function.name}` on `$LATEST`, "
                           "which Lambda rejects")
                hint = "Point the alias at a published version (`!GetAtt <Version>.Version`)."
            yield ctx.finding(setting.amount.key_span or setting.amount.span, message, hint,
                              function=function.name)
        reserved = number(function.reserved_concurrency)
        amounts = [(s, number(s.amount)) for s in settings]
        if reserved is None or not amounts or any(a is None for _, a in amounts):
            continue  # no reservation, or an amount that does not resolve: nothing to compare
        total = sum(a for _, a in amounts if a is not None)
        if total <= reserved:
            continue
        last = amounts[-1][0]
        several = f" ({' + '.join(str(a) for _, a in amounts)} over {len(amounts)} aliases/versions)" \
            if len(amounts) > 1 else ""
        yield ctx.finding(
            last.amount.span,
            f"`{function.name}` provisions {total} concurrent executions{several} but reserves only {reserved}",
            f"Lower the provisioned concurrency or raise `{key_name(function, 'ReservedConcurrentExecutions')}`.",
            function=function.name,
            related=[Related("reserved concurrency set here", function.reserved_concurrency.span)],
        )


RULE = Rule(
    code="LL212",
    slug="provisioned-concurrency-misconfigured",
    severity="error",
    reports_in=frozenset({"template"}),
    summary="Provisioned concurrency that cannot deploy",
    overview="provisioned concurrency that cannot deploy: SAM `ProvisionedConcurrencyConfig` without "
             "`AutoPublishAlias`, on `$LATEST`, or more than the reserved concurrency",
    check=check,
    docs=__doc__ or "",
    tags=("deployment",),
    examples=(
        bad("""\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  ApiFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: app.handler
      Runtime: python3.12
      Timeout: 10
      ProvisionedConcurrencyConfig:
        ProvisionedConcurrentExecutions: 5  # [provisioned-concurrency-misconfigured]
""", title="SAM without AutoPublishAlias",
            message="`ApiFunction` sets `ProvisionedConcurrencyConfig` without `AutoPublishAlias`: "
                    "the SAM transform rejects it"),
        bad("""\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  ApiFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: app.handler
      Runtime: python3.12
      AutoPublishAlias: live
      ReservedConcurrentExecutions: 10
      ProvisionedConcurrencyConfig:
        ProvisionedConcurrentExecutions: 20  # [provisioned-concurrency-misconfigured]
""", title="more than the reserved concurrency"),
        bad("""\
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Worker:
    Type: AWS::Lambda::Function
    Properties:
      Handler: app.handler
      Runtime: python3.12
      Role: !GetAtt WorkerRole.Arn
      Code: {S3Bucket: artifacts, S3Key: worker.zip}
  WorkerAlias:
    Type: AWS::Lambda::Alias
    Properties:
      FunctionName: !Ref Worker
      FunctionVersion: $LATEST
      Name: live
      ProvisionedConcurrencyConfig:
        ProvisionedConcurrentExecutions: 2  # [provisioned-concurrency-misconfigured]
""", title="CloudFormation alias on $LATEST"),
        bad("""\
service: checkout
provider:
  name: aws
  runtime: python3.12
functions:
  pay:
    handler: handler.pay
    reservedConcurrency: 5
    provisionedConcurrency: 8  # [provisioned-concurrency-misconfigured]
""", name="serverless.yml", title="Serverless, more than reservedConcurrency"),
        good("""\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Globals:
  Function:
    AutoPublishAlias: live
Resources:
  ApiFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: app.handler
      Runtime: python3.12
      ReservedConcurrentExecutions: 10
      ProvisionedConcurrencyConfig:
        ProvisionedConcurrentExecutions: 10
""", title="alias from Globals, within the reservation"),
        good("""\
AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  Provisioned: {Type: Number, Default: 5}
Resources:
  Worker:
    Type: AWS::Lambda::Function
    Properties:
      Handler: app.handler
      Runtime: python3.12
      ReservedConcurrentExecutions: 4
      Role: !GetAtt WorkerRole.Arn
      Code: {S3Bucket: artifacts, S3Key: worker.zip}
  WorkerVersion:
    Type: AWS::Lambda::Version
    Properties:
      FunctionName: !Ref Worker
  WorkerAlias:
    Type: AWS::Lambda::Alias
    Properties:
      FunctionName: !Ref Worker
      FunctionVersion: !GetAtt WorkerVersion.Version
      Name: live
      ProvisionedConcurrencyConfig:
        ProvisionedConcurrentExecutions: !Ref Provisioned
""", title="alias on a version, amount from a parameter"),
        good("""\
service: checkout
provider:
  name: aws
  runtime: python3.12
functions:
  pay:
    handler: handler.pay
    provisionedConcurrency: ${param:provisioned, 2}
    reservedConcurrency: 5
""", name="serverless.yml", title="Serverless amount that does not resolve"),
    ),
)
