"""Suppression: comments on the reported line, per-resource ignores, and per-file config ignores.

Suppressed findings stay in the report (SARIF carries them as suppressions); they are not printed or
counted. Each suppression written in a file is a `Directive`; `apply_suppressions` records which of
their names matched a finding (`Usage`), so that `LL002 unused-suppression` can report the ones
that name no rule or hide nothing.
"""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass, field
from typing import Callable, Iterable, Iterator, Literal, NamedTuple

from lambdalint.config import Config, ConfigError
from lambdalint.findings import Finding, Suppression
from lambdalint.lazy_pattern import LazyPattern
from lambdalint.located import Span
from lambdalint.model import Project, SourceFile, Template
from lambdalint.registry import Registry

_IGNORE_COMMENT = LazyPattern(r"#\s*lambdalint:\s*ignore\b(?:\[([^\]]*)\])?", re.I)
# Whole tokens: `# noqa: LL10l` is one misspelled name, not the prefix `LL10` (which would
# silence every LL10x rule).
_NOQA_COMMENT = LazyPattern(r"#\s*noqa:\s*([A-Za-z]+[0-9]\w*(?:[ \t]*,?[ \t]*[A-Za-z]+[0-9]\w*)*)", re.I)
_NAME = LazyPattern(r"[^,\s]+")
ALL = "*"

DirectiveKind = Literal["comment", "noqa", "metadata"]


class Name(NamedTuple):
    """A code, slug or prefix as a suppression spells it, and where."""

    text: str
    span: Span


class Directive(NamedTuple):
    """One suppression written in a file: an ignore comment, a `# noqa: LL...` or a resource's
    `Metadata: {lambdalint: {ignore: [...]}}`. No names: a bare `# lambdalint: ignore` (all rules)."""

    kind: DirectiveKind
    span: Span
    names: tuple[Name, ...]
    owner: str | None = None  # the resource a Metadata list belongs to

    @property
    def key(self) -> tuple[str, str, int]:
        # An ignore comment on a resource's key line is one directive, whether it silenced a
        # finding on that line or one of the resource's.
        return (self.kind, self.span.path, self.span.line)


def line_directives(path: str, number: int, line: str, python: bool) -> list[Directive]:
    """The suppression comments on one line. A bare `# noqa` is not one: it is meant for other
    linters, and hiding our findings behind it would be a surprise."""
    found: list[Directive] = []
    for match in _IGNORE_COMMENT.finditer(line):
        names = _names(path, number, match.group(1), match.start(1)) if match.group(1) is not None else ()
        found.append(Directive("comment", _span(path, number, match.start(), match.end()), names))
    if python:
        for match in _NOQA_COMMENT.finditer(line):
            found.append(Directive("noqa", _span(path, number, match.start(), match.end()),
                                   _names(path, number, match.group(1), match.start(1))))
    return found


def _names(path: str, number: int, text: str, offset: int) -> tuple[Name, ...]:
    return tuple(Name(m.group(0), _span(path, number, offset + m.start(), offset + m.end()))
                 for m in _NAME.finditer(text))


def _span(path: str, number: int, start: int, end: int) -> Span:
    return Span(path, number, start + 1, number, end + 1)


def comment_codes(line: str, python: bool) -> set[str] | None:
    """Names the suppression comments on `line` list (`*` for all); None when there is none."""
    directives = line_directives("", 1, line, python)
    if not directives:
        return None
    return {n.text for d in directives for n in d.names} | ({ALL} if any(not d.names for d in directives) else set())


def _covering(finding: Finding, directive: Directive, registry: Registry, explicit: bool = False) -> list[str]:
    """The names in `directive` that cover the finding (`*` for a bare ignore); unknown names cover
    nothing. `explicit`: only the finding's own code or slug does (see `apply_suppressions`)."""
    if explicit:
        return [n.text for n in directive.names
                if n.text.upper() == finding.code or n.text.lower() == finding.slug]
    if not directive.names:
        return [ALL]
    covering = []
    for name in directive.names:
        try:
            if finding.code in registry.expand(name.text, "suppression"):
                covering.append(name.text)
        except ConfigError:
            continue
    return covering


