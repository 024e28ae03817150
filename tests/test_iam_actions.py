"""SDK call -> IAM actions (`lambdalint.iam_actions`, data from `tools/gen_iam_data.py`): the shipped
file, the awkward cases, and the generator's use of iam-dataset's map.json."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from lambdalint import iam_actions
from lambdalint.code.facts import Arg
from lambdalint.iam_actions import actions_for

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


def test_operations_named_unlike_their_action_are_unknown_without_the_sdk_mapping() -> None:
    # the shipped file is built without iam-dataset's map.json when it cannot be had (README):
    # these are then "not known", never guessed from the name
    if iam_actions.sources()["iam_dataset"] != "not used":
        pytest.skip("the shipped data includes iam-dataset's mapping")
    assert actions_for("s3", "client", "list_objects_v2") is None
    assert actions_for("s3", "client", "head_object") is None
    assert actions_for("sqs", "client", "send_message_batch") is None
    assert actions_for("s3", "Bucket.objects", "filter") is None
    assert actions_for("no-such-service", "client", "anything") is None


@pytest.mark.skipif(importlib.util.find_spec("boto3") is None or importlib.util.find_spec("cfnlint") is None,
                    reason="the generator reads boto3's and cfn-lint's bundled data")
def test_generator_takes_the_awkward_cases_from_iam_dataset(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    spec = importlib.util.spec_from_file_location("gen_iam_data", ROOT / "tools" / "gen_iam_data.py")
    generator = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generator)
    out = tmp_path / "iam_actions.bin"
    assert generator.main(["--iam-dataset", str(FIXTURES / "iam-dataset"), "--out", str(out)]) == 0
    header = json.loads(out.read_bytes().split(b"\n", 1)[0])
    assert header["stats"]["dataset_actions_not_in_reference"] == 1  # s3:NotAnAction is dropped
    monkeypatch.setattr(iam_actions, "_DATA", out)
    iam_actions._file.cache_clear()
    iam_actions.service.cache_clear()
    try:
        assert actions_for("s3", "client", "list_objects_v2") == ("s3:ListBucket",)
        assert actions_for("s3", "client", "head_object") == ("s3:GetObject",)
        assert actions_for("sqs", "client", "send_message_batch") == ("sqs:SendMessage",)
        assert actions_for("s3", "client", "put_object") == ("s3:PutObject",)
        assert actions_for("s3", "client", "get_paginator", (Arg("str", "list_objects_v2"),)) == ("s3:ListBucket",)
        assert actions_for("s3", "client", "get_waiter", (Arg("str", "object_exists"),)) == ("s3:GetObject",)
        assert actions_for("s3", "Bucket.objects", "filter") == ("s3:ListBucket",)
    finally:
        iam_actions._file.cache_clear()
        iam_actions.service.cache_clear()
