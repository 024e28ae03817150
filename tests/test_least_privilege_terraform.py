"""LL321/LL322 on a Terraform project: a missing permission in an `aws_iam_role_policy` written with
`jsonencode`, an unused `dynamodb:*`, and the traps that must stay silent (a role from
`data "aws_iam_role"`, an AWS managed policy attached by ARN that grants what the code calls, a
customer managed policy from outside the project, a client whose service is not a literal). Each
trap is also checked without what keeps it silent, so its silence is for that reason."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import FIXTURES, codes_at, run_lint

PROJECT = FIXTURES / "projects" / "least-privilege-terraform"


def test_missing_send_and_unused_dynamodb_wildcard_and_silent_traps() -> None:
    result = run_lint(PROJECT, select=("LL321", "LL322"))
    assert codes_at(result) == [("LL322", "main.tf", 73), ("LL321", "src/orders.py", 11)]
    missing, unused = sorted(result.findings, key=lambda f: f.code)
    assert "`sqs:SendMessage`" in missing.message and missing.function == "aws_lambda_function.orders"
    assert "`dynamodb:*` is never used" in unused.message
    notes = "\n".join(result.notes)
    assert "`aws_lambda_function.reports` uses a role defined outside this module" in notes
    assert "`aws_lambda_function.notify` uses the managed policy `arn:aws:iam::123456789012:policy/" \
           "shared-notifications`" in notes
    assert "`aws_lambda_function.dynamic` makes AWS calls that could not all be determined" in notes
    # the AWS managed policy is read, not skipped: no note, and the function's calls are complete
    assert "aws_lambda_function.export" not in notes


@pytest.mark.parametrize(("old", "new", "expected"), [
    # without the AWS managed read policy, the export function cannot read its object
    ('policy_arn = "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"',
     'policy_arn = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"',
     ("LL321", "src/export.py", 7)),
    # with nothing from outside the project, the notify role lacks the publish
    ('policy_arn = "arn:aws:iam::123456789012:policy/shared-notifications"',
     'policy_arn = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"',
     ("LL321", "src/notify.py", 9)),
    # with only literal services, `sqs:*` of the dynamic role is unused
    ('client = boto3.client(os.environ["SERVICE"])\n    return client.get_queue_url(QueueName="jobs")',
     "return None", ("LL322", "main.tf", 161)),
])
def test_each_trap_is_silent_for_its_own_reason(tmp_path: Path, old: str, new: str,
                                                expected: tuple[str, str, int]) -> None:
    root = tmp_path / "project"
    shutil.copytree(PROJECT, root)
    for path in [root / "main.tf", *sorted((root / "src").glob("*.py"))]:
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace(old, new), encoding="utf-8")
    found = codes_at(run_lint(root, select=("LL321", "LL322")))
    assert expected in found
    assert len(found) == 3


def test_a_statement_whose_actions_are_not_known_is_said_to_leave_the_role_unchecked(tmp_path: Path) -> None:
    # `Action = var.actions` with the list given at apply time: any call may be allowed, so no
    # LL321, and the note says why instead of a silent green
    from conftest import write_tree

    write_tree(tmp_path, {
        "main.tf": """\
variable "actions" {
  type = list(string)
}

resource "aws_iam_role" "fn" {
  name               = "fn"
  assume_role_policy = "{}"
}

resource "aws_iam_role_policy" "fn" {
  role = aws_iam_role.fn.id
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = var.actions, Resource = "*" }]
  })
}

resource "aws_lambda_function" "fn" {
  function_name = "fn"
  role          = aws_iam_role.fn.arn
  handler       = "app.handler"
  runtime       = "python3.12"
  filename      = data.archive_file.code.output_path
}

