"""Build the `Project` model from the paths a user gave."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable

from lambdalint.config import Config, ConfigError
from lambdalint.discover import MB, Discovered, InvalidPattern, Walker
from lambdalint.located import Located, Span
from lambdalint.loaders.cloudformation import load_cloudformation, looks_like_cloudformation
from lambdalint.loaders.serverless import load_serverless, looks_like_serverless, other_provider
from lambdalint.model import Function, Problem, Project, SourceFile, Template
from lambdalint.unread import is_terraform, unchecked_infrastructure

if TYPE_CHECKING:  # the Terraform loader is imported only by a run that meets a `.tf` file
    from lambdalint.loaders.terraform import LoadedFolder, TerraformFiles
    from lambdalint.loaders.jsonnodes import LoadError

# a template whose text opens with `{` is read as JSON (`text.lstrip()` would copy every template)
_JSON_START = re.compile(r"\s*\{")


def load_project(paths: Iterable[Path], config: Config, cwd: Path,
                 overlay: dict[Path, str] | None = None) -> Project:
    return build_project(discover(paths, config, overlay), cwd, overlay)


def discover(paths: Iterable[Path], config: Config, overlay: dict[Path, str] | None = None) -> Discovered:
    """The files to check (`discover.Walker`), before any is loaded: the engine starts the
    handler-code workers from this (`code.workers`) while the templates are read."""
    try:
        walker = Walker(exclude=config.exclude, exclude_root=config.root,
                        respect_gitignore=config.respect_gitignore, overlay=_absolute(overlay),
                        max_template_bytes=int(config.max_template_mb * MB))
    except InvalidPattern as error:
        raise ConfigError(f"{config.source or 'configuration'}: {error}") from None
    return walker.run(paths)


def _absolute(overlay: dict[Path, str] | None) -> dict[Path, str]:
    return {p.absolute(): text for p, text in (overlay or {}).items()}


def build_project(found: Discovered, cwd: Path, overlay: dict[Path, str] | None = None) -> Project:
    """The model of what `discover` found: templates, Terraform modules, CDK apps."""
    overlay = _absolute(overlay)
    project = Project(cwd=cwd.absolute(), python_paths=found.python_files)
    for skipped in found.skipped:
        project.note(f"{project.display(skipped.path)}: {skipped.reason}")
    for unreadable in found.unreadable:
        project.problems.append(Problem(Span.point(project.display(unreadable.path), 1), unreadable.reason))
    read_text = _reader(project, overlay, report=True)
    for path, text in found.templates:
        source = SourceFile(path.absolute(), project.display(path), text)
        try:
            template = load_template(source, project, read_text=read_text)
        except Exception as exc:  # noqa: BLE001 - a loader bug must not lose every other file
            project.errors.append(f"loading {source.display} ({type(exc).__name__}: {exc})"[:300])
            continue
        if template is not None:
            project.sources[source.display] = source
            project.templates.append(template)
    included = {path for template in project.templates for path in template.includes}
    if included:  # a file a serverless.yml reads in is part of it, not a template of its own as well
        project.templates = [t for t in project.templates if t.source.path not in included]
    terraform = [p for p in found.infrastructure if is_terraform(p.name)]
    if terraform:
        _load_terraform(terraform, project, overlay)
    infrastructure = found.infrastructure
    cdk_apps = [p for p in infrastructure if p.name == "cdk.json"]
    if cdk_apps:
        read = _load_cdk_apps(cdk_apps, found.python_files, project, overlay)
        infrastructure = [p for p in infrastructure if p not in read]
    if infrastructure:
        project.unchecked = sorted(project.unchecked + unchecked_infrastructure(
            infrastructure, [source.path for source in project.sources.values()], project.display))
    if not cdk_apps:
        project.unchecked = sorted(project.unchecked + _apps_without_cdk_json(found.python_files, project, overlay))
    return project


def _apps_without_cdk_json(python_files: list[Path], project: Project, overlay: dict[Path, str]) -> list[str]:
    """A Python CDK app whose `cdk.json` is missing (the README runs `cdk synth --app "python3
    app_x.py"`): its functions are invisible, so a run over it must not pass in silence. Only files
    named as entry points usually are (`app*.py`, `*cdk*.py`) are read for `aws_cdk` and `synth()`."""
    read_text = _reader(project, overlay, report=False)
    found = []
    for path in python_files:
        name = path.name.lower()
        if not (name.startswith("app") or "cdk" in name):
            continue
        text = read_text(path)
        if text and "aws_cdk" in text and ".synth()" in text:
            found.append(f"{project.display(path)}: a CDK app (it calls `synth()`) with no `cdk.json`: not read, so "
                         f"its functions are not checked (a `cdk.json` with `\"app\": \"python3 {path.name}\"` "
                         "beside it makes lambdalint read it)")
    return found


def _load_cdk_apps(cdk_json: list[Path], python_files: list[Path], project: Project,
                   overlay: dict[Path, str]) -> list[Path]:
    """Python CDK apps read from source (LibCST is imported only when there is one); returns the
    `cdk.json` files read."""
    read_text = _reader(project, overlay, report=False)  # discovery already reported what it could not read
    from lambdalint.cdkout import prefer_source
    from lambdalint.loaders.cdk import load_cdk_app, python_app  # only a project with a cdk.json pays

    apps = [path for path in cdk_json if (text := read_text(path)) is not None and python_app(text) is not None]
    folders = tuple(path.parent.absolute() for path in apps)
    read: list[Path] = []
    for path in apps:
        templates = load_cdk_app(path, python_files, project, read_text, folders)
        prefer_source(project, path.parent.absolute(), templates)
        for template in templates:
            project.sources[template.source.display] = template.source
            project.templates.append(template)
        read.append(path)
    return read


def _reader(project: Project, overlay: dict[Path, str], *, report: bool) -> Callable[[Path], str | None]:
    """A file's text: the editor's buffer when there is one; None when it cannot be read (an LL001
    when `report`: files a loader finds itself, which discovery never saw)."""
    def read(path: Path) -> str | None:
        if path.absolute() in overlay:
            return overlay[path.absolute()]
        try:
            return path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as error:
            if report:
                project.problems.append(Problem(Span.point(project.display(path), 1), f"cannot read file: {error}"))
            return None

    return read


_MAX_MODULE_DEPTH = 5  # module calls nest; a cycle of local modules must end somewhere


def _load_terraform(paths: list[Path], project: Project, overlay: dict[Path, str]) -> None:
    """Each folder of Terraform files is one module; the parser is imported only here."""
    from lambdalint.loaders.terraform import TerraformFiles, build_terraform_folder, read_terraform_folder

    files = TerraformFiles(_reader(project, overlay, report=True), project.display)
    folders: dict[Path, list[Path]] = {}
    for path in paths:
        folders.setdefault(path.absolute().parent, [])
    for folder, paths_of in folders.items():
        # the whole module, also when one file was asked for: a role or an invoke config in the
        # next file changes what the function's findings are
        paths_of.extend(sorted(p for p in folder.glob("*") if is_terraform(p.name) and p.is_file()))
    # A folder another folder calls as a module is built through each call, with its variables
    # bound; on its own only when nothing here calls it. Which folders are called is known from
    # the reading alone, before any function is built. A folder no file even names is built as
    # soon as it is read and its trees let go, before the next is parsed, so that the run's
    # memory does not grow by every file's tree (`HclFile.release`); the folders a module call may
    # name wait until every folder has been read.
    named = files.named_folders([path for paths_of in folders.values() for path in paths_of])
    called: set[Path] = set()
    waiting = []
    for folder in sorted(folders):
        reading = read_terraform_folder(folder, folders[folder], files)
        called.update(reading.called)
        if folder in named:
            waiting.append((folder, reading))
            continue
        _add_terraform(project, build_terraform_folder(reading), files, 0)
        files.release(keep=named)
    for folder, reading in waiting:
        if folder not in called:
            _add_terraform(project, build_terraform_folder(reading), files, 0)


def _add_terraform(project: Project, result: LoadedFolder, files: TerraformFiles, depth: int) -> list[Function]:
    """Add a built module and the local modules it calls to `project`; the functions of them all."""
    from lambdalint.loaders.terraform import build_terraform_folder, link_call, read_terraform_folder

    for template in result.templates:
        project.sources[template.source.display] = template.source
        project.templates.append(template)
    for source in result.sources:
        project.sources.setdefault(source.display, source)
    project.problems.extend(p for p in result.problems if p not in project.problems)
    project.unchecked.extend(n for n in result.notes if n not in project.unchecked)
    functions = [f for t in result.templates for f in t.functions]
    if depth >= _MAX_MODULE_DEPTH:
        return functions
    # Every called module is read before any is built: one module's wiring may name another's
    # resources through what the caller passes it (`event_source_arn = var.queue_arn`).
    readings = []
    for call in result.calls:
        reading = read_terraform_folder(call.folder, list(call.paths), files, inputs=call.inputs, caller=call.caller,
                                        prefix=f"{result.prefix}module.{call.name}.")
        if call.caller is not None:
            call.caller.children[call.name] = reading.module
        readings.append((call, reading))
    children = [(call, build_terraform_folder(reading)) for call, reading in readings]
    # each called module's own calls first: this module may name their functions through its
    # outputs (`module.lambdas.a_invoke_arn`, which `lambdas` outputs as `module.a.invoke_arn`)
    below = [_add_terraform(project, child, files, depth + 1) for _, child in children]
    for (call, child), theirs in zip(children, below):
        link_call(call, child, result, theirs)
        functions.extend(theirs)
    return functions


def load_template(source: SourceFile, project: Project,
                  read_text: Callable[[Path], str | None] | None = None) -> Template | None:
    """The template in `source`, or None when it is some other YAML/JSON; problems go to `project`.
    `read_text` reads the files a template reads in (`${file(...)}`); without it, none is read."""
    root, problems = _parsed(source)
    template = None
    if root is not None and isinstance(root.value, dict):
        if looks_like_cloudformation(root):
            template = load_cloudformation(source, root, project.not_checked)
        elif looks_like_serverless(root):
            provider = other_provider(root)
            if provider is not None:
                project.note(f"{source.display}: provider `{provider}` is not AWS; its functions are not checked")
            include = _includer(project, read_text) if read_text is not None else None
            template = load_serverless(source, root, include, project.not_checked)
    if root is None or template is not None:  # a duplicate key in other YAML is not ours to report
        _report(source, problems, project)
    return template


def _parsed(source: SourceFile) -> tuple[Located | None, list[LoadError]]:
    from lambdalint.loaders.jsonnodes import LoadError, load_json

    as_json = source.path.suffix == ".json" or _JSON_START.match(source.text) is not None
    problems: list[LoadError] = []
    try:
        if as_json:
            return load_json(source.text, source.display, problems), problems
        # PyYAML (~12 ms to import) only for a run that reads YAML: JSON, Terraform and handler code do not
        from lambdalint.loaders.yamlnodes import load_yaml

        return load_yaml(source.text, source.display, problems), problems
    except LoadError as error:
        return None, [error]


def _report(source: SourceFile, problems: list[LoadError], project: Project) -> None:
    if problems:
        project.sources[source.display] = source
    for error in problems:
        project.problems.append(Problem(Span.point(source.display, error.line, error.column), error.message))


def _includer(project: Project, read_text: Callable[[Path], str | None]) -> Callable[[Path], Located | None]:
    """A file a template reads in, parsed once per run; its problems are LL001 in it. A file that
    is not there is None: the reference stays unresolved, and what it held is noted unread."""
    parsed: dict[Path, Located | None] = project.analyses.setdefault("included-files", {})  # type: ignore[assignment]

    def include(path: Path) -> Located | None:
        path = path.absolute()
        if path not in parsed:
            text = read_text(path) if path.is_file() else None
            root = None
            if text is not None:
                source = SourceFile(path, project.display(path), text)
                root, problems = _parsed(source)
                _report(source, problems, project)
                if root is not None:
                    project.sources[source.display] = source
            parsed[path] = root
        return parsed[path]
    return include
