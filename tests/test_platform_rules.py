"""The rules of the rest of the Lambda platform (LL110, LL210-LL216) on a project where they meet,
preview off by default, and the deployment accessor every dialect loads into."""

from __future__ import annotations

from pathlib import Path

import pytest

from lambdalint.config import Config
from lambdalint.deploy import deployment, reports_batch_failures
from lambdalint.triggers import function_triggers

from conftest import FIXTURES, codes_at, run_lint, write_tree

PROJECT = FIXTURES / "projects" / "platform-features"
NEW = ("LL110", "LL210", "LL211", "LL212", "LL213", "LL214", "LL215", "LL216")


def test_snapstart_with_provisioned_concurrency_and_an_unread_batch_response():
    result = run_lint(PROJECT, config=Config(root=PROJECT, preview=True, ignore=("LL202",)))
    found = {(code, path, line) for code, path, line in codes_at(result) if code in NEW}
    assert found == {
        ("LL213", "template.yaml", 31),          # SnapStart + ProvisionedConcurrencyConfig
        ("LL110", "src/api/app.py", 9),          # INSTANCE_ID = str(uuid.uuid4())
        ("LL210", "template.yaml", 60),          # the SQS event without ReportBatchItemFailures
        ("LL211", "src/orders/consumer.py", 7),  # Tracer() while tracing is PassThrough
    }
    batch = next(f for f in result.visible if f.code == "LL210")
    assert [(r.span.path, r.span.line) for r in batch.related] == [("src/orders/consumer.py", 20)]
    snap = next(f for f in result.visible if f.code == "LL110")
    assert [(r.span.path, r.span.line) for r in snap.related] == [("template.yaml", 31)]


def test_preview_rules_stay_off_without_preview():
    result = run_lint(PROJECT, config=Config(root=PROJECT))
    assert not [c for c, _, _ in codes_at(result) if c in NEW]
    result = run_lint(PROJECT, config=Config(root=PROJECT, select=("LL2",)))
    assert not [c for c, _, _ in codes_at(result) if c in NEW]
    result = run_lint(PROJECT, config=Config(root=PROJECT, select=("LL210",)))
    assert [c for c, _, _ in codes_at(result)] == ["LL210"]


def _functions(tmp_path: Path, files: dict[str, str]):
    write_tree(tmp_path, files)
    result = run_lint(tmp_path, config=Config(root=tmp_path, select=("LL201",)))
    return {f.name: f for f in result.project.functions}


SAM = """\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Globals:
  Function:
    Tracing: Active
    SnapStart: {ApplyOn: PublishedVersions}
Resources:
  Api:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
      Runtime: python3.12
      AutoPublishAlias: live
      ProvisionedConcurrencyConfig: {ProvisionedConcurrentExecutions: 3}
      Events:
        Q: {Type: SQS, Properties: {Queue: arn:aws:sqs:eu-west-1:1:q, FunctionResponseTypes: [ReportBatchItemFailures]}}
"""
CFN = """\
AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  Mode: {Type: String}
Resources:
  Worker:
    Type: AWS::Lambda::Function
    Properties:
      Handler: app.handler
      Runtime: python3.12
      Role: arn:aws:iam::1:role/r
      Code: {S3Bucket: b, S3Key: k}
      TracingConfig: {Mode: !Ref Mode}
      EphemeralStorage: {Size: 1024}
  Version:
    Type: AWS::Lambda::Version
    Properties: {FunctionName: !Ref Worker, ProvisionedConcurrencyConfig: {ProvisionedConcurrentExecutions: 2}}
  Mapping:
    Type: AWS::Lambda::EventSourceMapping
    Properties:
      EventSourceArn: arn:aws:kinesis:eu-west-1:1:stream/s
      FunctionName: !Ref Worker
      FunctionResponseTypes: !If [Cond, [ReportBatchItemFailures], []]
"""
SLS = """\
service: s
provider:
  name: aws
  runtime: python3.12
  versionFunctions: false
  tracing: {lambda: true}
functions:
  a:
    handler: h.a
    snapStart: true
    provisionedConcurrency: 4
    ephemeralStorageSize: 2048
    events:
      - sqs: {arn: "arn:aws:sqs:eu-west-1:1:q"}
  b:
    handler: h.b
    tracing: PassThrough
    events:
      - stream: {type: dynamodb, arn: "arn:aws:dynamodb:eu-west-1:1:table/t/stream/x", functionResponseType: ReportBatchItemFailures}
"""


def test_deployment_reads_every_dialect_alike(tmp_path):
    sam = _functions(tmp_path / "sam", {"template.yaml": SAM})["Api"]
    settings = deployment(sam)
    assert settings.snap_start_on is True and settings.snap_start.origin == "globals"
    assert settings.publishes_version and settings.tracing_active is True
    assert [(p.target, p.amount.value) for p in settings.provisioned] == [("alias", 3)]
    assert [reports_batch_failures(t) for t in function_triggers(sam)] == [True]

    cfn = _functions(tmp_path / "cfn", {"template.yaml": CFN})["Worker"]
    settings = deployment(cfn)
    assert settings.snap_start_on is False and settings.tracing_active is None  # a parameter
    assert settings.publishes_version and settings.ephemeral_storage.value == 1024
    assert [(p.target, p.owner) for p in settings.provisioned] == [("version", "Version")]
    assert [reports_batch_failures(t) for t in function_triggers(cfn)] == [None]  # a condition

    functions = _functions(tmp_path / "sls", {"serverless.yml": SLS})
    a, b = deployment(functions["a"]), deployment(functions["b"])
    assert a.snap_start_on is True and not a.publishes_version
    assert a.tracing_active is True and a.tracing.origin == "provider" and b.tracing_active is False
    assert [(p.target, p.amount.value) for p in a.provisioned] == [("alias", 4)]
    assert a.ephemeral_storage.value == 2048
    assert [reports_batch_failures(t) for t in function_triggers(functions["a"])] == [False]
    assert [reports_batch_failures(t) for t in function_triggers(functions["b"])] == [True]


@pytest.mark.parametrize("code", NEW)
def test_new_rules_are_in_preview(code):
    from lambdalint.registry import Registry

    rule = Registry.installed().get(code)
    assert rule is not None and rule.preview
