"""
## What it does
Reports actions the function's execution role allows that no code reachable from the handler uses:
a whole service the code never calls (`sqs:SendMessage` with no SQS call anywhere), or `service:*`
where the code calls a few actions of that service (the message lists them: the least-privilege
replacement). A role shared by several functions is judged by the union of their calls. Every
action a call's operation may need counts as used (`s3:GetObjectVersion` for `get_object`, each
PartiQL action of an `execute_statement`); the listed replacement names the ones the calls need.

It speaks only when it can know: every function using the role has Python handler code that was
analysed, and the set of its AWS calls is complete (no client whose service is not a literal, none
passed or stored where the analysis cannot follow it, every call mapped to its IAM actions). What
the platform does with the role is never unused: CloudWatch Logs, X-Ray, VPC network interfaces,
the pollers of the function's own event sources (SQS, Kinesis, DynamoDB streams, Kafka, MQ), dead
letter queues and destinations. Nor are permissions other services use on the code's behalf: KMS
(a secret, object or queue encrypted with a customer key), `iam:PassRole`, and what a called
service does with the caller's own permissions (Athena reads the Glue catalog and S3 and runs
federated connectors as the caller; the RDS and Redshift Data APIs get a secret or cluster
credentials; Textract, Rekognition and Transcribe read the S3 objects a request names). A module
that imports a library making AWS calls of its own (PynamoDB, awswrangler, s3fs, request signers for API Gateway
or OpenSearch, chaos_lambda's fault injection) makes the set incomplete: those calls are not boto3 calls anyone can list.

## Why is this bad?
Permissions nobody uses are what an attacker gets for free when the function is compromised, and
they hide which permissions matter when the code changes.

## Example
```yaml
Policies:
  - Statement:
      - Effect: Allow
        Action: s3:*          # the code calls only s3:GetObject
        Resource: !Sub "${Bucket.Arn}/*"
```

## How to fix
Replace the wildcard with the actions the message lists, and drop statements for services the code
does not call. `lambdalint policy` prints the whole least-privilege policy.

## References
- https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege
- https://docs.aws.amazon.com/lambda/latest/dg/lambda-intro-execution-role.html
"""

from __future__ import annotations

import re
from typing import Iterator

from lambdalint.rulekit import (
    AWS_NAMES, Context, Finding, Rule, bad, execution_roles, good, platform_services, platform_uses,
)

_SERVICE = re.compile(r"([A-Za-z0-9-]+):(.+)")
# Actions a call needs besides its own (`iam:PassRole` for any call that hands a role to a service).
_DEPENDENT = re.compile(r"iam:PassRole", re.IGNORECASE)
# What Lambda does with the role to attach the function to its VPC: the actions of the
# `AWSLambdaVPCAccessExecutionRole` managed policy (`ec2:DescribeSubnets` among them).
_PLATFORM_ACTIONS = re.compile(r"ec2:(Create|Describe|Delete)NetworkInterfaces?|ec2:(Assign|Unassign)PrivateIpAddresses|"
                               r"ec2:DescribeSubnets", re.IGNORECASE)
# Services that do the work a call starts with the caller's own permissions (forward access
# sessions), so calling the first makes the role's permissions for the others used.
_ON_BEHALF = {
    "athena": {"glue", "s3", "lakeformation", "lambda"},  # `lambda`: federated query connectors
    "redshift-data": {"redshift", "redshift-serverless", "secretsmanager"},
    "rds-data": {"secretsmanager"},
    "textract": {"s3"}, "rekognition": {"s3"}, "transcribe": {"s3"},
}


