"""Checking a few files in the context of their project (pre-commit, editors).

pre-commit passes only the files that changed, and an editor only the buffer being edited. A
handler's findings depend on the template that references it (and a template's on its handlers),
so lambdalint loads the whole project around each focused file and then keeps only the findings
that touch one of them. A focused folder (`lambdalint check` run inside `src/orders/`) works the
same way: the project is found above it, and the findings under it are kept.

The project around a file is the nearest folder at or above it that holds a template, a
`serverless.yml`, a lambdalint configuration file or `.git`. A file with none of these above it is
checked on its own (never the whole filesystem).

A finding is kept when its primary location or any of its related locations is in a focused
file (except a related location shown only for context, such as the template line under a handler's
LL101, since editing the template does not cause it): committing only a template that breaks a handler (a reserved variable the handler writes, an
environment variable it reads that the template dropped) shows the handler's finding, because it
points back at the template; renaming a handler function shows the template's `Handler` finding,
which points at the handler module. Rules that cross files name the other file as a related
location for exactly this reason.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from lambdalint.config import CONFIG_FILES
from lambdalint.discover import TEMPLATE_SUFFIXES, is_template_text
from lambdalint.findings import Finding
from lambdalint.lazy_pattern import LazyPattern
from lambdalint.rule import ANY_FILE, FileKind

_MARKERS = ("serverless.yml", "serverless.yaml", "cdk.json", ".git", *CONFIG_FILES)
_MAX_TEMPLATE_SCAN = 1_000_000  # bytes; a bigger YAML file next to a handler is data, not a template


def project_root(file: Path, seen: dict[Path, bool] | None = None) -> Path:
    """The folder whose project `file` (or folder) belongs to, or `file` itself when there is none.
    `seen` remembers, across the files of one run, which folders hold a project."""
    absolute = Path(os.path.abspath(file))
    start = absolute if is_folder(absolute) else absolute.parent
    for folder in (start, *start.parents):
        holds = seen.get(folder) if seen is not None else None
        if holds is None:
            holds = _holds_project(folder)
            if seen is not None:
                seen[folder] = holds
        if holds:
            return _terraform_root(folder)
    return absolute


def is_folder(path: Path) -> bool:
    """`path.is_dir()`, False where the file system will not say (a name too long, no permission)."""
    try:
        return path.is_dir()
    except OSError:  # a name too long for the file system (an editor's URI) names no folder
        return False


_MODULE_SOURCE = LazyPattern(r'^\s*source\s*=\s*"(\.\.?/[^"]*)"', re.M)
_MAX_MODULE_LEVELS = 4


def _terraform_root(folder: Path) -> Path:
    """A Terraform module folder that a folder above calls (`source = "./modules/fn"`) belongs to
    the caller's project: its functions are read through that call."""
    if not _has_terraform(folder):
        return folder
    current = folder
    for _ in range(_MAX_MODULE_LEVELS):
        caller = next((a for a in list(current.parents)[:_MAX_MODULE_LEVELS] if _calls(a, current)), None)
        if caller is None:
            return current
        current = caller
    return current


def _calls(folder: Path, module: Path) -> bool:
    try:
        files = [e.path for e in os.scandir(folder) if e.name.endswith(".tf") and e.is_file()]  # never a FIFO
    except OSError:
        return False
    for name in files:
        try:
            with open(name, encoding="utf-8", errors="replace") as handle:
                text = handle.read(_MAX_TEMPLATE_SCAN)
        except OSError:
            continue
        if any(os.path.normpath(os.path.join(folder, source)) == str(module) for source in _MODULE_SOURCE.findall(text)):
            return True
    return False


def _has_terraform(folder: Path) -> bool:
    try:
        return any(e.name.endswith(".tf") for e in os.scandir(folder))
    except OSError:
        return False


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
        if entry.name.endswith(".tf"):
            return True  # a Terraform module: its folder is the project around its files
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
        if is_folder(root):
            kept_folders.add(root)
    return kept


@dataclass(frozen=True)
class Focus:
    """The focused files and folders (absolute, normalised) of a run anchored at `cwd`, which
    findings' displayed paths are relative to. Whether a path is one of them or under one is a
    set look-up per ancestor: `pre-commit run --all-files` focuses every file of a repository, and
    every finding and function of the run is asked about."""

    paths: tuple[Path, ...]
    cwd: Path
    _wanted: frozenset[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_wanted", frozenset(map(str, self.paths)))

    def holds(self, display: str) -> bool:
        """Whether a displayed path is one of the focused files or lies under a focused folder."""
        path = os.path.normpath(os.path.join(self.cwd, display))
        while path not in self._wanted:
            cut = path.rfind(os.sep)
            if cut < 0 or path == os.sep:
                return False
            path = path[:cut] or os.sep
        return True

    def touches(self, finding: Finding) -> bool:
        """Whether the finding's primary or a related location is focused. A related location shown
        only for context (the template line that names a handler, under an LL101 in that handler)
        does not count: committing a template must not fail on handler code it did not change."""
        causes = (r.span for r in finding.related if not r.context)
        return any(self.holds(span.path) for span in (finding.span, *causes))

    def concerns(self, display: str) -> bool:
        """Whether something not read at a displayed path bears on the focused paths: it lies under a
        focused folder, or beside or above a focused file (the infrastructure of that file's
        project). A run in one example folder of a repository of examples says nothing of its
        siblings."""
        return self.holds(display) or os.path.dirname(os.path.normpath(os.path.join(self.cwd, display))) \
            in self._file_folders

    @property
    def _file_folders(self) -> frozenset[str]:
        """Every folder a focused file lies in, at any depth (looked up once: a run asks per note)."""
        found = self.__dict__.get("_folders")
        if found is None:
            found = frozenset(str(folder) for p in self.paths if not is_folder(p) for folder in p.parents)
            object.__setattr__(self, "_folders", found)
        return found


def file_kinds(path: Path) -> frozenset[FileKind]:
    """The kinds of file findings under a focused path can land in (a folder: every kind). A
    Python module of a CDK app is infrastructure too: template findings land there."""
    if is_folder(path):
        return ANY_FILE
    kind = file_kind(path)
    if kind == "python" and _mentions_cdk(path):
        return frozenset({"python", "template"})
    return frozenset({kind})


def _mentions_cdk(path: Path) -> bool:
    try:
        with open(path, "rb") as handle:
            return b"aws_cdk" in handle.read(_MAX_TEMPLATE_SCAN)
    except OSError:
        return False


def file_kind(path: Path | str) -> FileKind:
    """What a file is for `Rule.reports_in`; by name, as a focused file may not be parsed yet."""
    name = str(path).lower()
    if name.endswith((".py", ".pyi")):
        return "python"
    if name.endswith(TEMPLATE_SUFFIXES) or name.endswith((".tf", ".tfvars")):
        return "template"
    return "other"
