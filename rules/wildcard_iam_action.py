"""
## What it does
Reports an `Allow` statement in a function's execution role that grants every action (`"*"`),
every action of a service (`"s3:*"`), or uses `NotAction` (everything except a list). The whole
effective policy is read: the CloudFormation role the function's `Role` points at (inline
`Policies`, `AWS::IAM::Policy` / `ManagedPolicy` attached through `Roles`), SAM `Policies`
(inline documents and expanded policy templates), and the Serverless Framework's
`provider.iam.role.statements`, legacy `provider.iamRoleStatements` and per-function roles.
Partial wildcards such as `s3:Get*` do not fire: they name a bounded set of actions. Roles defined
outside the template are not judged (`lambdalint check -v` says which).

## Why is this bad?
A function needs a handful of actions. `s3:*` also grants `s3:DeleteBucket` and
`s3:PutBucketPolicy`; `"*"` makes the function an administrator. Any code injection, dependency
compromise or bug in the handler then acts with all of it.

## Example
```yaml
Policies:
  - Statement:
      - Effect: Allow
        Action: s3:*
        Resource: !Sub "arn:${AWS::Partition}:s3:::${Bucket}/*"
```

## How to fix
List the actions the code calls (`s3:GetObject`, `s3:PutObject`), or use a SAM policy template
such as `S3CrudPolicy`. Replace `NotAction` with an explicit `Action` list.

## References
- https://docs.aws.amazon.com/lambda/latest/dg/lambda-intro-execution-role.html
- https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege
- https://awslabs.github.io/serverless-rules/rules/lambda/star_permissions/
"""

from __future__ import annotations

import re
from typing import Iterator

from lambdalint.rulekit import (
    Context, Finding, Rule, bad, good, name_list, platform_services, platform_uses_service, statements_once,
)

_SERVICE_WILDCARD = re.compile(r"([A-Za-z0-9-]+):\*")


def check(ctx: Context) -> Iterator[Finding]:
    for statement, functions in statements_once(ctx):
        if not statement.allows:
            continue
        owners = name_list(functions)
        if statement.not_action is not None:
            span = statement.not_action.key_span or statement.not_action.span
            yield ctx.finding(
                span, f"`NotAction` allows every action not listed to {owners}",
                f"Replace `NotAction` in {statement.where} with an `Action` list of what the code calls.",
                function=functions[0].name)
        for action in statement.actions:
            text = action.str_value()
            if text is None:
                continue
            match = None
            if text.strip() in ("*", "*:*"):
                what = "every action"
            elif (match := _SERVICE_WILDCARD.fullmatch(text.strip())) is not None:
                what = f"every `{match.group(1)}` action"
            else:
                continue
            yield ctx.finding(
                action.span, f"`{text}` allows {what} to {owners}",
                _hint(ctx, text, match.group(1) if match else None, functions, statement.where),
                function=functions[0].name)


def _hint(ctx: Context, text: str, service: str | None, functions: list, where: str) -> str:
    """Names the actions the handler code calls when every function's set of calls is known."""
    from lambdalint.least_privilege import function_needs

    generic = f"List the actions the code calls instead of `{text}` ({where})."
    if ctx.project.code is None:
        return generic
    needs = {id(n.function): n for n in function_needs(ctx)}
    found = [needs.get(id(f)) for f in functions]
    if not found or any(n is None or not n.complete for n in found):
        return generic
    prefix = f"{service.lower()}:" if service else ""
    actions = sorted({a for n in found for a in n.actions() if a.lower().startswith(prefix)}, key=str.lower)
    platform = {s for f in functions for s in platform_services(f)}
    if service is None or platform_uses_service(platform, service):
        # Lambda itself writes the logs and polls the queue with the role: the code's calls are not all it needs
        if not actions:
            return f"List the actions the platform needs instead of `{text}` ({where}): the code calls none."
        return f"Replace `{text}` with {', '.join(f'`{a}`' for a in actions)}, what the code calls, and what " \
               f"the platform needs ({where})."
    if not actions:
        return f"Remove `{text}` ({where}): the code calls no {f'`{service}` ' if service else ''}action."
    return f"Replace `{text}` with {', '.join(f'`{a}`' for a in actions)}, what the code calls ({where})."


