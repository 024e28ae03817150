"""Python CDK apps read from their source into the model, never imported or run.

An app is a folder with a `cdk.json` whose `app` command runs a Python file (`python3 app.py`).
Its Python modules that mention `aws_cdk` are read with LibCST (`cdkreader` reads the statements,
`cdkvalues` the expressions, `cdkconstructs` says what each construct call is); the app becomes
one `Template` of dialect `cdk` (named by the file `cdk.json` runs, each value's span naming the
module that wrote it: a stack module often makes the role or queue a helper module's function
uses) whose resources are CloudFormation-shaped (`AWS::Lambda::Function` with `Timeout`, `MemorySize`, ...), so every rule
reads CDK the way it reads CloudFormation. Values point at the source: a setting at its keyword argument's line, something missing at the construct call's first
line; a function is named by its construct id.

CDK's own defaults apply: timeout 3 s and memory 128 MB (as CloudFormation's); a
`PythonFunction` handler is `index.handler` under its `entry` folder unless `index`/`handler` say
otherwise; its runtime, required in current CDK versions and defaulted differently by older ones,
is `unresolved` when not given. A `**props` spread lambdalint cannot read makes every setting it
might hold `unresolved` rather than missing.

Relative asset paths resolve against the folder holding `cdk.json`: `cdk synth` runs the app there.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from lambdalint.located import Located, Span
from lambdalint.model import Function, Problem, Project, SourceFile, Template

if TYPE_CHECKING:  # the loader itself loads with the first CDK app (see `load_cdk_app`)
    from lambdalint.loaders.cdkresources import AppState


_PYTHON_APP = re.compile(r"(?:^|[\s/\\])python[0-9.]*(?:\.exe)?\s+(?:-\S+\s+)*\"?([^\s\"]+\.py)\b")
# a runner that runs a Python file in the project's environment (`uv run ./app.py`, `poetry run
# python app.py` is the pattern above), or the file itself (`./app.py` with a shebang)
_RUN_PY = re.compile(r"^\s*(?:(?:uv|poetry|pipenv|pdm|hatch|rye)\s+run\s+(?:-\S+\s+)*)?\"?([^\s\"]+\.py)\"?(?:\s|$)")
_TEST_PARTS = frozenset({"tests", "test", "cdk.out", "node_modules"})


_JUDGED_ALONE = frozenset({"AWS::Lambda::Function", "AWS::Scheduler::Schedule", "AWS::Events::Rule",
                           "AWS::Lambda::Permission", "AWS::Lambda::Url"})


def python_app(text: str) -> str | None:
    """The Python file a `cdk.json`'s `app` command runs; None for other languages or bad JSON."""
    try:
        data = json.loads(text)
    except ValueError:
        return None
    app = data.get("app") if isinstance(data, dict) else None
    if not isinstance(app, str):
        return None
    match = _PYTHON_APP.search(app) or _RUN_PY.match(app)
    return match.group(1) if match else None


def is_app_module(path: Path, app_dir: Path) -> bool:
    """Modules of the app itself: not its tests, not `cdk.out` copies."""
    try:
        parts = path.relative_to(app_dir).parts
    except ValueError:
        return False
    return not (_TEST_PARTS.intersection(parts[:-1]) or parts[-1].startswith("test_"))


