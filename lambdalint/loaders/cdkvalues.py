"""Values of a Python CDK app, read from its source without importing or running it.

A small, honest evaluator over LibCST expressions. What it resolves: literals, containers of
literals, module constants, simple assignments (straight-line, in order), names imported from
another module of the project, `**kwargs` from a literal dict, f-strings of resolved parts,
`Duration.*`, CDK enum members (`Runtime.PYTHON_3_12`), `os.path.join`/`dirname(__file__)`
paths, a loop over literal data (its body is read once per element), and project helper
functions called with literal arguments (the helper's body is read with its parameters bound).
Everything else (`self.node.try_get_context`, `os.environ`, a value computed from a construct's
attributes) is `unresolved`: it keeps its source text and origin `unresolved`, so rules treat it as
unknown, never as missing and never as a guess.

Construct calls become `Construct` objects through a callback (`Reader.on_construct`), so the
loader decides what each construct means; the evaluator only knows how values flow.
"""

from __future__ import annotations

import bisect
import os
import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

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

_MAX_LOOP = 50       # elements of a literal loop read one by one; longer data stays unresolved
_MAX_DEPTH = 8       # helper calls followed into helpers
_DURATION = {"millis": 0.001, "seconds": 1, "minutes": 60, "hours": 3600, "days": 86400}
# Qualified-name spellings of the same thing across CDK v1, v2 and the alpha packages.
_ALIASES = (
    ("aws_cdk.core.", "aws_cdk."),
    ("aws_cdk.aws_lambda_python.", "aws_cdk.aws_lambda_python_alpha."),
    ("aws_cdk.aws_apigatewayv2_integrations_alpha.", "aws_cdk.aws_apigatewayv2_integrations."),
    ("aws_cdk.aws_apigatewayv2_alpha.", "aws_cdk.aws_apigatewayv2."),
)


@dataclass(eq=False)
class Construct:
    """A construct the app creates: its logical id in the model, CloudFormation type, and the
    resource node (filled by the loader); `attributes` hold what methods learned later."""

    logical_id: str
    kind: str
    qualified: str
    resource: Located | None = None
    attributes: dict[str, Any] = field(default_factory=dict)


Value = Any  # Located | Construct


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
    env: dict[str, Value] | None = None  # module-level bindings, once read
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


def qualify(qualified: str) -> str:
    for old, new in _ALIASES:
        if qualified.startswith(old):
            return new + qualified[len(old):]
    return qualified


@dataclass
class Frame:
    """Bindings while one function body (or the module body) is read."""

    module: Module
    names: dict[str, Value]
    this: dict[str, Value] | None = None  # `self.x` attributes of the instance being built
    depth: int = 0


ConstructHook = Callable[[str, cst.Call, "Frame", "Reader"], Value | None]


