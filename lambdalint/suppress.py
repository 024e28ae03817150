"""Suppression: comments on the reported line, per-resource ignores, and per-file config ignores.

Suppressed findings stay in the report (SARIF carries them as suppressions); they are not printed or
counted.
"""

from __future__ import annotations

import fnmatch
import re
from typing import Iterable

from lambdalint.config import Config, ConfigError
from lambdalint.findings import Finding, Suppression
from lambdalint.model import Project
from lambdalint.registry import Registry

_IGNORE_COMMENT = re.compile(r"#\s*lambdalint:\s*ignore\b(?:\[([^\]]*)\])?", re.I)
_NOQA_COMMENT = re.compile(r"#\s*noqa:\s*([A-Za-z]+[0-9]+(?:[\s,]+[A-Za-z]+[0-9]+)*)", re.I)
ALL = "*"


def comment_codes(line: str, python: bool) -> set[str] | None:
    """Names a suppression comment on `line` lists (`*` for all); None when there is none.

    A bare `# noqa` is not honoured: it is meant for other linters, and hiding our findings behind
    it would be a surprise.
    """
    names: set[str] = set()
    found = False
    for match in _IGNORE_COMMENT.finditer(line):
        found = True
        names |= {n.strip() for n in re.split(r"[,\s]+", match.group(1))} if match.group(1) else {ALL}
    if python:
        for match in _NOQA_COMMENT.finditer(line):
            found = True
            names |= {n.strip() for n in re.split(r"[\s,]+", match.group(1))}
    return {n for n in names if n} if found else None


def _matches(finding: Finding, names: Iterable[str], registry: Registry) -> bool:
    """Whether a code, slug or prefix in `names` covers the finding; unknown names cover nothing."""
    for name in names:
        if name == ALL:
            return True
        try:
            if finding.code in registry.expand(name, "suppression"):
                return True
        except ConfigError:
            continue
    return False


def resource_ignores(project: Project) -> dict[tuple[str, str], tuple[set[str], str]]:
    """(template path, resource or function name) -> names ignored for it, and why.

    CloudFormation resources say it in `Metadata: {lambdalint: {ignore: [...]}}`; any resource or
    Serverless function can also carry an ignore comment on its key line or the line just above.
    """
    ignores: dict[tuple[str, str], tuple[set[str], str]] = {}
    for template in project.templates:
        if "lambdalint" not in template.source.text:
            continue  # no Metadata key and no comment can name us: skip splitting its lines
        lines = template.source.lines
        for logical_id, resource in template.resources.items():
            listed = resource.get("Metadata", "lambdalint", "ignore")
            if listed is not None:
                names = {str(n.value) for n in listed.elements() if isinstance(n.value, str)}
                ignores[(template.display, logical_id)] = (names, "Metadata lambdalint.ignore")
        owners = [(name, node.key_span) for name, node in template.resources.items()]
        owners += [(f.name, f.span) for f in template.functions]
        for name, span in owners:
            if span is None:
                continue
            candidates = [lines[span.line - 1]] if span.line <= len(lines) else []
            if span.line >= 2 and lines[span.line - 2].lstrip().startswith("#"):
                candidates.append(lines[span.line - 2])
            for line in candidates:
                codes = comment_codes(line, python=False)
                if codes:
                    known, why = ignores.get((template.display, name), (set(), ""))
                    ignores[(template.display, name)] = (known | codes, why or "ignore comment")
    return ignores


def apply_suppressions(findings: list[Finding], project: Project, config: Config,
                       registry: Registry, read_line) -> None:
    """Mark suppressed findings in place. `read_line(path, line)` gives a source line or ''."""
    per_resource = resource_ignores(project)
    for finding in findings:
        path = finding.span.path
        codes = comment_codes(read_line(path, finding.span.line), python=path.endswith(".py"))
        if codes and _matches(finding, codes, registry):
            finding.suppressed = Suppression("in-source", "ignore comment on the line")
            continue
        owner = finding.owner
        if owner is not None:
            entry = per_resource.get((path, owner))
            if entry is None:
                entry = next((v for (tpl, name), v in per_resource.items() if name == owner
                              and any(r.span.path == tpl for r in finding.related)), None)
            if entry is not None and _matches(finding, entry[0], registry):
                finding.suppressed = Suppression("in-source", entry[1])
                continue
        for pattern, names in config.per_file_ignores.items():
            if _path_matches(path, pattern, project, config) and _matches(finding, names, registry):
                finding.suppressed = Suppression("external", f"per-file-ignores `{pattern}`")
                break


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
