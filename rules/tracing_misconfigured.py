"""
## What it does
Reports tracing set up on one side only.

Error: active tracing that breaks the deploy: `Tracing: Active` (SAM), `TracingConfig.Mode:
Active` (CloudFormation) or `tracing: Active` / `provider.tracing.lambda: true` (Serverless) on a
function whose execution role is defined in the project, is fully known, and allows neither
`xray:PutTraceSegments` nor `xray:PutTelemetryRecords` (error).

Roles that SAM or the Serverless Framework create get the X-Ray permissions added by the tool, so
only a role the project writes itself is judged; a role defined outside the template, or one with
a managed policy whose content lambdalint does not know, is not.

Warning: handler code that sends traces (Powertools `Tracer()`, the X-Ray SDK's `patch_all()`,
`patch(...)` or `xray_recorder`) in a function whose tracing is not `Active` (the default is
`PassThrough`).

## Why is this bad?
Lambda checks the execution role when tracing is turned on: CreateFunction and
UpdateFunctionConfiguration fail with "The provided execution role does not have permissions to
call PutTraceSegments on XRAY", and the stack rolls back. The other way round nothing fails: with
tracing off, the SDK's segments go nowhere and the traces the team relies on are silently missing.

## Example
```yaml
Resources:
  Worker:
    Type: AWS::Lambda::Function
    Properties:
      Role: !GetAtt WorkerRole.Arn
      TracingConfig:
        Mode: Active
  WorkerRole:
    Type: AWS::IAM::Role
    Properties:
      ManagedPolicyArns:
        - arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole
```

## How to fix
Turn tracing on where the code traces: `Tracing: Active` (SAM, also in `Globals.Function`),
`TracingConfig: {Mode: Active}` (CloudFormation), `provider.tracing.lambda: true` or the
function's `tracing: Active` (Serverless). For the role, attach `arn:aws:iam::aws:policy/AWSXrayWriteOnlyAccess` to the role, or allow
`xray:PutTraceSegments` and `xray:PutTelemetryRecords` on `*`.

## References
- https://docs.aws.amazon.com/lambda/latest/dg/services-xray.html
- https://github.com/serverless/serverless/issues/6931
"""

from __future__ import annotations

import fnmatch
from typing import Iterator

from lambdalint.rulekit import (TRACER_NAMES, XRAY_NAMES, Context, Finding, Function, Related, Rule, bad,
                                code_analysis, good, handler_modules, tracing_use)

NEEDED = ("xray:PutTraceSegments", "xray:PutTelemetryRecords")
# AWS managed policies whose content is known here: those that allow the X-Ray writes, and the
# Lambda execution policies that do not. Any other managed policy makes the role not fully known.
_GRANTS = {"AWSXrayWriteOnlyAccess", "AWSXRayDaemonWriteAccess", "AWSXrayFullAccess", "AdministratorAccess",
           "PowerUserAccess"}
_WITHOUT = {"AWSLambdaBasicExecutionRole", "AWSLambdaVPCAccessExecutionRole", "AWSLambdaSQSQueueExecutionRole",
            "AWSLambdaKinesisExecutionRole", "AWSLambdaDynamoDBExecutionRole", "AWSLambdaMSKExecutionRole",
            "AWSLambdaRole", "AWSLambdaENIManagementAccess", "AWSLambdaBasicDurableExecutionRolePolicy"}


def check(ctx: Context) -> Iterator[Finding]:
    from lambdalint.rulekit import deployment
    from lambdalint.rulekit import execution_role

    yield from code_without_tracing(ctx)
    for function in ctx.project.functions:
        tracing = deployment(function).tracing
        if deployment(function).tracing_active is not True:
            continue
        role = execution_role(function)
        resource = function.template.resources.get(role.role) if role.role else None
        kind = resource.get("Type") if resource is not None else None
        if role.unknown is not None:
            ctx.note(role.note)  # type: ignore[arg-type]
            continue
        if kind is None or kind.value != "AWS::IAM::Role":
            continue  # created by SAM or the framework, which add the X-Ray permissions
        allowed = _allows_xray(role)
        if allowed is not False:
            continue
        yield ctx.finding(
            tracing.span,
            f"`{function.name}` has active tracing but its role `{role.role}` does not allow "
            "`xray:PutTraceSegments` and `xray:PutTelemetryRecords`: the deploy fails",
            "Attach `arn:aws:iam::aws:policy/AWSXrayWriteOnlyAccess` to the role, or allow the two "
            "actions on `*`.",
            function=function.name,
            related=[Related(f"execution role `{role.role}`", resource.key_span or resource.span)],  # type: ignore[union-attr]
        )


