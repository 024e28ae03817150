"""
## What it does
Reports an AWS SDK call in handler code whose IAM action the function's execution role does not
allow. The calls are every boto3 client or resource method the handler's code can reach (module
level, lazy-init, helpers in project modules, `self.x` clients, `dynamodb.Table(name).put_item`,
Powertools parameters, secrets and idempotency); each call's actions come from public data (botocore
models, the Service Authorization Reference, iam-dataset); the role is the whole effective policy
(inline statements, attached policies, SAM policy templates and connectors, AWS managed policies).
Where the call's argument is an environment variable the template sets to a resource (`TABLE_NAME: !Ref Orders`),
only statements that can cover that resource count.

A call is reported for the action its operation is named after (`send_message_batch` needs
`sqs:SendMessage`); an action iam-dataset lists only for some calls (`s3:GetObjectVersion`, an
`execute_statement`'s PartiQL action when the statement is not a literal, `iam:PassRole`) is never
required, and an operation mapped to several actions none of which is named like it
(`copy_object`) is reported only when the role allows none of them. A call IAM never evaluates
needs nothing: Cognito's public API (`sign_up`, `initiate_auth`), which botocore sends unsigned, and
`sts.get_caller_identity`.

A service whose resources take a resource-based policy (S3, SQS, SNS, Secrets Manager, KMS,
DynamoDB, a role's trust policy for `sts:AssumeRole`, ...) is left alone where the template holds
such a policy for it (a bucket policy may grant the role what its own policies do not), or where the
project uses a part lambdalint did not read (a Terraform registry module other than the lambda
module, a nested stack).

Only calls made with the execution role's credentials are checked: a client or session the code
gives credentials of its own (`aws_session_token=`, `botocore_session=`, `profile_name=`, keys from
`assume_role`) uses another role, and a session the analysis does not see being made (a
`user_session.boto3_session` built elsewhere) may.

Only reported when the role is fully known: a role defined outside the template, a managed policy
from another stack, any statement lambdalint cannot read, or a Serverless plugin that adds statements
of its own (serverless-lift's `constructs:`) keeps it silent. An allow behind a
`Condition` counts as allowed; a conditional `Deny` never makes a finding.

## Why is this bad?
The call fails with `AccessDenied` at run time, usually first in production, on the path nobody
tested.

## Example
```python
table = boto3.resource("dynamodb").Table(os.environ["TABLE_NAME"])

def handler(event, context):
    table.put_item(Item=event)      # the role only has DynamoDBReadPolicy
```

## How to fix
Grant the action on that resource (`dynamodb:PutItem` on `!GetAtt Orders.Arn`, or SAM's
`DynamoDBCrudPolicy`), or remove the call. `lambdalint policy` prints the least-privilege policy the
code needs.

## References
- https://docs.aws.amazon.com/service-authorization/latest/reference/reference.html
- https://docs.aws.amazon.com/lambda/latest/dg/lambda-intro-execution-role.html
- https://github.com/iann0036/iam-dataset
"""

from __future__ import annotations

from typing import Iterator

from lambdalint.rulekit import (AWS_NAMES, RESOURCE_POLICY_SERVICES, Context, Finding, Related, Rule, bad,
                                execution_roles, good)



