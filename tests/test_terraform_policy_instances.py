"""Policies attached by a `for_each` or `count` block are read instance by instance.

Terraform projects often attach a role's managed policies from a list
(`for_each = toset(local.managed_policies)`, `policy_arn = each.value`) or give it one inline
policy per file (`policy = file("policies/${each.value}.json")`). Before, such a block made the
role unknown ("a policy lambdalint cannot read statically"), so an `AdministratorAccess` in the
list went unreported and the handler's calls were never held against the role."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import codes_at, run_lint, write_tree

from lambdalint.loaders import hcl
from lambdalint.located import Located

ROLE_AND_FUNCTION = """\
data "archive_file" "zip" {
  type        = "zip"
  source_dir  = "${path.module}/src"
  output_path = "${path.module}/build/orders.zip"
}

resource "aws_iam_role" "lambda" {
  name = "orders-lambda"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "lambda.amazonaws.com" } }]
  })
}

resource "aws_lambda_function" "orders" {
  function_name                  = "orders"
  filename                       = data.archive_file.zip.output_path
  source_code_hash               = data.archive_file.zip.output_base64sha256
  handler                        = "app.handler"
  runtime                        = "python3.12"
  role                           = aws_iam_role.lambda.arn
  timeout                        = 10
  reserved_concurrent_executions = 5
}
"""
HANDLER = """\
import boto3

table = boto3.resource("dynamodb").Table("orders")


def handler(event, context):
    table.put_item(Item={"id": event["id"]})
    return {"ok": True}
"""
FOR_EACH_MANAGED = """\
locals {
  managed_policies = [
    "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
    "arn:aws:iam::aws:policy/AdministratorAccess",
  ]
}

resource "aws_iam_role_policy_attachment" "managed" {
  for_each   = toset(local.managed_policies)
  role       = aws_iam_role.lambda.name
  policy_arn = each.value
}
"""
COUNT_AND_FILES = """\
locals {
  managed_policies = ["arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"]
  inline_policies  = toset(["orders-table"])
}

resource "aws_iam_role_policy_attachment" "managed" {
  count      = length(local.managed_policies)
  role       = aws_iam_role.lambda.name
  policy_arn = local.managed_policies[count.index]
}

