"""A `.tf` file that does not parse is an LL001 at its first error, saying what is wrong there:
tree-sitter's recovery may wrap a whole block in one error that starts at its header, while what
it could not place (a Terraform 0.11 comma, a word where `=` belongs) is lines further on."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import run_lint, write_tree

HCL1_POLICY = '''\
data "aws_iam_policy_document" "default" {
  statement {
    actions = [
      "kinesis:DescribeStream",
      "kinesis:GetRecords"
    ],
    resources = [
      "${aws_kinesis_stream.default.arn}"
    ]
  },
  statement {
    actions = [
      "es:*"
    ]
  }
}
'''

FUNCTION = '''\
resource "aws_lambda_function" "indexer" {
  function_name = "indexer"
  handler       = "app.handler"
  runtime       = "python3.12"
  role          = "arn:aws:iam::123456789012:role/indexer"
  filename      = "indexer.zip"
}
'''

COMMA = ("unexpected `,`; Terraform 0.12 and later end an argument or a block with a new line, not a comma "
         "(Terraform 0.11 syntax: `terraform 0.12upgrade` rewrites it)")


@pytest.mark.parametrize(("text", "where", "detail"), [
    pytest.param(HCL1_POLICY, (6, 6), COMMA, id="Terraform 0.11 commas"),
    pytest.param('resource "aws_sqs_queue" "jobs" {\n  name = "jobs",\n  delay_seconds = 0\n}\n', (2, 16), COMMA,
                 id="a comma after an argument"),
    pytest.param('resource "aws_sqs_queue" "jobs" {\n  name = "jobs"\n},\n', (3, 2), COMMA, id="a comma after a block"),
    pytest.param('resource "aws_sqs_queue" "jobs" {\n  name = "jobs"\n  visibility_timeout_seconds 60\n}\n', (3, 30),
                 "unexpected `60`", id="a word where `=` belongs"),
    pytest.param('locals {\n  a = 1\n}\n}\n', (4, 1), "unexpected `}`", id="a stray closing brace"),
    pytest.param('variable "timeout_seconds" { type = number; default = 30 }\n', (1, 43), "unexpected `;`",
                 id="a semicolon between arguments"),
    pytest.param('variable "limits" {\n  type = object({ memory = number; timeout = number })\n}\n', (2, 34),
                 "unexpected `;`", id="a semicolon in a type, not the `=` the construct began with"),
    pytest.param('resource "aws_sqs_queue" "jobs" {\n  name = "jobs\n}\n', (4, 1), 'missing a closing `"`',
                 id="a string never closed"),
    pytest.param('resource "aws_sqs_queue" "jobs" {\n  name = "jobs"\n', (3, 1), "missing `}`", id="a block never closed"),
])
def test_a_syntax_error_is_reported_where_it_is_with_what_is_wrong(
        tmp_path: Path, text: str, where: tuple[int, int], detail: str) -> None:
    write_tree(tmp_path, {"iam.tf": text, "lambda.tf": FUNCTION})
    result = run_lint(tmp_path, select=("LL001", "LL201"))
    found = [(f.code, f.span.path, f.span.line, f.span.column, f.message) for f in result.findings]
    assert ("LL001", "iam.tf", *where, f"HCL syntax error: {detail}") in found
    # the file that parses is still read: its function has no timeout
    assert ("LL201", "lambda.tf", 1) in [(code, path, line) for code, path, line, _, _ in found]
    assert len([f for f in found if f[0] == "LL001"]) == 1
