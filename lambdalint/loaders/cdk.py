"""Python CDK apps read from their source into the model, never imported or run.

An app is a folder with a `cdk.json` whose `app` command runs a Python file (`python3 app.py`).
Its Python modules that mention `aws_cdk` are read with LibCST (`lambdalint.loaders.cdkvalues`
follows the values); each module that creates Lambda functions becomes one `Template` of dialect
`cdk` whose resources are CloudFormation-shaped (`AWS::Lambda::Function` with `Timeout`,
`MemorySize`, ...), so every rule reads CDK the way it reads CloudFormation. Values point at the
source: a setting at its keyword argument's line, something missing at the construct call's first
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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from lambdalint.located import Located, Span
from lambdalint.model import Function, Problem, Project, SourceFile, Template

DIALECT = "cdk"
_PYTHON_APP = re.compile(r"(?:^|[\s/\\])python[0-9.]*(?:\.exe)?\s+(?:-\S+\s+)*\"?([^\s\"]+\.py)\b")
_TEST_PARTS = frozenset({"tests", "test", "cdk.out", "node_modules"})

LAMBDA = "aws_cdk.aws_lambda."
FUNCTIONS = {
    LAMBDA + "Function": "Function",
    LAMBDA + "DockerImageFunction": "DockerImageFunction",
    "aws_cdk.aws_lambda_python_alpha.PythonFunction": "PythonFunction",
}
# CDK keyword -> CloudFormation property, for settings that carry over as they are.
_PLAIN = {
    "timeout": "Timeout", "memory_size": "MemorySize", "runtime": "Runtime", "handler": "Handler",
    "reserved_concurrent_executions": "ReservedConcurrentExecutions", "function_name": "FunctionName",
    "description": "Description", "ephemeral_storage_size": "EphemeralStorage",
}
# Settings a `**props` we cannot read might hold: unknown then, never "missing".
_SPREADABLE = ("Timeout", "MemorySize", "ReservedConcurrentExecutions", "Runtime", "Handler",
               "Environment", "Layers", "DeadLetterConfig", "TracingConfig", "EventInvokeConfig",
               "SnapStart", "Architectures", "Role")


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
    match = _PYTHON_APP.search(app)
    return match.group(1) if match else None


def is_app_module(path: Path, app_dir: Path) -> bool:
    """Modules of the app itself: not its tests, not `cdk.out` copies."""
    try:
        parts = path.relative_to(app_dir).parts
    except ValueError:
        return False
    return not (_TEST_PARTS.intersection(parts[:-1]) or parts[-1].startswith("test_"))


@dataclass
class _App:
    """State of reading one app: the templates (one per module) and construct ids in use."""

    app_dir: Path
    templates: dict[Path, Template] = field(default_factory=dict)
    created: dict[tuple[int, str], Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    by_id: dict[str, Any] = field(default_factory=dict)  # logical id -> construct, for `Ref`s


def load_cdk_app(cdk_json: Path, python_files: list[Path], project: Project,
                 read_text: Callable[[Path], str | None]) -> list[Template]:
    """The templates of the Python CDK app whose `cdk.json` is given (parse errors go to
    `project.problems` as LL001)."""
    from lambdalint.loaders.cdkvalues import Reader

    app_dir = cdk_json.parent.absolute()
    state = _App(app_dir)
    reader = Reader(app_dir, project.display, lambda q, call, frame, r: _construct(state, q, call, frame, r),
                    read_text)
    reader.method_hook = _method
    reader.state = state
    texts: dict[Path, str] = {}
    for path in python_files:
        path = path.absolute()
        if app_dir in path.parents and is_app_module(path, app_dir):
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
    from lambdalint.loaders.cdkiam import is_role_method

    unknown_policy = sorted(m for m in reader.unknown_calls if is_role_method(m) or m.startswith("grant"))
    if unknown_policy:
        _policies_unknown(state, f"{unknown_policy[0]}(...)")
    if "configure_async_invoke" in reader.unknown_calls:
        _async_unknown(state)
    if "add_environment" in reader.unknown_calls:
        _environment_unknown(state)
    from lambdalint.loaders.cdkvalues import settle
    from lambdalint.loaders.cloudformation import resource_facts

    by_display = {m.source.display: m for m in reader.modules.values() if m is not None}
    seen: set[int] = set()
    # a module with neither a function nor a resource rules judge on its own (a schedule, a
    # permission, a function URL) has nothing a rule reads: a queue or a role refers to functions
    # of its own template only
    state.templates = {path: template for path, template in state.templates.items()
                       if any(r.get("Type").value in _JUDGED_ALONE  # type: ignore[union-attr]
                              for r in template.resources.values())}
    for template in state.templates.values():
        settle(template.root, by_display, seen)
    templates = []
    for path, template in state.templates.items():
        for logical_id, resource in template.resources.items():
            if resource.get("Type").value == "AWS::Lambda::Function" and \
                    isinstance(resource.get("Properties").value, dict):  # type: ignore[union-attr]
                template.functions.append(_function(template, logical_id, resource))
        resource_facts(template)
        templates.append(template)
    return templates


def _read_all(reader: Any, modules: list[Any]) -> None:
    """Module bodies first (the app file instantiates the stacks, binding their arguments), then
    classes and functions nothing in the app calls, then whatever is left unread (parameters
    unknown)."""
    from lambdalint.loaders.cdkvalues import Frame, unknown_parameters

    for module in modules:
        reader.module_env(module)
    called = _called_names(modules)
    pending: list[tuple[Any, Any, bool]] = []
    for module in modules:
        for klass in module.classes.values():
            pending.append((module, klass, klass.name.value in called))
        for function in module.functions.values():
            pending.append((module, function, function.name.value in called))
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


def _called_names(modules: list[Any]) -> set[str]:
    """Names the app calls (`make(...)`, `self.wire(...)`, `OrdersStack(...)`); a definition's own
    `def name(` / `class Name(` is not a call."""
    calls: set[str] = set()
    for module in modules:
        calls.update(_CALLED.findall(module.source.text))
    return calls


_CALLED = re.compile(r"(?<!def )(?<!class )(?<![\w.])(?:self\.)?([A-Za-z_]\w*)[ \t]*\(")


# -- constructs --------------------------------------------------------------------------------

def _construct(state: _App, qualified: str, call: Any, frame: Any, reader: Any) -> Any:
    from lambdalint.loaders.cdkvalues import Construct, positional

    from lambdalint.loaders.cdkiam import iam_value, role_construct

    code = _code_value(qualified, call, frame, reader) or iam_value(qualified, call, frame, reader)
    if code is not None:
        return code
    made = role_construct(state, qualified, call, frame, reader,
                          lambda kind, properties, c, f: _make(state, kind, qualified, properties, c, f, reader))
    if made is not None:
        return made or _opaque(qualified, call, frame, reader)
    wired = _trigger_construct(state, qualified, call, frame, reader)
    if wired is not None:
        return wired
    kind = FUNCTIONS.get(qualified)
    if kind is None:
        if not qualified.startswith("aws_cdk"):
            return None
        level_one = _level_one(state, qualified, call, frame, reader)
        if level_one is not None:
            return level_one
        # any other construct (`Queue(self, "Q")`): known as an object, its settings not read yet
        id_node = construct_id(call)
        if id_node is None:
            return None
        for argument in call.args:
            reader.value(argument.value, frame)
        return Construct(_id_text(reader, id_node, frame), "", qualified)
    id_node = construct_id(call)
    if id_node is None:
        return None
    key = (id(call), _id_text(reader, id_node, frame))
    if key in state.created:
        return state.created[key]  # the same call read twice (a stack instantiated twice)
    module = frame.module
    resources = _resources(state, module)
    logical_id = _unique(key[1], resources)
    head = _head_span(module, call)
    properties, metadata = _function_properties(kind, call, frame, reader, head, state.app_dir)
    resource = Located({"Type": Located("AWS::Lambda::Function", head),
                        "Properties": Located(properties, head),
                        "Metadata": Located(metadata, head)}, module.span(call), key_span=head)
    resources[logical_id] = resource
    construct = Construct(logical_id, "AWS::Lambda::Function", qualified, resource)
    keywords = reader.keywords(call, frame)[0]
    _function_role(construct, properties, keywords.get("initial_policy"), resources, head, state)
    from lambdalint.loaders.cdktriggers import event_source

    for source in _construct_items(reader, call, frame):
        event_source(construct, source, _maker(state, reader), call, frame, state)
    state.created[key] = state.by_id[logical_id] = construct
    return construct


def _maker(state: _App, reader: Any, qualified: str = "") -> Any:
    return lambda kind, properties, call, frame, name=None: _make(state, kind, qualified, properties, call,
                                                                  frame, reader, name)


def _trigger_construct(state: _App, qualified: str, call: Any, frame: Any, reader: Any) -> Any:
    """Event sources, targets, integrations (values) and trigger sources (resources)."""
    from lambdalint.loaders import cdktriggers

    value = cdktriggers.trigger_value(qualified, call, frame, reader)
    if value is not None:
        return value
    make = _maker(state, reader, qualified)
    if qualified == "aws_cdk.aws_apigatewayv2_integrations.HttpLambdaIntegration":
        return cdktriggers.http_integration(call, frame, reader, make) or _opaque(qualified, call, frame, reader)
    if qualified == LAMBDA + "EventInvokeConfig":
        keywords, complete = reader.keywords(call, frame)
        target = keywords.get("function")
        if target is not None and getattr(target[0], "resource", None) is not None:
            _async_config(target[0], keywords, complete, frame.module.span(call))
        return _opaque(qualified, call, frame, reader)
    if qualified == LAMBDA + "EventSourceMapping":
        from lambdalint.loaders.cdkvalues import Construct

        keywords, _ = reader.keywords(call, frame)
        target = keywords.get("target")
        arn = keywords.get("event_source_arn")
        mapping = Construct("", "cdk:event-source", qualified, None, {
            "type": "EventSourceMapping", "source": arn[0] if arn is not None else None,
            "keywords": keywords, "span": _head_span(frame.module, call)})
        if target is not None:
            cdktriggers.event_source(target[0], mapping, make, call, frame, state)
        return _opaque(qualified, call, frame, reader)
    kind = cdktriggers._SOURCE_RESOURCES.get(qualified)
    if kind is None:
        return None
    keywords, complete = reader.keywords(call, frame)
    head = _head_span(frame.module, call)
    construct = make(kind, cdktriggers.source_properties(qualified, keywords, complete, head), call, frame)
    if not construct:
        return _opaque(qualified, call, frame, reader)
    cdktriggers.wire_source(construct, qualified, keywords, head, make, call, frame)
    for target in _construct_items(reader, call, frame, "targets"):
        cdktriggers.add_rule_target(construct, target)
    return construct


def _async_config(function: Any, keywords: dict[str, Any], complete: bool, span: Span) -> None:
    """`fn.configure_async_invoke(...)` / `lambda_.EventInvokeConfig(function=fn, ...)`."""
    properties: dict[str, Located] = function.resource.value["Properties"].value
    if not complete:
        properties["EventInvokeConfig"] = Located("**", span, "unresolved")
        return
    for name in ("on_failure", "retry_attempts", "max_event_age"):
        if name in keywords:
            _invoke_config(properties, name, keywords[name][0], keywords[name][1], None, span)
    properties.setdefault("EventInvokeConfig", Located({}, span, key_span=span))


def _function_role(function: Any, properties: dict[str, Located], initial: Any,
                   resources: dict[str, Located], head: Span, state: _App) -> None:
    """The function's role: the one it names (when the model holds it) or the one CDK makes."""
    from lambdalint.loaders.cdkiam import ROLE, add_statements, service_role
    from lambdalint.loaders.cdkvalues import Construct, as_located

    statements = as_located(initial[0], head) if initial is not None else None
    role = properties.get("Role")
    if role is None:
        role_id, resource = service_role(function.logical_id, head, statements)
        role_id = _unique(role_id, resources)
        resources[role_id] = resource
        properties["Role"] = Located({"Fn::GetAtt": Located([Located(role_id, head), Located("Arn", head)], head)},
                                     head, "default")
        function.attributes["role"] = function.attributes["grant_principal"] = Construct(role_id, ROLE, "", resource)
        return
    named = role.get("Ref")
    target = state.by_id.get(named.value) if named is not None and isinstance(named.value, str) else None
    if target is not None and target.kind == ROLE and target.resource is not None:
        function.attributes["role"] = function.attributes["grant_principal"] = target
        if statements is not None:
            add_statements(target.resource, statements)


