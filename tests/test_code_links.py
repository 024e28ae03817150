"""Where handler code meets configuration: the facts LL109, LL205 (code side) and LL209 rely on.

The extractor's environment facts (guards, defaults, the name a read is assigned to) and call
argument shapes, the reachability of reads from a handler, and the rules on a project fixture.
"""

from __future__ import annotations

from pathlib import Path

from lambdalint.code.extract import full_facts
from lambdalint.code.facts import EVENT_S3_BUCKET, EVENT_SNS_TOPIC, UNKNOWN_ARG, Arg
from lambdalint.code_links import environment_known, variables_naming

from conftest import FIXTURES, codes_at, run_lint, write_tree

MODULE = '''\
import os
import boto3

s3 = boto3.client("s3")
BUCKET = os.environ["OUT_BUCKET"]
LEVEL = os.environ.get("LOG_LEVEL") or "INFO"
TIMEOUT = os.getenv("TIMEOUT", "3")
if "OPTIONAL" in os.environ:
    OPT = os.environ["OPTIONAL"]
try:
    X = os.environ["MAYBE"]
except KeyError:
    X = None
LOCAL = os.environ["ENDPOINT"] if os.getenv("ENDPOINT") else None


def handler(event, context):
    table = os.getenv("TABLE")
    s3.put_object(Bucket=BUCKET, Key="a", Body=b"")
    s3.upload_file("/tmp/x", os.environ["UP"], "k")
    os.environ["AWS_REGION"] = "eu-west-1"
'''


def test_environment_facts_know_guards_defaults_and_targets() -> None:
    facts = full_facts("/p/app.py", "app.py", MODULE)
    by_name = {(e.variable, e.kind): e for e in facts.env}
    assert (by_name["OUT_BUCKET", "read"].target, by_name["OUT_BUCKET", "read"].has_default) == ("BUCKET", False)
    assert by_name["LOG_LEVEL", "read"].has_default  # `or "INFO"`
    assert by_name["TIMEOUT", "read"].has_default  # second argument
    assert by_name["OPTIONAL", "read"].guarded  # under `if "OPTIONAL" in os.environ`
    assert by_name["MAYBE", "read"].guarded  # under `try ... except KeyError`
    assert by_name["ENDPOINT", "read"].guarded  # conditional expression testing the same name
    table = by_name["TABLE", "read"]
    assert (table.function, table.target, table.has_default, table.guarded) == ("handler", "table", False, False)
    assert by_name["AWS_REGION", "write"].function == "handler"


def test_call_facts_describe_their_arguments() -> None:
    calls = {min(c.names): c for c in full_facts("/p/app.py", "app.py", MODULE).functions["handler"].calls}
    assert calls["s3.put_object"].keywords == (("Bucket", Arg("name", "BUCKET")), ("Key", Arg("str", "a")),
                                               ("Body", UNKNOWN_ARG))
    assert calls["s3.upload_file"].positional == (Arg("str", "/tmp/x"), Arg("env", "UP"), Arg("str", "k"))


def test_values_taken_from_the_triggering_event() -> None:
    facts = full_facts("/p/a.py", "a.py", """\
import boto3
s3 = boto3.client("s3")
sns = boto3.client("sns")


def handler(event, context):
    bucket = event["Records"][0]["s3"]["bucket"]["name"]
    key = event["Records"][0]["s3"]["object"]["key"]
    for record in event["Records"]:
        sns.publish(TopicArn=record["Sns"]["TopicArn"], Message="x")
    s3.upload_file("/tmp/x", bucket, key)
""")
    handler = facts.functions["handler"]
    assert handler.event_values == {"bucket": EVENT_S3_BUCKET}  # the key is not the bucket
    calls = {min(c.names): c for c in handler.calls}
    assert dict(calls["sns.publish"].keywords)["TopicArn"] == EVENT_SNS_TOPIC
    assert calls["s3.upload_file"].positional[1] == Arg("name", "bucket")


def _function(tmp_path: Path, text: str, name: str = "template.yaml"):
    write_tree(tmp_path, {name: text})
    return run_lint(tmp_path, select=("LL001",)).project.functions[0]


def test_environment_is_unknown_behind_a_condition_or_a_file(tmp_path: Path) -> None:
    conditional = _function(tmp_path / "a", """\
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
      Runtime: python3.12
      Environment: !If [IsProd, {Variables: {A: "1"}}, !Ref AWS::NoValue]
""")
    from_file = _function(tmp_path / "b", """\
service: s
provider:
  name: aws
  environment: ${file(env.yml)}
functions:
  f:
    handler: h.f
""", "serverless.yml")
    plain = _function(tmp_path / "c", """\
Resources:
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Handler: app.handler
      Runtime: python3.12
      Environment: {Variables: {A: "1"}}
""")
    assert not environment_known(conditional) and not environment_known(from_file)
    assert environment_known(plain)


def test_variables_naming_a_resource(tmp_path: Path) -> None:
    function = _function(tmp_path, """\
Resources:
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Handler: app.handler
      Runtime: python3.12
      Environment:
        Variables:
          QUEUE_URL: !Ref Jobs
          QUEUE_ARN: !GetAtt Jobs.Arn
          OTHER: !Sub "${Results.Arn}"
          NAME: jobs
""")
    assert set(variables_naming(function, "Jobs")) == {"QUEUE_URL", "QUEUE_ARN"}
    assert set(variables_naming(function, "Nothing", "jobs")) == {"NAME"}


def test_code_meets_config_fixture() -> None:
    root = FIXTURES / "projects" / "code-meets-config"
    result = run_lint(root, select=("LL109", "LL205", "LL209"))
    assert not result.internal_errors
    assert codes_at(result) == [
        ("LL205", "src/imaging/store.py", 5),  # os.environ["AWS_REGION"] = ... at import
        ("LL209", "src/ingest.py", 16),  # save_original() puts into the bucket that triggers it
        ("LL109", "src/resize.py", 6),  # MAX_SIDE is set nowhere
    ]
    # `THUMBNAILS_BUCKET` is read in a helper only the resize handler reaches, and it sets it.
    assert all("THUMBNAILS_BUCKET" not in f.message for f in result.visible)