class Reader:
    """Reads modules of one app; `on_construct(qualified, call, frame, reader)` turns a call of a
    CDK class into a value (or None: not a construct it knows)."""

    def __init__(self, app_dir: Path, display: Callable[[Path], str], on_construct: ConstructHook,
                 read_text: Callable[[Path], str | None]) -> None:
        self.app_dir = app_dir
        self.display = display
        self.on_construct = on_construct
        self.read_text = read_text
        self.modules: dict[Path, Module | None] = {}
        self.walked: set[int] = set()  # ids of function definitions already read with bound parameters
        self.errors: list[tuple[Path, str, int, int]] = []
        self.unknown_calls: set[str] = set()  # method names called on values that did not resolve
        self.state: Any = None  # the loader's own state, for its hooks
        self.method_hook: Callable[[Construct, str, cst.Call, Frame, Reader], Value | None] | None = None

    # -- modules --

    def module(self, path: Path) -> Module | None:
        path = Path(os.path.normpath(path))
        if path in self.modules:
            return self.modules[path]
        self.modules[path] = None
        text = self.read_text(path)
        if text is None:
            return None
        try:
            tree = cst.parse_module(text)
        except cst.ParserSyntaxError as error:
            self.errors.append((path, str(error.message), error.raw_line, error.raw_column + 1))
            return None
        except Exception:  # noqa: BLE001 - LibCST raises other errors on odd input; the file is just unread
            return None
        module = Module(path, SourceFile(path, self.display(path), text), tree)
        for statement in tree.body:
            if isinstance(statement, cst.FunctionDef):
                module.functions[statement.name.value] = statement
            elif isinstance(statement, cst.ClassDef):
                module.classes[statement.name.value] = statement
            elif isinstance(statement, cst.SimpleStatementLine):
                for small in statement.body:
                    if isinstance(small, (cst.Import, cst.ImportFrom)):
                        _bind_imports(module, small)
        self.modules[path] = module
        return module

    def module_env(self, module: Module) -> dict[str, Value]:
        """Module-level bindings (constants, imported project names resolve lazily)."""
        if module.env is None:
            module.env = {}
            self.run(module.tree.body, Frame(module, module.env))
        return module.env

    def project_module(self, module: Module, dotted: str) -> Module | None:
        """The project file an import names: relative to the importing module's folder (relative
        imports) or to the app folder and the module's own folder (how `python3 app.py` finds it)."""
        level = len(dotted) - len(dotted.lstrip("."))
        parts = dotted.lstrip(".").split(".") if dotted.lstrip(".") else []
        if level:
            base = module.path.parent
            for _ in range(level - 1):
                base = base.parent
            roots = [base]
        else:
            roots = [self.app_dir, module.path.parent]
        for root in roots:
            candidate = root.joinpath(*parts)
            for path in (candidate.with_suffix(".py") if parts else None, candidate / "__init__.py"):
                if path is not None and path.is_file() and self.app_dir in path.parents:
                    return self.module(path)
        return None

    # -- statements --

    def run(self, body: Any, frame: Frame, indent: tuple[str, ...] = ()) -> Value | None:
        """Read statements in order (`indent`: the indentation of their block, outermost first);
        returns the first `return` value seen (a helper's result)."""
        result: Value | None = None
        module = frame.module
        for statement in body:
            outer = module.current
            module.current = (statement, indent)
            try:
                found = self.statement(statement, frame, indent)
            finally:
                module.current = outer
            if found is not None and result is None:
                result = found
        return result

    def block(self, block: Any, frame: Frame, indent: tuple[str, ...]) -> Value | None:
        """The statements of an indented block (a one-line suite holds no statement we read)."""
        if not isinstance(block, cst.IndentedBlock):
            return None
        return self.run(block.body, frame, indent + (_indent(block, frame.module),))

    def statement(self, statement: cst.CSTNode, frame: Frame, indent: tuple[str, ...] = ()) -> Value | None:
        if isinstance(statement, cst.SimpleStatementLine):
            result = None
            for small in statement.body:
                if isinstance(small, cst.Assign):
                    value = self.value(small.value, frame)
                    for target in small.targets:
                        self.assign(target.target, value, frame)
                elif isinstance(small, cst.AnnAssign) and small.value is not None:
                    self.assign(small.target, self.value(small.value, frame), frame)
                elif isinstance(small, cst.AugAssign):
                    self.value(small.value, frame)
                    self.assign(small.target, None, frame)
                elif isinstance(small, cst.Expr):
                    self.value(small.value, frame)
                elif isinstance(small, cst.Return) and small.value is not None:
                    result = self.value(small.value, frame)
            return result
        if isinstance(statement, cst.For):
            return self.loop(statement, frame, indent)
        if isinstance(statement, (cst.FunctionDef, cst.ClassDef)):
            return None  # read when called (or on their own by the loader)
        if isinstance(statement, cst.With):
            for item in statement.items:
                self.value(item.item, frame)
            return self.block(statement.body, frame, indent)
        # `if`/`try`/`while`: every branch is read (a construct there is still the user's), but a
        # name bound inside is no longer known afterwards.
        result = None
        for block in _blocks(statement):
            before = set(frame.names)
            found = self.block(block, frame, indent)
            result = result if result is not None else found
            for name in _assigned_names(block.body):
                if name in frame.names or name not in before:
                    frame.names[name] = _unknown_marker
        if isinstance(statement, cst.If):
            self.value(statement.test, frame)
        return result

    def loop(self, statement: cst.For, frame: Frame, indent: tuple[str, ...] = ()) -> Value | None:
        items = self.value(statement.iter, frame)
        elements = _iteration(items)
        if elements is None or len(elements) > _MAX_LOOP:
            self.assign(statement.target, None, frame)
            result = self.block(statement.body, frame, indent)
        else:
            result = None
            for element in elements:
                self.assign(statement.target, element, frame)
                found = self.block(statement.body, frame, indent)
                result = result if result is not None else found
        for name in _assigned_names(statement.body.body):
            frame.names[name] = _unknown_marker
        self.assign(statement.target, None, frame)
        return result

    def assign(self, target: cst.CSTNode, value: Value | None, frame: Frame) -> None:
        if isinstance(target, cst.Name):
            frame.names[target.value] = value if value is not None else _unknown_marker
        elif isinstance(target, cst.Attribute) and isinstance(target.value, cst.Name) \
                and target.value.value == "self" and frame.this is not None:
            frame.this[target.attr.value] = value if value is not None else _unknown_marker
        elif isinstance(target, (cst.Tuple, cst.List)):
            parts = value.value if isinstance(value, Located) and isinstance(value.value, list) \
                and len(value.value) == len(target.elements) else None
            for index, element in enumerate(target.elements):
                self.assign(element.value, parts[index] if parts else None, frame)

    # -- expressions --

    def value(self, node: cst.CSTNode, frame: Frame) -> Value:
        module = frame.module
        if isinstance(node, cst.SimpleString) and "\\" not in node.value and node.prefix in ("", "r", "u", "R", "U"):
            # the common plain literal, without `compile` (what `evaluated_value` costs)
            quote = node.quote
            return Located(node.value[len(node.prefix) + len(quote):-len(quote)], module.span(node))
        if isinstance(node, (cst.SimpleString, cst.ConcatenatedString)):
            with warnings.catch_warnings():  # the app's own `"\{"` is not our warning to print
                warnings.simplefilter("ignore")
                text = node.evaluated_value
            if isinstance(text, bytes):
                return self.unresolved(node, frame)
            return Located(text, module.span(node))
        if isinstance(node, cst.Integer):
            return Located(int(node.evaluated_value), module.span(node))
        if isinstance(node, cst.Float):
            return Located(float(node.evaluated_value), module.span(node))
        if isinstance(node, cst.UnaryOperation) and isinstance(node.operator, cst.Minus):
            inner = self.value(node.expression, frame)
            if _is_number(inner):
                return Located(-inner.value, module.span(node))
            return self.unresolved(node, frame)
        if isinstance(node, cst.Name):
            return self.name(node, frame)
        if isinstance(node, (cst.List, cst.Tuple, cst.Set)):
            return self.sequence(node, frame)
        if isinstance(node, cst.Dict):
            return self.mapping(node, frame)
        if isinstance(node, cst.FormattedString):
            return self.fstring(node, frame)
        if isinstance(node, cst.Attribute):
            return self.attribute(node, frame)
        if isinstance(node, cst.Call):
            return self.call(node, frame)
        if isinstance(node, cst.BinaryOperation):
            return self.binary(node, frame)
        if isinstance(node, cst.Subscript):
            return self.subscript(node, frame)
        # anything else (comprehensions, lambdas, conditionals, awaits) is computed when the app runs
        for child in _child_expressions(node):
            self.value(child, frame)
        return self.unresolved(node, frame)

    def unresolved(self, node: cst.CSTNode, frame: Frame) -> Located:
        return Located(frame.module.source_text(node), frame.module.span(node), "unresolved")

    def name(self, node: cst.Name, frame: Frame) -> Value:
        name = node.value
        if name in ("True", "False", "None"):
            return Located({"True": True, "False": False, "None": None}[name], frame.module.span(node))
        found = frame.names.get(name, _missing)
        if found is _missing and frame.names is not self.module_env(frame.module):
            found = self.module_env(frame.module).get(name, _missing)
        if found is _missing and name in frame.module.imports:
            found = self.imported(frame.module, frame.module.imports[name])
        if found is _missing or found is _unknown_marker or found is None:
            return self.unresolved(node, frame)
        return found

    def imported(self, module: Module, qualified: str) -> Value:
        """A name `from x import NAME` binds, read from the project's module `x`."""
        dotted, _, name = qualified.rpartition(".")
        if not dotted or qualified.startswith("aws_cdk") or not name:
            return _missing
        other = self.project_module(module, dotted)
        if other is None or other is module:
            return _missing
        return self.module_env(other).get(name, _missing)

    def sequence(self, node: cst.List | cst.Tuple | cst.Set, frame: Frame) -> Located:
        items: list[Located] = []
        known = True
        for element in node.elements:
            item = self.value(element.value, frame)
            if isinstance(element, cst.StarredElement):
                if isinstance(item, Located) and isinstance(item.value, list) and item.origin != "unresolved":
                    items.extend(item.value)
                    continue
                known = False
                continue
            items.append(as_located(item, frame.module.span(element.value)))
        if not known:
            return self.unresolved(node, frame)
        return Located(items, frame.module.span(node))

    def mapping(self, node: cst.Dict, frame: Frame) -> Located:
        entries: dict[str, Located] = {}
        known = True
        for element in node.elements:
            if isinstance(element, cst.StarredDictElement):
                spread = self.value(element.value, frame)
                if isinstance(spread, Located) and isinstance(spread.value, dict) and spread.origin != "unresolved":
                    entries.update(spread.value)
                else:
                    known = False
                continue
            key = self.value(element.key, frame)
            value = self.value(element.value, frame)
            if not isinstance(key, Located) or not key.is_literal or key.value is None:
                known = False
                continue
            located = as_located(value, frame.module.span(element.value))
            located = Located(located.value, located.span, located.origin, key_span=frame.module.span(element.key))
            entries[str(key.value)] = located
        located_map = Located(entries, frame.module.span(node))
        if not known:
            located_map.origin = "unresolved"
        return located_map

    def fstring(self, node: cst.FormattedString, frame: Frame) -> Located:
        parts: list[str] = []
        known = True
        for part in node.parts:
            if isinstance(part, cst.FormattedStringText):
                parts.append(part.value)
                continue
            value = self.value(part.expression, frame)  # type: ignore[union-attr]
            if isinstance(value, Located) and value.is_literal and part.format_spec is None \
                    and part.conversion is None:  # type: ignore[union-attr]
                parts.append(str(value.value))
            else:
                known = False
        if not known:
            return self.unresolved(node, frame)
        return Located("".join(parts), frame.module.span(node))

    def qualified(self, node: cst.CSTNode, frame: Frame) -> str | None:
        """`aws_cdk.aws_lambda.Function` for `_lambda.Function` under the module's imports."""
        name = dotted_name(node)
        if name is None:
            return None
        root, _, rest = name.partition(".")
        if root in frame.names:
            return None  # a local binding shadows the import
        real = frame.module.imports.get(root)
        if real is None:
            return None
        return qualify(f"{real}.{rest}" if rest else real)

    def attribute(self, node: cst.Attribute, frame: Frame) -> Value:
        if isinstance(node.value, cst.Name) and node.value.value == "self" and frame.this is not None:
            found = frame.this.get(node.attr.value, _missing)
            if found is _missing or found is _unknown_marker:
                return self.unresolved(node, frame)
            return found
        qualified = self.qualified(node, frame)
        if qualified is not None:
            member = enum_member(qualified)
            if member is not None:
                return Located(member, frame.module.span(node))
            return self.unresolved(node, frame)
        base = self.value(node.value, frame)
        if isinstance(base, Construct):
            return construct_attribute(base, node.attr.value, frame.module.span(node)) \
                or self.unresolved(node, frame)
        if isinstance(base, Located) and base.origin != "unresolved" and node.attr.value == "parent" \
                and isinstance(base.value, str) and base.key_span == _PATH_MARK:
            return _path(os.path.dirname(base.value), base.span)
        return self.unresolved(node, frame)

    def call(self, node: cst.Call, frame: Frame) -> Value:
        qualified = self.qualified(node.func, frame)
        if qualified is not None:
            known = self.cdk_call(qualified, node, frame)
            if known is not None:
                return known
        elif isinstance(node.func, cst.Attribute):
            owner = self.value(node.func.value, frame)
            if isinstance(owner, Construct):
                return self.on_method(owner, node.func.attr.value, node, frame) or self.unresolved(node, frame)
            if isinstance(owner, Located) and node.func.attr.value in ("items", "keys", "values") \
                    and isinstance(owner.value, dict) and owner.origin != "unresolved":
                return _dict_view(owner, node.func.attr.value)
            helper = self.helper(node, frame)
            if helper is not _missing:
                return helper if helper is not None else self.unresolved(node, frame)
            if isinstance(owner, Located) and owner.origin == "unresolved":
                # `fn.add_environment(...)` on an object we could not follow: the loader then
                # knows that some function's settings are incomplete
                self.unknown_calls.add(node.func.attr.value)
                if self.method_hook is not None:
                    return self.method_hook(None, node.func.attr.value, node, frame, self) \
                        or self.unresolved(node, frame)
        helper = self.helper(node, frame) if not isinstance(node.func, cst.Attribute) else _missing
        if helper is not _missing:
            return helper if helper is not None else self.unresolved(node, frame)
        for argument in node.args:  # a construct passed to an unknown call is still created
            self.value(argument.value, frame)
        return self.unresolved(node, frame)

    def cdk_call(self, qualified: str, node: cst.Call, frame: Frame) -> Value | None:
        leaf = qualified.rsplit(".", 2)
        if len(leaf) == 3 and leaf[1] == "Duration" and leaf[2] in _DURATION:
            amount = self.value(node.args[0].value, frame) if node.args else None
            if _is_number(amount):
                seconds = amount.value * _DURATION[leaf[2]]  # type: ignore[union-attr]
                return Located(int(seconds) if float(seconds).is_integer() else seconds, frame.module.span(node))
            return self.unresolved(node, frame)
        if qualified in ("os.path.join", "os.path.dirname", "os.path.abspath", "os.getcwd",
                         "pathlib.Path", "os.path.realpath"):
            return self.path_call(qualified, node, frame)
        construct = self.on_construct(qualified, node, frame, self)
        if construct is not None:
            return construct
        if qualified.startswith("aws_cdk"):
            for argument in node.args:
                self.value(argument.value, frame)
            return self.unresolved(node, frame)
        return None

    def path_call(self, qualified: str, node: cst.Call, frame: Frame) -> Located:
        span = frame.module.span(node)
        if qualified == "os.getcwd":
            # `cdk synth` runs the app in the folder that holds `cdk.json`
            return _path(str(self.app_dir), span)
        parts = [self.path_argument(argument.value, frame) for argument in node.args]
        if any(part is None for part in parts) or not parts:
            return self.unresolved(node, frame)
        if qualified == "os.path.join":
            return _path(os.path.join(*parts), span)  # type: ignore[arg-type]
        if qualified == "os.path.dirname":
            return _path(os.path.dirname(parts[0]), span)  # type: ignore[arg-type]
        if qualified == "pathlib.Path":
            return _path(os.path.join(*parts), span)  # type: ignore[arg-type]
        return _path(os.path.join(str(self.app_dir), parts[0]), span)  # type: ignore[arg-type]

    def path_argument(self, node: cst.CSTNode, frame: Frame) -> str | None:
        if isinstance(node, cst.Name) and node.value == "__file__":
            return str(frame.module.path)
        value = self.value(node, frame)
        return value.value if isinstance(value, Located) and value.is_literal and isinstance(value.value, str) \
            else None

    def binary(self, node: cst.BinaryOperation, frame: Frame) -> Value:
        left, right = self.value(node.left, frame), self.value(node.right, frame)
        span = frame.module.span(node)
        if isinstance(left, Located) and isinstance(right, Located) and left.is_literal and right.is_literal:
            a, b = left.value, right.value
            operator = node.operator
            if isinstance(operator, cst.Add) and type(a) is type(b) and isinstance(a, (str, int, float)):
                return Located(a + b, span)
            if isinstance(operator, cst.Multiply) and _is_number(left) and _is_number(right):
                return Located(a * b, span)
            if isinstance(operator, cst.Divide) and left.key_span == _PATH_MARK and isinstance(b, str):
                return _path(os.path.join(a, b), span)
        return self.unresolved(node, frame)

    def subscript(self, node: cst.Subscript, frame: Frame) -> Value:
        base = self.value(node.value, frame)
        if len(node.slice) == 1 and isinstance(node.slice[0].slice, cst.Index) and isinstance(base, Located) \
                and base.origin != "unresolved":
            key = self.value(node.slice[0].slice.value, frame)
            if isinstance(key, Located) and key.is_literal:
                if isinstance(base.value, dict) and isinstance(key.value, str) and key.value in base.value:
                    return base.value[key.value]
                if isinstance(base.value, list) and isinstance(key.value, int) \
                        and -len(base.value) <= key.value < len(base.value):
                    return base.value[key.value]
        return self.unresolved(node, frame)

    # -- project helpers and methods --

    def helper(self, node: cst.Call, frame: Frame) -> Value | None:
        """A call of a plain function, method or class the project defines: its body is read with
        the parameters bound to the call's arguments. `_missing` when the callee is not one."""
        definition: cst.FunctionDef | None = None
        klass: cst.ClassDef | None = None
        this = None
        home = frame.module
        func = node.func
        if isinstance(func, cst.Name) and func.value not in frame.names:
            definition = home.functions.get(func.value)
            klass = home.classes.get(func.value)
            if definition is None and klass is None and func.value in home.imports:
                dotted, _, leaf = home.imports[func.value].rpartition(".")
                other = self.project_module(home, dotted) if dotted and not dotted.startswith("aws_cdk") else None
                if other is not None and other is not home:
                    home = other
                    definition, klass = other.functions.get(leaf), other.classes.get(leaf)
        elif isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name) \
                and func.value.value == "self" and frame.this is not None:
            definition = frame.this.get(f"<method {func.attr.value}>")
            this = frame.this
            home = frame.this.get("<module>", home)
        if (definition is None and klass is None) or frame.depth >= _MAX_DEPTH:
            return _missing
        if klass is not None:
            self.instantiate(home, klass, node, frame)
            return None
        assert definition is not None
        self.walked.add(id(definition))
        names = self.bind(definition, node, frame, home, skip_self=this is not None)
        outer = this.get("<indent>", ()) if this is not None else ()
        return self.block(definition.body, Frame(home, names, this, frame.depth + 1), outer)

    def instantiate(self, module: Module, klass: cst.ClassDef, call: cst.Call | None,
                    frame: Frame | None) -> None:
        """Read a class's `__init__` (arguments bound from `call` when given), then its other
        methods that `__init__` did not call (their parameters unknown)."""
        methods = {s.name.value: s for s in klass.body.body if isinstance(s, cst.FunctionDef)}
        init = methods.get("__init__")
        if init is not None and call is None and id(init) in self.walked:
            return
        this: dict[str, Value] = {f"<method {name}>": m for name, m in methods.items()}
        indent = (_indent(klass.body, module),) if isinstance(klass.body, cst.IndentedBlock) else ()
        this["<indent>"], this["<module>"] = indent, module
        if init is not None:
            self.walked.add(id(init))
            if call is not None and frame is not None:
                names = self.bind(init, call, frame, module, skip_self=True)
            else:
                names = unknown_parameters(init)
            self.block(init.body, Frame(module, names, this, frame.depth + 1 if frame else 0), indent)
        for name, method in methods.items():
            if name != "__init__" and id(method) not in self.walked:
                self.walked.add(id(method))
                self.block(method.body, Frame(module, unknown_parameters(method), this, 0), indent)

    def bind(self, definition: cst.FunctionDef, node: cst.Call, frame: Frame, home: Module,
             skip_self: bool) -> dict[str, Value]:
        params = list(definition.params.posonly_params) + list(definition.params.params)
        if skip_self and params:
            params = params[1:]
        names: dict[str, Value] = {}
        for param in [*params, *definition.params.kwonly_params]:
            if param.default is not None:
                names[param.name.value] = self.value(param.default, Frame(home, self.module_env(home)))
        positional = [a for a in node.args if a.keyword is None and not a.star]
        for param, argument in zip(params, positional):
            names[param.name.value] = self.value(argument.value, frame)
        for argument in node.args:
            if argument.keyword is not None:
                names[argument.keyword.value] = self.value(argument.value, frame)
            elif argument.star:
                self.value(argument.value, frame)
                for param in [*params, *definition.params.kwonly_params]:
                    names[param.name.value] = _unknown_marker
        for name in unknown_parameters(definition):
            names.setdefault(name, _unknown_marker)
        return names

    def on_method(self, owner: Construct, method: str, node: cst.Call, frame: Frame) -> Value | None:
        if self.method_hook is not None:
            return self.method_hook(owner, method, node, frame, self)
        for argument in node.args:
            self.value(argument.value, frame)
        return None

    def keywords(self, node: cst.Call, frame: Frame) -> tuple[dict[str, tuple[Located | Construct, cst.Arg]], bool]:
        """The call's keyword arguments by name, each with the `Arg` node (its line is where a
        finding points); the flag is False when a `**spread` could not be read."""
        found: dict[str, tuple[Value, Any]] = {}
        complete = True
        for argument in node.args:
            if argument.keyword is not None:
                found[argument.keyword.value] = (self.value(argument.value, frame), argument)
            elif argument.star == "**":
                spread = self.value(argument.value, frame)
                if isinstance(spread, Located) and isinstance(spread.value, dict) and spread.origin != "unresolved":
                    for key, entry in spread.value.items():
                        found.setdefault(key, (entry, None))
                else:
                    complete = False
        return found, complete


