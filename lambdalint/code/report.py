"""Shared by the code rules: walk every handler and turn matching facts into findings."""

from __future__ import annotations

from typing import Callable, Iterator

from lambdalint.code.analysis import CodeAnalysis, Handler, Reached
from lambdalint.code.facts import CallFact, FunctionFacts
from lambdalint.findings import Finding, Related

CONTEXT_NAMES = ("context", "ctx", "_context", "lambda_context", "_ctx", "_")
# Decorators known to call the handler the way Lambda calls them, `(event, context)`: Powertools'
# Logger/Tracer/Metrics handler decorators, `event_source` and `event_parser` (they swap the event
# for a data class or model, not the signature), `idempotent`, `validator`; X-Ray's `capture`.
# The Logger/Tracer/Metrics method names are Powertools' own, so they count also on an instance
# another project module makes (`from .observability import logger`); the generic names only when
# they resolve to Powertools.
_POWERTOOLS_METHODS = frozenset({"inject_lambda_context", "capture_lambda_handler", "log_metrics"})
_POWERTOOLS_PASS_THROUGH = _POWERTOOLS_METHODS | {"event_source", "event_parser", "idempotent", "validator"}
_PASS_THROUGH = frozenset({"aws_xray_sdk.core.xray_recorder.capture", "aws_xray_sdk.core.recorder.capture"})


def _passes_through(decorator: str) -> bool:
    last = decorator.rpartition(".")[2]
    if decorator.startswith("aws_lambda_powertools."):
        return last in _POWERTOOLS_PASS_THROUGH
    return decorator in _PASS_THROUGH or ("." in decorator and last in _POWERTOOLS_METHODS)


def called_as_written(function: FunctionFacts) -> bool:
    """Lambda's `(event, context)` reach the function's own parameters: it has no decorator, or only
    ones known to pass them through. Anything else (`@metric_scope` adds `metrics`, a project's own
    wrapper may add anything) leaves the signature unknown."""
    return all(_passes_through(d) for d in function.decorators)


def code_analysis(ctx) -> CodeAnalysis:
    """The project's code analysis (empty when no code rule made the engine build one)."""
    return ctx.project.code if isinstance(ctx.project.code, CodeAnalysis) else CodeAnalysis()


def handler_owner(handler: Handler) -> str | None:
    function = handler.entry.template_function
    return function.name if function is not None else None


def handler_related(handler: Handler, *, cause: bool = False) -> list[Related]:
    """The template line naming the handler. `cause`: the finding exists because of that
    configuration (LL205's code side: the function runs where the runtime owns the variable), so
    focus mode keeps it when only the template changed; otherwise it is context only."""
    function = handler.entry.template_function
    if function is None:
        return []
    return [Related(f"handler of `{function.name}` configured here", function.handler.span, context=not cause)]


def to_module_scope(handler: Handler, call: CallFact, reached: Reached) -> object | None:
    """`call_findings`' fix for a creation that should happen once per process: move it to module
    scope when that is safe (`lambdalint.code.fix`, imported only when a finding asks for it)."""
    from lambdalint.code.fix import movable

    return movable(reached.module, reached.function, call)


_NAMED_HANDLERS = 5


def call_findings(ctx, match: Callable[[CallFact], str | None], message: Callable[[str, Reached], str],
                  hint: str, fix: Callable[[Handler, CallFact, Reached], object | None] | None = None,
                  skip: Callable[[Handler], bool] | None = None) -> Iterator[Finding]:
    """One finding per line of a call site over every handler's per-invocation calls.

    `match` returns a short name for the offending call (`boto3.client`) or None. A chain such as
    `boto3.Session().resource("s3")` matches twice on one line; one finding says it. A helper that
    makes such calls twice (`json.load` of a schema, then of a config; a `boto3.Session`, then its
    `session.client`) is one finding at the call of the helper, saying the first and naming each place.
    `skip`: handlers the rule does not judge.
    """
    analysis = code_analysis(ctx)
    found: dict[tuple[object, ...], tuple[Handler, CallFact, Reached, str, list[Related]]] = {}
    handlers: dict[tuple[object, ...], list[Handler]] = {}  # every function whose handler reaches it
    reached_from: set[tuple[object, ...]] = set()
    for handler in analysis.handlers:
        if skip is not None and skip(handler):
            continue
        for call, reached in analysis.per_invocation(handler):
            what = match(call)
            if what is None:
                continue
            text = message(what, reached)
            # one finding per helper called at a line, whatever it makes: the fix is the helper's
            key = (reached.site.path, reached.site.line, f"helper {reached.function.qualname}" if reached.in_helper else text)
            users = handlers.setdefault(key, [])
            if not any(user is handler for user in users):  # by identity: `==` would compare whole facts
                users.append(handler)
            place = (reached.site.path, reached.site.line, reached.origin.path, reached.origin.line)
            if place in reached_from:  # the chain's second call on the same line, or another function's
                continue
            reached_from.add(place)
            origins = found.setdefault(key, (handler, call, reached, text, []))[4]
            if reached.in_helper:
                place = Related(f"`{what}` called in `{reached.function.qualname}` here", reached.origin)
                if place not in origins:
                    origins.append(place)
    for key, (handler, call, reached, text, origins) in found.items():
        # the first few functions that run it (a shared helper may serve hundreds)
        configured = [r for user in handlers[key][:_NAMED_HANDLERS] for r in handler_related(user)]
        yield ctx.finding(reached.site, text, hint, function=handler_owner(handler),
                          related=[*origins, *dict.fromkeys(configured)],
                          fix=fix(handler, call, reached) if fix and not reached.in_helper else None)
