"""YAML and JSON text to a tree of `Located` values, with CloudFormation's short-form tags.

PyYAML composes the node graph (C implementation when available) and keeps every node's marks; we
convert nodes ourselves instead of constructing Python objects, so each value keeps its span and the
intrinsic tags need no constructor registry. JSON goes through the same path: it is (almost) YAML,
and one code path gives JSON templates the same spans and duplicate-key checks.

Templates are untrusted input, so reading one is bounded: nesting deeper than `MAX_DEPTH` and alias
expansion beyond a budget proportional to the text (a 1 KB "billion laughs" document would expand
to gigabytes) are load errors at their line. A duplicate key is not fatal: like PyYAML the last
value wins, and the duplicate is reported so one typo does not hide every other finding.
"""

from __future__ import annotations

import json

import yaml

from lambdalint.loaders.loaderror import MAX_DEPTH, LoadError
from lambdalint.located import Located, RawSpan, Span

__all__ = ["MAX_DEPTH", "LoadError", "load_json_as_yaml", "load_yaml"]

try:  # the C composer is about 10x faster; pure Python is the fallback on exotic platforms
    from yaml import CSafeLoader as _BaseLoader
except ImportError:  # pragma: no cover
    from yaml import SafeLoader as _BaseLoader  # type: ignore[assignment]

_ScalarNode, _SequenceNode = yaml.ScalarNode, yaml.SequenceNode
# The implicit resolvers by the first character of a plain scalar, wildcard ones appended, as
# `BaseResolver.resolve` looks them up.
_RESOLVERS = {first: tuple(resolvers) + tuple(_BaseLoader.yaml_implicit_resolvers.get(None, ()))
              for first, resolvers in _BaseLoader.yaml_implicit_resolvers.items() if first is not None}
_NO_RESOLVERS = tuple(_BaseLoader.yaml_implicit_resolvers.get(None, ()))


class _Everything:
    def __contains__(self, item: object) -> bool:
        return True


# The first characters a plain scalar needs to be resolved at all (every one, had the safe loader
# a wildcard resolver): most plain scalars are words no resolver can match.
_RESOLVED_FIRST: frozenset[str] | _Everything = frozenset(_RESOLVERS) if not _NO_RESOLVERS else _Everything()


class _Loader(_BaseLoader):  # type: ignore[misc, valid-type]
    """The safe loader, with tag resolution left to `_Converter`. Even the C composer calls back
    into Python three times per node (`descend_resolver`, `resolve`, `ascend_resolver`): about a
    fifth of composing a template. C callables take their place (no Python frame; none is bound to
    the instance): the safe loader has no path resolvers, so the two path hooks are no-ops, and
    `resolve(kind, value, implicit)` becomes `slice(kind, value, implicit)`, which only records
    what the converter needs to resolve a plain scalar itself. Mapping keys, which are half the
    scalars and never need their tag, are then never resolved at all."""

    descend_resolver = {}.get  # (parent, index) -> index, ignored
    ascend_resolver = tuple  # () -> (), ignored
    resolve = slice  # a node without an explicit tag gets slice(kind, value, (plain, quoted))


_MERGE = "tag:yaml.org,2002:merge"
_MISSING = object()
_UNTAGGED = slice  # the tag `_Loader.resolve` gives a node that has no explicit tag
_IMPLICIT = {
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
}
# Short forms whose long form is not simply "Fn::" + the tag name.
_SPECIAL_TAGS = {"!Ref": "Ref", "!Condition": "Condition"}
# Node conversions allowed beyond one per character: a text of n characters holds at most about
# 2n distinct nodes, so only alias expansion can exceed 3n, and this floor leaves room for the
# `<<: *defaults` repeated on every function of a large serverless.yml.
_EXPANSION_FLOOR = 100_000


def load_yaml(text: str, path: str, problems: list[LoadError] | None = None) -> Located:
    """The tree of `text`. Problems that leave the rest readable (duplicate keys, a bad merge) go
    to `problems`, or are raised when it is None; anything else raises `LoadError`."""
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
    except RecursionError:  # the pure-Python composer recurses per level; libyaml stops at 1000
        raise LoadError(f"nested too deeply to read (more than {MAX_DEPTH} levels)") from None
    if node is None:
        return Located(None, Span.point(path, 1))
    converter = _Converter(path, 3 * len(text) + _EXPANSION_FLOOR)
    root = converter.convert(node, 0)
    if converter.problems:
        if problems is None:
            raise converter.problems[0]
        problems.extend(converter.problems)
    return root