def unknown_parameters(definition: cst.FunctionDef) -> dict[str, Value]:
    params = definition.params
    every = [*params.posonly_params, *params.params, *params.kwonly_params]
    for star in (params.star_arg, params.star_kwarg):
        if isinstance(star, cst.Param):
            every.append(star)
    return {p.name.value: _unknown_marker for p in every}


def positional(node: cst.Call, index: int) -> cst.CSTNode | None:
    plain = [a for a in node.args if a.keyword is None and not a.star]
    return plain[index].value if index < len(plain) else None


def as_located(value: Value, span: Span) -> Located:
    """A value placed into the model: constructs become `Ref`s to their logical id."""
    if isinstance(value, Construct):
        return Located({"Ref": Located(value.logical_id, span)}, span)
    if isinstance(value, Located):
        return value
    return Located(None, span, "unresolved")


def construct_attribute(construct: Construct, attribute: str, span: Span) -> Value | None:
    if attribute in construct.attributes:
        return construct.attributes[attribute]
    if attribute in ("role", "grant_principal"):
        return None  # a function's role is in its attributes when the model holds it
    if attribute.endswith("_arn"):
        return Located({"Fn::GetAtt": Located([Located(construct.logical_id, span), Located("Arn", span)], span)},
                       span)
    if attribute == "ref" or attribute.endswith(("_name", "_url")):
        return Located({"Ref": Located(construct.logical_id, span)}, span)
    return None


