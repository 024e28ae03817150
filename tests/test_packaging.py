"""A non-editable install (pre-commit's, pip's) ships every package of the engine."""

from __future__ import annotations

import sys

from conftest import PROJECT

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib


def test_every_engine_package_is_listed_in_pyproject() -> None:
    listed = set(tomllib.loads((PROJECT / "pyproject.toml").read_text(encoding="utf-8"))
                 ["tool"]["setuptools"]["packages"])
    found = {".".join(p.parent.relative_to(PROJECT).parts)
             for p in (PROJECT / "lambdalint").rglob("__init__.py") if "__pycache__" not in p.parts}
    assert found <= listed, f"add to [tool.setuptools] packages: {sorted(found - listed)}"
