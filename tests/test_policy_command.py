"""`lambdalint policy`: the least-privilege policy each function's code needs, per dialect, with what
could not be determined; usage errors are exit 2 with one line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import yaml

from conftest import FIXTURES

PROJECTS = FIXTURES / "projects"


def policy(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "lambdalint", "policy", *args], capture_output=True, text=True)


def by_function(output: str, loader=json.loads) -> dict[str, dict]:
    return {d["function"]: d for d in loader(output)["functions"]}


def test_sam_policy_groups_actions_by_the_resources_the_code_names() -> None:
    run = policy(str(PROJECTS / "least-privilege-sam"), "--format", "json")
    assert run.returncode == 0, run.stderr
    found = by_function(run.stdout)
    orders = found["OrdersFunction"]
    assert orders["complete"] and orders["not_determined"] == []
    assert orders["policy"]["Statement"] == [
        {"Effect": "Allow", "Action": ["sqs:SendMessage"], "Resource": {"Fn::GetAtt": ["AuditQueue", "Arn"]}},
        {"Effect": "Allow", "Action": ["dynamodb:GetItem", "dynamodb:PutItem"],
         "Resource": {"Fn::GetAtt": ["Orders", "Arn"]}},
    ]
    dynamic = found["DynamicFunction"]
    assert not dynamic["complete"]
    assert any("service is not a literal" in line for line in dynamic["not_determined"])


def test_yaml_output_for_one_function_of_a_shared_role() -> None:
    run = policy(str(PROJECTS / "least-privilege-cloudformation"), "--function", "NotifyFunction")
    assert run.returncode == 0, run.stderr
    (notify,) = yaml.safe_load(run.stdout)["functions"]
    assert notify["policy"]["Statement"] == [{"Effect": "Allow", "Action": ["sns:Publish"],
                                              "Resource": {"Ref": "Topic"}}]


def test_serverless_literal_bucket_stays_a_wildcard_resource() -> None:
    run = policy(str(PROJECTS / "least-privilege-serverless"), "--format", "json")
    (process,) = json.loads(run.stdout)["functions"]
    assert process["policy"]["Statement"] == [{"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"],
                                               "Resource": "*"}]


def test_unknown_function_and_missing_path_are_usage_errors(tmp_path: Path) -> None:
    run = policy(str(PROJECTS / "least-privilege-sam"), "--function", "NoSuchFunction")
    assert run.returncode == 2 and len(run.stderr.strip().splitlines()) == 1
    run = policy(str(tmp_path / "missing"))
    assert run.returncode == 2 and len(run.stderr.strip().splitlines()) == 1


def test_calls_made_with_assumed_credentials_are_not_in_the_execution_roles_policy(tmp_path: Path) -> None:
    """A client built from `assume_role`'s keys acts with that role's permissions
    (ServerlessOpsIO/backstage-aws-resource-collector): the execution role needs `sts:AssumeRole`,
    not the ECS calls made in the other account."""
    from conftest import write_tree

    write_tree(tmp_path, {
        "template.yaml": "Transform: AWS::Serverless-2016-10-31\nResources:\n  Collect:\n"
                         "    Type: AWS::Serverless::Function\n    Properties:\n      CodeUri: src/\n"
                         "      Handler: app.handler\n      Runtime: python3.12\n      Timeout: 30\n",
        "src/app.py": "import boto3\n\nsts = boto3.client('sts')\n\n\ndef handler(event, context):\n"
                      "    keys = sts.assume_role(RoleArn=event['role'], RoleSessionName='collect')['Credentials']\n"
                      "    ecs = boto3.client('ecs', aws_access_key_id=keys['AccessKeyId'],\n"
                      "                       aws_secret_access_key=keys['SecretAccessKey'],\n"
                      "                       aws_session_token=keys['SessionToken'])\n"
                      "    return ecs.list_clusters()\n",
    })
    run = policy(str(tmp_path), "--format", "json")
    assert run.returncode == 0, run.stderr
    (collect,) = json.loads(run.stdout)["functions"]
    assert collect["policy"]["Statement"] == [{"Effect": "Allow", "Action": ["sts:AssumeRole"], "Resource": "*"}]
