"""Statements of a Python CDK app read in order: modules, assignments, loops, branches, project
helpers and classes (see `lambdalint.loaders.cdkvalues` for the expressions).

A loop over literal data reads its body once per element; a project helper function, method or
class called with literal arguments is read with its parameters bound; a name bound inside a branch
is no longer known after it. Nothing is imported or run.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Callable, Iterator

import libcst as cst

from lambdalint.code.cstwalk import dotted_name
from lambdalint.loaders.cdkmodules import Frame, Module, bind_imports, block_indent
from lambdalint.loaders.cdkobjects import (INSTANCE, MISSING, UNKNOWN, Construct, Value, as_located, iteration,
                                         unknown_parameters)
from lambdalint.loaders.cdkvalues import ConstructHook, ValueReader
from lambdalint.located import Located
from lambdalint.model import SourceFile


_MAX_LOOP = 50       # elements of a literal loop read one by one; longer data stays unresolved
_MAX_DEPTH = 8       # helper calls followed into helpers


_PACKAGE_LEVELS = 3  # how far above an app its package root may be
_REEXPORT_HOPS = 3   # packages that may re-export a name on the way to the module defining it
_NESTED = "<def>"    # a function defined in a method, kept among its names under this prefix


class Reader(ValueReader):
    """Reads modules of one app; `on_construct(qualified, call, frame, reader)` turns a call of a
    CDK class into a value (or None: not a construct it knows)."""

    def __init__(self, app_dir: Path, display: Callable[[Path], str], on_construct: ConstructHook,
                 read_text: Callable[[Path], str | None]) -> None:
        self.app_dir = app_dir
        # folders of other CDK apps inside this one: their modules are theirs (`cdk synth` runs
        # each app on its own), even when a package `__init__` of this app imports them
        self.nested_apps: tuple[Path, ...] = ()
        self.entry_dirs: tuple[Path, ...] = ()  # the folder of the file `cdk.json` runs, when not `app_dir`
        self.display = display
        self.on_construct = on_construct
        self.read_text = read_text
        self.modules: dict[Path, Module | None] = {}
        self.walked: set[int] = set()  # ids of function definitions already read with bound parameters
        self.errors: list[tuple[Path, str, int, int]] = []
        self.unknown_calls: set[str] = set()  # methods (and noted attributes) of values that did not resolve
        self.state: Any = None  # the loader's own state, for its hooks
        self.method_hook: Callable[[Construct, str, cst.Call, Frame, Reader], Value | None] | None = None
        self.statement_hook: Callable[[Located, str, cst.Call, Frame, Reader], bool] | None = None
        self.attribute_hook: Callable[[Construct, str, cst.Attribute, Frame, Reader], Value | None] | None = None

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
                        bind_imports(module, small)
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
            # an app in a subfolder of a package (`infrastructure/test_harness/app.py` importing
            # `infrastructure.test_harness.stack`) runs with the package's root installed or on
            # `PYTHONPATH`: its folders above the app are roots too
            # `python3 stack/app.py` puts `stack/` first on `sys.path` for every module of the app
            roots = [*self.entry_dirs, self.app_dir, module.path.parent, *self.app_dir.parents[:_PACKAGE_LEVELS]]
        for root in roots:
            candidate = root.joinpath(*parts)
            for path in (candidate.with_suffix(".py") if parts else None, candidate / "__init__.py"):
                if path is not None and path.is_file() and self.owns(path):
                    return self.module(path)
        return None

    def owns(self, path: Path) -> bool:
        """A file of this app: under its folder, not under a nested app's."""
        return self.app_dir in path.parents and not any(
            nested in path.parents for nested in self.nested_apps)

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
        return self.run(block.body, frame, indent + (block_indent(block, frame.module),))

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
                    _mutated(small.value, frame)
                elif isinstance(small, cst.Return) and small.value is not None:
                    result = self.value(small.value, frame)
            return result
        if isinstance(statement, cst.For):
            return self.loop(statement, frame, indent)
        if isinstance(statement, cst.FunctionDef) and (frame.depth or frame.this is not None) \
                and statement.name.value not in frame.names:
            # a factory defined in a method (`def _make_batch_fn(construct_id, ...)` in `__init__`):
            # read when called, as a closure over the names around it
            frame.names[_NESTED + statement.name.value] = statement
            return None
        if isinstance(statement, (cst.FunctionDef, cst.ClassDef)):
            return None  # read when called (or on their own by the loader)
        if isinstance(statement, cst.With):
            for item in statement.items:
                self.value(item.item, frame)
            return self.block(statement.body, frame, indent)
        if isinstance(statement, cst.If):
            taken = _decided(statement.test, frame)
            if taken is not None:  # `if "timeout" not in kwargs:` of a dict the call made
                chosen = statement.body if taken else statement.orelse
                if isinstance(chosen, cst.If):
                    return self.statement(chosen, frame, indent)
                if isinstance(chosen, cst.Else):
                    chosen = chosen.body
                return self.block(chosen, frame, indent) if chosen is not None else None
        # `if`/`try`/`while`: every branch is read (a construct there is still the user's), but a
        # name bound inside is no longer known afterwards.
        result = None
        for block in _blocks(statement):
            before = set(frame.names)
            found = self.block(block, frame, indent)
            result = result if result is not None else found
            for name in _assigned_names(block.body):
                if name in frame.names or name not in before:
                    frame.names[name] = UNKNOWN
        if isinstance(statement, cst.If):
            self.value(statement.test, frame)
        return result

    def loop(self, statement: cst.For, frame: Frame, indent: tuple[str, ...] = ()) -> Value | None:
        items = self.value(statement.iter, frame)
        elements = iteration(items)
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
            frame.names[name] = UNKNOWN
        self.assign(statement.target, None, frame)
        return result

    def assign(self, target: cst.CSTNode, value: Value | None, frame: Frame) -> None:
        if isinstance(target, cst.Name):
            frame.names[target.value] = value if value is not None else UNKNOWN
        elif isinstance(target, cst.Attribute) and isinstance(target.value, cst.Name) \
                and target.value.value == "self" and frame.this is not None:
            frame.this[target.attr.value] = value if value is not None else UNKNOWN
        elif isinstance(target, (cst.Tuple, cst.List)):
            parts = value.value if isinstance(value, Located) and isinstance(value.value, list) \
                and len(value.value) == len(target.elements) else None
            for index, element in enumerate(target.elements):
                self.assign(element.value, parts[index] if parts else None, frame)
        elif isinstance(target, cst.Subscript) and isinstance(target.value, cst.Name):
            self.item(target, value, frame)

    def item(self, target: cst.Subscript, value: Value | None, frame: Frame) -> None:
        """`env["KEY"] = value` on a dict the app built (an `environment=` filled before it is
        passed): a new dict with the item, as the construct made earlier keeps the one it copied;
        any other key or container is no longer known."""
        name = target.value.value  # type: ignore[attr-defined]
        bound = frame.names.get(name)
        element = target.slice[0].slice if len(target.slice) == 1 else None
        key = self.value(element.value, frame) if isinstance(element, cst.Index) else None
        if isinstance(bound, Located) and isinstance(bound.value, dict) and isinstance(key, Located) \
                and key.is_literal and isinstance(key.value, str) and isinstance(value, Located):
            span = frame.module.span(target)
            frame.names[name] = Located({**bound.value, key.value: value.but(key_span=span)}, bound.span,
                                        bound.origin, bound.key_span)
        elif name in frame.names:
            frame.names[name] = UNKNOWN

    def helper(self, node: cst.Call, frame: Frame) -> Value | None:
        """A call of a plain function, method or class the project defines: its body is read with
        the parameters bound to the call's arguments. `MISSING` when the callee is not one."""
        definition: cst.FunctionDef | None = None
        klass: cst.ClassDef | None = None
        base: cst.ClassDef | None = None  # the base class whose `__init__` a `super().__init__()` reads
        this = None
        home = frame.module
        func = node.func
        nested = frame.names.get(_NESTED + func.value) if isinstance(func, cst.Name) else None
        if nested is not None and frame.depth < _MAX_DEPTH:
            self.walked.add(id(nested))
            names = {**frame.names, **self.bind(nested, node, frame, home, skip_self=False)}
            return self.block(nested.body, Frame(home, names, frame.this, frame.depth + 1, frame.sites + (id(node),),
                                                 frame.owner), frame.this.get("<indent>", ()) if frame.this else ())
        if isinstance(func, cst.Name) and func.value not in frame.names:
            home, definition, klass = self.defined(home, func.value)
        elif isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name) \
                and func.value.value == "self" and frame.this is not None:
            definition = frame.this.get(f"<method {func.attr.value}>")
            this = frame.this
            home = frame.this.get(f"<home {func.attr.value}>") or frame.this.get("<module>", home)
        elif isinstance(func, cst.Attribute) and func.attr.value == "__init__" and frame.this is not None \
                and isinstance(func.value, cst.Call) and isinstance(func.value.func, cst.Name) \
                and func.value.func.value == "super":
            # `super().__init__(scope, id, env=env, **kwargs)` in a subclass of the app's own construct
            # (`class BatchCron(Lambda)`): the base's `__init__` builds on the same instance
            found = self._base_init(frame)
            if found is not None:
                home, definition, base = found
                this = frame.this
            else:
                # `class CallerFunction(PythonFunction)`: the construct CDK's base makes, from the
                # arguments the subclass passes up; the instance is that construct
                made = self._cdk_base_construct(node, frame)
                if made is not None:
                    frame.this["<construct>"] = made  # type: ignore[index]
                    return made
        elif isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name) and func.value.value not in frame.names:
            # `Util.create_lambda_function(self, "Query", handler=...)`: a function of a helper
            # class of the project, called through the class (every argument written out)
            owner_home, _, owner = self.defined(home, func.value.value)
            imported = home.imports.get(func.value.value, "")
            if owner is None and imported and not imported.startswith("aws_cdk"):
                # `database_construct.SdpDatabase(...)`: a class or function of a project module
                # imported whole (`from sds_data_manager.constructs import database_construct`)
                whole = self.project_module(home, imported)
                if whole is not None and whole is not home:
                    home, definition, klass = self.defined(whole, func.attr.value)
            if owner is not None:
                definition = next((s for s in owner.body.body if isinstance(s, cst.FunctionDef)
                                   and s.name.value == func.attr.value), None)
                home = owner_home
        if (definition is None and klass is None) or frame.depth >= _MAX_DEPTH:
            return MISSING
        if klass is not None:
            # an instance of the app's own class (a construct grouping others): what its
            # `__init__` kept on `self` (`lambdas.order_lambda`) is read through it
            members = self.instantiate(home, klass, node, frame)
            made = members.get("<construct>")
            if isinstance(made, Construct):
                return made  # a subclass of one of CDK's constructs
            return Construct("", INSTANCE, klass.name.value, None, members)
        assert definition is not None
        self.walked.add(id(definition))
        names = self.bind(definition, node, frame, home, skip_self=this is not None)
        outer = this.get("<indent>", ()) if this is not None else ()
        return self.block(definition.body, Frame(home, names, this, frame.depth + 1, frame.sites + (id(node),),
                                                 (base, home) if base is not None else None), outer)

    def defined(self, home: Module, name: str, hops: int = 0) -> tuple[Module, cst.FunctionDef | None,
                                                                         cst.ClassDef | None]:
        """The function or class a module-level `name` of `home` is: its own, or one it imports
        from another module of the project (with the module that defines it), also through a
        package that re-exports it (`from cdk import LoggingFunction`, where `cdk/__init__.py`
        says `from .logging_function import LoggingFunction`)."""
        definition, klass = home.functions.get(name), home.classes.get(name)
        if definition is None and klass is None and name in home.imports:
            dotted, _, leaf = home.imports[name].rpartition(".")
            other = self.project_module(home, dotted) if dotted and not dotted.startswith("aws_cdk") else None
            if other is not None and other is not home:
                if leaf not in other.functions and leaf not in other.classes and leaf in other.imports \
                        and hops < _REEXPORT_HOPS:
                    return self.defined(other, leaf, hops + 1)
                return other, other.functions.get(leaf), other.classes.get(leaf)
        return home, definition, klass

    def _cdk_base_construct(self, call: cst.Call, frame: Frame) -> Value | None:
        """What `super().__init__(scope, id, ...)` makes in a subclass of a CDK construct class."""
        klass, home = frame.owner or (frame.this.get("<class>"), frame.this.get("<module>"))  # type: ignore[union-attr]
        if not isinstance(klass, cst.ClassDef) or home is None:
            return None
        for base in klass.bases:
            qualified = self.qualified(base.value, Frame(home, {}, None, frame.depth, frame.sites, frame.owner))
            # a resource's class, not a container's: a `Stack` subclass stays the app's own
            # instance, read through what its `__init__` keeps on `self`
            if qualified is not None and qualified.startswith("aws_cdk.") \
                    and qualified.rsplit(".", 1)[-1] not in _CONTAINERS:
                made = self.on_construct(qualified, call, frame, self)
                return made if isinstance(made, Construct) else None
        return None

    def _base_init(self, frame: Frame) -> tuple[Module, cst.FunctionDef, cst.ClassDef] | None:
        """The `__init__` of the first base of the instance's class that is a class of the app."""
        # the class whose method is being read: a base's own `super().__init__` goes on up
        klass, home = frame.owner or (frame.this.get("<class>"), frame.this.get("<module>"))  # type: ignore[union-attr]
        if not isinstance(klass, cst.ClassDef) or home is None:
            return None
        for base in klass.bases:
            if not isinstance(base.value, cst.Name):
                continue
            owner_home, _, owner = self.defined(home, base.value.value)
            init = next((s for s in owner.body.body if isinstance(s, cst.FunctionDef) and s.name.value == "__init__"),
                        None) if owner is not None else None
            if init is not None:
                for method in owner.body.body:  # the base's methods, where the subclass has none of its own
                    if isinstance(method, cst.FunctionDef) and f"<method {method.name.value}>" not in frame.this:
                        frame.this[f"<method {method.name.value}>"] = method  # type: ignore[index]
                        frame.this[f"<home {method.name.value}>"] = owner_home  # type: ignore[index]
                return owner_home, init, owner
        return None

    def instantiate(self, module: Module, klass: cst.ClassDef, call: cst.Call | None,
                    frame: Frame | None) -> dict[str, Value]:
        """Read a class's `__init__` (arguments bound from `call` when given), then its other
        methods that `__init__` did not call (their parameters unknown); returns what the
        instance holds (`self.x`)."""
        methods = {s.name.value: s for s in klass.body.body if isinstance(s, cst.FunctionDef)}
        init = methods.get("__init__")
        this: dict[str, Value] = {f"<method {name}>": m for name, m in methods.items()}
        if call is not None and frame is not None:
            from lambdalint.loaders.cdkresources import construct_id, id_text

            id_node = construct_id(call)
            if id_node is not None:
                this["<id>"] = id_text(self, id_node, frame)  # the instance's construct id: its scope's name
        if init is not None and call is None and id(init) in self.walked:
            return this
        indent = (block_indent(klass.body, module),) if isinstance(klass.body, cst.IndentedBlock) else ()
        this["<indent>"], this["<module>"], this["<class>"] = indent, module, klass
        if init is not None:
            self.walked.add(id(init))
            if call is not None and frame is not None:
                names = self.bind(init, call, frame, module, skip_self=True)
            else:
                names = unknown_parameters(init)
            # a stack or stage is deployed as many times as the app makes it (`Orders(app, "Dev")`,
            # a pipeline stage per environment): what it makes is read as one; a construct class of
            # the app used twice makes its resources twice
            sites = () if _is_deployment(klass) or frame is None or call is None else frame.sites + (id(call),)
            self.block(init.body, Frame(module, names, this, frame.depth + 1 if frame else 0, sites), indent)
        for name, method in methods.items():
            if name != "__init__" and id(method) not in self.walked:
                self.walked.add(id(method))
                self.block(method.body, Frame(module, unknown_parameters(method), this, 0), indent)
        for name, method in methods.items():
            # `@property def get_entries(self): return self._get_entries`: read through the instance
            # as the attribute it returns (`LambdaIntegration(handler=lambdas.get_entries)`)
            kept = _returned_attribute(method)
            if kept is not None and kept in this and name not in this:
                this[name] = this[kept]
        return this

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
        named = {param.name.value for param in [*params, *definition.params.kwonly_params]}
        collect = definition.params.star_kwarg
        # `def make(self, func_id, **kwargs)` called with `handler=..., timeout=...`: the keywords
        # no parameter names are the `kwargs` dict the body passes on (`Function(self, id, **kwargs)`)
        extra: dict[str, Located] | None = {} if isinstance(collect, cst.Param) else None
        for argument in node.args:
            if argument.keyword is not None:
                value = self.value(argument.value, frame)
                if extra is not None and argument.keyword.value not in named and isinstance(value, Construct):
                    # a construct handed on in `**kwargs` (`events_topic=topic`, read back as
                    # `kwargs["events_topic"]`) stays the construct, so its methods are followed
                    extra[argument.keyword.value] = value
                elif extra is not None and argument.keyword.value not in named:
                    span = frame.module.span(argument.value)
                    extra[argument.keyword.value] = as_located(value, span).but(key_span=frame.module.span(argument.keyword))
                else:
                    names[argument.keyword.value] = value
            elif argument.star:
                spread = self.value(argument.value, frame)
                if argument.star == "**" and isinstance(spread, Located) and isinstance(spread.value, dict) \
                        and spread.origin != "unresolved":
                    # `super().__init__(scope, id, **kwargs)` with the dict the call filled
                    for key, item in spread.value.items():
                        if key in named:
                            names[key] = item
                        elif extra is not None:
                            extra[key] = item
                    continue
                for param in [*params, *definition.params.kwonly_params]:
                    names[param.name.value] = UNKNOWN
                extra = None
        if isinstance(collect, cst.Param) and extra is not None:
            names[collect.name.value] = Located(extra, frame.module.span(node))
        for name in unknown_parameters(definition):
            names.setdefault(name, UNKNOWN)
        return names

    def on_method(self, owner: Construct, method: str, node: cst.Call, frame: Frame) -> Value | None:
        if self.method_hook is not None:
            return self.method_hook(owner, method, node, frame, self)
        for argument in node.args:
            self.value(argument.value, frame)
        return None


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


