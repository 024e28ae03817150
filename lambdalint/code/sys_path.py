"""Folders a module puts on `sys.path`, worked out from its text: `sys.path.append(os.path.join(
os.path.dirname(os.path.realpath(__file__)), "../"))` makes `import lib` load `<handler dir>/../lib`.

Lambda code does this to share a folder between handlers or to reach vendored libraries; without
it those imports resolve nowhere and the code they lead to is never read. Only the spellings that
name a folder from the module's own place are understood: `__file__`, string literals (relative to
the working directory, which Lambda sets to the code folder), `LAMBDA_TASK_ROOT`, `os.getcwd()`,
`os.path.join`/`dirname`/`abspath`/`realpath`/`normpath`, `pathlib.Path` with `/`, `.parent`,
`.parents[n]`, `.resolve()`, `str()`, `+` of strings, f-strings, and names assigned one of those
earlier in the module. Anything else is reported back by line, never guessed. Nothing is run:
each call's text is parsed with `ast` and evaluated here.
"""

from __future__ import annotations

import ast
import posixpath
import re
from dataclasses import dataclass
from pathlib import Path

_ADDING = re.compile(r"\bsys\.path\.(append|insert|extend)[ \t]*\(|\bsite\.addsitedir[ \t]*\(")
_OS_PATH_NAMES = frozenset({"join", "dirname", "abspath", "realpath", "normpath"})
_MAX_DEPTH = 8  # names defined by names: `HERE = ...; ROOT = os.path.join(HERE, "..")`


@dataclass(frozen=True)
class AddedPaths:
    """What a module adds to `sys.path`: `front` (inserted before the code folder), `back`
    (appended), and the lines of additions that could not be worked out."""

    front: tuple[Path, ...] = ()
    back: tuple[Path, ...] = ()
    unknown: tuple[int, ...] = ()

    def around(self, roots: tuple[Path, ...]) -> tuple[Path, ...]:
        """`roots` as the module leaves them (the folders that exist, each once, in search order)."""
        return tuple(dict.fromkeys((*self.front, *roots, *self.back)))


def added_paths(file: Path, text: str, cwd: Path | None) -> AddedPaths:
    """The folders `file` adds to `sys.path`; `cwd`: the working directory at run time (the code
    folder), None where unknown."""
    if "sys.path" not in text and "addsitedir" not in text:
        return AddedPaths()
    front: list[Path] = []
    back: list[Path] = []
    unknown: list[int] = []
    for match in _ADDING.finditer(text):
        line = text.count("\n", 0, match.start()) + 1
        call = _call_at(text, match.start())
        paths = _Evaluator(file, text, cwd, match.start()).call_paths(call) if call is not None else None
        if paths is None:
            unknown.append(line)
            continue
        inserted = match.group(1) == "insert"
        for path in paths:
            if path is None:
                unknown.append(line)
            elif path.is_dir():  # a folder not built yet (`vendored/`) holds nothing to read
                (front if inserted else back).append(path)
    return AddedPaths(tuple(front), tuple(back), tuple(dict.fromkeys(unknown)))


def _call_at(text: str, start: int) -> ast.Call | None:
    """The call that starts at `start`, parsed alone (its parentheses may span lines)."""
    depth = 0
    quote = ""
    index = text.index("(", start)
    end = min(len(text), index + 2000)
    while index < end:
        char = text[index]
        if quote:
            if char == "\\":
                index += 1
            elif char == quote:
                quote = ""
        elif char in "'\"":
            quote = char
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                try:
                    node = ast.parse(text[start:index + 1], mode="eval").body
                except (SyntaxError, ValueError):
                    return None
                return node if isinstance(node, ast.Call) else None
        elif char == "#":
            newline = text.find("\n", index)
            index = end if newline < 0 else newline
            continue
        index += 1
    return None


