"""Checking a few files in the context of their project (pre-commit, editors).

pre-commit passes only the files that changed, and an editor only the buffer being edited. A
handler's findings depend on the template that references it (and a template's on its handlers),
so lambdalint loads the whole project around each focused file and then keeps only the findings
whose primary location is in one of them.

The project around a file is the nearest folder at or above it that holds a template, a
`serverless.yml`, a lambdalint configuration file or `.git`. A file with none of these above it is
checked on its own (never the whole filesystem).

Findings are kept by their primary path only: a finding reported on an unchanged template (say, a
`Handler` that no longer resolves after a handler was renamed) belongs to that template and shows
when the template is checked. This keeps the pre-commit contract "findings in the files you
passed", and a handler finding that points back at its template (a related location) is still
shown, since its primary location is the handler.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Iterable

from lambdalint.config import CONFIG_FILES
from lambdalint.discover import TEMPLATE_SUFFIXES, is_template_text
from lambdalint.rule import FileKind

_MARKERS = ("serverless.yml", "serverless.yaml", ".git", *CONFIG_FILES)
_MAX_TEMPLATE_SCAN = 1_000_000  # bytes; a bigger YAML file next to a handler is data, not a template


def project_root(file: Path, seen: dict[Path, bool] | None = None) -> Path:
    """The folder whose project `file` belongs to, or `file` itself when there is none.
    `seen` remembers, across the files of one run, which folders hold a project."""
    start = file.absolute().parent
    for folder in (start, *start.parents):
        holds = seen.get(folder) if seen is not None else None
        if holds is None:
            holds = _holds_project(folder)
            if seen is not None:
                seen[folder] = holds
        if holds:
            return folder
    return file.absolute()


def _holds_project(folder: Path) -> bool:
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return False
    for entry in entries:
        if entry.name in _MARKERS:
            if entry.name != "pyproject.toml" or _has_lambdalint_table(Path(entry.path)):
                return True
    for entry in entries:
        if entry.name.endswith(TEMPLATE_SUFFIXES) and _is_template_file(Path(entry.path)):
            return True
    return False


def _has_lambdalint_table(path: Path) -> bool:
    try:
        if not path.is_file():  # a FIFO named pyproject.toml would block the read forever
            return False
        return "[tool.lambdalint" in path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False


def _is_template_file(path: Path) -> bool:
    try:
        if not path.is_file() or path.stat().st_size > _MAX_TEMPLATE_SCAN:
            return False
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    return is_template_text(path.name, text)


def project_roots(files: Iterable[Path]) -> list[Path]:
    """The distinct project roots of `files`, without a root that lies inside another one.

    Linear in the number of files (each folder is scanned once, each root's ancestors looked up
    in a set): `pre-commit run --all-files` passes every file of a repository."""
    seen: dict[Path, bool] = {}
    roots = sorted({project_root(f, seen) for f in files}, key=lambda p: len(p.parts))
    kept: list[Path] = []
    kept_folders: set[Path] = set()
    for root in roots:
        if root in kept_folders or not kept_folders.isdisjoint(root.parents):
            continue
        kept.append(root)
        if root.is_dir():
            kept_folders.add(root)
    return kept


def file_kind(path: Path | str) -> FileKind:
    """What a file is for `Rule.reports_in`; by name, as a focused file may not be parsed yet."""
    name = str(path).lower()
    if name.endswith((".py", ".pyi")):
        return "python"
    if name.endswith(TEMPLATE_SUFFIXES):
        return "template"
    return "other"