data "archive_file" "code" {
  type        = "zip"
  source_dir  = "${path.module}/src"
  output_path = "${path.module}/build/fn.zip"
}
""",
        "src/app.py": 'import boto3\n\nsqs = boto3.client("sqs")\n\n\ndef handler(event, context):\n'
                      '    sqs.send_message(QueueUrl="q", MessageBody="x")\n',
    })
    result = run_lint(tmp_path, select=("LL321",))
    assert result.findings == []
    assert result.notes == ["main.tf: `aws_lambda_function.fn` uses a statement whose actions lambdalint cannot read "
                            "(`var.actions` in `aws_iam_role_policy.fn` of `aws_iam_role.fn`); its permissions were not checked"]


_SHARED_ROLE = """\
resource "aws_iam_role" "shared" {
  name = "shared"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Action = "sts:AssumeRole", Effect = "Allow", Principal = { Service = "lambda.amazonaws.com" } }] })
}

resource "aws_iam_role_policy" "send" {
  role   = aws_iam_role.shared.id
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = ["sqs:SendMessage"], Resource = "arn:aws:sqs:eu-west-1:123456789012:q" }] })
}

module "a" {
  source   = "./fn"
  name     = "a"
  role_arn = aws_iam_role.shared.arn
}

module "b" {
  source   = "./fn"
  name     = "b"
  role_arn = aws_iam_role.shared.arn
}
"""
_FN = """\
variable "name" {}
variable "role_arn" {}

data "archive_file" "zip" {
  type        = "zip"
  source_dir  = "${path.module}/../src/${var.name}"
  output_path = "${path.module}/${var.name}.zip"
}

resource "aws_lambda_function" "f" {
  function_name                  = var.name
  role                           = var.role_arn
  handler                        = "app.handler"
  runtime                        = "python3.12"
  timeout                        = 10
  reserved_concurrent_executions = 1
  filename                       = data.archive_file.zip.output_path
}
"""
_SENDS = ('import boto3\n\nsqs = boto3.client("sqs")\n\n\ndef handler(event, context):\n'
          '    sqs.send_message(QueueUrl="https://sqs.eu-west-1.amazonaws.com/123456789012/q", MessageBody="x")\n')
_IDLE = "def handler(event, context):\n    return 1\n"


def test_a_role_shared_by_the_functions_of_two_module_instances_is_judged_by_all_their_calls(tmp_path: Path) -> None:
    """One root role named by two instances of a local module (judged on
    tunahankanpolat/health-tracking-iac): `b` makes no call, `a` sends, and the role was judged
    for each instance alone, calling `sqs:SendMessage` unused by `b`."""
    from conftest import write_tree

    write_tree(tmp_path, {"main.tf": _SHARED_ROLE, "fn/main.tf": _FN, "src/a/app.py": _SENDS, "src/b/app.py": _IDLE})
    assert codes_at(run_lint(tmp_path, select=("LL322",))) == []


def test_roles_of_the_same_lines_in_two_module_instances_are_two_roles(tmp_path: Path) -> None:
    """Each instance's own `aws_iam_role.r` (`module.a.` and `module.b.`): one role each, so the
    instance whose code never sends is still told its `sqs:SendMessage` is unused."""
    from conftest import write_tree

    own = _FN.replace("  role                           = var.role_arn\n",
                      "  role                           = aws_iam_role.r.arn\n") + """
resource "aws_iam_role" "r" {
  name = var.name
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Action = "sts:AssumeRole", Effect = "Allow", Principal = { Service = "lambda.amazonaws.com" } }] })
}

resource "aws_iam_role_policy" "send" {
  role   = aws_iam_role.r.id
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = ["sqs:SendMessage"], Resource = "arn:aws:sqs:eu-west-1:123456789012:q" }] })
}
"""
    root = 'module "a" {\n  source = "./fn"\n  name   = "a"\n}\n\nmodule "b" {\n  source = "./fn"\n  name   = "b"\n}\n'
    write_tree(tmp_path, {"main.tf": root, "fn/main.tf": own, "src/a/app.py": _SENDS, "src/b/app.py": _IDLE})
    result = run_lint(tmp_path, select=("LL322",))
    assert codes_at(result) == [("LL322", "fn/main.tf", 27)]
    assert "`module.b.aws_lambda_function.f`" in result.visible[0].message
