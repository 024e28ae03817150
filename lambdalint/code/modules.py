"""Modules of one project: dotted names to files under the code folders, and back.

Resolution follows the Lambda runtime: the code folder is on `sys.path`, so `pkg.mod` is
`<code dir>/pkg/mod.py` or `<code dir>/pkg/mod/__init__.py`. A file outside any code folder is
resolved against its package root (the nearest folder above it without an `__init__.py`).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path


@lru_cache(maxsize=4096)
def _is_file(path: Path) -> bool:
    return path.is_file()


@lru_cache(maxsize=16384)
def module_path(root: Path, dotted: str) -> Path | None:
    # cached like `_is_file` (whose answers it is built from): import graphs and call-graph walks
    # ask for the same few names from thousands of modules
    if not dotted:
        return None
    relative = Path(*dotted.split("."))
    as_file = root / relative.with_suffix(".py") if relative.name else None
    if as_file is not None and _is_file(as_file):
        return as_file
    package = root / relative / "__init__.py"
    return package if _is_file(package) else None


def package_root(path: Path) -> Path:
    folder = path.parent
    while (folder / "__init__.py").is_file() and folder.parent != folder:
        folder = folder.parent
    return folder


def package_dir(file: Path, level: int) -> Path:
    """The folder a relative import of `level` dots starts from."""
    folder = file.parent
    for _ in range(max(level - 1, 0)):
        folder = folder.parent
    return folder


def resolve_import(file: Path, roots: tuple[Path, ...], level: int, dotted: str) -> Path | None:
    """The project file `from <level dots><dotted> import ...` or `import <dotted>` loads, if any."""
    if level:
        return module_path(package_dir(file, level), dotted) if dotted else None
    for root in roots:
        found = module_path(root, dotted)
        if found is not None:
            return found
    return None


def split_qualified(file: Path, roots: tuple[Path, ...], qualified: str) -> list[tuple[Path, str]]:
    """Candidate (module file, attribute path) pairs for a qualified name such as `.util.make` or
    `pkg.clients.Factory.build`, longest module first."""
    level = len(qualified) - len(qualified.lstrip("."))
    parts = qualified[level:].split(".")
    found: list[tuple[Path, str]] = []
    for cut in range(len(parts) - 1, 0 if not level else -1, -1):
        module, attribute = ".".join(parts[:cut]), ".".join(parts[cut:])
        if level and not module:
            init = package_dir(file, level) / "__init__.py"
            if _is_file(init):
                found.append((init, attribute))
            continue
        target = resolve_import(file, roots, level, module)
        if target is not None:
            found.append((target, attribute))
    return found
