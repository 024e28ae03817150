"""Modules too deep for a plain parse: never a crash, never a lost file.

`bounded(build, path, display, text)` runs a fact builder (`extract.full_facts`'s walk,
`definitions.definition_facts`) so that input nested deeper than LibCST or the walk can take is an
LL001 at its line, or is analysed with more room, instead of a segfault or a masked RecursionError.
"""

from __future__ import annotations

import re
from typing import Callable

from lambdalint.code.facts import ModuleFacts

# Deep code: LibCST's native parser recurses per nesting level on the C stack and crashes the
# process (SIGSEGV, not an exception) past about 1,500 levels, and its tree conversion and our walk
# raise RecursionError past a few hundred (a 600-term `and` chain). CPython's own parser refuses what
# it cannot nest (200 parentheses, `too complex`) with an exception, so text that could be deep is
# shown to it first, and what it accepts is analysed in a thread with a large stack.
_DEEP_STACK = 512 * 1024 * 1024  # virtual: only the pages a deep walk touches are ever used
_DEEP_RECURSION = 60_000
_LONG_LINE = re.compile(r"[^\n]{1000}")
_LONG_CONTINUATION = re.compile(r"(?:\\\r?\n[^\n]*){100}")
_BRACKETS = re.compile(r"[()\[\]{}]")


def bounded(build: Callable[[str, str, str], ModuleFacts], path: str, display: str, text: str) -> ModuleFacts:
    suspect = _deep_suspect(text)
    if suspect is None:
        try:
            return build(path, display, text)
        except RecursionError:
            suspect = 1
    refused = _cpython_refuses(text, suspect)
    if refused is not None:
        return ModuleFacts(path=path, display=display, error=refused, full=False)
    return _in_deep_thread(build, path, display, text, suspect)


def _deep_suspect(text: str) -> int | None:
    """The line where `text` could nest deeper than LibCST can take, or None (the common case:
    no line of 1,000 characters, no bracket 100 deep or holding 2,000 characters, no long run of
    backslash continuations). Brackets inside strings count too: a false alarm costs one CPython parse."""
    found = _LONG_LINE.search(text) or _LONG_CONTINUATION.search(text)
    if found is not None:
        return text.count("\n", 0, found.start()) + 1
    depth = 0
    opened: list[int] = []
    for match in _BRACKETS.finditer(text):
        if match.group() in "([{":
            opened.append(match.start())
            depth += 1
            if depth > 100:
                return text.count("\n", 0, match.start()) + 1
        elif opened:
            start = opened.pop()
            depth -= 1
            if match.start() - start > 2000 and not opened:
                return text.count("\n", 0, start) + 1
    return None


def _cpython_refuses(text: str, line: int) -> tuple[int, int, str] | None:
    """(line, column, message) when CPython itself cannot parse `text`; its parser never crashes."""
    import ast
    import warnings

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ast.parse(text)
    except SyntaxError as error:
        return max(error.lineno or line, 1), max(error.offset or 1, 1), f"Python syntax error: {error.msg}"
    except (RecursionError, MemoryError):
        return line, 1, "nested too deeply for Python to parse (CPython refuses it too)"
    except ValueError as error:
        return line, 1, f"Python syntax error: {error}"
    return None


def _in_deep_thread(build: Callable[[str, str, str], ModuleFacts], path: str, display: str,
                    text: str, line: int) -> ModuleFacts:
    import sys
    import threading

    outcome: list[ModuleFacts] = []

    def run() -> None:
        try:
            outcome.append(build(path, display, text))
        except RecursionError:
            pass
        except Exception as exc:  # noqa: BLE001 - reported like any module that cannot be analysed
            outcome.append(ModuleFacts(path=path, display=display, full=False,
                                       error=(1, 1, f"cannot analyse: {type(exc).__name__}: {exc}")))

    old_stack, old_limit = threading.stack_size(), sys.getrecursionlimit()
    try:
        threading.stack_size(_DEEP_STACK)
        sys.setrecursionlimit(max(old_limit, _DEEP_RECURSION))
        worker = threading.Thread(target=run, name="lambdalint-deep-module")
        worker.start()
        worker.join()
    except (RuntimeError, ValueError, MemoryError):  # no thread of that size on this platform
        pass
    finally:
        threading.stack_size(old_stack)
        sys.setrecursionlimit(old_limit)
    if outcome:
        return outcome[0]
    return ModuleFacts(path=path, display=display, full=False,
                       error=(line, 1, "cannot analyse: the code is nested too deeply (more than "
                                    f"{_DEEP_RECURSION} levels)"))
