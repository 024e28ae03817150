"""GitHub Actions workflow commands: one `::error file=...::message` annotation per finding.

GitHub shows each annotation on the pull request's diff. Values follow the runner's escaping rules:
in the message `%`, CR and LF are percent-encoded; in properties also `:` and `,`.
"""

from __future__ import annotations

from lambdalint.api import LintResult

COMMANDS = {"error": "error", "warning": "warning", "info": "notice"}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render(report: LintResult) -> str:
    lines: list[str] = []
    for finding in report.visible:
        span = finding.span
        properties = {
            "file": span.path, "line": span.line, "col": span.column,
            "endLine": max(span.end_line, span.line), "endColumn": span.end_column,
            "title": f"{finding.code} {finding.slug}",
        }
        attributes = ",".join(f"{key}={escape_property(str(value))}" for key, value in properties.items())
        message = finding.message + (f"\n{finding.hint}" if finding.hint else "")
        lines.append(f"::{COMMANDS[finding.severity]} {attributes}::{escape_data(message)}")
    return "".join(line + "\n" for line in lines)
