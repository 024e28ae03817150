"""Cheap text scans that decide which modules are worth a LibCST parse.

A module is parsed in full only when its text names something a selected code rule looks for, or
when it imports (transitively, within the project) a module that does: the rest of a large project
is never parsed. What a rule looks for is its own declaration (`Rule.code_names`: the dotted names
of the calls it matches, of which the last part must appear in the text as a word;
`Rule.code_patterns`: regular expressions for facts that are not names), so a name added to a
rule's list can never be hidden by a scan that does not know it.
"""

from __future__ import annotations

import fnmatch
import functools
import re
from typing import Iterable, NamedTuple

from lambdalint.lazy_pattern import LazyPattern


class Prefilter(NamedTuple):
    """The text test for one run: `wanted(text)` is True when a module may hold a fact one of
    the selected rules reports. `None` words: a selected rule declares nothing, so every module
    is wanted."""

    words: frozenset[str] | None
    # words first: a handler usually names one in its imports, and a look-up per word of the text
    # is far cheaper per character than the patterns, which are compiled only when asked
    patterns: LazyPattern | None = None
    # declared words that are not one `\w+` token (a plugin's) cannot be looked up as tokens
    odd_words: LazyPattern | None = None

    def wanted(self, text: str) -> bool:
        if self.words is None:
            return True
        # `\bword\b` in the text, for a word of word characters: a maximal run of them equal to
        # it. Stops at the first one, like a search would, without compiling an alternation of
        # every word (about 1 ms per process for the built-in rules' ~110 words).
        if self.words and any(token.group() in self.words for token in _TOKEN.finditer(text)):
            return True
        return any(regex is not None and regex.search(text) is not None
                   for regex in (self.odd_words, self.patterns))


_TOKEN = re.compile(r"\w+")


def last_word(name: str) -> str:
    """`connect` for `psycopg2.connect`: the part of a dotted name every spelling of the call
    shows (`from psycopg2 import connect as c` still names it in the import)."""
    return name.rpartition(".")[2]


@functools.lru_cache(maxsize=16)
def prefilter(names: frozenset[str], patterns: frozenset[str] = frozenset()) -> Prefilter:
    """The pre-filter for these names and patterns, built once per process for each selection
    (the language server's runs share it)."""
    words = frozenset(last_word(n) for n in names if last_word(n))
    odd = sorted(w for w in words if _TOKEN.fullmatch(w) is None)
    return Prefilter(
        words,
        LazyPattern("|".join(f"(?:{p})" for p in sorted(patterns)), re.M) if patterns else None,
        LazyPattern(r"\b(?:" + "|".join(re.escape(w) for w in odd) + r")\b") if odd else None)


EVERYTHING = Prefilter(None)


def rules_prefilter(rules: Iterable[object]) -> Prefilter:
    """The pre-filter for the code rules among `rules` (`lambdalint.rule.Rule`s): the union of what
    they declare. A code rule that declares `code_names=None` (a plugin written before the field
    existed) makes every module wanted."""
    names: set[str] = set()
    patterns: set[str] = set()
    for rule in rules:
        if not getattr(rule, "needs_code", False):
            continue
        declared = getattr(rule, "code_names", None)
        if declared is None:
            return EVERYTHING
        names.update(declared)
        patterns.update(getattr(rule, "code_patterns", ()))
    return prefilter(frozenset(names), frozenset(patterns))


_IMPORT_RE = re.compile(r"^[ \t]*(?:from[ \t]+(\.*[\w.]*)[ \t]+import[ \t]+\(?([^\n#)]*)|import[ \t]+([^\n#]+))", re.M)
_TEST_FILE = re.compile(r"(^|/)(tests?|testing)/|(^|/)(test_[^/]*|[^/]*_test|conftest)\.py$")


def imported_modules(text: str) -> list[tuple[int, str]]:
    """(relative level, dotted name) for each module an import statement may load.

    `from a import b` yields both `a` and `a.b` (b may be a submodule), `from . import b` the
    package (level 1, "") and `.b`; unresolvable names are dropped later by the module map.
    """
    found: list[tuple[int, str]] = []
    for match in _IMPORT_RE.finditer(text):
        source, names, plain = match.groups()
        if plain is not None:
            for part in plain.split(","):
                name = part.strip().split(" as ")[0].strip()
                if name:
                    found.append((0, name))
            continue
        level = len(source) - len(source.lstrip("."))
        base = source[level:]
        if base or level:  # `from . import db`: the package's own `__init__.py` (db may be a name in it)
            found.append((level, base))
        for part in (names or "").split(","):
            name = part.strip().split(" as ")[0].strip().rstrip("\\").strip()
            if name and name != "*" and name.isidentifier():
                found.append((level, f"{base}.{name}" if base else name))
    return found


def handler_shaped(text: str, patterns: Iterable[str]) -> list[str]:
    """Names of module-level `def`s whose name matches a handler pattern (the signature is checked later)."""
    names = re.findall(r"^(?:async[ \t]+)?def[ \t]+(\w+)[ \t]*\(", text, re.M)
    patterns = tuple(patterns)
    return [n for n in names if any(fnmatch.fnmatchcase(n, p) for p in patterns)]


def is_test_file(posix_path: str) -> bool:
    return _TEST_FILE.search(posix_path) is not None
