"""Findings and the report one run produces."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, NamedTuple

from lambdalint.located import Span

Severity = Literal["error", "warning", "info"]
SEVERITIES: tuple[Severity, ...] = ("info", "warning", "error")


def severity_rank(severity: str) -> int:
    return SEVERITIES.index(severity)  # type: ignore[arg-type]


class Related(NamedTuple):
    """A second place a finding involves, e.g. the template line that names a handler."""

    message: str
    span: Span
    # True for a place shown only to orient the reader ("handler configured here"): a change
    # there does not cause the finding, so focus mode does not keep the finding for it.
    context: bool = False


class Suppression(NamedTuple):
    """Why a finding is not counted: `in-source` (a comment or Metadata) or `external` (config)."""

    kind: Literal["in-source", "external"]
    justification: str


@dataclass
class Finding:
    """One problem at one place; `suppressed` says why it is not counted, when it is not."""

    code: str
    slug: str
    severity: Severity
    message: str
    hint: str
    span: Span
    function: str | None = None
    related: tuple[Related, ...] = ()
    resource: str | None = None  # logical id / function key it belongs to, for per-resource ignores
    suppressed: Suppression | None = None
    fix: object | None = field(default=None, compare=False)

    @property
    def owner(self) -> str | None:
        return self.resource or self.function

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.span.path, self.span.line, self.span.column, self.code)


@dataclass
class Report:
    """What `api.lint` returns; renderers and the exit code are computed from it."""

    version: str
    findings: list[Finding]
    files: int
    functions: int
    # What the run could not judge and why (e.g. a role defined outside the template): not findings.
    notes: list[str] = field(default_factory=list)
    # Infrastructure the run found but cannot read, whose functions it did not check (Terraform, a
    # CDK app without `cdk.out`): shown always, since a clean report would otherwise mislead.
    unchecked: list[str] = field(default_factory=list)

    @property
    def visible(self) -> list[Finding]:
        return [f for f in self.findings if f.suppressed is None]

    def by_severity(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for finding in self.visible:
            counts[finding.severity] = counts.get(finding.severity, 0) + 1
        return counts

    def failed(self, fail_on: Severity) -> bool:
        floor = severity_rank(fail_on)
        return any(severity_rank(f.severity) >= floor for f in self.visible)
