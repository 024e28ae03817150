"""The parsed modules of a CDK app: their imports, top-level definitions, and spans placed late.

Positions cost a second pass over a module (a code generation), and most values read never reach
the model; so `Module.span` hands out placeholders and `settle` places the spans (and fills the
texts) of the values that did, generating the code of one statement at a time.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import libcst as cst

from lambdalint.code.cstwalk import Positions, dotted_name
try:  # the position pass's own state, made to keep the text too
    from lambdalint.code.cstwalk import _OffsetState

    class _TextOffsets(_OffsetState):  # type: ignore[misc,valid-type]
        def __init__(self, **kwargs: Any) -> None:
            super().__init__(**kwargs)
            self.pieces: list[str] = []

        def add_indent_tokens(self) -> None:
            for token in self.indent_tokens:
                self.pieces.append(token)
                self.offset += len(token)

        def add_token(self, value: str) -> None:
            self.pieces.append(value)
            self.offset += len(value)
except (ImportError, TypeError):  # pragma: no cover - positions of the whole module then
    _TextOffsets = None  # type: ignore[assignment,misc]
from lambdalint.located import Located, Span
from lambdalint.model import SourceFile


PENDING = -1  # the line of a span not placed yet (see `Module.span`)


class PendingText(str):
    """The source text of an unresolved value, filled in by `Module.settle` (until then `…`)."""

    index: int


@dataclass
class Module:
    """One parsed module of the app.

    Positions cost a second pass over the module (a code generation), and most values read are
    never part of the model: `span` and `source_text` hand out placeholders, and `settle` puts
    the real spans and texts into the values that made it into the model, building positions only
    for the modules they come from."""

    path: Path
    source: SourceFile
    tree: cst.Module
    imports: dict[str, str] = field(default_factory=dict)
    functions: dict[str, cst.FunctionDef] = field(default_factory=dict)
    classes: dict[str, cst.ClassDef] = field(default_factory=dict)
    env: dict[str, Any] | None = None  # module-level bindings, once read
    pending: list[tuple[cst.CSTNode, cst.CSTNode, int, Any]] = field(default_factory=list)
    # the statement being read and the indentation of its block: spans are placed by generating
    # the code of that statement alone, found in the text (see `place`)
    current: Any = None
    _positions: Positions | None = None
    _statements: dict[int, tuple[int, dict[int, tuple[int, int]]] | None] = field(default_factory=dict)
    _line_starts: list[int] | None = None

    def keyword_span(self, argument: cst.Arg) -> tuple[Span, Span]:
        """The span of `keyword=value` and of the keyword alone."""
        return self.span(argument.keyword, argument.value), self.span(argument.keyword)

    def span(self, node: cst.CSTNode, end: cst.CSTNode | None = None, extra: int = 0) -> Span:
        """A placeholder for the span from `node` to `end` (plus `extra` columns)."""
        self.pending.append((node, end if end is not None else node, extra, self.current))
        index = len(self.pending) - 1
        return Span(self.source.display, PENDING, index, PENDING, index)

    def source_text(self, node: cst.CSTNode) -> str:
        text = PendingText("…")
        text.index = self.span(node).column
        return text

    def code(self, node: cst.CSTNode) -> str:
        """The node's text now (small nodes: a construct id written as an expression)."""
        return self.tree.code_for_node(node).strip()

    @property
    def positions(self) -> Positions:
        if self._positions is None:
            self._positions = Positions(self.tree, self.source.text)
        return self._positions

    def place(self, span: Span) -> Span:
        if span.line != PENDING or span.path != self.source.display:
            return span
        start, end, extra, _ = self.pending[span.column]
        first, last = self.offsets(span.column)
        line, column = self._point(first)
        end_line, end_column = self._point(last)
        return Span(span.path, line, column + 1, end_line, end_column + 1 + extra)

    def text(self, index: int) -> str:
        first, last = self.offsets(index)
        return self.source.text[first:last]

    def offsets(self, index: int) -> tuple[int, int]:
        """Character offsets of a pending entry: from its statement's code alone when that code
        occurs once in the text, else from positions of the whole module."""
        start, end, _, current = self.pending[index]
        if current is not None:
            found = self._statement(*current)
            if found is not None and id(start) in found[1] and id(end) in found[1]:
                base, ranges = found
                return base + ranges[id(start)][0], base + ranges[id(end)][1]
        ranges = self.positions._ranges  # noqa: SLF001 - the same offsets, for the whole module
        return ranges[id(start)][0], ranges[id(end)][1]

    def _statement(self, statement: cst.CSTNode, indent: tuple[str, ...]
                   ) -> tuple[int, dict[int, tuple[int, int]]] | None:
        key = id(statement)
        if key not in self._statements:
            self._statements[key] = None
            if _TextOffsets is not None:
                state = _TextOffsets(default_indent=self.tree.default_indent,
                                     default_newline=self.tree.default_newline)
                state.indent_tokens = list(indent)
                try:
                    statement._codegen(state)  # noqa: SLF001 - as `Positions` does for the module
                except (TypeError, AttributeError):
                    return None
                code = "".join(state.pieces)
                text = self.source.text
                base = text.find(code)
                if code and base >= 0 and text.find(code, base + 1) < 0:
                    self._statements[key] = (base, state.ranges)
        return self._statements[key]

    def _point(self, offset: int) -> tuple[int, int]:
        if self._line_starts is None:
            self._line_starts = [0] + [m.end() for m in re.finditer(r"\r\n?|\n", self.source.text)]
        offset = min(offset, len(self.source.text))
        line = bisect.bisect_right(self._line_starts, offset)
        return line, offset - self._line_starts[line - 1]