RULE = Rule(
    code="LL301",
    slug="wildcard-iam-action",
    severity="error",
    overview="the execution role allows `*`, `service:*` or `NotAction`",
    reports_in=frozenset({"template"}),
    summary="The execution role allows every action, or every action of a service",
    check=check,
    after_code=True,
    docs=__doc__ or "",
    tags=("security", "iam"),
    examples=(
        bad("""\
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  IngestRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - Effect: Allow
            Principal: {Service: lambda.amazonaws.com}
            Action: sts:AssumeRole
      Policies:
        - PolicyName: everything
          PolicyDocument:
            Version: "2012-10-17"
            Statement:
              - Effect: Allow
                Action: "*"  # [wildcard-iam-action]
                Resource: "*"
  IngestFunction:
    Type: AWS::Lambda::Function
    Properties:
      Handler: ingest.handler
      Runtime: python3.12
      Role: !GetAtt IngestRole.Arn
      Code: {S3Bucket: artifacts, S3Key: ingest.zip}
""", title="inline role policy with Action *"),
        bad("""\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  ThumbnailFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: app.handler
      Runtime: python3.12
      Policies:
        - Version: "2012-10-17"
          Statement:
            - Effect: Allow
              Action: s3:*  # [wildcard-iam-action]
              Resource: "arn:aws:s3:::thumbnails/*"
""", title="SAM inline statement with s3:*"),
        bad("""\
service: orders
provider:
  name: aws
  runtime: python3.12
  iam:
    role:
      statements:
        - Effect: Allow
          Action:
            - dynamodb:*  # [wildcard-iam-action]
          Resource: arn:aws:dynamodb:eu-west-1:123456789012:table/orders
functions:
  create:
    handler: handler.create
""", name="serverless.yml", title="Serverless provider.iam.role.statements"),
        bad("""\
service: legacy-billing
provider:
  name: aws
  runtime: python3.9
  iamRoleStatements:
    - Effect: Allow
      NotAction:  # [wildcard-iam-action]
        - iam:*
      Resource: "*"
functions:
  charge:
    handler: billing.charge
""", name="serverless.yml", title="legacy iamRoleStatements with NotAction"),
        bad("""\
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  WorkerRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - Effect: Allow
            Principal: {Service: lambda.amazonaws.com}
            Action: sts:AssumeRole
  QueueAccess:
    Type: AWS::IAM::Policy
    Properties:
      PolicyName: queue-access
      Roles: [!Ref WorkerRole]
      PolicyDocument:
        Statement:
          - Effect: Allow
            Action: ["sqs:*"]  # [wildcard-iam-action]
            Resource: !GetAtt JobsQueue.Arn
  JobsQueue:
    Type: AWS::SQS::Queue
  Worker:
    Type: AWS::Lambda::Function
    Properties:
      Handler: worker.handler
      Runtime: python3.12
      Role: !GetAtt WorkerRole.Arn
      Code: {S3Bucket: artifacts, S3Key: worker.zip}
""", title="AWS::IAM::Policy attached through Roles"),
        bad("""\
service: media
provider:
  name: aws
  runtime: python3.12
functions:
  transcode:
    handler: transcode.handler
    iam:
      role:
        statements:
          - Effect: Allow
            Action:
              - s3:GetObject
              - kms:*  # [wildcard-iam-action]
            Resource: "*"
""", name="serverless.yml", title="per-function Serverless role"),
        bad("""\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  OcrFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: ocr/
      Handler: app.handler
      Runtime: python3.12
      Policies:
        - TextractPolicy: {}  # [wildcard-iam-action]
""", title="SAM policy template that grants textract:*"),
        good("""\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  ReportFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: app.handler
      Runtime: python3.12
      Policies:
        - Statement:
            - Effect: Allow
              Action: s3:Get*
              Resource: "arn:aws:s3:::reports/*"
""", title="partial wildcard s3:Get*"),
        good("""\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  ReportFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: app.handler
      Runtime: python3.12
      Policies:
        - S3CrudPolicy:
            BucketName: !Ref ReportsBucket
        - DynamoDBReadPolicy:
            TableName: reports
  ReportsBucket:
    Type: AWS::S3::Bucket
""", title="SAM policy templates"),
        good("""\
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  GuardRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - Effect: Allow
            Principal: {Service: lambda.amazonaws.com}
            Action: sts:AssumeRole
      Policies:
        - PolicyName: scoped
          PolicyDocument:
            Statement:
              - Effect: Allow
                Action: [dynamodb:GetItem, dynamodb:PutItem]
                Resource: !GetAtt Table.Arn
              - Effect: Deny
                Action: "*"
                Resource: "*"
                Condition:
                  Bool: {aws:SecureTransport: "false"}
  Table:
    Type: AWS::DynamoDB::Table
  Guard:
    Type: AWS::Lambda::Function
    Properties:
      Handler: guard.handler
      Runtime: python3.12
      Role: !GetAtt GuardRole.Arn
      Code: {S3Bucket: artifacts, S3Key: guard.zip}
""", title="Deny statements may use *"),
        good("""\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  Function:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: .
      Handler: main.handler
      Runtime: python3.12
      Policies:
        - Statement:
            - Effect: Allow
              Action: s3:GetObject
              Resource: "arn:aws:s3:::my-bucket/*"
  InstanceRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - Effect: Allow
            Principal: {Service: ec2.amazonaws.com}
            Action: sts:AssumeRole
      Policies:
        - PolicyName: instance
          PolicyDocument:
            Statement:
              - Effect: Allow
                Action: s3:*
                Resource: "arn:aws:s3:::my-bucket/*"
""", title="a role no function uses is not the function's"),
        good("""\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Parameters:
  ExecutionRoleArn: {Type: String}
Resources:
  SharedRoleFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: app.handler
      Runtime: python3.12
      Role: !Ref ExecutionRoleArn
      Policies:
        - Statement:
            - Effect: Allow
              Action: s3:*
              Resource: "*"
""", title="Role overrides Policies, and is defined elsewhere"),
        good("""\
service: api
provider:
  name: aws
  runtime: python3.12
  iam:
    role: arn:aws:iam::123456789012:role/platform-lambda
functions:
  list:
    handler: api.list
""", name="serverless.yml", title="role defined outside the service"),
    ),
)
