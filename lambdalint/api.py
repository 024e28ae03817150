"""The engine's one entry point: `lint(paths, config) -> Report`.

Pure: it prints nothing and never exits. The CLI, the pre-commit entry and the language server call
it and render what it returns.
"""

from __future__ import annotations

import datetime
import gc
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Sequence

from lambdalint import __version__
from lambdalint.config import Config, ConfigError, common_start, find_config
from lambdalint.discover import MB
from lambdalint.findings import Finding, Report
from lambdalint.load import load_project
from lambdalint.model import Project
from lambdalint.registry import Registry
from lambdalint.rule import Context, Rule
from lambdalint.suppress import apply_suppressions

Progress = Callable[[str], None]


@dataclass
class LintResult(Report):
    """A report plus what the run itself stumbled on (a crashing rule is a bug to report)."""

    project: Project | None = None
    internal_errors: list[str] = field(default_factory=list)


def lint(paths: Sequence[Path | str] = (".",), config: Config | None = None,
         overlay: dict[Path, str] | None = None, *, cwd: Path | None = None,
         today: datetime.date | None = None, registry: Registry | None = None,
         progress: Progress | None = None,
         focus: Sequence[Path | str] | None = None) -> LintResult:
    """Check `paths` (files or folders) and return every finding, suppressed ones included.

    `overlay` maps file paths to unsaved text (editor buffers) read instead of the disk.
    `focus` (pre-commit, editors): check these files in the context of their projects (see
    `lambdalint.focus`) and report only the findings located in them; `paths` is then not used.
    Raises `ConfigError` for a bad configuration; never for bad input files.
    """
    cwd = (cwd or Path.cwd()).absolute()
    focused: list[Path] | None = None
    if focus is not None:
        from lambdalint.focus import file_kind, project_roots

        focused = [Path(p) if Path(p).is_absolute() else cwd / p for p in focus]
        targets = project_roots(focused) + focused
        config = config or find_config(common_start(focused))
    else:
        targets = [Path(p) if Path(p).is_absolute() else cwd / p for p in paths] or [cwd]
    config = config or find_config(common_start(targets))
    registry = registry or Registry.installed()
    rules = registry.selected(config)
    if focused is not None:
        kinds = {file_kind(p) for p in focused}
        rules = [rule for rule in rules if not rule.reports_in.isdisjoint(kinds)]
    contexts = [(rule, registry.rule_options(rule, config)) for rule in rules]
    if progress:
        progress("discovering files")
    # The model is hundreds of thousands of small objects that all live until the report is
    # made; letting the cyclic collector rescan them while they are built costs half the run.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _run(targets, config, registry, contexts, cwd, overlay, today, progress, focused)
    except ConfigError:
        raise
    except Exception as exc:  # noqa: BLE001 - a bug is reported, never raised
        return LintResult(version=__version__, findings=[], files=0, functions=0,
                          internal_errors=[describe_error(exc)])
    finally:
        if collecting:
            gc.enable()


def _run(targets: list[Path], config: Config, registry: Registry,
         contexts: list[tuple[Rule, dict[str, object]]], cwd: Path,
         overlay: dict[Path, str] | None, today: datetime.date | None,
         progress: Progress | None, focused: list[Path] | None = None) -> LintResult:
    project = load_project(targets, config, cwd, overlay)
    if any(rule.needs_code for rule, _ in contexts):
        if progress:
            progress("analysing handler code")
        from lambdalint.code import analyse  # LibCST is imported only on this path

        try:
            project.code = analyse(project, config.handler_patterns, overlay,
                                   max_bytes=int(config.max_python_mb * MB))
        except Exception as exc:  # noqa: BLE001 - the template rules can still run
            project.errors.append(describe_error(exc, "handler code analysis"))
    findings: list[Finding] = []
    errors: list[str] = list(project.errors)
    today = today or datetime.date.today()
    for rule, options in contexts:
        if progress:
            progress(f"{rule.code} {rule.slug}")
        context = Context(rule, project, options, today)
        try:
            found = list(rule.check(context))
        except Exception as exc:  # noqa: BLE001 - one broken rule must not hide every other finding
            errors.append(describe_error(exc, f"rule {rule.code}"))
            continue
        override = config.severity.get(rule.code) or config.severity.get(rule.slug)
        for finding in found:
            if override:
                finding.severity = override
            findings.append(finding)
    apply_suppressions(findings, project, config, registry, _line_reader(project))
    findings.sort(key=Finding.sort_key)
    files = _count_files(project)
    if focused is not None:
        shown = {project.display(p) for p in focused}
        findings = [f for f in findings if f.span.path in shown]
        files = len(shown)
    return LintResult(version=__version__, findings=findings, files=files,
                      functions=len(project.functions), notes=list(project.notes), project=project,
                      internal_errors=errors)


def describe_error(exc: BaseException, where: str | None = None) -> str:
    """`where (Type: message)` for an internal-error line; `where` defaults to the innermost
    lambdalint function the traceback passed through (`lambdalint.load.load_project`)."""
    if where is None:
        where = "lambdalint"
        tb = exc.__traceback__
        while tb is not None:
            module = tb.tb_frame.f_globals.get("__name__", "")
            if module.startswith("lambdalint") or module.startswith("rules."):
                where = f"{module}.{tb.tb_frame.f_code.co_name}"
            tb = tb.tb_next
    text = str(exc).splitlines()[0] if str(exc) else ""
    return f"{where} ({type(exc).__name__}: {text[:200]})" if text else f"{where} ({type(exc).__name__})"


def _count_files(project: Project) -> int:
    paths = set(project.sources) | {p.span.path for p in project.problems}
    return len(paths)


def _line_reader(project: Project) -> Callable[[str, int], str]:
    def read(path: str, line: int) -> str:
        source = project.sources.get(path)
        if source is None:
            return ""
        lines = source.lines
        return lines[line - 1] if 0 < line <= len(lines) else ""
    return read

