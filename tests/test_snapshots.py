"""Project fixtures: each folder under tests/fixtures/projects/ is a situation, and its text and JSON
reports are pinned in tests/snapshots/. `pytest --update-snapshots` rewrites them; review the diff.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from lambdalint.api import lint
from lambdalint.config import Config, load_file
from lambdalint.render import render

from conftest import FIXTURES, TODAY

PROJECTS = sorted(p for p in (FIXTURES / "projects").iterdir() if p.is_dir())
SNAPSHOTS = Path(__file__).resolve().parent / "snapshots"


def fixture_config(project: Path) -> Config:
    """The fixture's own config file, never one above it (the repository's must not leak in)."""
    for name in ("lambdalint.toml", "pyproject.toml"):
        if (project / name).is_file():
            config = load_file(project / name)
            if config is not None:
                return config
    return Config(root=project)


def report_of(project: Path, output_format: str) -> str:
    old = os.getcwd()
    os.chdir(project)
    try:
        report = lint(["."], fixture_config(project), cwd=project, today=TODAY)
    finally:
        os.chdir(old)
    assert not report.internal_errors
    text = render(report, output_format)
    if output_format == "json":  # pinned pretty-printed so that a snapshot diff is readable
        text = json.dumps(json.loads(text), indent=2) + "\n"
    return text


@pytest.mark.parametrize("output_format", ["text", "json"])
@pytest.mark.parametrize("project", PROJECTS, ids=lambda p: p.name)
def test_project_snapshot(project: Path, output_format: str, update_snapshots: bool) -> None:
    actual = report_of(project, output_format)
    snapshot = SNAPSHOTS / f"{project.name}.{output_format}"
    if update_snapshots or not snapshot.exists():
        snapshot.parent.mkdir(exist_ok=True)
        snapshot.write_text(actual, encoding="utf-8")
        if not update_snapshots:
            pytest.fail(f"new snapshot written to {snapshot}; review it and run again")
    assert actual == snapshot.read_text(encoding="utf-8")
