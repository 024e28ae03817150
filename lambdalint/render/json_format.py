"""The stable JSON report of design.md, for scripts. Suppressed findings are left out."""

from __future__ import annotations

import json
from typing import Any

from lambdalint.api import LintResult
from lambdalint.findings import Finding


def finding_dict(finding: Finding) -> dict[str, Any]:
    span = finding.span
    return {
        "code": finding.code, "slug": finding.slug, "severity": finding.severity,
        "message": finding.message, "hint": finding.hint,
        "path": span.path, "line": span.line, "column": span.column,
        "end_line": span.end_line, "end_column": span.end_column,
        "function": finding.function,
        "related": [{"message": r.message, "path": r.span.path, "line": r.span.line,
                     "column": r.span.column} for r in finding.related],
    }


def render(report: LintResult) -> str:
    visible = report.visible
    document = {
        "version": report.version,
        "findings": [finding_dict(f) for f in visible],
        "summary": {"files": report.files, "functions": report.functions,
                    "findings": len(visible), "by_severity": report.by_severity()},
    }
    # Compact: json's C encoder is only used without `indent`, and scripts read this, not people.
    return json.dumps(document) + "\n"
