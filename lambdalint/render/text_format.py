"""Human output: one line per finding (`path:line:col: CODE [severity] message`), its hint, a summary."""

from __future__ import annotations

from lambdalint.api import LintResult

_COLOURS = {"error": "31", "warning": "33", "info": "36", "path": "1", "hint": "2", "code": "1"}


def _paint(text: str, what: str, colour: bool) -> str:
    return f"\033[{_COLOURS[what]}m{text}\033[0m" if colour else text


def render(report: LintResult, colour: bool = False, show_hints: bool = True) -> str:
    lines: list[str] = []
    for finding in report.visible:
        span = finding.span
        location = _paint(f"{span.path}:{span.line}:{span.column}:", "path", colour)
        severity = _paint(f"[{finding.severity}]", finding.severity, colour)
        lines.append(f"{location} {_paint(finding.code, 'code', colour)} {severity} {finding.message}")
        if show_hints and finding.hint:
            lines.append(_paint(f"  hint: {finding.hint}", "hint", colour))
        for related in finding.related:
            where = f"{related.span.path}:{related.span.line}:{related.span.column}"
            lines.append(f"  related: {where}: {related.message}")
    lines.append(summary(report))
    return "\n".join(lines) + "\n"


def summary(report: LintResult) -> str:
    counts = report.by_severity()
    checked = f"{report.files} file{'s' if report.files != 1 else ''}, " \
              f"{report.functions} function{'s' if report.functions != 1 else ''}"
    suppressed = len(report.findings) - len(report.visible)
    hidden = f"; {suppressed} suppressed" if suppressed else ""
    if not report.visible:
        return f"All checks passed ({checked}{hidden})."
    parts = [f"{counts[s]} {s}{'s' if counts[s] != 1 and s != 'info' else ''}"
             for s in ("error", "warning", "info") if s in counts]
    total = len(report.visible)
    return f"Found {total} finding{'s' if total != 1 else ''} ({', '.join(parts)}) in {checked}{hidden}."