def settle(node: Located, modules: dict[str, Module], seen: set[int] | None = None) -> None:
    """Real spans and texts for every value under `node` (see `Module`)."""
    seen = set() if seen is None else seen
    stack = [node]
    while stack:
        located = stack.pop()
        if id(located) in seen:
            continue
        seen.add(id(located))
        for attribute in ("span", "key_span"):
            span = getattr(located, attribute)
            if span is not None and span.line == PENDING and span.path in modules:
                setattr(located, attribute, modules[span.path].place(span))
        value = located.value
        if isinstance(value, PendingText):
            module = modules.get(located.span.path)
            located.value = module.text(value.index) if module is not None else str(value)
        elif isinstance(value, dict):
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)


@dataclass
class Frame:
    """Bindings while one function body (or the module body) is read."""

    module: Module
    names: dict[str, Any]
    this: dict[str, Any] | None = None  # `self.x` attributes of the instance being built
    depth: int = 0
    # the calls (node ids) that led into this body, outermost first: what a construct made here
    # is made for (`resources.creation_key`)
    sites: tuple[int, ...] = ()
    # the class (and its module) whose method this body is, when it is not the instance's own:
    # a base's `__init__` reached through `super().__init__()`
    owner: Any = None


def bind_imports(module: Module, node: cst.Import | cst.ImportFrom) -> None:
    if isinstance(node, cst.Import):
        for alias in node.names:
            real = dotted_name(alias.name) or ""
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                module.imports[alias.asname.name.value] = real
            else:
                module.imports[real.split(".")[0]] = real.split(".")[0]
        return
    if isinstance(node.names, cst.ImportStar):
        return
    dots = "." * len(node.relative)
    base = (dotted_name(node.module) or "") if node.module is not None else ""
    for alias in node.names:
        name = dotted_name(alias.name) or ""
        bound = alias.asname.name.value if alias.asname is not None and isinstance(alias.asname.name, cst.Name) \
            else name
        module.imports[bound] = f"{dots}{base}.{name}" if base else f"{dots}{name}"


def block_indent(block: cst.IndentedBlock, module: Module) -> str:
    return block.indent if block.indent is not None else module.tree.default_indent
