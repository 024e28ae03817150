"""
## What it does
Reports tracing set up on one side only.

Error: active tracing that breaks the deploy: `Tracing: Active` (SAM), `TracingConfig.Mode:
Active` (CloudFormation), `tracing: Active` / `provider.tracing.lambda: true` (Serverless) or
`tracing_config { mode = "Active" }` / the lambda module's `tracing_mode = "Active"` (Terraform) on a
function whose execution role is defined in the project, is fully known, and does not allow
`xray:PutTraceSegments` or `xray:PutTelemetryRecords` (error). The role's policy is evaluated as
IAM does: wildcards (`xray:Put*`, `*`), `NotAction`, an explicit `Deny`, and the documents of AWS
managed policies (`AWSXRayDaemonWriteAccess`, `AWSXrayWriteOnlyAccess`, ...).

Roles that SAM or the Serverless Framework create get the X-Ray permissions added by the tool, and
so do the roles of CDK functions (`tracing=Tracing.ACTIVE` adds them) and the lambda module's own
role with `attach_tracing_policy = true`: only a role the project writes itself is judged. A role
defined outside the template, one with a managed policy whose content lambdalint does not know, or
a statement that does not resolve is not.

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

from typing import Iterator

from lambdalint.rulekit import (TRACER_NAMES, XRAY_NAMES, Context, Finding, Related, Rule, bad,
                                code_analysis, good, handler_modules, tracing_use)

NEEDED = ("xray:PutTraceSegments", "xray:PutTelemetryRecords")


def check(ctx: Context) -> Iterator[Finding]:
    from lambdalint.policy_eval import Policy
    from lambdalint.rulekit import deployment, function_role

    yield from code_without_tracing(ctx)
    for function in ctx.project.functions:
        settings = deployment(function)
        tracing = settings.tracing
        if settings.tracing_active is not True or function.tracing_grants_role:
            continue  # off, unknown, or the deploying tool adds the permissions to its own role
        role = function_role(ctx, function)
        policy = Policy.of(role) if role.unknown is None else None
        if policy is None or policy.unknown is not None:
            ctx.note(role.note or f"{function.label} uses {policy.unknown}; its X-Ray permissions "  # type: ignore[union-attr]
                     "were not checked")
            continue
        missing = [action for action in NEEDED if not policy.decide(action).allowed]
        if not missing:
            continue
        resource = function.template.resources.get(role.role) if role.role else None
        related = [Related(f"execution role `{role.role}`", resource.key_span or resource.span)] \
            if resource is not None else []
        yield ctx.finding(
            tracing.span,
            f"`{function.name}` has active tracing but its role `{role.role}` does not allow "
            f"{' and '.join(f'`{a}`' for a in missing)}: the deploy fails",
            "Attach `arn:aws:iam::aws:policy/AWSXrayWriteOnlyAccess` to the role, or allow "
            "`xray:PutTraceSegments` and `xray:PutTelemetryRecords` on `*`.",
            function=function.name,
            related=related,
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
            f"Turn tracing on: {function.tracing_hint}.",
            function=function.name, severity="warning",
            related=[Related(f"`{function.name}` defined here", function.span)],
        )


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
        bad("""\
resource "aws_iam_role" "worker" {
  name               = "worker"
  assume_role_policy = data.aws_iam_policy_document.assume.json
}

resource "aws_iam_role_policy_attachment" "logs" {
  role       = aws_iam_role.worker.name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
}

resource "aws_iam_role_policy" "deny_xray" {
  role = aws_iam_role.worker.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Effect = "Allow", Action = "*", Resource = "*" },
      { Effect = "Deny", Action = "xray:*", Resource = "*" },
    ]
  })
}

resource "aws_lambda_function" "worker" {
  function_name = "worker"
  role          = aws_iam_role.worker.arn
  filename      = "worker.zip"
  handler       = "app.handler"
  runtime       = "python3.12"

  tracing_config {
    mode = "Active"  # [tracing-misconfigured]
  }
}
""", name="main.tf", title="Terraform: an explicit Deny beats the wildcard allow"),
        good("""\
resource "aws_iam_role" "worker" {
  name               = "worker"
  assume_role_policy = data.aws_iam_policy_document.assume.json
}

resource "aws_iam_role_policy_attachment" "xray" {
  role       = aws_iam_role.worker.name
  policy_arn = "arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess"
}

resource "aws_lambda_function" "worker" {
  function_name = "worker"
  role          = aws_iam_role.worker.arn
  filename      = "worker.zip"
  handler       = "app.handler"
  runtime       = "python3.12"

  tracing_config {
    mode = "Active"
  }
}

module "api" {
  source = "terraform-aws-modules/lambda/aws"

  function_name         = "api"
  handler               = "app.handler"
  runtime               = "python3.12"
  source_path           = "src"
  tracing_mode          = "Active"
  attach_tracing_policy = true
}
""", name="main.tf", title="Terraform: AWSXRayDaemonWriteAccess; the lambda module's tracing policy"),
        good("""\
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
        Mode: Active
  WorkerRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - {Effect: Allow, Principal: {Service: lambda.amazonaws.com}, Action: sts:AssumeRole}
      Policies:
        - PolicyName: everything-but-iam
          PolicyDocument:
            Statement:
              - Effect: Allow
                NotAction: ["iam:*", "organizations:*"]
                Resource: "*"
  Traced:
    Type: AWS::Lambda::Function
    Properties:
      Handler: app.handler
      Runtime: python3.12
      Role: !GetAtt TracedRole.Arn
      Code: {S3Bucket: artifacts, S3Key: worker.zip}
      TracingConfig:
        Mode: Active
  TracedRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - {Effect: Allow, Principal: {Service: lambda.amazonaws.com}, Action: sts:AssumeRole}
      Policies:
        - PolicyName: xray
          PolicyDocument:
            Statement:
              - Effect: Allow
                Action: ["xray:Put*"]
                Resource: "*"
""", title="NotAction that leaves X-Ray allowed; a wildcard action"),
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