def _make(state: _App, kind: str, qualified: str, properties: dict[str, Located], call: Any, frame: Any,
          reader: Any, name: str | None = None) -> Any:
    """A construct that is one CloudFormation resource of `kind` with these properties, named by
    its construct id (or by `name`, for what CDK creates under another construct)."""
    from lambdalint.loaders.cdkvalues import Construct

    id_node = construct_id(call) if name is None else None
    if id_node is None and name is None:
        return False
    key = (id(call), name if name is not None else _id_text(reader, id_node, frame))
    if key in state.created:
        return state.created[key]
    module = frame.module
    resources = _resources(state, module)
    logical_id = _unique(key[1], resources)
    head = _head_span(module, call)
    resource = Located({"Type": Located(kind, head), "Properties": Located(properties, head)},
                       module.span(call), key_span=head)
    resources[logical_id] = resource
    construct = Construct(logical_id, kind, qualified, resource)
    state.created[key] = state.by_id[logical_id] = construct
    return construct


def _opaque(qualified: str, call: Any, frame: Any, reader: Any) -> Any:
    """A construct known as an object only: its settings are not in the model."""
    from lambdalint.loaders.cdkvalues import Construct

    id_node = construct_id(call)
    return Construct(_id_text(reader, id_node, frame) if id_node is not None else "?", "", qualified)


