"""Syntax errors in plain words: what a module that does not parse reports (`LL001`)."""

from __future__ import annotations

import re

import libcst as cst
from libcst import CSTNode

from lambdalint.code.facts import ModuleFacts


def parse_error(display: str, path: str, text: str, exc: Exception) -> ModuleFacts:
    line, column, message = describe_syntax_error(text, exc)
    return ModuleFacts(path=path, display=display,
                       error=(line, column, f"Python syntax error: {message}"), full=False)


_LIBCST_ERROR = re.compile(r"^(?:parser error: )?error at (\d+):(\d+): (.*)$", re.S)
_LIBCST_TOKENS = {"INDENT": "an indented block", "DEDENT": "the end of the block", "NEWLINE": "the end of the line",
                  "NAME": "a name", "NUMBER": "a number", "STRING": "a string", "EOF": "the end of the file"}


def describe_syntax_error(text: str, exc: Exception) -> tuple[int, int, str]:
    """(line, 1-based column, plain words) for a module LibCST could not parse.

    LibCST's own text is `Syntax Error @ 2:1.` with a raw position at the start of the line after
    the mistake. CPython's parser (`ast.parse`: it only parses, nothing runs) says what is wrong
    where it is (`expected ':'` at the end of the `def` line, `'(' was never closed`), so it is
    asked first; LibCST's `message` (`error at 2:4: expected one of ->, :`) is the fallback when
    the two parsers disagree (a newer syntax one of them knows).
    """
    if isinstance(exc, RecursionError):
        return 1, 1, "the code is nested too deeply to analyse"
    found = _cpython_syntax_error(text)
    if found is not None:
        return found
    if isinstance(exc, cst.ParserSyntaxError):
        return _libcst_syntax_error(text, exc)
    message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return 1, 1, message


def _cpython_syntax_error(text: str) -> tuple[int, int, str] | None:
    import ast
    import warnings

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # invalid escape sequences and the like are not our report
            ast.parse(text)
    except SyntaxError as error:
        line = max(error.lineno or 1, 1)
        return line, max(error.offset or 1, 1), error.msg
    except (ValueError, RecursionError, MemoryError):
        return None
    return None


def _libcst_syntax_error(text: str, exc: cst.ParserSyntaxError) -> tuple[int, int, str]:
    raw = exc.message.strip()
    if raw.startswith("tokenizer error: "):
        return max(exc.raw_line, 1), exc.raw_column + 1, raw[len("tokenizer error: "):]
    match = _LIBCST_ERROR.match(raw)
    if match is None:
        return max(exc.raw_line, 1), exc.raw_column + 1, raw or str(exc)
    line, column, what = int(match.group(1)), int(match.group(2)), match.group(3)
    lines = text.splitlines()
    token = lines[line - 1][column:].split()[0] if 0 < line <= len(lines) and lines[line - 1][column:].split() else ""
    expected = [e.strip() for e in what.removeprefix("expected one of ").removeprefix("expected ").split(", ")]
    if len(expected) <= 3:
        words = " or ".join(_LIBCST_TOKENS.get(e, f"`{e}`") for e in expected)
        plain = f"expected {words}" + (f" before `{token}`" if token else "")
    else:
        plain = f"unexpected `{token}`" if token else "unexpected end of the file"
    return line, column + 1, plain


# What parsing user code can raise: a syntax error, a name LibCST refuses (e.g. a lone non-ASCII
# code point). RecursionError (deep input) is handled by `deep.bounded`, which retries with more room.
PARSE_FAILURES = (cst.ParserSyntaxError, cst.CSTValidationError, ValueError, TypeError)


def parse(text: str) -> cst.Module:
    if text.isascii() or not _trusting():
        return cst.parse_module(text)
    # outside ASCII, validation is what refuses a name the tokenizer let through
    CSTNode.__post_init__ = _VALIDATING  # type: ignore[method-assign]
    try:
        return cst.parse_module(text)
    finally:
        CSTNode.__post_init__ = _built_by_the_parser  # type: ignore[method-assign]


def trust_the_parser() -> None:
    """For the rest of this process, nodes of ASCII code are not validated as the parser builds them.

    Only for a code worker, a process of lambdalint's own (never a library caller's, whose own
    LibCST nodes must keep validating). Every node LibCST creates runs `_validate` from
    `__post_init__`, about a fifth of a parse (LibCST's own comment there: moving it out "would
    allow us to avoid validating the tree when parsing a file"). What the native parser builds
    from ASCII code passes it: 9,760 ASCII mutants of real modules gave no case where validation
    alone refused one (bench/README.md, "Issue 14 in the ninth stop"). A non-ASCII module is
    still validated (`parse`): a lone non-ASCII code point can pass the tokenizer as a name.
    """
    if _VALIDATING is not None:  # a LibCST that validates elsewhere is left as it is
        CSTNode.__post_init__ = _built_by_the_parser  # type: ignore[method-assign]


_VALIDATING = CSTNode.__dict__.get("__post_init__")


def _built_by_the_parser(self: CSTNode) -> None:
    pass


def _trusting() -> bool:
    return CSTNode.__dict__.get("__post_init__") is _built_by_the_parser
