"""A Terraform run does each piece of work once: every file is parsed once however many module
calls use it, and a folder another folder calls is built only through those calls."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from conftest import FIXTURES, codes_at, run_lint, write_tree
from lambdalint.config import Config
from lambdalint.load import load_project
from lambdalint.loaders import terraform
from lambdalint.model import Project

LOCAL_MODULE = FIXTURES / "projects" / "terraform-local-module"


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """How often each file (by display path) went through the HCL parser."""
    counted: Counter[str] = Counter()
    parse = terraform.parse

    def counting(path: Path, display: str, text: str) -> object:
        counted[display] += 1
        return parse(path, display, text)

    monkeypatch.setattr(terraform, "parse", counting)
    return counted


@pytest.fixture
def built(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The address of every `aws_lambda_function` the loader built, kept or not."""
    names: list[str] = []
    build = terraform.build_function

    def recording(name: str, *args: object, **kwargs: object) -> object:
        names.append(name)
        return build(name, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(terraform, "build_function", recording)
    return names


def load(root: Path, paths: list[Path] | None = None, overlay: dict[Path, str] | None = None) -> Project:
    return load_project(paths or [root], Config(root=root), cwd=root, overlay=overlay)


def test_a_module_called_twice_is_parsed_once_and_evaluated_per_call(parses: Counter[str]) -> None:
    project = load(LOCAL_MODULE)
    # main.tf calls ./modules/fn twice; the folder is also found on its own
    assert parses == {"main.tf": 1, "modules/fn/main.tf": 1}
    timeouts = {f.name: f.timeout.value for f in project.functions}
    # one parse, two scopes: each call's inputs reach its own function only
    assert timeouts == {"module.orders.aws_lambda_function.this": 10, "module.reports.aws_lambda_function.this": 3}


def test_a_called_folder_is_built_only_through_its_calls(built: list[str]) -> None:
    project = load(LOCAL_MODULE)
    expected = ["module.orders.aws_lambda_function.this", "module.reports.aws_lambda_function.this"]
    assert sorted(built) == expected  # never `aws_lambda_function.this`, built on its own and dropped
    assert sorted(Counter(f.name for f in project.functions).elements()) == expected


def test_a_folder_nobody_calls_is_built_on_its_own_once(tmp_path: Path, parses: Counter[str], built: list[str]) -> None:
    # checking the module file alone (an editor, pre-commit): nothing in the run calls its folder
    project = load(LOCAL_MODULE, [LOCAL_MODULE / "modules" / "fn" / "main.tf"])
    assert built == ["aws_lambda_function.this"] and [f.name for f in project.functions] == built
    assert parses == {"modules/fn/main.tf": 1}


def test_nested_calls_with_a_broken_file_report_it_once(tmp_path: Path, parses: Counter[str], built: list[str]) -> None:
    write_tree(tmp_path, {
        "main.tf": 'module "x" {\n  source = "./modules/a"\n  memory = 256\n}\n'
                   'module "y" {\n  source = "./modules/a"\n}\n',
        "modules/a/main.tf": 'variable "memory" {\n  default = 128\n}\n'
                             'module "b" {\n  source = "../b"\n  memory = var.memory\n}\n',
        "modules/b/main.tf": 'variable "memory" {}\n'
                             'resource "aws_lambda_function" "f" {\n  memory_size = var.memory\n}\n',
        "modules/b/broken.tf": 'resource "aws_sqs_queue" "q" {\n  name = \n',
    })
    result = run_lint(tmp_path, select=["LL001"])
    assert [(code, path) for code, path, _ in codes_at(result)] == [("LL001", "modules/b/broken.tf")]
    assert set(parses.values()) == {1} and len(parses) == 4
    memory = {f.name: f.memory.value for f in result.project.functions}  # type: ignore[union-attr]
    assert memory == {"module.x.module.b.aws_lambda_function.f": 256, "module.y.module.b.aws_lambda_function.f": 128}
    assert sorted(built) == sorted(memory)


def test_a_module_cycle_stops_at_the_depth_limit_with_one_parse_per_file(tmp_path: Path, parses: Counter[str],
                                                                           built: list[str]) -> None:
    write_tree(tmp_path, {
        "main.tf": 'module "a" {\n  source = "./modules/a"\n}\n',
        "modules/a/main.tf": 'module "b" {\n  source = "../b"\n}\nresource "aws_lambda_function" "f" {}\n',
        "modules/b/main.tf": 'module "a" {\n  source = "../a"\n}\nresource "aws_lambda_function" "g" {}\n',
    })
    names = [f.name for f in load(tmp_path).functions]
    assert names == ["module.a.aws_lambda_function.f", "module.a.module.b.aws_lambda_function.g",
                     "module.a.module.b.module.a.aws_lambda_function.f",
                     "module.a.module.b.module.a.module.b.aws_lambda_function.g",
                     "module.a.module.b.module.a.module.b.module.a.aws_lambda_function.f"]
    assert built == names and set(parses.values()) == {1} and len(parses) == 3


def test_an_editor_buffer_of_a_called_module_is_what_every_call_reads(parses: Counter[str]) -> None:
    module = LOCAL_MODULE / "modules" / "fn" / "main.tf"
    buffer = module.read_text(encoding="utf-8").replace("default = 3", "default = 7")
    project = load(LOCAL_MODULE, overlay={module: buffer})
    timeouts = {f.name: f.timeout.value for f in project.functions}
    assert timeouts == {"module.orders.aws_lambda_function.this": 10, "module.reports.aws_lambda_function.this": 7}
    assert parses["modules/fn/main.tf"] == 1
    assert project.sources["modules/fn/main.tf"].text == buffer
