"""`cdk synth` output pointed back at what the user edits.

`cdk.out/` holds generated templates (logical ids with hashes) and copies of the code assets
(`cdk.out/asset.<hash>/`). Neither is what a developer opens or what code scanning shows, so:

- a finding in an asset copy is reported on the project file it was copied from, found by content
  under the app's folder (same name and bytes; the copy's relative path breaks ties); a copy with
  no such file (a CDK-internal handler, a bundled dependency) keeps its place;
- a finding in a synthesized template names its construct path (`aws:cdk:path`, e.g.
  `OrdersStack/OrdersFunction/Resource`) in the message;
- when a Python app's source was read as well, the source wins: `prefer_source` drops from the
  synthesized templates (in `cdk.out`, or a synthesized copy committed in the app's folder, told by
  its resources' `aws:cdk:path`) every resource whose construct path goes through a construct the source
  defines, and the functions the source does not define unless their code is the project's own
  (so CDK's internal functions do not show up); each function is then reported once.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from lambdalint.findings import Finding
from lambdalint.located import Located, Span
from lambdalint.model import Project, Template

_ASSET = "cdk.out/asset."
_SKIPPED_DIRS = frozenset({"cdk.out", "node_modules", ".git", ".venv", "venv", "__pycache__", ".mypy_cache",
                           ".pytest_cache", ".tox"})


def construct_path(resource: Located) -> str | None:
    path = resource.get("Metadata", "aws:cdk:path")
    return path.value if path is not None and isinstance(path.value, str) else None


def prefer_source(project: Project, app_dir: Path, source: list[Template]) -> None:
    """Drop from the app's `cdk.out` templates what its source templates already define."""
    names = {name for template in source for name in template.resources}
    if not names:
        return
    out = app_dir / "cdk.out"
    copies = _Copies(project)
    for template in project.templates:
        parents = template.source.path.parents
        if template.dialect != "cloudformation" or app_dir not in parents:
            continue
        if out not in parents and not _synthesized(template):
            continue  # a template of its own in the app's folder, not one `cdk synth` wrote (a committed copy)
        dropped: set[str] = set()
        for logical_id, resource in template.resources.items():
            path = construct_path(resource)
            if path is not None and not names.isdisjoint(path.split("/")[1:]):
                dropped.add(logical_id)
        for function in template.functions:
            if function.name not in dropped and not copies.is_project_code(function.handler_file):
                dropped.add(function.name)
                project.note(f"{template.display}: `{function.name}` is left out: the app's source was "
                             "read instead and its code is not the project's")
        if dropped:
            _drop(template, dropped)


# CDK's logical ids end in a hash of the construct path: `DataBucketsdsidtestB2A00F19`
_CDK_LOGICAL_ID = re.compile(r"[A-Za-z0-9]+[0-9A-F]{8}")


def _synthesized(template: Template) -> bool:
    """Whether `cdk synth` wrote this template: construct paths in its metadata or, written without
    them (`Template.from_stack(...).to_json()`), CDK's hashed logical ids nearly everywhere."""
    ids = list(template.resources)
    if any(construct_path(resource) is not None for resource in template.resources.values()):
        return True
    return len(ids) >= 3 and sum(1 for i in ids if _CDK_LOGICAL_ID.fullmatch(i)) >= 0.8 * len(ids)


def _drop(template: Template, dropped: set[str]) -> None:
    resources = template.root.get("Resources")
    for logical_id in dropped:
        template.resources.pop(logical_id, None)
        if resources is not None and isinstance(resources.value, dict):
            resources.value.pop(logical_id, None)
    template.functions = [f for f in template.functions if f.name not in dropped]
    # what the loader found among the resources when it read them (`resource_facts`)
    template.public_urls = [u for u in template.public_urls if u.resource not in dropped
                            and (u.function is None or u.function.name not in dropped)]
    template.public_grants = [g for g in template.public_grants if g.name not in dropped]
    template.analyses.clear()


