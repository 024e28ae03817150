"""Code facts about the Lambda platform features a handler relies on: partial batch responses,
X-Ray tracing, and values that SnapStart would freeze into its snapshot (LL110, LL210, LL211).

Built from what the analysis already has (each module's calls, its module-level bindings, and the
text it analysed, `Project.sources`), so nothing here parses again. A handler's modules are its
own and every project module it imports, transitively (import-time code of all of them runs in
the snapshot).
"""

from __future__ import annotations

import re
from typing import Iterator, NamedTuple

from lambdalint.code.analysis import CodeAnalysis, Handler
from lambdalint.code.facts import CallFact, ModuleFacts
from lambdalint.lazy_pattern import LazyPattern
from lambdalint.located import Span

_BATCH = "aws_lambda_powertools.utilities.batch"
# Powertools' partial batch response API: each returns or builds `{"batchItemFailures": [...]}`.
BATCH_NAMES = tuple(f"{_BATCH}.{name}" for name in (
    "process_partial_response", "async_process_partial_response", "BatchProcessor", "AsyncBatchProcessor",
    "SqsFifoPartialProcessor", "batch_processor", "async_batch_processor"))
TRACER_NAMES = ("aws_lambda_powertools.Tracer", "aws_lambda_powertools.tracing.Tracer",
                "aws_lambda_powertools.tracing.tracer.Tracer")
XRAY_NAMES = ("aws_xray_sdk.core.patch_all", "aws_xray_sdk.core.patch", "aws_xray_sdk.core.xray_recorder.capture",
              "aws_xray_sdk.core.xray_recorder.begin_subsegment", "aws_xray_sdk.core.xray_recorder.in_subsegment",
              "aws_xray_sdk.core.xray_recorder.put_annotation", "aws_xray_sdk.core.xray_recorder.put_metadata")
# Calls whose result must differ per execution environment; `random.seed` seeds the shared generator.
UNIQUE_NAMES = ("uuid.uuid1", "uuid.uuid4", "random.random", "random.randint", "random.randrange",
                "random.choice", "random.getrandbits", "random.seed", "secrets.token_hex", "secrets.token_bytes",
                "secrets.token_urlsafe", "os.urandom", "time.time", "time.time_ns", "datetime.datetime.now",
                "datetime.datetime.utcnow", "datetime.datetime.today")
AFTER_RESTORE = ("snapshot_restore_py.register_after_restore",)
# A dict key or subscript `"batchItemFailures"` in code (not in a comment): the handler builds the
# partial batch response itself.
# `NAME = ...` / `NAME: type = ...` at the start of a line: a module-level binding.
_MODULE_ASSIGNMENT = LazyPattern(r"[A-Za-z_][A-Za-z0-9_]*\s*(?::[^=]+)?=(?!=)")
_BATCH_KEY = re.compile(r"""^[^#\n]*?(["'])batchItemFailures\1""", re.M)
# `{"batchItemFailures": []}` reports no failure: nothing is lost if the source ignores it (a list
# filled later is found where it is filled, `response["batchItemFailures"].append(...)`).
_ALWAYS_EMPTY = re.compile(r"""\s*:\s*\[\s*\]\s*[,}]""")


class Use(NamedTuple):
    what: str   # the name as the user knows it (`process_partial_response`, `Tracer`, `uuid.uuid4`)
    span: Span


def handler_modules(analysis: CodeAnalysis, handler: Handler) -> list[ModuleFacts]:
    """The handler's module and every project module it imports, transitively (fully read ones)."""
    files, todo = {handler.entry.file}, [handler.entry.file]
    while todo:
        for target in analysis.imports.get(todo.pop(), ()):
            if target not in files:
                files.add(target)
                todo.append(target)
    # The import graph's files are the `Path`s `modules` is keyed by: no new `Path` per file (building
    # and hashing one costs more than the rest of this walk).
    found = [analysis.modules.get(f) for f in sorted(files)]
    return [m for m in found if m is not None and m.full]