def resource_directives(project: Project) -> dict[tuple[str, str], list[Directive]]:
    """(path of the file declaring it, resource or function name) -> the suppressions that cover
    all its findings.

    CloudFormation resources say it in `Metadata: {lambdalint: {ignore: [...]}}`; any resource or
    Serverless function can also carry an ignore comment on its key line or the line just above.
    """
    ignores: dict[tuple[str, str], list[Directive]] = {}
    for template in project.templates:
        owners = [(name, node.key_span) for name, node in template.resources.items()]
        owners += [(f.name, f.span) for f in template.functions]
        # a comment is in the file its owner's span names: a CDK app's template holds what each
        # of its modules wrote
        sources = {template.display: template.source}
        for _, span in owners:
            if span is not None and span.path not in sources and span.path in project.sources:
                sources[span.path] = project.sources[span.path]
        if not any(_names_us(project, source) for source in sources.values()):
            continue  # no Metadata key and no comment can name us: skip splitting its lines
        for logical_id, directive in _metadata_directives(template):
            ignores.setdefault((template.display, logical_id), []).append(directive)
        for name, span in owners:
            source = sources.get(span.path) if span is not None else None
            if span is None or source is None or not _names_us(project, source):
                continue
            lines = source.lines
            numbers = [span.line] if span.line <= len(lines) else []
            if span.line >= 2 and lines[span.line - 2].lstrip().startswith("#"):
                numbers.append(span.line - 1)
            for number in numbers:
                for directive in line_directives(span.path, number, lines[number - 1], python=False):
                    if directive not in ignores.get((span.path, name), []):
                        ignores.setdefault((span.path, name), []).append(directive)
    return ignores


def _names_us(project: Project, source: SourceFile) -> bool:
    """Whether the file's text says `lambdalint` at all (no comment or Metadata can name us
    otherwise). Asked of every file three or four times per run (the suppressions before and
    after LL002, and LL002), and a pass over a 900-template corpus takes ~1.7 ms: each file is
    searched once per run."""
    return project.remember("names-lambdalint", source, lambda: "lambdalint" in source.text)  # type: ignore[no-any-return]


def _metadata_directives(template: Template) -> Iterator[tuple[str, Directive]]:
    for logical_id, resource in template.resources.items():
        listed = resource.get("Metadata", "lambdalint", "ignore")
        if listed is None:
            continue
        names = tuple(Name(str(n.value), n.span) for n in listed.elements() if isinstance(n.value, str))
        yield logical_id, Directive("metadata", listed.span, names, logical_id)


def file_directives(project: Project) -> list[Directive]:
    """Every suppression written in the files the run read (templates and analysed Python
    modules), Metadata lists included."""
    found: list[Directive] = []
    for display, source in project.sources.items():
        python = display.endswith(".py")
        text = source.text
        if display.endswith(".json") or (not _names_us(project, source) and not (python and "noqa" in text)):
            continue  # JSON has no comments; most files name neither
        for number, line in enumerate(source.lines, start=1):
            if "#" in line:
                found.extend(line_directives(display, number, line, python))
    for template in project.templates:
        if _names_us(project, template.source):
            found.extend(directive for _, directive in _metadata_directives(template))
    return found


@dataclass
class Usage:
    """Which names of which directives matched a finding in this run (`*` for a bare ignore)."""

    used: dict[tuple[str, str, int], set[str]] = field(default_factory=dict)

    def mark(self, directive: Directive, names: Iterable[str]) -> None:
        self.used.setdefault(directive.key, set()).update(names)

    def names_used(self, directive: Directive) -> set[str]:
        return self.used.get(directive.key, set())