def map_back(findings: list[Finding], project: Project) -> list[Finding]:
    """Findings in asset copies moved to their source files, template findings named by construct."""
    if not any("cdk.out/" in f.span.path or any("cdk.out/" in r.span.path for r in f.related) for f in findings):
        return findings
    copies = _Copies(project)
    templates = {t.display: t for t in project.templates if "cdk.out/" in t.display}
    seen: set[tuple[str, str, int, int, str]] = set()
    kept: list[Finding] = []
    for finding in findings:
        moved = copies.span(finding.span)
        if moved is not finding.span:
            finding.span = moved
            finding.fix = copies.fix(finding.fix)
        finding.related = tuple(r._replace(span=copies.span(r.span)) for r in finding.related)
        template = templates.get(finding.span.path)
        if template is not None:
            path = _owner_path(template, finding)
            if path is not None and path not in finding.message:
                finding.message = f"{finding.message} (construct `{path}`)"
        key = (finding.code, finding.span.path, finding.span.line, finding.span.column, finding.message)
        if key not in seen:
            seen.add(key)
            kept.append(finding)
    return kept


def _owner_path(template: Template, finding: Finding) -> str | None:
    owner = finding.owner
    if owner is not None and owner in template.resources:
        return construct_path(template.resources[owner])
    for resource in template.resources.values():
        span = resource.span
        start = (resource.key_span or span).line
        if start <= finding.span.line <= span.end_line:
            return construct_path(resource)
    return None


class _Copies:
    """Asset copies and the project files they were copied from (found once per file)."""

    def __init__(self, project: Project) -> None:
        self.project = project
        self.found: dict[str, Path | None] = {}
        self.listing: dict[Path, dict[tuple[str, int], list[Path]]] = {}

    def span(self, span: Span) -> Span:
        if _ASSET not in span.path:
            return span
        source = self.source_of(span.path)
        if source is None:
            return span
        display = self.project.display(source)
        self._register(source, display)
        return span._replace(path=display)

    def fix(self, fix: object) -> object:
        path = getattr(fix, "path", None)
        if not isinstance(path, str) or _ASSET not in Path(path).as_posix():
            return fix
        source = self.source_of(self.project.display(Path(path)))
        if source is None:
            return None  # a fix to a generated copy would be lost at the next synth
        return fix._replace(path=str(source), display=self.project.display(source))  # type: ignore[attr-defined]

    def is_project_code(self, handler: Path | None) -> bool:
        return handler is not None and self.source_of(self.project.display(handler)) is not None

    def source_of(self, display: str) -> Path | None:
        if display in self.found:
            return self.found[display]
        self.found[display] = None
        absolute = Path(display) if Path(display).is_absolute() else self.project.cwd / display
        posix = absolute.as_posix()
        cut = posix.find("/" + _ASSET)
        if cut < 0:
            return None
        app_dir = Path(posix[:cut])
        inside = posix[cut + len(_ASSET) + 1:].split("/", 1)  # "<hash>", "pkg/mod.py"
        relative = inside[1] if len(inside) == 2 else absolute.name
        try:
            data = absolute.read_bytes()
        except OSError:
            return None
        candidates = [c for c in self._files(app_dir).get((absolute.name, len(data)), []) if _same(c, data)]
        if candidates:
            # the copy's own relative path breaks ties between identical files
            candidates.sort(key=lambda c: (not c.as_posix().endswith("/" + relative), len(c.parts), str(c)))
            self.found[display] = candidates[0]
        return self.found[display]

    def _files(self, app_dir: Path) -> dict[tuple[str, int], list[Path]]:
        listing = self.listing.get(app_dir)
        if listing is None:
            listing = self.listing[app_dir] = {}
            for folder, dirs, files in os.walk(app_dir):
                dirs[:] = sorted(d for d in dirs if d not in _SKIPPED_DIRS and not d.endswith(".egg-info"))
                for name in files:
                    path = Path(folder) / name
                    try:
                        size = path.stat().st_size
                    except OSError:
                        continue
                    listing.setdefault((name, size), []).append(path)
        return listing

    def _register(self, path: Path, display: str) -> None:
        """The source file is where suppression comments and renderers read lines now."""
        if display in self.project.sources:
            return
        from lambdalint.model import SourceFile

        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError):
            return
        self.project.sources[display] = SourceFile(path, display, text)


def _same(path: Path, data: bytes) -> bool:
    try:
        return path.read_bytes() == data
    except OSError:
        return False


__all__ = ["construct_path", "map_back", "prefer_source"]
