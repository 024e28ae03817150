"""Cheap replacements for the LibCST machinery the code analysis used to pay for on every module.

LibCST's `CSTVisitor` rebuilds every node it passes (about the cost of the native parse again), and
its metadata providers (scopes, qualified names, positions) are pure-Python visitors that cost 3-10x
the parse on small handler modules. The analysis needs much less:

- `walk`: a depth-first walk over a node's child nodes, skipping whitespace and punctuation fields,
  calling `visit_<Type>` / `leave_<Type>` like a `CSTVisitor` (a `visit_` returning False skips the
  children). About a tenth of the parse.
- `Positions`: the code generator run once with a state that counts characters (no `CodePosition`
  objects, no per-token newline split), giving the same syntactic ranges as `PositionProvider`.
- `Scopes`/`Scope`: the few scope rules the code rules need to name a callee the way
  `QualifiedNameProvider` does: imports and aliases (`import boto3 as b`, `from boto3 import client`,
  relative imports), module, class and function scopes with `global`/`nonlocal`, builtins.
"""

from __future__ import annotations

import bisect
import builtins
import contextlib
import functools
import re
from dataclasses import dataclass, field, fields
from typing import Any, Callable, Iterator

import libcst as cst
try:  # no public hook counts positions without PositionProvider; `Positions` falls back to it
    from libcst._nodes.internal import CodegenState
except ImportError:  # pragma: no cover - a LibCST that moved it
    CodegenState = object  # type: ignore[misc,assignment]

# Fields that only hold whitespace, comments or punctuation: never a node a rule looks at.
_SKIPPED_FIELDS = frozenset({
    "leading_lines", "lines_after_decorators", "lpar", "rpar", "lbrace", "rbrace", "lbracket",
    "rbracket", "comma", "semicolon", "colon", "first_colon", "second_colon", "dot", "relative",
    "equal", "header", "footer", "trailing_whitespace", "newline", "empty_lines", "leading_whitespace",
    "asynchronous", "operator", "posonly_ind", "trailing_comma", "whitespace", "separator",
})
# The three helpers below are memoised pure functions of classes (LibCST node types, visitor
# classes), which never change while the process runs: the cache can never go stale.


@functools.cache
def _child_fields(kind: type) -> tuple[str, ...]:
    return tuple(f.name for f in fields(kind)
                 if f.name not in _SKIPPED_FIELDS and not f.name.startswith("whitespace"))


@functools.cache
def _is_node_type(kind: type) -> bool:
    # Not `issubclass`: CSTNode is an ABC, and a "no" (str, None, sentinels) makes ABCMeta walk all
    # ~250 node classes the first time it is asked in a process. LibCST registers no virtual
    # subclasses, so the MRO answers the same.
    return cst.CSTNode in kind.__mro__


@functools.cache
def _hooks(visitor_kind: type, kind: type) -> tuple[Callable | None, Callable | None]:
    name = kind.__name__
    return getattr(visitor_kind, f"visit_{name}", None), getattr(visitor_kind, f"leave_{name}", None)


def walk(node: cst.CSTNode, visitor: Any) -> None:
    """Visit `node` and its descendants depth-first, in field order."""
    kind = type(node)
    enter, leave = _hooks(type(visitor), kind)
    if enter is None or enter(visitor, node) is not False:
        for name in _child_fields(kind):
            value = getattr(node, name)
            value_kind = type(value)
            if value_kind is tuple or value_kind is list:
                for item in value:
                    if _is_node_type(type(item)):
                        walk(item, visitor)
            elif _is_node_type(value_kind):
                walk(value, visitor)
    if leave is not None:
        leave(visitor, node)


# -- positions --

_NEWLINE = re.compile(r"\r\n?|\n")


@dataclass
class _OffsetState(CodegenState):
    """Code generation that keeps only a character count and each node's (start, end) offsets."""

    offset: int = 0
    starts: list[int] = field(default_factory=list)
    ranges: dict[int, tuple[int, int]] = field(default_factory=dict)

    def add_indent_tokens(self) -> None:
        for token in self.indent_tokens:
            self.offset += len(token)

    def add_token(self, value: str) -> None:
        self.offset += len(value)

    def pop_trailing_newline(self) -> None:
        pass

    def before_codegen(self, node: cst.CSTNode) -> None:
        self.starts.append(self.offset)

    def after_codegen(self, node: cst.CSTNode) -> None:
        start = self.starts.pop()
        self.ranges.setdefault(id(node), (start, self.offset))

    def record_syntactic_position(self, node: cst.CSTNode, *, start_node: cst.CSTNode | None = None,
                                  end_node: cst.CSTNode | None = None) -> "_Syntactic":
        return _Syntactic(self, node, start_node, end_node)


