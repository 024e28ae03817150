"""Values that remember where they came from.

Every value the loaders put into the model is a `Located`: the value, the span of source text it was
read from, and its origin. Rules compare origins ("does this function rely on the platform default?")
and point findings at spans, so neither ever needs the raw YAML.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterator, Literal, NamedTuple

Origin = Literal["explicit", "globals", "provider", "default", "unresolved"]


class Span(NamedTuple):
    """A region of one file; lines and columns are 1-based, `end_column` is exclusive.

    A named tuple rather than a frozen dataclass: loaders make one per YAML node (140k for a
    900-template corpus) and a tuple is several times cheaper to create.
    """

    path: str
    line: int
    column: int
    end_line: int
    end_column: int

    @classmethod
    def point(cls, path: str, line: int, column: int = 1) -> Span:
        return cls(path, line, column, line, column + 1)


@dataclass(slots=True)
class Located:
    """A model value with its source span and origin.

    `value` is a scalar (str, int, float, bool, None), a `list[Located]` or a `dict[str, Located]`.
    Intrinsic functions keep their long form: `!Ref X` is `{"Ref": Located("X")}`.
    `key_span` is the span of the mapping key this value sits under, when it has one: findings about
    an entry (an environment variable, a property) point there.
    """

    value: Any
    span: Span
    origin: Origin = "explicit"
    key_span: Span | None = field(default=None, compare=False)

    # -- navigation helpers; they never raise on a shape mismatch, since templates are user input --

    def get(self, *keys: str) -> Located | None:
        node: Located | None = self
        for key in keys:
            value = node.value  # type: ignore[union-attr]
            if not isinstance(value, dict):
                return None
            node = value.get(key)
            if node is None:
                return None
        return node

    def but(self, *, value: Any = ..., origin: Origin | None = None) -> Located:
        """A copy with a new value and/or origin, span and key span kept: `dataclasses.replace`
        without its per-call field introspection (loaders copy thousands of nodes per template)."""
        return Located(self.value if value is ... else value, self.span,
                       self.origin if origin is None else origin, self.key_span)

    def items(self) -> Iterator[tuple[str, Located]]:
        if isinstance(self.value, dict):
            yield from self.value.items()

    def elements(self) -> list[Located]:
        """A list's items; a lone scalar or mapping counts as a one-item list (CFN often allows both)."""
        if isinstance(self.value, list):
            return self.value
        return [self]

    @property
    def intrinsic(self) -> tuple[str, Located] | None:
        """`("Ref", arg)` for `{"Ref": arg}` and every `Fn::*` one-key mapping, else None."""
        if isinstance(self.value, dict) and len(self.value) == 1:
            (name, arg), = self.value.items()
            if name == "Ref" or name.startswith("Fn::") or name == "Condition":
                return name, arg
        return None

    @property
    def is_literal(self) -> bool:
        """True for a plain scalar known at lint time (no intrinsic, no unresolved variable)."""
        return self.origin != "unresolved" and not isinstance(self.value, (dict, list))

    def plain(self) -> Any:
        """The value with all locations stripped (for rules that want plain data)."""
        if isinstance(self.value, dict):
            return {k: v.plain() for k, v in self.value.items()}
        if isinstance(self.value, list):
            return [v.plain() for v in self.value]
        return self.value

    def str_value(self) -> str | None:
        return self.value if isinstance(self.value, str) and self.is_literal else None


def default(value: Any, span: Span) -> Located:
    """A value the platform supplies because the template set none; it points at the owner's span."""
    return Located(value, span, "default")
