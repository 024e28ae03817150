"""The entry points of one group (`lambdalint.rules`), found without importing `importlib.metadata`.

`importlib.metadata` imports `email`, `zipfile` and `importlib.resources` up front: about 10 ms of
an editor's on-save run of about 230 ms, to read a few `entry_points.txt` files. The distributions
on `sys.path` are directories named `<name>-<version>.dist-info` (or `.egg-info`), so for the usual
case this module lists them the way `importlib.metadata.distributions()` does (every `sys.path`
entry in order, `""` meaning the current folder, the first distribution of a normalised name
winning) and reads the group from their `entry_points.txt`.

Anything less usual is left to `importlib.metadata` itself, so no plugin is ever missed: a zip
archive or an `.egg` directory on `sys.path`, or a finder on `sys.meta_path` other than the
standard path finder that can report distributions. tests/test_plugins.py checks that both give
the same entry points.
"""

from __future__ import annotations

import functools
import os
import re
import sys
from dataclasses import dataclass
from importlib import import_module
from importlib.machinery import PathFinder

_INFO_SUFFIXES = (".dist-info", ".egg-info")
# the value syntax of an entry point (`module.path:attr.path [extras]`), as importlib.metadata reads it
_VALUE = re.compile(r"(?P<module>[\w.]+)\s*(:\s*(?P<attr>[\w.]+)\s*)?((?P<extras>\[.*\])\s*)?$")


@dataclass(frozen=True)
class EntryPoint:
    name: str
    value: str

    def load(self) -> object:
        match = _VALUE.match(self.value)
        if match is None:
            raise ValueError(f"not an entry point reference: {self.value!r}")
        module = import_module(match.group("module"))
        attrs = filter(None, (match.group("attr") or "").split("."))
        return functools.reduce(getattr, attrs, module)


def entry_points(group: str) -> list[EntryPoint]:
    """Every entry point of `group` in the installed distributions, in `sys.path` order."""
    folders = _plain_search_path()
    if folders is None:
        from importlib.metadata import entry_points as standard

        return [EntryPoint(e.name, e.value) for e in standard(group=group)]
    found: list[EntryPoint] = []
    seen: set[str] = set()
    for folder in folders:
        for info in _distribution_folders(folder):
            name = _normalized_name(os.path.basename(info))
            if name in seen:
                continue
            seen.add(name)
            found.extend(_read_group(os.path.join(info, "entry_points.txt"), group))
    return found


def _plain_search_path() -> list[str] | None:
    """The `sys.path` folders to scan, or None when only `importlib.metadata` knows the answer."""
    for finder in sys.meta_path:
        if finder is not PathFinder and hasattr(finder, "find_distributions"):
            return None
    folders = []
    for entry in sys.path:
        folder = entry or "."
        if os.path.isdir(folder):
            if folder.lower().endswith(".egg"):
                return None
            folders.append(folder)
        elif os.path.exists(folder):  # a zip archive
            return None
    return folders


def _distribution_folders(folder: str) -> list[str]:
    try:
        names = os.listdir(folder)
    except OSError:
        return []
    return [os.path.join(folder, n) for n in names if n.lower().endswith(_INFO_SUFFIXES)]


def _normalized_name(info: str) -> str:
    # `Foo.Bar-1.0.dist-info` -> `foo_bar`, as importlib.metadata compares distribution names
    stem = info.rpartition(".")[0].partition("-")[0]
    return re.sub(r"[-_.]+", "_", stem).lower()


def _read_group(path: str, group: str) -> list[EntryPoint]:
    try:
        with open(path, encoding="utf-8") as handle:
            lines = handle.read().splitlines()
    except (OSError, UnicodeDecodeError):
        return []
    # the same reading as importlib.metadata's: `#` comments only, `[group]` taken as written
    found: list[EntryPoint] = []
    section = None
    for raw in lines:
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            section = line.strip("[]")
        elif section == group:
            name, _, value = line.partition("=")
            found.append(EntryPoint(name.strip(), value.strip()))
    return found