class _Syntactic:
    """`record_syntactic_position` as a plain context manager (a generator-based one costs more
    than the rest of the position pass)."""

    __slots__ = ("state", "node", "start_node", "end_node", "start")

    def __init__(self, state: _OffsetState, node: cst.CSTNode, start_node: cst.CSTNode | None,
                 end_node: cst.CSTNode | None) -> None:
        self.state, self.node, self.start_node, self.end_node = state, node, start_node, end_node

    def __enter__(self) -> None:
        self.start = self.state.offset

    def __exit__(self, *exc: object) -> None:
        ranges = self.state.ranges
        start = ranges[id(self.start_node)][0] if self.start_node is not None else self.start
        end = ranges[id(self.end_node)][1] if self.end_node is not None else self.state.offset
        ranges[id(self.node)] = (start, end)


class _Parenthesized:
    """LibCST's `_parenthesize` (the parentheses around an expression, and its syntactic position
    between them) as a plain context manager: the generator-based one LibCST declares costs an
    eighth of the position pass, one per expression."""

    __slots__ = ("node", "state", "inner")

    def __init__(self, node: cst.CSTNode, state: Any) -> None:
        self.node, self.state = node, state

    def __enter__(self) -> None:
        for lpar in self.node.lpar:  # type: ignore[attr-defined]
            lpar._codegen(self.state)
        self.inner = self.state.record_syntactic_position(self.node)
        self.inner.__enter__()

    def __exit__(self, *exc: object) -> bool:
        self.inner.__exit__(*exc)
        if exc[0] is None:
            for rpar in self.node.rpar:  # type: ignore[attr-defined]
                rpar._codegen(self.state)
        return False


def _parenthesized(node: cst.CSTNode, state: Any) -> _Parenthesized:
    return _Parenthesized(node, state)


try:
    from libcst._nodes.expression import _BaseParenthesizedNode
except ImportError:  # pragma: no cover - a LibCST that moved it: its own context manager is used
    _BaseParenthesizedNode = None  # type: ignore[assignment,misc]


class Positions:
    """Syntactic (line, column) ranges of a module's nodes, as `PositionProvider` gives them
    (1-based lines, 0-based columns). The module must stay alive while this is used (keys are ids)."""

    def __init__(self, module: cst.Module, text: str) -> None:
        self._text = text
        self._line_starts = [0] + [m.end() for m in _NEWLINE.finditer(text)]
        self._end = len(text)
        try:
            state = _OffsetState(default_indent=module.default_indent, default_newline=module.default_newline)
            with _plain_parentheses():
                module._codegen(state)
            self._ranges = state.ranges
        except (TypeError, AttributeError):  # LibCST's internals changed: its public provider agrees
            from libcst.metadata import MetadataWrapper, PositionProvider

            resolved = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
            self._ranges = {id(node): (self._offset(where.start), self._offset(where.end))
                            for node, where in resolved.items()}

    def _offset(self, position: object) -> int:
        line, column = position.line, position.column  # type: ignore[attr-defined]
        return self._line_starts[min(line, len(self._line_starts)) - 1] + column

    def _point(self, offset: int) -> tuple[int, int]:
        # the module's own end counts a newline the code generator drops again; nothing else ends there
        offset = min(offset, self._end)
        line = bisect.bisect_right(self._line_starts, offset)
        return line, offset - self._line_starts[line - 1]

    def range(self, node: cst.CSTNode) -> tuple[int, int, int, int]:
        start, end = self._ranges[id(node)]
        return (*self._point(start), *self._point(end))

    def source(self, node: cst.CSTNode) -> str:
        """The node's own text (its syntactic range): a slice, where code generation would cost
        a second pass over the subtree."""
        start, end = self._ranges[id(node)]
        return self._text[start:end]

    def start_line(self, node: cst.CSTNode) -> int:
        return self._point(self._ranges[id(node)][0])[0]


@contextlib.contextmanager
def _plain_parentheses() -> Iterator[None]:
    """`_Parenthesized` in place of LibCST's own for the length of one position pass. It does what
    LibCST's does, so code generation elsewhere in the process (another thread's) is unchanged."""
    original = _BaseParenthesizedNode.__dict__.get("_parenthesize") if _BaseParenthesizedNode is not None else None
    if original is None:
        yield
        return
    _BaseParenthesizedNode._parenthesize = _parenthesized  # type: ignore[assignment,method-assign]
    try:
        yield
    finally:
        _BaseParenthesizedNode._parenthesize = original  # type: ignore[method-assign]


# -- scopes and qualified names --

def full_name(node: cst.CSTNode) -> str | None:
    """`a.b.c` for a name, attribute chain, the callee of a call or the value of a subscript."""
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        base = full_name(node.value)
        return f"{base}.{node.attr.value}" if base else None
    if isinstance(node, cst.Call):
        return full_name(node.func)
    if isinstance(node, cst.Subscript):
        return full_name(node.value)
    return None


