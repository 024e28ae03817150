"""Call facts: every call expression with its callee's qualified names, receiver, arguments and
whether it runs once per execution environment (`CallFact`)."""

from __future__ import annotations

import libcst as cst

from lambdalint.code.bindings import root_name, string_value
from lambdalint.code.cstwalk import dotted_name
from lambdalint.code.facts import SELF_ATTRIBUTE, SUPER, CallFact
from lambdalint.code.values import describe
from lambdalint.code.walkstate import WalkState

# Calls that run the function handed to them, by qualified name: (the argument that is the function,
# as a position or a keyword; how many positional arguments precede the function's own, -1 when
# they are not handed on one to one).
# Where the function to run is: a position, a keyword, or both (the keyword first).
Where = int | str | tuple[str, int]
_RUNNERS: dict[str, tuple[Where, int]] = {
    "asyncio.to_thread": (0, 1), "threading.Thread": ("target", -1), "threading.Timer": (1, -1),
    "builtins.map": (0, -1), "contextvars.copy_context.run": (0, 1),
    # Powertools' batch processing calls `record_handler` once per record of the invocation
    **{f"aws_lambda_powertools.utilities.batch.{module}{name}": (("record_handler", 1), -1)
       for module in ("", "decorators.")
       for name in ("process_partial_response", "async_process_partial_response", "batch_processor",
                    "async_batch_processor", "sqs_batch_processor")},
}
_RUNNER_NAMES = frozenset(_RUNNERS)
# Methods that run their first argument on an executor (`concurrent.futures`, `asyncio`), and the
# same shape of argument as above.
_EXECUTOR_METHODS: dict[str, tuple[Where, int]] = {"submit": (0, 1), "map": (0, -1),
                                                       "run_in_executor": (1, 2)}
EXECUTORS = ("ThreadPoolExecutor", "ProcessPoolExecutor")
# Powertools' processors: `with processor(records=..., handler=record_handler): processor.process()`
BATCH_PROCESSORS = ("BatchProcessor", "SqsFifoPartialProcessor", "AsyncBatchProcessor")


class CallFacts(WalkState):
    def _call(self, node: cst.Call) -> tuple[CallFact, set[str]]:
        """The `CallFact` of one call, recorded on its function (or the module); with its names."""
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
            elif self.function is not None and self.function.class_name and \
                    (held := self._self_attribute(func.value)) is not None:
                names.add(f"{SELF_ATTRIBUTE}{self.function.class_name}.{held}.{func.attr.value}")
            elif isinstance(func.value, cst.Call):
                inner = self._names(func.value)
                factory = min(inner) if inner else None
                if "builtins.super" in inner and self.function is not None and self.function.class_name:
                    names.add(f"{SUPER}{self.function.class_name}.{func.attr.value}")
        positional = [a for a in node.args if a.keyword is None and a.star == ""]
        first = positional[0].value if positional else None
        first_kind, first_value = self._arg_kind(first)
        for arg in node.args:
            if arg.keyword is not None:
                value = string_value(arg.value)
                if value is not None:
                    self._string(arg.keyword.value, value, arg.value)
            elif arg is (positional[0] if positional else None) and names:
                # `create_engine("mysql://user:password@host/db")`: a URL with a user in it, the
                # one positional literal that carries a credential by its shape
                value = string_value(arg.value)
                if value is not None and "://" in value and "@" in value:
                    self._string(min(names).rpartition(".")[2] + "()", value, arg.value)
        callback, shift = self._callback(node, names, factory)
        fn = self.function
        once = fn is None or self.once_depth > 0
        assigned_to, statement_line = self._movable(node)
        root = root_name(func)
        fact = CallFact(
            names=frozenset(names), span=self._span(node), once=once,
            literal_args=all(a.star == "" and self._constant(a.value) for a in node.args),
            first_arg=first_value, first_arg_kind=first_kind, receiver=receiver,
            receiver_factory=factory, assigned_to=assigned_to, statement_line=statement_line,
            self_method=self_method, root_name=root, imported=imported,
            keywords=tuple((a.keyword.value, describe(a.value, self._names)) for a in node.args if a.keyword is not None),
            positional=tuple(describe(a.value, self._names) for a in positional),
            callback=callback, callback_shift=shift,
        )
        if fn is None:
            self.facts.module_calls.append(fact)
        else:
            fn.calls.append(fact)
        return fact, names

    def _callback(self, node: cst.Call, names: set[str], factory: str | None) -> tuple[frozenset[str], int]:
        """The function a call runs for its caller (see `CallFact.callback`), by qualified names."""
        shape = None
        if not _RUNNER_NAMES.isdisjoint(names):
            shape = next(_RUNNERS[n] for n in sorted(names) if n in _RUNNERS)
        func = node.func
        if shape is None and isinstance(func, cst.Attribute) and func.attr.value in _EXECUTOR_METHODS:
            method = func.attr.value
            # `loop.run_in_executor` needs no typed receiver; `submit`/`map` only on an executor
            if method == "run_in_executor" or (factory or "").endswith(EXECUTORS):
                shape = _EXECUTOR_METHODS[method]
        if shape is None and isinstance(func, cst.Name) and (self._factory(func.value) or "").endswith(BATCH_PROCESSORS):
            shape = (("handler", 1), -1)
        if shape is None:
            return frozenset(), -1
        where, shift = shape
        keyword, position = (where, None) if isinstance(where, str) else (None, where) if isinstance(where, int) else where
        value = next((a.value for a in node.args if a.keyword is not None and a.keyword.value == keyword), None) \
            if keyword is not None else None
        if value is None and position is not None:
            positional = [a for a in node.args if a.keyword is None and a.star == ""]
            value = positional[position].value if len(positional) > position else None
        if value is None:
            return frozenset(), -1
        attribute = self._self_attribute(value)
        if attribute is not None and self.function is not None:
            return frozenset({f"{self.function.class_name}.{attribute}"}), shift
        if isinstance(value, (cst.Name, cst.Attribute)):
            return self._names(value), shift
        return frozenset(), -1

    def _arg_kind(self, node: cst.BaseExpression | None) -> tuple[str, str | None]:
        if node is None:
            return "", None
        value = string_value(node)
        if value is not None:
            return "str", value
        if isinstance(node, cst.Call):
            callee = dotted_name(node.func) or ""
            if callee in ("open", "io.open", "gzip.open", "bz2.open") or callee.endswith(".open"):
                return "open", leading_text(node)
            if callee in ("os.path.join", "Path", "pathlib.Path") or callee.endswith("path.join"):
                return "path", leading_text(node)
        if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Divide):
            return "path", leading_text(node)
        if isinstance(node, cst.Name):
            if node.value in self.with_open[-1]:
                return "with-open", self.with_open[-1][node.value]
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


def leading_text(node: cst.BaseExpression | None) -> str | None:
    """The text a path expression starts with, where it is written out: `"/tmp/df.parquet"`,
    `f"/tmp/{key}"`, `open("/tmp/x")`, `os.path.join("/tmp", name)`, `Path("/tmp") / name`."""
    if node is None:
        return None
    value = string_value(node)
    if value is not None:
        return value
    if isinstance(node, cst.FormattedString) and node.parts and isinstance(node.parts[0], cst.FormattedStringText):
        return node.parts[0].value
    if isinstance(node, cst.Call):
        positional = [a for a in node.args if a.keyword is None and a.star == ""]
        return leading_text(positional[0].value) if positional else None
    if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Divide):
        return leading_text(node.left)
    return None
