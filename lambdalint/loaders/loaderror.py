"""What a loader raises for text it cannot load, and how deep a tree it reads."""

from __future__ import annotations

from dataclasses import dataclass

# Real templates nest fewer than 20 levels (the shared corpus: 17 at most); everything downstream
# (merging, rules) walks the tree recursively, so a deeper tree is refused here, not there.
MAX_DEPTH = 100


@dataclass(frozen=True)
class LoadError(Exception):
    """Text that cannot be loaded: the message, and the 1-based line and column it failed at."""

    message: str
    line: int = 1
    column: int = 1
    bounded: bool = False  # a safety limit, not a syntax error: no other reader may retry

    def __str__(self) -> str:
        return self.message