def dotted_name(node: cst.CSTNode) -> str | None:
    """`a.b.c` for a plain name or attribute chain; None for anything else (a call, a subscript)."""
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        base = dotted_name(node.value)
        return f"{base}.{node.attr.value}" if base else None
    return None


@dataclass
class Scope:
    """One scope's bindings: name -> list of (as_name, real_name); real_name None = a local binding
    (named `<prefix>.<full name>`, as LibCST does)."""

    kind: str                                  # "module", "class", "function"
    prefix: str                                # "" / "Cls" / "Cls.method.<locals>"
    bindings: dict[str, list[tuple[str, str | None]]] = field(default_factory=dict)
    declared_global: frozenset[str] = frozenset()
    declared_nonlocal: frozenset[str] = frozenset()

    def bind_local(self, name: str) -> None:
        entries = self.bindings.setdefault(name, [])
        if (name, None) not in entries:
            entries.append((name, None))

    def bind_import(self, node: cst.Import | cst.ImportFrom) -> None:
        if isinstance(node, cst.Import):
            for alias in node.names:
                real = (dotted_name(alias.name) or "")
                if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                    self._bind(alias.asname.name.value, alias.asname.name.value, real)
                else:
                    # `import a.b` binds `a`; `a.b.x` still names `a.b.x`
                    self._bind(real, real, real)
                    root = real.split(".")[0]
                    if root != real:
                        self._bind(root, root, root)
            return
        if isinstance(node.names, cst.ImportStar):
            return
        dots = "." * len(node.relative)
        module = (dotted_name(node.module) or "") if node.module is not None else ""
        for alias in node.names:
            name = (dotted_name(alias.name) or "")
            real = f"{dots}{module}.{name}" if module else f"{dots}{name}"
            bound = alias.asname.name.value if alias.asname is not None and isinstance(alias.asname.name, cst.Name) \
                else name
            self._bind(bound, bound, real)

    def _bind(self, key: str, as_name: str, real: str) -> None:
        entries = self.bindings.setdefault(key, [])
        if (as_name, real) not in entries:
            entries.append((as_name, real))

    def imported(self) -> dict[str, tuple[str, ...]]:
        """Plain names bound by imports, with the qualified names they stand for."""
        return {key: tuple(real for _, real in entries if real is not None)
                for key, entries in self.bindings.items()
                if "." not in key and any(real is not None for _, real in entries)}

    def names_for(self, name: str) -> set[str]:
        prefix: str | None = name
        entries: list[tuple[str, str | None]] = []
        while prefix:
            if prefix in self.bindings:
                entries = self.bindings[prefix]
                break
            cut = prefix.rfind(".")
            prefix = None if cut == -1 else prefix[:cut]
        found: set[str] = set()
        for as_name, real in entries:
            if real is None:
                found.add(f"{self.prefix}.{name}" if self.prefix else name)
            elif name == as_name or name.startswith(as_name + "."):
                found.add(real + name[len(as_name):])
        return found


class Scopes:
    """The stack of scopes at the walker's position, resolving names with Python's rules (class
    bodies are not visible from the functions inside them)."""

    def __init__(self, module: Scope) -> None:
        self.stack: list[Scope] = [module]

    def push(self, scope: Scope) -> None:
        self.stack.append(scope)

    def pop(self) -> None:
        self.stack.pop()

    def _resolve(self, root: str) -> list[Scope]:
        current = self.stack[-1]
        module = self.stack[0]
        if root in current.declared_global:
            return [module] if root in module.bindings else []
        if root in current.bindings and root not in current.declared_nonlocal:
            if current.kind != "class":
                return [current]
            # a class body runs top to bottom: `time = field(default_factory=time.time)` still
            # reads the outer `time`, so a class binding adds to the outer names
            return [current, *self._outer(root)]
        return self._outer(root)

    def _outer(self, root: str) -> list[Scope]:
        for scope in reversed(self.stack[1:-1]):
            if scope.kind == "function" and root in scope.bindings:
                return [scope]
        return [self.stack[0]] if root in self.stack[0].bindings else []

    def qualified(self, node: cst.CSTNode) -> frozenset[str]:
        return self.qualified_imported(node)[0]

    def qualified_imported(self, node: cst.CSTNode) -> tuple[frozenset[str], bool]:
        """The qualified names, and whether the root name is bound by an import here (`dsql` after
        `import aurora_dsql_psycopg2 as dsql`)."""
        name = full_name(node)
        if name is None:
            return frozenset(), False
        root = name.split(".", 1)[0]
        scopes = self._resolve(root)
        if scopes:
            found: set[str] = set()
            imported = False
            for scope in scopes:
                found |= scope.names_for(name)
                imported = imported or any(real is not None for _, real in scope.bindings.get(root, ()))
            return frozenset(found), imported
        if hasattr(builtins, root):
            return frozenset((f"builtins.{root}",)), False
        return frozenset(), False
