"""The engine's one entry point: `lint(paths, config) -> Report`.

Pure: it prints nothing and never exits. The CLI, the pre-commit entry and the language server call
it and render what it returns.
"""

from __future__ import annotations

import datetime
import gc
import os
import re
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Sequence

from lambdalint import __version__
from lambdalint.config import Config, ConfigError, common_start, find_config
from lambdalint.discover import MB, Discovered
from lambdalint.findings import Finding, Report
from lambdalint.halves import CheckedPart, Progress, check_in_two, halves_of
from lambdalint.load import build_project, discover
from lambdalint.model import Project
from lambdalint.registry import IndexedRule, Registry
from lambdalint.rule import Context, Rule
from lambdalint.suppress import ANALYSIS_KEY, SuppressionRun, apply_suppressions

if TYPE_CHECKING:
    from lambdalint.code.workers import CodeWorkers
    from lambdalint.focus import Focus


@dataclass
class LintResult(Report):
    """A report plus what the run itself stumbled on (a crashing rule is a bug to report)."""

    project: Project | None = None
    internal_errors: list[str] = field(default_factory=list)


def lint(paths: Sequence[Path | str] = (".",), config: Config | None = None,
         overlay: dict[Path, str] | None = None, *, cwd: Path | None = None,
         today: datetime.date | None = None, registry: Registry | None = None,
         progress: Progress | None = None,
         focus: Sequence[Path | str] | None = None, whole_model: bool = False,
         prepared: CodeWorkers | None = None) -> LintResult:
    """Check `paths` (files or folders) and return every finding, suppressed ones included.

    `overlay` maps file paths to unsaved text (editor buffers) read instead of the disk.
    `focus` (pre-commit, editors, a run inside a project's subfolder): check these files or
    folders in the context of their projects (see `lambdalint.focus`) and report only the findings
    that touch them; `paths` is then not used.
    A big run of templates alone may be checked in two processes (`halves`); its `project` then
    holds every file's source but the model of the first half only: `whole_model` asks for one
    process and the whole model.
    `prepared` (`code.workers.prepare`): the handler-code worker a caller forked before its own
    set-up (the `lambdalint` command does, first thing); the run uses it or closes it.
    Raises `ConfigError` for a bad configuration; never for bad input files.
    """
    cwd = (cwd or Path.cwd()).absolute()
    focused: Focus | None = None
    if focus is not None:
        from lambdalint.focus import Focus, file_kinds, project_roots

        focused = Focus(tuple(Path(os.path.normpath(p if Path(p).is_absolute() else cwd / p)) for p in focus), cwd)
        targets = project_roots(focused.paths) + list(focused.paths)
        config = config or find_config(common_start(focused.paths))
    else:
        targets = [Path(p) if Path(p).is_absolute() else cwd / p for p in paths] or [cwd]
    config = config or find_config(common_start(targets))
    registry = registry or Registry.installed()
    keep = None
    if focused is not None:
        kinds = frozenset().union(*(file_kinds(p) for p in focused.paths))
        # A code rule's finding in a handler points back at the template that configures it (and
        # a template's `Handler` finding at the module): either side of the pair can bring it in.
        crossing = not kinds.isdisjoint(("python", "template"))

        def keep(rule: Rule | IndexedRule) -> bool:
            return not rule.reports_in.isdisjoint(kinds) or (rule.needs_code and crossing)
    # only the rules that run are imported (`Registry.selected`)
    rules = registry.selected(config, keep)
    contexts = [(rule, registry.rule_options(rule, config)) for rule in rules]
    if progress:
        progress("discovering files")
    # The model is hundreds of thousands of small objects that all live until the report is
    # made; letting the cyclic collector rescan them while they are built costs half the run.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _run(targets, config, registry, contexts, cwd, overlay, today, progress, focused, whole_model,
                    prepared)
    except ConfigError:
        raise
    except Exception as exc:  # noqa: BLE001 - a bug is reported, never raised
        return LintResult(version=__version__, findings=[], files=0, functions=0,
                          internal_errors=[describe_error(exc)])
    finally:
        if prepared is not None:
            prepared.close()
        if collecting:
            gc.enable()


