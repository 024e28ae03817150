"""Code compiled at import time, kept between runs like Python keeps a module's bytecode.

`@dataclass` writes the source of each class's `__init__`, `__repr__`, `__eq__`, `__setattr__`...
and compiles it with `exec` at import time. LibCST declares about 200 node classes that way:
importing it compiles about 620 functions, some 80 ms of the ~140 ms its import takes, in every
run that reads handler code (bench/README.md, "Issue 14: compiled dataclass methods"). Named tuples
(`collections.namedtuple` `eval`s each one's `__new__`, `typing.NamedTuple` compiles each field's
annotation) and the regular expressions modules compile at their top level (`re` parses each
pattern and generates its program in Python) cost the command ~15 ms more per run (bench/README.md,
"Issue 14 in the ninth stop"). What is compiled is the same from run to run, so the command-line
entry (`__main__`) installs a `CompiledCache` for its process: `exec` in `dataclasses`, `eval` in
`collections`, `compile` in `typing` and `re`'s compile step then look the source or pattern up
and use what an earlier run compiled. Anything not seen before is compiled as it would have been,
and written back by `save`.

What makes it safe: the code for a source is what compiling that source gives (no inherited
`__future__` flags: none of those modules has any; the interpreter's own optimisation level), a
pattern's program is kept only once the pattern built from it equals `re`'s own (same program,
flags and groups), and the file is named for the interpreter build and optimisation level, so
nothing crosses Python versions (marshal's format, the bytecode and `re`'s programs all change
between them). A file that cannot be read or is not such a mapping is ignored; it is written by
atomic replace, and is not written at all where Python does not write bytecode either
(`PYTHONDONTWRITEBYTECODE`, `-B`).

Where: `$LAMBDALINT_CACHE_DIR`, else `$XDG_CACHE_HOME/lambdalint`, else `~/.cache/lambdalint`;
`LAMBDALINT_CACHE_DIR=` (empty) turns the cache off. It holds nothing of the projects checked: a
pattern that a function compiles (possibly from a name read in a project) is left to `re`.
"""

from __future__ import annotations

import marshal
import os
import sys
import zlib
from pathlib import Path
from types import CodeType
from typing import Any, Callable, Mapping

import _sre

# Beyond this many sources the file is rewritten with only this process's (an upgraded LibCST or
# plugin leaves sources behind that no run asks for again).
MAX_ENTRIES = 4000


def cache_dir(environ: Mapping[str, str] = os.environ) -> Path | None:
    """Where lambdalint keeps its caches; None: turned off."""
    if "LAMBDALINT_CACHE_DIR" in environ:
        chosen = environ["LAMBDALINT_CACHE_DIR"]
        return Path(chosen).expanduser() if chosen else None
    base = environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "lambdalint"


