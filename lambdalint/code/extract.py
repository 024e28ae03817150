"""One module's text -> `ModuleFacts`, in one LibCST traversal.

`full_facts` walks the module once (`cstwalk.walk`, not a `CSTVisitor`), naming callees with its own
scope tracker (`cstwalk.Scopes`: imports, aliases, module/class/function scopes, `global`) and
taking positions from one counting code-generation pass (`cstwalk.Positions`): LibCST's metadata
providers cost several times the parse, and the analysis needs only this much of them. It is
still taken only for modules the text scan says can matter.
`definition_facts` only parses and reads the module's top-level definitions (handler modules that
name nothing a code rule looks for still need LL105/LL106/LL108).
"""

from __future__ import annotations

import re
from typing import Callable, Sequence

import libcst as cst

from lambdalint.code.cstwalk import Positions, Scope, Scopes, dotted_name, walk

from lambdalint.code.facts import (CallFact, EnvFact, FunctionFacts, ModuleFacts, MutationFact,
                                   StringFact)
from lambdalint.located import Span

_CACHE_DECORATORS = {
    "functools.cache", "functools.lru_cache", "functools.cached_property", "cachetools.cached",
    "cachetools.func.ttl_cache", "cachetools.func.lru_cache",
}
_MUTATORS = {"append", "extend", "add", "update", "setdefault", "insert", "appendleft", "extendleft"}
_MUTABLE_FACTORIES = {"dict", "list", "set", "collections.defaultdict", "collections.deque",
                      "collections.OrderedDict", "collections.Counter", "defaultdict", "deque",
                      "OrderedDict", "Counter"}
_EMPTY = cst.Module([])


def parse_error(display: str, path: str, text: str, exc: Exception) -> ModuleFacts:
    line, column, message = describe_syntax_error(text, exc)
    return ModuleFacts(path=path, display=display,
                       error=(line, column, f"Python syntax error: {message}"), full=False)


_LIBCST_ERROR = re.compile(r"^(?:parser error: )?error at (\d+):(\d+): (.*)$", re.S)
_LIBCST_TOKENS = {"INDENT": "an indented block", "DEDENT": "the end of the block", "NEWLINE": "the end of the line",
                  "NAME": "a name", "NUMBER": "a number", "STRING": "a string", "EOF": "the end of the file"}


def describe_syntax_error(text: str, exc: Exception) -> tuple[int, int, str]:
    """(line, 1-based column, plain words) for a module LibCST could not parse.

    LibCST's own text is `Syntax Error @ 2:1.` with a raw position at the start of the line after
    the mistake. CPython's parser (`ast.parse`: it only parses, nothing runs) says what is wrong
    where it is (`expected ':'` at the end of the `def` line, `'(' was never closed`), so it is
    asked first; LibCST's `message` (`error at 2:4: expected one of ->, :`) is the fallback when
    the two parsers disagree (a newer syntax one of them knows).
    """
    if isinstance(exc, RecursionError):
        return 1, 1, "the code is nested too deeply to analyse"
    found = _cpython_syntax_error(text)
    if found is not None:
        return found
    if isinstance(exc, cst.ParserSyntaxError):
        return _libcst_syntax_error(text, exc)
    message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return 1, 1, message


def _cpython_syntax_error(text: str) -> tuple[int, int, str] | None:
    import ast
    import warnings

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # invalid escape sequences and the like are not our report
            ast.parse(text)
    except SyntaxError as error:
        line = max(error.lineno or 1, 1)
        return line, max(error.offset or 1, 1), error.msg
    except (ValueError, RecursionError, MemoryError):
        return None
    return None


def _libcst_syntax_error(text: str, exc: cst.ParserSyntaxError) -> tuple[int, int, str]:
    raw = exc.message.strip()
    if raw.startswith("tokenizer error: "):
        return max(exc.raw_line, 1), exc.raw_column + 1, raw[len("tokenizer error: "):]
    match = _LIBCST_ERROR.match(raw)
    if match is None:
        return max(exc.raw_line, 1), exc.raw_column + 1, raw or str(exc)
    line, column, what = int(match.group(1)), int(match.group(2)), match.group(3)
    lines = text.splitlines()
    token = lines[line - 1][column:].split()[0] if 0 < line <= len(lines) and lines[line - 1][column:].split() else ""
    expected = [e.strip() for e in what.removeprefix("expected one of ").removeprefix("expected ").split(", ")]
    if len(expected) <= 3:
        words = " or ".join(_LIBCST_TOKENS.get(e, f"`{e}`") for e in expected)
        plain = f"expected {words}" + (f" before `{token}`" if token else "")
    else:
        plain = f"unexpected `{token}`" if token else "unexpected end of the file"
    return line, column + 1, plain


# What parsing user code can raise: a syntax error, a name LibCST refuses (e.g. a lone non-ASCII
# code point). RecursionError (deep input) is handled by `_bounded`, which retries with more room.
PARSE_FAILURES = (cst.ParserSyntaxError, cst.CSTValidationError, ValueError, TypeError)


def _parse(text: str) -> cst.Module:
    return cst.parse_module(text)


def full_facts(path: str, display: str, text: str) -> ModuleFacts:
    return _bounded(_full_facts, path, display, text)


def definition_facts(path: str, display: str, text: str) -> ModuleFacts:
    return _bounded(_definition_facts, path, display, text)


def _full_facts(path: str, display: str, text: str) -> ModuleFacts:
    try:
        module = _parse(text)
        visitor = _Visitor(path, display, Positions(module, text))
        walk(module, visitor)
    except PARSE_FAILURES as exc:
        return parse_error(display, path, text, exc)
    return visitor.facts


# Deep code: LibCST's native parser recurses per nesting level on the C stack and crashes the
# process (SIGSEGV, not an exception) past about 1,500 levels, and its tree conversion and our walk
# raise RecursionError past a few hundred (a 600-term `and` chain). CPython's own parser refuses what
# it cannot nest (200 parentheses, `too complex`) with an exception, so text that could be deep is
# shown to it first, and what it accepts is analysed in a thread with a large stack.
_DEEP_STACK = 512 * 1024 * 1024  # virtual: only the pages a deep walk touches are ever used
_DEEP_RECURSION = 60_000
_LONG_LINE = re.compile(r"[^\n]{1000}")
_LONG_CONTINUATION = re.compile(r"(?:\\\r?\n[^\n]*){100}")
_BRACKETS = re.compile(r"[()\[\]{}]")