def check(ctx: Context) -> Iterator[Finding]:
    from lambdalint.least_privilege import function_needs

    every = function_needs(ctx)
    for needs in every:
        if needs.unknown:
            # a client the analysis cannot name (`boto3.client(service)` behind a getter): its calls
            # are not known, so not checked; say so rather than pass them
            ctx.note(needs.undetermined())
    calling = [n for n in every if n.needs]
    if not calling:
        return  # no handler calls AWS: the roles need not be built (an editor's save stays cheap)
    from lambdalint.policy_eval import Policy

    roles = {id(r.function): r for r in execution_roles(ctx)}
    for needs in calling:
        role = roles.get(id(needs.function))
        if role is None:
            continue
        policy = Policy.of(role)
        if policy.unknown is not None:
            if role.unknown is None:  # an unreadable role already has its note
                ctx.note(f"{needs.function.label} uses {policy.unknown}; its permissions were not checked")
            continue
        # per call: its essential actions, and whether the role allows any of them (an operation
        # the dataset maps to several actions, none named like it, is reported only when none is)
        essential: dict[object, list] = {}
        allowed: set[object] = set()
        granted_elsewhere = needs.function.template.resource_policies
        for need in needs.needs:
            if need.use not in ("essential", "alternative") or need.call.client.credentials != "role":
                continue  # a client made with other credentials (from `assume_role`) does not use the role
            service = need.action.partition(":")[0]
            if service in RESOURCE_POLICY_SERVICES and granted_elsewhere & {service, "*"}:
                # a bucket or queue policy (the template's, or one in a part not read) may grant it
                if not policy.decide(need.action, need.resource).allowed:
                    at = need.call.call.span
                    where = "a resource policy of the project" if service in granted_elsewhere else \
                        "a part of the project lambdalint did not read, by a resource policy,"
                    ctx.note(f"{needs.function.label}: `{need.action}` (`{need.call.method}` at {at.path}:{at.line}) "
                             f"is not in its role, but {where} may grant it: not reported")
                # granted, for all this rule can tell: the call's other alternatives are not needed
                allowed.add(need.call.call.span)
                continue
            span = need.call.call.span
            essential.setdefault(span, []).append(need)
            if policy.decide(need.action, need.resource).allowed:
                allowed.add(span)
        missing = {span: found for span, found in essential.items() if span not in allowed}
        for span, found in missing.items():
            call = found[0].call
            either = all(n.use == "alternative" for n in found)  # one of them, as its arguments decide
            actions = (" or " if either else ", ").join(f"`{a}`" for a in dict.fromkeys(n.action for n in found))
            resource = found[0].resource
            on = f" on `{resource}`" if resource else ""
            if either and len(found) > 1:
                message = f"`{call.method}` needs {actions}{on}, and the execution role of `{needs.function.name}` " \
                    f"allows {'neither' if len(found) == 2 else 'none of them'}"
                grant = f"Grant {actions}{on}, whichever its arguments call for, to `{needs.function.name}`'s role"
            else:
                allows = "does not allow" if len(found) == 1 else "allows none of"
                message = f"`{call.method}` needs {actions}{on}, which the execution role of `{needs.function.name}` " \
                    f"{allows}"
                grant = f"Grant {actions}{on} to `{needs.function.name}`'s role"
            yield ctx.finding(
                span, message, f"{grant}, or remove the call (`lambdalint policy` prints what the code needs).",
                function=needs.function.name,
                related=[Related(f"`{needs.function.name}` and its role are defined here", needs.function.span)],
            )


_SAM = """\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  Orders:
    Type: AWS::DynamoDB::Table
  OrdersFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: app.handler
      Runtime: python3.12
      Environment:
        Variables:
          TABLE_NAME: !Ref Orders
      Policies:
        - DynamoDBReadPolicy:
            TableName: !Ref Orders
"""
_HANDLER = """\
import os

import boto3

table = boto3.resource("dynamodb").Table(os.environ["TABLE_NAME"])


def handler(event, context):
    item = table.get_item(Key={"id": event["id"]}).get("Item")
    if item is None:
        table.put_item(Item={"id": event["id"], "status": "new"})  # [missing-permission]
    return item
"""

_S3_SAM = """\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  Reports:
    Type: AWS::S3::Bucket
  ArchiveFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: app.handler
      Runtime: python3.12
      Environment:
        Variables:
          BUCKET: !Ref Reports
      Policies:
        - Statement:
            - Effect: Allow
              Action: {actions}
              Resource: "*"
"""
_S3_HANDLER = """\
import os

import boto3

s3 = boto3.client("s3")
BUCKET = os.environ["BUCKET"]


def handler(event, context):
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=BUCKET, Prefix="new/"):
        for item in page.get("Contents", []):
            if s3.head_object(Bucket=BUCKET, Key=item["Key"])["ContentLength"]:
                s3.copy_object(Bucket=BUCKET, Key="old/" + item["Key"],
                               CopySource={"Bucket": BUCKET, "Key": item["Key"]})
"""

_BUCKET_POLICY = """\
  ReportsPolicy:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: !Ref Reports
      PolicyDocument:
        Statement:
          - Effect: Allow
            Principal: {{AWS: !GetAtt ArchiveFunctionRole.Arn}}
            Action: {action}
            Resource: !GetAtt Reports.Arn
"""
_S3_CLEANUP = """\
import os

import boto3

s3 = boto3.client("s3")
BUCKET = os.environ["BUCKET"]


def handler(event, context):
    old = [{"Key": key} for key in event["keys"]]
    s3.delete_objects(Bucket=BUCKET, Delete={"Objects": old})
"""

