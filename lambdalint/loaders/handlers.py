"""From a function's `Handler` string and code folder to the Python file and function it names.

The Python runtime splits the handler on its last dot and imports the rest as a module with `/`
read as `.`, so `pkg/mod.fn` and `pkg.mod.fn` both mean `pkg/mod.py`, function `fn`.
"""

from __future__ import annotations

import os
from pathlib import Path

from lambdalint.model import Function


def normalized(path: Path) -> Path:
    """`path` with `..` and `.` folded away. Not `Path.resolve()`: following symlinks costs a
    system call per path component for every function of every template, and the code folder a
    template names is the one to report, not where a link points."""
    return Path(os.path.normpath(path))


def nameable(path: str | os.PathLike[str]) -> bool:
    """Whether `path` could name a file at all: no NUL, no name over 255 bytes, not over 4,095
    bytes in all. A template's `CodeUri` or `Handler` is text; asking the file system about one
    that is not raises instead of saying no. Takes a plain string too: the package rules test
    a path for every function before they know it is worth a `Path`."""
    text = os.fspath(path)
    size = len(text.encode("utf-8", "surrogateescape"))
    if "\0" in text or size > 4095:
        return False
    return size <= 255 or all(len(part.encode("utf-8", "surrogateescape")) <= 255 for part in text.split(os.sep))


def split_handler(handler: str) -> tuple[str, str] | None:
    """`("pkg/mod", "fn")` for `pkg.mod.fn`; None when the string cannot name a Python handler."""
    module, dot, function = handler.strip().rpartition(".")
    if not dot or not module or not function:
        return None
    return module.replace(".", "/"), function


def module_file(code_dir: Path, module: str) -> Path:
    """The file a module path means under `code_dir`: `mod.py`, else a package's `__init__.py`."""
    as_file = code_dir / f"{module}.py"
    if not _exists(as_file) and _exists(code_dir / module / "__init__.py"):
        return code_dir / module / "__init__.py"
    return as_file


def _exists(path: Path) -> bool:
    try:
        return path.exists()
    except (OSError, ValueError):  # a handler string too long for a file name, or with a NUL
        return False


def resolve_handler(function: Function) -> None:
    """Fill `handler_file`/`handler_function` for Python functions with a local code folder."""
    handler = function.handler.str_value()
    if not function.is_python or function.code_dir is None or handler is None:
        return
    parts = split_handler(handler)
    if parts is None:
        return
    module, function.handler_function = parts
    file = function.code_dir / f"{module}.py"
    if not nameable(file):
        function.handler_function = None
        return
    function.handler_file = module_file(function.code_dir, module)