def _bounded(build: Callable[[str, str, str], ModuleFacts], path: str, display: str, text: str) -> ModuleFacts:
    suspect = _deep_suspect(text)
    if suspect is None:
        try:
            return build(path, display, text)
        except RecursionError:
            suspect = 1
    refused = _cpython_refuses(text, suspect)
    if refused is not None:
        return ModuleFacts(path=path, display=display, error=refused, full=False)
    return _in_deep_thread(build, path, display, text, suspect)


def _deep_suspect(text: str) -> int | None:
    """The line where `text` could nest deeper than LibCST can take, or None (the common case:
    no line of 1,000 characters, no bracket 100 deep or holding 2,000 characters, no long run of
    backslash continuations). Brackets inside strings count too: a false alarm costs one CPython parse."""
    found = _LONG_LINE.search(text) or _LONG_CONTINUATION.search(text)
    if found is not None:
        return text.count("\n", 0, found.start()) + 1
    depth = 0
    opened: list[int] = []
    for match in _BRACKETS.finditer(text):
        if match.group() in "([{":
            opened.append(match.start())
            depth += 1
            if depth > 100:
                return text.count("\n", 0, match.start()) + 1
        elif opened:
            start = opened.pop()
            depth -= 1
            if match.start() - start > 2000 and not opened:
                return text.count("\n", 0, start) + 1
    return None


def _cpython_refuses(text: str, line: int) -> tuple[int, int, str] | None:
    """(line, column, message) when CPython itself cannot parse `text`; its parser never crashes."""
    import ast
    import warnings

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ast.parse(text)
    except SyntaxError as error:
        return max(error.lineno or line, 1), max(error.offset or 1, 1), f"Python syntax error: {error.msg}"
    except (RecursionError, MemoryError):
        return line, 1, "nested too deeply for Python to parse (CPython refuses it too)"
    except ValueError as error:
        return line, 1, f"Python syntax error: {error}"
    return None


def _in_deep_thread(build: Callable[[str, str, str], ModuleFacts], path: str, display: str,
                    text: str, line: int) -> ModuleFacts:
    import sys
    import threading

    outcome: list[ModuleFacts] = []

    def run() -> None:
        try:
            outcome.append(build(path, display, text))
        except RecursionError:
            pass
        except Exception as exc:  # noqa: BLE001 - reported like any module that cannot be analysed
            outcome.append(ModuleFacts(path=path, display=display, full=False,
                                       error=(1, 1, f"cannot analyse: {type(exc).__name__}: {exc}")))

    old_stack, old_limit = threading.stack_size(), sys.getrecursionlimit()
    try:
        threading.stack_size(_DEEP_STACK)
        sys.setrecursionlimit(max(old_limit, _DEEP_RECURSION))
        worker = threading.Thread(target=run, name="lambdalint-deep-module")
        worker.start()
        worker.join()
    except (RuntimeError, ValueError, MemoryError):  # no thread of that size on this platform
        pass
    finally:
        threading.stack_size(old_stack)
        sys.setrecursionlimit(old_limit)
    if outcome:
        return outcome[0]
    return ModuleFacts(path=path, display=display, full=False,
                       error=(line, 1, "cannot analyse: the code is nested too deeply (more than "
                                    f"{_DEEP_RECURSION} levels)"))


def _definition_facts(path: str, display: str, text: str) -> ModuleFacts:
    try:
        module = _parse(text)
    except PARSE_FAILURES as exc:
        return parse_error(display, path, text, exc)
    facts = ModuleFacts(path=path, display=display, full=False)
    names, _, _, _ = _module_bindings(module)
    facts.module_names = frozenset(names)
    scopes = Scopes(Scope("module", ""))
    _Bindings(module, scopes.stack[0]).run()
    instances: dict[str, str] = {}
    for stmt in module.body:
        if isinstance(stmt, cst.SimpleStatementLine):
            _record_factories(stmt, instances, scopes.qualified)
    lines = text.splitlines()
    for stmt in module.body:
        if isinstance(stmt, cst.FunctionDef):
            defs = [(stmt.name.value, stmt, _def_span_by_text(lines, stmt.name.value, display))]
        elif isinstance(stmt, cst.ClassDef) and isinstance(stmt.body, cst.IndentedBlock):
            # methods too: a handler may be `Service().handle` (`ModuleFacts.bound_methods`)
            defs = [(f"{stmt.name.value}.{inner.name.value}", inner,
                     _def_span_by_text(lines, inner.name.value, display, after_class=stmt.name.value))
                    for inner in stmt.body.body if isinstance(inner, cst.FunctionDef)]
        else:
            continue
        for qualname, node, span in defs:
            fn = FunctionFacts(qualname, node.name.value, span,
                               class_name=qualname.split(".")[0] if "." in qualname else None)
            _fill_signature(fn, node)
            fn.decorators = _decorator_names(node, scopes.qualified, instances)
            facts.functions[fn.qualname] = fn
    facts.bound_methods = _bound_methods(module, scopes.qualified, instances)
    return facts


def _def_span_by_text(lines: Sequence[str], name: str, display: str, after_class: str | None = None) -> Span:
    """The name of the top-level `def name` (or of the method `name` of `class after_class`)."""
    pattern = re.compile(rf"^(\s*(?:async\s+)?def\s+)({re.escape(name)})\b")
    start_line = 0
    if after_class is not None:
        header = re.compile(rf"^class\s+{re.escape(after_class)}\b")
        start_line = next((i for i, line in enumerate(lines) if header.match(line)), len(lines))
    for number, line in enumerate(lines[start_line:], start=start_line + 1):
        match = pattern.match(line)
        if match and line[:1].isspace() == (after_class is not None):
            start = match.start(2) + 1
            return Span(display, number, start, number, start + len(name))
    return Span.point(display, 1)


Qualify = Callable[[cst.CSTNode], frozenset[str]]


def _record_factories(stmt: cst.SimpleStatementLine, into: dict[str, str], qualify: Qualify) -> None:
    """`name = call(...)`: `into[name]` is the call's qualified name (`boto3.client`, `Service`)."""
    for small in stmt.body:
        if isinstance(small, cst.Assign) and isinstance(small.value, cst.Call):
            names = qualify(small.value)
            if names:
                for target in small.targets:
                    for name in _target_names(target.target):
                        into[name] = min(names)


