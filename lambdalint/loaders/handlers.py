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


def split_handler(handler: str) -> tuple[str, str] | None:
    """`("pkg/mod", "fn")` for `pkg.mod.fn`; None when the string cannot name a Python handler."""
    module, dot, function = handler.strip().rpartition(".")
    if not dot or not module or not function:
        return None
    return module.replace(".", "/"), function


def module_file(code_dir: Path, module: str) -> Path:
    """The file a module path means under `code_dir`: `mod.py`, else a package's `__init__.py`."""
    as_file = code_dir / f"{module}.py"
    if not as_file.exists() and (code_dir / module / "__init__.py").exists():
        return code_dir / module / "__init__.py"
    return as_file


def resolve_handler(function: Function) -> None:
    """Fill `handler_file`/`handler_function` for Python functions with a local code folder."""
    handler = function.handler.str_value()
    if not function.is_python or function.code_dir is None or handler is None:
        return
    parts = split_handler(handler)
    if parts is None:
        return
    module, function.handler_function = parts
    function.handler_file = module_file(function.code_dir, module)
