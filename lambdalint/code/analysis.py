"""Build the code analysis of a project: find handlers, choose and parse modules, walk call graphs."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Iterator, NamedTuple, Sequence

from lambdalint.code import jobs
from lambdalint.code.facts import (SELF_ATTRIBUTE, SUPER, CallFact, FunctionFacts, ModuleFacts, MutationFact, is_stdlib,
                                   text_hash)
from lambdalint.code.jobs import Job, decode_python
from lambdalint.code.modules import ModuleIndex, package_root
from lambdalint.code.scan import EVERYTHING, Prefilter, handler_shaped, imported_modules, is_test_file
from lambdalint.discover import DEFAULT_MAX_PYTHON_BYTES, NotReadable, read_limited, too_large
from lambdalint.located import Span
from lambdalint.model import Function, Problem, Project, SourceFile

if TYPE_CHECKING:
    from lambdalint.code.workers import CodeWorkers

# Objects whose `resolve(event, context)` runs one of the functions decorated with their methods.
_ROUTERS = ("aws_lambda_powertools.event_handler.",)


class Entry(NamedTuple):
    """A handler to analyse: a template's `Handler`, or a handler-shaped function nobody references."""

    file: Path
    function: str
    roots: tuple[Path, ...]
    template_function: Function | None = None


class Reached(NamedTuple):
    """A fact met on the way through a handler's call graph.

    `site` is where a finding belongs: the call in the handler's own body that leads here (the
    fact's own span when it sits in the handler). `origin` is the fact's own span; when it differs
    from `site`, the work happens in a helper and rules give it as a related location.
    `via` names the functions on the way (`handler -> make_client`).
    """

    site: Span
    origin: Span
    module: ModuleFacts
    function: FunctionFacts
    via: tuple[str, ...]

    @property
    def in_helper(self) -> bool:
        return self.site != self.origin

    @property
    def helper(self) -> str:
        """The call at `site`, and the helpers below it down to the one doing the work, for a
        message: "`save()`", or "`_complete_task()` (through `get_session()`)"."""
        chain = self.via[1:] or (self.function.qualname,)
        below = f" (through {' → '.join(f'`{name}()`' for name in chain[1:])})" if len(chain) > 1 else ""
        return f"`{chain[0]}()`{below}"


@dataclass
class Handler:
    """A handler entry resolved to its module and function, when they exist."""

    entry: Entry
    module: ModuleFacts | None          # None: the file does not exist
    function: FunctionFacts | None      # None: no `def` of that name (it may still be bound otherwise)
    # a method of a module-level instance (`handler = Service().handle`): its `self` outlives the call
    on_instance: bool = False
    # the module that defines `function` when it is not `module` (`from .service import Service;
    # handler = Service().handle`)
    defined_in: ModuleFacts | None = None

    @property
    def home(self) -> ModuleFacts | None:
        """The module whose code `function` is."""
        return self.defined_in or self.module

    @property
    def bound(self) -> bool:
        """The module binds the name at top level (a `def`, an assignment, an import)."""
        return self.module is not None and self.module.error is None and \
            (self.function is not None or self.entry.function in self.module.module_names)


