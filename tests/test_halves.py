"""A big run of templates alone checked in two processes (`lambdalint.halves`): the same report as
one process (findings, notes in the same order, unread infrastructure, counts, every renderer's
output), a child that dies or sends garbage loses nothing, no child outlives the run, and the path
is not taken where a template's findings could depend on another file.

The runs that fork are probes in a fresh interpreter, as pytest may run threads (and the engine does
not fork a threaded process).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import FIXTURES, SHARED, requires_shared
from lambdalint import halves
from lambdalint.discover import Discovered

PROBE = r"""
import json, os, sys
from pathlib import Path
import lambdalint.api as api
import lambdalint.halves as halves
from lambdalint.config import Config
from lambdalint.render import render

target, mode = Path(sys.argv[1]), sys.argv[2]
halves.MIN_CHARS = 0
split = []
real = halves.check_in_two
def counted(pair, check, progress):
    split.append([len(half.templates) for half in pair])
    if mode == "child-dies":
        parent = os.getpid()
        def check_or_die(found, progress, check=check):
            if os.getpid() != parent:
                os._exit(7)
            return check(found, progress)
        return real(pair, check_or_die, progress)
    if mode == "interrupted":
        parent = os.getpid()
        def interrupted(found, progress, check=check):
            if os.getpid() == parent:
                raise KeyboardInterrupt
            return check(found, progress)
        return real(pair, interrupted, progress)
    return real(pair, check, progress)
halves.check_in_two = api.check_in_two = counted  # the engine holds its own name for it
if mode == "garbage":
    def garbage(fd, part):
        os.write(fd, b"not a pickle")
        os.close(fd)
    halves._send = garbage

def outputs(result):
    return {fmt: render(result, fmt) for fmt in ("json", "sarif", "text")} | {
        "notes": result.notes, "unchecked": result.unchecked, "files": result.files,
        "functions": result.functions, "errors": result.internal_errors}

# files as arguments (pre-commit's --all-files): a focused run
where = {"focus": sorted(p for p in target.rglob("*") if p.is_file())} if mode == "files" else {}
try:
    two = outputs(api.lint([target], Config(), cwd=target, **where))
except KeyboardInterrupt:
    two = "interrupted"
try:
    os.waitpid(-1, os.WNOHANG)
    children = True
except ChildProcessError:
    children = False
one = outputs(api.lint([target], Config(), cwd=target, whole_model=True, **where))
print(json.dumps({"split": split, "same": two == one, "two": two, "one": one, "children": children}))
"""


def _probe(target: Path, mode: str = "plain") -> dict:
    run = subprocess.run([sys.executable, "-c", PROBE, str(target), mode], capture_output=True, text=True,
                         timeout=300)
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


@pytest.fixture(scope="module")
def templates_only(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every YAML/JSON template of the fixture projects (SAM, CloudFormation, Serverless, broken
    ones, suppressions and their config), without handler code: a template-only monorepo."""
    root = tmp_path_factory.mktemp("monorepo")
    for project in sorted((FIXTURES / "projects").iterdir()):
        if project.name.startswith(("cdk", "terraform")):  # their loading crosses files
            continue
        for path in project.rglob("*"):
            if path.suffix in (".yaml", ".yml", ".json", ".toml") and path.is_file():
                target = root / project.name / path.relative_to(project)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(path, target)
    return root


def test_two_halves_report_what_one_process_reports(templates_only: Path) -> None:
    result = _probe(templates_only)
    assert result["split"] and min(result["split"][0]) > 0, "the run was not split"
    one = result["one"]
    assert json.loads(one["json"])["findings"], "the fixture projects have findings"
    assert one["notes"], "and notes, whose order must hold"
    assert result["two"] == one
    assert not result["children"]


def test_files_passed_as_arguments_are_split_like_a_folder(templates_only: Path) -> None:
    result = _probe(templates_only, "files")
    assert result["split"]
    assert result["one"]["functions"] and result["one"]["files"] > 40
    assert result["two"] == result["one"]


def test_a_child_that_dies_loses_nothing(templates_only: Path) -> None:
    result = _probe(templates_only, "child-dies")
    assert result["split"]
    assert result["two"] == result["one"]
    assert not result["children"]


def test_a_child_that_sends_garbage_loses_nothing(templates_only: Path) -> None:
    result = _probe(templates_only, "garbage")
    assert result["split"]
    assert result["two"] == result["one"]


