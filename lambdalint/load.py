"""Build the `Project` model from the paths a user gave."""

from __future__ import annotations

from pathlib import Path
from typing import Iterable

from lambdalint.cdkout import prefer_source
from lambdalint.config import Config
from lambdalint.discover import Walker
from lambdalint.located import Span
from lambdalint.loaders.cdk import python_app
from lambdalint.loaders.cloudformation import load_cloudformation, looks_like_cloudformation
from lambdalint.loaders.serverless import load_serverless, looks_like_serverless, other_provider
from lambdalint.loaders.yamlnodes import LoadError, load_json, load_yaml
from lambdalint.model import Problem, Project, SourceFile, Template
from lambdalint.unread import unchecked_infrastructure


def load_project(paths: Iterable[Path], config: Config, cwd: Path,
                 overlay: dict[Path, str] | None = None) -> Project:
    overlay = {p.absolute(): text for p, text in (overlay or {}).items()}
    walker = Walker(exclude=config.exclude, exclude_root=config.root,
                    respect_gitignore=config.respect_gitignore, overlay=overlay)
    found = walker.run(paths)
    project = Project(cwd=cwd.absolute(), python_paths=found.python_files)
    for unreadable in found.unreadable:
        project.problems.append(Problem(Span.point(project.display(unreadable.path), 1), unreadable.reason))
    for path, text in found.templates:
        source = SourceFile(path.absolute(), project.display(path), text)
        template = load_template(source, project)
        if template is not None:
            project.sources[source.display] = source
            project.templates.append(template)
    infrastructure = found.infrastructure
    cdk_apps = [p for p in infrastructure if p.name == "cdk.json"]
    if cdk_apps:
        read = _load_cdk_apps(cdk_apps, found.python_files, project, overlay)
        infrastructure = [p for p in infrastructure if p not in read]
    if infrastructure:
        project.unchecked = unchecked_infrastructure(
            infrastructure, [source.path for source in project.sources.values()], project.display)
    return project


def _load_cdk_apps(cdk_json: list[Path], python_files: list[Path], project: Project,
                   overlay: dict[Path, str]) -> list[Path]:
    """Python CDK apps read from source (LibCST is imported only when there is one); returns the
    `cdk.json` files read."""
    def read_text(path: Path) -> str | None:
        if path.absolute() in overlay:
            return overlay[path.absolute()]
        try:
            return path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError):
            return None  # discovery already reported what it could not read

    read: list[Path] = []
    for path in cdk_json:
        text = read_text(path)
        if text is None or python_app(text) is None:
            continue
        from lambdalint.loaders.cdk import load_cdk_app

        templates = load_cdk_app(path, python_files, project, read_text)
        prefer_source(project, path.parent.absolute(), templates)
        for template in templates:
            project.sources[template.source.display] = template.source
            project.templates.append(template)
        read.append(path)
    return read


def load_template(source: SourceFile, project: Project) -> Template | None:
    """The template in `source`, or None when it is some other YAML/JSON; problems go to `project`."""
    as_json = source.path.suffix == ".json" or source.text.lstrip().startswith("{")
    try:
        root = (load_json if as_json else load_yaml)(source.text, source.display)
    except LoadError as error:
        project.sources[source.display] = source
        project.problems.append(Problem(Span.point(source.display, error.line, error.column), error.message))
        return None
    if not isinstance(root.value, dict):
        return None
    if looks_like_cloudformation(root):
        return load_cloudformation(source, root)
    if looks_like_serverless(root):
        provider = other_provider(root)
        if provider is not None:
            project.note(f"{source.display}: provider `{provider}` is not AWS; its functions are not checked")
        return load_serverless(source, root)
    return None
