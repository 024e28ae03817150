"""JSON text to a tree of `Located` values, without PyYAML.

JSON has always been read through the YAML path (`yamlnodes`), which gives it the same spans,
duplicate-key reports and limits as YAML templates. Importing PyYAML alone is ~12 ms, which a run
over Terraform paid only for the JSON policy documents in its heredocs and `file()`s. So JSON
that is JSON is read here, with `json`'s own C string scanner, into the tree the YAML path gives
for it: the same values (a number is what YAML 1.1 makes of it: `1e5` stays text, as it did),
spans from the opening quote or bracket to just past the closing one, key spans, and the same
duplicate-key problems. Anything this reader does not take (invalid JSON that YAML still reads,
tabs inside strings, nesting past `MAX_DEPTH`) goes to the YAML path as before, so its result and
errors never change.
"""

from __future__ import annotations

import bisect
import re
from json.decoder import scanstring

from lambdalint.loaders.loaderror import MAX_DEPTH, LoadError
from lambdalint.located import Located

__all__ = ["MAX_DEPTH", "LoadError", "load_json"]

def load_json(text: str, path: str, problems: list[LoadError] | None = None) -> Located:
    """The tree of JSON `text`. Problems that leave the rest readable (duplicate keys) go to
    `problems`, or are raised when it is None; anything else raises `LoadError`."""
    found: list[LoadError] = []
    try:
        root = _Reader(text, path, found).document()
    except _NotPlain:
        from lambdalint.loaders.yamlnodes import load_json_as_yaml

        return load_json_as_yaml(text, path, problems)
    if found:
        if problems is None:
            raise found[0]
        problems.extend(found)
    return root


class _NotPlain(Exception):
    """Text this reader leaves to the YAML path."""


_SPACE = re.compile(r"[ \t\n\r]*")
_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?")
_WORDS = {"true": True, "false": False, "null": None}


class _Reader:
    def __init__(self, text: str, path: str, problems: list[LoadError]) -> None:
        self.text = text
        self.path = path
        self.problems = problems
        self.line_starts = [0] + [match.end() for match in re.finditer("\n", text)]

    def point(self, offset: int) -> tuple[int, int]:
        """0-based (line, column), as YAML's marks give them."""
        line = bisect.bisect_right(self.line_starts, offset) - 1
        return line, offset - self.line_starts[line]

    def span(self, start: int, end: int) -> tuple[str, int, int, int, int]:
        return (self.path, *self.point(start), *self.point(end))

    def document(self) -> Located:
        text = self.text
        start = _SPACE.match(text, 0).end()  # type: ignore[union-attr]
        value, end = self.value(start, 0, None)
        if _SPACE.match(text, end).end() != len(text):  # type: ignore[union-attr]
            raise _NotPlain
        return value

    def value(self, at: int, depth: int, key: tuple[str, int, int, int, int] | None) -> tuple[Located, int]:
        text = self.text
        first = text[at:at + 1]
        if first == '"':
            try:
                string, end = scanstring(text, at + 1, True)
            except ValueError:
                raise _NotPlain from None
            return Located(string, self.span(at, end), "explicit", key), end
        if first == "{":
            return self.mapping(at, depth + 1, key)
        if first == "[":
            return self.sequence(at, depth + 1, key)
        number = _NUMBER.match(text, at)
        if number is not None:
            end = number.end()
            return Located(_yaml_number(number), self.span(at, end), "explicit", key), end
        for word, meaning in _WORDS.items():
            if text.startswith(word, at):
                end = at + len(word)
                return Located(meaning, self.span(at, end), "explicit", key), end
        raise _NotPlain

    def mapping(self, start: int, depth: int, key: tuple[str, int, int, int, int] | None) -> tuple[Located, int]:
        if depth > MAX_DEPTH:
            raise _NotPlain  # the YAML path says where, as it always has
        text = self.text
        result: dict[str, Located] = {}
        at = _SPACE.match(text, start + 1).end()  # type: ignore[union-attr]
        if text[at:at + 1] == "}":
            return Located(result, self.span(start, at + 1), "explicit", key), at + 1
        while True:
            if text[at:at + 1] != '"':
                raise _NotPlain
            try:
                name, key_end = scanstring(text, at + 1, True)
            except ValueError:
                raise _NotPlain from None
            key_span = self.span(at, key_end)
            if name in result:
                first = result[name].key_span
                where = f" (first defined on line {first.line}; the last value is used)" if first else ""
                line, column = self.point(at)
                self.problems.append(LoadError(f"duplicate key `{name}`{where}", line + 1, column + 1))
            at = _SPACE.match(text, key_end).end()  # type: ignore[union-attr]
            if text[at:at + 1] != ":":
                raise _NotPlain
            at = _SPACE.match(text, at + 1).end()  # type: ignore[union-attr]
            result[name], at = self.value(at, depth, key_span)
            at = _SPACE.match(text, at).end()  # type: ignore[union-attr]
            separator = text[at:at + 1]
            if separator == "}":
                return Located(result, self.span(start, at + 1), "explicit", key), at + 1
            if separator != ",":
                raise _NotPlain
            at = _SPACE.match(text, at + 1).end()  # type: ignore[union-attr]

    def sequence(self, start: int, depth: int, key: tuple[str, int, int, int, int] | None) -> tuple[Located, int]:
        if depth > MAX_DEPTH:
            raise _NotPlain
        text = self.text
        items: list[Located] = []
        at = _SPACE.match(text, start + 1).end()  # type: ignore[union-attr]
        if text[at:at + 1] == "]":
            return Located(items, self.span(start, at + 1), "explicit", key), at + 1
        while True:
            item, at = self.value(at, depth, None)
            items.append(item)
            at = _SPACE.match(text, at).end()  # type: ignore[union-attr]
            separator = text[at:at + 1]
            if separator == "]":
                return Located(items, self.span(start, at + 1), "explicit", key), at + 1
            if separator != ",":
                raise _NotPlain
            at = _SPACE.match(text, at + 1).end()  # type: ignore[union-attr]


def _yaml_number(number: re.Match[str]) -> object:
    """A JSON number as YAML 1.1 reads the same plain scalar: an integer, a float only with a
    fraction and a signed exponent if any (`1.5`, `1.0e+3`), else text (`1e5`, `1.5e3`)."""
    fraction, exponent = number.group(1), number.group(2)
    if fraction is None and exponent is None:
        return int(number.group())
    if fraction is not None and (exponent is None or exponent[1] in "+-"):
        return float(number.group())
    return number.group()
