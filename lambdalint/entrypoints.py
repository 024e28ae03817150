"""Entry points of one group, read the way `importlib.metadata.entry_points(group=...)` reads them.

Importing `importlib.metadata` costs about 15 ms (it pulls in `email`, `zipfile`, `csv` and
`tempfile`), a tenth of an editor's on-save run. In the usual layout (plain directories on
`sys.path` holding `*.dist-info` and `*.egg-info` folders) the answer is a directory listing and a
few small text files, so that layout is read here with the same rules: distributions in `sys.path`
order, the first of each normalized name wins, `[group]` sections of `entry_points.txt`. Anything
else (zip files or eggs on `sys.path`, import hooks that provide their own distributions, names the
folder does not carry) is left to `importlib.metadata` itself; tests hold the two readers equal.
"""

from __future__ import annotations

import os
import re
import sys
from importlib import import_module
from typing import NamedTuple


class EntryPoint(NamedTuple):
    name: str
    value: str  # `module.path:attr.path`, as `importlib.metadata.EntryPoint.value`

    def load(self) -> object:
        # Extras (`[extra]`) select dependencies at install time; loading ignores them.
        module, _, attrs = self.value.split("[", 1)[0].partition(":")
        target: object = import_module(module.strip())
        for attr in filter(None, attrs.strip().split(".")):
            target = getattr(target, attr)
        return target


class _Unusual(Exception):
    """A layout the fast reader does not handle; `importlib.metadata` is asked instead."""


def entry_points(group: str) -> list[EntryPoint]:
    try:
        return _read(group, sys.path, sys.meta_path)
    except _Unusual:
        from importlib.metadata import entry_points as metadata_entry_points

        return [EntryPoint(e.name, e.value) for e in metadata_entry_points(group=group)]


def _read(group: str, path: list[str], meta_path: list[object]) -> list[EntryPoint]:
    from importlib.machinery import PathFinder

    for finder in meta_path:
        if finder is not PathFinder and getattr(finder, "find_distributions", None) is not None:
            raise _Unusual
    found: list[EntryPoint] = []
    seen: set[str] = set()
    for root in path:
        for name, folder in _distributions(root):
            if name in seen:  # shadowed by the same distribution earlier on sys.path
                continue
            seen.add(name)
            found.extend(_group_entries(folder, group))
    return found


def _distributions(root: str) -> list[tuple[str, str]]:
    """(normalized name, metadata folder) in the order `importlib.metadata` visits them: grouped
    by name in first-seen order within one `sys.path` entry."""
    if not isinstance(root, str):
        raise _Unusual
    try:
        children = os.listdir(root or ".")
    except NotADirectoryError:
        raise _Unusual from None  # a zip file on sys.path
    except OSError:
        if os.path.isfile(root):
            raise _Unusual from None
        return []  # a missing folder: nothing there, as importlib.metadata finds
    if os.path.basename(root).lower().endswith(".egg"):
        raise _Unusual
    by_name: dict[str, list[str]] = {}
    for child in children:
        low = child.lower()
        if not low.endswith((".dist-info", ".egg-info")):
            continue
        if os.path.splitext(child)[1] not in (".dist-info", ".egg-info"):
            raise _Unusual  # importlib.metadata then reads the name from the metadata file
        name = _normalize(low.rpartition(".")[0].partition("-")[0])
        by_name.setdefault(name, []).append(os.path.join(root, child))
    return [(name, folder) for name, folders in by_name.items() for folder in folders]


def _normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower().replace("-", "_")


def _group_entries(folder: str, group: str) -> list[EntryPoint]:
    try:
        with open(os.path.join(folder, "entry_points.txt"), encoding="utf-8") as handle:
            text = handle.read()
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError, PermissionError):
        return []
    if group not in text:
        return []
    entries: list[EntryPoint] = []
    section: str | None = None
    for line in map(str.strip, text.splitlines()):
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            section = line.strip("[]")
        elif section == group:
            name, equals, value = line.partition("=")
            if not equals:
                raise _Unusual  # importlib.metadata's own error is the one to show
            entries.append(EntryPoint(name.strip(), value.strip()))
    return entries
