"""Recall on real project layouts (issue 11): what the loaders and the package resolution used to
skip silently. The fixture projects under tests/fixtures/projects/ carry the snapshots; these tests
pin the model and the findings behind them, with the traps that must stay silent."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from lambdalint.config import Config
from lambdalint.load import load_project
from lambdalint.model import Function, Project
from lambdalint.package_size import MB
from lambdalint.packages import package_analysis

from conftest import FIXTURES, codes_at, run_lint, write_tree

PROJECTS = FIXTURES / "projects"


def copy_project(name: str, tmp_path: Path) -> Path:
    root = tmp_path / name
    shutil.copytree(PROJECTS / name, root, symlinks=True)
    return root


def load(root: Path) -> Project:
    return load_project([root], Config(root=root), cwd=root)


def function(project: Project, name: str) -> Function:
    return next(f for f in project.functions if f.name == name)


# ------------------------------------------------------------------ SAM: CodeUri defaults to "."

DEFAULT_CODE_URI = PROJECTS / "sam-default-codeuri"


def test_a_sam_function_without_code_uri_is_linked_to_the_template_folder() -> None:
    project = load(DEFAULT_CODE_URI)
    create = function(project, "CreateOrderFunction")
    assert (create.code_location.value, create.code_location.origin) == (".", "default")
    assert create.code_location.span == create.span  # no line names it: the function's key
    assert create.code_dir == DEFAULT_CODE_URI
    assert create.handler_file == DEFAULT_CODE_URI / "orders" / "api.py"
    assert create.handler_function == "create_order"
    worker = function(project, "ProcessOrderFunction")
    assert worker.handler_file == DEFAULT_CODE_URI / "orders" / "worker.py"


@pytest.mark.parametrize("name", ["HealthFunction", "ThumbnailFunction"])
def test_inline_code_and_images_get_no_default_code_folder(name: str) -> None:
    found = function(load(DEFAULT_CODE_URI), name)
    assert found.code_location.value is None
    assert found.code_dir is None and found.handler_file is None


def test_globals_code_uri_still_wins_over_the_default(tmp_path: Path) -> None:
    write_tree(tmp_path, {"template.yaml": """\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Globals:
  Function:
    CodeUri: src/
    Runtime: python3.12
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
  Plain:
    Type: AWS::Lambda::Function
    Properties:
      Handler: app.handler
      Runtime: python3.12
""", "src/app.py": "def handler(event, context):\n    return event\n"})
    project = load(tmp_path)
    fn = function(project, "Fn")
    assert (fn.code_location.value, fn.code_location.origin) == ("src/", "globals")
    assert fn.code_dir == tmp_path / "src"
    plain = function(project, "Plain")  # CloudFormation has no default code location
    assert plain.code_location.value is None and plain.code_dir is None


def test_the_default_package_is_the_template_folder_as_sam_build_copies_it(tmp_path: Path) -> None:
    root = copy_project("sam-default-codeuri", tmp_path)
    # A developer virtualenv and the SAM CLI's dependency cache next to the template: big, and
    # never copied by `sam build`, so they must not count toward the package.
    for rel in ("venv/lib/python3.12/site-packages/torch/lib/libtorch.so.bin",
                ".aws-sam/deps/3f1c/torch/lib/libtorch.so.bin"):
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        with open(root / rel, "wb") as handle:
            handle.truncate(300 * MB)
    project = load(root)
    analysis = package_analysis(project)
    package = analysis.package(function(project, "CreateOrderFunction"))
    assert package.code is not None and package.code.path == root and package.default_code_uri
    assert package.code_span == function(project, "CreateOrderFunction").span
    names = {c.name for c in analysis.size(package.code).contributors}
    assert {"orders/", "tests/", "events/", "requirements.txt", "template.yaml"} <= names
    assert not names & {"venv/", ".aws-sam/"}
    # the explicit CodeUri of the report function is a package of its own
    report = analysis.package(function(project, "ReportFunction"))
    assert report.code is not None and report.code.path == root / "reports" and not report.default_code_uri
    result = run_lint(root, select=["LL4"])
    assert [f for f in result.visible if f.code in ("LL401", "LL402")] == []


def test_default_code_uri_findings() -> None:
    result = run_lint(DEFAULT_CODE_URI)
    found = codes_at(result)
    assert ("LL101", "orders/api.py", 10) in found  # code rules run on the handler
    assert ("LL109", "orders/api.py", 13) in found  # ORDERS_TOPIC_ARN is not set
    assert ("LL108", "template.yaml", 35) in found  # orders/worker.py defines `handle`, not `process`
    bloat = [f for f in result.visible if f.code == "LL404"]
    # one finding for the folder both functions share, at the first one's key, saying why
    folder = [f for f in bloat if f.span.path == "template.yaml"]
    assert [(f.span.line, f.function) for f in folder] == [(18, None)]
    assert "`CreateOrderFunction` and `ProcessOrderFunction` (no `CodeUri`" in folder[0].message
    assert "tests/" in folder[0].message and "venv" not in folder[0].message
    assert "Set `CodeUri`" in folder[0].hint
    assert sorted((f.span.path, f.span.line) for f in bloat if f.span.path != "template.yaml") == [
        ("requirements.txt", 3), ("requirements.txt", 4)]  # pytest and moto, not requests
    # traps: InlineCode, the image function and the resolving handler stay silent
    assert not [f for f in result.visible if f.function in ("HealthFunction", "ThumbnailFunction")]
    assert [f.span.line for f in result.visible if f.code == "LL108"] == [35]


def test_a_template_without_its_code_is_not_sized_or_reported(tmp_path: Path) -> None:
    shutil.copy(DEFAULT_CODE_URI / "template.yaml", tmp_path / "template.yaml")
    write_tree(tmp_path, {"requirements.txt": "pytest==8.3.3\n", "tests/test_x.py": "def test_x():\n    pass\n"})
    project = load(tmp_path)
    assert package_analysis(project).package(function(project, "CreateOrderFunction")).code is None
    assert [c for c, _, _ in codes_at(run_lint(tmp_path)) if c in ("LL108", "LL404")] == []


def test_a_non_python_default_code_uri_function_is_not_sized(tmp_path: Path) -> None:
    write_tree(tmp_path, {"template.yaml": """\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
      Runtime: nodejs20.x
""", "app.js": "exports.handler = async () => 1;\n", "tests/test_app.py": "def test_x():\n    pass\n"})
    project = load(tmp_path)
    assert package_analysis(project).package(function(project, "Fn")).code is None


def test_sam_build_output_wins_over_the_default_folder(tmp_path: Path) -> None:
    root = copy_project("sam-default-codeuri", tmp_path)
    write_tree(root, {".aws-sam/build/CreateOrderFunction/orders/api.py": "def create_order(e, c):\n    pass\n"})
    project = load(root)
    package = package_analysis(project).package(function(project, "CreateOrderFunction"))
    assert package.code is not None and package.code.kind == "build"
    assert package.code.path == root / ".aws-sam" / "build" / "CreateOrderFunction"