def check(ctx: Context) -> Iterator[Finding]:
    from lambdalint.least_privilege import function_needs

    needs = {id(n.function): n for n in function_needs(ctx)}
    groups: dict[tuple, list] = {}
    for role in execution_roles(ctx):
        if role.unknown is not None or role.role is None:
            continue
        groups.setdefault(_shared_by(role), []).append(role)
    reported: set[object] = set()
    for roles in groups.values():
        functions = [r.function for r in roles]
        found = [needs.get(id(f)) for f in functions]
        platform: set[str] = set()
        for function in functions:
            platform |= platform_services(function)
        judged = list(_judged_actions(roles[0].statements, platform, reported))
        if not judged:
            continue  # nothing the rule could call unused: whether the calls are known does not matter
        if any(n is None or not n.complete for n in found):
            for function, n in zip(functions, found):
                if n is not None and not n.complete:
                    ctx.note(n.undetermined())
            continue
        on_behalf: set[str] = set()
        for service in {a.partition(":")[0].lower() for n in found for a in n.used_actions()}:
            on_behalf |= _ON_BEHALF.get(service, set())
        owners = ", ".join(f"`{f.name}`" for f in functions)
        for statement, action, text, service, name in judged:
            if service in on_behalf or action.span in reported:
                continue
            calls = sorted({a for n in found for a in n.actions() if a.lower().startswith(f"{service}:")},
                           key=str.lower)
            used = calls or any(a.lower().startswith(f"{service}:") for n in found for a in n.used_actions())
            if not used:
                reported.add(action.span)
                yield ctx.finding(action.span, f"`{text}` is never used by the code of {owners}",
                                  f"Remove `{text}` from {statement.where}: no reachable code calls `{service}`.",
                                  function=functions[0].name)
            elif name == "*" and calls:
                reported.add(action.span)
                listed = ", ".join(f"`{a}`" for a in calls)
                yield ctx.finding(action.span, f"`{text}` allows every `{service}` action to {owners}, "
                                  f"whose code calls only {listed}",
                                  f"Replace `{text}` with {listed} ({statement.where}).",
                                  function=functions[0].name)


def _shared_by(role) -> tuple:
    """What the functions that share this role have in common: a role of one template, or one role
    of a configuration whose modules several functions name it from."""
    loaded = role.function.loaded_role
    if loaded is not None and loaded.identity is not None:
        return (loaded.identity,)
    return (id(role.function.template), role.role)


def _judged_actions(statements, platform: set[str], reported: set[object]) -> Iterator[tuple]:
    """(statement, action node, text, service, action name) of each allowed action the rule may call
    unused: not the platform's, nor one another call depends on."""
    for statement in statements:
        if not statement.allows or statement.not_action is not None:
            continue
        for action in statement.actions:
            text = action.str_value()
            match = _SERVICE.fullmatch(text.strip()) if text else None
            if match is None or action.span in reported:
                continue
            service = match.group(1).lower()
            if platform_uses(platform, text) or _PLATFORM_ACTIONS.fullmatch(text.strip()) \
                    or _DEPENDENT.fullmatch(text.strip()):
                continue
            yield statement, action, text, service, match.group(2)


_TEMPLATE = """\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  Reports:
    Type: AWS::S3::Bucket
  ReportFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: app.handler
      Runtime: python3.12
      Environment:
        Variables:
          BUCKET: !Ref Reports
      Policies:
        - AWSLambdaBasicExecutionRole
        - Statement:
            - Effect: Allow
              Action: s3:*  # [unused-permission]
              Resource: !Sub "${Reports.Arn}/*"
"""
_CODE = """\
import os

import boto3

s3 = boto3.client("s3")


def handler(event, context):
    body = s3.get_object(Bucket=os.environ["BUCKET"], Key=event["key"])["Body"].read()
    s3.put_object(Bucket=os.environ["BUCKET"], Key=event["key"] + ".done", Body=body)
"""

_STREAM_TEMPLATE = """\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  Properties:
    Type: AWS::DynamoDB::Table
    Properties:
      StreamSpecification: {{StreamViewType: NEW_IMAGE}}
  ApprovalSync:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: app.handler
      Runtime: python3.12
      Events:
        Changes:
          Type: DynamoDB
          Properties:
            Stream: !GetAtt Properties.StreamArn
            StartingPosition: LATEST
      Policies:
        - AWSLambdaBasicExecutionRole
        - Statement:
            - Effect: Allow
              Action:{actions}
              Resource: "*"
"""
_STREAM_CODE = """\
import json

import boto3

sfn = boto3.client("stepfunctions")


def handler(event, context):
    for record in event["Records"]:
        sfn.send_task_success(taskToken=record["dynamodb"]["NewImage"]["token"]["S"], output=json.dumps({}))
"""