def _decorator_names(node: cst.FunctionDef, qualify: Qualify, instances: dict[str, str]) -> tuple[str, ...]:
    """Each decorator's qualified name (see `FunctionFacts.decorators`). A method of a module-level
    instance is named through the instance's factory: `logger.inject_lambda_context` ->
    `aws_lambda_powertools.Logger.inject_lambda_context`."""
    found: list[str] = []
    for decorator in node.decorators:
        target = decorator.decorator.func if isinstance(decorator.decorator, cst.Call) else decorator.decorator
        dotted = dotted_name(target) or ""
        root, _, rest = dotted.partition(".")
        if rest and root in instances:
            found.append(f"{instances[root]}.{rest}")
            continue
        names = qualify(target)
        found.append(min(names) if names else dotted)
    return tuple(found)


def _bound_methods(module: cst.Module, qualify: Qualify, instances: dict[str, str]) -> dict[str, tuple[str, bool]]:
    """Module-level `name = Class().method`, `name = instance.method` (`instance = Class(...)`) and
    `name = Class.method` (see `ModuleFacts.bound_methods`)."""
    found: dict[str, tuple[str, bool]] = {}
    for stmt in module.body:
        if not isinstance(stmt, cst.SimpleStatementLine):
            continue
        for small in stmt.body:
            if not isinstance(small, cst.Assign) or not isinstance(small.value, cst.Attribute):
                continue
            base, method = small.value.value, small.value.attr.value
            if isinstance(base, cst.Call):
                names, through_instance = qualify(base.func), True
            elif isinstance(base, cst.Name) and base.value in instances:
                names, through_instance = frozenset((instances[base.value],)), True
            else:
                names, through_instance = qualify(base), False
            if not names:
                continue
            for target in small.targets:
                if isinstance(target.target, cst.Name):
                    found[target.target.value] = (f"{min(names)}.{method}", through_instance)
    return found


def _fill_signature(fn: FunctionFacts, node: cst.FunctionDef) -> None:
    params = node.params
    positional = list(params.posonly_params) + list(params.params)
    fn.is_async = node.asynchronous is not None
    fn.positional = len(positional)
    fn.required = sum(1 for p in positional if p.default is None)
    fn.star_args = isinstance(params.star_arg, cst.Param)
    fn.required_kwonly = sum(1 for p in params.kwonly_params if p.default is None)
    fn.params = tuple(p.name.value for p in positional)


def _module_bindings(module: cst.Module) -> tuple[set[str], set[str], set[str], set[str]]:
    """Names bound at module scope: all, by imports, to literals, to mutable containers."""
    names: set[str] = set()
    imports: set[str] = set()
    constants: set[str] = set()
    mutable: set[str] = set()

    def visit_block(body: Sequence[cst.CSTNode]) -> None:
        for stmt in body:
            if isinstance(stmt, (cst.FunctionDef, cst.ClassDef)):
                names.add(stmt.name.value)
            elif isinstance(stmt, cst.SimpleStatementLine):
                for small in stmt.body:
                    _bind_small(small)
            elif isinstance(stmt, (cst.If, cst.Try)):
                # `try: import x except ImportError:` and `if TYPE_CHECKING:` still bind at module scope
                visit_block(stmt.body.body)
                for handler in getattr(stmt, "handlers", ()):
                    visit_block(handler.body.body)
                orelse = getattr(stmt, "orelse", None)
                while orelse is not None:
                    visit_block(orelse.body.body)
                    orelse = getattr(orelse, "orelse", None)

    def _bind_small(small: cst.BaseSmallStatement) -> None:
        if isinstance(small, cst.Import):
            for alias in small.names:
                bound = alias.asname.name.value if alias.asname and isinstance(alias.asname.name, cst.Name) \
                    else _EMPTY.code_for_node(alias.name).split(".")[0]
                names.add(bound)
                imports.add(bound)
        elif isinstance(small, cst.ImportFrom) and not isinstance(small.names, cst.ImportStar):
            for alias in small.names:
                bound = alias.asname.name.value if alias.asname and isinstance(alias.asname.name, cst.Name) \
                    else _EMPTY.code_for_node(alias.name)
                names.add(bound)
                imports.add(bound)
        elif isinstance(small, (cst.Assign, cst.AnnAssign)):
            targets = [t.target for t in small.targets] if isinstance(small, cst.Assign) else [small.target]
            value = small.value
            for target in targets:
                for name in _target_names(target):
                    names.add(name)
                    if value is not None and _is_literal(value):
                        constants.add(name)
                    if value is not None and _is_mutable(value):
                        mutable.add(name)

    visit_block(module.body)
    return names, imports, constants, mutable


def _target_names(target: cst.BaseExpression) -> list[str]:
    if isinstance(target, cst.Name):
        return [target.value]
    if isinstance(target, (cst.Tuple, cst.List)):
        return [n for e in target.elements for n in _target_names(e.value)]
    return []


def _is_literal(node: cst.BaseExpression) -> bool:
    if isinstance(node, (cst.SimpleString, cst.Integer, cst.Float, cst.ConcatenatedString)):
        return True
    if isinstance(node, cst.Name):
        return node.value in ("True", "False", "None")
    if isinstance(node, cst.UnaryOperation) and isinstance(node.operator, cst.Minus):
        return _is_literal(node.expression)
    if isinstance(node, (cst.Tuple, cst.List)):
        return all(_is_literal(e.value) for e in node.elements)
    if isinstance(node, cst.Dict):
        return all(isinstance(e, cst.DictElement) and _is_literal(e.key) and _is_literal(e.value)
                   for e in node.elements)
    return False


def _is_mutable(node: cst.BaseExpression) -> bool:
    if isinstance(node, (cst.List, cst.Dict, cst.Set, cst.ListComp, cst.DictComp, cst.SetComp)):
        return True
    if isinstance(node, cst.Call):
        return _EMPTY.code_for_node(node.func) in _MUTABLE_FACTORIES
    return False


def _string_value(node: cst.BaseExpression) -> str | None:
    if type(node) is cst.SimpleString:
        # Most literals have no escapes: their value is the text between the quotes, with no
        # `compile()` (LibCST's `evaluated_value`) per argument of every call.
        prefix, quote = node.prefix, node.quote
        body = node.value[len(prefix) + len(quote):-len(quote)]
        if "\\" not in body and "\r" not in body and prefix.lower() in ("", "r", "u"):
            return body
    if isinstance(node, (cst.SimpleString, cst.ConcatenatedString)):
        try:
            value = node.evaluated_value
        except Exception:  # noqa: BLE001 - odd escapes; not a value we can use
            return None
        return value if isinstance(value, str) else None
    return None


