"""Bad input never raises: each broken file is one clear LL001 and every other file is still checked."""

from __future__ import annotations

import codecs
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import codes_at, run_lint, write_tree

GOOD = """\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  GoodFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: app.handler
      Runtime: python3.12
"""
BROKEN = "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Fn:\n    Type: [AWS::Lambda::Function\n"


@pytest.fixture
def messy(tmp_path: Path) -> Path:
    write_tree(tmp_path, {
        "template.yaml": GOOD,
        "broken/template.yaml": BROKEN,
        "latin1/template.yaml": "Description: caf\xe9\nResources: {}\n".encode("latin-1"),
        "binary/template.yaml": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)),
    })
    (tmp_path / "loop.yaml").symlink_to(tmp_path / "loop.yaml")
    unreadable = tmp_path / "locked" / "template.yaml"
    write_tree(tmp_path, {"locked/template.yaml": GOOD})
    unreadable.chmod(0)
    yield tmp_path
    unreadable.chmod(0o644)


def test_each_bad_file_is_one_ll001_and_the_good_template_is_checked(messy: Path) -> None:
    result = run_lint(messy, select=["LL001", "LL201"])
    assert not result.internal_errors
    by_path = {}
    for code, path, line in codes_at(result):
        by_path.setdefault(path, []).append((code, line))
    assert by_path["template.yaml"] == [("LL201", 4)]
    # the unclosed `[` opened on line 4; the parser only notices at the end of the file
    assert by_path["broken/template.yaml"] == [("LL001", 4)]
    assert by_path["latin1/template.yaml"] == [("LL001", 1)]
    assert by_path["binary/template.yaml"] == [("LL001", 1)]
    assert by_path["loop.yaml"] == [("LL001", 1)]
    messages = {f.span.path: f.message for f in result.visible if f.code == "LL001"}
    assert "UTF-8" in messages["latin1/template.yaml"]
    assert "binary" in messages["binary/template.yaml"]
    assert "symlink loop" in messages["loop.yaml"]
    if os.geteuid() == 0:
        # root reads files whatever their mode, so the locked file is simply checked
        assert by_path["locked/template.yaml"] == [("LL201", 4)]
    else:
        assert by_path["locked/template.yaml"] == [("LL001", 1)]


def test_unreadable_file_is_reported_not_raised(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Root ignores file modes, so the permission error is simulated where the walker reads."""
    write_tree(tmp_path, {"template.yaml": GOOD, "secret/template.yaml": GOOD})
    real = os.open

    def refuse(path: object, *args: object, **kwargs: object) -> int:
        if Path(str(path)).parent.name == "secret":
            raise PermissionError(13, "Permission denied", str(path))
        return real(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "open", refuse)
    result = run_lint(tmp_path, select=["LL001", "LL201"])
    assert codes_at(result) == [("LL001", "secret/template.yaml", 1), ("LL201", "template.yaml", 4)]
    assert "Permission denied" in result.visible[0].message


def test_cli_prints_no_traceback_on_bad_input(messy: Path) -> None:
    run = subprocess.run([sys.executable, "-m", "lambdalint", "check", ".", "--select", "LL001,LL201"],
                         cwd=messy, capture_output=True, text=True)
    assert run.returncode == 1
    assert "Traceback" not in run.stderr + run.stdout
    assert run.stdout.count("LL001") == 4 + (0 if os.geteuid() == 0 else 1)
    assert "template.yaml:4:3: LL201 [warning]" in run.stdout


def test_a_data_file_that_is_not_utf8_is_not_ours_but_a_template_is_reported(tmp_path: Path) -> None:
    """A DynamoDB scan saved by PowerShell (`> db.json`: UTF-16 with a BOM) beside a SAM app was an
    LL001 error, "binary file"; it is no template, so it is skipped like any other data file. A
    template saved the same way is reported, saying what to do."""
    scan = '{\n    "Items": [\n        {"in_game": {"BOOL": true}}\n    ],\n    "Count": 1\n}\n'
    write_tree(tmp_path, {
        "template.yaml": GOOD,
        "db.json": scan.encode("utf-16"),
        "data/export.json": '{"Items": [{"city": "Malmö"}]}\n'.encode("latin-1"),
        "legacy/template.yaml": GOOD.encode("utf-16"),
        "orders/stack.json": codecs.BOM_UTF16_BE
        + '{"AWSTemplateFormatVersion": "2010-09-09", "Resources": {}}\n'.encode("utf-16-be"),
    })
    result = run_lint(tmp_path, select=["LL001", "LL201"])
    assert codes_at(result) == [("LL001", "legacy/template.yaml", 1), ("LL001", "orders/stack.json", 1),
                                ("LL201", "template.yaml", 4)]
    assert all("UTF-16 text" in f.message and "save it as UTF-8" in f.message
               for f in result.visible if f.code == "LL001")