def code_without_tracing(ctx: Context) -> Iterator[Finding]:
    from lambdalint.rulekit import deployment

    analysis = code_analysis(ctx)
    seen: set[int] = set()
    for handler in analysis.handlers:
        function = handler.entry.template_function
        if function is None or id(function) in seen or deployment(function).tracing_active is not False:
            continue
        seen.add(id(function))
        use = tracing_use(handler_modules(analysis, handler))
        if use is None:
            continue
        yield ctx.finding(
            use.span,
            f"`{use.what}` sends traces but `{function.name}` does not have active tracing: "
            "its traces are silently missing",
            f"Turn tracing on: {_tracing_setting(function)}.",
            function=function.name, severity="warning",
            related=[Related(f"`{function.name}` defined here", function.span)],
        )


def _tracing_setting(function: Function) -> str:
    if function.kind == "serverless":
        return "`provider.tracing.lambda: true`, or `tracing: Active` on the function"
    if function.kind == "AWS::Serverless::Function":
        return "`Tracing: Active` on the function or in `Globals.Function`"
    return "`TracingConfig: {Mode: Active}`"


def _allows_xray(role: object) -> bool | None:
    """True when the role allows both actions, False when it surely does not, None when a part
    of it is not known (a managed policy of unknown content, an action that does not resolve)."""
    unknown = False
    for managed in role.managed:  # type: ignore[attr-defined]
        if managed.name in _GRANTS:
            return True
        if managed.name not in _WITHOUT:
            unknown = True
    granted: set[str] = set()
    for statement in role.statements:  # type: ignore[attr-defined]
        if statement.effect != "Allow":
            continue
        if statement.not_action is not None:
            unknown = True
            continue
        for action in statement.actions:
            text = action.str_value()
            if text is None:
                unknown = True
                continue
            granted.update(n for n in NEEDED if fnmatch.fnmatchcase(n.lower(), text.lower()))
    if granted == set(NEEDED):
        return True
    return None if unknown else False


