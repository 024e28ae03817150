"""A regular expression compiled when first used.

A module-level `re.compile` is paid by every process that imports the module, including an
editor's save of a handler, which asks most patterns nothing; compiling a large pattern can cost
more than a millisecond (`bench/README.md`, on-save latency). Its pattern is the code's own, never
made from what a run reads: the command's compiled cache keeps its program for the next run
(`compiled_cache`).
"""

from __future__ import annotations

import re


class LazyPattern:
    """Stands in for `re.compile(pattern, flags)`: compiled on the first attribute asked for."""

    __slots__ = ("_args", "_compiled")

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self._args = (pattern, flags)
        self._compiled: re.Pattern[str] | None = None

    def __getattr__(self, name: str) -> object:   # `search`, `fullmatch`, `findall`...
        if name.startswith("_"):  # copy and pickle ask for hooks before any slot is set
            raise AttributeError(name)
        if self._compiled is None:
            self._compiled = re.compile(*self._args)
        return getattr(self._compiled, name)

    def __reduce__(self) -> tuple[type, tuple[str, int]]:
        return LazyPattern, self._args

    @property
    def compiled(self) -> bool:
        return self._compiled is not None
