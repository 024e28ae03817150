"""Values that remember where they came from.

Every value the loaders put into the model is a `Located`: the value, the span of source text it was
read from, and its origin. Rules compare origins ("does this function rely on the platform default?")
and point findings at spans, so neither ever needs the raw YAML.
"""

from __future__ import annotations

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


_new_span = tuple.__new__
# What the YAML converter stores where a span goes: (path, line, column, end_line, end_column), all
# 0-based as libyaml's marks give them. A plain tuple costs half of a `Span` (a tuple subclass is
# built by copying a temporary tuple), and most values never have their span read: it becomes a
# `Span` the first time it is.
RawSpan = tuple


def _span(raw: tuple[str, int, int, int, int]) -> Span:
    path, line, column, end_line, end_column = raw
    return _new_span(Span, (path, line + 1, column + 1, end_line + 1, end_column + 1))


class Located:
    """A model value with its source span and origin.

    `value` is a scalar (str, int, float, bool, None), a `list[Located]` or a `dict[str, Located]`.
    Intrinsic functions keep their long form: `!Ref X` is `{"Ref": Located("X")}`.
    `key_span` is the span of the mapping key this value sits under, when it has one: findings about
    an entry (an environment variable, a property) point there.
    Two values are equal when their value, span and origin are (the key span does not count).
    The YAML converter passes its spans as `RawSpan` tuples; reading one gives a `Span`.
    """

    __slots__ = ("value", "_span", "origin", "_key_span")
    __hash__ = None  # type: ignore[assignment]  # mutable, like the dataclass it replaces

    def __init__(self, value: Any, span: Span, origin: Origin = "explicit", key_span: Span | None = None) -> None:
        self.value = value
        self._span = span
        self.origin = origin
        self._key_span = key_span

    @property
    def span(self) -> Span:
        span = self._span
        if span.__class__ is RawSpan:
            span = self._span = _span(span)
        return span

    @span.setter
    def span(self, span: Span) -> None:
        self._span = span

    @property
    def key_span(self) -> Span | None:
        span = self._key_span
        if span.__class__ is RawSpan:
            span = self._key_span = _span(span)
        return span

    @key_span.setter
    def key_span(self, span: Span | None) -> None:
        self._key_span = span

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return (self.value, self.span, self.origin) == (other.value, other.span, other.origin)  # type: ignore[attr-defined]

    def __repr__(self) -> str:
        return f"Located(value={self.value!r}, span={self.span!r}, origin={self.origin!r}, key_span={self.key_span!r})"

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

    def but(self, *, value: Any = ..., origin: Origin | None = None, key_span: Span | None = ...) -> Located:  # type: ignore[assignment]
        """A copy with a new value, origin and/or key span, the rest kept (spans as they are
        stored: copying one never builds a `Span`)."""
        return Located(self.value if value is ... else value, self._span,
                       self.origin if origin is None else origin, self._key_span if key_span is ... else key_span)

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
