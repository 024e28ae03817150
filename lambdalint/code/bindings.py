"""What a module binds, and the small syntactic questions every fact collector asks about values.

`module_bindings` reads the names a module binds at its top level (all, by imports, to literals, to
mutable containers); `Bindings` fills one `cstwalk.Scope` (module, class body or function) and counts
a function's local assignments. `string_value`, `is_literal` and `is_mutable` answer what a value
expression is without evaluating anything.
"""

from __future__ import annotations

from typing import Sequence

import libcst as cst

from lambdalint.code.cstwalk import Scope, walk

_MUTABLE_FACTORIES = {"dict", "list", "set", "collections.defaultdict", "collections.deque",
                      "collections.OrderedDict", "collections.Counter", "defaultdict", "deque",
                      "OrderedDict", "Counter"}
_EMPTY = cst.Module([])


def module_bindings(module: cst.Module) -> tuple[set[str], set[str], set[str], set[str]]:
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
                for name in target_names(target):
                    names.add(name)
                    if value is not None and is_literal(value):
                        constants.add(name)
                    if value is not None and is_mutable(value):
                        mutable.add(name)

    visit_block(module.body)
    return names, imports, constants, mutable


def target_names(target: cst.BaseExpression) -> list[str]:
    if isinstance(target, cst.Name):
        return [target.value]
    if isinstance(target, (cst.Tuple, cst.List)):
        return [n for e in target.elements for n in target_names(e.value)]
    return []


def is_literal(node: cst.BaseExpression) -> bool:
    if isinstance(node, (cst.SimpleString, cst.Integer, cst.Float, cst.ConcatenatedString)):
        return True
    if isinstance(node, cst.Name):
        return node.value in ("True", "False", "None")
    if isinstance(node, cst.UnaryOperation) and isinstance(node.operator, cst.Minus):
        return is_literal(node.expression)
    if isinstance(node, (cst.Tuple, cst.List)):
        return all(is_literal(e.value) for e in node.elements)
    if isinstance(node, cst.Dict):
        return all(isinstance(e, cst.DictElement) and is_literal(e.key) and is_literal(e.value)
                   for e in node.elements)
    return False


def is_mutable(node: cst.BaseExpression) -> bool:
    if isinstance(node, (cst.List, cst.Dict, cst.Set, cst.ListComp, cst.DictComp, cst.SetComp)):
        return True
    if isinstance(node, cst.Call):
        return _EMPTY.code_for_node(node.func) in _MUTABLE_FACTORIES
    return False


def string_value(node: cst.BaseExpression) -> str | None:
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


def root_name(node: cst.BaseExpression) -> str | None:
    while isinstance(node, (cst.Attribute, cst.Call)):
        node = node.value if isinstance(node, cst.Attribute) else node.func
    return node.value if isinstance(node, cst.Name) else None


class Bindings:
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

    def run(self) -> "Bindings":
        walk(self.root, self)
        return self

    def _count(self, name: str) -> None:
        self.assigned[name] = self.assigned.get(name, 0) + 1

    def _add(self, target: cst.BaseExpression) -> None:
        for name in target_names(target):
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
            for name in target_names(inner.name):
                self._count(name)
        else:
            self._add(inner.name)

    def visit_NamedExpr(self, inner: cst.NamedExpr) -> None:
        self._add(inner.target)

    def visit_ImportAlias(self, inner: cst.ImportAlias) -> None:
        if inner.asname is None:
            self._count(_EMPTY.code_for_node(inner.name).split(".")[0])


def all_params(params: cst.Parameters) -> list[str]:
    found = [p.name.value for p in (*params.posonly_params, *params.params, *params.kwonly_params)]
    for star in (params.star_arg, params.star_kwarg):
        if isinstance(star, cst.Param):
            found.append(star.name.value)
    return found
