"""SARIF output: valid against the OASIS schema and complete for GitHub code scanning.

The fixture `every-family` holds one deliberate problem per rule family (handler code, configuration,
IAM, package) plus a parse error and a suppressed finding. The family test below demands a result for
every family that has a rule installed, so a branch that adds a family's first rule must make the
fixture trigger it (the fixture already has a per-invocation client, a wildcard policy and six
layers for the rules still to come).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from lambdalint.registry import Registry
from lambdalint.render import render
from conftest import FIXTURES, SHARED, requires_shared, run_lint

PROJECT = FIXTURES / "projects" / "every-family"


def sarif_of(root: Path) -> dict:
    return json.loads(render(run_lint(root), "sarif"))


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    return Path(shutil.copytree(PROJECT, tmp_path / "app"))


@requires_shared
def test_valid_against_the_sarif_schema(project: Path) -> None:
    import jsonschema

    schema = json.loads((SHARED / "schemas" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    log = sarif_of(project)
    errors = sorted(jsonschema.Draft4Validator(schema).iter_errors(log), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:10])


def test_every_rule_family_a_suppression_and_a_parse_error(project: Path) -> None:
    results = sarif_of(project)["runs"][0]["results"]
    families = {r.code[:3] for r in Registry.installed().rules}
    assert families <= {r["ruleId"][:3] for r in results}
    parse_errors = [r for r in results if r["ruleId"] == "LL001"]
    assert [r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in parse_errors] \
        == ["broken.yaml"]
    assert parse_errors[0]["level"] == "error"
    suppressed = [r for r in results if r.get("suppressions")]
    assert [(r["ruleId"], r["locations"][0]["physicalLocation"]["region"]["startLine"])
            for r in suppressed] == [("LL202", 38)]
    assert suppressed[0]["suppressions"][0]["kind"] == "inSource"
    assert suppressed[0]["suppressions"][0]["justification"]


def _nonempty(value: object, where: str) -> None:
    assert value not in (None, "", [], {}), f"{where} is missing or empty"


def test_fields_github_requires_are_present_and_non_empty(project: Path) -> None:
    log = sarif_of(project)
    _nonempty(log.get("$schema"), "$schema")
    assert log["version"] == "2.1.0"
    run = log["runs"][0]
    driver = run["tool"]["driver"]
    _nonempty(driver.get("name"), "driver.name")
    rule_ids = [rule["id"] for rule in driver["rules"]]
    assert rule_ids == [r.code for r in Registry.installed().rules]
    for rule in driver["rules"]:
        for key in ("shortDescription", "fullDescription", "help"):
            _nonempty(rule[key].get("text"), f"{rule['id']}.{key}.text")
            assert len(rule[key]["text"]) <= 1024 or key == "help"
        _nonempty(rule["help"].get("markdown"), f"{rule['id']}.help.markdown")
        _nonempty(rule.get("name"), f"{rule['id']}.name")
        assert rule["helpUri"].startswith("https://")
        assert rule["defaultConfiguration"]["level"] in ("note", "warning", "error")
        if "security" in rule["properties"]["tags"]:
            assert 0.0 < float(rule["properties"]["security-severity"]) <= 10.0
    assert run["invocations"][0]["executionSuccessful"] is True
    assert run["results"]
    for result in run["results"]:
        where = f"result {result['ruleId']}"
        _nonempty(result["message"].get("text"), f"{where} message")
        assert driver["rules"][result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["level"] in ("note", "warning", "error")
        physical = result["locations"][0]["physicalLocation"]
        assert not physical["artifactLocation"]["uri"].startswith(("/", "file:"))
        assert physical["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
        region = physical["region"]
        for key in ("startLine", "startColumn", "endLine", "endColumn"):
            assert isinstance(region[key], int) and region[key] >= 1, f"{where} {key}"
        assert (region["endLine"], region["endColumn"]) > (region["startLine"], region["startColumn"])
        assert ":" in result["partialFingerprints"]["primaryLocationLineHash"]
    base = run["originalUriBaseIds"]["%SRCROOT%"]["uri"]
    assert base.startswith("file://") and base.endswith("/")


def test_handler_finding_relates_to_its_template_line(project: Path) -> None:
    results = sarif_of(project)["runs"][0]["results"]
    handler = next(r for r in results if r["ruleId"] == "LL101")
    assert handler["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "src/orders/create.py"
    related = handler["relatedLocations"][0]
    assert related["physicalLocation"]["artifactLocation"] == {"uri": "template.yaml", "uriBaseId": "%SRCROOT%"}
    assert related["physicalLocation"]["region"]["startLine"] == 17  # `Handler: orders/create.handler`
    assert related["message"]["text"]


def test_related_locations_point_at_the_second_place(tmp_path: Path) -> None:
    from lambdalint.findings import Related
    from lambdalint.located import Span
    from lambdalint.render.sarif_format import related_location

    entry = related_location(Related("handler configured here", Span("template.yaml", 7, 16, 7, 38)), 1)
    assert entry["message"]["text"] == "handler configured here"
    assert entry["physicalLocation"]["region"] == {"startLine": 7, "startColumn": 16, "endLine": 7,
                                                   "endColumn": 38}


def _fingerprints(log: dict) -> dict[tuple[str, str], tuple[int, str]]:
    found = {}
    for result in log["runs"][0]["results"]:
        key = (result["ruleId"], result["message"]["text"])
        line = result["locations"][0]["physicalLocation"]["region"]["startLine"]
        found[key] = (line, result["partialFingerprints"]["primaryLocationLineHash"])
    return found


def test_fingerprint_stable_when_lines_are_inserted_above(project: Path) -> None:
    before = _fingerprints(sarif_of(project))
    template = project / "template.yaml"
    text = template.read_text(encoding="utf-8")
    marker = "Resources:\n"
    template.write_text(text.replace(marker, marker + "  # added by a later commit\n\n  # and more\n", 1),
                        encoding="utf-8")
    after = _fingerprints(sarif_of(project))
    moved = [key for key in before if key in after and after[key][0] != before[key][0]]
    assert any(code == "LL205" for code, _ in moved)  # the findings really moved down
    for key in moved:
        assert after[key][0] == before[key][0] + 3
        assert after[key][1] == before[key][1], key


def test_fingerprints_match_githubs_reference_vectors() -> None:
    # Expected values from github/codeql-action's tests of its fingerprint algorithm.
    from lambdalint.fingerprints import line_hashes

    assert line_hashes("") == ["c129715d7a2bc9a3:1"]
    assert line_hashes(" a\nb\n  \t\tc\n d") == [
        "271789c17abda88f:1", "54703d4cd895b18:1", "180aee12dab6264:1", "a23a3dc5e078b07b:1"]
    expected = ["e9496ae3ebfced30:1", "fb7c023a8b9ccb3f:1", "ce8ba1a563dcdaca:1", "e20e36e16fcb0cc8:1",
                "b3edc88f2938467e:1", "c8e28b0b4002a3a0:1", "c129715d7a2bc9a3:1"]
    assert line_hashes(" hello; \t\nworld!!!\n\n\n  \t\tGreetings\n End\n") == expected
    assert line_hashes(" hello; \t\r\nworld!!!\r\n\r\n\r\n  \t\tGreetings\r\n End\r\n") == expected
    assert line_hashes(" hello; \t\nworld!!!\r\r\r  \t\tGreetings\r End\r") == expected
    assert line_hashes("Lorem ipsum dolor sit amet.\n" * 10)[5:8] == [
        "a7f2ff13bc495cf2:6", "a7f2ff1481e87703:1", "a9cf91f7bbf1862b:1"]


def test_crashing_rule_marks_the_invocation_failed(project: Path) -> None:
    from lambdalint.api import LintResult

    result = run_lint(project)
    broken = LintResult(version=result.version, findings=result.findings, files=result.files,
                        functions=result.functions, project=result.project,
                        internal_errors=["rule LL999 crashed: KeyError: 'x'"])
    invocation = json.loads(render(broken, "sarif"))["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is False
    assert "LL999" in invocation["toolExecutionNotifications"][0]["message"]["text"]
