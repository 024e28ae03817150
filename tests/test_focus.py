"""Checking a few files within their project: pre-commit's changed files and editor buffers."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import FIXTURES, TODAY, run_lint, write_tree
from lambdalint.api import lint
from lambdalint.config import Config
from lambdalint.findings import Related
from lambdalint.located import Span
from lambdalint.focus import project_root, project_roots
from lambdalint.registry import Registry
from lambdalint.rule import Context, Rule

PROJECT = FIXTURES / "projects" / "every-family"
SUBFOLDER_TEMPLATE = """\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Globals:
  Function:
    Timeout: 10
    ReservedConcurrentExecutions: 2
Resources:
  OrdersFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/orders/
      Handler: app.process
      Runtime: python3.12
"""


def _handler_side(ctx: Context):
    """A stand-in for the handler-code rules: one finding per handler file, pointing back at the
    template line that names it, so the cross-file path is tested before those rules exist."""
    for function in ctx.project.functions:
        if function.handler_file is not None and function.handler_file.exists():
            yield ctx.finding(Span.point(ctx.project.display(function.handler_file), 1),
                              f"`{function.name}` handler", "",
                              related=[Related("handler configured here", function.handler.span)])


HANDLER_RULE = Rule("LL199", "test-handler-side", "warning", "test only", _handler_side, docs="")


@pytest.fixture()
def app(tmp_path: Path) -> Path:
    return Path(shutil.copytree(PROJECT, tmp_path / "app"))


def _lint_focus(root: Path, files: list[str], **kwargs: object):
    registry = Registry(Registry.installed().rules + (HANDLER_RULE,))
    # Template rules and the stand-in only: the handler-code rules have their own tests.
    config = Config(select=("LL0", "LL2", "LL199"), root=root)
    return lint(focus=[root / f for f in files], config=config, cwd=root,
                today=TODAY, registry=registry, **kwargs)  # type: ignore[arg-type]


def test_project_root_is_the_nearest_folder_with_a_template(app: Path) -> None:
    assert project_root(app / "src" / "orders" / "create.py") == app
    assert project_root(app / "template.yaml") == app
    (app / "src" / "pyproject.toml").write_text("[tool.black]\n", encoding="utf-8")
    assert project_root(app / "src" / "orders" / "create.py") == app  # not a lambdalint config
    (app / "src" / "lambdalint.toml").write_text("", encoding="utf-8")
    assert project_root(app / "src" / "orders" / "create.py") == app / "src"
    assert project_roots([app / "src" / "orders" / "create.py", app / "template.yaml"]) == [app]


def test_lonely_file_is_its_own_project(tmp_path: Path) -> None:
    lonely = tmp_path / "nowhere" / "script.py"
    lonely.parent.mkdir()
    lonely.write_text("print(1)\n", encoding="utf-8")
    assert project_root(lonely) == lonely


def test_changed_handler_still_gets_its_cross_file_finding(app: Path) -> None:
    result = _lint_focus(app, ["src/orders/create.py"])
    assert [(f.code, f.span.path) for f in result.visible] == [("LL199", "src/orders/create.py")]
    assert result.visible[0].related[0].span.path == "template.yaml"
    assert result.files == 1


def test_changed_template_reports_its_findings_and_those_that_point_at_it(app: Path) -> None:
    result = _lint_focus(app, ["template.yaml"])
    assert {"LL201", "LL205"} <= {f.code for f in result.visible}
    elsewhere = [f for f in result.findings if f.span.path != "template.yaml"]
    # handler findings caused by the template: their related location is the committed file
    assert elsewhere and all(f.code == "LL199" for f in elsewhere)
    assert all(any(r.span.path == "template.yaml" for r in f.related) for f in elsewhere)
    assert "broken.yaml" not in {f.span.path for f in result.findings}


def test_folder_inside_a_project_is_checked_with_its_template(app: Path) -> None:
    result = _lint_focus(app, ["src/orders"])
    paths = {f.span.path for f in result.visible}
    assert paths and all(p.startswith("src/orders/") for p in paths)  # not the template's own
    assert {f.code for f in result.visible} == {"LL199"} and result.functions >= 1
    out = _cli(["--format", "json", "--select", "LL108,LL1"], app / "src" / "orders")
    assert out.returncode in (0, 1), out.stderr
    assert json.loads(out.stdout)["summary"]["functions"] >= 1


def test_subfolder_run_finds_the_template_above(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "template.yaml": SUBFOLDER_TEMPLATE,
        # `process` is a handler only because the template says so
        "src/orders/app.py": "import boto3\n\n\ndef process(event, context):\n    return boto3.client('s3')\n",
        "src/other/app.py": "import boto3\n\n\ndef process(event, context):\n    return boto3.client('s3')\n",
    })
    out = _cli(["--format", "json"], tmp_path / "src" / "orders")
    report = json.loads(out.stdout)
    assert [(f["code"], f["path"], f["line"]) for f in report["findings"]] == [("LL101", "app.py", 5)]
    assert report["summary"]["functions"] == 1
    assert out.returncode == 1
    # the same folder checked on its own, outside any project, knows no handler there
    alone = tmp_path / "alone"
    shutil.copytree(tmp_path / "src" / "orders", alone)
    assert json.loads(_cli(["--format", "json"], alone).stdout)["findings"] == []


def test_overlay_buffer_replaces_the_file_on_disk(app: Path) -> None:
    template = app / "template.yaml"
    fixed = template.read_text(encoding="utf-8").replace("          AWS_REGION: eu-west-1\n", "")
    result = _lint_focus(app, ["template.yaml"], overlay={template: fixed})
    assert "LL205" not in {f.code for f in result.visible}
    assert "LL205" in {f.code for f in _lint_focus(app, ["template.yaml"]).visible}


def _cli(args: list[str], cwd: Path, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "lambdalint", "check", *args], cwd=cwd, input=stdin,
                          capture_output=True, text=True, timeout=60)


def test_cli_stdin_filename_lints_the_buffer_in_its_project(app: Path) -> None:
    text = (app / "template.yaml").read_text(encoding="utf-8")
    out = _cli(["--stdin-filename", "template.yaml", "--format", "json"], app, stdin=text)
    assert out.returncode == 1, out.stderr
    assert "LL205" in out.stdout and "broken.yaml" not in out.stdout
    fixed = text.replace("          AWS_REGION: eu-west-1\n", "")
    out = _cli(["--stdin-filename", "template.yaml", "--format", "json"], app, stdin=fixed)
    assert "LL205" not in out.stdout and "LL201" in out.stdout


def test_cli_stdin_filename_for_a_file_not_yet_saved(app: Path) -> None:
    new = "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Fn:\n    Type: [AWS::Lambda::Function\n"
    out = _cli(["--stdin-filename", "stacks/new.yaml"], app, stdin=new)
    assert out.returncode == 1
    assert out.stdout.startswith("stacks/new.yaml:") and "LL001" in out.stdout
    assert "template.yaml" not in out.stdout


def test_cli_with_file_arguments_reports_only_those_files(app: Path) -> None:
    out = _cli(["src/orders/list.py"], app)  # a clean handler of a template with findings
    assert out.returncode == 0, out.stdout + out.stderr
    out = _cli(["broken.yaml"], app)
    assert out.returncode == 1 and "LL001" in out.stdout and "template.yaml" not in out.stdout
    out = _cli(["."], app)
    assert "broken.yaml" in out.stdout and "template.yaml" in out.stdout


def test_run_lint_without_focus_is_unchanged(app: Path) -> None:
    paths = {f.span.path for f in run_lint(app, select=("LL0", "LL2")).visible}
    assert paths == {"broken.yaml", "template.yaml"}


PROJECTS = sorted(p for p in (FIXTURES / "projects").iterdir() if p.is_dir())


@pytest.mark.parametrize("project", PROJECTS, ids=[p.name for p in PROJECTS])
def test_focus_on_each_file_equals_the_full_run_filtered(project: Path) -> None:
    """Focus mode runs only rules that can report in the focused files (`Rule.reports_in`, and the
    code rules, which cross handler and template); that must never change what is reported for a
    file: its findings and those that point at it."""
    config = Config(select=("ALL",), root=project)
    full = lint([project], config, cwd=project, today=TODAY)
    # every file the full run read (a file it skips, such as a CDK asset copy, is out of scope)
    files = sorted(set(full.project.sources) | {f.span.path for f in full.findings})
    skipped = 0
    for name in files:
        focused = lint(focus=[project / name], config=config, cwd=project, today=TODAY)
        expected = [(f.code, f.span, f.message) for f in full.findings
                    if name in (f.span.path, *(r.span.path for r in f.related if not r.context))]
        assert [(f.code, f.span, f.message) for f in focused.findings] == expected, name
        skipped += name.endswith(".py")
    assert skipped or not any(f.code.startswith("LL1") for f in full.findings)



def test_template_only_change_shows_the_handler_findings_it_causes() -> None:
    """LL205's code side, LL209 and LL109 are located in handler code but caused by the template:
    checking only the template shows them, through their related location."""
    project = FIXTURES / "projects" / "code-meets-config"
    config = Config(select=("ALL",), root=project)
    focused = lint(focus=[project / "template.yaml"], config=config, cwd=project, today=TODAY)
    assert {(f.code, f.span.path) for f in focused.visible} >= {
        ("LL205", "src/imaging/store.py"), ("LL209", "src/ingest.py"), ("LL109", "src/resize.py")}
    # ... but not what the handler code does on its own (LL101-LL107 point back at the template
    # only for context): a template commit does not fail on handler code it did not touch.
    example = Path(__file__).parent.parent / "examples" / "orders-app"
    config = Config(select=("ALL",), root=example)
    full = lint([example], config=config, cwd=example, today=TODAY)
    own = {(f.code, f.span.path) for f in full.visible if f.code in {"LL101", "LL102", "LL103", "LL104", "LL107"}}
    assert own, "the example must hold handler findings of their own for this check to mean anything"
    template_only = lint(focus=[example / "template.yaml"], config=config, cwd=example, today=TODAY)
    assert template_only.visible and not own & {(f.code, f.span.path) for f in template_only.visible}
    # and a handler alone does not bring in another handler's findings
    alone = lint(focus=[project / "src" / "resize.py"], config=config, cwd=project, today=TODAY)
    assert {(f.code, f.span.path) for f in alone.visible} == {("LL109", "src/resize.py")}


def test_a_focused_folder_holds_what_is_under_it_and_not_its_namesakes() -> None:
    from lambdalint.focus import Focus

    focus = Focus((Path("/repo/app"), Path("/repo/tools/deploy.yaml")), Path("/repo"))
    assert focus.holds("app/template.yaml") and focus.holds("app") and focus.holds("/repo/app/src/h.py")
    assert focus.holds("tools/deploy.yaml") and focus.holds("app/../tools/deploy.yaml")
    assert not focus.holds("application/template.yaml") and not focus.holds("tools/deploy.yaml.bak")
    assert not focus.holds("tools") and not focus.holds("/elsewhere/app/template.yaml")
    assert Focus((Path("/"),), Path("/repo")).holds("anything/at/all.yaml")


def test_a_focused_file_gets_the_notes_about_it_not_about_its_neighbours(tmp_path: Path) -> None:
    """`check lambdas_data_source/post.py -v` printed a note for every function of the folder
    (KenmogneThimotee/aws-cdk-python-lambda, judged): notes about other Python files go, notes about
    the focused file stay."""
    function = """\