def _root_name(node: cst.BaseExpression) -> str | None:
    while isinstance(node, (cst.Attribute, cst.Call)):
        node = node.value if isinstance(node, cst.Attribute) else node.func
    return node.value if isinstance(node, cst.Name) else None




class _Visitor:
    """The one walk over a module (`cstwalk.walk` calls the `visit_`/`leave_` methods)."""

    def __init__(self, path: str, display: str, positions: Positions) -> None:
        self.positions = positions
        self.scopes = Scopes(Scope("module", ""))
        self.facts = ModuleFacts(path=path, display=display)
        self.display = display
        self.functions: list[FunctionFacts] = []
        # per class: attributes bound to a container in `__init__`/the class body, and rebound elsewhere
        self.instance_containers: dict[str, set[str]] = {}
        self.instance_rebound: dict[str, set[str]] = {}
        # per function: how many `for` loops over non-literal data enclose the walker
        self.record_loops: list[int] = []
        self.classes: list[str] = []
        self.once_depth = 0
        self.once_blocks: set[int] = set()
        self.direct_statements: list[set[int]] = []
        self.factories: list[dict[str, str]] = [{}]
        self.with_open: list[set[str]] = [set()]
        self.module_names: set[str] = set()
        self.constants: set[str] = set()
        self.mutable: set[str] = set()
        self.current_statement: cst.SimpleStatementLine | None = None
        # environment reads that may legitimately find nothing (LL109): guarded names ("*" = all)
        # and `os.environ.get("X") or default` calls
        self.env_guards: list[frozenset[str]] = []
        self.defaulted: set[int] = set()

    # -- helpers --

    def _span(self, node: cst.CSTNode) -> Span:
        line, column, end_line, end_column = self.positions.range(node)
        return Span(self.display, line, column + 1, end_line, end_column + 1)

    def _names(self, node: cst.CSTNode) -> frozenset[str]:
        return self.scopes.qualified(node)

    @property
    def function(self) -> FunctionFacts | None:
        return self.functions[-1] if self.functions else None

    def _is_local(self, name: str) -> bool:
        fn = self.function
        if fn is None:
            return False
        return name not in fn.globals and (name in fn.assigned or name in fn.params)

    def _is_module_name(self, name: str) -> bool:
        return name in self.module_names and not self._is_local(name)

    # -- module --

    def visit_Module(self, node: cst.Module) -> None:
        names, imports, constants, mutable = _module_bindings(node)
        self.module_names, self.constants, self.mutable = names, constants, mutable
        self.facts.module_names = frozenset(names)
        self.facts.module_imports = frozenset(imports)
        self.facts.constants = frozenset(constants)
        self.facts.mutable_globals = frozenset(mutable)
        _Bindings(node, self.scopes.stack[0]).run()
        for stmt in node.body:
            if isinstance(stmt, cst.SimpleStatementLine):
                _record_factories(stmt, self.factories[0], self._names)
        self.facts.factories = dict(self.factories[0])
        self.facts.import_names = self.scopes.stack[0].imported()
        self.facts.bound_methods = _bound_methods(node, self._names, self.factories[0])

    def leave_Module(self, original_node: cst.Module) -> None:
        self.facts.instance_state = {
            name: frozenset(attrs - self.instance_rebound.get(name, set()))
            for name, attrs in self.instance_containers.items() if attrs - self.instance_rebound.get(name, set())}

    def _self_attribute(self, node: cst.BaseExpression) -> str | None:
        """`X` for `self.X` in a method (its first parameter, whatever it is called)."""
        fn = self.function
        if fn is None or fn.class_name is None or not fn.params or not isinstance(node, cst.Attribute) \
                or not isinstance(node.value, cst.Name) or node.value.value != fn.params[0]:
            return None
        return node.attr.value

    def _instance_binding(self, target: cst.BaseExpression, value: cst.BaseExpression | None) -> None:
        fn = self.function
        if fn is None:
            if self.classes and isinstance(target, cst.Name) and value is not None and _is_mutable(value):
                self.instance_containers.setdefault(self.classes[-1], set()).add(target.value)
            return
        attribute = self._self_attribute(target)
        if attribute is None or fn.class_name is None:
            return
        if fn.name == "__init__" and value is not None and _is_mutable(value):
            self.instance_containers.setdefault(fn.class_name, set()).add(attribute)
        else:
            self.instance_rebound.setdefault(fn.class_name, set()).add(attribute)

    # -- definitions --

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self.classes.append(node.name.value)
        outer = self.scopes.stack[-1]
        scope = Scope("class", ".".join(filter(None, [outer.prefix, node.name.value])))
        _Bindings(node, scope).run()
        self.scopes.push(scope)

    def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
        self.classes.pop()
        self.scopes.pop()

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        outer = self.function
        if outer is not None:
            qualname = f"{outer.qualname}.{node.name.value}"
        elif self.classes:
            qualname = f"{'.'.join(self.classes)}.{node.name.value}"
        else:
            qualname = node.name.value
        fn = FunctionFacts(qualname, node.name.value, self._span(node.name),
                           class_name=self.classes[-1] if self.classes and outer is None else None)
        _fill_signature(fn, node)
        fn.decorators = _decorator_names(node, self._names, self.factories[0])
        for decorator in node.decorators:
            target = decorator.decorator.func if isinstance(decorator.decorator, cst.Call) else decorator.decorator
            if self._names(target) & _CACHE_DECORATORS:
                fn.cached = True
        outer_scope = self.scopes.stack[-1]
        scope = Scope("function", ".".join(filter(None, [outer_scope.prefix, node.name.value, "<locals>"])))
        bindings = _Bindings(node, scope)
        bindings.run()
        fn.assigned = bindings.assigned
        fn.globals = frozenset(bindings.declared_global | bindings.declared_nonlocal)
        scope.declared_global = frozenset(bindings.declared_global)
        scope.declared_nonlocal = frozenset(bindings.declared_nonlocal)
        for param in fn.params:
            fn.assigned.setdefault(param, 0)
        if not fn.cached and self._is_cache_filler(node, fn):
            fn.cached = True
        for param in _all_params(node.params):
            scope.bind_local(param)
        self.scopes.push(scope)
        self.facts.functions[qualname] = fn
        self.functions.append(fn)
        self.record_loops.append(0)
        self.direct_statements.append({id(s) for s in node.body.body} if isinstance(node.body, cst.IndentedBlock) else set())
        self.factories.append({})
        self.with_open.append(set())

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self.scopes.pop()
        self.functions.pop()
        self.record_loops.pop()
        self.direct_statements.pop()
        self.factories.pop()
        self.with_open.pop()

    # Decorators and defaults are evaluated once, when the `def` runs.
    def visit_Decorator(self, node: cst.Decorator) -> None:
        self.once_depth += 1

    def leave_Decorator(self, original_node: cst.Decorator) -> None:
        self.once_depth -= 1

    def visit_Param(self, node: cst.Param) -> None:
        self.once_depth += 1

    def leave_Param(self, original_node: cst.Param) -> None:
        self.once_depth -= 1

    # -- once-only regions --

    def visit_If(self, node: cst.If) -> None:
        if _is_main_guard(node.test) or self._is_lazy_guard(node):
            self.once_blocks.add(id(node.body))
        self.env_guards.append(_env_tested(node.test, self.positions.source(node.test)))

    def leave_If(self, original_node: cst.If) -> None:
        self.env_guards.pop()

    def visit_For(self, node: cst.For) -> None:
        if self.record_loops and not _is_literal(node.iter):
            self.record_loops[-1] += 1

    def leave_For(self, original_node: cst.For) -> None:
        if self.record_loops and not _is_literal(original_node.iter):
            self.record_loops[-1] -= 1

    def visit_IfExp(self, node: cst.IfExp) -> None:
        self.env_guards.append(_env_tested(node.test, self.positions.source(node.test)))

    def leave_IfExp(self, original_node: cst.IfExp) -> None:
        self.env_guards.pop()

    def visit_While(self, node: cst.While) -> None:
        self.env_guards.append(_env_tested(node.test, self.positions.source(node.test)))

    def leave_While(self, original_node: cst.While) -> None:
        self.env_guards.pop()

    def visit_Try(self, node: cst.Try) -> None:
        catches = any(h.type is None or _catches_missing_key(h.type) for h in node.handlers)
        self.env_guards.append(frozenset({"*"}) if catches else frozenset())

    def leave_Try(self, original_node: cst.Try) -> None:
        self.env_guards.pop()

    def visit_BooleanOperation(self, node: cst.BooleanOperation) -> None:
        if isinstance(node.operator, cst.Or):
            self.defaulted.add(id(node.left))

    def visit_IndentedBlock(self, node: cst.IndentedBlock) -> None:
        if id(node) in self.once_blocks:
            self.once_depth += 1

    def leave_IndentedBlock(self, original_node: cst.IndentedBlock) -> None:
        if id(original_node) in self.once_blocks:
            self.once_depth -= 1

    def visit_SimpleStatementSuite(self, node: cst.SimpleStatementSuite) -> None:
        if id(node) in self.once_blocks:
            self.once_depth += 1

    def leave_SimpleStatementSuite(self, original_node: cst.SimpleStatementSuite) -> None:
        if id(original_node) in self.once_blocks:
            self.once_depth -= 1

    def _is_cache_filler(self, node: cst.FunctionDef, fn: FunctionFacts) -> bool:
        """A function that starts with `if "k" in CACHE: return CACHE[...]` (or `if _x is not
        None: return _x`) on a name that outlives the invocation, and fills that name below: all
        of its work after the first call is the early return, so it counts like `functools.cache`.
        """
        if not isinstance(node.body, cst.IndentedBlock):
            return False
        statements = [s for s in node.body.body if not _is_docstring(s)]
        if len(statements) < 2 or not isinstance(statements[0], cst.If) or statements[0].orelse is not None:
            return False
        guard = statements[0]
        if not _only_returns(guard.body):
            return False
        filled: set[str] = set()
        for statement in statements[1:]:
            filled |= _assigned_targets(statement)
        for target in _present_targets(guard.test) & filled:
            if "." in target or target in fn.globals or self._is_module_name(target):
                return True
        return False

    def _is_lazy_guard(self, node: cst.If) -> bool:
        """`if _client is None: _client = ...` (or `not _client`, `k not in CACHE`) on a name that
        outlives the invocation: module-level, declared `global`, or an attribute of self/cls."""
        guarded = _guarded_targets(node.test)
        if not guarded:
            return False
        if self.record_loops and self.record_loops[-1] and _keyed_by_data(node.test, self._constant):
            # `for record in event["Records"]: if record["id"] not in SEEN: SEEN[...] = ...` fills
            # one key per record on every invocation: a growing dict, not a lazy init
            return False
        assigned = _assigned_targets(node.body)
        for target in guarded & assigned:
            if "." in target:
                return True
            fn = self.function
            if fn is None or target in fn.globals or (self._is_module_name(target)):
                return True
        return False

    # -- statements --

    def visit_SimpleStatementLine(self, node: cst.SimpleStatementLine) -> None:
        self.current_statement = node
        if self.function is not None:
            _record_factories(node, self.factories[-1], self._names)

    def leave_SimpleStatementLine(self, original_node: cst.SimpleStatementLine) -> None:
        self.current_statement = None

    def visit_WithItem(self, node: cst.WithItem) -> None:
        if isinstance(node.item, cst.Call) and dotted_name(node.item.func) in ("open", "io.open", "gzip.open") \
                and node.asname is not None and isinstance(node.asname.name, cst.Name):
            self.with_open[-1].add(node.asname.name.value)

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            self._mutation_target(target.target, node.value, "item assignment")
            self._instance_binding(target.target, node.value)
        fn = self.function
        if fn is not None and len(node.targets) == 1 and isinstance(node.targets[0].target, cst.Name):
            source = _event_source(node.value)
            if source is not None:
                fn.event_values[node.targets[0].target.value] = source
        value = _string_value(node.value)
        if value is not None:
            for target in node.targets:
                name = dotted_name(target.target)
                if name:
                    self._string(name, value, node.value)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self._instance_binding(node.target, node.value)
        if node.value is not None:
            value = _string_value(node.value)
            name = dotted_name(node.target)
            if value is not None and name:
                self._string(name, value, node.value)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        fn = self.function
        if fn is None:
            return
        target = node.target
        if isinstance(target, cst.Name) and target.value in fn.globals:
            self._mutation(target.value, "augmented assignment", node)
        elif (attribute := self._self_attribute(target)) is not None:
            self._self_mutation(attribute, "augmented assignment", target)
        else:
            self._mutation_target(target, node.value, "augmented item assignment")

    def _mutation_target(self, target: cst.BaseExpression, value: cst.BaseExpression, how: str) -> None:
        fn = self.function
        if fn is None:
            return
        if isinstance(target, cst.Subscript) and isinstance(target.value, cst.Name):
            name = target.value.value
            if name in self.mutable and self._is_module_name(name):
                self._mutation(name, how, target)
        elif isinstance(target, cst.Subscript) and (attribute := self._self_attribute(target.value)) is not None:
            self._self_mutation(attribute, how, target)
        elif isinstance(target, cst.Name) and target.value in fn.globals and how == "item assignment":
            # `global g; g = ...` only leaks when the new value carries request data or the old value
            used = _names_used(value)
            if target.value in used or used & set(fn.params):
                self._mutation(target.value, "assignment from request data", target)

    def _self_mutation(self, attribute: str, how: str, node: cst.CSTNode) -> None:
        fn = self.function
        if fn is not None:
            fn.self_mutations.append(MutationFact(f"self.{attribute}", how, self._span(node), once=self.once_depth > 0))

    def _mutation(self, name: str, how: str, node: cst.CSTNode) -> None:
        fn = self.function
        if fn is not None:
            fn.mutations.append(MutationFact(name, how, self._span(node), once=self.once_depth > 0))

    def _string(self, target: str, value: str, node: cst.CSTNode) -> None:
        fn = self.function
        self.facts.strings.append(StringFact(target, value, self._span(node), fn.qualname if fn else None))

    def visit_Subscript(self, node: cst.Subscript) -> None:
        if "os.environ" in self._names(node.value) and len(node.slice) == 1:
            index = node.slice[0].slice
            key = _string_value(index.value) if isinstance(index, cst.Index) else None
            kind = "write" if self._is_store(node) else "read"
            self._env(key, kind, False, node)

    def _is_store(self, node: cst.Subscript) -> bool:
        stmt = self.current_statement
        if stmt is None:
            return False
        for small in stmt.body:
            if isinstance(small, cst.Assign) and any(t.target is node for t in small.targets):
                return True
            if isinstance(small, (cst.AugAssign, cst.AnnAssign)) and small.target is node:
                return True
            if isinstance(small, cst.Del) and small.target is node:
                return True
        return False

    def _env(self, key: str | None, kind: str, has_default: bool, node: cst.CSTNode) -> None:
        fn = self.function
        guarded = any("*" in g or (key is not None and key in g) for g in self.env_guards)
        target = None
        stmt = self.current_statement
        if kind == "read" and stmt is not None and len(stmt.body) == 1:
            small = stmt.body[0]
            value = getattr(small, "value", None)
            if value is node and isinstance(small, (cst.Assign, cst.AnnAssign)):
                targets = [t.target for t in small.targets] if isinstance(small, cst.Assign) else [small.target]
                if len(targets) == 1 and isinstance(targets[0], cst.Name):
                    target = targets[0].value
        self.facts.env.append(EnvFact(key, kind, has_default or id(node) in self.defaulted,
                                      self._span(node), fn.qualname if fn else None, guarded, target))

    # -- calls --

    def visit_Call(self, node: cst.Call) -> None:
        qualified, imported = self.scopes.qualified_imported(node)
        names = set(qualified)
        func = node.func
        receiver = factory = self_method = None
        if isinstance(func, cst.Attribute):
            if isinstance(func.value, cst.Name):
                receiver = func.value.value
                if receiver in ("self", "cls") and self.function is not None and self.function.class_name:
                    self_method = func.attr.value
                    names.add(f"{self.function.class_name}.{func.attr.value}")
                factory = self._factory(receiver)
            elif isinstance(func.value, cst.Call):
                inner = self._names(func.value)
                factory = min(inner) if inner else None
        self._env_call(node, names)
        positional = [a for a in node.args if a.keyword is None and a.star == ""]
        first = positional[0].value if positional else None
        first_kind, first_value = self._arg_kind(first)
        for arg in node.args:
            if arg.keyword is not None:
                value = _string_value(arg.value)
                if value is not None:
                    self._string(arg.keyword.value, value, arg.value)
        fn = self.function
        once = fn is None or self.once_depth > 0
        assigned_to, statement_line = self._movable(node)
        root = _root_name(func)
        fact = CallFact(
            names=frozenset(names), span=self._span(node), once=once,
            literal_args=all(a.star == "" and self._constant(a.value) for a in node.args),
            first_arg=first_value, first_arg_kind=first_kind, receiver=receiver,
            receiver_factory=factory, assigned_to=assigned_to, statement_line=statement_line,
            self_method=self_method, root_name=root, imported=imported,
            keywords=tuple((a.keyword.value, self._describe(a.value)) for a in node.args if a.keyword is not None),
            positional=tuple(self._describe(a.value) for a in positional),
        )
        if fn is None:
            self.facts.module_calls.append(fact)
        else:
            fn.calls.append(fact)
        if fn is not None and isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name) \
                and func.attr.value in _MUTATORS:
            name = func.value.value
            if name in self.mutable and self._is_module_name(name):
                fn.mutations.append(MutationFact(name, f".{func.attr.value}()", fact.span, once=once))
        elif fn is not None and isinstance(func, cst.Attribute) and func.attr.value in _MUTATORS \
                and (attribute := self._self_attribute(func.value)) is not None:
            fn.self_mutations.append(MutationFact(f"self.{attribute}", f".{func.attr.value}()", fact.span, once=once))

    def _env_call(self, node: cst.Call, names: set[str]) -> None:
        read = names & {"os.environ.get", "os.getenv"}
        write = names & {"os.environ.setdefault", "os.putenv", "os.environ.update"}
        if not read and not write:
            return
        positional = [a for a in node.args if a.keyword is None]
        key = _string_value(positional[0].value) if positional else None
        self._env(key, "read" if read else "write", len(node.args) > 1, node)

    def _describe(self, node: cst.BaseExpression) -> str:
        """What an argument is, as far as LL209 needs: an environment variable, a name, a string."""
        if isinstance(node, cst.Name):
            return f"name:{node.value}"
        source = _event_source(node)
        if source is not None:
            return source
        literal = _string_value(node)
        if literal is not None:
            return f"str:{literal}"
        key = None
        if isinstance(node, cst.Subscript) and "os.environ" in self._names(node.value) and len(node.slice) == 1:
            index = node.slice[0].slice
            key = _string_value(index.value) if isinstance(index, cst.Index) else None
        elif isinstance(node, cst.Call) and self._names(node) & {"os.environ.get", "os.getenv"} and node.args:
            key = _string_value(node.args[0].value)
        return f"env:{key}" if key else ""

    def _factory(self, receiver: str) -> str | None:
        if self.function is not None and receiver in self.factories[-1]:
            return self.factories[-1][receiver]
        if self._is_module_name(receiver):
            return self.factories[0].get(receiver)
        return None

    def _constant(self, node: cst.BaseExpression) -> bool:
        if _is_literal(node):
            return True
        return isinstance(node, cst.Name) and node.value in self.constants and self._is_module_name(node.value)

    def _arg_kind(self, node: cst.BaseExpression | None) -> tuple[str, str | None]:
        if node is None:
            return "", None
        value = _string_value(node)
        if value is not None:
            return "str", value
        if isinstance(node, cst.Call):
            callee = dotted_name(node.func) or ""
            if callee in ("open", "io.open", "gzip.open", "bz2.open") or callee.endswith(".open"):
                return "open", None
            if callee in ("os.path.join", "Path", "pathlib.Path") or callee.endswith("path.join"):
                return "path", None
        if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Divide):
            return "path", None
        if isinstance(node, cst.Name):
            if node.value in self.with_open[-1]:
                return "with-open", None
            if node.value in self.constants and self._is_module_name(node.value):
                return "constant", None
            return "name", None
        return "other", None

    def _movable(self, node: cst.Call) -> tuple[str | None, int]:
        stmt = self.current_statement
        if stmt is None or not self.direct_statements or id(stmt) not in self.direct_statements[-1]:
            return None, 0
        if len(stmt.body) != 1 or not isinstance(stmt.body[0], cst.Assign):
            return None, 0
        assign = stmt.body[0]
        if assign.value is not node or len(assign.targets) != 1 or not isinstance(assign.targets[0].target, cst.Name):
            return None, 0
        return assign.targets[0].target.value, self.positions.start_line(stmt)


