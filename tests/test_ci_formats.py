"""`--format github` (workflow commands) and `--format gitlab` (Code Quality JSON)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from conftest import FIXTURES, run_lint
from lambdalint.findings import Finding
from lambdalint.located import Span
from lambdalint.render import render
from lambdalint.render.github_format import escape_data, escape_property

PROJECT = FIXTURES / "projects" / "every-family"


def test_github_annotations_carry_location_and_title(tmp_path: Path) -> None:
    root = Path(shutil.copytree(PROJECT, tmp_path / "app"))
    result = run_lint(root)
    lines = render(result, "github").splitlines()
    assert len(lines) == len(result.visible)
    reserved = next(line for line in lines if "LL205" in line)
    assert reserved.startswith("::error file=template.yaml,line=23,col=11,endLine=23,endColumn=21,"
                               "title=LL205 reserved-environment-variable::")
    assert "%0A" in reserved  # the hint sits on a second line of the annotation
    assert any(line.startswith("::warning file=template.yaml,line=13,") for line in lines)
    assert not any("line=38," in line and "LL202" in line for line in lines)  # suppressed


def test_github_escaping() -> None:
    assert escape_data("100% sure\r\nnext") == "100%25 sure%0D%0Anext"
    assert escape_property("a:b,c%") == "a%3Ab%2Cc%25"
    finding = Finding("LL201", "missing-timeout", "info", "`x`: 50%\nsecond", "",
                      Span("dir,with:odd/template.yaml", 2, 3, 2, 9))

    class Report:
        visible = [finding]

    line = render(Report(), "github")  # type: ignore[arg-type]
    assert line == ("::notice file=dir%2Cwith%3Aodd/template.yaml,line=2,col=3,endLine=2,endColumn=9,"
                    "title=LL201 missing-timeout::`x`: 50%25%0Asecond\n")


def test_gitlab_code_quality_report(tmp_path: Path) -> None:
    root = Path(shutil.copytree(PROJECT, tmp_path / "app"))
    issues = json.loads(render(run_lint(root), "gitlab"))
    assert issues and all(set(i) >= {"description", "check_name", "fingerprint", "severity", "location"}
                          for i in issues)
    assert {i["severity"] for i in issues} <= {"info", "minor", "major", "critical", "blocker"}
    by_check = {i["check_name"]: i for i in issues}
    assert by_check["LL205 reserved-environment-variable"]["severity"] == "critical"
    assert by_check["LL205 reserved-environment-variable"]["location"] == {
        "path": "template.yaml", "lines": {"begin": 23, "end": 23}}
    assert len({i["fingerprint"] for i in issues}) == len(issues)


def test_gitlab_fingerprint_ignores_line_numbers(tmp_path: Path) -> None:
    root = Path(shutil.copytree(PROJECT, tmp_path / "app"))
    before = {i["check_name"] + i["description"]: (i["fingerprint"], i["location"]["lines"]["begin"])
              for i in json.loads(render(run_lint(root), "gitlab"))}
    template = root / "template.yaml"
    template.write_text("# moved\n" * 5 + template.read_text(encoding="utf-8"), encoding="utf-8")
    after = {i["check_name"] + i["description"]: (i["fingerprint"], i["location"]["lines"]["begin"])
             for i in json.loads(render(run_lint(root), "gitlab"))}
    template_keys = [k for k in before if "template.yaml" not in k and after[k][1] != before[k][1]]
    assert template_keys
    for key in template_keys:
        assert after[key][0] == before[key][0]