def _run(targets: list[Path], config: Config, registry: Registry,
         contexts: list[tuple[Rule, dict[str, object]]], cwd: Path,
         overlay: dict[Path, str] | None, today: datetime.date | None,
         progress: Progress | None, focused: Focus | None = None,
         whole_model: bool = False, prepared: CodeWorkers | None = None) -> LintResult:
    found = discover(targets, config, overlay)
    check = partial(_check_found, config=config, registry=registry, contexts=contexts, cwd=cwd,
                    overlay=overlay, today=today or datetime.date.today(), focused=focused, prepared=prepared)
    halves = halves_of(found) if not whole_model and not overlay else None
    if halves is not None:
        if prepared is not None:  # no handler code: nothing may compete with the second half
            prepared.close()
        part = check_in_two(halves, check, progress)
    else:
        part = check(found, progress)
    project = part.project
    project.notes = _flat_notes(part.note_groups)
    findings = _distinct(sorted(part.findings, key=Finding.sort_key))
    files = len(part.file_paths)
    unchecked = list(project.unchecked)
    notes = list(project.notes)
    functions = part.functions
    if focused is not None:
        from lambdalint.focus import is_folder

        findings = [f for f in findings if focused.touches(f)]
        unchecked = [line for line in unchecked if focused.concerns(line.split(":", 1)[0])]
        # a note about another file says nothing of the focused ones (`check app.py -v`), unless it
        # is about the infrastructure beside or above them (the template of a focused handler)
        notes = [note for note in notes if _about_focus(_leading_path(note), focused)]
        if any(is_folder(p) for p in focused.paths):
            files = sum(1 for path in part.file_paths if focused.holds(path))
        else:
            files = len({project.display(p) for p in focused.paths})
    return LintResult(version=__version__, findings=findings, files=files,
                      functions=functions, notes=notes,
                      unchecked=unchecked, project=project,
                      internal_errors=part.errors)