_SAM_ASSUMING = _SAM.replace("        - DynamoDBReadPolicy:", """\
        - Statement:
            - Effect: Allow
              Action: sts:AssumeRole
              Resource: "*"
        - DynamoDBReadPolicy:""")
_SESSION_HANDLER = """\
import os

import boto3

sts = boto3.client("sts")


def handler(event, context):
    keys = sts.assume_role(RoleArn=os.environ["WRITER_ROLE"], RoleSessionName="orders")["Credentials"]
    session = {session}
    table = session.resource("dynamodb").Table(os.environ["TABLE_NAME"])
    table.put_item(Item={{"id": event["id"]}}){mark}
"""
_ASSUME = """\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  TableAccessRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal:
              {principal}
            Action: sts:AssumeRole
  OrdersFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: app.handler
      Runtime: python3.12
      Environment:
        Variables:
          ACCESS_ROLE: !GetAtt TableAccessRole.Arn
"""
_ASSUME_HANDLER = """\
import os

import boto3

sts = boto3.client("sts")


def handler(event, context):
    credentials = sts.assume_role(
        RoleArn=os.environ["ACCESS_ROLE"], RoleSessionName=event["user"])["Credentials"]
    return credentials["Expiration"].isoformat()
"""

_PUBLIC_HANDLER = """\
import os

import boto3

cognito = boto3.client("cognito-idp")
ACCOUNT = boto3.client("sts").get_caller_identity()["Account"]


def handler(event, context):
    cognito.sign_up(ClientId=os.environ["CLIENT_ID"], Username=event["email"], Password=event["password"])
    return cognito.initiate_auth(AuthFlow="USER_PASSWORD_AUTH", ClientId=os.environ["CLIENT_ID"],
                                 AuthParameters={"USERNAME": event["email"], "PASSWORD": event["password"]})
"""

