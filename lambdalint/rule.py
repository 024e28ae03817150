"""What a rule is: metadata, documentation, a check over the model, and embedded examples.

Rules live one per file in `rules/` (installed as `lambdalint.rules`): the registry finds them by
walking that package, so a new rule is one file. Third-party rule packs register through the
`lambdalint.rules` entry-point group. A rule module exposes `RULE = Rule(...)`; its module
docstring is the rule's documentation, and modules whose name starts with `_` are helpers.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Literal, NamedTuple

from lambdalint.findings import Finding, Related, Severity
from lambdalint.located import Span
from lambdalint.model import Project

# The kinds of file a finding can be located in (see `lambdalint.focus.file_kind`).
FileKind = Literal["python", "template", "other"]
ANY_FILE: frozenset[FileKind] = frozenset({"python", "template", "other"})

DOC_SECTIONS = ("## What it does", "## Why is this bad?", "## Example", "## How to fix", "## References")


class Example(NamedTuple):
    """Files (relative path -> text) for one example project; made with `good()` / `bad()`.

    In a bad example, every line that must be reported carries `# [slug]` (YAML or Python comment);
    a good example must produce no finding of the rule at all. A bad example may also pin the
    message of its findings (`message=`, every finding of the rule has it) and what the safe fixes
    make of its files (`fix=`: the fixed text of the example's file, or a dict per file).
    """

    files: dict[str, str]
    good: bool
    title: str
    # This rule's options for the example, as under `[tool.lambdalint.rules.<CODE>]`: lets an
    # example show a threshold rule without committing files as big as the default threshold.
    options: dict[str, Any]
    message: str | None = None
    fix: dict[str, str] | None = None


def good(text: str = "", *, name: str = "template.yaml", files: dict[str, str] | None = None,
         title: str = "", options: dict[str, Any] | None = None) -> Example:
    return Example({name: text, **(files or {})} if text else dict(files or {}), True, title,
                   dict(options or {}))


def bad(text: str = "", *, name: str = "template.yaml", files: dict[str, str] | None = None,
        title: str = "", options: dict[str, Any] | None = None, message: str | None = None,
        fix: str | dict[str, str] | None = None) -> Example:
    fixed = {name: fix} if isinstance(fix, str) else fix
    return Example({name: text, **(files or {})} if text else dict(files or {}), False, title,
                   dict(options or {}), message, dict(fixed) if fixed is not None else None)


class Option(NamedTuple):
    """A rule setting users may change under `[tool.lambdalint.rules.<CODE>]`."""

    default: Any
    kind: type
    help: str


@dataclass
class Context:
    """What a check sees: the project, this rule's options, and today's date (tests pin it)."""

    rule: Rule
    project: Project
    options: dict[str, Any]
    today: datetime.date

    def note(self, text: str) -> None:
        """Something the user may want to know that is not a finding (shown with `--verbose`)."""
        self.project.note(text)

    def finding(self, span: Span, message: str, hint: str, *, function: str | None = None,
                resource: str | None = None, related: Iterable[Related] = (),
                severity: Severity | None = None, fix: object | None = None) -> Finding:
        return Finding(code=self.rule.code, slug=self.rule.slug,
                       severity=severity or self.rule.severity, message=message, hint=hint,
                       span=span, function=function, resource=resource,
                       related=tuple(dict.fromkeys(related)),  # one place said once, however many functions lead there
                       fix=fix)


@dataclass(frozen=True)
class Rule:
    """A rule: metadata, its check, and documentation with good/bad examples (see module doc)."""

    code: str
    slug: str
    severity: Severity
    summary: str
    check: Callable[[Context], Iterable[Finding]]
    docs: str
    examples: tuple[Example, ...] = ()
    tags: tuple[str, ...] = ()
    options: dict[str, Option] = field(default_factory=dict)
    # Rules that read handler code make the engine load it; template-only runs never import LibCST.
    needs_code: bool = False
    # What a code rule looks for, so the engine parses in full only the modules that can hold it
    # (`lambdalint.code.scan`): the dotted names of the calls, methods and attributes it matches
    # (the last part of each must appear in a module's text as a word) and regular expressions
    # (compiled with re.M; inline flags) for facts that are not names. `()`: the rule reads only
    # handler definitions. None: undeclared, every module the handlers import is parsed in full.
    code_names: tuple[str, ...] | None = None
    code_patterns: tuple[str, ...] = ()
    # Where the findings can be located. With focused files (pre-commit, editors) a rule that cannot
    # report in any of them is not run: saving a handler does not size packages or expand IAM
    # policies. A rule that leaves this out is always run.
    reports_in: frozenset[FileKind] = ANY_FILE
    # GitHub code scanning's score (0.1-10.0) for rules tagged `security`; default from severity.
    security_severity: float | None = None
    # Runs after every other rule's findings met the suppressions, and reads which suppressions
    # matched (`rulekit.suppression_run`): LL002 unused-suppression.
    after_suppressions: bool = False
    # Reads what the handler-code analysis adds when the run has one, without making the engine
    # analyse code (LL301's hint names the actions the code calls; LL001 reports Python files that
    # do not parse). Other rules without `needs_code` may run while code workers are still busy
    # (`api`), so such a rule must say so; `tests/test_rules_read_model.py` checks the usual ways.
    after_code: bool = False
    # A new rule starts in preview: it runs only with `--preview` / `preview = true`, or when named
    # exactly in `select`, so it does not change every project's report until it is promoted.
    preview: bool = False
    # Every severity a finding of this rule can have, when it is more than `severity` (the docs'
    # rules table shows them: `warning/info`).
    severities: tuple[Severity, ...] = ()
    # The README rules table's description when it says more than `summary` (which `lambdalint
    # rules` and SARIF show); lower case, no final period, like the summary.
    overview: str = ""

    @property
    def title(self) -> str:
        return self.summary

    @property
    def all_severities(self) -> tuple[Severity, ...]:
        return tuple(dict.fromkeys((self.severity, *self.severities)))

    @property
    def help_uri(self) -> str | None:
        """Where to read more: the first link under `## References` (SARIF `helpUri`, LSP
        `codeDescription.href`)."""
        return first_reference(self.docs)


def first_reference(docs: str) -> str | None:
    section = re.search(r"^## References\s*\n(.*?)(?=^## |\Z)", docs, re.M | re.S)
    match = re.search(r"https?://\S+", section.group(1)) if section else None
    return match.group(0).rstrip(").,>") if match else None
