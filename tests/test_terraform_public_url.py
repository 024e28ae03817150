"""A public function URL in Terraform takes two statements since AWS's October 2025 change:
`lambda:InvokeFunctionUrl` and `lambda:InvokeFunction` with `invoked_via_function_url = true`.
The second opens nothing beyond the URL: it is reported with the URL, not as a second public grant
(cabalmail's alert sink, judged)."""

from __future__ import annotations

from pathlib import Path

from conftest import codes_at, run_lint, write_tree

MAIN = """\
resource "aws_iam_role" "alert_sink" {
  name = "alert-sink"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Action = "sts:AssumeRole", Effect = "Allow", Principal = { Service = "lambda.amazonaws.com" } }]
  })
}

resource "aws_lambda_function" "alert_sink" {
  function_name                  = "alert-sink"
  filename                       = "alert_sink.zip"
  role                           = aws_iam_role.alert_sink.arn
  handler                        = "function.handler"
  runtime                        = "python3.13"
  timeout                        = 10
  reserved_concurrent_executions = 2
}

resource "aws_lambda_function_url" "alert_sink" {
  function_name      = aws_lambda_function.alert_sink.function_name
  authorization_type = "NONE"
}

resource "aws_lambda_permission" "alert_sink_url" {
  action                 = "lambda:InvokeFunctionUrl"
  function_name          = aws_lambda_function.alert_sink.function_name
  principal              = "*"
  function_url_auth_type = "NONE"
}

resource "aws_lambda_permission" "alert_sink_url_invoke" {
  action                   = "lambda:InvokeFunction"
  function_name            = aws_lambda_function.alert_sink.function_name
  principal                = "*"
  INVOKED_VIA
}
"""


def test_the_url_invoke_statement_is_reported_with_the_url(tmp_path: Path) -> None:
    write_tree(tmp_path / "url", {"main.tf": MAIN.replace("INVOKED_VIA", "invoked_via_function_url = true")})
    assert codes_at(run_lint(tmp_path / "url", select=("LL304",))) == [("LL304", "main.tf", 21)]
    # without the condition, any principal may invoke the function directly: a grant of its own
    write_tree(tmp_path / "open", {"main.tf": MAIN.replace("INVOKED_VIA", "")})
    assert codes_at(run_lint(tmp_path / "open", select=("LL304",))) == [("LL304", "main.tf", 21), ("LL304", "main.tf", 34)]
