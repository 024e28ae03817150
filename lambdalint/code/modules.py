"""Modules of one project: dotted names to files under the code folders, and back.

Resolution follows the Lambda runtime: the code folder is on `sys.path`, so `pkg.mod` is
`<code dir>/pkg/mod.py` or `<code dir>/pkg/mod/__init__.py`. A file outside any code folder is
resolved against its package root (the nearest folder above it without an `__init__.py`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


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


@dataclass
class ModuleIndex:
    """Module resolution for one run, with the file-existence answers it is built from cached.

    Import graphs and call-graph walks ask for the same few names from thousands of modules, so
    the answers are worth keeping, but only for one run: a language server that stays up must see
    a module created between two runs.
    """

    _exists: dict[Path, bool] = field(default_factory=dict)
    _modules: dict[tuple[Path, str], Path | None] = field(default_factory=dict)

    def is_file(self, path: Path) -> bool:
        found = self._exists.get(path)
        if found is None:
            try:
                found = path.is_file()
            except (OSError, ValueError):  # a name too long or holding a NUL names no module
                found = False
            self._exists[path] = found
        return found

    def module_path(self, root: Path, dotted: str) -> Path | None:
        """`root/pkg/mod.py` or `root/pkg/mod/__init__.py` for `pkg.mod`, if it exists."""
        key = (root, dotted)
        if key not in self._modules:
            self._modules[key] = self._module_path(root, dotted)
        return self._modules[key]

    def _module_path(self, root: Path, dotted: str) -> Path | None:
        if not dotted:
            return None
        relative = Path(*dotted.split("."))
        as_file = root / relative.with_suffix(".py") if relative.name else None
        if as_file is not None and self.is_file(as_file):
            return as_file
        package = root / relative / "__init__.py"
        return package if self.is_file(package) else None

    def resolve_import(self, file: Path, roots: tuple[Path, ...], level: int, dotted: str) -> Path | None:
        """The project file `from <level dots><dotted> import ...` or `import <dotted>` loads, if any."""
        if level:
            return self.module_path(package_dir(file, level), dotted) if dotted else None
        for root in roots:
            found = self.module_path(root, dotted)
            if found is not None:
                return found
        return None

    def split_qualified(self, file: Path, roots: tuple[Path, ...], qualified: str) -> list[tuple[Path, str]]:
        """Candidate (module file, attribute path) pairs for a qualified name such as `.util.make`
        or `pkg.clients.Factory.build`, longest module first."""
        level = len(qualified) - len(qualified.lstrip("."))
        parts = qualified[level:].split(".")
        found: list[tuple[Path, str]] = []
        for cut in range(len(parts) - 1, 0 if not level else -1, -1):
            module, attribute = ".".join(parts[:cut]), ".".join(parts[cut:])
            if level and not module:
                init = package_dir(file, level) / "__init__.py"
                if self.is_file(init):
                    found.append((init, attribute))
                continue
            target = self.resolve_import(file, roots, level, module)
            if target is not None:
                found.append((target, attribute))
        return found