class _Bindings:
    """Names a module, class body or function binds, into its `Scope`; for a function also how often
    each is assigned (its locals) and what it declares `global`/`nonlocal`. Nested functions,
    classes and lambdas are their own scopes: only their names are bound here."""

    def __init__(self, root: cst.CSTNode, scope: Scope) -> None:
        self.root = root
        self.scope = scope
        self.assigned: dict[str, int] = {}
        self.declared_global: set[str] = set()
        self.declared_nonlocal: set[str] = set()
        self.in_import = False

    def run(self) -> "_Bindings":
        walk(self.root, self)
        return self

    def _count(self, name: str) -> None:
        self.assigned[name] = self.assigned.get(name, 0) + 1

    def _add(self, target: cst.BaseExpression) -> None:
        for name in _target_names(target):
            self._count(name)
            self.scope.bind_local(name)

    def visit_FunctionDef(self, inner: cst.FunctionDef) -> bool:
        if inner is self.root:
            return True
        self._count(inner.name.value)
        self.scope.bind_local(inner.name.value)
        return False

    def visit_ClassDef(self, inner: cst.ClassDef) -> bool:
        if inner is self.root:
            return True
        self._count(inner.name.value)
        self.scope.bind_local(inner.name.value)
        return False

    def visit_Lambda(self, inner: cst.Lambda) -> bool:
        return False

    def visit_Global(self, inner: cst.Global) -> None:
        self.declared_global.update(n.name.value for n in inner.names)

    def visit_Nonlocal(self, inner: cst.Nonlocal) -> None:
        self.declared_nonlocal.update(n.name.value for n in inner.names)

    def visit_Import(self, inner: cst.Import) -> None:
        self.scope.bind_import(inner)
        self.in_import = True

    def leave_Import(self, inner: cst.Import) -> None:
        self.in_import = False

    def visit_ImportFrom(self, inner: cst.ImportFrom) -> None:
        self.scope.bind_import(inner)
        self.in_import = True

    def leave_ImportFrom(self, inner: cst.ImportFrom) -> None:
        self.in_import = False

    def visit_AssignTarget(self, inner: cst.AssignTarget) -> None:
        self._add(inner.target)

    def visit_AnnAssign(self, inner: cst.AnnAssign) -> None:
        self._add(inner.target)

    def visit_AugAssign(self, inner: cst.AugAssign) -> None:
        self._add(inner.target)

    def visit_For(self, inner: cst.For) -> None:
        self._add(inner.target)

    def visit_AsName(self, inner: cst.AsName) -> None:
        if self.in_import:
            for name in _target_names(inner.name):
                self._count(name)
        else:
            self._add(inner.name)

    def visit_NamedExpr(self, inner: cst.NamedExpr) -> None:
        self._add(inner.target)

    def visit_ImportAlias(self, inner: cst.ImportAlias) -> None:
        if inner.asname is None:
            self._count(_EMPTY.code_for_node(inner.name).split(".")[0])


