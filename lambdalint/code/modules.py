"""Modules of one project: dotted names to files under the code folders, and back.

Resolution follows the Lambda runtime: the code folder is on `sys.path`, so `pkg.mod` is
`<code dir>/pkg/mod.py` or `<code dir>/pkg/mod/__init__.py`. A file outside any code folder is
resolved against its package root (the nearest folder above it without an `__init__.py`).
"""

from __future__ import annotations

import os
import re
import sys
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
    """Module resolution for one run, with the folder listings it is built from cached.

    Import graphs and call-graph walks ask for the same few names from thousands of modules
    (`json.dumps` may be a project's own `json.py`, which the code folder would shadow the standard
    library with), so the answers are worth keeping, but only for one run: a language server that
    stays up must see a module created between two runs. A folder is listed once instead of one
    `stat` per candidate file; the listing also matches names exactly, as imports do on a
    case-insensitive file system.
    """

    # folder -> {entry name: whether it is a file (a symlink counts as what it points to)}
    _listings: dict[Path, dict[str, bool]] = field(default_factory=dict)
    _modules: dict[tuple[Path, str], Path | None] = field(default_factory=dict)
    _installed: dict[Path, frozenset[str]] = field(default_factory=dict)
    _unpublished: dict[Path, dict[str, str]] = field(default_factory=dict)
    _published: dict[Path, frozenset[str]] = field(default_factory=dict)

    def _listing(self, folder: Path) -> dict[str, bool]:
        names = self._listings.get(folder)
        if names is None:
            names = {}
            try:
                with os.scandir(folder) as entries:
                    for entry in entries:
                        try:
                            names[entry.name] = entry.is_file()
                        except OSError:  # a dangling symlink, a vanished entry
                            names[entry.name] = False
            except (OSError, ValueError):  # no such folder, not a folder, a name holding a NUL
                pass
            self._listings[folder] = names
        return names

    def folders(self, folder: Path) -> list[str]:
        """The sub-folders of `folder` an import could reach (not hidden, no `__pycache__`)."""
        return [name for name, is_file in self._listing(folder).items()
                if not is_file and name.isidentifier() and name != "__pycache__"]

    def is_file(self, path: Path) -> bool:
        return bool(path.name) and self._listing(path.parent).get(path.name, False)

    def module_path(self, root: Path, dotted: str) -> Path | None:
        """`root/pkg/mod.py` or `root/pkg/mod/__init__.py` for `pkg.mod`, if it exists."""
        key = (root, dotted)
        if key not in self._modules:
            self._modules[key] = self._module_path(root, dotted)
        return self._modules[key]

    def installed(self, root: Path) -> frozenset[str]:
        """The top-level names pip installed into `root` (`pip install -t`: `botocore` beside
        `botocore-1.12.8.dist-info`): third-party code vendored into the code folder, never the
        project's own modules. Only wheels' `.dist-info`: an `.egg-info` in a source folder is
        often the project's own (`pip install -e .`)."""
        found = self._installed.get(root)
        if found is None:
            names = self._listing(root)
            dists = [name for name, is_file in names.items() if name.endswith(".dist-info") and not is_file]
            found = frozenset()
            if dists:
                from lambdalint.package_size import installed_tops

                found = frozenset().union(*(installed_tops(str(root / dist)) for dist in dists))
            self._installed[root] = found
        return found

    def unpublished(self, root: Path) -> dict[str, str]:
        """Libraries the code root's requirements.txt installs from a repository or an archive
        rather than from PyPI (a team's own helpers), by the name they are most likely imported
        as: what they call is not known (`code.aws`). Read once per folder and run."""
        found = self._unpublished.get(root)
        if found is None:
            found = self._unpublished[root] = _unpublished_requirements(root)
        return found

    def published(self, root: Path) -> frozenset[str]:
        """The names the libraries the folder's requirements.txt installs from PyPI are most likely
        imported as (`requests`, `dateutil` for `python-dateutil`). Read once per folder and run."""
        found = self._published.get(root)
        if found is None:
            found = self._published[root] = _published_requirements(root)
        return found

    def _module_path(self, root: Path, dotted: str) -> Path | None:
        *packages, last = dotted.split(".")
        if not last or "" in packages:
            return None
        if (packages[0] if packages else last) in self.installed(root):
            return None
        folder = root.joinpath(*packages) if packages else root
        names = self._listing(folder)
        if names.get(f"{last}.py"):
            return folder / f"{last}.py"
        if last in names and self._listing(folder / last).get("__init__.py"):
            return folder / last / "__init__.py"
        return None

    def resolve_import(self, file: Path, roots: tuple[Path, ...], level: int, dotted: str) -> Path | None:
        """The project file `from <level dots><dotted> import ...` or `import <dotted>` loads, if any
        (`from . import x`, `dotted` empty: the package's `__init__.py`)."""
        if level and not dotted:
            init = package_dir(file, level) / "__init__.py"
            return init if init != file and self.is_file(init) else None
        if level:
            return self.module_path(package_dir(file, level), dotted)
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