@dataclass
class CodeAnalysis:
    """What the code rules read; see the package docstring."""

    modules: dict[Path, ModuleFacts] = field(default_factory=dict)
    handlers: list[Handler] = field(default_factory=list)
    roots: dict[Path, tuple[Path, ...]] = field(default_factory=dict)
    imports: dict[Path, set[Path]] = field(default_factory=dict)  # project modules each file imports
    # what each file imports from neither the project nor the standard library (a library, a
    # module only a `sys.path` trick finds; "dynamic" for `importlib.import_module`, `__import__`)
    outside: dict[Path, frozenset[str]] = field(default_factory=dict)
    index: ModuleIndex = field(default_factory=ModuleIndex)
    # the words the run's pre-filter looked for (None: every module was wanted): a rule that needs
    # every module naming them fully analysed checks `wanted_all`
    words: frozenset[str] | None = None
    _splits: dict[tuple[str, tuple[Path, ...], str], list[tuple[Path, str]]] = field(default_factory=dict, repr=False)
    _walks: dict[tuple[Path, str], list[tuple[str, object, Reached]]] = field(default_factory=dict, repr=False)
    _aws_methods: frozenset[tuple[str, str]] | None = field(default=None, repr=False)
    _reached: dict[tuple[Path, str, tuple[Path, ...]], list[tuple[ModuleFacts, FunctionFacts]]] = field(default_factory=dict, repr=False)
    # `resolve`'s answers: each walk of each handler asks again for the same calls (2,953 asks for
    # 437 names on the shared Terraform projects); emptied when a module is added
    _resolved: dict[tuple[str, str, str, tuple[Path, ...]], tuple[ModuleFacts, FunctionFacts] | None] = field(
        default_factory=dict, repr=False)
    # each handler's AWS call set (`code.aws.aws_calls`), asked for by LL103 and the least-privilege analysis
    aws_call_sets: dict[tuple[Path, str, tuple[Path, ...], int], object] = field(default_factory=dict, repr=False)

    def aws_method_names(self) -> frozenset[str]:
        """The names of the project's class methods that call AWS themselves or hand a client on."""
        return frozenset(name for name, _ in self._aws_methods_of_classes())

    def aws_class_names(self) -> frozenset[str]:
        """The project's classes with such a method."""
        return frozenset(klass for _, klass in self._aws_methods_of_classes())

    def _aws_methods_of_classes(self) -> frozenset[tuple[str, str]]:
        if self._aws_methods is None:
            self._aws_methods = frozenset((function.name, function.class_name) for module in self.modules.values()
                                          if module.full for function in module.functions.values()
                                          if function.class_name and (function.aws_calls or function.aws_passes))
        return self._aws_methods

    def wanted_all(self, names: Iterable[str]) -> bool:
        """Every module naming one of `names` was fully analysed in this run."""
        return self.words is None or set(names) <= self.words

    def per_invocation(self, handler: Handler) -> Iterator[tuple[CallFact, Reached]]:
        """Every call that runs on each invocation of `handler`, through project helpers."""
        for kind, fact, reached in self._walk(handler):
            if kind == "call":
                yield fact, reached  # type: ignore[misc]

    def per_invocation_mutations(self, handler: Handler) -> Iterator[tuple[MutationFact, Reached]]:
        for kind, fact, reached in self._walk(handler):
            if kind == "mutation":
                yield fact, reached  # type: ignore[misc]

    def _walk(self, handler: Handler) -> list[tuple[str, object, Reached]]:
        # every code rule walks the same handlers: walk each once
        key = (handler.entry.file, handler.entry.function)
        found = self._walks.get(key)
        if found is None:
            found = self._walks[key] = list(self._walk_uncached(handler))
        return found

    def _walk_uncached(self, handler: Handler) -> Iterator[tuple[str, object, Reached]]:
        home = handler.home
        if home is None or handler.function is None or not home.full:
            return
        roots = handler.entry.roots
        seen: set[tuple[str, str, bool]] = set()
        # the last item: `self` is the module-level instance (followed through `self.m()` only)
        stack: list[tuple[ModuleFacts, FunctionFacts, Span | None, tuple[str, ...], bool]] = [
            (home, handler.function, None, (handler.function.qualname,), handler.on_instance)]
        while stack:
            module, function, site, via, on_instance = stack.pop()
            key = (module.path, function.qualname, on_instance)
            if key in seen:
                continue
            seen.add(key)
            state = module.instance_state.get(function.class_name or "", frozenset()) if on_instance else ()
            for mutation in [*function.mutations, *(m for m in function.self_mutations if m.name[5:] in state)]:
                if not mutation.once:
                    yield "mutation", mutation, Reached(site or mutation.span, mutation.span, module, function, via)
            # pushed in source order and popped in it too: a helper called on several lines is
            # reached (and reported) from the first
            pushed: list[tuple[ModuleFacts, FunctionFacts, Span | None, tuple[str, ...], bool]] = []
            for call in function.calls:
                if call.once:
                    continue
                where = site or call.span
                yield "call", call, Reached(where, call.span, module, function, via)
                for target_module, target in self.callees(module, function, call, roots):
                    if not target.cached:
                        pushed.append((target_module, target, where, via + (target.qualname,),
                                      on_instance and call.self_method is not None))
                for target_module, target in self.callback_callees(module, function, call, roots):
                    if not target.cached:
                        own_method = target_module is module and target.class_name == function.class_name
                        pushed.append((target_module, target, where, via + (target.qualname,),
                                      on_instance and own_method and target.class_name is not None))
                for target_module, target, module_level in self.method_callees(module, function, call, roots):
                    if not target.cached:
                        pushed.append((target_module, target, where, via + (target.qualname,), module_level))
                for target in self.route_callees(module, call):
                    pushed.append((module, target, where, via + (target.qualname,), False))
                for target_module, target in self.included_route_callees(module, function, call, roots):
                    pushed.append((target_module, target, where, via + (target.qualname,), False))
                for target_module, target in self.table_callees(module, function, call, roots):
                    if not target.cached:
                        pushed.append((target_module, target, where, via + (target.qualname,), False))
            stack.extend(reversed(pushed))

    def all_calls(self, handler: Handler) -> Iterator[tuple[CallFact, ModuleFacts]]:
        """Every call the handler's code can make, once or per invocation: the module-level calls
        of its module and of every project module it imports (transitively), and the calls of every
        function reachable from those and from the handler, lazy-init and cached ones included."""
        for module, function in self.reachable(handler):
            for call in function.calls:
                yield call, module

    def reachable(self, handler: Handler) -> list[tuple[ModuleFacts, FunctionFacts]]:
        """The code `all_calls` reads: module-level code (as a function named "") of the handler's
        module and the project modules it imports, and every function reachable from those."""
        # the engine, several rules and the handlers' own bookkeeping all ask for the same handlers
        key = (handler.entry.file, handler.entry.function, handler.entry.roots)
        found = self._reached.get(key)
        if found is None:
            found = self._reached[key] = list(self._reachable(handler))
        return found

    def _reachable(self, handler: Handler) -> Iterator[tuple[ModuleFacts, FunctionFacts]]:
        if handler.module is None or not handler.module.full:
            return
        roots = handler.entry.roots
        files, todo = {handler.entry.file}, [handler.entry.file]
        while todo:
            for target in self.imports.get(todo.pop(), ()):
                if target not in files:
                    files.add(target)
                    todo.append(target)
        stack: list[tuple[ModuleFacts, FunctionFacts]] = []
        for file in sorted(files):
            module = self.modules.get(file)
            if module is not None and module.full:
                # module-level code resolves names like a function named "" would
                stack.append((module, FunctionFacts("", "", Span.point(module.display, 1), calls=module.module_calls,
                                                    references=module.module_references,
                                                    aws_calls=module.aws_calls, aws_unknown=module.aws_unknown,
                                                    aws_passes=module.aws_passes)))
        if handler.function is not None and handler.home is not None and handler.home.full:
            stack.append((handler.home, handler.function))
        seen: set[tuple[str, str]] = set()
        while stack:
            module, function = stack.pop()
            key = (module.path, function.qualname)
            if key in seen:
                continue
            seen.add(key)
            yield module, function
            for call in function.calls:
                stack.extend(self.callees(module, function, call, roots))
                stack.extend(self.callback_callees(module, function, call, roots))
                stack.extend((m, f) for m, f, _ in self.method_callees(module, function, call, roots))
                stack.extend((module, f) for f in self.route_callees(module, call))
                stack.extend(self.included_route_callees(module, function, call, roots))
                stack.extend(self.table_callees(module, function, call, roots))
            for name in sorted(function.references):  # a function kept in a value is called through it
                found = self.resolve(module, function, name, roots)
                if found is not None:
                    stack.append(found)

    def callees(self, module: ModuleFacts, function: FunctionFacts, call: CallFact,
                roots: tuple[Path, ...]) -> Iterator[tuple[ModuleFacts, FunctionFacts]]:
        """Project functions a call may run (same module, imported modules, `self.m()`, `Class()`)."""
        for name in sorted(call.names):
            found = self.resolve(module, function, name, roots)
            if found is not None:
                yield found

    def table_callees(self, module: ModuleFacts, function: FunctionFacts, call: CallFact,
                      roots: tuple[Path, ...]) -> Iterator[tuple[ModuleFacts, FunctionFacts]]:
        """The project functions a module-level table holds, for a call through it
        (`event_handlers.get(source)`, `ROUTES[method](event)`): any of them may run."""
        table = module.tables.get(call.root_name or "")
        if table is None or call.root_name in function.assigned or call.root_name in function.params:
            return
        for name in sorted(table):
            found = self.resolve(module, function, name, roots)
            if found is not None:
                yield found

    def callback_callees(self, module: ModuleFacts, function: FunctionFacts, call: CallFact,
                         roots: tuple[Path, ...]) -> Iterator[tuple[ModuleFacts, FunctionFacts]]:
        """The project function a call runs for its caller (`executor.submit(fn, x)`,
        `threading.Thread(target=fn)`, `asyncio.to_thread(fn)`: `CallFact.callback`)."""
        for name in sorted(call.callback):  # qualified already (`from .jobs import upload as up`: `.jobs.upload`)
            found = self.resolve(module, function, name, roots)
            if found is not None:
                yield found
                return

    def method_callees(self, module: ModuleFacts, function: FunctionFacts, call: CallFact,
                       roots: tuple[Path, ...]) -> Iterator[tuple[ModuleFacts, FunctionFacts, bool]]:
        """The project method a call on an object of a project class runs (`ORDERS.handle(event)`
        where `ORDERS = Orders()`; `Orders().handle(event)`), and whether that object is a
        module-level one (it then outlives the invocation)."""
        factory = call.receiver_factory
        if not factory or factory.startswith(("builtins.", "boto3.", "botocore.")) or call.self_method:
            return
        receiver = call.receiver
        module_level = receiver is not None and receiver in module.module_names and \
            (receiver not in function.assigned or receiver in function.globals)
        for name in sorted(call.names):
            found = self.resolve(module, function, f"{factory}.{name.rpartition('.')[2]}", roots)
            if found is not None and found[1].class_name is not None:
                yield found[0], found[1], module_level
                return
        # a method of what a project function returns (`translator = pick(request)`, `pick`
        # returning `AWSTranslator()` or `DeepLTranslator()`): that of each class it may return
        maker = self.resolve(module, function, factory, roots)
        if maker is None or not maker[1].returns_made:
            return
        home, made = maker
        for name in sorted(call.names):
            method = name.rpartition(".")[2]
            for kind in made.returns_made:
                found = self.resolve(home, made, f"{kind}.{method}", roots)
                if found is not None and found[1].class_name is not None:
                    yield found[0], found[1], module_level

    def route_callees(self, module: ModuleFacts, call: CallFact) -> Iterator[FunctionFacts]:
        """The routes a Powertools event handler runs: `app.resolve(event, context)` calls one of
        the module's functions decorated with a method of that resolver (`@app.get("/todos")`).
        Likewise an object that is called itself (crhelper's `helper(event, context)`) runs the
        functions its methods decorate (`@helper.create`); a method call on one that is not
        (`tracer.put_annotation(...)` beside `@tracer.capture_method`) runs none of them."""
        called = [module.factories[n] for n in call.names if "." not in n and n in module.factories]
        if called:
            prefixes = tuple(f"{factory}." for factory in called)
            for function in module.functions.values():
                if any(d.startswith(prefixes) for d in function.decorators):
                    yield function
            return
        if not any(n.endswith(".resolve") for n in call.names):
            return
        factory = call.receiver_factory
        if not (factory and factory.startswith(_ROUTERS)) and \
                not (call.receiver and self._imported_router(module, call.receiver)):
            return
        # `@app.get(...)` on a resolver the module makes names the factory's method; on one it
        # imports (`from app.resolver import app`), the imported name's
        prefixes = tuple(f"{n[:-len('.resolve')]}." for n in call.names if n.endswith(".resolve")) + \
            ((f"{factory}.",) if factory else ())
        for function in module.functions.values():
            if any(d.startswith(prefixes) for d in function.decorators):
                yield function

    def included_route_callees(self, module: ModuleFacts, function: FunctionFacts, call: CallFact,
                               roots: tuple[Path, ...]) -> Iterator[tuple[ModuleFacts, FunctionFacts]]:
        """The routes of the routers a resolver includes (`app.include_router(orders.router)`),
        when it resolves (`app.resolve(event, context)`): the functions their modules decorate
        with the router's methods (`@router.post("")`)."""
        if not module.included_routers or not any(n.endswith(".resolve") for n in call.names):
            return
        receiver = call.receiver or ""
        for name in sorted(module.included_routers.get(receiver, ())):
            for target_file, attribute in self._split(module, roots, name):
                target = self.modules.get(target_file)
                if target is None or not target.full:
                    continue
                # `@router.post("")` is named after what made the router, as the resolver's own are
                made = target.factories.get(attribute)
                prefixes = (f"{attribute}.",) + ((f"{made}.",) if made else ())
                for routed in target.functions.values():
                    if any(d.startswith(prefixes) for d in routed.decorators):
                        yield target, routed

    def _imported_router(self, module: ModuleFacts, receiver: str) -> bool:
        """`receiver` is imported from a project module that makes it a Powertools resolver."""
        return any(target.factories.get(name, "").startswith(_ROUTERS)
                   for target, name in self.imported(Path(module.path), receiver))

    def resolve(self, module: ModuleFacts, function: FunctionFacts, name: str,
                roots: tuple[Path, ...], depth: int = 0) -> tuple[ModuleFacts, FunctionFacts] | None:
        """The project function a qualified name, as `function` of `module` calls it, stands for;
        a method its class does not define is its bases' (`super().save()` too)."""
        if depth:
            return self._resolve(module, function, name, roots, depth)
        # the answer depends on the function only through its name (what it defines inside)
        key = (module.path, function.qualname, name, roots)
        try:
            return self._resolved[key]
        except KeyError:
            found = self._resolved[key] = self._resolve(module, function, name, roots, 0)
            return found

    def _resolve(self, module: ModuleFacts, function: FunctionFacts, name: str,
                 roots: tuple[Path, ...], depth: int) -> tuple[ModuleFacts, FunctionFacts] | None:
        if name.startswith(SUPER):
            return self._inherited(module, function, name[len(SUPER):], roots, depth)
        if name.startswith(SELF_ATTRIBUTE):
            owner, attribute, method = (name[len(SELF_ATTRIBUTE):].split(".") + ["", "", ""])[:3]
            for held in sorted(module.attribute_classes.get(owner, {}).get(attribute, ())):
                if depth < _MAX_BASES and (found := self.resolve(module, function, f"{held}.{method}", roots,
                                                                 depth + 1)) is not None:
                    return found
            return None
        found = self._defined(module, function, name, roots)
        if found is None and depth < _MAX_BASES and "." in name:
            found = self._inherited(module, function, name, roots, depth)
        if found is None and depth < _MAX_BASES and name.rpartition(".")[2][:1].isupper():
            # `Child()` of a project class without an `__init__` of its own runs its base's
            found = self._inherited(module, function, f"{name}.__init__", roots, depth)
        return found

    def _inherited(self, module: ModuleFacts, function: FunctionFacts, name: str, roots: tuple[Path, ...],
                   depth: int) -> tuple[ModuleFacts, FunctionFacts] | None:
        """`Class.method` from one of `Class`'s bases (as its module names them), nearest first."""
        owner, _, method = name.rpartition(".")
        if not owner.rpartition(".")[2][:1].isupper():
            return None  # classes are named in CapWords: `os.environ.get` is no method of a class
        for home, cls in self._class_homes(module, owner, roots):
            for base in home.class_bases.get(cls, ()):
                found = self.resolve(home, function, f"{base}.{method}", roots, depth + 1)
                if found is not None:
                    return found
        return None

    def _class_homes(self, module: ModuleFacts, owner: str,
                     roots: tuple[Path, ...]) -> Iterator[tuple[ModuleFacts, str]]:
        if owner in module.class_bases:
            yield module, owner
            return
        for target_file, attribute in self._split(module, roots, owner):
            target = self.modules.get(target_file)
            if target is not None and attribute in target.class_bases:
                yield target, attribute

    def _defined(self, module: ModuleFacts, function: FunctionFacts, name: str,
                 roots: tuple[Path, ...]) -> tuple[ModuleFacts, FunctionFacts] | None:
        # a function defined inside another is named `outer.<locals>.inner`, its facts `outer.inner`
        local = (function.qualname and _lookup(module, f"{function.qualname}.{name}")) or \
            _lookup(module, name.replace(".<locals>", ""))
        if local is not None:
            return module, local
        if name.startswith(("builtins.", "boto3.", "botocore.")):
            return None
        for target_file, attribute in self._split(module, roots, name):
            target_module = self.modules.get(target_file)
            if target_module is None:
                continue
            found = _lookup(target_module, attribute)
            if found is not None:
                return target_module, found
            for home, inner in self.imported(target_file, attribute, roots=roots):
                found = _lookup(home, inner)
                if found is not None:  # re-exported (`from .notes import create_note` in `lib/__init__.py`)
                    return home, found
        return None

    def imported(self, path: Path, name: str, hops: int = 4,
                 roots: tuple[Path, ...] = ()) -> Iterator[tuple[ModuleFacts, str]]:
        """The project modules a name the module at `path` imports (`ssm`, `lib.create_note`) may
        stand for, with the name there, nearest first, through up to `hops` modules that import it
        in turn (a package's `__init__.py` re-exporting `from .notes import create_note`)."""
        module = self.modules.get(path)
        head, _, rest = name.partition(".")
        if module is None or hops <= 0 or head not in module.import_names:
            return
        roots = self.roots.get(path, roots)
        for real in module.import_names[head]:
            for target_file, inner in self._split(module, roots, f"{real}.{rest}" if rest else real):
                target = self.modules.get(target_file)
                if target is None or target is module:
                    continue
                yield target, inner
                yield from self.imported(target_file, inner, hops - 1, roots)

    def _split(self, module: ModuleFacts, roots: tuple[Path, ...], name: str) -> list[tuple[Path, str]]:
        """`index.split_qualified`, once per module and name (a run asks again for every call)."""
        split_key = (module.path, roots, name)  # the path as text: a `Path` costs more to build than the look-up
        candidates = self._splits.get(split_key)
        if candidates is None:
            candidates = self._splits[split_key] = self.index.split_qualified(Path(module.path), roots, name)
        return candidates


