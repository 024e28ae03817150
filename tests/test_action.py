"""The GitHub Action (`action.yml`, composite): its shell steps run here as the runner would run
them, with a fake `GITHUB_*`/`RUNNER_*` environment and no network.

What is faked, precisely: the runner's environment variables and step inputs (`INPUT_*`,
`GITHUB_ACTION_PATH`, `GITHUB_OUTPUT`, `RUNNER_TEMP`); and pip's package index: the install step's
virtualenv is prepared beforehand (the step reuses an existing one) without its bundled setuptools
and with a `.pth` file that puts this test environment's site-packages (lambdalint's
dependencies, a recent setuptools) on its path, and pip runs with `PIP_NO_INDEX` and without
build isolation. lambdalint itself is really built and installed from
the action's checkout, and the `upload-sarif` step (github/codeql-action) is only checked in the
YAML: it needs GitHub.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest
import yaml

from conftest import PROJECT

ACTION = yaml.safe_load((PROJECT / "action.yml").read_text(encoding="utf-8"))
needs_bash = pytest.mark.skipif(shutil.which("bash") is None, reason="the action's steps are bash scripts")


def test_action_is_a_composite_that_installs_runs_uploads_and_fails_last() -> None:
    assert ACTION["runs"]["using"] == "composite"
    assert {"paths", "format", "fail-on", "args", "upload-sarif", "sarif-file"} <= set(ACTION["inputs"])
    steps = ACTION["runs"]["steps"]
    assert [s["name"] for s in steps] == ["Install lambdalint", "Run lambdalint", "Upload SARIF to code scanning",
                                          "Fail on findings"]
    assert steps[0]["run"] == '"$GITHUB_ACTION_PATH/action/install.sh"'
    assert steps[1]["run"] == '"$GITHUB_ACTION_PATH/action/run.sh"'
    assert steps[2]["uses"].startswith("github/codeql-action/upload-sarif@")
    assert "inputs.upload-sarif == 'true'" in steps[2]["if"]
    assert steps[3]["if"] == "steps.run.outputs.exit-code != '0'"
    for name in ("install.sh", "run.sh"):
        assert os.access(PROJECT / "action" / name, os.X_OK), f"action/{name} must be executable"


@pytest.fixture(scope="module")
def runner(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The action checked out and installed by its own install step, as on a runner."""
    root = tmp_path_factory.mktemp("runner")
    checkout = root / "action-checkout"
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info", "*.pyc", "build")
    for name in ("lambdalint", "rules", "action"):
        shutil.copytree(PROJECT / name, checkout / name, ignore=ignore)
    for name in ("pyproject.toml", "README.md", "action.yml"):
        shutil.copy(PROJECT / name, checkout / name)
    temp = root / "runner-temp"
    venv = temp / "lambdalint-venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, capture_output=True)
    subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "uninstall", "-q", "-y", "setuptools"],
                   capture_output=True)  # the old one ensurepip bundles would shadow ours
    site = Path(subprocess.run([str(venv / "bin" / "python"), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               check=True, capture_output=True, text=True).stdout.strip())
    (site / "test_environment.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    env = {**os.environ, "GITHUB_ACTION_PATH": str(checkout), "RUNNER_TEMP": str(temp), "GITHUB_ACTIONS": "true",
           "INPUT_PYTHON": sys.executable, "PIP_NO_INDEX": "1", "PIP_NO_BUILD_ISOLATION": "0"}
    env.pop("VIRTUAL_ENV", None)
    install = subprocess.run(["bash", str(checkout / "action" / "install.sh")], env=env, capture_output=True,
                             text=True, timeout=600)
    assert install.returncode == 0, install.stdout + install.stderr
    assert install.stdout.strip().startswith("lambdalint, version ")
    return env


def _run(runner: dict[str, str], workspace: Path, **inputs: str) -> tuple[subprocess.CompletedProcess[str], dict[str, str]]:
    output = workspace / "github-output"
    output.write_text("", encoding="utf-8")
    env = {**runner, "GITHUB_WORKSPACE": str(workspace), "GITHUB_OUTPUT": str(output),
           **{f"INPUT_{k.upper()}": v for k, v in inputs.items()}}
    run = subprocess.run(["bash", str(Path(runner["GITHUB_ACTION_PATH"]) / "action" / "run.sh")], cwd=workspace,
                         env=env, capture_output=True, text=True, timeout=300)
    outputs = dict(line.split("=", 1) for line in output.read_text(encoding="utf-8").splitlines() if "=" in line)
    return run, outputs


@needs_bash
def test_installed_action_annotates_writes_sarif_and_hands_on_the_exit_code(runner: dict[str, str],
                                                                           tmp_path: Path) -> None:
    workspace = tmp_path / "repo"
    shutil.copytree(PROJECT / "examples" / "orders-app", workspace / "orders-app")
    # the lambdalint that ran is the one installed from the checkout, not this test's
    version = subprocess.run([str(Path(runner["RUNNER_TEMP"]) / "lambdalint-venv" / "bin" / "python"), "-c",
                              "import lambdalint; print(lambdalint.__file__)"], cwd=workspace,
                             capture_output=True, text=True)
    assert "lambdalint-venv" in version.stdout, version.stdout + version.stderr

    run, outputs = _run(runner, workspace, paths="orders-app", format="github", fail_on="warning", args="",
                        sarif_file="lambdalint.sarif")
    assert run.returncode == 0, run.stderr  # the job fails in the action's last step, after the upload
    assert outputs == {"exit-code": "1", "sarif-file": "lambdalint.sarif"}
    assert "::error file=orders-app/template.yaml,line=" in run.stdout
    sarif = json.loads((workspace / "lambdalint.sarif").read_text(encoding="utf-8"))
    assert {r["ruleId"] for r in sarif["runs"][0]["results"]} >= {"LL201", "LL205"}

    # extra arguments and fail-on pass through: nothing at or above error once LL2/LL3 are ignored
    run, outputs = _run(runner, workspace, paths="orders-app", format="sarif", fail_on="error",
                        args="--ignore LL2,LL3", sarif_file="out/report.sarif")
    assert outputs["exit-code"] == "0" and run.stdout == "", run.stderr
    assert json.loads((workspace / "out" / "report.sarif").read_text(encoding="utf-8"))["runs"]

    # a lambdalint error fails the run step itself, with its one line
    run, outputs = _run(runner, workspace, paths="orders-app missing-dir", format="text", fail_on="warning",
                        args="", sarif_file="lambdalint.sarif")
    assert run.returncode == 2 and outputs == {}
    assert "lambdalint: error: missing-dir: no such file or directory" in run.stderr
