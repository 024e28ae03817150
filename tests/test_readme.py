"""The README is true to the tool: its usage block lists every option, its example output is the
real output of the bundled example, and its workflow is the one in `examples/`."""

from __future__ import annotations

import re

import click
import pytest
import yaml

from conftest import FIXTURES, PROJECT, TODAY
from lambdalint.api import lint
from lambdalint.cli import check
from lambdalint.config import find_config
from lambdalint.render import render

README = (PROJECT / "README.md").read_text(encoding="utf-8")


def _block_after(marker: str, language: str = "") -> str:
    start = README.index(marker)
    match = re.compile(rf"^```{language}\n(.*?)^```", re.M | re.S).search(README, start)
    assert match is not None, f"no code block after {marker!r}"
    return match.group(1)


def test_usage_block_lists_every_option_of_check() -> None:
    usage = _block_after("## Usage")
    for param in check.params:
        if isinstance(param, click.Option):
            for name in param.opts + param.secondary_opts:
                assert re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", usage), f"{name} is not in the usage block"


def test_example_output_is_the_real_output_of_the_example() -> None:
    """`lambdalint check examples/orders-app --no-hints` from the repository root, as of the day the
    tests pin (the deprecation rule depends on the date)."""
    target = PROJECT / "examples" / "orders-app"
    report = lint([target], find_config(target), cwd=PROJECT, today=TODAY)
    assert _block_after("Example output") == render(report, "text", show_hints=False)


def test_readme_workflow_is_the_example_workflow() -> None:
    readme = yaml.safe_load(_block_after("The\nexample workflow", "yaml"))
    example = yaml.safe_load((PROJECT / "examples" / "github-workflow.yml").read_text(encoding="utf-8"))
    assert readme == example
    uses = [step.get("uses", "") for step in example["jobs"]["lambdalint"]["steps"]]
    assert not any("pip install lambdalint" in str(step) for step in example["jobs"]["lambdalint"]["steps"])
    assert "<owner>/lambdalint@<commit sha>" in uses  # the action of this repository, pinned


def test_no_install_command_needs_a_package_index_entry_for_lambdalint() -> None:
    for text in (README, (PROJECT / "examples" / "github-workflow.yml").read_text(encoding="utf-8")):
        # `pip install lambdalint` or `'lambdalint[lsp]'` alone would ask PyPI; `... @ git+` is fine
        assert not re.search(r"pip install (-U )?['\"]?lambdalint(\[\w+\])?(?!\s*@)['\"]?(\s|$)", text)
        assert "rev: v0" not in text  # the repository has no tags to pin


@pytest.mark.parametrize("project", sorted(p for p in (FIXTURES / "projects").iterdir() if p.is_dir()),
                         ids=lambda p: p.name)
def test_verbose_notes_name_the_file_and_the_function_the_same_way(project) -> None:  # type: ignore[no-untyped-def]
    report = lint([project], find_config(project), cwd=project, today=TODAY)
    names = {f.name for f in report.project.functions}
    for note in report.notes:
        match = re.match(r"(\S+): `([^`]+)`[ :]", note)
        assert match, note
        assert (project / match.group(1)).is_file() and match.group(2) in names, note
