"""YAML and JSON text to a tree of `Located` values, with CloudFormation's short-form tags.

PyYAML composes the node graph (C implementation when available) and keeps every node's marks; we
convert nodes ourselves instead of constructing Python objects, so each value keeps its span and the
intrinsic tags need no constructor registry. JSON goes through the same path: it is (almost) YAML,
and one code path gives JSON templates the same spans and duplicate-key checks.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import yaml

from lambdalint.located import Located, Span

try:  # the C composer is about 10x faster; pure Python is the fallback on exotic platforms
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

_new_span = tuple.__new__
_MERGE = "tag:yaml.org,2002:merge"
_IMPLICIT = {
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
}
# Short forms whose long form is not simply "Fn::" + the tag name.
_SPECIAL_TAGS = {"!Ref": "Ref", "!Condition": "Condition"}


@dataclass(frozen=True)
class LoadError(Exception):
    """Text that cannot be loaded: the message, and the 1-based line and column it failed at."""

    message: str
    line: int = 1
    column: int = 1

    def __str__(self) -> str:
        return self.message


def load_yaml(text: str, path: str) -> Located:
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or "invalid YAML"
        if exc.context:
            problem = f"{problem} {exc.context}"
        at_end = exc.problem_mark is not None and exc.problem_mark.index >= len(text.rstrip())
        if exc.context_mark is not None and (at_end or "end of stream" in problem
                                             or "simple key" in (exc.context or "")):
            # An unclosed quote or bracket fails at the end of the file; where it opened is the fix.
            mark = exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        raise LoadError(f"YAML syntax error: {problem}", line, column) from None
    except yaml.YAMLError as exc:
        raise LoadError(f"YAML error: {exc}") from None
    if node is None:
        return Located(None, Span.point(path, 1))
    return _Converter(path).convert(node)


def load_json(text: str, path: str) -> Located:
    # Raw tabs are legal JSON whitespace but not YAML indentation; inside JSON strings they must be
    # escaped, so replacing them one-for-one keeps every column right.
    try:
        return load_yaml(text.replace("\t", " "), path)
    except LoadError as yaml_error:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise LoadError(f"JSON syntax error: {exc.msg}", exc.lineno, exc.colno) from None
        if yaml_error.message.startswith("duplicate key"):
            raise
        # Valid JSON that YAML cannot read (very long keys, odd escapes): keep the data, with
        # every span at the top of the file rather than failing the whole template.
        return _from_plain(data, Span.point(path, 1))


def _from_plain(data: object, span: Span) -> Located:
    if isinstance(data, dict):
        return Located({str(k): _from_plain(v, span) for k, v in data.items()}, span)
    if isinstance(data, list):
        return Located([_from_plain(v, span) for v in data], span)
    return Located(data, span)


class _Converter:
    def __init__(self, path: str) -> None:
        self.path = path
        self.constructor = yaml.constructor.SafeConstructor()

    def span(self, node: yaml.Node) -> Span:
        start, end = node.start_mark, node.end_mark
        # tuple.__new__ skips the named tuple's Python-level constructor: this runs once per node.
        return _new_span(Span, (self.path, start.line + 1, start.column + 1, end.line + 1, end.column + 1))

    def convert(self, node: yaml.Node) -> Located:
        tag = node.tag
        if tag.startswith("!"):
            return self.short_form(node)
        if isinstance(node, yaml.ScalarNode):
            return Located(self.scalar(node), self.span(node))
        if isinstance(node, yaml.SequenceNode):
            return Located([self.convert(item) for item in node.value], self.span(node))
        return Located(self.mapping(node), self.span(node))

    def scalar(self, node: yaml.ScalarNode) -> object:
        if node.tag in _IMPLICIT:
            return self.constructor.construct_object(node)
        # Timestamps stay text: `2010-09-09` is a version string to CloudFormation, not a date.
        return node.value

    def mapping(self, node: yaml.MappingNode) -> dict[str, Located]:
        result: dict[str, Located] = {}
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE and isinstance(value_node, yaml.MappingNode):
                for key, value in self.mapping(value_node).items():
                    result.setdefault(key, value)
                continue
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(key_node.value)
            key = str(key)
            if key in result:
                first = result[key].key_span
                where = f" (first defined on line {first.line})" if first else ""
                mark = key_node.start_mark
                raise LoadError(f"duplicate key `{key}`{where}", mark.line + 1, mark.column + 1)
            value = self.convert(value_node)
            value.key_span = self.span(key_node)
            result[key] = value
        return result

    def short_form(self, node: yaml.Node) -> Located:
        tag = node.tag
        name = _SPECIAL_TAGS.get(tag, "Fn::" + tag[1:])
        span = self.span(node)
        if isinstance(node, yaml.ScalarNode):
            arg = Located(node.value, span)
            if tag == "!GetAtt" and isinstance(node.value, str):
                # `!GetAtt Res.Attr` is the scalar spelling of `[Res, Attr]`; attributes may hold dots.
                resource, _, attribute = node.value.partition(".")
                arg = Located([Located(resource, span), Located(attribute, span)], span)
        elif isinstance(node, yaml.SequenceNode):
            arg = Located([self.convert(item) for item in node.value], span)
        else:
            arg = Located(self.mapping(node), span)
        arg.key_span = span
        return Located({name: arg}, span)