_MAX_BASES = 5  # levels of inheritance followed: a cycle of bases must end somewhere


def _lookup(module: ModuleFacts, qualname: str) -> FunctionFacts | None:
    found = module.functions.get(qualname)
    if found is None:
        found = module.functions.get(f"{qualname}.__init__")
    return found


# -- building --

def analyse(project: Project, handler_patterns: Sequence[str],
            overlay: dict[Path, str] | None = None, prefilter: Prefilter = EVERYTHING,
            max_bytes: int = DEFAULT_MAX_PYTHON_BYTES, warm: CodeWorkers | None = None) -> CodeAnalysis:
    """The code analysis of `project`. `prefilter` (`scan.rules_prefilter` of the selected rules)
    says which modules can hold a fact worth a full parse; by default every module can. A module
    larger than `max_bytes` is not read. `warm`: workers started early (`workers.start`) that
    parse the modules instead of this process."""
    overlay = {p.absolute(): t for p, t in (overlay or {}).items()}
    texts: dict[Path, str | None] = {}

    def read(path: Path) -> str | None:
        if path not in texts:
            texts[path] = _read(path, overlay, max_bytes, project)
        return texts[path]

    entries = _entries(project, handler_patterns, read)
    analysis = CodeAnalysis(words=prefilter.words)
    # Which files can matter: entry files and every project module they import, transitively.
    graph: dict[Path, set[Path]] = {}
    todo = [(e.file, e.roots) for e in entries]
    while todo:
        file, roots = todo.pop()
        if file in graph:
            continue
        text = read(file)
        graph[file] = set()
        if text is None:
            analysis.roots[file] = roots
            continue
        roots = _on_sys_path(project, file, text, roots)
        analysis.roots[file] = roots
        resolved = {}
        for level, dotted in imported_modules(text):
            target = resolved[(level, dotted)] = analysis.index.resolve_import(file, roots, level, dotted)
            if target is not None and target != file:
                graph[file].add(target)
                todo.append((target, roots))
        # `from a import b`: `a.b` resolves nowhere when `b` is a name in the module `a`
        outside = {("." * level) + dotted for (level, dotted), target in resolved.items() if target is None
                   and not (level == 0 and is_stdlib(dotted)) and resolved.get((level, dotted.rpartition(".")[0])) is None}
        if "import_module" in text or "__import__" in text:
            outside.add("dynamic")
        if outside:
            analysis.outside[file] = frozenset(outside)
    needed = {f for f in graph if (t := read(f)) is not None and prefilter.wanted(t)}
    changed = True
    while changed:
        changed = False
        for file, deps in graph.items():
            if file not in needed and deps & needed:
                needed.add(file)
                changed = True
    analysis.imports = graph
    entry_files = {e.file for e in entries}
    todo: list[Job] = [(str(f), project.display(f), read(f) or "", "full" if f in needed else "definitions")
                       for f in sorted(graph) if read(f) is not None and (f in needed or f in entry_files)]

    def store(todo: list[Job]) -> None:
        for facts in _run(todo, warm):
            path = Path(facts.path)
            analysis.modules[path] = facts
            analysis._resolved.clear()  # a name may stand for a function of this module now
            # here, not in the worker: str hashes are salted per process (spawned workers differ)
            facts.text_hash = text_hash(texts[path] or "")
            source = SourceFile(path, facts.display, texts[path] or "")
            project.sources.setdefault(facts.display, source)
            if facts.error is not None:
                line, column, message = facts.error
                project.problems.append(Problem(Span.point(facts.display, line, column), message))

    store(todo)
    # a handler bound to a method of a class another project module defines needs that module's
    # definitions at least
    store([(str(f), project.display(f), read(f) or "", "definitions")
           for f in sorted({f for e in entries for f in _method_modules(analysis, e)}) if read(f) is not None])
    _link_imported_factories(analysis)
    _unmark_project_imports(analysis)
    for entry in entries:
        module = analysis.modules.get(entry.file)
        home, function, on_instance = entry_function(analysis, entry) if module is not None else (None, None, False)
        handler = Handler(entry, module, function, on_instance, home if home is not module else None)
        if entry.template_function is None and (function is None or not _handler_signature(function)):
            continue
        analysis.handlers.append(handler)
        if entry.template_function is not None and function is None and handler.bound:
            # `handler = Mangum(app)`, `handler = create_handler(config)`: what runs per invocation
            # is made by a call the walk does not enter
            project.note(f"{entry.template_function.label}: its handler `{entry.function}` is a value, not a `def`; "
                         "the code it runs on each invocation is not followed, so the handler-code rules "
                         "(LL101-LL110) did not check it")
    _drop_called_handlers(analysis)
    return analysis