def load_cdk_app(cdk_json: Path, python_files: list[Path], project: Project,
                 read_text: Callable[[Path], str | None], other_apps: tuple[Path, ...] = ()) -> list[Template]:
    """The templates of the Python CDK app whose `cdk.json` is given (parse errors go to
    `project.problems` as LL001); `other_apps`: the folders of the project's other Python apps,
    whose modules this app does not read."""
    from lambdalint.loaders.cdkconstructs import on_construct
    from lambdalint.loaders.cdkiam import is_role_method, statement_method
    from lambdalint.loaders.cdkmethods import construct_method
    from lambdalint.loaders.cdkmodules import settle
    from lambdalint.loaders.cdkreader import Reader
    from lambdalint.loaders.cdkresources import AppState
    from lambdalint.loaders.cdkversions import version_attribute

    app_dir = cdk_json.parent.absolute()
    state = AppState(app_dir)
    entry = python_app(read_text(cdk_json) or "")
    entry_text = read_text(app_dir / entry) if entry else None
    if entry is not None and entry_text is not None:
        path = app_dir / entry
        state.source = SourceFile(path, project.display(path), entry_text)
    reader = Reader(app_dir, project.display, lambda q, call, frame, r: on_construct(state, q, call, frame, r),
                    read_text)
    reader.nested_apps = tuple(other for other in other_apps if app_dir in other.parents)
    if state.source is not None and state.source.path.parent != app_dir:
        reader.entry_dirs = (state.source.path.parent,)
    reader.method_hook = construct_method
    reader.statement_hook = statement_method
    reader.attribute_hook = version_attribute
    reader.state = state
    texts: dict[Path, str] = {}
    for path in python_files:
        path = path.absolute()
        if reader.owns(path) and is_app_module(path, app_dir):
            text = read_text(path)
            if text is not None and "aws_cdk" in text:
                texts[path] = text
    modules = [m for m in (reader.module(p) for p in sorted(texts)) if m is not None]
    _read_all(reader, modules)
    for path, message, line, column in reader.errors:
        display = project.display(path)
        project.sources.setdefault(display, SourceFile(path, display, texts.get(path, "")))
        project.problems.append(Problem(Span.point(display, line, column), message))
    for note in state.notes:
        project.note(note)
    unknown_policy = sorted(m for m in reader.unknown_calls if is_role_method(m) or m.startswith("grant"))
    if unknown_policy:
        _policies_unknown(state, f"{unknown_policy[0]}(...)")
    if "configure_async_invoke" in reader.unknown_calls:
        _async_unknown(state)
    if "add_environment" in reader.unknown_calls:
        _environment_unknown(state)
    from lambdalint.loaders.cloudformation import resource_facts

    if reader.unknown_calls & {"current_version", "add_alias", "add_alarm"}:
        _deployment_unknown(state, reader.unknown_calls)
    by_display = {m.source.display: m for m in reader.modules.values() if m is not None}
    seen: set[int] = set()
    # an app with neither a function nor a resource rules judge on its own (a schedule, a
    # permission, a function URL) has nothing a rule reads: a queue or a role refers to functions
    # of its own template only
    state.templates = {path: template for path, template in state.templates.items()
                       if any(r.get("Type").value in _JUDGED_ALONE  # type: ignore[union-attr]
                              for r in template.resources.values())}
    for template in state.templates.values():
        settle(template.root, by_display, seen)
        # the app's template is named by its entry file; the modules that wrote its resources are
        # read too (their lines carry suppression comments and snippets)
        for resource in template.resources.values():
            module = by_display.get(resource.span.path)
            if module is not None:
                project.sources.setdefault(module.source.display, module.source)
    templates = []
    missing: dict[Path, list[str]] = {}  # asset folders a build step makes: the code is not here
    for path, template in state.templates.items():
        for logical_id, resource in template.resources.items():
            if resource.get("Type").value == "AWS::Lambda::Function" and \
                    isinstance(resource.get("Properties").value, dict):  # type: ignore[union-attr]
                function = _function(template, logical_id, resource)
                template.functions.append(function)
                if function.package_type == "Zip" and function.code_dir is not None and not function.code_dir.exists():
                    missing.setdefault(function.code_dir, []).append(function.name)
        resource_facts(template)
        templates.append(template)
    for folder, names in missing.items():
        shown = ", ".join(f"`{name}`" for name in names)
        project.unchecked.append(f"{project.display(folder)}: the code of {shown} is not in the checkout (a build "
                                 "step makes it?): its handler code was not checked")
    return templates


def _read_all(reader: Any, modules: list[Any]) -> None:
    """Module bodies first (the app file instantiates the stacks, binding their arguments), then
    classes and functions nothing in the app calls, then whatever is left unread (parameters
    unknown)."""
    from lambdalint.loaders.cdkmodules import Frame
    from lambdalint.loaders.cdkobjects import unknown_parameters

    for module in modules:
        reader.module_env(module)
    texts = [module.source.text for module in modules]
    pending: list[tuple[Any, Any, bool]] = []
    for module in modules:
        for klass in module.classes.values():
            pending.append((module, klass, _is_called(klass.name.value, texts)))
        for function in module.functions.values():
            pending.append((module, function, _is_called(function.name.value, texts)))
    for later in (False, True):
        for module, definition, is_called in pending:
            if is_called != later:
                continue
            if hasattr(definition, "params"):  # a function
                if id(definition) not in reader.walked:
                    reader.walked.add(id(definition))
                    reader.block(definition.body, Frame(module, unknown_parameters(definition)), ())
            else:
                reader.instantiate(module, definition, None, None)


def _is_called(name: str, texts: list[str]) -> bool:
    """Whether the app calls `name` (`make(...)`, `self.wire(...)`, `OrdersStack(...)`); a
    definition's own `def name(` / `class Name(` is not a call. A search for the name itself:
    one regular expression for every call in the text costs a tenth of parsing it."""
    size = len(name)
    for text in texts:
        start = text.find(name)
        while start >= 0:
            end = start + size
            while text[end:end + 1] in (" ", "\t"):
                end += 1
            if text[end:end + 1] == "(" and _call_context(text, start):
                return True
            start = text.find(name, start + 1)
    return False


