"""Shared test helpers: write a project into a temp folder and lint it the way the CLI would."""

from __future__ import annotations

import datetime
import os
from pathlib import Path
from typing import Iterable

import pytest

from lambdalint.api import LintResult, lint
from lambdalint.config import Config
from lambdalint.located import Located

PROJECT = Path(__file__).resolve().parents[1]
# A git worktree sits elsewhere; LAMBDALINT_SHARED points at the shared folder then.
SHARED = Path(os.environ.get("LAMBDALINT_SHARED") or PROJECT.parent / "shared")
FIXTURES = Path(__file__).resolve().parent / "fixtures"
# Rules that depend on the date (deprecated runtimes) are checked as of this day.
TODAY = datetime.date(2026, 11, 26)

# Fixture projects may hold their own test suites (some fixtures are about exactly that): they are
# data for lambdalint, not tests for pytest.
collect_ignore = ["fixtures"]

def located_tree(node: Located) -> object:
    """A value read with every location, origin and value type kept, nested as plain tuples: two
    readings that should agree compare equal only when all of it does."""
    value = node.value
    if isinstance(value, dict):
        value = {key: located_tree(item) for key, item in value.items()}
    elif isinstance(value, list):
        value = [located_tree(item) for item in value]
    return value, type(node.value).__name__, tuple(node.span), node.key_span and tuple(node.key_span), node.origin


requires_shared = pytest.mark.skipif(
    not SHARED.is_dir(),
    reason="../shared/ (corpus, schemas, catalog) is not next to the project; CI provides it",
)


def write_tree(root: Path, files: dict[str, str | bytes]) -> Path:
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


def run_lint(root: Path, paths: Iterable[str | Path] = (".",), *, select: Iterable[str] = ("ALL",),
             config: Config | None = None, **kwargs: object) -> LintResult:
    config = config or Config(select=tuple(select), root=root)
    old = os.getcwd()
    os.chdir(root)
    try:
        return lint(list(paths), config, cwd=root, today=TODAY, **kwargs)  # type: ignore[arg-type]
    finally:
        os.chdir(old)


def codes_at(result: LintResult) -> list[tuple[str, str, int]]:
    """(code, path, line) of every visible finding, in report order."""
    return [(f.code, f.span.path, f.span.line) for f in result.visible]


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-snapshots", action="store_true",
                     help="rewrite tests/snapshots/* from the current output; review the diff")
    parser.addoption("--fuzz-long", action="store_true",
                     help="tests/test_fuzz.py: run 50x the examples (minutes; CI runs the short mode)")


_FUZZ = {"long": False}


def pytest_configure(config: pytest.Config) -> None:
    _FUZZ["long"] = bool(config.getoption("--fuzz-long", default=False))
    # the `lambdalint` commands the tests run keep their compiled dataclass methods in the
    # session's own folder, not the user's cache (tests of the cache choose theirs)
    if "LAMBDALINT_CACHE_DIR" not in os.environ:
        import tempfile

        _SESSION_CACHE.append(tempfile.mkdtemp(prefix="lambdalint-test-cache-"))
        os.environ["LAMBDALINT_CACHE_DIR"] = _SESSION_CACHE[0]


def pytest_unconfigure(config: pytest.Config) -> None:
    if _SESSION_CACHE:
        import shutil

        os.environ.pop("LAMBDALINT_CACHE_DIR", None)
        shutil.rmtree(_SESSION_CACHE.pop(), ignore_errors=True)


_SESSION_CACHE: list[str] = []


def fuzz_examples(ci: int) -> int:
    """How many examples a fuzz test runs: `ci` by default, 50x that with `--fuzz-long`."""
    return ci * 50 if _FUZZ["long"] else ci


@pytest.fixture
def update_snapshots(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-snapshots"))
