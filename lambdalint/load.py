"""Build the `Project` model from the paths a user gave."""

from __future__ import annotations

from pathlib import Path
from typing import Iterable

from lambdalint.config import Config, ConfigError
from lambdalint.discover import MB, InvalidPattern, Walker
from lambdalint.located import Span
from lambdalint.loaders.cloudformation import load_cloudformation, looks_like_cloudformation
from lambdalint.loaders.serverless import load_serverless, looks_like_serverless, other_provider
from lambdalint.loaders.yamlnodes import LoadError, load_json, load_yaml
from lambdalint.model import Problem, Project, SourceFile, Template
from lambdalint.unread import unchecked_infrastructure


def load_project(paths: Iterable[Path], config: Config, cwd: Path,
                 overlay: dict[Path, str] | None = None) -> Project:
    overlay = {p.absolute(): text for p, text in (overlay or {}).items()}
    try:
        walker = Walker(exclude=config.exclude, exclude_root=config.root,
                        respect_gitignore=config.respect_gitignore, overlay=overlay,
                        max_template_bytes=int(config.max_template_mb * MB))
    except InvalidPattern as error:
        raise ConfigError(f"{config.source or 'configuration'}: {error}") from None
    found = walker.run(paths)
    project = Project(cwd=cwd.absolute(), python_paths=found.python_files)
    for skipped in found.skipped:
        project.note(f"{project.display(skipped.path)}: {skipped.reason}")
    for unreadable in found.unreadable:
        project.problems.append(Problem(Span.point(project.display(unreadable.path), 1), unreadable.reason))
    for path, text in found.templates:
        source = SourceFile(path.absolute(), project.display(path), text)
        try:
            template = load_template(source, project)
        except Exception as exc:  # noqa: BLE001 - a loader bug must not lose every other file
            project.errors.append(f"loading {source.display} ({type(exc).__name__}: {exc})"[:300])
            continue
        if template is not None:
            project.sources[source.display] = source
            project.templates.append(template)
    if found.infrastructure:
        project.unchecked = unchecked_infrastructure(
            found.infrastructure, [source.path for source in project.sources.values()], project.display)
    return project


def load_template(source: SourceFile, project: Project) -> Template | None:
    """The template in `source`, or None when it is some other YAML/JSON; problems go to `project`."""
    as_json = source.path.suffix == ".json" or source.text.lstrip().startswith("{")
    problems: list[LoadError] = []
    try:
        root = (load_json if as_json else load_yaml)(source.text, source.display, problems)
    except LoadError as error:
        problems = [error]
        root = None
    template = None
    if root is not None and isinstance(root.value, dict):
        if looks_like_cloudformation(root):
            template = load_cloudformation(source, root)
        elif looks_like_serverless(root):
            provider = other_provider(root)
            if provider is not None:
                project.note(f"{source.display}: provider `{provider}` is not AWS; its functions are not checked")
            template = load_serverless(source, root)
    if root is None or template is not None:  # a duplicate key in other YAML is not ours to report
        if problems:
            project.sources[source.display] = source
        for error in problems:
            project.problems.append(Problem(Span.point(source.display, error.line, error.column), error.message))
    return template