def _all_params(params: cst.Parameters) -> list[str]:
    found = [p.name.value for p in (*params.posonly_params, *params.params, *params.kwonly_params)]
    for star in (params.star_arg, params.star_kwarg):
        if isinstance(star, cst.Param):
            found.append(star.name.value)
    return found


# Subscript paths into a Lambda event that name the resource the event came from.
_EVENT_SOURCES = {("s3", "bucket", "name"): "event:s3.bucket", ("Sns", "TopicArn"): "event:sns.topic"}


def _event_source(node: cst.BaseExpression) -> str | None:
    """`record["s3"]["bucket"]["name"]` -> "event:s3.bucket": the value names the trigger itself."""
    keys: list[str] = []
    while isinstance(node, cst.Subscript) and len(node.slice) == 1:
        index = node.slice[0].slice
        key = _string_value(index.value) if isinstance(index, cst.Index) else None
        if key is not None:
            keys.append(key)
        node = node.value
    if not isinstance(node, cst.Name):
        return None
    keys.reverse()
    for path, source in _EVENT_SOURCES.items():
        if tuple(keys[-len(path):]) == path:
            return source
    return None


def _env_tested(test: cst.BaseExpression, text: str) -> frozenset[str]:
    """String literals of a test that looks at the environment (`"X" in os.environ`,
    `os.getenv("X")`, `os.environ.get("X") is not None`): reads of those names below are guarded.
    `text` is the test's source."""
    if "environ" not in text and "getenv" not in text:
        return frozenset()
    found: set[str] = set()

    class Collector(cst.CSTVisitor):
        def visit_SimpleString(self, inner: cst.SimpleString) -> None:
            value = _string_value(inner)
            if value:
                found.add(value)

    test.visit(Collector())
    return frozenset(found)