def _check_found(found: Discovered, progress: Progress | None, *, config: Config, registry: Registry,
                 contexts: list[tuple[Rule, dict[str, object]]], cwd: Path,
                 overlay: dict[Path, str] | None, today: datetime.date,
                 focused: Focus | None, prepared: CodeWorkers | None = None) -> CheckedPart:
    """Load what discovery found and run the rules on it."""
    needs_code = any(rule.needs_code for rule, _ in contexts)
    warm = None
    if needs_code:
        from lambdalint.code.scan import rules_prefilter

        prefilter = rules_prefilter(rule for rule, _ in contexts)
        max_python = int(config.max_python_mb * MB)
    if needs_code and found.python_files:
        from lambdalint.code.jobs import likely_job
        from lambdalint.code.workers import start

        # workers that import LibCST on the other core while this process loads the templates,
        # and analyse what the handler files most likely are until the real jobs come
        display = Project(cwd=cwd.absolute()).display  # the display paths the project will give
        warm = start(found.python_files, found.infrastructure, found.templates,
                     partial(likely_job, display=display, prefilter=prefilter, max_bytes=max_python), prepared)
    elif prepared is not None:
        prepared.close()
    first = [(rule, options) for rule, options in contexts if not rule.after_suppressions]
    findings: list[Finding] = []
    ran: list[str] = []
    early_errors: list[str] = []
    rest = first
    rule_notes: dict[str, list[str]] = {}  # each rule's notes, put in rule order once all have run
    try:
        project = build_project(found, cwd, overlay)
        project.freeze_functions()  # loading is over: every rule asks for the same functions
        loaded = len(project.notes)
        if warm is not None:
            # the workers are still analysing handler code: run the rules that never read it
            early = [(rule, options) for rule, options in first if not (rule.needs_code or rule.after_code)]
            rest = [(rule, options) for rule, options in first if rule.needs_code or rule.after_code]
            findings, ran = _check(early, project, config, today, progress, early_errors, rule_notes)
        if needs_code:
            if progress:
                progress("analysing handler code")
            from lambdalint.code import analyse  # LibCST is imported only on this path (or in `warm`)

            try:
                project.code = analyse(project, config.handler_patterns, overlay, prefilter,
                                       max_bytes=max_python, warm=warm)
                from lambdalint.code.aws import note_stranded_imports

                note_stranded_imports(project, project.code)
            except Exception as exc:  # noqa: BLE001 - the template rules can still run
                project.errors.append(describe_error(exc, "handler code analysis"))
        coded = len(project.notes)
        if warm is not None:
            # no more jobs: the workers read end-of-file and leave while the rules run, so that
            # `close` below reaps a leader already gone instead of waiting for a killed one
            warm.release()
    except BaseException:
        if warm is not None:
            warm.close()
        raise
    try:
        errors: list[str] = list(project.errors) + early_errors
        more_findings, more_ran = _check(rest, project, config, today, progress, errors, rule_notes)
        findings += more_findings
        ran += more_ran
        findings = _map_back(findings, project)  # out of `cdk.out`, before suppressions read the lines
        read_line = _line_reader(project)
        usage = apply_suppressions(findings, project, config, registry, read_line)
        later = [(rule, options) for rule, options in contexts if rule.after_suppressions]
        if later:
            project.analyses[ANALYSIS_KEY] = SuppressionRun(usage, frozenset(ran), config, registry)
            more, _ = _check(later, project, config, today, progress, errors, rule_notes)
            more = _map_back(more, project)
            apply_suppressions(more, project, config, registry, read_line, explicit=True)
            findings += more
        # as a run that took the rules in order would have noted them
        notes = project.notes
        groups = [("loading", notes[:loaded]), ("handler code", notes[loaded:coded])]
        groups += [(rule.code, rule_notes.get(rule.code, [])) for rule, _ in first]
        groups.append(("suppressions", notes[coded:]))
        groups += [(rule.code, rule_notes.get(rule.code, [])) for rule, _ in later]
        return CheckedPart(project, findings, errors, groups, _file_paths(project), _functions(project, focused))
    finally:
        if warm is not None:
            warm.close()


def _functions(project: Project, focused: Focus | None) -> int:
    """How many functions were checked: with `focused`, those the focused paths define (a CDK
    app's template is named by its entry file, its functions by their modules) or hold the
    handler of, not the whole project's."""
    if focused is None:
        return len(project.functions)
    return sum(1 for f in project.functions if focused.holds(f.template.display) or focused.holds(f.span.path)
               or (f.handler_file is not None and focused.holds(project.display(f.handler_file))))


def _leading_path(note: str) -> str:
    """The file a note is about (`src/app.py: ...`, `main.tf:12: ...`), or "" for a note that names
    none first."""
    head = re.sub(r":\d+$", "", note.split(": ", 1)[0]) if ": " in note else ""
    return head if "/" in head or head.endswith((".py", ".yaml", ".yml", ".json", ".tf", ".template")) else ""


def _about_focus(path: str, focused: Focus) -> bool:
    if not path or focused.holds(path):
        return True
    return not path.endswith(".py") and focused.concerns(path)


def _flat_notes(groups: list[tuple[str, list[str]]]) -> list[str]:
    """The notes group by group, each text once (where first noted)."""
    return list(dict.fromkeys(note for _, notes in groups for note in notes))