def test_ctrl_c_in_the_parent_leaves_no_child(templates_only: Path) -> None:
    result = _probe(templates_only, "interrupted")
    assert result["split"] and result["two"] == "interrupted"
    assert not result["children"]


@requires_shared
def test_the_shared_corpus_split_as_the_engine_splits_it() -> None:
    """At its real size (no lowered threshold): split, and byte for byte one process's report."""
    probe = PROBE.replace("halves.MIN_CHARS = 0", "")
    run = subprocess.run([sys.executable, "-c", probe, str(SHARED / "corpus"), "plain"], capture_output=True,
                         text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    result = json.loads(run.stdout)
    assert result["split"], "the corpus is big enough to be checked in two"
    assert result["two"] == result["one"]
    assert len(json.loads(result["one"]["json"])["findings"]) > 1000


def _found(*names: str, chars: int = 600_000) -> Discovered:
    return Discovered(templates=[(Path(f"/repo/{name}"), "x" * chars) for name in names])


@pytest.fixture
def two_cpus(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(halves.os, "cpu_count", lambda: 2)
    monkeypatch.setattr(halves.threading, "active_count", lambda: 1)


def test_halves_cut_by_text_and_keep_discovery_reports_in_the_first(two_cpus: None) -> None:
    found = _found("a/template.yaml", "b/template.yaml", "c/serverless.yml", "d/template.yaml")
    found.infrastructure = [Path("/repo/d/template.yaml"), Path("/repo/e/template.yaml")]
    pair = halves.halves_of(found)
    assert pair is not None
    first, second = pair
    assert [p.name for p, _ in first.templates + second.templates] == [p.name for p, _ in found.templates]
    assert len(first.templates) == 2
    # a file named like a template goes with the half that loads it
    assert second.infrastructure == [Path("/repo/d/template.yaml")]
    assert first.infrastructure == [Path("/repo/e/template.yaml")]


def test_a_file_a_service_reads_in_goes_with_the_service(two_cpus: None) -> None:
    """`resources: [${file(../shared/resources.yml)}]` in the second half: the shared resources
    file, which looks like a template of its own, is loaded with the service, never alone."""
    service = "service: orders\nprovider: {name: aws}\nresources:\n  - ${file(../shared/resources.yml)}\n"
    found = _found("a/template.yaml", "shared/resources.yml", "b/template.yaml", "c/template.yaml")
    found.templates.append((Path("/repo/orders/serverless.yml"), service + "#" * 600_000))
    pair = halves.halves_of(found)
    assert pair is not None
    first, second = pair
    assert [str(p) for p, _ in first.templates] == ["/repo/a/template.yaml", "/repo/b/template.yaml"]
    assert [str(p) for p, _ in second.templates] == ["/repo/c/template.yaml", "/repo/orders/serverless.yml",
                                                     "/repo/shared/resources.yml"]


@pytest.mark.parametrize("change", ["python", "terraform", "cdk-app", "cdk-out", "small", "one-template"])
def test_runs_whose_files_depend_on_each_other_or_are_small_stay_in_one_process(
        two_cpus: None, change: str) -> None:
    found = _found("a/template.yaml", "b/template.yaml")
    if change == "python":
        found.python_files = [Path("/repo/a/src/app.py")]
    elif change == "terraform":
        found.infrastructure = [Path("/repo/infra/main.tf")]
    elif change == "cdk-app":
        found.infrastructure = [Path("/repo/app/cdk.json")]
    elif change == "cdk-out":
        found = _found("a/template.yaml", "app/cdk.out/Stack.template.json")
    elif change == "small":
        found = _found("a/template.yaml", "b/template.yaml", chars=1000)
    else:
        found = _found("a/template.yaml", chars=2_000_000)
    assert halves.halves_of(_found("a/template.yaml", "b/template.yaml")) is not None
    assert halves.halves_of(found) is None


def test_one_cpu_or_a_thread_stays_in_one_process(monkeypatch: pytest.MonkeyPatch) -> None:
    found = _found("a/template.yaml", "b/template.yaml")
    monkeypatch.setattr(halves.threading, "active_count", lambda: 1)
    monkeypatch.setattr(halves.os, "cpu_count", lambda: 1)
    assert halves.halves_of(found) is None
    monkeypatch.setattr(halves.os, "cpu_count", lambda: 2)
    monkeypatch.setattr(halves.threading, "active_count", lambda: 2)
    assert halves.halves_of(found) is None