def _resources(state: _App, module: Any) -> dict[str, Located]:
    """The resources of the template for `module` (made on its first construct)."""
    template = state.templates.get(module.path)
    if template is None:
        top = Span.point(module.source.display, 1)
        from lambdalint.loaders.references import dynamic_references

        template = Template(source=module.source, dialect=DIALECT,  # type: ignore[arg-type]
                            root=Located({"Resources": Located({}, top)}, top), reference_reader=dynamic_references)
        state.templates[module.path] = template
    return template.root.value["Resources"].value  # type: ignore[no-any-return]


# Python module of an L1 class -> the service in its CloudFormation type name.
_SERVICES = {
    "aws_lambda": "Lambda", "aws_iam": "IAM", "aws_sqs": "SQS", "aws_sns": "SNS", "aws_s3": "S3",
    "aws_events": "Events", "aws_scheduler": "Scheduler", "aws_apigateway": "ApiGateway",
    "aws_apigatewayv2": "ApiGatewayV2", "aws_dynamodb": "DynamoDB", "aws_kinesis": "Kinesis",
    "aws_logs": "Logs", "aws_stepfunctions": "StepFunctions",
}


def _level_one(state: _App, qualified: str, call: Any, frame: Any, reader: Any) -> Any:
    """An L1 construct (`CfnFunction`, `CfnPermission`, `iam.CfnRole`, ...) is the CloudFormation
    resource it names, its keyword arguments the properties in CloudFormation spelling; a
    `Cfn*.XxxProperty(...)` struct is a mapping the same way."""
    from lambdalint.loaders.cdkvalues import Construct

    parts = qualified.split(".")
    if len(parts) == 4 and parts[2].startswith("Cfn") and parts[3].endswith("Property"):
        return _cfn_properties(call, frame, reader)[0]
    if len(parts) != 3 or not parts[2].startswith("Cfn") or parts[1] not in _SERVICES:
        return None
    id_node = construct_id(call)
    if id_node is None:
        return None
    key = (id(call), _id_text(reader, id_node, frame))
    if key in state.created:
        return state.created[key]
    kind = f"AWS::{_SERVICES[parts[1]]}::{parts[2][3:]}"
    module = frame.module
    resources = _resources(state, module)
    logical_id = _unique(key[1], resources)
    head = _head_span(module, call)
    properties, complete = _cfn_properties(call, frame, reader)
    if not complete:
        # a `**props` we cannot read may hold any property: the resource is not judged at all
        state.notes.append(f"{head.path}:{module.place(head).line}: `{parts[2]}` `{key[1]}` takes properties from "
                           "`**` arguments lambdalint cannot read; it is not checked")
        construct = state.created[key] = Construct(key[1], kind, qualified)
        return construct
    resource = Located({"Type": Located(kind, head), "Properties": Located(properties.value, head,
                                                                             properties.origin)},
                       module.span(call), key_span=head)
    resources[logical_id] = resource
    construct = Construct(logical_id, kind, qualified, resource)
    state.created[key] = state.by_id[logical_id] = construct
    return construct


