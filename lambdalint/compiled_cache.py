"""The compiled methods of dataclasses, kept between runs like Python keeps a module's bytecode.

`@dataclass` writes the source of each class's `__init__`, `__repr__`, `__eq__`, `__setattr__`...
and compiles it with `exec` at import time. LibCST declares about 200 node classes that way:
importing it compiles about 620 functions, some 80 ms of the ~140 ms its import takes, in every
run that reads handler code (bench/README.md, "Issue 14: compiled dataclass methods"). The source of
each method is the same from run to run, so the command-line entry (`__main__`) installs a
`CompiledCache` for its process: `exec` in the `dataclasses` module (the only name it compiles
through) then looks the source up and runs the code compiled by an earlier run (about 4 ms to
load them all). A source not seen before is compiled as `exec` would compile it, and the new code
is written back by `save`.

What makes it safe: the code for a source is what compiling that source gives (no inherited
`__future__` flags, the interpreter's own optimisation level), and the file is named for the
interpreter build and optimisation level, so code never crosses Python versions (marshal's
format and the bytecode both change between them). A file that cannot be read or is not such a
mapping is ignored; it is written by atomic replace, and is not written at all where Python does
not write bytecode either (`PYTHONDONTWRITEBYTECODE`, `-B`).

Where: `$LAMBDALINT_CACHE_DIR`, else `$XDG_CACHE_HOME/lambdalint`, else `~/.cache/lambdalint`;
`LAMBDALINT_CACHE_DIR=` (empty) turns the cache off. It holds nothing of the projects checked.
"""

from __future__ import annotations

import marshal
import os
import sys
import zlib
from pathlib import Path
from types import CodeType
from typing import Any, Mapping

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
    """Compiled code by source text, loaded from `path` and saved back there (`save`)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.code: dict[str, CodeType] = _read(path)
        self.used: set[str] = set()
        self._saved = len(self.code)  # how many `save` has no need to write again

    def exec(self, source: Any, globals: Any = None, locals: Any = None) -> None:  # noqa: A002 - exec's own names
        """`exec` for the `dataclasses` module: its source strings run as code compiled once."""
        if type(source) is str:
            code = self.code.get(source)
            if code is None:
                # dont_inherit: this module's `from __future__ import annotations` must not turn
                # the generated methods' annotations into strings, which exec would not do
                code = self.code[source] = compile(source, "<string>", "exec", dont_inherit=True)
            self.used.add(source)
            source = code
        exec(source, globals, locals)  # noqa: S102 - dataclasses' own generated methods

    def save(self) -> None:
        """Write what this process compiled (merged with what other processes wrote meanwhile);
        nothing where nothing is new, Python writes no bytecode, or the folder is not writable."""
        if len(self.code) == self._saved or sys.dont_write_bytecode:
            return
        merged = _read(self.path)
        merged.update(self.code)
        if len(merged) > MAX_ENTRIES:
            merged = {source: self.code[source] for source in self.used}
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
    """Route the `dataclasses` module's `exec` through a cache for the rest of this process (the
    command line's: never a library caller's); None where the cache is turned off."""
    folder = cache_dir(environ)
    if folder is None:
        return None
    import dataclasses

    build = zlib.crc32(sys.version.encode())
    cache = CompiledCache(folder / f"dataclasses-{sys.implementation.cache_tag}-{build:08x}-O{sys.flags.optimize}.marshal")
    # a module global named `exec` comes before the builtin for the code of `dataclasses`
    dataclasses.exec = cache.exec  # type: ignore[attr-defined]
    return cache


def _read(path: Path) -> dict[str, CodeType]:
    try:
        loaded = marshal.loads(path.read_bytes())
    except (OSError, ValueError, EOFError, TypeError):
        return {}
    if not isinstance(loaded, dict) or not all(type(k) is str and type(v) is CodeType for k, v in loaded.items()):
        return {}
    return loaded
