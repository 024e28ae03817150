"""SDK call -> IAM actions (`lambdalint.iam_actions`, data from `tools/gen_iam_data.py`): the shipped
file, the awkward cases, and the generator's use of iam-dataset's map.json."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from lambdalint import iam_actions
from lambdalint.code.facts import Arg
from lambdalint.iam_actions import actions_for, call_actions

from conftest import FIXTURES

ROOT = Path(__file__).resolve().parents[1]


def test_client_methods_by_operation_name() -> None:
    assert actions_for("s3", "client", "get_object") == ("s3:GetObject",)
    assert actions_for("s3", "client", "put_object") == ("s3:PutObject",)
    assert actions_for("sqs", "client", "send_message") == ("sqs:SendMessage",)
    assert actions_for("stepfunctions", "client", "start_execution") == ("states:StartExecution",)
    assert actions_for("dynamodb", "client", "batch_write_item") == ("dynamodb:BatchWriteItem",)


def test_dynamodb_resource_methods_map_through_the_resource_model() -> None:
    assert actions_for("dynamodb", "Table", "put_item") == ("dynamodb:PutItem",)
    assert actions_for("dynamodb", "Table", "query") == ("dynamodb:Query",)
    assert actions_for("dynamodb", "Table", "load") == ("dynamodb:DescribeTable",)
    assert actions_for("dynamodb", "Table", "wait_until_exists") == ("dynamodb:DescribeTable",)
    assert actions_for("dynamodb", "Table", "no_such_method") is None


def test_paginators_waiters_and_presigned_urls_follow_their_operation() -> None:
    assert actions_for("dynamodb", "client", "get_paginator", (Arg("str", "scan"),)) == ("dynamodb:Scan",)
    assert actions_for("dynamodb", "client", "get_waiter", (Arg("str", "table_exists"),)) == ("dynamodb:DescribeTable",)
    assert actions_for("s3", "client", "generate_presigned_url", (),
                       (("ClientMethod", Arg("str", "get_object")),)) == ("s3:GetObject",)
    assert actions_for("s3", "client", "generate_presigned_url", (Arg("name", "method"),)) is None  # not a literal
    assert actions_for("s3", "client", "close") == ()
    assert actions_for("s3", "client", "upload_file") == ("s3:PutObject",)
    assert actions_for("s3", "Object", "download_file") == ("s3:GetObject",)


def test_operations_named_unlike_their_action_take_it_from_iam_dataset() -> None:
    assert actions_for("s3", "client", "list_objects_v2") == ("s3:ListBucket",)
    assert actions_for("s3", "client", "list_objects") == ("s3:ListBucket",)
    assert actions_for("s3", "client", "head_object") == ("s3:GetObject",)
    assert actions_for("s3", "client", "head_bucket") == ("s3:ListBucket",)
    assert actions_for("sqs", "client", "send_message_batch") == ("sqs:SendMessage",)
    assert actions_for("sqs", "client", "delete_message_batch") == ("sqs:DeleteMessage",)
    assert actions_for("lambda", "client", "invoke") == ("lambda:InvokeFunction",)
    assert actions_for("apigatewaymanagementapi", "client", "post_to_connection") == ("execute-api:ManageConnections",)
    # JavaScript SDK class names in the dataset: StepFunctions, IotData
    assert actions_for("iot-data", "client", "publish") == ("iot:Publish",)
    assert actions_for("no-such-service", "client", "anything") is None


def test_paginators_waiters_presigned_urls_and_resources_of_renamed_operations() -> None:
    assert actions_for("s3", "client", "get_paginator", (Arg("str", "list_objects_v2"),)) == ("s3:ListBucket",)
    assert actions_for("s3", "Bucket.objects", "filter") == ("s3:ListBucket",)
    assert actions_for("s3", "Bucket.objects", "all") == ("s3:ListBucket",)
    assert actions_for("sqs", "Queue", "send_messages") == ("sqs:SendMessage",)
    assert actions_for("dynamodb", "Table", "scan") == ("dynamodb:Scan",)
    assert actions_for("dynamodb", "Table", "batch_writer") == ("dynamodb:BatchWriteItem",)
    assert actions_for("s3", "client", "generate_presigned_url", (),
                       (("ClientMethod", Arg("str", "put_object")),)) == ("s3:PutObject",)
    # a waiter's request is made later by `.wait(...)`: head_object's VersionId cannot be told
    waiter = call_actions("s3", "client", "get_waiter", (Arg("str", "object_exists"),))
    assert waiter.needed == () and set(waiter.possible) == {"s3:GetObject", "s3:GetObjectVersion"}


def test_conditional_actions_are_decided_from_literal_arguments_only() -> None:
    plain = call_actions("s3", "client", "head_object", (),
                         (("Bucket", Arg("env", "BUCKET")), ("Key", Arg("name", "k"))))
    assert plain.needed == plain.essential == ("s3:GetObject",) and plain.possible == ("s3:GetObjectVersion",)
    versioned = call_actions("s3", "client", "head_object", (), (("Bucket", Arg("str", "b")), ("Key", Arg("str", "k")),
                                                                 ("VersionId", Arg("name", "version"))))
    assert versioned.needed == ("s3:GetObjectVersion",) and versioned.possible == ("s3:GetObject",)
    # `**kwargs` may carry a VersionId: neither action is certainly needed (LL321 stays silent)
    spread = call_actions("s3", "client", "head_object", (), (("Bucket", Arg("str", "b")), ("**", Arg(""))))
    assert spread.needed == () and spread.essential == ()
    select = call_actions("dynamodb", "client", "execute_statement", (),
                          (("Statement", Arg("str", "select * from orders where pk = ?")),))
    assert select.needed == ("dynamodb:PartiQLSelect",)
    assert set(select.possible) == {"dynamodb:PartiQLInsert", "dynamodb:PartiQLUpdate", "dynamodb:PartiQLDelete"}
    built = call_actions("dynamodb", "client", "execute_statement", (), (("Statement", Arg("name", "statement")),))
    assert built.needed == () and len(built.possible) == 4
    replaced = call_actions("s3", "client", "copy_object", (), (("TaggingDirective", Arg("str", "REPLACE")),))
    assert "s3:GetObjectTagging" in replaced.possible and "s3:GetObjectTagging" not in replaced.needed
    # directory buckets (`--x-s3`) take the s3express action: decided from a literal bucket name
    assert actions_for("s3", "client", "create_bucket", (), (("Bucket", Arg("str", "logs")),)) == ("s3:CreateBucket",)
    assert actions_for("s3", "client", "create_bucket", (),
                       (("Bucket", Arg("str", "logs--use1-az4--x-s3")),)) == ("s3express:CreateBucket",)


def test_an_operation_with_several_actions_has_the_one_named_like_it_as_essential() -> None:
    get = call_actions("s3", "client", "get_object")
    assert get.essential == get.needed == ("s3:GetObject",) and get.possible == ("s3:GetObjectVersion",)
    # iam:PassRole is listed unconditionally but only needed when a role is passed
    notify = call_actions("s3", "client", "put_bucket_notification")
    assert notify.essential == ("s3:PutBucketNotification",) and "iam:PassRole" in notify.possible
    # none named like copy_object: every unconditional action is essential, LL321 wants any of them
    copy = call_actions("s3", "client", "copy_object")
    assert {"s3:GetObject", "s3:PutObject", "s3:ListBucket"} <= set(copy.essential)
    assert copy.needed == copy.essential  # TaggingDirective absent: s3:GetObjectTagging is needed too
    assert "s3:GetObjectTagging" in copy.essential
    # S3 Control: the s3 and s3-outposts actions are alternatives, both named like the operation
    assert set(call_actions("s3control", "client", "delete_access_point").essential) == {
        "s3:DeleteAccessPoint", "s3-outposts:DeleteAccessPoint"}


def test_operations_iam_never_evaluates_need_nothing_but_keep_their_actions() -> None:
    # botocore's models send Cognito's public API unsigned (`smithy.api#noAuth`); iam-dataset lists
    # sts:GetCallerIdentity as needing no permission
    for service, method in (("cognito-idp", "sign_up"), ("cognito-idp", "initiate_auth"),
                            ("cognito-idp", "respond_to_auth_challenge"), ("sts", "get_caller_identity"),
                            ("sts", "assume_role_with_web_identity"), ("cognito-identity", "get_id"),
                            ("dynamodb", "describe_endpoints")):
        found = call_actions(service, "client", method)
        assert found.permissionless and found.needed == found.essential == (), (service, method)
    # LL322 still counts a grant of the operation's action as used
    assert call_actions("cognito-idp", "client", "sign_up").possible == ("cognito-idp:SignUp",)
    assert call_actions("sts", "client", "get_caller_identity").possible == ("sts:GetCallerIdentity",)
    # signed calls of the same services, and a signed request with an unsigned body, need their action
    for service, method, action in (("cognito-idp", "admin_get_user", "cognito-idp:AdminGetUser"),
                                    ("cognito-idp", "admin_initiate_auth", "cognito-idp:AdminInitiateAuth"),
                                    ("sts", "assume_role", "sts:AssumeRole"),
                                    ("lex-runtime", "post_content", "lex:PostContent")):
        found = call_actions(service, "client", method)
        assert not found.permissionless and found.essential == (action,), (service, method)
    # an unsigned operation the data maps to no action is known all the same
    assert call_actions("sso", "client", "get_role_credentials").permissionless


@pytest.mark.skipif(importlib.util.find_spec("boto3") is None or importlib.util.find_spec("cfnlint") is None,
                    reason="the generator reads boto3's and cfn-lint's bundled data")
def test_generator_takes_the_awkward_cases_from_iam_dataset(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    spec = importlib.util.spec_from_file_location("gen_iam_data", ROOT / "tools" / "gen_iam_data.py")
    generator = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generator)
    out = tmp_path / "iam_actions.bin"
    # an earlier managed_policies.bin: the fixture folder's one document is merged in, none is lost
    (tmp_path / "managed_policies.bin").write_bytes((ROOT / "lambdalint/data/managed_policies.bin").read_bytes())
    assert generator.main(["--iam-dataset", str(FIXTURES / "iam-dataset"), "--iam-dataset-commit", "abc1234",
                           "--out", str(out)]) == 0
    header = json.loads(out.read_bytes().split(b"\n", 1)[0])
    assert header["stats"]["dataset_actions_not_in_reference"] == 1  # s3:NotAnAction is dropped
    assert header["stats"]["permissionless"] >= 45  # botocore's unsigned operations, and STS.GetCallerIdentity
    assert header["sources"]["iam_dataset"] == "abc1234"
    managed = json.loads((tmp_path / "managed_policies.bin").read_bytes().split(b"\n", 1)[0])
    shipped = json.loads((ROOT / "lambdalint/data/managed_policies.bin").read_bytes().split(b"\n", 1)[0])
    assert managed["count"] == shipped["count"] + 1
    assert {"AdministratorAccess", "AWSLambdaBasicExecutionRole", "ExampleReadOnlyPolicy"} <= set(managed["index"])
    assert managed["sources"]["iam_dataset_by_policy"]["abc1234"] == ["ExampleReadOnlyPolicy"]
    monkeypatch.setattr(iam_actions, "_DATA", out)
    iam_actions._file.cache_clear()
    iam_actions.service.cache_clear()
    try:
        assert actions_for("s3", "client", "list_objects_v2") == ("s3:ListBucket",)
        assert actions_for("s3", "client", "head_object") == ("s3:GetObject",)
        assert actions_for("s3", "client", "head_object", (),
                           (("VersionId", Arg("str", "1")),)) == ("s3:GetObjectVersion",)
        assert actions_for("sqs", "client", "send_message_batch") == ("sqs:SendMessage",)
        assert actions_for("s3", "client", "put_object") == ("s3:PutObject",)
        assert actions_for("s3", "client", "get_paginator", (Arg("str", "list_objects_v2"),)) == ("s3:ListBucket",)
        assert actions_for("s3", "Bucket.objects", "filter") == ("s3:ListBucket",)
        # a notice about directory buckets is a condition on the bucket name
        assert actions_for("s3", "client", "create_bucket", (), (("Bucket", Arg("str", "x--x-s3")),)) == (
            "s3express:CreateBucket",)
        # a compound condition is never decided
        assert call_actions("timestream-query", "client", "query", (),
                            (("QueryString", Arg("str", "SELECT 1")),)).needed == ()
        # the dataset's IotData is botocore's iot-data (signing name iotdata, actions iot:)
        assert actions_for("iot-data", "client", "publish") == ("iot:Publish",)
        # the action named like the operation stays essential beside the dataset's
        bot = call_actions("lexv2-models", "client", "create_bot")
        assert bot.essential == ("lex:CreateBot",) and bot.possible == ("lex:PutBot",)
        # the fixture's sdk_permissionless_actions has STS.GetCallerIdentity, not STS.GetSessionToken
        assert call_actions("sts", "client", "get_caller_identity").permissionless
        assert actions_for("sts", "client", "get_session_token") == ("sts:GetSessionToken",)
        assert call_actions("cognito-idp", "client", "sign_up").permissionless
    finally:
        iam_actions._file.cache_clear()
        iam_actions.service.cache_clear()