def load_json_as_yaml(text: str, path: str, problems: list[LoadError] | None = None) -> Located:
    """JSON read as YAML, for what `jsonnodes.load_json` leaves to this path: text that is not
    plain JSON (which YAML may still read), strings with raw tabs, nesting past `MAX_DEPTH`."""
    # Raw tabs are legal JSON whitespace but not YAML indentation; inside JSON strings they must be
    # escaped, so replacing them one-for-one keeps every column right.
    try:
        return load_yaml(text.replace("\t", " "), path, problems)
    except LoadError as yaml_error:
        if yaml_error.bounded:
            raise
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise LoadError(f"JSON syntax error: {exc.msg}", exc.lineno, exc.colno) from None
        except RecursionError:
            raise yaml_error from None
        if yaml_error.message.startswith("duplicate key"):
            raise
        # Valid JSON that YAML cannot read (very long keys, odd escapes): keep the data, with
        # every span at the top of the file rather than failing the whole template.
        return _from_plain(data, Span.point(path, 1), 0)


def _from_plain(data: object, span: Span, depth: int) -> Located:
    if depth > MAX_DEPTH:
        raise _too_deep(span.line, span.column)
    if isinstance(data, dict):
        return Located({str(k): _from_plain(v, span, depth + 1) for k, v in data.items()}, span)
    if isinstance(data, list):
        return Located([_from_plain(v, span, depth + 1) for v in data], span)
    return Located(data, span)


def _too_deep(line: int, column: int) -> LoadError:
    return LoadError(f"nested more than {MAX_DEPTH} levels deep (or an alias that contains itself)",
                     line, column, bounded=True)


def _is_merge_key(node: yaml.Node) -> bool:
    """`<<` as YAML 1.1 reads it: plain and untagged, or tagged `!!merge`; a quoted `"<<"` is a key."""
    tag = node.tag
    return tag == _MERGE if tag.__class__ is not _UNTAGGED else bool(tag.step[0])


def _short_form_tag(tag: object) -> bool:
    return tag.__class__ is str and tag[:1] == "!"  # type: ignore[index]


