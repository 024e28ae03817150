"""`grant_*` calls on the resources CDK apps grant most, as the statements CDK synthesizes for them.

`table.grant_read_data(fn)` adds to the grantee's default policy one statement allowing DynamoDB's
read actions on that table, exactly as `cdk synth` writes it (the action lists are CDK's own, from
`aws-dynamodb/lib/perms.ts`, `aws-s3/lib/perms.ts`, the SQS queue, SNS topic and Kinesis stream
classes). So LL321 can tell `put_item` from a read grant. Any other grant (another method, another
resource type, a resource created from an ARN or name) stays a statement lambdalint cannot read,
which keeps the role from looking fully known.
"""

from __future__ import annotations

from typing import Any

from lambdalint.located import Located, Span

_DYNAMO_READ = ("dynamodb:BatchGetItem", "dynamodb:GetRecords", "dynamodb:GetShardIterator", "dynamodb:Query",
                "dynamodb:GetItem", "dynamodb:Scan", "dynamodb:ConditionCheckItem", "dynamodb:DescribeTable")
_DYNAMO_WRITE = ("dynamodb:BatchWriteItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem",
                 "dynamodb:DescribeTable")
_S3_READ = ("s3:GetObject*", "s3:GetBucket*", "s3:List*")
_S3_PUT = ("s3:PutObject", "s3:PutObjectLegalHold", "s3:PutObjectRetention", "s3:PutObjectTagging",
           "s3:PutObjectVersionTagging", "s3:Abort*")
_S3_DELETE = ("s3:DeleteObject*",)
_KINESIS_READ = ("kinesis:DescribeStreamSummary", "kinesis:GetRecords", "kinesis:GetShardIterator",
                 "kinesis:ListShards", "kinesis:SubscribeToShard", "kinesis:DescribeStream", "kinesis:ListStreams",
                 "kinesis:DescribeStreamConsumer")
_KINESIS_WRITE = ("kinesis:ListShards", "kinesis:PutRecord", "kinesis:PutRecords")

# resource type -> grant method -> (actions, the suffix of a second resource the grant covers: a
# bucket's objects `/*`, a function's versions and aliases `:*`)
_GRANTS: dict[str, dict[str, tuple[tuple[str, ...], str]]] = {
    "AWS::DynamoDB::Table": {
        "grant_read_data": (_DYNAMO_READ, ""),
        "grant_write_data": (_DYNAMO_WRITE, ""),
        "grant_read_write_data": (_DYNAMO_READ + _DYNAMO_WRITE, ""),
        "grant_full_access": (("dynamodb:*",), ""),
    },
    "AWS::DynamoDB::GlobalTable": {  # `TableV2`: the same grants
        "grant_read_data": (_DYNAMO_READ, ""),
        "grant_write_data": (_DYNAMO_WRITE, ""),
        "grant_read_write_data": (_DYNAMO_READ + _DYNAMO_WRITE, ""),
        "grant_full_access": (("dynamodb:*",), ""),
    },
    "AWS::S3::Bucket": {
        "grant_read": (_S3_READ, "/*"),
        "grant_write": (_S3_DELETE + _S3_PUT, "/*"),
        "grant_put": (_S3_PUT, "/*"),
        "grant_delete": (_S3_DELETE, "/*"),
        "grant_read_write": (_S3_READ + _S3_DELETE + _S3_PUT, "/*"),
    },
    "AWS::SQS::Queue": {
        "grant_send_messages": (("sqs:SendMessage", "sqs:GetQueueAttributes", "sqs:GetQueueUrl"), ""),
        "grant_consume_messages": (("sqs:ReceiveMessage", "sqs:ChangeMessageVisibility", "sqs:GetQueueUrl",
                                    "sqs:DeleteMessage", "sqs:GetQueueAttributes"), ""),
        "grant_purge": (("sqs:PurgeQueue", "sqs:GetQueueAttributes", "sqs:GetQueueUrl"), ""),
    },
    "AWS::SNS::Topic": {"grant_publish": (("sns:Publish",), "")},
    "AWS::Kinesis::Stream": {
        "grant_read": (_KINESIS_READ, ""),
        "grant_write": (_KINESIS_WRITE, ""),
        "grant_read_write": (_KINESIS_READ + _KINESIS_WRITE, ""),
    },
    # to a role or a function of the app (an IAM principal); a service principal gets a
    # resource-based permission instead (`cdktriggers.permission`)
    "AWS::Lambda::Function": {"grant_invoke": (("lambda:InvokeFunction",), ":*")},
    # `aws-secretsmanager/lib/secret.ts` (a customer key's decrypt is the key's grant, not read)
    "AWS::SecretsManager::Secret": {
        "grant_read": (("secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"), ""),
        "grant_write": (("secretsmanager:PutSecretValue", "secretsmanager:UpdateSecret",
                         "secretsmanager:UpdateSecretVersionStage"), ""),
    },
    # `aws-stepfunctions/lib/state-machine.ts`
    "AWS::StepFunctions::StateMachine": {
        "grant_start_execution": (("states:StartExecution",), ""),
        "grant_start_sync_execution": (("states:StartSyncExecution",), ""),
        "grant_task_response": (("states:SendTaskSuccess", "states:SendTaskFailure", "states:SendTaskHeartbeat"), ""),
    },
    # `aws-logs/lib/log-group.ts`
    "AWS::Logs::LogGroup": {"grant_write": (("logs:CreateLogStream", "logs:PutLogEvents"), "")},
}
# How CDK names the resource in the statement: by its ARN, which `Ref` gives for a topic, a secret
# and a state machine (a queue's `Ref` is its URL: `GetAtt Arn` like a table's or bucket's).
_ARN = {"AWS::SNS::Topic": "Ref", "AWS::SecretsManager::Secret": "Ref", "AWS::StepFunctions::StateMachine": "Ref"}


def grant_statements(owner: Any, method: str, rest: list[Any], span: Span) -> Located | None:
    """The statements `owner.<method>(grantee, *rest)` adds to the grantee's policy, at the call;
    None when lambdalint does not know that grant. `table.grant(fn, "dynamodb:PutItem")` names
    its actions."""
    table = _GRANTS.get(getattr(owner, "kind", ""))
    if table is None or getattr(owner, "resource", None) is None or not owner.logical_id:
        return None
    if method == "grant":
        named = [v.value for v in rest if isinstance(v, Located) and isinstance(v.value, str) and v.is_literal]
        if not named or len(named) != len(rest):
            return None
        actions, suffix = tuple(named), ""
    elif method in table and not rest:  # an object key pattern narrows the grant: not read
        actions, suffix = table[method]
    else:
        return None
    if _ARN.get(owner.kind) == "Ref":
        arn = Located({"Ref": Located(owner.logical_id, span)}, span)
    else:
        arn = Located({"Fn::GetAtt": Located([Located(owner.logical_id, span), Located("Arn", span)], span)}, span)
    resources = [arn]
    if suffix:
        resources.append(Located({"Fn::Join": Located([Located("", span), Located([arn, Located(suffix, span)], span)],
                                                       span)}, span))
    statement = Located({"Effect": Located("Allow", span, "default"),
                         "Action": Located([Located(a, span) for a in dict.fromkeys(actions)], span),
                         "Resource": Located(resources, span)}, span)
    return Located([statement], span)
