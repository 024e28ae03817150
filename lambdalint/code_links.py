"""Where handler code meets its function's configuration (LL109, LL205's code side, LL209).

The code analysis (`lambdalint.code`) says what a handler's code does; the model says how the
function is configured. This module joins the two: which environment reads a handler can reach,
whether the function's environment is known at all, and which variables the template wires to a
given resource.
"""

from __future__ import annotations

from pathlib import Path

from lambdalint.code.analysis import CodeAnalysis, Handler
from lambdalint.code.facts import EnvFact, ModuleFacts
from lambdalint.code.scan import imported_modules
from lambdalint.located import Located
from lambdalint.model import Function, Project
from lambdalint.triggers import referenced_ids

# Set by the Lambda runtime for every Python function (AWS "Defined runtime environment
# variables"), plus the X-Ray and telemetry internals it also sets.
RUNTIME_VARIABLES = frozenset({
    "_HANDLER", "_X_AMZN_TRACE_ID", "AWS_DEFAULT_REGION", "AWS_REGION", "AWS_EXECUTION_ENV",
    "AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "AWS_LAMBDA_FUNCTION_VERSION",
    "AWS_LAMBDA_INITIALIZATION_TYPE", "AWS_LAMBDA_LOG_GROUP_NAME", "AWS_LAMBDA_LOG_STREAM_NAME",
    "AWS_ACCESS_KEY", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
    "AWS_LAMBDA_RUNTIME_API", "LAMBDA_TASK_ROOT", "LAMBDA_RUNTIME_DIR", "LANG", "PATH",
    "LD_LIBRARY_PATH", "PYTHONPATH", "TZ", "AWS_XRAY_CONTEXT_MISSING", "AWS_XRAY_DAEMON_ADDRESS",
    "_AWS_XRAY_DAEMON_ADDRESS", "_AWS_XRAY_DAEMON_PORT", "_LAMBDA_TELEMETRY_LOG_FD",
    "AWS_LAMBDA_LOG_FORMAT", "AWS_LAMBDA_LOG_LEVEL", "AWS_LAMBDA_MAX_CONCURRENCY",
})


def imported_closure(analysis: CodeAnalysis, handler: Handler, project: Project) -> list[ModuleFacts]:
    """The handler's module and every analysed project module it imports, transitively: their
    module-level code runs when the function starts."""
    if handler.module is None:
        return []
    roots = handler.entry.roots
    todo = [Path(handler.module.path)]
    found: dict[Path, ModuleFacts] = {}
    while todo:
        path = todo.pop()
        module = analysis.modules.get(path)
        if path in found or module is None:
            continue
        found[path] = module
        source = project.sources.get(module.display)
        for level, dotted in imported_modules(source.text if source is not None else ""):
            target = analysis.index.resolve_import(path, roots, level, dotted)
            if target is not None and target not in found:
                todo.append(target)
    return list(found.values())


def reachable_env(analysis: CodeAnalysis, handler: Handler, project: Project
                  ) -> list[tuple[EnvFact, ModuleFacts]]:
    """Environment reads and writes the handler's code may run: module level of every imported
    module, and the bodies of the functions it reaches, from the handler or from module-level code
    (`load_sentry()` at import time), init-only calls included: a variable read on the first
    invocation fails just the same. Worked out once per handler (four rules and the
    least-privilege analysis ask): the list is shared, not to be changed."""
    return project.remember("reachable-env", handler, lambda: _reachable_env(analysis, handler, project))


def _reachable_env(analysis: CodeAnalysis, handler: Handler, project: Project) -> list[tuple[EnvFact, ModuleFacts]]:
    facts: list[tuple[EnvFact, ModuleFacts]] = []
    for module in imported_closure(analysis, handler, project):
        facts.extend((e, module) for e in module.env if e.function is None)
    for module, function in analysis.reachable(handler):
        if function.qualname:  # module-level code, already above
            facts.extend((e, module) for e in module.env if e.function == function.qualname)
    unique: dict[object, tuple[EnvFact, ModuleFacts]] = {}
    for fact, module in facts:
        unique.setdefault(fact.span, (fact, module))
    return list(unique.values())


def environment_known(function: Function) -> bool:
    """False when the environment comes from somewhere lambdalint cannot read (`!If`, a
    `${file(...)}`, a `dynamic` block): then no variable can be called missing. Its loader knows."""
    return function.environment_known


def variables_naming(function: Function, logical_id: str, literal: str | None = None) -> dict[str, Located]:
    """The function's environment variables whose value refers to the resource `logical_id`
    (`!Ref Bucket`, `!GetAtt Queue.QueueUrl`, `${Bucket}`), or equals `literal` (a Serverless
    bucket or topic name written out)."""
    found: dict[str, Located] = {}
    reader = function.template.resource_reader
    for name, value in function.environment.items():
        named = reader(function.template, value) if reader is not None else referenced_ids(value)
        if logical_id in named or (literal is not None and value.str_value() == literal):
            found[name] = value
    return found