_MUTATORS = frozenset({"update", "setdefault", "pop", "popitem", "clear", "append", "extend", "insert", "remove"})


def _mutated(expression: cst.BaseExpression, frame: Frame) -> None:
    """`env.update(...)`, `layers.append(...)`: what the name holds is no longer the literal read."""
    if isinstance(expression, cst.Call) and isinstance(expression.func, cst.Attribute) \
            and isinstance(expression.func.value, cst.Name) and expression.func.attr.value in _MUTATORS:
        name = expression.func.value.value
        if isinstance(frame.names.get(name), Located):
            frame.names[name] = UNKNOWN


def _is_deployment(klass: cst.ClassDef) -> bool:
    """A `Stack`, `Stage` or `NestedStack` subclass (or of the app's own `BaseStack`), by its bases' names."""
    return any((dotted_name(base.value) or "").endswith(("Stack", "Stage")) for base in klass.bases)


# CDK classes that hold constructs rather than make a resource
_CONTAINERS = frozenset({"App", "Stack", "NestedStack", "Stage", "Construct", "Resource"})


def _decided(test: cst.BaseExpression, frame: Frame) -> bool | None:
    """`"key" in name` / `"key" not in name` where `name` is a dict whose keys are all known (the
    `**kwargs` a call filled), and `name is None` / `name is not None` where the call bound `name`:
    how a helper gives defaults to what its callers leave out, and makes a rule or a code asset
    only when asked (`if cron_str is not None:`); and `if name:` / `if not name:` where the call
    bound `name` to a construct or a known value (`if lambda_function: ... else: make one`)."""
    if isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not):
        inner = _decided(test.expression, frame)
        return None if inner is None else not inner
    if isinstance(test, cst.Name):
        bound = frame.names.get(test.value, UNKNOWN)
        if isinstance(bound, Construct):
            return True
        if isinstance(bound, Located) and bound.origin != "unresolved":
            return bool(bound.value)
        return None
    if not isinstance(test, cst.Comparison) or len(test.comparisons) != 1:
        return None
    target = test.comparisons[0]
    if isinstance(target.operator, (cst.Is, cst.IsNot)) and isinstance(test.left, cst.Name) \
            and isinstance(target.comparator, cst.Name) and target.comparator.value == "None":
        bound = frame.names.get(test.left.value, UNKNOWN)
        if isinstance(bound, Construct) or (isinstance(bound, Located) and bound.origin != "unresolved"):
            is_none = isinstance(bound, Located) and bound.value is None
            return is_none == isinstance(target.operator, cst.Is)
        return None
    negated = isinstance(target.operator, cst.NotIn)
    if not (negated or isinstance(target.operator, cst.In)) or not isinstance(test.left, cst.SimpleString) \
            or not isinstance(target.comparator, cst.Name):
        return None
    bound = frame.names.get(target.comparator.value)
    key = test.left.evaluated_value
    if not isinstance(bound, Located) or not isinstance(bound.value, dict) or bound.origin == "unresolved" \
            or not isinstance(key, str):
        return None
    return (key in bound.value) != negated


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


def _returned_attribute(method: cst.FunctionDef) -> str | None:
    """`x` for a property whose body only returns `self.x` (a docstring aside)."""
    if not any(isinstance(d.decorator, cst.Name) and d.decorator.value == "property" for d in method.decorators):
        return None
    body = [s for s in method.body.body if not (isinstance(s, cst.SimpleStatementLine) and len(s.body) == 1
                                                and isinstance(s.body[0], cst.Expr)
                                                and isinstance(s.body[0].value, cst.SimpleString))] \
        if isinstance(method.body, cst.IndentedBlock) else []
    if len(body) != 1 or not isinstance(body[0], cst.SimpleStatementLine) or len(body[0].body) != 1:
        return None
    statement = body[0].body[0]
    value = statement.value if isinstance(statement, cst.Return) else None
    if isinstance(value, cst.Attribute) and isinstance(value.value, cst.Name) and value.value.value == "self":
        return value.attr.value
    return None

