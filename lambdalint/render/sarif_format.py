"""SARIF 2.1.0 for GitHub code scanning (and any other SARIF consumer).

What GitHub needs beyond the schema (../shared/sarif-github.md): per rule a short and a full
description and help text; per result a message, a location with a full region, and
`partialFingerprints.primaryLocationLineHash`. Suppressed findings stay in the log with a
`suppressions` entry, so code scanning shows them as dismissed-in-source instead of forgetting them.
Paths are relative to the working folder (`%SRCROOT%`), which in CI is the repository root.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import quote

from lambdalint.api import LintResult
from lambdalint.findings import Finding, Related
from lambdalint.fingerprints import line_hashes
from lambdalint.located import Span
from lambdalint.registry import Registry
from lambdalint.rule import Rule

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://pypi.org/project/lambdalint/"
SRCROOT = "%SRCROOT%"
LEVELS = {"error": "error", "warning": "warning", "info": "note"}
FAMILIES = {"LL0": "input", "LL1": "handler-code", "LL2": "configuration", "LL3": "iam",
            "LL4": "package"}
# GitHub ranks security alerts by this score: >= 9 critical, 7-8.9 high, 4-6.9 medium, < 4 low.
SECURITY_SEVERITY = {"error": "8.0", "warning": "5.5", "info": "3.0"}
_LIMIT = 1024  # GitHub's limit for short and full descriptions


def render(report: LintResult, registry: Registry | None = None) -> str:
    return json.dumps(sarif_log(report, registry), indent=2, ensure_ascii=False) + "\n"


def sarif_log(report: LintResult, registry: Registry | None = None) -> dict[str, Any]:
    registry = registry or Registry.installed()
    rules = list(registry.rules)
    known = {r.code for r in rules}
    descriptors = [rule_descriptor(r) for r in rules]
    for finding in report.findings:  # a finding from a rule outside the registry (tests, plugins)
        if finding.code not in known:
            known.add(finding.code)
            descriptors.append(_minimal_descriptor(finding))
    index = {d["id"]: i for i, d in enumerate(descriptors)}
    hashes = _LineHashes(report)
    root = report.project.cwd if report.project is not None else Path.cwd()
    run: dict[str, Any] = {
        "tool": {"driver": {
            "name": "lambdalint", "version": report.version, "semanticVersion": report.version,
            "informationUri": INFORMATION_URI, "rules": descriptors,
        }},
        "automationDetails": {"id": "lambdalint/"},
        "originalUriBaseIds": {SRCROOT: {"uri": root.absolute().as_uri().rstrip("/") + "/"}},
        "invocations": [{
            "executionSuccessful": not report.internal_errors,
            "toolExecutionNotifications": [
                {"level": "error", "message": {"text": error}} for error in report.internal_errors] + [
                _unchecked_notification(line) for line in report.unchecked],
        }],
        "results": [result(f, index[f.code], hashes) for f in report.findings],
        "columnKind": "unicodeCodePoints",
    }
    return {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}


def _unchecked_notification(line: str) -> dict[str, Any]:
    """Infrastructure that was not read, located at its file (`path: what`)."""
    path, _, text = line.partition(": ")
    return {"level": "warning", "message": {"text": line},
            "locations": [{"physicalLocation": location(Span.point(path, 1))["physicalLocation"]}],
            "descriptor": {"id": "unchecked-infrastructure"}}


def rule_descriptor(rule: Rule) -> dict[str, Any]:
    docs = rule.docs.strip()
    what = _section(docs, "What it does") or rule.summary
    tags = [FAMILIES.get(rule.code[:3], "lambdalint"), *rule.tags, *(("preview",) if rule.preview else ())]
    properties: dict[str, Any] = {"tags": list(dict.fromkeys(tags))[:20]}
    if "security" in rule.tags:
        explicit = rule.security_severity
        properties["security-severity"] = f"{explicit:.1f}" if explicit is not None \
            else SECURITY_SEVERITY[rule.severity]
    descriptor: dict[str, Any] = {
        "id": rule.code,
        "name": _pascal(rule.slug),
        "shortDescription": {"text": _clip(rule.summary)},
        "fullDescription": {"text": _clip(_plain(what))},
        "help": {"text": _plain(docs) or rule.summary, "markdown": _markdown(rule)},
        # A preview rule is off unless asked for (`--preview`): SARIF's `enabled` says so.
        "defaultConfiguration": {"level": LEVELS[rule.severity], **({"enabled": False} if rule.preview else {})},
        "properties": properties,
    }
    uri = rule.help_uri
    if uri:
        descriptor["helpUri"] = uri
    return descriptor


def result(finding: Finding, rule_index: int, hashes: _LineHashes) -> dict[str, Any]:
    message = finding.message + (f" ({finding.hint})" if finding.hint else "")
    item: dict[str, Any] = {
        "ruleId": finding.code,
        "ruleIndex": rule_index,
        "level": LEVELS[finding.severity],
        "message": {"text": message},
        "locations": [location(finding.span)],
        "partialFingerprints": {},
    }
    line_hash = hashes.get(finding.span.path, finding.span.line)
    if line_hash is not None:
        item["partialFingerprints"]["primaryLocationLineHash"] = line_hash
    if finding.related:
        item["relatedLocations"] = [related_location(r, i) for i, r in enumerate(finding.related, 1)]
    if finding.function or finding.resource:
        item["properties"] = {k: v for k, v in
                              (("function", finding.function), ("resource", finding.resource)) if v}
    if finding.suppressed is not None:
        kind = "inSource" if finding.suppressed.kind == "in-source" else "external"
        item["suppressions"] = [{"kind": kind, "status": "accepted",
                                 "justification": finding.suppressed.justification}]
    return item


def location(span: Span) -> dict[str, Any]:
    artifact: dict[str, Any]
    if span.path.startswith("/"):
        artifact = {"uri": Path(span.path).as_uri()}
    else:
        artifact = {"uri": quote(span.path), "uriBaseId": SRCROOT}
    end_line = max(span.end_line, span.line)
    end_column = span.end_column if (end_line, span.end_column) > (span.line, span.column) \
        else span.column + 1
    return {"physicalLocation": {"artifactLocation": artifact, "region": {
        "startLine": span.line, "startColumn": span.column,
        "endLine": end_line, "endColumn": end_column}}}


def related_location(related: Related, number: int) -> dict[str, Any]:
    return {"id": number, **location(related.span), "message": {"text": related.message}}


class _LineHashes:
    """Line fingerprints per file, computed once per file from the text the run read."""

    def __init__(self, report: LintResult) -> None:
        self.project = report.project
        self.cache: dict[str, list[str] | None] = {}

    def get(self, path: str, line: int) -> str | None:
        if path not in self.cache:
            text = self._text(path)
            self.cache[path] = line_hashes(text) if text is not None else None
        hashes = self.cache[path]
        return hashes[line - 1] if hashes and 0 < line <= len(hashes) else None

    def _text(self, path: str) -> str | None:
        if self.project is not None and path in self.project.sources:
            return self.project.sources[path].text
        base = self.project.cwd if self.project is not None else Path.cwd()
        try:
            return (base / path).read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError):
            return None


def _minimal_descriptor(finding: Finding) -> dict[str, Any]:
    return {"id": finding.code, "name": _pascal(finding.slug),
            "shortDescription": {"text": finding.slug}, "fullDescription": {"text": finding.slug},
            "help": {"text": finding.slug}, "defaultConfiguration": {"level": LEVELS[finding.severity]}}


def _section(docs: str, heading: str) -> str:
    match = re.search(rf"^## {re.escape(heading)}\s*\n(.*?)(?=^## |\Z)", docs, re.M | re.S)
    return match.group(1).strip() if match else ""


def _plain(markdown: str) -> str:
    """Markdown as readable plain text: headings without `#`, code spans without backticks."""
    text = re.sub(r"^```.*\n?", "", markdown, flags=re.M)
    text = re.sub(r"^#+\s*", "", text, flags=re.M)
    return text.replace("`", "").strip()


def _markdown(rule: Rule) -> str:
    from lambdalint.docs import PREVIEW

    preview = f"*{PREVIEW[:1].upper()}{PREVIEW[1:]}.*\n\n" if rule.preview else ""
    return f"**{rule.code} {rule.slug}**: {rule.summary}.\n\n{preview}{rule.docs.strip()}\n"


def _clip(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _LIMIT else text[: _LIMIT - 1] + "…"


def _pascal(slug: str) -> str:
    return "".join(part.capitalize() for part in slug.split("-"))
