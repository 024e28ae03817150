"""Mutation facts: a function changing module-level state or its instance's containers
(`MutationFact`, LL107), and which containers an instance carries from one call to the next."""

from __future__ import annotations

import libcst as cst

from lambdalint.code.bindings import is_mutable
from lambdalint.code.facts import CallFact, MutationFact
from lambdalint.code.guards import names_used
from lambdalint.code.walkstate import WalkState

_MUTATORS = {"append", "extend", "add", "update", "setdefault", "insert", "appendleft", "extendleft"}


class MutationFacts(WalkState):
    def _instance_state(self) -> None:
        self.facts.instance_state = {
            name: frozenset(attrs - self.instance_rebound.get(name, set()))
            for name, attrs in self.instance_containers.items() if attrs - self.instance_rebound.get(name, set())}

    def _instance_binding(self, target: cst.BaseExpression, value: cst.BaseExpression | None) -> None:
        fn = self.function
        if fn is None:
            if self.classes and isinstance(target, cst.Name) and value is not None and is_mutable(value):
                self.instance_containers.setdefault(self.classes[-1], set()).add(target.value)
            return
        attribute = self._self_attribute(target)
        if attribute is None or fn.class_name is None:
            return
        if fn.name == "__init__" and value is not None and is_mutable(value):
            self.instance_containers.setdefault(fn.class_name, set()).add(attribute)
        else:
            self.instance_rebound.setdefault(fn.class_name, set()).add(attribute)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        fn = self.function
        if fn is None:
            return
        target = node.target
        if isinstance(target, cst.Name) and target.value in fn.globals:
            # a `nonlocal` counter of the enclosing call ends with it: no state outlives the invocation
            if target.value not in fn.nonlocals:
                self._mutation(target.value, "augmented assignment", node)
        elif (attribute := self._self_attribute(target)) is not None:
            self._self_mutation(attribute, "augmented assignment", target)
        else:
            self._mutation_target(target, node.value, "augmented item assignment")

    def _alias_binding(self, target: cst.BaseExpression, value: cst.BaseExpression) -> None:
        """`headers = HEADERS` in a function: the local is the module's container, so changing it
        changes what the next invocation finds (rebinding the local to anything else ends that)."""
        fn = self.function
        if fn is None or not isinstance(target, cst.Name):
            return
        aliases = self.container_aliases.setdefault(fn.qualname, {})
        if isinstance(value, cst.Name) and value.value in self.mutable and self._is_module_name(value.value):
            aliases[target.value] = value.value
        else:
            aliases.pop(target.value, None)

    def _container(self, name: str) -> str | None:
        """The module-level container `name` is in this function: itself, or the one a local aliases."""
        if name in self.mutable and self._is_module_name(name):
            return name
        fn = self.function
        return self.container_aliases.get(fn.qualname, {}).get(name) if fn is not None else None

    def _mutation_target(self, target: cst.BaseExpression, value: cst.BaseExpression, how: str) -> None:
        fn = self.function
        if fn is None:
            return
        if isinstance(target, cst.Subscript) and isinstance(target.value, cst.Name):
            container = self._container(target.value.value)
            if container is not None:
                self._mutation(container, how, target)
        elif isinstance(target, cst.Subscript) and (attribute := self._self_attribute(target.value)) is not None:
            self._self_mutation(attribute, how, target)
        elif isinstance(target, cst.Name) and target.value in fn.globals and target.value not in fn.nonlocals \
                and how == "item assignment":
            # `global g; g = ...` only leaks when the new value carries request data or the old value
            used = names_used(value)
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

    def _call_mutation(self, node: cst.Call, fact: CallFact) -> None:
        """`G.append(x)` on a module-level container, `self.items.add(x)` on the instance's."""
        fn, func = self.function, node.func
        if fn is None or not isinstance(func, cst.Attribute) or func.attr.value not in _MUTATORS:
            return
        if isinstance(func.value, cst.Name):
            container = self._container(func.value.value)
            if container is not None:
                fn.mutations.append(MutationFact(container, f".{func.attr.value}()", fact.span, once=fact.once))
        elif (attribute := self._self_attribute(func.value)) is not None:
            fn.self_mutations.append(MutationFact(f"self.{attribute}", f".{func.attr.value}()", fact.span,
                                                  once=fact.once))