RULE = Rule(
    code="LL211",
    slug="tracing-misconfigured",
    severity="error",
    severities=("warning",),
    reports_in=frozenset({"template", "python"}),
    summary="Tracing set up on one side only: the role or the function's tracing mode",
    overview="`Tracing: Active` with a project-defined execution role that does not allow "
             "`xray:PutTraceSegments`/`PutTelemetryRecords` (error: the deploy fails); X-Ray SDK or "
             "Powertools `Tracer` in code while tracing is not `Active` (warning)",
    check=check,
    docs=__doc__ or "",
    preview=True,
    tags=("deployment", "observability"),
    needs_code=True,
    code_names=TRACER_NAMES + XRAY_NAMES,
    examples=(
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
      TracingConfig:
        Mode: Active  # [tracing-misconfigured]
  WorkerRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - {Effect: Allow, Principal: {Service: lambda.amazonaws.com}, Action: sts:AssumeRole}
      ManagedPolicyArns:
        - arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole
      Policies:
        - PolicyName: orders
          PolicyDocument:
            Statement:
              - Effect: Allow
                Action: [dynamodb:GetItem, dynamodb:PutItem]
                Resource: !GetAtt OrdersTable.Arn
""", title="CloudFormation role without X-Ray"),
        bad("""\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Globals:
  Function:
    Tracing: Active  # [tracing-misconfigured]
Resources:
  ApiFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: app.handler
      Runtime: python3.12
      Role: !GetAtt ApiRole.Arn
  ApiRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - {Effect: Allow, Principal: {Service: lambda.amazonaws.com}, Action: sts:AssumeRole}
      Policies:
        - PolicyName: logs
          PolicyDocument:
            Statement:
              - Effect: Allow
                Action: [logs:CreateLogStream, logs:PutLogEvents, xray:PutTraceSegments]
                Resource: "*"
""", title="SAM with its own role, one of the two actions"),
        bad("""\
service: orders
provider:
  name: aws
  runtime: python3.12
  tracing:
    lambda: true  # [tracing-misconfigured]
functions:
  create:
    handler: handler.create
    role: OrdersRole
resources:
  Resources:
    OrdersRole:
      Type: AWS::IAM::Role
      Properties:
        AssumeRolePolicyDocument:
          Statement:
            - {Effect: Allow, Principal: {Service: lambda.amazonaws.com}, Action: sts:AssumeRole}
        ManagedPolicyArns:
          - arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole
""", name="serverless.yml", title="Serverless function with a role of the service's resources"),
        good("""\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Globals:
  Function:
    Tracing: Active
Resources:
  ApiFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: app.handler
      Runtime: python3.12
      Policies:
        - DynamoDBReadPolicy: {TableName: orders}
""", title="SAM-created role: SAM adds AWSXrayWriteOnlyAccess"),
        good("""\
AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  ExtraPolicy: {Type: String}
Resources:
  Worker:
    Type: AWS::Lambda::Function
    Properties:
      Handler: app.handler
      Runtime: python3.12
      Role: !GetAtt WorkerRole.Arn
      Code: {S3Bucket: artifacts, S3Key: worker.zip}
      TracingConfig:
        Mode: Active
  WorkerRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - {Effect: Allow, Principal: {Service: lambda.amazonaws.com}, Action: sts:AssumeRole}
      ManagedPolicyArns:
        - arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole
        - !Ref ExtraPolicy
  OtherWorker:
    Type: AWS::Lambda::Function
    Properties:
      Handler: app.handler
      Runtime: python3.12
      Role: !GetAtt OtherRole.Arn
      Code: {S3Bucket: artifacts, S3Key: worker.zip}
      TracingConfig:
        Mode: Active
  OtherRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - {Effect: Allow, Principal: {Service: lambda.amazonaws.com}, Action: sts:AssumeRole}
      ManagedPolicyArns:
        - arn:aws:iam::aws:policy/AWSXrayWriteOnlyAccess
""", title="a policy from a parameter; AWSXrayWriteOnlyAccess"),
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
""", "src/app.py": """\
from aws_lambda_powertools import Logger, Tracer

logger = Logger()
tracer = Tracer()  # [tracing-misconfigured]


@tracer.capture_lambda_handler
def handler(event, context):
    return {"statusCode": 200}
"""}, title="Powertools Tracer, tracing left at PassThrough",
            message="`Tracer` sends traces but `OrdersFunction` does not have active tracing: its traces are "
                    "silently missing"),
        bad(files={"serverless.yml": """\
service: orders
provider:
  name: aws
  runtime: python3.12
  tracing:
    apiGateway: true
functions:
  create:
    handler: handler.create
""", "handler.py": """\
import boto3
from aws_xray_sdk.core import patch_all

patch_all()  # [tracing-misconfigured]
TABLE = boto3.resource("dynamodb").Table("orders")


def create(event, context):
    TABLE.put_item(Item=event)
"""}, title="X-Ray SDK, Serverless traces only API Gateway"),
        good(files={"serverless.yml": """\
service: orders
provider:
  name: aws
  runtime: python3.12
  tracing:
    lambda: true
functions:
  create:
    handler: handler.create
  report:
    handler: report.run
    tracing: PassThrough
""", "handler.py": """\
from aws_lambda_powertools import Tracer

tracer = Tracer()


@tracer.capture_lambda_handler
def create(event, context):
    return {}
""", "report.py": """\
import json


def run(event, context):
    print(json.dumps(event))
"""}, title="Serverless provider tracing; an untraced function that does not trace"),
        good("""\
service: orders
provider:
  name: aws
  runtime: python3.12
  tracing:
    lambda: true
  iam:
    role: arn:aws:iam::123456789012:role/orders-lambda
functions:
  create:
    handler: handler.create
""", name="serverless.yml", title="Serverless role defined outside the service"),
        good("""\
service: orders
provider:
  name: aws
  runtime: python3.12
  tracing:
    lambda: true
  iam:
    role:
      statements:
        - Effect: Allow
          Action: [dynamodb:PutItem]
          Resource: "*"
functions:
  create:
    handler: handler.create
""", name="serverless.yml", title="Serverless-created role: the framework adds X-Ray"),
    ),
)