def _drop_called_handlers(analysis: CodeAnalysis) -> None:
    """A handler-shaped function no template names, which another handler calls, is that handler's
    code (`return forgot_password_handler(event, context)`), not a handler of its own: its findings
    would repeat the caller's at another line. Two that call each other both stay."""
    def key(handler: Handler) -> tuple[str, str]:
        return ((handler.home or handler.module).path, handler.function.qualname)  # type: ignore[union-attr]

    unreferenced = [h for h in analysis.handlers if h.entry.template_function is None and h.function is not None]
    if not unreferenced:
        return
    reaches = {id(h): {(m.path, f.qualname) for m, f in analysis.reachable(h)} for h in analysis.handlers
               if h.function is not None}
    dropped = set()
    for handler in unreferenced:
        own = key(handler)
        for other in analysis.handlers:
            if other is handler or other.function is None or own not in reaches[id(other)]:
                continue
            if other.entry.template_function is not None or key(other) not in reaches[id(handler)]:
                dropped.add(id(handler))
                break
    analysis.handlers[:] = [h for h in analysis.handlers if id(h) not in dropped]


def _method_modules(analysis: CodeAnalysis, entry: Entry) -> Iterator[Path]:
    """Project modules not analysed yet that may define the method an entry's name is bound to, or
    the function it imports."""
    module = analysis.modules.get(entry.file)
    if module is None or entry.function in module.functions:
        return
    for qualname in _bound_elsewhere(module, entry.function):
        for target, _attribute in analysis.index.split_qualified(entry.file, entry.roots, qualname):
            if target not in analysis.modules:
                yield target