# Enum members whose CloudFormation value is not their own name.
_ENUMS = {
    "Tracing": {"ACTIVE": "Active", "PASS_THROUGH": "PassThrough", "DISABLED": None},
    "Architecture": {"ARM_64": "arm64", "X86_64": "x86_64"},
    "SnapStartConf": {"ON_PUBLISHED_VERSIONS": "PublishedVersions"},
    "Effect": {"ALLOW": "Allow", "DENY": "Deny"},
    "FunctionUrlAuthType": {"NONE": "NONE", "AWS_IAM": "AWS_IAM"},
    "StartingPosition": {"LATEST": "LATEST", "TRIM_HORIZON": "TRIM_HORIZON", "AT_TIMESTAMP": "AT_TIMESTAMP"},
    "EventType": {
        "OBJECT_CREATED": "s3:ObjectCreated:*", "OBJECT_CREATED_PUT": "s3:ObjectCreated:Put",
        "OBJECT_CREATED_POST": "s3:ObjectCreated:Post", "OBJECT_CREATED_COPY": "s3:ObjectCreated:Copy",
        "OBJECT_CREATED_COMPLETE_MULTIPART_UPLOAD": "s3:ObjectCreated:CompleteMultipartUpload",
        "OBJECT_REMOVED": "s3:ObjectRemoved:*", "OBJECT_REMOVED_DELETE": "s3:ObjectRemoved:Delete",
    },
}


