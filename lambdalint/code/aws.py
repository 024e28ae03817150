"""The AWS calls a handler's code can make, and whether that set is complete.

`aws_calls(analysis, handler)` reads the `AwsCall`s of every function the handler's code can reach
(`CodeAnalysis.reachable`: module-level code of its modules, helpers in project modules, methods,
lazy-init and cached functions), resolves receivers the walk left by name (a client another project
module binds: `from .clients import s3`), and collects what makes the set incomplete: a client whose
service is not a literal, one passed or stored where the walk cannot follow it, a receiver imported
from a project module that binds no client the walk can name, a client returned to another module.
An incomplete set still lists every call it names; it only cannot say which calls are *not* made.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

from lambdalint.code.analysis import CodeAnalysis, Handler
from lambdalint.code.facts import AwsCall, AwsClient, AwsUnknown, ModuleFacts, follow
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
    calls: list[ResolvedCall] = []
    unknown: list[AwsUnknown] = []
    seen: set[tuple[Span, str]] = set()
    for module, function in analysis.reachable(handler):
        unknown.extend(function.aws_unknown)
        for call in function.aws_calls:
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
            key = (call.span, call.method)
            if key in seen:
                continue
            seen.add(key)
            calls.append(ResolvedCall(client.service, call.method, client.kind, call, client))
        for call in function.calls:
            for _, target in _returning_callees(analysis, module, function, call, handler):
                if target.path != module.path:
                    unknown.append(AwsUnknown("an AWS client is returned to another module", call.span))
    return AwsCallSet(tuple(calls), tuple(dict.fromkeys(unknown)))


def _returning_callees(analysis: CodeAnalysis, module: ModuleFacts, function, call, handler: Handler):
    for target, callee in analysis.callees(module, function, call, handler.entry.roots):
        if callee.returns_client is not None:
            yield callee, target


def _imported_client(analysis: CodeAnalysis, file: Path, name: str, hops: int = 3) -> AwsClient | None:
    module = analysis.modules.get(file)
    if module is None:
        return None
    roots = analysis.roots.get(file, ())
    for real in module.import_names.get(name, ()):
        for target_file, attribute in analysis.index.split_qualified(file, roots, real):
            target = analysis.modules.get(target_file)
            if target is None or target is module:
                continue
            if attribute in target.aws_clients:
                return target.aws_clients[attribute]
            if hops and attribute in target.import_names:
                found = _imported_client(analysis, target_file, attribute, hops - 1)
                if found is not None:
                    return found
    return None


def _imports_project_name(analysis: CodeAnalysis, file: Path, name: str) -> bool:
    module = analysis.modules.get(file)
    if module is None:
        return False
    roots = analysis.roots.get(file, ())
    for real in module.import_names.get(name, ()):
        for target_file, attribute in analysis.index.split_qualified(file, roots, real):
            target = analysis.modules.get(target_file)
            # bound to a call's result the walk could not name as a client: it may be one
            if target is not None and (attribute in target.factories or attribute in target.import_names):
                return True
    return False