resource "aws_iam_role_policy" "inline" {
  for_each = local.inline_policies
  name     = each.key
  role     = aws_iam_role.lambda.id
  policy   = file("${path.module}/policies/${each.value}.json")
}
"""
READ_ONLY_TABLE = """\
{
  "Version": "2012-10-17",
  "Statement": [
    {"Effect": "Allow", "Action": ["dynamodb:GetItem"], "Resource": "arn:aws:dynamodb:eu-west-1:123456789012:table/orders"}
  ]
}
"""
MAP_OF_POLICIES = """\
locals {
  attached = {
    logs   = { arn = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole" }
    tables = { arn = "arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess" }
  }
}

resource "aws_iam_role_policy_attachment" "attached" {
  for_each   = local.attached
  role       = aws_iam_role.lambda.name
  policy_arn = each.value.arn
}
"""
FROM_A_ROOT_VARIABLE = """\
variable "managed_policies" {
  type    = list(string)
  default = ["arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"]
}

resource "aws_iam_role_policy_attachment" "managed" {
  for_each   = toset(var.managed_policies)
  role       = aws_iam_role.lambda.name
  policy_arn = each.value
}
"""


def project(root: Path, attachments: str, **more: str) -> Path:
    return write_tree(root, {"main.tf": ROLE_AND_FUNCTION, "iam.tf": attachments, "src/app.py": HANDLER, **more})


def test_an_admin_policy_in_a_for_each_list_is_reported_at_its_item(tmp_path: Path) -> None:
    result = run_lint(project(tmp_path, FOR_EACH_MANAGED), select=("LL303",))
    assert codes_at(result) == [("LL303", "iam.tf", 4)]  # the list item, not `policy_arn = each.value`
    (finding,) = result.visible
    assert 'aws_iam_role_policy_attachment.managed["arn:aws:iam::aws:policy/AdministratorAccess"]' in finding.hint
    assert not any("cannot read statically" in note for note in result.notes)


def test_count_by_index_and_for_each_files_make_the_role_known(tmp_path: Path) -> None:
    """The role now holds what the code is checked against: `PutItem` is missing from the
    inline policy the `for_each` reads from `policies/orders-table.json`."""
    result = run_lint(project(tmp_path, COUNT_AND_FILES, **{"policies/orders-table.json": READ_ONLY_TABLE}),
                      select=("LL321",))
    assert codes_at(result) == [("LL321", "src/app.py", 7)]
    assert "`dynamodb:PutItem`" in result.visible[0].message
    role = result.project.functions[0].loaded_role
    assert role.unknown is None
    assert [where for _, where in role.documents] == [
        '`aws_iam_role_policy.inline["orders-table"]` of `aws_iam_role.lambda`']
    assert [arn.value for arn, _ in role.managed] == [
        "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"]


def test_a_map_of_objects_is_read_through_each_value(tmp_path: Path) -> None:
    result = run_lint(project(tmp_path, MAP_OF_POLICIES), select=("LL303",))
    assert codes_at(result) == [("LL303", "iam.tf", 4)]
    assert result.visible[0].severity == "warning"  # a `*FullAccess` policy that is not admin


def test_a_root_variable_list_stays_unknown(tmp_path: Path) -> None:
    """`terraform apply -var` may attach another list: the role is noted as unread, never judged
    from the default."""
    result = run_lint(project(tmp_path, FROM_A_ROOT_VARIABLE), select=("LL321",))
    assert codes_at(result) == []
    assert result.project.functions[0].loaded_role.unknown is not None
    assert any("cannot read statically" in note and "aws_iam_role_policy_attachment.managed" in note
               for note in result.notes)


@pytest.mark.parametrize(("expression", "expected"), [
    ("var.runtimes[1]", "python3.12"),
    ('var.by_name["orders"]', 30),
    ("var.runtimes[count.index]", "python3.11"),   # the instance's own item
    ("each.value.arn", "arn:aws:sqs:eu-west-1:123456789012:orders"),
    ("each.key", "orders"),
])
def test_indexes_and_instance_values_are_evaluated(expression: str, expected: object) -> None:
    parsed = hcl.parse(Path("/project/main.tf"), "main.tf", f"value = {expression}\n")
    scope = hcl.Scope(Path("/project"), Path("/project"))
    scope.variables.update({"runtimes": Located([Located("python3.11", None), Located("python3.12", None)], None),
                            "by_name": Located({"orders": Located(30, None)}, None)})
    scope.instance.update({"count.index": Located(0, None), "each.key": Located("orders", None),
                           "each.value": Located({"arn": Located("arn:aws:sqs:eu-west-1:123456789012:orders", None)},
                                                 None)})
    value = parsed.body.attributes["value"].evaluate(scope)
    assert (value.value, value.origin) == (expected, "explicit")


@pytest.mark.parametrize("expression", [
    "var.runtimes[5]",             # out of range
    "var.runtimes[var.unknown]",
    "aws_subnet.private[0]",       # a resource's instance: its text stays, for linking
    "count.index",                 # outside a `count` block
])
def test_unknown_indexes_stay_unresolved_with_their_text(expression: str) -> None:
    parsed = hcl.parse(Path("/project/main.tf"), "main.tf", f"value = {expression}\n")
    scope = hcl.Scope(Path("/project"), Path("/project"))
    scope.variables.update({"runtimes": Located([Located("python3.11", None)], None)})
    value = parsed.body.attributes["value"].evaluate(scope)
    assert (value.value, value.origin) == (expression, "unresolved")