def _cfn_properties(call: Any, frame: Any, reader: Any) -> tuple[Located, bool]:
    from lambdalint.loaders.cdkvalues import as_located

    module = frame.module
    keywords, complete = reader.keywords(call, frame)
    properties: dict[str, Located] = {}
    for name, (value, argument) in keywords.items():
        if name in ("scope", "id", "construct_id"):
            continue
        if argument is not None:
            span, key_span = module.keyword_span(argument)
        else:
            span = key_span = module.span(call)
        located = as_located(value, span)
        properties[_pascal(name)] = Located(located.value, located.span if isinstance(
            located.value, (dict, list)) else span, located.origin, key_span=key_span)
    return Located(properties, module.span(call)), complete


def _pascal(name: str) -> str:
    """`reserved_concurrent_executions` -> `ReservedConcurrentExecutions`."""
    return "".join(part[:1].upper() + part[1:] for part in name.split("_"))


def construct_id(call: Any) -> Any:
    """The id argument of `Construct(scope, id, ...)`, positional or `id=`/`construct_id=`."""
    from lambdalint.loaders.cdkvalues import positional

    found = positional(call, 1)
    if found is None:
        found = next((a.value for a in call.args if a.keyword is not None
                      and a.keyword.value in ("id", "construct_id")), None)
    return found