# `git+https://github.com/org/pycommon.git@v0.1.1`, `-e git+...#egg=name`, a wheel or archive URL
_VCS_REQUIREMENT = re.compile(r"^\s*(?:-e\s+)?(?:git|hg|svn|bzr)\+\S+|^\s*https?://\S+\.(?:zip|tar\.gz|whl)\b")


def _published_requirements(root: Path) -> frozenset[str]:
    """What the folder's requirements.txt (and the files it includes with `-r`) and pyproject.toml
    (PEP 621 or Poetry) install from PyPI, as the names they are most likely imported as; read
    with the parser the package rules use (`package_size.parse_requirements`)."""
    from lambdalint.package_size import parse_requirements, read_requirements

    requirements = read_requirements(root) + parse_requirements("\n".join(_pyproject_dependencies(root / "pyproject.toml")))
    found: set[str] = set()
    for requirement in requirements:
        if requirement.name in _VCS_SCHEMES:
            continue  # `git+https://...`: a library installed from a repository (`_unpublished_requirements`)
        name = requirement.name.replace("-", "_")
        found.add(name)
        if name.startswith("python_"):
            found.add(name[len("python_"):])
    return frozenset(found)


# What the requirement parser takes for a name on a `git+https://...` or URL line.
_VCS_SCHEMES = frozenset({"git", "hg", "svn", "bzr", "http", "https"})


def _pyproject_dependencies(path: Path) -> list[str]:
    if not path.is_file():
        return []
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover
        import tomli as tomllib
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except (OSError, ValueError):  # a broken pyproject.toml is not ours to report here
        return []
    project = data.get("project") if isinstance(data.get("project"), dict) else {}
    poetry = data.get("tool", {}).get("poetry", {}) if isinstance(data.get("tool"), dict) else {}
    listed = [d for d in project.get("dependencies", []) if isinstance(d, str)]
    declared = poetry.get("dependencies", {}) if isinstance(poetry, dict) else {}
    return listed + [name for name in declared if isinstance(declared, dict) and name != "python"]


def _unpublished_requirements(root: Path) -> dict[str, str]:
    """Libraries the package installs from a repository or an archive rather than from PyPI (a
    team's own helpers), by the name they are most likely imported as: what they call is not
    known (`code.aws`). Empty when the folder has no requirements.txt."""
    try:
        text = (root / "requirements.txt").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return {}
    found: dict[str, str] = {}
    for line in text.splitlines():
        match = _VCS_REQUIREMENT.match(line)
        if match is None:
            continue
        written = match.group(0).strip()
        egg = re.search(r"[#&]egg=([A-Za-z0-9_.-]+)", line)
        if egg:
            name = egg.group(1)
        else:  # the repository or archive: the path's last part before an `@ref` (which may hold `/`)
            path = written.split("#")[0].split("://", 1)[-1].partition("/")[2].split("@")[0]
            name = re.sub(r"\.(git|zip|tar\.gz|whl)$", "", path.rstrip("/").rsplit("/", 1)[-1]).split("-")[0]
        if name:
            found[re.sub(r"[-_.]+", "_", name).lower()] = written
    return found
