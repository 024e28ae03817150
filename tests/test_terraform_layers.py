"""A Terraform layer whose zip an `archive_file` makes from a folder of the project is local
content, as the function's own code is: a judged secret-rotation project ships psycopg2 that way,
and got told the layer had no local content and that psycopg2 "may come from" it, which also left
its unused permissions unchecked."""

from __future__ import annotations

from pathlib import Path

from conftest import run_lint, write_tree

from lambdalint.packages import function_layers

MAIN = """\
data "archive_file" "lambda_layer" {
  type        = "zip"
  source_dir  = "${path.module}/lambda_layer/"
  output_path = "${path.module}/lambda_layer.zip"
}

resource "aws_lambda_layer_version" "lambda_layer" {
  filename            = data.archive_file.lambda_layer.output_path
  layer_name          = "psycopg2"
  compatible_runtimes = ["python3.12"]
  source_code_hash    = data.archive_file.lambda_layer.output_base64sha256
}

data "archive_file" "rotator" {
  type        = "zip"
  source_dir  = "${path.module}/lambda_function"
  output_path = "${path.module}/lambda_function.zip"
}

resource "aws_iam_role" "rotator" {
  name = "secret-rotator"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Action = "sts:AssumeRole", Effect = "Allow", Principal = { Service = "lambda.amazonaws.com" } }]
  })
  inline_policy {
    name = "rotate"
    policy = jsonencode({
      Version   = "2012-10-17"
      Statement = [{ Effect = "Allow", Action = ["secretsmanager:GetSecretValue", "secretsmanager:PutSecretValue",
                                                 "secretsmanager:DescribeSecret"], Resource = "*" }]
    })
  }
}

resource "aws_lambda_function" "secret_rotator" {
  function_name                  = "secret-rotator"
  filename                       = data.archive_file.rotator.output_path
  role                           = aws_iam_role.rotator.arn
  handler                        = "handler.lambda_handler"
  runtime                        = "python3.12"
  timeout                        = 30
  reserved_concurrent_executions = 1
  layers                         = [aws_lambda_layer_version.lambda_layer.arn]
}
"""
HANDLER = """\
import boto3
import psycopg2

secrets = boto3.client("secretsmanager")


def lambda_handler(event, context):
    secret = secrets.get_secret_value(SecretId=event["SecretId"], VersionStage="AWSPENDING")
    with psycopg2.connect(secret["SecretString"]) as conn:
        conn.cursor().execute("SELECT 1")
"""


def write_project(root: Path, with_layer_folder: bool = True) -> Path:
    files = {"main.tf": MAIN, "lambda_function/handler.py": HANDLER}
    if with_layer_folder:
        site = "lambda_layer/python/lib/python3.12/site-packages/"
        files[site + "psycopg2/__init__.py"] = "def connect(dsn):\n    raise NotImplementedError\n"
        files[site + "psycopg2_binary-2.9.9.dist-info/RECORD"] = "psycopg2/__init__.py,,\n"
    return write_tree(root, files)


def test_the_layer_the_archive_makes_is_local_content(tmp_path: Path) -> None:
    result = run_lint(write_project(tmp_path), select=("LL322", "LL401"))
    [function] = result.project.functions
    [layer] = function_layers(function)
    assert layer.name == "aws_lambda_layer_version.lambda_layer"
    assert layer.source is not None and layer.source.path == tmp_path / "lambda_layer"
    notes = "\n".join(result.notes)
    assert "without local content" not in notes
    # psycopg2 is the layer's: every AWS call of the handler is known, so LL322 judges the role
    assert "could not all be determined" not in notes


def test_a_layer_folder_that_is_not_there_is_still_noted(tmp_path: Path) -> None:
    result = run_lint(write_project(tmp_path, with_layer_folder=False), select=("LL322", "LL401"))
    assert any("without local content" in note and "aws_lambda_layer_version.lambda_layer" in note
               for note in result.notes)
    assert any("`psycopg2` is not in the project and may come from layer" in note for note in result.notes)