def _call_context(text: str, start: int) -> bool:
    """The name at `start` begins a name and is not being defined: nothing word-like or a dot before
    it (other than `self.`), no `def `/`class ` right before it."""
    if text[start - 6 if start >= 6 else 0:start].endswith(("def ", "class ")):
        return False
    before = text[start - 1:start]
    if before == ".":
        if text[start - 5 if start >= 5 else 0:start] != "self.":
            return False
        before = text[start - 6:start - 5] if start >= 6 else ""
    return not (before.isalnum() or before in ("_", "."))


def _policies_unknown(state: AppState, node: str) -> None:
    """A policy added to an object not followed could be on any role of the app."""
    from lambdalint.loaders.cdkiam import ROLE, add_statements

    for template in state.templates.values():
        for resource in template.resources.values():
            kind = resource.get("Type")
            if kind is not None and kind.value == ROLE:
                add_statements(resource, Located(node, resource.key_span or resource.span, "unresolved"))


def _async_unknown(state: AppState) -> None:
    """`configure_async_invoke` on an object not followed: no function's async setup is known."""
    for template in state.templates.values():
        for resource in template.resources.values():
            kind = resource.get("Type")
            properties = resource.get("Properties")
            if kind is not None and kind.value == "AWS::Lambda::Function" and properties is not None \
                    and isinstance(properties.value, dict):
                properties.value.setdefault("EventInvokeConfig", Located("?", resource.key_span or resource.span,
                                                                         "unresolved"))


def _environment_unknown(state: AppState) -> None:
    """An `add_environment` call on an object not followed could be on any function."""
    for template in state.templates.values():
        for resource in template.resources.values():
            properties = resource.get("Properties")
            if properties is not None and isinstance(properties.value, dict):
                environment = properties.value.get("Environment")
                span = environment.span if environment is not None else resource.key_span or resource.span
                properties.value["Environment"] = Located("add_environment", span, "unresolved")


def _deployment_unknown(state: AppState, unknown: set[str]) -> None:
    """`x.current_version` / `x.add_alias(...)` on an object not followed may publish a version of
    any function (so none is said to publish none); `x.add_alarm(...)` may add an alarm to any
    deployment group."""
    from lambdalint.loaders.cdkversions import FUNCTION, GROUP, VERSION

    for template in state.templates.values():
        resources = template.root.value["Resources"].value
        for logical_id, resource in list(resources.items()):
            kind = resource.get("Type")
            properties = resource.get("Properties")
            span = resource.key_span or resource.span
            if kind is None or properties is None or not isinstance(properties.value, dict):
                continue
            if kind.value == FUNCTION and unknown & {"current_version", "add_alias"}:
                resources[f"{logical_id}#version?"] = Located({
                    "Type": Located(VERSION, span, "unresolved"),
                    "Properties": Located({"FunctionName": Located({"Ref": Located(logical_id, span)}, span)}, span)},
                    span, "unresolved")
            if kind.value == GROUP and "add_alarm" in unknown:
                properties.value["AlarmConfiguration"] = Located("add_alarm", span, "unresolved")


# How the construct's keyword arguments name the settings rules speak of in CloudFormation terms.
SHOWN = {
    "Timeout": "timeout", "MemorySize": "memory_size", "Runtime": "runtime",
    "ReservedConcurrentExecutions": "reserved_concurrent_executions", "Environment": "environment",
    "Layers": "layers", "Handler": "handler", "Role": "role",
    "ScalingConfig.MaximumConcurrency": "SqsEventSource(queue, max_concurrency=...)",
}


def _function(template: Template, logical_id: str, resource: Located) -> Function:
    from lambdalint.loaders.cdkresources import DIALECT
    from lambdalint.loaders.cloudformation import resource_function

    function = resource_function(template, logical_id, DIALECT, resource)
    function.shown = SHOWN
    if resource.get("Metadata") is not None:  # an L2 construct, not a `CfnFunction`
        # `tracing=Tracing.ACTIVE` makes CDK add the X-Ray statements to the function's role.
        function.tracing_grants_role = True
        function.tracing_hint = "`tracing=lambda_.Tracing.ACTIVE`"
        function.publish_hint = "`fn.current_version`, or a `lambda_.Alias`"
        function.image_command_hint = "`cmd=` of `DockerImageCode.from_image_asset`"
        function.failure_hint = ("Pass `on_failure=` (an `aws_lambda_destinations` destination) or "
                                 "`dead_letter_queue=` to the function, so failed events are kept.")
        function.image_unsupported = [u._replace(name=SHOWN.get(u.name, u.name)) for u in function.image_unsupported]
    if function.code_dir is None or not function.code_dir.is_dir():
        # a zip, an image or a folder a build step makes: the handler's file is not readable here
        function.handler_file = function.handler_function = None
    return function