def _bound_elsewhere(module: ModuleFacts, name: str) -> tuple[str, ...]:
    """The qualified names a handler name not defined in its module stands for: the method it is
    bound to (`handler = Service().handle`) or the function it imports (`from .orders import
    handler`, a package's `__init__` re-exporting its handlers)."""
    if name in module.bound_methods:
        qualname = module.bound_methods[name][0]
        return () if qualname in module.functions else (qualname,)
    return module.import_names.get(name, ())


def entry_function(analysis: CodeAnalysis, entry: Entry) -> tuple[ModuleFacts | None, FunctionFacts | None, bool]:
    """The module and function a handler name runs: a module-level `def`, the function the name
    imports from another project module, or the method a module-level name is bound to (`handler =
    Service().handle`; the class may come from another project module), with the signature the
    runtime calls: `self` (or `cls`) is already bound, so it is not a parameter Lambda fills. The
    flag: the method's `self` is a module-level instance."""
    module = analysis.modules[entry.file]
    found = module.functions.get(entry.function)
    if found is not None:
        return module, found, False
    if entry.function not in module.bound_methods:
        for qualname in module.import_names.get(entry.function, ()):
            for target_file, attribute in analysis.index.split_qualified(entry.file, entry.roots, qualname):
                target = analysis.modules.get(target_file)
                if target is not None and attribute in target.functions:
                    return target, target.functions[attribute], False
        return module, None, False
    qualname, through_instance = module.bound_methods[entry.function]
    home, method = module, module.functions.get(qualname)
    if method is None:
        for target_file, attribute in analysis.index.split_qualified(entry.file, entry.roots, qualname):
            target = analysis.modules.get(target_file)
            if target is not None and attribute in target.functions:
                home, method = target, target.functions[attribute]
                break
    if method is None:
        return module, None, False
    if "builtins.staticmethod" in method.decorators:
        return home, method, False
    classmethod = "builtins.classmethod" in method.decorators
    if not through_instance and not classmethod:
        return home, method, False  # `handler = Service.handle`: Lambda's event would be `self`
    return home, replace(method, positional=max(method.positional - 1, 0), required=max(method.required - 1, 0),
                         params=method.params[1:]), through_instance and not classmethod


