"""PynamoDB facts: the DynamoDB calls a `pynamodb.models.Model` subclass makes for the code.

A model class (`class Order(Model)` with `class Meta: table_name = os.environ["TABLE"]`) is recorded
in `ModuleFacts.pynamodb_models` with what names its table. Its classmethods called on the class
(`Order.get(pk)`, `Order.query(...)`) and the instance methods called on an object the walk sees
made from it (`order = Order(...)`, `order = Order.get(pk)`, `for order in Order.query(...)`,
`self.save()` in the model's own methods) become `AwsCall`s on a DynamoDB client whose identifier
is the table: `get` -> `get_item`, `save` -> `put_item`... A model another project module defines
is resolved by the analysis (receiver `MODEL` + the class's qualified names).

PynamoDB objects also travel where the walk does not follow them (a parameter, a list, a return),
so a module that imports PynamoDB keeps making the call set incomplete (`facts.AWS_CALLING_LIBRARIES`):
what is listed here is what the code is known to call, never all of it.
"""

from __future__ import annotations


import libcst as cst

from lambdalint.code.facts import (MODEL, UNKNOWN_ARG, Arg, AwsCall, CallFact, is_stdlib, model_client,
                                   model_keywords)
from lambdalint.code.values import describe
from lambdalint.code.walkstate import WalkState

_MODEL_BASES = frozenset({"pynamodb.models.Model", "pynamodb.models.MetaModel"})
# The SDK call each Model method makes (PynamoDB's `Connection` methods, by name).
CLASS_METHODS = {
    "get": "get_item", "query": "query", "scan": "scan", "batch_get": "batch_get_item",
    "batch_write": "batch_write_item", "exists": "describe_table", "describe_table": "describe_table",
    "create_table": "create_table", "delete_table": "delete_table",
}
INSTANCE_METHODS = {"save": "put_item", "delete": "delete_item", "update": "update_item", "refresh": "get_item"}
# Class calls whose result is an instance, or yields instances when iterated.
_MAKES_INSTANCES = frozenset({"get", "query", "scan", "batch_get"})
# Packages whose classes are never PynamoDB models of the project.
_NOT_MODELS = frozenset({"boto3", "botocore", "aws_lambda_powertools"})