RULE = Rule(
    code="LL322",
    slug="unused-permission",
    severity="info",
    reports_in=frozenset({"template"}),
    summary="The execution role allows actions the handler code never uses",
    check=check,
    docs=__doc__ or "",
    needs_code=True,
    code_names=AWS_NAMES,
    tags=("security", "iam", "code"),
    examples=(
        bad(files={"template.yaml": _TEMPLATE, "src/app.py": _CODE}, title="s3:* where the code gets and puts objects"),
        bad(files={"template.yaml": _TEMPLATE.replace("Action: s3:*  # [unused-permission]", """Action:
                - s3:GetObject
                - s3:PutObject
                - sqs:SendMessage  # [unused-permission]"""), "src/app.py": _CODE},
            title="a service the code never calls"),
        good(files={"template.yaml": _TEMPLATE.replace("s3:*  # [unused-permission]", "[s3:GetObject, s3:PutObject]"),
                    "src/app.py": _CODE}, title="exactly what the code calls"),
        good(files={"template.yaml": _TEMPLATE.replace("s3:*  # [unused-permission]", "[s3:GetObject, ses:SendRawEmail]"),
                    "src/app.py": """\
import os

import boto3


def handler(event, context):
    s3 = boto3.client("s3")
    ses = boto3.client("sesv2")

    def forward(key):
        raw = s3.get_object(Bucket=os.environ["BUCKET"], Key=key)["Body"].read()
        ses.send_email(Content={"Raw": {"Data": raw}}, Destination={"ToAddresses": [event["to"]]})

    forward(event["key"])
"""}, title="clients of the handler used in a function defined inside it; SES v2 raw mail (hammady/wwpray)"),
        good(files={"template.yaml": _TEMPLATE.replace("s3:*  # [unused-permission]", "[s3:GetObject, s3:PutObject]")
                    .replace("        - Statement:", """        - Statement:
            - Effect: Allow
              Action:
                - ec2:CreateNetworkInterface
                - ec2:DescribeNetworkInterfaces
                - ec2:DescribeSubnets
                - ec2:DeleteNetworkInterface
                - ec2:AssignPrivateIpAddresses
                - ec2:UnassignPrivateIpAddresses
              Resource: '*'"""), "src/app.py": _CODE},
             title="the network interface permissions Lambda uses to attach the function to its VPC"),
        bad(files={"template.yaml": _STREAM_TEMPLATE.format(actions="""
                - dynamodb:DescribeStream
                - dynamodb:GetRecords
                - dynamodb:GetShardIterator
                - dynamodb:ListStreams
                - dynamodb:GetItem  # [unused-permission]"""), "src/app.py": _STREAM_CODE},
            title="a DynamoDB stream's poller reads the stream, not the table (AndreiLesi/aws-serverless-developer-ws)"),
        good(files={"template.yaml": _STREAM_TEMPLATE.format(actions=" dynamodb:*"), "src/app.py": _STREAM_CODE},
             title="dynamodb:* covers what a stream's poller does"),
        good(files={"template.yaml": _TEMPLATE.replace("Action: s3:*  # [unused-permission]",
                                                       "Action: [dynamodb:GetItem, dynamodb:PutItem]").replace(
            "BUCKET: !Ref Reports", "DATA_TABLE: data").replace('!Sub "${Reports.Arn}/*"', "'*'"), "src/app.py": """\
import os

import boto3

dynamodb = boto3.resource("dynamodb")
DATA_TABLE = os.environ.get("DATA_TABLE", "")
table = dynamodb.Table(DATA_TABLE) if DATA_TABLE else None


def handler(event, context):
    item = table.get_item(Key={"id": event["id"]}).get("Item") or {"id": event["id"]}
    table.put_item(Item={**item, "seen": True})
    return item
"""}, title="a table made only where its name is set (semperfitodd/styrkr)"),
        good(files={"template.yaml": _TEMPLATE.replace("Action: s3:*  # [unused-permission]", "Action: lambda:InvokeFunction")
                    .replace("BUCKET: !Ref Reports", "TARGET: reports-worker").replace('!Sub "${Reports.Arn}/*"', "'*'"),
                    "src/app.py": """\
import json
import os

import boto3

lambda_client = boto3.client("lambda")


class Dispatcher:
    def __init__(self):
        self.routes = {"run": self._run, "status": self._status}

    def _run(self, payload):
        return lambda_client.invoke(FunctionName=os.environ["TARGET"], Payload=json.dumps(payload))

    def _status(self, payload):
        return {"ok": True}

    def process(self, kind, payload):
        return self.routes.get(kind, self._status)(payload)


def handler(event, context):
    return Dispatcher().process(event.get("kind"), event)
"""}, title="a method called through the instance's dispatch table (mbhatt1/threat)"),
        good(files={"template.yaml": _TEMPLATE.replace("  # [unused-permission]", ""), "src/app.py": _CODE.replace(
            'boto3.client("s3")', 'boto3.client(os.environ.get("SERVICE", "s3"))')},
             title="a client whose service is not a literal: the set of calls is not complete"),
        good(files={"template.yaml": _TEMPLATE.replace("Action: s3:*  # [unused-permission]", """Action:
                - s3:GetObject
                - s3:PutObject
                - sqs:ReceiveMessage
                - sqs:DeleteMessage
                - sqs:GetQueueAttributes""").replace("""      Policies:""", """      Events:
        Jobs:
          Type: SQS
          Properties:
            Queue: arn:aws:sqs:eu-west-1:123456789012:jobs
      Policies:"""), "src/app.py": _CODE}, title="the poller of the function's own queue"),
        good(files={"template.yaml": _TEMPLATE.replace("  # [unused-permission]", ""), "src/app.py": """\
import os
from concurrent.futures import ThreadPoolExecutor

import boto3
from workers import drain

s3 = boto3.client("s3")


def handler(event, context):
    body = s3.get_object(Bucket=os.environ["BUCKET"], Key=event["key"])["Body"].read()
    s3.put_object(Bucket=os.environ["BUCKET"], Key=event["key"] + ".done", Body=body)
    with ThreadPoolExecutor() as pool:
        pool.submit(drain, s3, event["key"])
"""},
             title="a client handed to a library function: not followed, so the rule cannot know"),
        good(files={"template.yaml": _TEMPLATE.replace("Action: s3:*  # [unused-permission]", """Action:
                - athena:StartQueryExecution
                - athena:GetQueryExecution
                - glue:GetTable
                - glue:GetPartitions
                - s3:GetObject
                - s3:PutObject"""), "src/app.py": """\
import os

import boto3

athena = boto3.client("athena")


def handler(event, context):
    query = athena.start_query_execution(
        QueryString="SELECT count(*) FROM access_logs",
        ResultConfiguration={"OutputLocation": f"s3://{os.environ['BUCKET']}/results/"},
    )
    return athena.get_query_execution(QueryExecutionId=query["QueryExecutionId"])
"""}, title="Athena reads the Glue catalog and S3 with the caller's permissions"),
        good(files={"template.yaml": _TEMPLATE.replace("Action: s3:*  # [unused-permission]", """Action:
                - s3:GetObject
                - s3:PutObject
                - ssm:GetParameter""").replace("          BUCKET: !Ref Reports", """          BUCKET: !Ref Reports
          CHAOS_PARAM: chaoslambda.config"""), "src/app.py": _CODE.replace(
            "import boto3\n", "import boto3\nfrom chaos_lambda import inject_fault\n").replace(
            "def handler(", "@inject_fault\ndef handler(")},
             title="a fault-injection decorator that reads its SSM parameter itself (chaos_lambda)"),
    ),
)