def enum_member(qualified: str) -> str | None:
    """`python3.12` for `aws_cdk.aws_lambda.Runtime.PYTHON_3_12`, `Active` for `Tracing.ACTIVE`."""
    parts = qualified.split(".")
    if len(parts) < 3 or parts[0] != "aws_cdk":
        return None
    owner, member = parts[-2], parts[-1]
    if owner == "Runtime" and member.isupper():
        return _runtime_name(member)
    table = _ENUMS.get(owner)
    if table is not None and member in table:
        return table[member]
    return None


def _runtime_name(member: str) -> str | None:
    """`PYTHON_3_12` -> `python3.12`, `NODEJS_20_X` -> `nodejs20.x`, `PROVIDED_AL2023` -> `provided.al2023`."""
    family, _, version = member.partition("_")
    family = family.lower()
    if family in ("python", "nodejs", "java", "dotnet", "ruby", "go"):
        pieces = version.lower().split("_")
        if family == "go":
            return "go1.x"
        if family == "dotnet" and pieces and pieces[0] == "core":
            return "dotnetcore" + ".".join(pieces[1:])
        return family + ".".join(pieces)
    if family == "provided":
        return "provided" + ("." + version.lower() if version else "")
    return None


# A path built from `__file__`/`os.getcwd()`: marked so `/` and `.parent` can follow it.
_PATH_MARK = Span("<path>", 0, 0, 0, 0)