def _id_text(reader: Any, node: Any, frame: Any) -> str:
    """The construct id: its literal value, else its source text (the id is not known)."""
    value = reader.value(node, frame)
    if isinstance(value, Located) and value.is_literal and isinstance(value.value, str):
        return value.value
    return frame.module.code(node)


def _unique(name: str, taken: dict[str, Located]) -> str:
    if name not in taken:
        return name
    number = 2
    while f"{name}#{number}" in taken:
        number += 1
    return f"{name}#{number}"


def _head_span(module: Any, call: Any) -> Span:
    """The construct call's first line, from the callee to its `(`: where 'missing' points."""
    return module.span(call.func, extra=1)  # type: ignore[no-any-return]


def _function_properties(kind: str, call: Any, frame: Any, reader: Any, head: Span,
                         app_dir: Path) -> tuple[dict[str, Located], dict[str, Located]]:
    from lambdalint.loaders.cdkvalues import as_located

    module = frame.module
    keywords, complete = reader.keywords(call, frame)
    properties: dict[str, Located] = {}
    metadata: dict[str, Located] = {}

    def put(cfn_key: str, value: Any, argument: Any, wrap: Callable[[Located], Any] | None = None) -> None:
        if argument is not None:
            span, key_span = module.keyword_span(argument)
        else:  # from a `**props` dict: the entry's own place
            located = as_located(value, head)
            span, key_span = located.span, located.key_span or located.span
        located = as_located(value, span)
        # a copy: a constant shared by several functions must not see one's `add_environment`
        inner = dict(located.value) if isinstance(located.value, dict) else \
            list(located.value) if isinstance(located.value, list) else located.value
        located = Located(inner, span, located.origin)
        if wrap is not None and located.origin != "unresolved":
            located = Located(wrap(located), span, located.origin)
        properties[cfn_key] = Located(located.value, located.span, located.origin, key_span=key_span)

    for name, (value, argument) in keywords.items():
        if name in _PLAIN:
            put(_PLAIN[name], value, argument)
        elif name == "environment":
            put("Environment", value, argument, lambda v: {"Variables": v})
        elif name == "layers":
            put("Layers", value, argument)
        elif name == "tracing":
            put("TracingConfig", value, argument, lambda v: {"Mode": v})
        elif name == "snap_start":
            put("SnapStart", value, argument, lambda v: {"ApplyOn": v})
        elif name == "architecture":
            put("Architectures", value, argument, lambda v: [v])
        elif name in ("dead_letter_queue", "dead_letter_topic"):
            put("DeadLetterConfig", value, argument, lambda v: {"TargetArn": v})
        elif name == "dead_letter_queue_enabled":
            if isinstance(value, Located) and value.value is True:
                put("DeadLetterConfig", value, argument, lambda v: {"TargetArn": v})
        elif name in ("on_failure", "retry_attempts", "max_event_age"):
            _invoke_config(properties, name, value, argument, module, head)
        elif name == "role":
            put("Role", value, argument)
        elif name == "code":
            put("Code", value, argument)
    if kind == "DockerImageFunction":
        properties["PackageType"] = Located("Image", head, "default")
        properties.pop("Runtime", None)
        properties.pop("Handler", None)
    if kind == "PythonFunction":
        _python_function(properties, keywords, module, head, app_dir)
    code = properties.get("Code")
    if code is not None and isinstance(code.value, dict):
        asset = code.value.get("cdk:asset")
        if asset is not None and isinstance(asset.value, str):
            metadata["aws:asset:path"] = Located(str(app_dir / asset.value), asset.span)
    if not complete:
        for key in _SPREADABLE:
            if key not in properties:
                properties[key] = Located("**", head, "unresolved")
    return properties, metadata