class _Converter:
    """Nodes to `Located` values. The loops are written out (no helper call per node, the scalar
    case handled where it is met): this runs once per node of every template, and on a large corpus
    it was as slow as composing the nodes."""

    def __init__(self, path: str, budget: int) -> None:
        self.path = path
        self.constructor = yaml.constructor.SafeConstructor()
        self.budget = budget  # node conversions left; aliases make the graph convert as a tree
        self.problems: list[LoadError] = []
        self.implicit: dict[tuple[str, str], object] = {}  # (tag, text) -> int/float/bool/None
        self.plain_values: dict[str, object] = {}  # plain scalar text -> its value

    def span(self, node: yaml.Node) -> RawSpan:
        start, end = node.start_mark, node.end_mark
        return (self.path, start.line, start.column, end.line, end.column)

    def refuse(self, node: yaml.Node, depth: int) -> LoadError:
        mark = node.start_mark
        if depth > MAX_DEPTH:
            return _too_deep(mark.line + 1, mark.column + 1)
        return LoadError("too many alias expansions: the aliases expand to a document far "
                         "larger than the file", mark.line + 1, mark.column + 1, bounded=True)

    def count(self, nodes: list, depth: int) -> None:
        """Refuse `nodes` (a container's items, at `depth`) once the budget is spent or they are
        too deep. Each container charges its items to the budget before converting them (written
        out where it does), so every conversion is counted once and a bomb stops early."""
        if nodes:
            first = nodes[0]
            raise self.refuse(first if first.__class__ is not tuple else first[1], depth)

    def convert(self, node: yaml.Node, depth: int, key: RawSpan | None = None) -> Located:
        """`node` as a value (its container has counted it); `key`: the span of the mapping key it
        sits under."""
        tag = node.tag
        kind = node.__class__
        start, end = node.start_mark, node.end_mark
        span = (self.path, start.line, start.column, end.line, end.column)
        if tag.__class__ is not _UNTAGGED:
            if tag[:1] == "!":
                return self.short_form(node, depth, key)
            if kind is _ScalarNode:  # `!!int 5`, `!!str 5`
                return Located(self.scalar(node) if tag in _IMPLICIT else node.value, span, "explicit", key)
        elif kind is _ScalarNode:
            text = node.value
            return Located(self.plain(text) if tag.step[0] and text[:1] in _RESOLVED_FIRST else text, span,
                           "explicit", key)
        if kind is _SequenceNode:
            return Located(self.sequence(node, depth), span, "explicit", key)
        return Located(self.mapping(node, depth), span, "explicit", key)

    def scalar(self, node: yaml.ScalarNode) -> object:
        """An explicitly tagged `!!int`/`!!float`/`!!bool`/`!!null` scalar."""
        key = (node.tag, node.value)
        value = self.implicit.get(key, _MISSING)  # (a miss is common: no KeyError raised for it)
        if value is _MISSING:
            try:
                value = self.constructor.construct_object(node)
            except (ValueError, KeyError, TypeError, yaml.YAMLError):
                # `!!int abc`: an LL001 at its line, and the text kept so the rest is still checked
                mark = node.start_mark
                self.problems.append(LoadError(f"`{node.value}` is not a valid `{node.tag.rpartition(':')[2]}`",
                                               mark.line + 1, mark.column + 1))
                return node.value
            self.implicit[key] = value
        return value

    def plain(self, text: str) -> object:
        """A plain (unquoted, untagged) scalar as YAML 1.1 reads it: `5`, `true`, `~` become int,
        bool and None. Timestamps stay text: `2010-09-09` is a version string to CloudFormation,
        not a date."""
        value = self.plain_values.get(text, _MISSING)
        if value is not _MISSING:
            return value
        value = text
        for tag, regexp in _RESOLVERS.get(text[:1], _NO_RESOLVERS):
            if regexp.match(text):
                if tag in _IMPLICIT:
                    value = self.scalar(_ScalarNode(tag, text))
                break
        self.plain_values[text] = value
        return value

    def sequence(self, node: yaml.SequenceNode, depth: int) -> list[Located]:
        items: list[Located] = []
        append = items.append
        path = self.path
        depth += 1
        self.budget -= len(node.value)  # see `count`
        if self.budget < 0 or depth > MAX_DEPTH:
            self.count(node.value, depth)
        for item in node.value:
            tag = item.tag
            if item.__class__ is _ScalarNode and tag.__class__ is _UNTAGGED:
                # `convert`'s plain scalar case, written out
                start, end = item.start_mark, item.end_mark
                text = item.value
                append(Located(self.plain(text) if tag.step[0] and text[:1] in _RESOLVED_FIRST else text,
                               (path, start.line, start.column, end.line, end.column)))
            else:
                append(self.convert(item, depth))
        return items

    def mapping(self, node: yaml.MappingNode, depth: int) -> dict[str, Located]:
        result: dict[str, Located] = {}
        merged: dict[str, Located] | None = None
        path = self.path
        inner = depth + 1
        self.budget -= len(node.value)  # see `count`
        if self.budget < 0 or inner > MAX_DEPTH:
            self.count(node.value, inner)
        for key_node, value_node in node.value:
            key = key_node.value
            if key.__class__ is not str:  # a mapping or list as a key
                key = str(key)
            elif key == "<<" and _is_merge_key(key_node):
                merged = self.merge(value_node, depth, merged if merged is not None else {})
                continue
            if key in result:
                first = result[key].key_span
                where = f" (first defined on line {first.line}; the last value is used)" if first else ""
                mark = key_node.start_mark
                self.problems.append(LoadError(f"duplicate key `{key}`{where}", mark.line + 1, mark.column + 1))
            tag = value_node.tag
            if value_node.__class__ is _ScalarNode and tag.__class__ is _UNTAGGED:
                # `convert`'s plain scalar case, written out
                start, end = value_node.start_mark, value_node.end_mark
                text = value_node.value
                key_start, key_end = key_node.start_mark, key_node.end_mark
                result[key] = Located(self.plain(text) if tag.step[0] and text[:1] in _RESOLVED_FIRST else text,
                                      (path, start.line, start.column, end.line, end.column), "explicit",
                                      (path, key_start.line, key_start.column, key_end.line, key_end.column))
            else:
                key_start, key_end = key_node.start_mark, key_node.end_mark
                result[key] = self.convert(value_node, inner, (path, key_start.line, key_start.column,
                                                               key_end.line, key_end.column))
        if merged:
            # YAML 1.1 merge keys: the mapping's own keys win wherever they stand.
            for key, value in merged.items():
                result.setdefault(key, value)
        return result

    def merge(self, value_node: yaml.Node, depth: int, merged: dict[str, Located]) -> dict[str, Located]:
        """`<<: *a` or `<<: [*a, *b]` (earlier mappings win) added under what `merged` holds."""
        if depth > MAX_DEPTH:  # `&a {<<: *a}` merges itself without ever converting a node
            raise _too_deep(value_node.start_mark.line + 1, value_node.start_mark.column + 1)
        sources = value_node.value if isinstance(value_node, yaml.SequenceNode) else [value_node]
        for source in sources:
            if not isinstance(source, yaml.MappingNode) or _short_form_tag(source.tag):
                mark = source.start_mark
                self.problems.append(LoadError("`<<` merges only mappings or a list of mappings; "
                                               "this value is ignored", mark.line + 1, mark.column + 1))
                continue
            for key, value in self.mapping(source, depth + 1).items():
                merged.setdefault(key, value)
        return merged

    def short_form(self, node: yaml.Node, depth: int, key: RawSpan | None) -> Located:
        tag = node.tag
        name = _SPECIAL_TAGS.get(tag, "Fn::" + tag[1:])
        span = self.span(node)
        if isinstance(node, yaml.ScalarNode):
            arg = Located(node.value, span, "explicit", span)
            if tag == "!GetAtt" and isinstance(node.value, str):
                # `!GetAtt Res.Attr` is the scalar spelling of `[Res, Attr]`; attributes may hold dots.
                resource, _, attribute = node.value.partition(".")
                arg = Located([Located(resource, span), Located(attribute, span)], span, "explicit", span)
        elif isinstance(node, yaml.SequenceNode):
            arg = Located(self.sequence(node, depth), span, "explicit", span)
        else:
            arg = Located(self.mapping(node, depth + 1), span, "explicit", span)
        return Located({name: arg}, span, "explicit", key)