def _path(text: str, span: Span) -> Located:
    return Located(os.path.normpath(text), span, "explicit", key_span=_PATH_MARK)


def _dict_view(owner: Located, kind: str) -> Located:
    items: list[Located] = []
    for key, value in owner.items():
        key_node = Located(key, value.key_span or value.span)
        items.append(key_node if kind == "keys" else value if kind == "values"
                     else Located([key_node, value], value.span))
    return Located(items, owner.span)


def _iteration(items: Value) -> list[Value] | None:
    if isinstance(items, Located) and items.origin != "unresolved":
        if isinstance(items.value, list):
            return list(items.value)
        if isinstance(items.value, dict):
            return [Located(k, v.key_span or v.span) for k, v in items.value.items()]
    return None


def _is_number(value: Value) -> bool:
    return isinstance(value, Located) and value.is_literal and isinstance(value.value, (int, float)) \
        and not isinstance(value.value, bool)


def _blocks(statement: cst.CSTNode) -> Iterator[Any]:
    """The blocks (`IndentedBlock` or one-line suites) of an `if`/`try`/`while`."""
    if isinstance(statement, cst.If):
        yield statement.body
        orelse = statement.orelse
        while orelse is not None:
            if isinstance(orelse, cst.If):
                yield orelse.body
                orelse = orelse.orelse
            else:
                yield orelse.body
                orelse = None
    elif isinstance(statement, cst.Try):
        yield statement.body
        for handler in statement.handlers:
            yield handler.body
        if statement.orelse is not None:
            yield statement.orelse.body
        if statement.finalbody is not None:
            yield statement.finalbody.body
    elif isinstance(statement, cst.While):
        yield statement.body


