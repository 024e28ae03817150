"""The real `pre-commit try-repo` running this project's hook against a small SAM app in git.

pre-commit clones the hook repository at a commit and installs it into its own virtualenv with
pip, so the project is copied into a temporary git repository and committed first. Each run
installs a fresh environment (try-repo uses a throwaway store): about 20 s with a warm pip cache.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import PROJECT, write_tree
from lambdalint.registry import Registry

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

TEMPLATE = """\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Globals:
  Function:
    Timeout: 10
    ReservedConcurrentExecutions: 5
Resources:
  OrdersFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: orders/app.handler
      Runtime: python3.12
      Policies:
        - DynamoDBWritePolicy:
            TableName: orders
"""
HANDLER = """\
import json

import boto3

TABLE = boto3.resource("dynamodb").Table("orders")


def handler(event, context):
    TABLE.put_item(Item=json.loads(event["body"]))
    return {"statusCode": 201}
"""
GIT_ENV = {"GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "test@example.com",
           "GIT_COMMITTER_NAME": "Test", "GIT_COMMITTER_EMAIL": "test@example.com",
           "GIT_CONFIG_NOSYSTEM": "1"}


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True,
                   env={**os.environ, **GIT_ENV})


def _commit_all(repo: Path, message: str) -> None:
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "--no-verify", "-m", message)


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """This project as pre-commit sees a hook repository: committed, at HEAD."""
    repo = tmp_path_factory.mktemp("hook-repo")
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info", "*.pyc")
    for name in ("lambdalint", "rules"):
        shutil.copytree(PROJECT / name, repo / name, ignore=ignore)
    for name in ("pyproject.toml", "README.md", ".pre-commit-hooks.yaml"):
        shutil.copy(PROJECT / name, repo / name)
    _git(repo, "init", "-q")
    _commit_all(repo, "lambdalint")
    return repo


@pytest.fixture()
def app(tmp_path: Path) -> Path:
    repo = tmp_path / "orders-app"
    write_tree(repo, {"template.yaml": TEMPLATE, "src/orders/app.py": HANDLER,
                      "src/orders/__init__.py": "", "README.md": "# orders\n"})
    _git(repo, "init", "-q")
    _commit_all(repo, "a clean SAM app")
    return repo


def _try_repo(app: Path, hook_repo: Path) -> subprocess.CompletedProcess[str]:
    """`pre-commit try-repo` on the staged files, as a commit would run it."""
    env = {**os.environ, **GIT_ENV, "PRE_COMMIT_COLOR": "never",
           "PATH": os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])}
    env.pop("PRE_COMMIT", None)
    return subprocess.run([sys.executable, "-m", "pre_commit", "try-repo", str(hook_repo), "lambdalint"],
                          cwd=app, env=env, capture_output=True, text=True, timeout=600)


def test_bad_change_fails_with_the_finding(app: Path, hook_repo: Path) -> None:
    template = app / "template.yaml"
    template.write_text(TEMPLATE.replace("    Timeout: 10\n", ""), encoding="utf-8")
    _git(app, "add", "template.yaml")
    run = _try_repo(app, hook_repo)
    assert run.returncode == 1, run.stdout + run.stderr
    assert "lambdalint" in run.stdout and "Failed" in run.stdout
    assert "template.yaml:7:3: LL201 [warning] `OrdersFunction` sets no timeout" in run.stdout


def test_clean_change_passes(app: Path, hook_repo: Path) -> None:
    handler = app / "src" / "orders" / "app.py"
    handler.write_text(HANDLER.replace("def handler", "# Orders API.\ndef handler"), encoding="utf-8")
    _git(app, "add", "src/orders/app.py")
    run = _try_repo(app, hook_repo)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "Passed" in run.stdout


@pytest.mark.skipif(Registry.installed().get("LL101") is None,
                    reason="needs the handler-code rule LL101 (client-in-handler)")
def test_change_to_only_the_handler_reports_its_cross_file_finding(app: Path, hook_repo: Path) -> None:
    handler = app / "src" / "orders" / "app.py"
    text = HANDLER.replace('TABLE = boto3.resource("dynamodb").Table("orders")\n', "").replace(
        "    TABLE.put_item", '    table = boto3.resource("dynamodb").Table("orders")\n    table.put_item')
    handler.write_text(text, encoding="utf-8")
    line = text.splitlines().index('    table = boto3.resource("dynamodb").Table("orders")') + 1
    (app / "template.yaml").write_text(TEMPLATE.replace("    Timeout: 10\n", ""), encoding="utf-8")
    _git(app, "add", "src/orders/app.py")  # the template change stays unstaged: not this commit
    run = _try_repo(app, hook_repo)
    assert run.returncode == 1, run.stdout + run.stderr
    assert f"src/orders/app.py:{line}:" in run.stdout and "LL101" in run.stdout
    assert "LL201" not in run.stdout  # pre-commit stashed the unstaged template change


@pytest.mark.skipif(Registry.installed().get("LL109") is None,
                    reason="needs the code-meets-configuration rule LL109 (undefined-environment-variable)")
def test_template_only_change_that_breaks_a_handler_fails_with_the_handler_finding(
        app: Path, hook_repo: Path) -> None:
    """Committing only the template: the finding lands in the (unchanged) handler, and is shown
    because its related location is the template that was committed."""
    template = TEMPLATE + "      Environment:\n        Variables:\n          TABLE_NAME: orders\n"
    handler = HANDLER.replace('boto3.resource("dynamodb").Table("orders")',
                              'boto3.resource("dynamodb").Table(os.environ["TABLE_NAME"])').replace(
        "import json\n", "import json\nimport os\n")
    (app / "template.yaml").write_text(template, encoding="utf-8")
    (app / "src" / "orders" / "app.py").write_text(handler, encoding="utf-8")
    _commit_all(app, "the table name comes from the template")
    (app / "template.yaml").write_text(template.replace("          TABLE_NAME: orders\n", "          STAGE: prod\n"),
                                       encoding="utf-8")
    _git(app, "add", "template.yaml")
    run = _try_repo(app, hook_repo)
    assert run.returncode == 1, run.stdout + run.stderr
    line = handler.splitlines().index('TABLE = boto3.resource("dynamodb").Table(os.environ["TABLE_NAME"])') + 1
    assert f"src/orders/app.py:{line}:" in run.stdout and "LL109" in run.stdout, run.stdout
    assert "related: template.yaml:" in run.stdout


MAIN_TF = """\
resource "aws_lambda_function" "orders" {
  function_name = "orders"
  filename      = "orders.zip"
  handler       = "app.handler"
  runtime       = "python3.12"
  timeout       = 10
}
"""


def test_a_terraform_change_is_checked(tmp_path: Path, hook_repo: Path) -> None:
    repo = tmp_path / "infra"
    write_tree(repo, {"main.tf": MAIN_TF, "README.md": "# infra\n"})
    _git(repo, "init", "-q")
    _commit_all(repo, "a Terraform function")
    (repo / "main.tf").write_text(MAIN_TF.replace("  timeout       = 10\n", ""), encoding="utf-8")
    _git(repo, "add", "main.tf")
    run = _try_repo(repo, hook_repo)
    assert run.returncode == 1, run.stdout + run.stderr
    assert "main.tf:1:1: LL201 [warning] `aws_lambda_function.orders` sets no timeout" in run.stdout
