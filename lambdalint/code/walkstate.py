"""The state one walk over a module keeps, shared by the fact collectors (`extract._Visitor` is
one class made of them: `call_facts`, `env_facts`, `mutation_facts`, each a mixin over `WalkState`).
"""

from __future__ import annotations

import libcst as cst

from lambdalint.code.bindings import is_literal
from lambdalint.code.cstwalk import Positions, Scope, Scopes
from lambdalint.code.facts import FunctionFacts, ModuleFacts, StringFact
from lambdalint.located import Span


class WalkState:
    """Where the walk is (scopes, enclosing functions and classes, once-only depth, the statement)
    and what the module binds; the helpers every collector asks."""

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
        # per function (by qualified name): locals read from a module-level cache under a constant
        # key (`url = _cache.get("url")`), which a lazy init tests and then fills (`_cache["url"] = url`)
        self.cache_reads: dict[str, dict[str, str]] = {}
        self.direct_statements: list[set[int]] = []
        self.factories: list[dict[str, str]] = [{}]
        self.with_open: list[dict[str, str | None]] = [{}]  # per function: `with open(p) as f` names, p's leading text
        self.module_names: set[str] = set()
        self.constants: set[str] = set()
        self.mutable: set[str] = set()
        self.current_statement: cst.SimpleStatementLine | None = None
        # environment reads that may legitimately find nothing (LL109): guarded names ("*" = all)
        # and `os.environ.get("X") or default` calls
        self.env_guards: list[frozenset[str]] = []
        self.env_pending: list[list[int]] = []  # per function: its `.get()` reads into a local
        self.env_module_pending: list[int] = []  # `.get()` reads into a module global, at module level
        # per function: locals bound to a module-level container (`headers = HEADERS`)
        self.container_aliases: dict[str, dict[str, str]] = {}
        self.defaulted: set[int] = set()

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

    def _self_attribute(self, node: cst.BaseExpression) -> str | None:
        """`X` for `self.X` in a method (its first parameter, whatever it is called)."""
        fn = self.function
        if fn is None or fn.class_name is None or not fn.params or not isinstance(node, cst.Attribute) \
                or not isinstance(node.value, cst.Name) or node.value.value != fn.params[0]:
            return None
        return node.attr.value

    def _constant(self, node: cst.BaseExpression) -> bool:
        if is_literal(node):
            return True
        return isinstance(node, cst.Name) and node.value in self.constants and self._is_module_name(node.value)

    def _factory(self, receiver: str) -> str | None:
        if self.function is not None and receiver in self.factories[-1]:
            return self.factories[-1][receiver]
        if self._is_module_name(receiver):
            return self.factories[0].get(receiver)
        return None

    def _string(self, target: str, value: str, node: cst.CSTNode) -> None:
        fn = self.function
        self.facts.strings.append(StringFact(target, value, self._span(node), fn.qualname if fn else None))