def _catches_missing_key(node: cst.BaseExpression) -> bool:
    names = {dotted_name(e.value) for e in node.elements} if isinstance(node, cst.Tuple) else {dotted_name(node)}
    return bool(names & {"KeyError", "LookupError", "Exception", "BaseException"})


def _guard_name(node: cst.BaseExpression) -> str | None:
    name = dotted_name(node)
    if name is None:
        return None
    if "." in name and name.split(".")[0] not in ("self", "cls") and not name[0].isupper():
        return None
    return name


def _guarded_targets(test: cst.BaseExpression) -> set[str]:
    """Names a lazy-init test checks: `x is None`, `not x`, `k not in x`, `x.get(k) is None`."""
    found: set[str] = set()
    if isinstance(test, cst.BooleanOperation):
        return _guarded_targets(test.left) | _guarded_targets(test.right)
    if isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not):
        name = _guard_name(test.expression)
        if name:
            found.add(name)
        elif isinstance(test.expression, cst.Call) and dotted_name(test.expression.func) == "hasattr":
            args = test.expression.args
            if len(args) == 2 and (attr := _string_value(args[1].value)) and (obj := dotted_name(args[0].value)):
                found.add(f"{obj}.{attr}")
        return found
    return found | _compared_targets(test, present=False)


def _keyed_by_data(test: cst.BaseExpression, constant: Callable[[cst.BaseExpression], bool]) -> bool:
    """The test looks a key up that is not a constant: `k not in X`, `X.get(k) is None`."""
    if isinstance(test, cst.BooleanOperation):
        return _keyed_by_data(test.left, constant) or _keyed_by_data(test.right, constant)
    if isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not):
        return _keyed_by_data(test.expression, constant)
    if not isinstance(test, cst.Comparison):
        return False
    left = test.left
    for comparison in test.comparisons:
        if isinstance(comparison.operator, (cst.In, cst.NotIn)) and not constant(left):
            return True
        if isinstance(left, cst.Call) and isinstance(left.func, cst.Attribute) and left.func.attr.value == "get" \
                and left.args and not constant(left.args[0].value):
            return True
        left = comparison.comparator
    return False


