"""GitLab Code Quality report (a JSON array), shown in merge requests.

GitLab matches issues between the source and target branch by `fingerprint`, so it must not change
when lines move: it hashes the rule, the file, the function or resource the finding belongs to, the
message, and a counter for identical findings in the same file; never line numbers.
Severities: error -> critical, warning -> major, info -> minor.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from lambdalint.api import LintResult
from lambdalint.findings import Finding

SEVERITIES = {"error": "critical", "warning": "major", "info": "minor"}


def fingerprint(finding: Finding, occurrence: int = 1) -> str:
    parts = (finding.code, finding.span.path, finding.owner or "", finding.message, str(occurrence))
    return hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()


def render(report: LintResult) -> str:
    issues: list[dict[str, Any]] = []
    seen: dict[tuple[str, str, str, str], int] = {}
    for finding in report.visible:
        key = (finding.code, finding.span.path, finding.owner or "", finding.message)
        seen[key] = seen.get(key, 0) + 1
        issues.append({
            "description": f"{finding.code} {finding.message}",
            "check_name": f"{finding.code} {finding.slug}",
            "fingerprint": fingerprint(finding, seen[key]),
            "severity": SEVERITIES[finding.severity],
            "location": {"path": finding.span.path,
                         "lines": {"begin": finding.span.line, "end": max(finding.span.end_line,
                                                                          finding.span.line)}},
        })
    return json.dumps(issues, indent=2, ensure_ascii=False) + "\n"
