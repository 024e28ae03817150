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
