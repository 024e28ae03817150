"""A non-editable install (pre-commit's, pip's) ships every package of the engine, and the wheel
built the way the README's release section says installs and runs in a fresh virtualenv (this
one needs the package index for the build backend and the dependencies, like the pre-commit test)."""

from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import PROJECT
from lambdalint.registry import Registry

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


@pytest.mark.skipif(importlib.util.find_spec("build") is None,
                    reason="needs `build` (in the test extra: pip install -e '.[test]')")
def test_wheel_built_from_the_sdist_installs_in_a_fresh_virtualenv_and_runs(tmp_path: Path) -> None:
    """The release path of the README: `python -m build` (an sdist, then a wheel built from it),
    installed with pip into a new virtualenv (dependencies from the package index), then run on
    the bundled example the way a user would."""
    source = tmp_path / "source"  # a copy, so that building writes nothing into the checkout
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info", "*.pyc", "build", "dist")
    for name in ("lambdalint", "rules"):
        shutil.copytree(PROJECT / name, source / name, ignore=ignore)
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(PROJECT / name, source / name)
    dist = tmp_path / "dist"
    built = subprocess.run([sys.executable, "-m", "build", "--outdir", str(dist), str(source)],
                           capture_output=True, text=True, timeout=900)
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    [wheel] = dist.glob("lambdalint-*.whl")
    assert len(list(dist.glob("lambdalint-*.tar.gz"))) == 1
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        metadata = archive.read(next(n for n in names if n.endswith(".dist-info/METADATA"))).decode()
    assert "lambdalint/rules/unused_suppression.py" in names and "lambdalint/render/sarif_format.py" in names
    assert "Description-Content-Type: text/markdown" in metadata

    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, capture_output=True, timeout=300)
    installed = subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet",
                                "--disable-pip-version-check", str(wheel)],
                               capture_output=True, text=True, timeout=900)
    assert installed.returncode == 0, installed.stdout[-3000:] + installed.stderr[-3000:]
    run = subprocess.run([str(venv / "bin" / "lambdalint"), "check", "examples/orders-app", "--format", "json"],
                         cwd=PROJECT, capture_output=True, text=True, timeout=300)
    assert run.returncode == 1, run.stderr
    codes = {f["code"] for f in json.loads(run.stdout)["findings"]}
    assert {"LL101", "LL201", "LL205", "LL301"} <= codes  # code and template rules both installed
    rules = subprocess.run([str(venv / "bin" / "lambdalint"), "rules"], capture_output=True, text=True)
    assert len(rules.stdout.splitlines()) == len(Registry.installed().rules)