def _invoke_config(properties: dict[str, Located], name: str, value: Any, argument: Any,
                   module: Any, head: Span) -> None:
    """`on_failure`/`retry_attempts`/`max_event_age` are the function's `EventInvokeConfig`."""
    from lambdalint.loaders.cdkvalues import as_located

    span, key_span = module.keyword_span(argument) if argument is not None and module is not None \
        else (head, head)
    config = properties.get("EventInvokeConfig")
    entries = dict(config.value) if config is not None else {}
    located = as_located(value, span)
    if name == "on_failure":
        entries["DestinationConfig"] = Located({"OnFailure": Located({"Destination": located}, span)}, span)
    else:
        entries["MaximumRetryAttempts" if name == "retry_attempts" else "MaximumEventAgeInSeconds"] = \
            Located(located.value, span, located.origin)
    properties["EventInvokeConfig"] = Located(entries, span, key_span=key_span)


def _python_function(properties: dict[str, Located], keywords: dict[str, Any], module: Any,
                     head: Span, app_dir: Path) -> None:
    """`PythonFunction(entry=..., index="index.py", handler="handler")`: the handler is
    `<index without .py>.<handler>` under `entry`."""
    entry = keywords.get("entry")
    index = keywords.get("index")
    handler = properties.get("Handler")
    index_value = index[0] if index is not None else Located("index.py", head, "default")
    handler_value = handler if handler is not None else Located("handler", head, "default")
    if isinstance(index_value, Located) and index_value.is_literal and isinstance(index_value.value, str) \
            and handler_value.is_literal and isinstance(handler_value.value, str):
        stem = index_value.value[:-3] if index_value.value.endswith(".py") else index_value.value
        origin = "explicit" if handler is not None or index is not None else "default"
        properties["Handler"] = Located(f"{stem}.{handler_value.value}", handler_value.span, origin,
                                        key_span=handler_value.key_span)
    else:
        properties["Handler"] = Located("handler", head, "unresolved")
    if "Runtime" not in properties:
        # required by current CDK versions, defaulted (to a since-deprecated Python) by old ones
        properties["Runtime"] = Located("python", head, "unresolved")
    if entry is not None and isinstance(entry[0], Located) and entry[0].is_literal \
            and isinstance(entry[0].value, str):
        span, key_span = module.keyword_span(entry[1]) if entry[1] is not None else (head, head)
        # PythonFunction installs the entry's requirements.txt (Pipfile, poetry) into the package
        properties["Code"] = Located({"cdk:asset": Located(entry[0].value, span),
                                      "cdk:bundled": Located(True, span, "default")}, span, key_span=key_span)


def _code_value(qualified: str, call: Any, frame: Any, reader: Any) -> Located | None:
    """`Code.from_asset("lambda")` and friends, as the model's code location."""
    from lambdalint.loaders.cdkvalues import positional

    name = qualified[len(LAMBDA):] if qualified.startswith(LAMBDA) else None
    if name is None:
        return None
    span = frame.module.span(call)
    argument = positional(call, 0)
    if argument is None:
        keyword = next((a.value for a in call.args if a.keyword is not None
                        and a.keyword.value in ("path", "code", "directory")), None)
        argument = keyword
    if name in ("Code.from_asset", "AssetCode", "Code.asset", "AssetCode.from_asset",
                "DockerImageCode.from_image_asset", "EcrImageCode"):
        value = reader.value(argument, frame) if argument is not None else None
        if name == "EcrImageCode":
            return Located({"cdk:image": Located(None, span, "unresolved")}, span)
        key = "cdk:image" if "Image" in name else "cdk:asset"
        code = {key: value} if isinstance(value, Located) and value.is_literal and isinstance(value.value, str) \
            else {key: Located(frame.module.source_text(call), span, "unresolved")}
        if any(a.keyword is not None and a.keyword.value == "bundling" for a in call.args):
            code["cdk:bundled"] = Located(True, span)  # a bundling command (pip install) builds the asset
        return Located(code, span)
    if name in ("Code.from_inline", "InlineCode", "Code.inline", "InlineCode.from_inline"):
        return Located({"ZipFile": Located("(inline)", span)}, span)
    if name in ("Code.from_bucket", "S3Code", "Code.from_ecr_image", "Code.from_docker_build",
                "Code.from_custom_command", "Code.from_cfn_parameters", "DockerImageCode.from_ecr"):
        return Located({"cdk:external": Located(frame.module.source_text(call), span, "unresolved")}, span)
    return None