def _present_targets(test: cst.BaseExpression) -> set[str]:
    """Names a cache-hit test checks: `x is not None`, `x`, `k in x`, `x.get(k) is not None`."""
    if isinstance(test, cst.BooleanOperation) and isinstance(test.operator, cst.And):
        return _present_targets(test.left) | _present_targets(test.right)
    name = _guard_name(test)
    return {name} if name else _compared_targets(test, present=True)


def _compared_targets(test: cst.BaseExpression, *, present: bool) -> set[str]:
    """Names a comparison tests for being filled (`present`: `is not None`, `in`) or still empty
    (`is None`, `not in`); `x.get(k) is None` tests `x`."""
    found: set[str] = set()
    if not isinstance(test, cst.Comparison):
        return found
    none_tests = (cst.IsNot, cst.NotEqual) if present else (cst.Is, cst.Equal)
    membership = cst.In if present else cst.NotIn
    for comparison in test.comparisons:
        operator = comparison.operator
        if isinstance(operator, none_tests) and dotted_name(comparison.comparator) == "None":
            left = test.left
            if isinstance(left, cst.Call) and isinstance(left.func, cst.Attribute) and left.func.attr.value == "get":
                left = left.func.value
            name = _guard_name(left)
        elif isinstance(operator, membership):
            name = _guard_name(comparison.comparator)
        else:
            continue
        if name:
            found.add(name)
    return found


def _only_returns(body: cst.BaseSuite) -> bool:
    statements = body.body if isinstance(body, (cst.IndentedBlock, cst.SimpleStatementSuite)) else ()
    small = [part for s in statements for part in (s.body if isinstance(s, cst.SimpleStatementLine) else [s])]
    return bool(small) and all(isinstance(part, (cst.Return, cst.Raise, cst.Pass)) for part in small)


def _is_docstring(statement: cst.BaseStatement) -> bool:
    return (isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1
            and isinstance(statement.body[0], cst.Expr)
            and isinstance(statement.body[0].value, (cst.SimpleString, cst.ConcatenatedString)))


class _AssignedTargets:
    def __init__(self) -> None:
        self.found: set[str] = set()

    def visit_FunctionDef(self, inner: cst.FunctionDef) -> bool:
        return False

    def _add(self, target: cst.BaseExpression) -> None:
        if isinstance(target, cst.Subscript):
            target = target.value
        name = dotted_name(target)
        if name:
            self.found.add(name)
        for inner_name in _target_names(target):
            self.found.add(inner_name)

    def visit_AssignTarget(self, inner: cst.AssignTarget) -> None:
        self._add(inner.target)

    def visit_AnnAssign(self, inner: cst.AnnAssign) -> None:
        self._add(inner.target)

    def visit_Call(self, inner: cst.Call) -> None:
        # `CACHE.setdefault(k, v)` / `CACHE.update(...)` fill a guarded cache too
        if isinstance(inner.func, cst.Attribute) and inner.func.attr.value in ("setdefault", "update", "__setitem__"):
            name = dotted_name(inner.func.value)
            if name:
                self.found.add(name)


def _assigned_targets(body: cst.BaseSuite) -> set[str]:
    collector = _AssignedTargets()
    walk(body, collector)
    return collector.found


class _NamesUsed:
    def __init__(self) -> None:
        self.used: set[str] = set()

    def visit_Name(self, inner: cst.Name) -> None:
        self.used.add(inner.value)


def _names_used(node: cst.BaseExpression) -> set[str]:
    collector = _NamesUsed()
    walk(node, collector)
    return collector.used


def _is_main_guard(test: cst.BaseExpression) -> bool:
    if isinstance(test, cst.Comparison) and len(test.comparisons) == 1:
        parts = {dotted_name(test.left), _string_value(test.comparisons[0].comparator),
                 _string_value(test.left), dotted_name(test.comparisons[0].comparator)}
        return "__name__" in parts and "__main__" in parts
    return False