class CompiledCache:
    """Code compiled from source text (keyed by `(mode, filename, source)`) and regular expression
    programs (keyed by `("re", pattern, flags)`), loaded from `path` and saved back there (`save`)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.code: dict[tuple[Any, ...], Any] = _read(path)
        self.used: set[tuple[Any, ...]] = set()
        self._saved = len(self.code)

    def compile(self, source: Any, filename: Any, mode: str, flags: int = 0, dont_inherit: bool = False,
                optimize: int = -1) -> Any:
        """`compile` for the standard modules routed here (`typing`'s forward references): a string
        compiled by an earlier run is not compiled again. Their callers inherit no `__future__`
        flags (the standard modules import none), so neither does the code compiled here."""
        if type(source) is not str or flags or optimize != -1:
            return compile(source, filename, mode, flags, dont_inherit, optimize)
        key = (mode, filename, source)
        code = self.code.get(key)
        if type(code) is not CodeType:
            # dont_inherit: this module's `from __future__ import annotations` must not turn
            # the generated methods' annotations into strings, which exec would not do
            code = self.code[key] = compile(source, filename, mode, dont_inherit=True)
        self.used.add(key)
        return code

    def exec(self, source: Any, globals: Any = None, locals: Any = None) -> None:  # noqa: A002 - exec's own names
        """`exec` for the `dataclasses` module: its source strings run as code compiled once."""
        if type(source) is str:
            source = self.compile(source, "<string>", "exec")
        exec(source, globals, locals)  # noqa: S102 - dataclasses' own generated methods

    def eval(self, source: Any, globals: Any = None, locals: Any = None) -> Any:  # noqa: A002 - eval's own names
        """`eval` for the `collections` module: the `__new__` of each named tuple, compiled once."""
        if type(source) is str:
            source = self.compile(source, "<string>", "eval")
        return eval(source, globals, locals)  # noqa: S307 - namedtuple's own generated constructor

    def regex(self, compile_regex: Callable[..., Any], pattern: Any, flags: int = 0) -> Any:
        """`re`'s compile step for a pattern that a module's own top-level code compiles: the program
        an earlier run built for it (parsing the pattern and generating its program is what costs),
        checked once against `re`'s own result before it is kept. `compile_regex` is `re`'s step.

        Patterns compiled anywhere else are left to `re`: some are made from what a run reads (the
        name of a handler, of an imported package), and this cache holds nothing of the projects."""
        flags = int(flags)
        if type(pattern) not in (str, bytes) or flags & _RE_DEBUG or not _from_top_level_code():
            return compile_regex(pattern, flags)
        key = ("re", pattern, flags)
        program = self.code.get(key)
        if type(program) is tuple:
            self.used.add(key)
            return _sre.compile(pattern, *program)
        compiled = compile_regex(pattern, flags)
        program = _regex_program(pattern, flags)
        if program is not None and _same_regex(_sre.compile(pattern, *program), compiled):
            self.code[key] = program
            self.used.add(key)
        return compiled

    def regex_step(self, compile_regex: Callable[..., Any]) -> Callable[..., Any]:
        """`re`'s compile step (`re._compiler.compile`, given as `compile_regex`) through `regex`."""
        def step(pattern: Any, flags: int = 0) -> Any:
            return self.regex(compile_regex, pattern, flags)

        return step

    def save(self) -> None:
        """Write what this process compiled (merged with what other processes wrote meanwhile);
        nothing where nothing is new, Python writes no bytecode, or the folder is not writable."""
        if len(self.code) == self._saved or sys.dont_write_bytecode:
            return
        merged = _read(self.path)
        merged.update(self.code)
        if len(merged) > MAX_ENTRIES:
            merged = {key: self.code[key] for key in self.used}
        temporary = self.path.with_name(f"{self.path.name}.{os.getpid()}.tmp")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            temporary.write_bytes(marshal.dumps(merged))
            os.replace(temporary, self.path)
        except (OSError, ValueError):
            try:
                temporary.unlink()
            except OSError:
                pass
            return
        self._saved = len(self.code)


def install(environ: Mapping[str, str] = os.environ) -> CompiledCache | None:
    """Route the compile steps of `dataclasses`, `collections.namedtuple`, `typing`'s forward
    references and `re` through a cache for the rest of this process (the command line's: never
    a library caller's); None where the cache is turned off."""
    folder = cache_dir(environ)
    if folder is None:
        return None
    import collections
    import dataclasses
    import typing

    build = zlib.crc32(sys.version.encode())
    cache = CompiledCache(folder / f"compiled-{sys.implementation.cache_tag}-{build:08x}-O{sys.flags.optimize}.marshal")
    # a module global named like a builtin comes before the builtin for that module's code
    dataclasses.exec = cache.exec  # type: ignore[attr-defined]
    collections.eval = cache.eval  # type: ignore[attr-defined]
    typing.compile = cache.compile  # type: ignore[attr-defined]
    try:
        from re import _compiler  # type: ignore[attr-defined]  # Python 3.11 and later
    except ImportError:
        return cache
    _compiler.compile = cache.regex_step(_compiler.compile)
    return cache


_RE_DEBUG = 128  # re.DEBUG: prints the program as it is compiled


def _from_top_level_code() -> bool:
    """Whether the code that asked `re` for the pattern is a module's top level (`_NAME =
    re.compile(...)`), or a `LazyPattern` compiled on its first use (declared by a module or
    built from the rules' own declarations, `scan.prefilter`), rather than a function that may
    build it from what it reads."""
    frame = sys._getframe(2)
    while frame is not None and frame.f_globals.get("__name__") in ("re", "re._compiler", __name__):
        frame = frame.f_back  # type: ignore[assignment]
    return frame is not None and (frame.f_code.co_name == "<module>" or
                                  frame.f_globals.get("__name__") == "lambdalint.lazy_pattern")


def _regex_program(pattern: Any, flags: int) -> tuple[Any, ...] | None:
    """The arguments `_sre.compile` takes after the pattern: `re._compiler.compile` computes them
    from the parsed pattern (the flags it found inline, the program, the groups both ways). None
    where this Python's `re` is built otherwise."""
    try:
        from re import _compiler, _parser  # type: ignore[attr-defined]

        parsed = _parser.parse(pattern, flags)
        state = parsed.state
        names: list[str | None] = [None] * state.groups
        for name, index in state.groupdict.items():
            names[index] = name
        program = [int(word) for word in _compiler._code(parsed, flags)]  # opcodes are int subclasses
        return int(flags | state.flags), program, state.groups - 1, dict(state.groupdict), tuple(names)
    except Exception:  # noqa: BLE001 - any difference in `re`'s internals: compile without the cache
        return None


def _same_regex(built: Any, compiled: Any) -> bool:
    # `==` on patterns compares the pattern, the flags and the program
    return built == compiled and built.groupindex == compiled.groupindex and built.groups == compiled.groups


def _read(path: Path) -> dict[tuple[Any, ...], Any]:
    try:
        loaded = marshal.loads(path.read_bytes())
    except (OSError, ValueError, EOFError, TypeError):
        return {}
    if not isinstance(loaded, dict) or not all(type(k) is tuple and type(v) in (CodeType, tuple) for k, v in loaded.items()):
        return {}
    return loaded
