"""A Terraform file's parse tree is let go once what the run builds from it is built
(`HclFile.release`): what is read afterwards reads the same, and a root folder's trees go before
the next folder is parsed, so a run's memory does not grow by every file's tree."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

from conftest import FIXTURES, located_tree, run_lint, write_tree
from lambdalint.config import Config
from lambdalint.load import load_project
from lambdalint.loaders import hcl
from lambdalint.loaders.hcl import Block, Scope
from lambdalint.loaders.terraform import TerraformFiles
from lambdalint.located import Located

TERRAFORM_FILES = sorted(p for p in (FIXTURES / "projects").glob("terraform-*/**/*.tf"))

# the constructs whose nodes a released file must find again: nested and dynamic blocks, a
# heredoc policy, a for expression, templates, conditionals, a function call
FUNCTION_TF = '''\
locals {
  name    = "orders-${var.stage}"
  tables  = { for t in ["orders", "audit"] : t => "arn:aws:dynamodb:*:*:table/${t}" }
}

variable "stage" {
  default   = "prod"
  sensitive = true
}

resource "aws_lambda_function" "orders" {
  function_name = local.name
  handler       = "app.handler"
  runtime       = "python3.12"
  timeout       = var.stage == "prod" ? 30 : 3
  memory_size   = -1 * -512
  environment {
    variables = {
      TABLE = local.tables["orders"]
      STAGE = upper(var.stage)
    }
  }
  dynamic "vpc_config" {
    for_each = var.stage == "prod" ? [1] : []
    content {
      subnet_ids = ["subnet-1", "subnet-2"]
    }
  }
}

resource "aws_iam_role_policy" "orders" {
  role   = aws_iam_role.orders.id
  policy = <<-EOF
    {"Version": "2012-10-17",
     "Statement": [{"Effect": "Allow", "Action": "dynamodb:PutItem", "Resource": "*"}]}
  EOF
}
'''


def _dump(block: Block, scope: Scope) -> Any:
    """Everything a reader can get from a block: its header, each attribute's key and value, and
    its nested blocks, read in source order."""
    return (block.type, block.labels, block.span,
            {name: (a.key_span, located_tree(a.evaluate(scope))) for name, a in block.attributes.items()},
            [_dump(child, scope) for child in block.blocks])


def _scope(path: Path) -> Scope:
    return Scope(path.parent, variables={"stage": Located("prod", None)})  # type: ignore[arg-type]


@pytest.mark.parametrize("path", TERRAFORM_FILES, ids=lambda p: str(p.relative_to(FIXTURES / "projects")))
def test_a_released_file_reads_as_it_did(path: Path) -> None:
    text = path.read_text()
    kept = hcl.parse(path, path.name, text)
    released = hcl.parse(path, path.name, text)
    released.release()
    assert _dump(released.body, _scope(path)) == _dump(kept.body, _scope(path))


def test_what_was_read_before_and_what_is_read_after_release_agree(tmp_path: Path) -> None:
    path = tmp_path / "main.tf"
    kept = hcl.parse(path, "main.tf", FUNCTION_TF)
    released = hcl.parse(path, "main.tf", FUNCTION_TF)
    function = next(b for b in released.body.blocks if b.labels == ["aws_lambda_function", "orders"])
    function.attributes["timeout"].evaluate(_scope(path))  # read one body, not the others
    released.release()
    assert _dump(released.body, _scope(path)) == _dump(kept.body, _scope(path))
    scope = _scope(path)
    scope.locals.update(next(b for b in released.body.blocks if b.type == "locals").attributes)
    values = {name: a.evaluate(scope).value for name, a in function.attributes.items()}
    assert values["timeout"] == 30 and values["memory_size"] == 512 and values["function_name"] == "orders-prod"
    table = function.child("environment").attributes["variables"].evaluate(scope).value["TABLE"]
    assert table.value == "arn:aws:dynamodb:*:*:table/orders"
    vpc = function.children("dynamic")[0]
    assert vpc.labels == ["vpc_config"] and vpc.child("content").attributes["subnet_ids"].evaluate(
        scope).value[1].value == "subnet-2"


def test_an_unread_body_is_still_judged_by_its_text_after_release(tmp_path: Path) -> None:
    hcl_file = hcl.parse(tmp_path / "main.tf", "main.tf", FUNCTION_TF)
    hcl_file.release()
    function = next(b for b in hcl_file.body.blocks if b.labels == ["aws_lambda_function", "orders"])
    assert not function.may_set("reserved_concurrent_executions")  # its text never names it
    assert function.may_set("timeout")


def test_release_lets_the_tree_go(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    trees: list[object] = []
    parser = hcl._parser()

    class Recording:
        def parse(self, data: bytes) -> object:
            tree = parser.parse(data)
            trees.append(tree)
            return tree

    monkeypatch.setattr(hcl, "_parser", lambda: Recording())
    hcl_file = hcl.parse(tmp_path / "main.tf", "main.tf", FUNCTION_TF)
    _dump(hcl_file.body, _scope(tmp_path / "main.tf"))  # every body read: nodes held everywhere
    tree = trees[0]
    assert sys.getrefcount(tree) > 3  # the list, the argument and the nodes the blocks hold
    hcl_file.release()
    assert sys.getrefcount(tree) == 3  # the list and the argument only: the blocks hold no node
    assert len(trees) == 1  # and nothing was parsed again


def test_named_folders_are_every_local_path_a_string_names(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "app/main.tf": 'module "api" {\n  source = "../modules/api"\n}\n'
                       'data "archive_file" "zip" {\n  source_dir = "./src"\n}\n',
        "app/extra.tf.json": '{"module": {"jobs": {"source": "./jobs"}}}\n',
        "app/escaped.tf": 'module "odd" {\n  source = "./we\\"ird"\n}\n',
        "app/remote.tf": 'module "vpc" {\n  source = "terraform-aws-modules/vpc/aws"\n}\n',
    })
    files = TerraformFiles(lambda p: p.read_text(), lambda p: p.name)
    named = files.named_folders(sorted((tmp_path / "app").glob("*")))
    assert named == {tmp_path / "modules" / "api", tmp_path / "app" / "src", tmp_path / "app" / "jobs",
                     tmp_path / "app" / 'we"ird'}


def test_a_root_folder_lets_its_trees_go_and_a_called_one_keeps_them_for_its_callers(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "a/main.tf": 'module "fn" {\n  source = "../modules/fn"\n  timeout = 10\n}\n',
        "b/main.tf": 'module "fn" {\n  source = "../modules/fn"\n}\n',
        "modules/fn/main.tf": 'variable "timeout" {\n  default = 3\n}\n'
                              'resource "aws_lambda_function" "this" {\n  function_name = "fn"\n'
                              '  handler = "app.handler"\n  runtime = "python3.12"\n  role = "arn:aws:iam::1:role/r"\n'
                              '  filename = "fn.zip"\n  timeout = var.timeout\n}\n',
    })
    project = load_project([tmp_path], Config(root=tmp_path), cwd=tmp_path)
    timeouts = sorted((f.name, f.timeout.value) for f in project.functions)
    # `b` is built after `a` let its trees go: the module's file, which both call, was kept for it
    assert timeouts == [("module.fn.aws_lambda_function.this", 3), ("module.fn.aws_lambda_function.this", 10)]
    by_file = {t.source.display: t for t in project.templates}
    for root in ("a/main.tf", "b/main.tf"):
        assert by_file[root].module.files[0].body.blocks[0]._body is None  # read, and its nodes let go
        assert by_file[root].module.files[0].body.blocks[0].attributes["source"]._node is None


def test_a_folder_a_string_names_but_no_module_calls_is_still_built(tmp_path: Path) -> None:
    # `source_dir = "../lambda"` names a folder that holds Terraform of its own: it waits until
    # every folder is read, then, called by no module, is built on its own
    write_tree(tmp_path, {
        "infra/main.tf": 'data "archive_file" "zip" {\n  type = "zip"\n  source_dir = "../lambda"\n'
                         '  output_path = "fn.zip"\n}\n',
        "lambda/main.tf": 'resource "aws_lambda_function" "worker" {\n  function_name = "worker"\n'
                          '  handler = "app.handler"\n  runtime = "python3.12"\n  role = "arn:aws:iam::1:role/r"\n'
                          '  filename = "fn.zip"\n}\n',
        "lambda/app.py": "def handler(event, context):\n    return event\n",
    })
    result = run_lint(tmp_path, select=("LL201",))
    assert [(f.code, f.span.path, f.span.line) for f in result.findings] == [("LL201", "lambda/main.tf", 1)]
    assert result.functions == 1
