"""CDK constructs as CloudFormation resources of the model: one template per module that creates
them, each resource named by its construct id (made unique), spanning the construct call.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import libcst as cst

from lambdalint.loaders.cdkobjects import Construct, positional
from lambdalint.located import Located, Span
from lambdalint.model import Template


DIALECT = "cdk"


@dataclass
class AppState:
    """State of reading one app: the templates (one per module) and construct ids in use."""

    app_dir: Path
    templates: dict[Path, Template] = field(default_factory=dict)
    created: dict[tuple[int, str], Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    by_id: dict[str, Any] = field(default_factory=dict)  # logical id -> construct, for `Ref`s


def make_resource(state: AppState, kind: str, qualified: str, properties: dict[str, Located], call: Any,
                  frame: Any, reader: Any, name: str | None = None) -> Any:
    """A construct that is one CloudFormation resource of `kind` with these properties, named by
    its construct id (or by `name`, for what CDK creates under another construct)."""
    id_node = construct_id(call) if name is None else None
    if id_node is None and name is None:
        return False
    key = (id(call), name if name is not None else id_text(reader, id_node, frame))
    if key in state.created:
        return state.created[key]
    module = frame.module
    resources = template_resources(state, module)
    logical_id = unique_id(key[1], resources)
    head = head_span(module, call)
    resource = Located({"Type": Located(kind, head), "Properties": Located(properties, head)},
                       module.span(call), key_span=head)
    resources[logical_id] = resource
    construct = Construct(logical_id, kind, qualified, resource)
    state.created[key] = state.by_id[logical_id] = construct
    return construct


def resource_maker(state: AppState, reader: Any, qualified: str = "") -> Any:
    return lambda kind, properties, call, frame, name=None: make_resource(state, kind, qualified, properties,
                                                                          call, frame, reader, name)


def opaque(qualified: str, call: Any, frame: Any, reader: Any) -> Any:
    """A construct known as an object only: its settings are not in the model."""
    id_node = construct_id(call)
    return Construct(id_text(reader, id_node, frame) if id_node is not None else "?", "", qualified)


def template_resources(state: AppState, module: Any) -> dict[str, Located]:
    """The resources of the template for `module` (made on its first construct)."""
    template = state.templates.get(module.path)
    if template is None:
        top = Span.point(module.source.display, 1)
        from lambdalint.loaders.references import dynamic_references

        template = Template(source=module.source, dialect=DIALECT,  # type: ignore[arg-type]
                            root=Located({"Resources": Located({}, top)}, top), reference_reader=dynamic_references)
        state.templates[module.path] = template
    return template.root.value["Resources"].value  # type: ignore[no-any-return]


def construct_id(call: Any) -> Any:
    """The id argument of `Construct(scope, id, ...)`, positional or `id=`/`construct_id=`."""
    found = positional(call, 1)
    if found is None:
        found = next((a.value for a in call.args if a.keyword is not None
                      and a.keyword.value in ("id", "construct_id")), None)
    return found


def id_text(reader: Any, node: Any, frame: Any) -> str:
    """The construct id: its literal value, else its source text (the id is not known)."""
    value = reader.value(node, frame)
    if isinstance(value, Located) and value.is_literal and isinstance(value.value, str):
        return value.value
    return frame.module.code(node)


def unique_id(name: str, taken: dict[str, Located]) -> str:
    if name not in taken:
        return name
    number = 2
    while f"{name}#{number}" in taken:
        number += 1
    return f"{name}#{number}"


def head_span(module: Any, call: Any) -> Span:
    """The construct call's first line, from the callee to its `(`: where 'missing' points (for
    what an attribute creates, `fn.current_version`, the attribute)."""
    if not isinstance(call, cst.Call):
        return module.span(call)  # type: ignore[no-any-return]
    return module.span(call.func, extra=1)  # type: ignore[no-any-return]


def construct_items(reader: Any, call: Any, frame: Any, keyword: str = "events") -> list[Any]:
    """The constructs of an `events=[...]`/`targets=[...]` list (as objects, not flattened to `Ref`s)."""
    argument = next((a.value for a in call.args if a.keyword is not None and a.keyword.value == keyword), None)

    if isinstance(argument, (cst.List, cst.Tuple)):
        found = [reader.value(element.value, frame) for element in argument.elements]
        return [item for item in found if isinstance(item, Construct)]
    return []


def keep_with(state: AppState, construct: Any, anchor: Any) -> None:
    """Move `construct`'s resource into the template that holds `anchor`'s (a version or alias
    made in another module than its function's): rules read a function's own template. Spans
    still point where the resource was written."""
    if not construct or construct.resource is None or anchor.resource is None:
        return
    home = source = None
    for template in state.templates.values():
        resources = template.root.value["Resources"].value
        if any(r is anchor.resource for r in resources.values()):
            home = resources
        if resources.get(construct.logical_id) is construct.resource:
            source = resources
    if home is None or source is None or home is source:
        return
    del source[construct.logical_id]
    logical_id = unique_id(construct.logical_id, home)
    home[logical_id] = construct.resource
    state.by_id[logical_id] = construct
    construct.logical_id = logical_id