def _link_imported_factories(analysis: CodeAnalysis) -> None:
    """Give `receiver_factory` to calls on objects another project module creates: `ssm` in
    `from .clients import ssm; ssm.get_parameter(...)` (or `clients.ssm.get_parameter`) is the
    `boto3.client` that `clients.py` binds at module level. Re-exports are followed a few hops."""
    for path, module in analysis.modules.items():
        if not module.full or not module.module_imports:
            continue
        roots = analysis.roots.get(path, ())
        for function in module.functions.values():
            for index, call in enumerate(function.calls):
                if call.receiver_factory is not None or call.root_name not in module.module_imports:
                    continue
                receivers = {name.rpartition(".")[0] for name in call.names}
                factory = _imported_factory(analysis, path, roots, receivers)
                if factory is not None:
                    function.calls[index] = call._replace(receiver_factory=factory)


def _unmark_project_imports(analysis: CodeAnalysis) -> None:
    """`CallFact.imported` means "from a module outside the project": a project module's own
    `connect()` (`from mysql_helpers import connect`) is followed as a project function instead of
    being taken for a driver's."""
    for path, module in analysis.modules.items():
        if not module.full or not module.import_names:
            continue
        roots = analysis.roots.get(path, ())
        local = {name for name, reals in module.import_names.items()
                 if any(project_module(analysis, path, roots, real) for real in reals)}
        if not local:
            continue
        for function in [*module.functions.values(), None]:
            calls = function.calls if function is not None else module.module_calls
            for index, call in enumerate(calls):
                if call.imported and call.root_name in local:
                    calls[index] = call._replace(imported=False)


def project_module(analysis: CodeAnalysis, file: Path, roots: tuple[Path, ...], qualified: str) -> bool:
    """`qualified` (`pkg.mod`, `.helpers.connect`) is a project module or a name in one."""
    level = len(qualified) - len(qualified.lstrip("."))
    if analysis.index.resolve_import(file, roots, level, qualified[level:]) is not None:
        return True
    return bool(analysis.index.split_qualified(file, roots, qualified))


