"""LL311/LL312 on the values peers get wrong: 40- and 48-character values that are not secrets.

checkov flags any 40-character value as a possible AWS secret key; these are the shapes real
templates carry at that length (handler strings, git SHAs, KMS key ARNs, CA bundle paths, SSM
parameter names). None may fire, and a real secret of the same length under a secret name must.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import SHARED, requires_shared, run_lint, write_tree

REGRESSIONS = {
    # name: value (lengths pinned below, so an edit cannot quietly move them off 40/48)
    "HANDLER_PATH": "src.handlers.orders.create_order_handler",
    "GIT_SHA": "9fceb02d0ae598e95dc970b74767f19372d61af8",
    "BUILD_COMMIT": "0a4d55a8d778e5022fab701977c5d840bbc486d0",
    "KMS_KEY": "arn:aws:kms:eu-west-1:123456789012:key/1",
    "CA_BUNDLE": "/opt/python/certifi/cacert-bundle-v2.pem",
    "SSM_PARAMETER": "/orders/production/stripe/api-key-name01",
    "LONG_HANDLER": "src.api.handlers.customerorders.handlev2",
    "CHECKSUM_SHA": "0a4d55a8d778e5022fab701977c5d840bbc486d0c4e7a1f2",
    "KMS_KEY_ALIAS_ARN": "arn:aws:kms:eu-west-1:123456789012:alias/orders1",
    "SSL_CERT_FILE": "/var/task/certs/rds-ca-rsa2048-g1-bundle-eu1.pem",
    "DB_PASSWORD_PARAM": "/orders/production/database/master-password-0001",
    "TOKEN_SECRET_ARN": "arn:aws:secretsmanager:eu-west-1:123456:secret:t",
}


def template(variables: dict[str, str]) -> str:
    lines = "\n".join(f"          {k}: \"{v}\"" for k, v in variables.items())
    return f"""\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  OrdersFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: src.handlers.orders.create_order_handler
      Runtime: python3.12
      Environment:
        Variables:
{lines}
"""


def test_regression_values_are_40_or_48_characters() -> None:
    lengths = [len(v) for v in REGRESSIONS.values()]
    assert set(lengths) == {40, 48} and lengths.count(48) >= 4


def test_peers_false_positives_do_not_fire(tmp_path: Path) -> None:
    write_tree(tmp_path, {"template.yaml": template(REGRESSIONS)})
    result = run_lint(tmp_path, select=["LL311", "LL312"])
    assert [f.message for f in result.visible] == []


@pytest.mark.parametrize(("name", "value"), [
    ("AWS_SECRET_KEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzz7kX2pQ3v"),  # 40 chars, mixed case
    ("SIGNING_SECRET", "3f1c9e7a2b8d4f6a0c5e9b1d7f3a8c2e6b4d0f9a"),  # 40 hex under a secret name
    ("API_TOKEN", "Zq3Xv9Lk2Pw7Rt4Mn8Bc6Hd1Jf5Gs0UeZq3Xv9Lk2Pw7Rt4M"),  # 48 chars
])
def test_same_lengths_fire_under_secret_names(name: str, value: str, tmp_path: Path) -> None:
    write_tree(tmp_path, {"template.yaml": template({name: value, **REGRESSIONS})})
    result = run_lint(tmp_path, select=["LL311"])
    assert [(f.code, f.span.line) for f in result.visible] == [("LL311", 12)]
    assert value not in result.visible[0].message  # a finding must not repeat the secret


@requires_shared
def test_corpus_has_no_literal_secret_findings() -> None:
    """Every LL311 candidate in the public corpus was a placeholder (bench/README.md); keep it so."""
    result = run_lint(SHARED / "corpus", select=["LL311"])
    assert [(f.span.path, f.span.line) for f in result.visible] == []


def test_ll312_reads_every_dynamic_reference_inside_sub() -> None:
    root = Path(__file__).resolve().parent / "fixtures" / "projects" / "secrets-resolved-in-sub"
    result = run_lint(root, select=("LL311", "LL312"))
    found = {(f.code, f.message.split("`")[1]) for f in result.visible}
    # DATABASE_URL resolves the (public) user name first and the password after it; the long
    # form with and without a variable map; the public fields, plain SSM and the ARN stay silent,
    # and LL311 does not take the reference inside the URL for a literal password.
    assert found == {("LL312", "DATABASE_URL"), ("LL312", "PARTNER_TOKEN"), ("LL312", "WEBHOOK_SECRET")}


def test_ll312_reads_a_secret_a_terraform_caller_passes_into_its_module(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "main.tf": """\
resource "aws_ssm_parameter" "db_password" {
  name  = "/orders/db-password"
  type  = "SecureString"
  value = "change-me"
}

resource "aws_ssm_parameter" "db_host" {
  name  = "/orders/db-host"
  type  = "String"
  value = "db.internal"
}

module "worker" {
  source      = "./modules/fn"
  db_password = aws_ssm_parameter.db_password.value
  db_host     = aws_ssm_parameter.db_host.value
}
""",
        "modules/fn/main.tf": """\
variable "db_password" {
  type      = string
  sensitive = true
}

variable "db_host" {
  type = string
}

resource "aws_lambda_function" "worker" {
  function_name = "worker"
  role          = "arn:aws:iam::123456789012:role/worker"
  filename      = "worker.zip"
  handler       = "app.handler"
  runtime       = "python3.12"
  environment {
    variables = {
      DB_PASSWORD = var.db_password
      DB_HOST     = var.db_host
      DB_URL      = "postgres://worker:${var.db_password}@db/orders"
    }
  }
}
""",
    })
    result = run_lint(tmp_path, select=("LL312",))
    # the decrypted SecureString, alone and inside a template; the plain String host is no secret
    assert [(f.span.path, f.span.line, f.message.split("`")[1]) for f in result.findings] == [
        ("modules/fn/main.tf", 18, "DB_PASSWORD"), ("modules/fn/main.tf", 20, "DB_URL")]