def apply_suppressions(findings: list[Finding], project: Project, config: Config,
                       registry: Registry, read_line: Callable[[str, int], str],
                       explicit: bool = False) -> Usage:
    """Mark suppressed findings in place and return which directives matched. `read_line(path,
    line)` gives a source line or ''. Every directive that covers a finding counts as used, not only
    the first: a resource's Metadata is not unused because a line comment also names the rule.

    `explicit` (findings about suppressions, LL002): only a directive naming the finding's code or
    slug hides it, so a bare `# lambdalint: ignore` cannot hide the finding that it is unused.
    """
    usage = Usage()
    # The same for both passes of a run (before and after LL002): found once.
    per_resource = project.remember("resource-directives", project, lambda: resource_directives(project))
    # A file without a `#` has no comment on any line: its lines are not split to look (a third of
    # the files holding findings in a template corpus; read_line splits a whole file first).
    commented: dict[str, bool] = {}
    for finding in findings:
        path = finding.span.path
        hits: list[Suppression] = []
        has_hash = commented.get(path)
        if has_hash is None:
            source = project.sources.get(path)
            has_hash = commented[path] = source is None or "#" in source.text
        line = read_line(path, finding.span.line) if has_hash else ""
        for directive in line_directives(path, finding.span.line, line, path.endswith(".py")) if "#" in line else ():
            names = _covering(finding, directive, registry, explicit)
            if names:
                usage.mark(directive, names)
                hits.append(Suppression("in-source", "ignore comment on the line"))
        for directive in _owner_directives(finding, per_resource):
            names = _covering(finding, directive, registry, explicit)
            if names:
                usage.mark(directive, names)
                why = "Metadata lambdalint.ignore" if directive.kind == "metadata" else "ignore comment"
                hits.append(Suppression("in-source", why))
        if hits:
            finding.suppressed = hits[0]
            continue
        for pattern, names in config.per_file_ignores.items():
            if _path_matches(path, pattern, project, config) and _matches(finding, names, registry):
                finding.suppressed = Suppression("external", f"per-file-ignores `{pattern}`")
                break
    return usage


def _owner_directives(finding: Finding, per_resource: dict[tuple[str, str], list[Directive]]) -> list[Directive]:
    owner = finding.owner
    if owner is None or not per_resource:  # most runs: no resource or function carries one
        return []
    found = per_resource.get((finding.span.path, owner))
    if found is None:  # a handler's finding, owned by the function its template defines
        found = next((v for (tpl, name), v in per_resource.items() if name == owner
                      and any(r.span.path == tpl for r in finding.related)), None)
    return found or []


def _matches(finding: Finding, names: Iterable[str], registry: Registry) -> bool:
    """Whether a code, slug or prefix in `names` covers the finding; unknown names cover nothing."""
    for name in names:
        try:
            if finding.code in registry.expand(name, "suppression"):
                return True
        except ConfigError:
            continue
    return False


def per_file_ignored(display: str, project: Project, config: Config, registry: Registry) -> set[str]:
    """The codes `per-file-ignores` turns off for a file."""
    codes: set[str] = set()
    for pattern, names in config.per_file_ignores.items():
        if _path_matches(display, pattern, project, config):
            for name in names:
                try:
                    codes |= registry.expand(name, "per-file-ignores")
                except ConfigError:
                    continue
    return codes


def _path_matches(display: str, pattern: str, project: Project, config: Config) -> bool:
    candidates = {display}
    if config.root is not None:
        absolute = (project.cwd / display).resolve()
        try:
            candidates.add(absolute.relative_to(config.root).as_posix())
        except ValueError:
            pass
    return any(fnmatch.fnmatch(c, pattern) or fnmatch.fnmatch(c, pattern.rstrip("/") + "/*")
               for c in candidates)


@dataclass
class SuppressionRun:
    """What `LL002 unused-suppression` judges, left in `Project.analyses` by the engine after the
    other rules' findings met the suppressions: which directive names matched, and which rules
    ran (a suppression for a rule that did not run is never called unused)."""

    usage: Usage
    ran: frozenset[str]
    config: Config
    registry: Registry


ANALYSIS_KEY = "suppressions"


def suppression_run(project: Project) -> SuppressionRun | None:
    run = project.analyses.get(ANALYSIS_KEY)
    return run if isinstance(run, SuppressionRun) else None