def _method(owner: Any, method: str, call: Any, frame: Any, reader: Any) -> Any:
    """What a method call on a construct changes: `fn.add_environment(k, v)`, `fn.add_layers(...)`."""
    from lambdalint.loaders.cdkvalues import as_located, positional

    from lambdalint.loaders.cdkiam import role_method

    from lambdalint.loaders import cdktriggers

    values = [reader.value(a.value, frame) for a in call.args]
    node = Located(frame.module.source_text(call), frame.module.span(call), "unresolved")
    state: _App = reader.state
    make = _maker(state, reader)
    is_function = owner is not None and owner.kind == "AWS::Lambda::Function" and owner.resource is not None
    if method == "add_method":
        cdktriggers.add_method(values, {}, make, call, frame, owner)
        return None
    if is_function and method in ("grant_invoke", "grant_invoke_url", "add_permission", "add_function_url",
                                  "add_event_source", "configure_async_invoke"):
        keywords, complete = reader.keywords(call, frame)
        if method == "add_event_source" and values:
            cdktriggers.event_source(owner, values[0], make, call, frame, state)
        elif method == "add_function_url":
            cdktriggers.function_url(owner, keywords, make, call, frame)
        elif method == "add_permission":
            name = values[0].value if values and isinstance(values[0], Located) and values[0].is_literal \
                else owner.logical_id + "Permission"
            cdktriggers.permission(owner, keywords, make, call, frame, str(name))
        elif method == "configure_async_invoke":
            _async_config(owner, keywords, complete, node.span)
        elif values:
            cdktriggers.permission(owner, {}, make, call, frame, owner.logical_id + "Invoke", values[0])
        return None
    if method.startswith("grant"):
        _grant(values, node)
        return None
    if owner is None:
        return None
    if owner.kind == "AWS::S3::Bucket" and method in ("add_event_notification", "add_object_created_notification",
                                                       "add_object_removed_notification"):
        if method != "add_event_notification":
            kind = "s3:ObjectCreated:*" if "created" in method else "s3:ObjectRemoved:*"
            values = [Located(kind, node.span), *values]
        cdktriggers.notification(owner, values, node.span)
        return None
    if owner.kind == "AWS::SNS::Topic" and method == "add_subscription":
        cdktriggers.subscription(owner, values, make, call, frame)
        return None
    if owner.kind == "AWS::Events::Rule" and method == "add_target":
        for value in values:
            cdktriggers.add_rule_target(owner, value)
        return None
    if owner.kind == "AWS::Lambda::Function" and method == "add_to_role_policy":
        role_method(owner.attributes.get("role"), method, values, node, _attach)
        return None
    if role_method(owner, method, values, node, _attach):
        return None
    if owner.kind == "AWS::IAM::Policy" and method == "attach_to_role" and values:
        _attach(owner, values[0])
        return None
    resource = owner.resource
    if resource is None or owner.kind != "AWS::Lambda::Function":
        return None
    properties: dict[str, Located] = resource.value["Properties"].value
    module = frame.module
    span = module.span(call)
    if method == "add_environment":
        key_node = positional(call, 0)
        if key_node is None or len(values) < 2:
            properties["Environment"] = Located("add_environment", span, "unresolved")
            return None
        key = reader.value(key_node, frame)
        environment = properties.get("Environment")
        if environment is None:
            environment = properties["Environment"] = Located({"Variables": Located({}, span)}, span,
                                                              key_span=span)
        variables = environment.get("Variables")
        if variables is None or not isinstance(variables.value, dict) or variables.origin == "unresolved":
            return None  # already unknown
        if not (isinstance(key, Located) and key.is_literal and isinstance(key.value, str)):
            environment.value["Variables"] = Located(variables.value, variables.span, "unresolved")
            return None
        value = as_located(values[1], module.span(positional(call, 1)))
        variables.value[key.value] = Located(value.value, value.span, value.origin, key_span=key.span)
    elif method == "add_layers":
        layers = properties.get("Layers")
        added = [as_located(v, span) for v in values]
        if layers is None:
            properties["Layers"] = Located(added, span, key_span=span)
        elif isinstance(layers.value, list):
            layers.value.extend(added)
    return None