def _imported_factory(analysis: CodeAnalysis, file: Path, roots: tuple[Path, ...],
                      receivers: Iterable[str], hops: int = 3) -> str | None:
    """The factory of the first receiver (a qualified name such as `.clients.ssm`) that another
    analysed project module binds at module level to a call's result. A class that module
    defines is named through it (`api.services.repo.TaskRepository` for `task_repository =
    TaskRepository()` there), so the importing module finds its methods."""
    own = analysis.modules.get(file)
    for receiver in sorted(receivers):
        if not receiver or receiver.startswith(("builtins.", "boto3.", "botocore.")):
            continue
        for target_file, attribute in analysis.index.split_qualified(file, roots, receiver):
            target = analysis.modules.get(target_file)
            if target is None or target is own:
                continue
            if attribute in target.factories:
                factory = target.factories[attribute]
                home = receiver[:-len(attribute) - 1] if receiver.endswith(f".{attribute}") else ""
                if home and defines_class(target, factory.partition(".")[0]):
                    return f"{home}.{factory}"
                return factory
            if hops and attribute in target.import_names:
                # `from .base import ssm` in the module we import from: follow it
                found = _imported_factory(analysis, target_file, analysis.roots.get(target_file, roots),
                                          target.import_names[attribute], hops - 1)
                if found is not None:
                    return found
    return None


def defines_class(module: ModuleFacts, name: str) -> bool:
    """`module` defines the class `name` (with bases, or with methods of its own)."""
    return name in module.class_bases or any(qualname.startswith(f"{name}.") for qualname in module.functions)


def _handler_signature(function: FunctionFacts) -> bool:
    return function.positional >= 2 and function.required <= 2 and function.required_kwonly == 0


def _read(path: Path, overlay: dict[Path, str], max_bytes: int, project: Project) -> str | None:
    """The text of a Python file as CPython would decode it; a file that exists but cannot be read
    is an LL001 (or, not being a regular file, a note), so no rule mistakes it for a missing one."""
    if path.absolute() in overlay:
        text = overlay[path.absolute()]
        if len(text) <= max_bytes:
            return text
        _unreadable(project, path, 1, too_large(len(text), max_bytes, "max-python-mb"))
        return None
    try:
        data = read_limited(path, max_bytes, "max-python-mb")
    except NotReadable as exc:
        if exc.skipped:
            project.note(f"{project.display(path)}: skipped, {exc.reason}")
        elif not exc.missing:
            _unreadable(project, path, 1, exc.reason)
        return None
    try:
        return decode_python(data)
    except (SyntaxError, UnicodeDecodeError, LookupError) as exc:
        line = getattr(exc, "lineno", None) or data[:getattr(exc, "start", 0)].count(b"\n") + 1
        _unreadable(project, path, line, f"cannot decode Python source: {exc}")
        return None


def _unknown_until_deploy(function, python_paths: Sequence[Path]) -> str:
    """`handler (`${env:H}`)` or `runtime (...)` when that is what keeps a function of Python code
    (its runtime says so, or its folder holds Python files) from being read; else ""."""
    runtime, handler = function.runtime, function.handler
    if runtime.origin == "unresolved":
        folder = function.code_dir
        if not any(folder in path.parents for path in python_paths):
            return ""
        return f"runtime (`{runtime.value}`)"
    if function.is_python and handler.origin == "unresolved":
        return f"handler (`{handler.value}`)"
    return ""


def _unreadable(project: Project, path: Path, line: int, reason: str) -> None:
    display = project.display(path)
    project.problems.append(Problem(Span.point(display, line), reason))


def _entries(project: Project, patterns: Sequence[str], read) -> list[Entry]:
    entries: list[Entry] = []
    seen: set[tuple[Path, str]] = set()
    code_dirs: set[Path] = set()
    package_roots: dict[Path, Path] = {}  # folder -> its package root: one walk up per folder, not per handler

    def roots(code_dir: Path | None, file: Path) -> tuple[Path, ...]:
        root = package_roots.get(file.parent)
        if root is None:
            root = package_roots[file.parent] = package_root(file)
        return _roots(code_dir, root)

    code_files: set[Path] = set()  # packages of one file: the folder's other files are not shipped
    for function in project.functions:
        if function.code_file is not None and function.is_python:
            code_files.add(function.code_file.absolute())
        elif function.code_dir is not None and function.is_python:
            code_dirs.add(function.code_dir)
        if function.package_type == "Image":
            # its runtime and code are the image's: nothing here says which files it runs
            project.note(f"{function.label}: a container image function, whose code the image holds, so the "
                         "handler-code rules did not read it")
        elif function.runtime.origin == "unresolved" and not function.is_python:
            # `runtime = var.runtime` set only by a caller lambdalint does not read (Terragrunt): it
            # may well be Python, and a green run must not mean its code was read
            project.note(f"{function.label}: its runtime (`{function.runtime.value}`) is not a value lambdalint "
                         "can read, so the handler-code rules did not read it")
        elif function.code_dir is None and function.is_python:
            # else a project deployed from S3 passes the code rules unread, and nothing says so
            project.note(f"{function.label}: its code ({_code_described(function)}) is not a folder of the "
                         f"project, so the handler-code rules did not read it{_broken_beside(project, function)}")
        elif function.is_python and function.code_dir is not None and not function.code_dir.is_dir():
            # a build output not built yet, or a path that moved: LL108 stays silent on both
            shown = project.display(function.code_dir)
            if not any(line.startswith(f"{shown}: ") for line in project.unchecked):  # said already
                what = "is a file, not a folder" if function.code_dir.is_file() else "does not exist"
                kind = "code" if function.code_dir.suffix == ".zip" else "code folder"
                project.note(f"{function.label}: its {kind} `{shown}` {what}, so the handler-code rules did not read it")
        elif function.handler_file is None and function.code_dir is not None and function.package_type == "Zip":
            unknown = _unknown_until_deploy(function, project.python_paths)
            if unknown:
                # `handler: ${env:LAMBDA_HANDLER}`: a green run must not mean the code was read
                project.note(f"{function.label}: its {unknown} is not a value lambdalint can read, so the "
                             "handler-code rules did not read it")
        file = function.handler_file
        if file is None or function.handler_function is None or function.code_dir is None:
            continue
        file = file.absolute()
        key = (file, function.handler_function)
        layers: tuple[Path, ...] = ()
        if function.layers:
            from lambdalint.packages import layer_import_roots  # only functions with layers pay

            layers = layer_import_roots(function)
        text = read(file)
        if text is None and (file.stem == "wsgi_handler" or file.stem in function.generated_modules):
            # serverless-wsgi writes this module into the package; the app it runs is not a handler
            project.note(f"{function.label}: its handler is serverless-wsgi's generated `{file.stem}`, so the "
                         "WSGI app it runs (`custom.wsgi.app`) and its routes were not read as handler code")
        search = roots(function.code_dir, file) + function.code_roots + layers
        entry = Entry(file, function.handler_function,
                      search if text is None else _on_sys_path(project, file, text, search, note=False), function)
        seen.add(key)
        entries.append(entry)
    for path in project.python_paths:
        file = path.absolute()
        display = project.display(file)
        if is_test_file(display) or file in code_files or not code_dirs.isdisjoint(file.parents):  # a package's
            continue
        if file.name.startswith("."):
            continue  # `.lambda_function_old.py`: a handler string `.x.h` is a relative import, never it
        text = read(file)
        if text is None:
            continue
        for name in handler_shaped(text, patterns):
            if (file, name) not in seen:
                seen.add((file, name))
                # no template says which folder is the code: its package root, or its own folder
                # (`from recover_password import ...` beside it, as when that folder is the zip)
                entries.append(Entry(file, name, tuple(dict.fromkeys((*roots(None, file), file.parent)))))
    return entries