class PynamoFacts(WalkState):
    """Collects PynamoDB models and the calls on them during the one walk."""

    def _pynamo_init(self) -> None:
        # per function: local name -> the model class's receiver (`MODEL` + names), or the class
        self.pynamo_locals: list[dict[str, str]] = [{}]
        self.pynamo_pending: list[tuple[list[AwsCall], int]] = []   # models resolved at the end
        self.pynamo_possible = False    # set by `_pynamo_start`

    def _pynamo_start(self) -> None:
        """Whether the module can name a model at all: it imports PynamoDB, or a class-like name
        from a module that is neither the standard library nor an SDK. Most modules cannot, and
        then every call skips the tests below."""
        for local, reals in self.facts.import_names.items():
            for real in reals:
                top = real.lstrip(".").split(".", 1)[0]
                # `from .models import Order`, or `import models` for `models.Order.get(...)`
                class_like = local[:1].isupper() or "." not in real.lstrip(".")
                if top == "pynamodb" or (class_like and not is_stdlib(top)
                                         and top not in _NOT_MODELS):
                    self.pynamo_possible = True
                    return

    def _pynamo_class(self, node: cst.ClassDef) -> None:
        if not self.pynamo_possible or not node.bases or not any(self._names(base.value) & _MODEL_BASES for base in node.bases):
            return
        table = UNKNOWN_ARG
        for statement in node.body.body if isinstance(node.body, cst.IndentedBlock) else ():
            if isinstance(statement, cst.ClassDef) and statement.name.value == "Meta":
                table = self._pynamo_table(statement) or table
        self.facts.pynamodb_models[node.name.value] = table

    def _pynamo_table(self, meta: cst.ClassDef) -> Arg | None:
        for line in meta.body.body if isinstance(meta.body, cst.IndentedBlock) else ():
            for small in line.body if isinstance(line, cst.SimpleStatementLine) else ():
                if isinstance(small, cst.Assign) and any(isinstance(t.target, cst.Name) and t.target.value == "table_name"
                                                         for t in small.targets):
                    found = describe(small.value, self._names)
                    return found if found.kind in ("str", "env") else UNKNOWN_ARG
        return None

    def _pynamo_enter_function(self) -> None:
        self.pynamo_locals.append({})

    def _pynamo_leave_function(self) -> None:
        self.pynamo_locals.pop()

    def _pynamo_model(self, node: cst.BaseExpression) -> str | None:
        """The model receiver of a class name (`Order`, `models.Order`), or None."""
        if isinstance(node, cst.Name):
            name = node.value
            if self.function is not None and self._is_local(name):
                return None
            if name in self.facts.pynamodb_models:
                return f"{MODEL}{name}"
            if name[:1].isupper() and name in self.facts.import_names:
                return MODEL + "|".join(sorted(self.facts.import_names[name]))
            return None
        if isinstance(node, cst.Attribute) and isinstance(node.value, cst.Name) and node.attr.value[:1].isupper() \
                and node.value.value in self.facts.import_names:
            return MODEL + "|".join(sorted(self._names(node)))
        return None

    def _pynamo_instance(self, value: cst.BaseExpression) -> str | None:
        """The model of the object a value makes: `Order(...)`, `Order.get(pk)`."""
        if not isinstance(value, cst.Call):
            return None
        func = value.func
        if isinstance(func, cst.Attribute) and func.attr.value in _MAKES_INSTANCES:
            return self._pynamo_model(func.value)
        return self._pynamo_model(func)

    def _pynamo_assign(self, targets: list[cst.BaseExpression], value: cst.BaseExpression | None) -> None:
        if not self.pynamo_possible:
            return
        model = self._pynamo_instance(value) if value is not None and self.function is not None else None
        for target in targets:
            if isinstance(target, cst.Name) and self.function is not None:
                if model is not None:
                    self.pynamo_locals[-1][target.value] = model
                else:
                    self.pynamo_locals[-1].pop(target.value, None)

    def _pynamo_for(self, node: cst.For) -> None:
        if not self.pynamo_possible or self.function is None or not isinstance(node.target, cst.Name):
            return
        model = self._pynamo_instance(node.iter)
        if model is not None:
            self.pynamo_locals[-1][node.target.value] = model

    def _pynamo_call(self, node: cst.Call, fact: CallFact) -> None:
        func = node.func
        if not self.pynamo_possible or type(func) is not cst.Attribute:
            return
        method = func.attr.value
        if method not in CLASS_METHODS and method not in INSTANCE_METHODS:
            return
        receiver, sdk = None, None
        if method in CLASS_METHODS:
            receiver, sdk = self._pynamo_model(func.value), CLASS_METHODS[method]
        if receiver is None and method in INSTANCE_METHODS:
            sdk = INSTANCE_METHODS[method]
            fn = self.function
            if isinstance(func.value, cst.Name) and fn is not None:
                name = func.value.value
                if fn.class_name in self.facts.pynamodb_models and fn.params[:1] == (name,):
                    receiver = f"{MODEL}{fn.class_name}"    # `self.save()` in the model's own method
                else:
                    receiver = self.pynamo_locals[-1].get(name)
            elif isinstance(func.value, cst.Call):
                receiver = self._pynamo_instance(func.value)
        if receiver is None or sdk is None:
            return
        fn = self.function
        calls = fn.aws_calls if fn is not None else self.facts.aws_calls
        calls.append(AwsCall(receiver, sdk, fact.span, None, (), fact.once))
        self.pynamo_pending.append((calls, len(calls) - 1))

    def _pynamo_finish(self) -> None:
        """Calls on a model of this module get its client; the others stay for the analysis."""
        for calls, index in self.pynamo_pending:
            call = calls[index]
            table = self.facts.pynamodb_models.get(call.receiver[len(MODEL):])
            if table is not None:
                calls[index] = call._replace(receiver="", client=model_client(table, call.span),
                                             keywords=model_keywords(table))