def _grant(values: list[Any], node: Located) -> None:
    """`bucket.grant_read(fn)`: scoped to that resource by construction, never a wildcard; it adds
    a statement lambdalint does not spell out to the grantee's role."""
    from lambdalint.loaders.cdkiam import ROLE, add_statements
    from lambdalint.loaders.cdkvalues import Construct

    for value in values:
        if not isinstance(value, Construct):
            continue
        role = value.attributes.get("role") if value.kind == "AWS::Lambda::Function" else value
        if role is not None and role.kind == ROLE and role.resource is not None:
            add_statements(role.resource, node)


def _attach(policy: Any, role: Any) -> None:
    """`role.attach_inline_policy(policy)` / `policy.attach_to_role(role)`: the policy's `Roles`."""
    from lambdalint.loaders.cdkvalues import Construct

    if not isinstance(role, Construct) or policy.resource is None:
        return
    properties = policy.resource.value["Properties"].value
    roles = properties.setdefault("Roles", Located([], policy.resource.span))
    if isinstance(roles.value, list):
        roles.value.append(Located({"Ref": Located(role.logical_id, roles.span)}, roles.span))


def _policies_unknown(state: _App, node: str) -> None:
    """A policy added to an object not followed could be on any role of the app."""
    from lambdalint.loaders.cdkiam import ROLE, add_statements

    for template in state.templates.values():
        for resource in template.resources.values():
            kind = resource.get("Type")
            if kind is not None and kind.value == ROLE:
                add_statements(resource, Located(node, resource.key_span or resource.span, "unresolved"))


def _construct_items(reader: Any, call: Any, frame: Any, keyword: str = "events") -> list[Any]:
    """The constructs of an `events=[...]`/`targets=[...]` list (as objects, not flattened to `Ref`s)."""
    from lambdalint.loaders.cdkvalues import Construct

    argument = next((a.value for a in call.args if a.keyword is not None and a.keyword.value == keyword), None)
    import libcst as cst

    if isinstance(argument, (cst.List, cst.Tuple)):
        found = [reader.value(element.value, frame) for element in argument.elements]
        return [item for item in found if isinstance(item, Construct)]
    return []


def _async_unknown(state: _App) -> None:
    """`configure_async_invoke` on an object not followed: no function's async setup is known."""
    for template in state.templates.values():
        for resource in template.resources.values():
            kind = resource.get("Type")
            properties = resource.get("Properties")
            if kind is not None and kind.value == "AWS::Lambda::Function" and properties is not None \
                    and isinstance(properties.value, dict):
                properties.value.setdefault("EventInvokeConfig", Located("?", resource.key_span or resource.span,
                                                                         "unresolved"))


def _environment_unknown(state: _App) -> None:
    """An `add_environment` call on an object not followed could be on any function."""
    for template in state.templates.values():
        for resource in template.resources.values():
            properties = resource.get("Properties")
            if properties is not None and isinstance(properties.value, dict):
                environment = properties.value.get("Environment")
                span = environment.span if environment is not None else resource.key_span or resource.span
                properties.value["Environment"] = Located("add_environment", span, "unresolved")


# How the construct's keyword arguments name the settings rules speak of in CloudFormation terms.
SHOWN = {
    "Timeout": "timeout", "MemorySize": "memory_size", "Runtime": "runtime",
    "ReservedConcurrentExecutions": "reserved_concurrent_executions", "Environment": "environment",
    "Layers": "layers", "Handler": "handler", "Role": "role",
}


def _function(template: Template, logical_id: str, resource: Located) -> Function:
    from lambdalint.loaders.cloudformation import resource_function

    function = resource_function(template, logical_id, DIALECT, resource)
    function.shown = SHOWN
    if resource.get("Metadata") is not None:  # an L2 construct, not a `CfnFunction`
        # `tracing=Tracing.ACTIVE` makes CDK add the X-Ray statements to the function's role.
        function.tracing_grants_role = True
        function.tracing_hint = "`tracing=lambda_.Tracing.ACTIVE`"
        function.publish_hint = "`fn.current_version`, or a `lambda_.Alias`"
        function.versions_known = False  # `fn.current_version` publishes one, and is not read
        function.image_command_hint = "`cmd=` of `DockerImageCode.from_image_asset`"
        function.image_unsupported = [u._replace(name=SHOWN.get(u.name, u.name)) for u in function.image_unsupported]
    if function.code_dir is None or not function.code_dir.is_dir():
        # a zip, an image or a folder a build step makes: the handler's file is not readable here
        function.handler_file = function.handler_function = None
    return function