def _check(contexts: list[tuple[Rule, dict[str, object]]], project: Project, config: Config,
           today: datetime.date, progress: Progress | None, errors: list[str],
           notes: dict[str, list[str]] | None = None) -> tuple[list[Finding], list[str]]:
    """Run rules; returns their findings and the codes of the rules that ran to the end. With
    `notes`, each rule's notes are moved there from the project's, under its code."""
    findings: list[Finding] = []
    ran: list[str] = []
    for rule, options in contexts:
        if progress:
            progress(f"{rule.code} {rule.slug}")
        context = Context(rule, project, options, today)
        mark = len(project.notes)
        try:
            found = list(rule.check(context))
        except Exception as exc:  # noqa: BLE001 - one broken rule must not hide every other finding
            errors.append(describe_error(exc, f"rule {rule.code}"))
            continue
        finally:
            if notes is not None:
                notes[rule.code] = project.notes[mark:]
                del project.notes[mark:]
        ran.append(rule.code)
        override = config.severity.get(rule.code) or config.severity.get(rule.slug)
        for finding in found:
            if override:
                finding.severity = override
            findings.append(finding)
    return findings, ran


def _distinct(findings: list[Finding]) -> list[Finding]:
    """One finding of several a user cannot tell apart: a module's function read once through
    each of many calls (every example of a Terraform module calling `../../`) makes the same
    finding, with the same words, at the same line of the module, once per call."""
    seen: set[tuple[object, ...]] = set()
    kept = []
    for finding in findings:
        key = (finding.code, finding.slug, finding.span, finding.message, finding.hint, finding.function,
               finding.severity, tuple(finding.related), finding.resource, finding.suppressed)
        if key not in seen:
            seen.add(key)
            kept.append(finding)
    return kept


def _map_back(findings: list[Finding], project: Project) -> list[Finding]:
    """`cdkout.map_back`, imported only by a run that read a synthesized CDK app."""
    if not any("cdk.out/" in t.display for t in project.templates):
        return findings
    from lambdalint.cdkout import map_back

    return map_back(findings, project)


def describe_error(exc: BaseException, where: str | None = None) -> str:
    """`where (Type: message)` for an internal-error line; `where` defaults to the innermost
    lambdalint function the traceback passed through (`lambdalint.load.build_project`)."""
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


def _file_paths(project: Project) -> set[str]:
    return set(project.sources) | {p.span.path for p in project.problems}


def _line_reader(project: Project) -> Callable[[str, int], str]:
    def read(path: str, line: int) -> str:
        source = project.sources.get(path)
        if source is None:
            return ""
        lines = source.lines
        return lines[line - 1] if 0 < line <= len(lines) else ""
    return read



def least_privilege(paths: Sequence[Path | str] = (".",), config: Config | None = None,
                    cwd: Path | None = None) -> list[dict]:
    """Per Python function: the least-privilege policy its handler code needs
    (`least_privilege.policy_document`), whether that is complete, what could not be determined, and
    the calls IAM never evaluates.
    The engine runs LL321/LL322's analysis; no finding is reported."""
    from lambdalint.least_privilege import needs_of, policy_document

    config = config or Config()
    result = lint(paths, config.with_overrides(select=("LL321", "LL322"), ignore=(), extend_select=()), cwd=cwd,
                  whole_model=True)
    documents = []
    judged = set()
    for needs in needs_of(result.project):
        judged.add(id(needs.function))
        documents.append({
            "function": needs.function.name,
            "template": needs.function.template.display,
            "complete": needs.policy_complete,
            "policy": policy_document(needs),
            "not_determined": needs.gaps(),
            "needs_no_permission": needs.unneeded(),
        })
    # a Python function whose handler code was not read (a WSGI app, code built elsewhere) is
    # listed as not determined, with what the run said of it, rather than left out
    for function in result.project.functions if result.project is not None else ():
        if function.is_python and id(function) not in judged:
            said = [note for note in [*result.unchecked, *result.notes] if f"`{function.name}`" in note]
            documents.append({
                "function": function.name,
                "template": function.template.display,
                "complete": False,
                "policy": None,
                "not_determined": said or ["its handler code was not read"],
                "needs_no_permission": [],
            })
    return documents