def _calls(module: ModuleFacts) -> Iterator[CallFact]:
    yield from module.module_calls
    for function in module.functions.values():
        yield from function.calls


def _named(module: ModuleFacts, names: tuple[str, ...]) -> Iterator[Use]:
    for call in _calls(module):
        hit = next((n for n in names if n in call.names), None)
        if hit is not None:
            yield Use(hit.rsplit(".", 1)[1], call.span)


def batch_response(analysis: CodeAnalysis, handler: Handler, texts: dict[str, str]) -> Use | None:
    """Where the handler reports partial batch failures, if it does: in its own body or a function
    of its module it calls (directly or through others there), a Powertools batch call
    (`process_partial_response(...)`, `processor.response()` on a `BatchProcessor`), a
    `@batch_processor` decorator, or a `"batchItemFailures"` key it builds."""
    module = handler.home or handler.module
    if module is None or handler.function is None or not module.full:
        return None
    text = texts.get(module.display, "")
    # the key's lines are looked for only in a module that spells it somewhere
    lines = text.splitlines() if "batchItemFailures" in text else []
    todo, seen = [handler.function], set()
    while todo:
        function = todo.pop()
        if function.qualname in seen:
            continue
        seen.add(function.qualname)
        if any(d in BATCH_NAMES for d in function.decorators):
            return Use("batch_processor", function.span)
        for call in function.calls:
            hit = next((n for n in BATCH_NAMES if n in call.names or n == call.receiver_factory), None)
            if hit is not None:
                return Use(hit.rsplit(".", 1)[1], call.span)
            callee = next((module.functions[n] for n in call.names if n in module.functions), None)
            if callee is not None:
                todo.append(callee)
        key = _key_in_body(lines, function.span.line, module.display)
        if key is not None:
            return key
    return None


def _key_in_body(lines: list[str], def_line: int, display: str) -> Use | None:
    """A `"batchItemFailures"` key in the body of the function defined on `def_line` (its extent
    by indentation, as Python reads it)."""
    if not 0 < def_line <= len(lines):
        return None
    header = lines[def_line - 1]
    indent = len(header) - len(header.lstrip())
    number = def_line
    while number < len(lines):
        line = lines[number]
        stripped = line.strip()
        if stripped and len(line) - len(line.lstrip()) <= indent and not stripped.startswith(("#", ")", "]", "}")):
            break
        match = _BATCH_KEY.search(line)
        if match is not None and not _ALWAYS_EMPTY.match(line, match.end()):
            column = match.start(1) + 1
            return Use("batchItemFailures", Span(display, number + 1, column, number + 1, column + 19))
        number += 1
    return None


def tracing_use(modules: list[ModuleFacts]) -> Use | None:
    """Where the handler's code sends traces: Powertools `Tracer()` or the X-Ray SDK."""
    for module in modules:
        for use in _named(module, TRACER_NAMES + XRAY_NAMES):
            return use
    return None


def snapshot_unique_values(modules: list[ModuleFacts], texts: dict[str, str]) -> list[Use]:
    """Module-level calls whose per-environment value a SnapStart snapshot would share: a result
    kept in a module-level name (`ID = uuid.uuid4()`, `ID = str(uuid.uuid4())`), or the generator
    seeded by `random.seed`. A value only logged or passed on at import is not kept."""
    found: list[Use] = []
    for module in modules:
        lines = texts.get(module.display, "").splitlines()
        for call in module.module_calls:
            hit = next((n for n in UNIQUE_NAMES if n in call.names), None)
            if hit is None:
                continue
            line = lines[call.span.line - 1] if 0 < call.span.line <= len(lines) else ""
            if hit == "random.seed" or _MODULE_ASSIGNMENT.match(line):
                found.append(Use(hit, call.span))
    return found


def restores(modules: list[ModuleFacts]) -> bool:
    """The code registers an after-restore hook (`snapshot_restore_py.register_after_restore`)."""
    return any(True for module in modules for _ in _named(module, AFTER_RESTORE)) or any(
        AFTER_RESTORE[0] in d for module in modules for f in module.functions.values() for d in f.decorators)