class _Evaluator:
    """Path expressions of one module, evaluated to folder paths (posix text) or None."""

    def __init__(self, file: Path, text: str, cwd: Path | None, before: int) -> None:
        self.file = file
        self.text = text
        self.cwd = cwd
        self.before = before  # a name's value is its last assignment above the call

    def call_paths(self, call: ast.Call) -> list[Path | None] | None:
        args = call.args
        name = call.func.attr if isinstance(call.func, ast.Attribute) else ""
        if name == "insert":
            args = args[1:2]
        elif name == "extend":
            if len(args) != 1 or not isinstance(args[0], (ast.List, ast.Tuple)):
                return None
            args = list(args[0].elts)
        if len(args) != 1 and name != "extend":
            return None
        return [self._folder(arg) for arg in args]

    def _folder(self, node: ast.expr) -> Path | None:
        value = self._value(node, 0)
        if value is None:
            return None
        if not value.startswith("/"):
            if self.cwd is None:
                return None
            value = posixpath.join(self.cwd.as_posix(), value)
        return Path(posixpath.normpath(value))

    def _value(self, node: ast.expr, depth: int) -> str | None:
        if depth > _MAX_DEPTH:
            return None
        if isinstance(node, ast.Constant):
            return node.value if isinstance(node.value, str) else None
        if isinstance(node, ast.Name):
            return self.file.as_posix() if node.id == "__file__" else self._named(node.id, depth)
        if isinstance(node, ast.BinOp):
            left, right = self._value(node.left, depth + 1), self._value(node.right, depth + 1)
            if left is None or right is None:
                return None
            if isinstance(node.op, ast.Add):
                return left + right
            return posixpath.join(left, right) if isinstance(node.op, ast.Div) else None
        if isinstance(node, ast.JoinedStr):
            parts = [self._value(part.value if isinstance(part, ast.FormattedValue) else part, depth + 1)
                     for part in node.values]
            return None if None in parts else "".join(parts)  # type: ignore[arg-type]
        if isinstance(node, ast.Attribute) and node.attr == "parent":
            inner = self._value(node.value, depth + 1)
            return None if inner is None else posixpath.dirname(posixpath.normpath(inner))
        if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Attribute) and \
                node.value.attr == "parents" and isinstance(node.slice, ast.Constant) and \
                isinstance(node.slice.value, int) and 0 <= node.slice.value < 16:
            inner = self._value(node.value.value, depth + 1)
            if inner is None:
                return None
            inner = posixpath.normpath(inner)
            for _ in range(node.slice.value + 1):
                inner = posixpath.dirname(inner)
            return inner
        if isinstance(node, ast.Subscript) and _dotted(node.value) == "os.environ":
            return self._environ(node.slice)
        if isinstance(node, ast.Call):
            return self._called(node, depth)
        return None

    def _called(self, node: ast.Call, depth: int) -> str | None:
        name = self._os_path(_dotted(node.func))
        args = node.args
        if node.keywords or any(isinstance(arg, ast.Starred) for arg in args):
            return None
        if name in ("os.path.join", "posixpath.join"):
            parts = [self._value(arg, depth + 1) for arg in args]
            return None if not parts or None in parts else posixpath.join(*parts)  # type: ignore[arg-type]
        if name in ("os.getcwd", "pathlib.Path.cwd", "Path.cwd") and not args:
            return self.cwd.as_posix() if self.cwd is not None else None
        if name in ("os.environ.get", "os.getenv") and args:
            return self._environ(args[0])
        if isinstance(node.func, ast.Attribute) and node.func.attr in ("resolve", "absolute") and not args:
            return self._value(node.func.value, depth + 1)
        if len(args) != 1:
            return None
        inner = self._value(args[0], depth + 1)
        if inner is None:
            return None
        if name in ("os.path.dirname", "posixpath.dirname"):
            return posixpath.dirname(inner)
        if name in ("os.path.abspath", "os.path.realpath", "os.path.normpath", "str", "os.fspath",
                    "Path", "pathlib.Path", "PurePath", "pathlib.PurePath", "PosixPath", "pathlib.PosixPath"):
            return posixpath.normpath(inner) if name.startswith("os.path") else inner
        return None

    def _os_path(self, name: str) -> str:
        """`os.path.join` for `join` (`from os.path import join`) and `path.join` (`from os import path`)."""
        if name in _OS_PATH_NAMES and re.search(r"^[ \t]*from[ \t]+os\.path[ \t]+import\b", self.text, re.M):
            return f"os.path.{name}"
        if name.startswith("path.") and re.search(r"^[ \t]*from[ \t]+os[ \t]+import[^\n]*\bpath\b", self.text, re.M):
            return f"os.{name}"
        return name

    def _environ(self, key: ast.expr) -> str | None:
        # the one variable that names a folder of the project: the code folder
        if isinstance(key, ast.Constant) and key.value == "LAMBDA_TASK_ROOT" and self.cwd is not None:
            return self.cwd.as_posix()
        return None

    def _named(self, name: str, depth: int) -> str | None:
        """The value of the last `name = <expression on one line>` above the call."""
        found = None
        pattern = re.compile(rf"^[ \t]*{re.escape(name)}[ \t]*=[ \t]*([^\n=][^\n]*)$", re.M)
        for match in pattern.finditer(self.text, 0, self.before):
            found = match
        if found is None:
            return None
        try:
            node = ast.parse(found.group(1).split("#")[0].strip(), mode="eval").body
        except (SyntaxError, ValueError):
            return None
        return _Evaluator(self.file, self.text, self.cwd, found.start())._value(node, depth + 1)


def _dotted(node: ast.expr) -> str:
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return ""