RULE = Rule(
    code="LL321",
    slug="missing-permission",
    severity="error",
    reports_in=frozenset({"python"}),
    summary="Handler code calls an AWS API its execution role does not allow",
    check=check,
    docs=__doc__ or "",
    needs_code=True,
    code_names=AWS_NAMES,
    tags=("security", "iam", "code"),
    examples=(
        bad(files={"template.yaml": _SAM, "src/app.py": _HANDLER}, title="write with a read-only SAM policy template"),
        bad(files={"template.yaml": _SAM.replace("  OrdersFunction:", "  Teams:\n    Type: AWS::DynamoDB::Table\n"
                                                 "  OrdersFunction:").replace("TABLE_NAME: !Ref Orders",
                                                                              "TABLE_NAME: !Ref Teams"),
             "src/app.py": _HANDLER.replace('.get("Item")', '.get("Item")  # [missing-permission]')},
            title="a SAM policy template for another table than the one the code reads (AshharAhmadKhan/meetingmind)"),
        bad(files={"template.yaml": """\
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Queue:
    Type: AWS::SQS::Queue
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: {}
      ManagedPolicyArns:
        - arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole
  Notify:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      Code: src/
      Role: !GetAtt Role.Arn
""", "src/app.py": """\
import boto3

sqs = boto3.client("sqs")


def handler(event, context):
    sqs.send_message(QueueUrl=event["queue"], MessageBody="hi")  # [missing-permission]
"""}, title="CloudFormation role with only the logging policy"),
        bad(files={"template.yaml": _S3_SAM.format(actions="s3:GetObject"), "src/app.py": _S3_HANDLER.replace(
            'Prefix="new/"):', 'Prefix="new/"):  # [missing-permission]')},
            title="listing is s3:ListBucket, which reading objects does not grant"),
        good(files={"template.yaml": _S3_SAM.format(actions="[s3:ListBucket, s3:GetObject, s3:PutObject]"),
                    "src/app.py": _S3_HANDLER},
             title="paginated listing, head_object without a version and a copy within the bucket"),
        bad(files={"template.yaml": _S3_SAM.format(actions="[s3:GetObject, s3:PutObject, s3:ListBucket]"),
                   "src/app.py": _S3_CLEANUP.replace('"Objects": old})', '"Objects": old})  # [missing-permission]')},
            title="delete_objects needs s3:DeleteObject or, for versions, s3:DeleteObjectVersion (mentorpal/mentor-upload-processor)"),
        good(files={"template.yaml": _S3_SAM.format(actions="s3:DeleteObject"), "src/app.py": _S3_CLEANUP},
             title="delete_objects with s3:DeleteObject granted"),
        good(files={"template.yaml": _S3_SAM.format(actions="ses:SendTemplatedEmail"), "src/app.py": """\
import boto3

ses = boto3.client("sesv2")


def handler(event, context):
    ses.send_email(FromEmailAddress="news@example.com", Destination={"ToAddresses": event["to"]},
                   Content={"Template": {"TemplateName": "weekly", "TemplateData": "{}"}})
"""}, title="SES v2 checks the action of the content sent: a templated mail needs ses:SendTemplatedEmail"),
        bad(files={"template.yaml": _S3_SAM.format(actions="[s3:GetObject, s3:PutObject]"), "src/app.py": """\
import boto3


def handler(event, context):
    s3 = boto3.client("s3")

    def archive(key):
        s3.delete_object(Bucket="reports", Key=key)  # [missing-permission]

    for key in event["keys"]:
        archive(key)
"""}, title="a client of the handler used in a function defined inside it (hammady/wwpray)"),
        good(files={"template.yaml": _S3_SAM.format(actions="s3:GetObject") + _BUCKET_POLICY.format(action="s3:ListBucket"),
                    "src/app.py": _S3_HANDLER}, title="a bucket policy may grant the role what its own policies do not"),
        good(files={"template.yaml": _S3_SAM.format(actions="s3:GetObject") + _BUCKET_POLICY.format(action="s3:DeleteBucket"),
                    "src/app.py": """\
import os

import boto3

BUCKET = boto3.resource("s3").Bucket(os.environ["BUCKET"])


def handler(event, context):
    BUCKET.objects.delete()
    BUCKET.delete()
"""}, title="a bucket policy may grant one of a call's alternatives (s3:, or s3express: for a directory bucket)"),
        good(files={"template.yaml": _SAM.replace("DynamoDBReadPolicy", "DynamoDBCrudPolicy"), "src/app.py": _HANDLER},
             title="the CRUD policy template covers both calls"),
        good(files={"template.yaml": _SAM, "src/app.py": _PUBLIC_HANDLER},
             title="Cognito's public API and get_caller_identity need no IAM permission"),
        good(files={"template.yaml": _SAM.replace("""      Policies:
        - DynamoDBReadPolicy:
            TableName: !Ref Orders
""", """      Role: arn:aws:iam::123456789012:role/orders
"""), "src/app.py": _HANDLER}, title="a role defined outside the template is not judged"),
        good(files={"template.yaml": _SAM.replace("""        - DynamoDBReadPolicy:
            TableName: !Ref Orders
""", """        - DynamoDBReadPolicy:
            TableName: !Ref Orders
        - !ImportValue shared-stack-writer-policy
"""), "src/app.py": _HANDLER}, title="a managed policy from another stack may grant it"),
        good(files={"template.yaml": _SAM.replace("""        - DynamoDBReadPolicy:
            TableName: !Ref Orders
""", """        - Statement:
            - Effect: Allow
              Action: ["dynamodb:GetItem", "dynamodb:PutItem"]
              Resource: "*"
              Condition: {StringEquals: {"aws:RequestedRegion": eu-west-1}}
"""), "src/app.py": _HANDLER}, title="an allow behind a condition is allowed"),
        good(files={"template.yaml": _ASSUME.format(principal="AWS: !GetAtt OrdersFunctionRole.Arn"),
                    "src/app.py": _ASSUME_HANDLER},
             title="a role whose trust policy names the function's role: that alone lets it assume the role"),
        good(files={"template.yaml": _SAM_ASSUMING, "src/app.py": _SESSION_HANDLER.format(
            session='boto3.Session(aws_access_key_id=keys["AccessKeyId"], aws_secret_access_key=keys["SecretAccessKey"],\n'
                    '                            aws_session_token=keys["SessionToken"])', mark="")},
             title="calls made with credentials from `assume_role`, not with the execution role"),
        bad(files={"template.yaml": _SAM_ASSUMING, "src/app.py": _SESSION_HANDLER.format(
            session="boto3.Session(region_name=\"eu-west-1\")", mark="  # [missing-permission]")},
            title="a session with the execution role's credentials"),
        bad(files={"template.yaml": _ASSUME.format(principal="Service: glue.amazonaws.com"),
                   "src/app.py": _ASSUME_HANDLER.replace("sts.assume_role(", "sts.assume_role(  # [missing-permission]")},
            title="a role only a service may assume"),
    ),
)
