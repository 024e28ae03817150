"""The AWS calls a handler's code can make, and whether that set is complete.

`aws_calls(analysis, handler)` reads the `AwsCall`s of every function the handler's code can reach
(`CodeAnalysis.reachable`: module-level code of its modules, helpers in project modules, methods,
lazy-init and cached functions, functions run by executors and threads), resolves receivers the walk
left by name (a client another project module binds: `from .clients import s3`; what a project
function returns: `TABLE = get_table()`, through wrappers that return it again; a client passed down
any number of project functions), and collects what makes the set incomplete: a client whose
service is not a literal, one passed or stored where the walk cannot follow it, a receiver imported
from a project module that binds no client the walk can name, a client returned by a project
function to a caller that hands it on where the walk cannot follow it.
An incomplete set still lists every call it names; it only cannot say which calls are *not* made.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Iterable, NamedTuple

from lambdalint.code.analysis import CodeAnalysis, Handler, defines_class, project_module
from lambdalint.code.facts import (AWS_CALLING_LIBRARIES, MODEL, RETURNED, SELF_ATTRIBUTE, UNKNOWN_ARG, AwsCall,
                                   AwsClient, AwsUnknown, ModuleFacts, follow, is_stdlib, model_client, model_keywords)
from lambdalint.located import Span


class ResolvedCall(NamedTuple):
    """One AWS call the handler's code can make: `service`, SDK `method` (snake case, as written),
    the kind of object it is called on (`client`, `Table`, `Bucket.objects`...), where."""

    service: str
    method: str
    kind: str
    call: AwsCall
    client: AwsClient


class AwsCallSet(NamedTuple):
    calls: tuple[ResolvedCall, ...]
    unknown: tuple[AwsUnknown, ...]

    @property
    def complete(self) -> bool:
        return not self.unknown


def aws_calls(analysis: CodeAnalysis, handler: Handler) -> AwsCallSet:
    """Every AWS call the handler's code can make, and what keeps that set from being known whole
    (its function's code folder and layers count: one set per handler and function)."""
    key = (handler.entry.file, handler.entry.function, handler.entry.roots, id(handler.entry.template_function))
    found = analysis.aws_call_sets.get(key)
    if found is None:
        found = analysis.aws_call_sets[key] = _aws_calls(analysis, handler)
    return found  # type: ignore[return-value]


def _aws_calls(analysis: CodeAnalysis, handler: Handler) -> AwsCallSet:
    calls: list[ResolvedCall] = []
    unknown: list[AwsUnknown] = []
    seen: set[tuple[Span, str, str | None]] = set()
    reached = list(analysis.reachable(handler))
    bound = _bind_parameters(analysis, handler, reached, unknown)
    for module, function in reached:
        unknown.extend(function.aws_unknown)
        for call in function.aws_calls:
            if call.receiver.startswith(RETURNED):
                for client in _returned_clients(analysis, module, function, call.receiver, handler.entry.roots):
                    found = follow(client, call.path)
                    if found is not None and found.service is not None \
                            and (call.span, call.method, found.service) not in seen:
                        seen.add((call.span, call.method, found.service))
                        calls.append(ResolvedCall(found.service, call.method, found.kind, call, found))
                continue
            if call.receiver.startswith(MODEL):
                table = _model_table(analysis, module, call.receiver, handler.entry.roots)
                if table is not None and (call.span, call.method, "dynamodb") not in seen:
                    seen.add((call.span, call.method, "dynamodb"))
                    client = model_client(table, call.span)
                    calls.append(ResolvedCall("dynamodb", call.method, client.kind,
                                              call._replace(keywords=model_keywords(table)), client))
                continue
            if call.receiver.startswith("param:"):
                for client in bound.get((module.path, function.qualname, call.receiver[6:]), ()):
                    found = follow(client, call.path)
                    if found is not None and found.service is not None \
                            and (call.span, call.method, found.service) not in seen:
                        seen.add((call.span, call.method, found.service))
                        calls.append(ResolvedCall(found.service, call.method, found.kind, call, found))
                continue
            client = call.client
            if client is None:
                client = _imported_client(analysis, Path(module.path), call.receiver)
                client = follow(client, call.path) if client is not None else None
                if client is None:
                    if _imports_project_name(analysis, Path(module.path), call.receiver):
                        unknown.append(AwsUnknown(f"`{call.receiver}` comes from a project module the analysis "
                                                  "cannot read as a client", call.span))
                    continue
            if client.service is None:
                continue  # its creation is already an AwsUnknown
            key = (call.span, call.method, client.service)
            if key in seen:
                continue
            seen.add(key)
            calls.append(ResolvedCall(client.service, call.method, client.kind, call, client))
        for call in function.calls:
            if call.span in module.aws_followed:
                continue  # what it returns is followed to the calls made on it
            for target, callee in analysis.callees(module, function, call, handler.entry.roots):
                if _returned_client(analysis, target, callee, handler.entry.roots) is not None \
                        and not _seen_by_walk(module, call, target, callee):
                    unknown.append(AwsUnknown("an AWS client is returned to another module", call.span))
    unknown.extend(_injected(handler))
    unknown.extend(_untyped_attributes(analysis, handler, reached))
    unknown.extend(_library_callers(module for module, _ in reached))
    unknown.extend(_outside_callers(analysis, handler, imports_of(module for module, _ in reached)))
    return AwsCallSet(tuple(calls), tuple(dict.fromkeys(unknown)))


def _untyped_attributes(analysis: CodeAnalysis, handler: Handler, reached: list) -> list[AwsUnknown]:
    """Project objects that call AWS, used where the walk cannot follow them (the
    ports-and-adapters layout): one handed to a call (`Handler(repo=REPO)`, `REPO = Repo()`), or
    a method called on an instance attribute the walk cannot type (`self.repo.save(item)`), where
    a project class defines a method of that name that calls AWS. Either may run those methods,
    so the call set is open."""
    makers = analysis.aws_method_names()
    if not makers:
        return []
    classes = analysis.aws_class_names()
    for module, function in reached:
        for call in function.calls:
            for arg in (*call.positional, *(arg for _, arg in call.keywords)):
                factory = module.factories.get(arg.value) if arg.kind == "name" else None
                if factory is not None and factory.rpartition(".")[2] in classes:
                    callee = min(call.names) if call.names else "a call"
                    return [AwsUnknown(f"`{arg.value}` (a `{factory.rpartition('.')[2]}`, which calls AWS) is handed "
                                       f"to `{callee}`: what is done with it is not followed", call.span)]
    roots = handler.entry.roots
    for module, function in reached:
        for call in function.calls:
            for name in call.names:
                method = name.rpartition(".")[2]
                if name.startswith(SELF_ATTRIBUTE) and method in makers \
                        and analysis.resolve(module, function, name, roots) is None:
                    attribute = name[len(SELF_ATTRIBUTE):].split(".")[1:-1]
                    shown = f"self.{'.'.join(attribute)}.{method}()" if attribute else f"{method}()"
                    return [AwsUnknown(f"`{shown}` is called on an object the analysis cannot follow, and a "
                                       f"project class's `{method}` calls AWS", call.span)]
    return []


def _injected(handler: Handler) -> list[AwsUnknown]:
    """Calls on what a decorated handler is given beyond `event` and `context`
    (`@worker_lambda(Ship) def handler(event, context, worker): worker.execute()`): the decorator
    makes it, and what it calls the walk does not know."""
    function = handler.function
    if function is None or not function.decorators:
        return []
    skip = 3 if handler.on_instance or (function.class_name and function.params[:1] in (("self",), ("cls",))) else 2
    given = set(function.params[skip:])
    return [AwsUnknown(f"`{call.root_name}` is given to the handler by its decorator, so what it calls is not known",
                       call.span) for call in function.calls if call.root_name in given][:1]


def outside_aws_calls(analysis: CodeAnalysis, handler: Handler) -> AwsCallSet:
    """The calls of a handler whose module the run read for its definitions only: it names no AWS
    API, nor does any project module it imports (one that did would have been read in full, and so
    would every module importing it), so it calls AWS only through what it imports from outside
    the project, judged as for a module read in full (`_outside_callers`)."""
    imports: list[tuple[str, Path, list[str]]] = []
    seen: set[Path] = set()
    stack = [Path(handler.module.path)] if handler.module is not None else []
    while stack:
        current = stack.pop()
        if current in seen:
            continue
        seen.add(current)
        names = sorted(analysis.outside.get(current, ()))
        display = analysis.modules[current].display if current in analysis.modules else str(current)
        if "dynamic" in names:
            return AwsCallSet((), (AwsUnknown("a module is imported by a computed name (`importlib.import_module`)",
                                              _import_at(current, display, "importlib")),))
        imports.append((display, current, names))
        stack.extend(analysis.imports.get(current, ()))
    found = _outside_callers(analysis, handler, imports)
    if not found:
        # a library nobody declared (no PyPI requirement of the code folder): the team's own,
        # installed some other way, may well call AWS
        published = _published(analysis, handler)
        found = [AwsUnknown(f"`{name}` is neither in the project nor a PyPI requirement of the code folder, "
                            "so its AWS calls are not known", _import_at(path, display, name))
                 for display, path, names in imports for name in names
                 if name.split(".", 1)[0] and name.split(".", 1)[0].lower() not in published][:1]
    return AwsCallSet((), tuple(found))


def _published(analysis: CodeAnalysis, handler: Handler) -> frozenset[str]:
    """The PyPI requirements of the function's code folder, the folders just above it and its
    local layers."""
    function = handler.entry.template_function
    code_dir = function.code_dir if function is not None else None
    if code_dir is None:
        return frozenset()
    from lambdalint.packages import function_layers

    # a local layer's requirements.txt installs into the function's import path as well
    layers = [layer.source.path for layer in function_layers(function)
              if layer.source is not None and not layer.source.is_zip]
    return frozenset().union(*(analysis.index.published(folder)
                               for folder in [code_dir, *list(code_dir.parents)[:_LEVELS_ABOVE], *layers]))


def imports_of(modules: Iterable[ModuleFacts]) -> list[tuple[str, Path, list[str]]]:
    """(display, path, every name imported) of each module, once."""
    found: dict[str, tuple[str, Path, list[str]]] = {}
    for module in modules:
        if module.path not in found:
            found[module.path] = (module.display, Path(module.path),
                                  [name for qualified in module.import_names.values() for name in qualified])
    return list(found.values())


def _outside_callers(analysis: CodeAnalysis, handler: Handler,
                     imports: list[tuple[str, Path, list[str]]]) -> list[AwsUnknown]:
    """What a module imports from outside the project may make AWS calls nobody can list: a
    library installed from a repository, a project module outside the code folder, a module an
    outside layer may provide."""
    return [*_unpublished_callers(analysis, handler, imports), *_stranded_modules(analysis, handler, imports),
            *_layer_modules(analysis, handler, imports)]


# Modules the Lambda runtime provides, and Powertools, whose AWS calls the facts model by name.
_PROVIDED = frozenset({"boto3", "botocore", "awslambdaric", "aws_lambda_powertools"})


def _layer_modules(analysis: CodeAnalysis, handler: Handler,
                   imports: list[tuple[str, Path, list[str]]]) -> list[AwsUnknown]:
    """A function with a layer from outside the project (an ARN) may import its code from it
    (`from shared_utils import save_order`): a module that is neither the project's, nor the
    standard library's, nor the runtime's may then make AWS calls nobody can list."""
    function = handler.entry.template_function
    if function is None or not function.layers:
        return []
    from lambdalint.packages import remote_layers

    remote = remote_layers(function)
    if not remote:
        return []
    published = _published(analysis, handler)
    for display, path, names in imports:
        for name in names:
            top = name.split(".", 1)[0]
            if not top or is_stdlib(top) or top in _PROVIDED or top.lower() in published \
                    or project_module(analysis, path, handler.entry.roots, name):
                continue  # a PyPI requirement of the code folder is installed with the code
            return [AwsUnknown(f"`{top}` is not in the project and may come from layer `{remote[0]}`",
                               _import_at(path, display, name))]
    return []


def note_stranded_imports(project, analysis: CodeAnalysis) -> None:
    """A project module the handler's code imports but its code folder does not hold is not
    followed by any rule, and the import may fail once deployed: said, whatever the rules."""
    for handler in analysis.handlers:
        function = handler.entry.template_function
        if function is None or handler.module is None or not handler.module.full:
            continue
        found = stranded_import(analysis, handler, imports_of(m for m, _ in analysis.reachable(handler)))
        if found is not None:
            name, why, span = found
            project.note(f"{function.label}: `{name}` ({span.path}:{span.line}) {why}, so the handler-code rules "
                         "did not follow it; the import may fail once deployed")


def _stranded_modules(analysis: CodeAnalysis, handler: Handler,
                      imports: list[tuple[str, Path, list[str]]]) -> list[AwsUnknown]:
    """An import of a project module that the function's code folder does not hold: its AWS calls
    are not known (`stranded_import`)."""
    found = stranded_import(analysis, handler, imports)
    return [AwsUnknown(f"`{found[0]}` {found[1]}, so its AWS calls are not known", found[2])] if found else []


def stranded_import(analysis: CodeAnalysis, handler: Handler,
                    imports: list[tuple[str, Path, list[str]]]) -> tuple[str, str, Span] | None:
    """The first import of a project module that the function's code folder does not hold
    (`from src.secrets import get_api_key` in a handler whose zip is `src/` itself), with why and
    where: it resolves from a folder above the code, or only through a `sys.path` change the
    analysis could not work out, so the analysis does not follow it (and the import may well
    fail once deployed)."""
    function = handler.entry.template_function
    code_dir = function.code_dir if function is not None else None
    if code_dir is None:
        return None
    above = list(code_dir.parents)[:_LEVELS_ABOVE]
    published: frozenset[str] | None = None
    for display, path, names in imports:
        for name in names:
            parts = name.split(".")
            if not parts[0] or is_stdlib(parts[0]) or parts[0] in _PROVIDED \
                    or project_module(analysis, path, handler.entry.roots, name):
                continue
            published = _published(analysis, handler) if published is None else published
            if parts[0].lower() in published:
                continue  # the PyPI distribution the package declares, not a folder that shares its name
            for folder in above:
                if any(analysis.index.module_path(folder, ".".join(parts[:cut])) is not None
                       for cut in range(len(parts), 0, -1)):
                    return name, f"is a module of the project outside the code folder `{code_dir.name}`", \
                        _import_at(path, display, name)
            below = _folder_below(analysis, code_dir, parts[0])
            if below is not None:
                return name, f"is not on the import path of the code folder, but the project has a module " \
                    f"`{parts[0]}` in `{below}`", _import_at(path, display, name)
    return None


def _folder_below(analysis: CodeAnalysis, code_dir: Path, name: str) -> str | None:
    """The folder (relative to `code_dir`, up to `_LEVELS_BELOW` down) holding a module `name`."""
    frontier = [code_dir]
    for _ in range(_LEVELS_BELOW):
        deeper = []
        for folder in frontier:
            for entry in analysis.index.folders(folder):
                below = folder / entry
                if analysis.index.module_path(below, name) is not None:
                    return below.relative_to(code_dir).as_posix()
                deeper.append(below)
        frontier = deeper
    return None


# how many folders above a function's code folder an import is looked for (`infra/../src/`), and
# below it (`api/lib/` for `import lib` after `sys.path.append(<api>)`)
_LEVELS_ABOVE = 2
_LEVELS_BELOW = 2


def _unpublished_callers(analysis: CodeAnalysis, handler: Handler,
                         imports: list[tuple[str, Path, list[str]]]) -> list[AwsUnknown]:
    """A library the package installs from a repository (`git+https://.../pycommon.git`), which a
    reached module imports: a team's own helpers, whose AWS calls cannot be known."""
    function = handler.entry.template_function
    if function is None or function.code_dir is None:
        return []
    libraries = analysis.index.unpublished(function.code_dir)
    for display, path, names in imports if libraries else ():
        top = {name.split(".", 1)[0] for name in names} & libraries.keys()
        if top:
            name = min(top)
            return [AwsUnknown(f"`{name}` is installed from `{libraries[name]}`, so its AWS calls are not known",
                               _import_at(path, display, name))]
    return []


def _import_at(path: Path, display: str, name: str) -> Span:
    """Where the module at `path` imports `name` (its top package), for a note to point at; the
    first line when the file cannot be read again or the import is not written plainly."""
    top = re.escape(name.lstrip(".").split(".", 1)[0])
    pattern = re.compile(rf"^[ \t]*(?:from[ \t]+{top}\b|import[ \t]+(?:[^#\n]*[ \t,])?{top}\b)", re.MULTILINE)
    try:
        found = pattern.search(path.read_text(encoding="utf-8", errors="replace"))
    except OSError:
        found = None
    return Span.point(display, found.string.count("\n", 0, found.start()) + 1 if found else 1)


def _library_callers(modules) -> list[AwsUnknown]:
    found: list[AwsUnknown] = []
    seen: set[str] = set()
    for module in modules:
        if module.path in seen:
            continue
        seen.add(module.path)
        for qualified in module.import_names.values():
            top = {name.split(".", 1)[0] for name in qualified} & AWS_CALLING_LIBRARIES
            if top:
                found.append(AwsUnknown(f"`{min(top)}` makes AWS calls of its own",
                                        _import_at(Path(module.path), module.display, min(top))))
                break
            signer = next((name for name in qualified if name.startswith("botocore.auth.")), None)
            if signer is not None:
                # `SigV4Auth(credentials, "execute-api", region)`: a request the code signs with the
                # role's credentials and sends itself (an IAM-authorized API, OpenSearch)
                found.append(AwsUnknown(f"`{signer}` signs requests the code sends itself with the role's credentials",
                                        _import_at(Path(module.path), module.display, "botocore.auth")))
                break
    return found


def _bind_parameters(analysis: CodeAnalysis, handler: Handler, reached: list,
                     unknown: list[AwsUnknown]) -> dict[tuple[str, str, str], list[AwsClient]]:
    """Clients passed to project functions, by (module, function, parameter), through as many
    levels of project functions as hand them on (`handler -> save(s3) -> _put(client)`), and into
    a function an executor or a thread runs (`pool.submit(upload, s3, key)`). A client passed to
    anything else (a library, a class, a module the run did not analyse fully) is an `AwsUnknown`."""
    bound: dict[tuple[str, str, str], list[AwsClient]] = {}
    roots = handler.entry.roots
    work = [(module, function, handed) for module, function in reached
            for handed in [*function.aws_passes, *_imported_passes(analysis, module, function)]]
    for module, function in reached:  # `def connect(client=secrets)`, called without one
        for parameter, client in function.aws_defaults.items():
            if not function.assigned.get(parameter, 0):
                bound.setdefault((module.path, function.qualname, parameter), []).append(client)
                work.extend((module, function, passed) for passed in _passes_on(function, parameter, client))
    while work:
        module, function, handed = work.pop()
        call = next((c for c in function.calls if c.span == handed.span), None)
        received = list(_receivers(analysis, module, function, call, handed, roots)) if call is not None else []
        if not received:
            unknown.append(AwsUnknown(f"an AWS client is passed to `{handed.callee}`", handed.span))
            continue
        for target, callee, parameter in received:
            clients = bound.setdefault((target.path, callee.qualname, parameter), [])
            if handed.client in clients:
                continue  # bound already: a cycle, or a second path to the same function
            clients.append(handed.client)
            if callee.assigned.get(parameter, 0):
                # `client = with_retries(client)`: what the parameter holds then, the walk does not know
                unknown.append(AwsUnknown(f"an AWS client passed to `{callee.qualname}` is rebound there",
                                          callee.span))
                continue
            work.extend((target, callee, passed) for passed in _passes_on(callee, parameter, handed.client))
    return bound


def _receivers(analysis: CodeAnalysis, module: ModuleFacts, function, call, handed, roots):
    """(module, function, parameter) for each project function that receives the passed client;
    nothing when one of the call's targets cannot be followed into a parameter."""
    targets = [(t, c, 0) for t, c in analysis.callees(module, function, call, roots)]
    if call.callback_shift >= 0:
        targets += [(t, c, call.callback_shift) for t, c in analysis.callback_callees(module, function, call, roots)]
    found = []
    for target, callee, shift in targets:
        offset = 1 if callee.class_name and callee.params[:1] in (("self",), ("cls",)) else 0
        parameter = None
        if handed.keyword is not None and handed.keyword in callee.params:
            parameter = handed.keyword
        elif handed.index is not None and handed.index >= shift and handed.index - shift + offset < len(callee.params):
            parameter = callee.params[handed.index - shift + offset]
        if parameter is None or not target.full or callee.name == "__init__":
            return []
        found.append((target, callee, parameter))
    return found


def _passes_on(function, parameter: str, client: AwsClient) -> list:
    """The function hands its parameter to another call: a pass of the same client from there."""
    from lambdalint.code.facts import INERT, AwsPass

    if function.assigned.get(parameter, 0):
        return []  # rebound in the body: what it is then is the walk's business
    found = []
    for call in function.calls:
        if call.names & INERT:
            continue
        callee = min(call.names) if call.names else "a call"
        found.extend(AwsPass(callee, call.span, client, index, None)
                     for index, arg in enumerate(call.positional) if arg == ("name", parameter))
        found.extend(AwsPass(callee, call.span, client, None, keyword)
                     for keyword, arg in call.keywords if arg == ("name", parameter))
    return found


def _imported_passes(analysis: CodeAnalysis, module: ModuleFacts, function) -> list:
    """`archive(s3)` where `s3` is a client another project module binds (`from .clients import s3`)."""
    from lambdalint.code.facts import AwsPass

    found = []
    for call in function.calls:
        arguments = [(i, None, a) for i, a in enumerate(call.positional)] + [(None, k, a) for k, a in call.keywords]
        for index, keyword, argument in arguments:
            if argument.kind != "name" or argument.value not in module.module_imports:
                continue
            client = _imported_client(analysis, Path(module.path), argument.value)
            if client is not None:
                found.append(AwsPass(min(call.names) if call.names else "a call", call.span, client, index, keyword))
    return found


def _returned_clients(analysis: CodeAnalysis, module: ModuleFacts, function, receiver: str,
                      roots: tuple[Path, ...]) -> list[AwsClient]:
    """The client a project function returns (`returned:common.db.get_table`), if it returns one.
    A function that returns something else is not a client's: the calls on it are not AWS calls."""
    for name in receiver[len(RETURNED):].split("|"):
        found = analysis.resolve(module, function, name, roots)
        if found is not None:
            client = _returned_client(analysis, *found, roots)
            return [client] if client is not None else []
        made = _imported_subobject(analysis, module, name, roots)
        if made is not None:
            return [made]
    return []


def _imported_subobject(analysis: CodeAnalysis, module: ModuleFacts, name: str,
                        roots: tuple[Path, ...]) -> AwsClient | None:
    """`Table` of a resource another project module makes: `from clients import dynamodb` (or
    `as res`), then `table = dynamodb.Table(name)` (`returned:clients.dynamodb.Table`)."""
    owner, _, kind = name.rpartition(".")
    if not kind[:1].isupper():
        return None
    for target_file, attribute in analysis.index.split_qualified(Path(module.path), roots, owner):
        target = analysis.modules.get(target_file)
        client = target.aws_clients.get(attribute) if target is not None else None
        if client is not None and client.kind == "resource":
            return client._replace(kind=kind, identifier=UNKNOWN_ARG)
    return None


def _model_table(analysis: CodeAnalysis, module: ModuleFacts, receiver: str, roots: tuple[Path, ...]):
    """What names the table of a PynamoDB model another project module defines (`model:models.Order`)."""
    file = Path(module.path)
    for name in receiver[len(MODEL):].split("|"):
        for target_file, attribute in analysis.index.split_qualified(file, roots, name):
            target = analysis.modules.get(target_file)
            if target is not None and attribute in target.pynamodb_models:
                return target.pynamodb_models[attribute]
    return None


def _returned_client(analysis: CodeAnalysis, module: ModuleFacts, function, roots: tuple[Path, ...],
                     hops: int = 4) -> AwsClient | None:
    """What `function` returns, through functions that return what another project function
    returns (`def table(): return get_table()`), a few hops deep."""
    if function.returns_client is not None:
        return function.returns_client
    if not function.returns_deferred or not hops:
        return None
    for name in function.returns_deferred[len(RETURNED):].split("|"):
        found = analysis.resolve(module, function, name, roots)
        if found is not None:
            return _returned_client(analysis, *found, roots, hops - 1)
    return None


def _seen_by_walk(module: ModuleFacts, call, target: ModuleFacts, callee) -> bool:
    """The walk typed the call's value itself (a function of the same module, defined above the
    call, returning a client it made), so it already reported where that value escapes."""
    return target is module and callee.returns_client is not None and callee.span.line < call.span.line


def _imported_client(analysis: CodeAnalysis, file: Path, name: str) -> AwsClient | None:
    """The client a project module binds at module level under the name `file` imports (`ssm` in
    `from .clients import ssm`), through re-exports."""
    for target, attribute in analysis.imported(file, name):
        if attribute in target.aws_clients:
            return target.aws_clients[attribute]
    return None


def _imports_project_name(analysis: CodeAnalysis, file: Path, name: str) -> bool:
    """`name`, imported from a project module, may be bound to a client the walk could not name."""
    module = analysis.modules.get(file)
    if module is None:
        return False
    roots = analysis.roots.get(file, ())
    return any(_may_be_client(analysis, target_file, attribute, roots)
               for real in module.import_names.get(name, ())
               for target_file, attribute in analysis.index.split_qualified(file, roots, real))


# What these make is an application, a router or a logger, never an AWS client (Powertools'
# `utilities`, whose parameter providers call AWS, are not among them).
_NEVER_CLIENTS = ("aws_lambda_powertools.event_handler.", "aws_lambda_powertools.logging.",
                  "aws_lambda_powertools.tracing.", "aws_lambda_powertools.metrics.", "aws_lambda_powertools.Logger",
                  "aws_lambda_powertools.Tracer", "aws_lambda_powertools.Metrics", "fastapi.", "flask.", "mangum.",
                  "chalice.", "starlette.", "pydantic.")


def _may_be_client(analysis: CodeAnalysis, file: Path, name: str, roots: tuple[Path, ...], hops: int = 4) -> bool:
    target = analysis.modules.get(file)
    if target is None or hops <= 0 or not target.full or _project_instance(target, name) or \
            defines_class(target, name):
        # a class, an instance of the project's own (its methods are walked where called), or
        # anything of a module read for its definitions only, which names no AWS API at all
        return False
    if name in target.factories:
        # bound to a call's result the walk could not name as a client: it may be one, unless the
        # standard library or a web framework made it (`app = APIGatewayRestResolver()`)
        factory = target.factories[name]
        return not (is_stdlib(factory.split(".", 1)[0]) or factory.startswith(_NEVER_CLIENTS))
    if name not in target.import_names:
        return False
    # re-exported (`from .marshaller import Marshaller` in a package's `__init__.py`): what it is
    # there, or a client for all the analysis can tell where it leads outside the project
    found = [split for real in target.import_names[name]
             for split in analysis.index.split_qualified(file, roots, real)]
    return not found or any(_may_be_client(analysis, inner_file, inner, roots, hops - 1) for inner_file, inner in found)


def _project_instance(module: ModuleFacts, name: str) -> bool:
    """`name` is bound at module level to an instance of a class `module` defines from nothing
    but its own classes (`task_repository = TaskRepository()`): not a client."""
    cls = module.factories.get(name, "")
    return defines_class(module, cls) and all(defines_class(module, base) or base.startswith("builtins.")
                                              for base in module.class_bases.get(cls, ()))