def _indent(block: cst.IndentedBlock, module: Module) -> str:
    return block.indent if block.indent is not None else module.tree.default_indent


def _assigned_names(body: Any) -> set[str]:
    names: set[str] = set()
    for statement in body:
        if isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                targets = [t.target for t in small.targets] if isinstance(small, cst.Assign) else \
                    [small.target] if isinstance(small, (cst.AnnAssign, cst.AugAssign)) else []
                for target in targets:
                    if isinstance(target, cst.Name):
                        names.add(target.value)
        elif isinstance(statement, (cst.If, cst.Try, cst.While, cst.For, cst.With)):
            for block in _blocks(statement):
                names |= _assigned_names(block.body)
            if isinstance(statement, (cst.For, cst.With)):
                names |= _assigned_names(statement.body.body)
    return names


def _child_expressions(node: cst.CSTNode) -> Iterator[cst.BaseExpression]:
    """Calls nested in an expression the evaluator does not read (a comprehension, a lambda):
    a construct created there is still created."""
    for child in node.children:
        if isinstance(child, cst.Call):
            yield child
        elif isinstance(child, cst.CSTNode) and not isinstance(child, (cst.Lambda,)):
            yield from _child_expressions(child)


def _bind_imports(module: Module, node: cst.Import | cst.ImportFrom) -> None:
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


class _Sentinel:
    def __repr__(self) -> str:
        return "<unknown>"


_missing: Any = _Sentinel()
_unknown_marker: Any = _Sentinel()