import aws_cdk as cdk
from aws_cdk import aws_lambda as lambda_


def create(stack):
    return lambda_.Function(stack, "{name}", runtime=lambda_.Runtime.PYTHON_3_12, handler="index.handler",
                            code=lambda_.Code.from_inline("def handler(event, context):\\n    return event\\n"),
                            timeout=cdk.Duration.seconds(10))
"""
    write_tree(tmp_path, {
        "cdk.json": '{"app": "python3 app.py"}\n',
        "app.py": """\
import aws_cdk as cdk
from aws_cdk import Stack
from constructs import Construct

from lambdas import billing, orders


class Shop(Stack):
    def __init__(self, scope: Construct, id: str, **kwargs) -> None:
        super().__init__(scope, id, **kwargs)
        orders.create(self)
        billing.create(self)


app = cdk.App()
Shop(app, "Shop")
app.synth()
""",
        "lambdas/__init__.py": "",
        "lambdas/orders.py": function.format(name="Orders"),
        "lambdas/billing.py": function.format(name="Billing"),
    })
    whole = lint([tmp_path], Config(), cwd=tmp_path).notes
    focused = lint(focus=[tmp_path / "lambdas" / "orders.py"], cwd=tmp_path).notes
    assert any(n.startswith("lambdas/billing.py") for n in whole) and any(n.startswith("lambdas/orders.py") for n in whole)
    assert not any(n.startswith("lambdas/billing.py") for n in focused)
    assert [n for n in focused if n.startswith("lambdas/orders.py")] == [n for n in whole if n.startswith("lambdas/orders.py")]