def _broken_beside(project: Project, function: Function) -> str:
    """Where a code location that cannot be resolved may have been set: a file beside the
    function's template that could not be read (an LL001: a module's `variables.tf` that does
    not parse leaves its inputs unread)."""
    where = function.code_location
    if where is None or where.origin != "unresolved":
        return ""
    folder = function.template.source.display.rpartition("/")[0]
    broken = sorted({p.span.path for p in project.problems if p.span.path.rpartition("/")[0] == folder})
    return f"; `{broken[0]}` beside it could not be read (LL001), and may be where that value is set" if broken else ""


def _code_described(function: Function) -> str:
    where = function.code_location
    if where is None or where.value is None:
        return "inline, or not given"  # SAM's `InlineCode` leaves no location
    if where.origin == "unresolved":
        return "a value lambdalint cannot resolve"
    if isinstance(where.value, dict):
        keys = {key.lower() for key in where.value}
        if "zipfile" in keys:
            return "inline in the template"
        artifact = where.get("artifact")
        if artifact is not None and isinstance(artifact.value, str):
            return f"the built artifact `{artifact.value}`"
        return "an S3 object" if keys & {"s3bucket", "s3_bucket", "bucket"} else "a value lambdalint cannot resolve"
    return f"`{where.value}`" if isinstance(where.value, str) else "a value lambdalint cannot resolve"


def _on_sys_path(project: Project, file: Path, text: str, roots: tuple[Path, ...], note: bool = True) -> tuple[Path, ...]:
    """`roots` with the folders `file` adds to `sys.path` (`sys_path.added_paths`; the working
    directory is the first root, the code folder). An addition that cannot be worked out is noted
    (`note`), since the modules imported from it are then not read."""
    from lambdalint.code.sys_path import added_paths

    added = added_paths(file, text, roots[0] if roots else None)
    if note:
        for line in added.unknown:
            project.note(f"{project.display(file)}:{line}: adds a folder to `sys.path` that lambdalint cannot work "
                         "out, so modules imported from that folder were not read")
    return added.around(roots)


def _roots(code_dir: Path | None, root: Path) -> tuple[Path, ...]:
    roots = [code_dir] if code_dir is not None else []
    if root not in roots:
        roots.append(root)
    return tuple(roots)


# The jobs of the current pool, as each worker process sees them: with 'fork' the list is inherited
# by the workers (set by the pool initializer, never pickled), so a task is only its index.
_POOL_JOBS: list[Job] = []


def _set_pool_jobs(todo: list[Job]) -> None:
    _POOL_JOBS[:] = todo


def _pool_job(index: int) -> ModuleFacts:
    return jobs.analyse_job(_POOL_JOBS[index])


def _run(todo: list[Job], warm: CodeWorkers | None = None) -> list[ModuleFacts]:
    if warm is not None and warm.alive:
        # what a worker did not deliver (it died, or stopped answering) is analysed here
        return [facts if facts is not None else jobs.analyse_job(job) for facts, job in zip(warm.run(todo), todo)]
    workers = min(os.cpu_count() or 1, 8)
    if len(todo) < jobs.PARALLEL_THRESHOLD or workers < 2:
        return [jobs.analyse_job(job) for job in todo]
    # the pool machinery (multiprocessing, logging, subprocess) costs an editor's on-save run
    # several milliseconds, and only big projects get here
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # biggest first, so one long file does not finish alone at the end
    ordered = sorted(todo, key=lambda j: -len(j[2]))
    # fork shares the already-imported engine (and LibCST) and the job texts with the workers;
    # spawn would import everything again per worker and pickle every text
    if sys.platform.startswith("linux"):
        context = multiprocessing.get_context("fork")
        task, tasks, init, initargs = _pool_job, range(len(ordered)), _set_pool_jobs, (ordered,)
    else:
        context = multiprocessing.get_context()
        task, tasks, init, initargs = jobs.analyse_job, ordered, None, ()
    # a few large chunks: each task is a round trip through the pool's queues
    chunk = max(1, len(ordered) // (workers * 4))
    with ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=init,
                             initargs=initargs) as pool:
        return list(pool.map(task, tasks, chunksize=chunk))
