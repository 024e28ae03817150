"""The rule registry: the built-in rules (every module of the `lambdalint.rules` package) and
the rules of third-party packs (the `lambdalint.rules` entry-point group).

A built-in rule is one file: the package is walked (a directory listing), so nothing else names
it. Rule packs keep the entry-point door; an entry point that names a built-in rule (a stale
`pyproject.toml` line) adds nothing, and two different rules with one code are an error.

What decides whether a built-in rule runs (code, slug, preview, where it reports) is also kept in
a generated index, `rules/_index.py` (`python -m lambdalint.docs` writes it, a test fails when it is
stale), so a run imports only the modules of the rules it runs: saving a handler does not import
the template rules. A rule file the index does not list (a new rule before the index is
regenerated) is imported as before; a listed rule whose module disagrees with the index is an
error naming the command that fixes it.
"""

from __future__ import annotations

import functools
import math
import os
from importlib import import_module
from typing import Callable, Iterable, NamedTuple, Union

from lambdalint.config import Config, ConfigError, did_you_mean
from lambdalint.entrypoints import EntryPoint, entry_points
from lambdalint.rule import Rule

GROUP = "lambdalint.rules"
# `LL2O1`, `LL1l0`: letters typed for digits in a code.
_LOOKALIKES = str.maketrans({"O": "0", "I": "1", "L": "1"})
PACKAGE = "lambdalint.rules"


def builtin_modules(package: str = PACKAGE) -> list[str]:
    """The rule modules of `package`, by name (`_helpers` are not rules)."""
    folders = list(getattr(import_module(package), "__path__", []))
    names: set[str] = set()
    for folder in folders:
        try:
            children = os.listdir(folder)
        except OSError:  # a zip or a custom loader: ask pkgutil, which knows them
            import pkgutil

            names.update(m.name for m in pkgutil.iter_modules([folder]) if not m.ispkg)
            continue
        names.update(child[:-3] for child in children
                     if child.endswith(".py") and child[:-3].isidentifier())
    return [f"{package}.{name}" for name in sorted(names) if not name.startswith("_")]


def builtin_rules(package: str = PACKAGE) -> list[Rule]:
    """Every built-in rule, imported."""
    return [_rule_of(module) for module in builtin_modules(package)]


class IndexedRule(NamedTuple):
    """A built-in rule known by its index entry until it must run (`load`)."""

    module: str
    code: str
    slug: str
    preview: bool
    needs_code: bool
    reports_in: frozenset[str]

    def load(self) -> Rule:
        rule = _rule_of(self.module)
        if index_entry(rule, self.module) != self:
            raise ConfigError(f"the rule index is stale for `{self.module}`: run `python -m lambdalint.docs`")
        return rule


Entry = Union[Rule, IndexedRule]


def index_entry(rule: Rule, module: str) -> IndexedRule:
    return IndexedRule(module, rule.code, rule.slug, rule.preview, rule.needs_code, frozenset(rule.reports_in))


def _rule_of(module: str) -> Rule:
    try:
        rule = getattr(import_module(module), "RULE", None)
    except Exception as exc:  # a broken file must not take the whole run down silently
        raise ConfigError(f"rule module `{module}` failed to load: {exc}") from None
    if not isinstance(rule, Rule):
        raise ConfigError(f"rule module `{module}` has no `RULE = Rule(...)` "
                          "(helper modules of the rules package start with `_`)")
    return rule


def builtin_entries(package: str = PACKAGE) -> list[Entry]:
    """The built-in rules, each as its index entry where the index lists its module (imported
    when it runs), else as the rule itself (imported now)."""
    modules = builtin_modules(package)
    try:
        index = {entry.module: entry for entry in
                 (IndexedRule(*row) for row in import_module(f"{package}._index").RULES)}
    except ImportError:  # a package without an index (a rule pack laid out like ours, tests)
        index = {}
    return [index[m] if m in index else _rule_of(m) for m in modules]


def loaded(entry: Entry) -> Rule:
    return entry if isinstance(entry, Rule) else entry.load()


def plugin_rules(entries: Iterable[EntryPoint]) -> list[Rule]:
    rules = []
    for entry in entries:
        try:
            rule = entry.load()
        except Exception as exc:  # a broken plugin must not take the whole run down silently
            raise ConfigError(f"rule plugin `{entry.name}` ({entry.value}) failed to load: {exc}") from None
        if not isinstance(rule, Rule):
            raise ConfigError(f"rule plugin `{entry.name}` ({entry.value}) is not a lambdalint Rule")
        rules.append(rule)
    return rules


class Registry:
    """The installed rules, sorted by code, and how selectors and options map onto them.

    `entries` holds built-in rules as index entries until they run; `rules` imports them all
    (documentation, SARIF's rule list), `selected` only the rules a run needs. A plain class: a
    dataclass's generated methods cost a cold start more than this one field is worth."""

    def __init__(self, entries: Iterable[Entry]) -> None:
        self.entries: tuple[Entry, ...] = tuple(entries)

    def __eq__(self, other: object) -> bool:
        return self.entries == other.entries if isinstance(other, Registry) else NotImplemented

    def __repr__(self) -> str:
        return f"Registry({', '.join(entry.code for entry in self.entries)})"

    @classmethod
    def installed(cls) -> Registry:
        return cls.of(builtin_entries(), plugin_rules(entry_points(group=GROUP)))

    @classmethod
    def of(cls, *sources: Iterable[Entry]) -> Registry:
        """One registry from several sources; the same rule found twice counts once."""
        by_code: dict[str, Entry] = {}
        for rule in (r for source in sources for r in source):
            other = by_code.setdefault(rule.code, rule)
            if other is rule:
                continue
            if isinstance(other, IndexedRule) or isinstance(rule, IndexedRule):
                # a plugin entry point naming a built-in rule: the same object once imported
                if loaded(other) is loaded(rule):
                    by_code[rule.code] = loaded(rule)
                    continue
                other, rule = loaded(other), loaded(rule)
            raise ConfigError(f"two rules have the code {rule.code}: `{other.slug}` "
                              f"({other.check.__module__}) and `{rule.slug}` ({rule.check.__module__})")
        return cls(tuple(sorted(by_code.values(), key=lambda r: r.code)))

    @functools.cached_property
    def rules(self) -> tuple[Rule, ...]:
        return tuple(map(loaded, self.entries))

    def _by_code(self, code: str) -> Entry:
        return next(r for r in self.entries if r.code == code)

    def find(self, name: str) -> Entry | None:
        """The rule a code or slug names, without importing it."""
        key = name.strip()
        for rule in self.entries:
            if rule.code == key.upper() or rule.slug == key.lower():
                return rule
        return None

    def get(self, name: str) -> Rule | None:
        entry = self.find(name)
        return None if entry is None else loaded(entry)

    def expand(self, selector: str, where: str) -> set[str]:
        """Codes a selector names: a code, a slug, a prefix (`LL2`, `LL20`) or `ALL`."""
        key = selector.strip()
        rule = self.find(key)
        if rule is not None:
            return {rule.code}
        if key.upper() == "ALL":
            return {r.code for r in self.entries}
        matched = {r.code for r in self.entries if r.code.startswith(key.upper())} if key else set()
        if not matched:
            known = [r.code for r in self.entries] + [r.slug for r in self.entries]
            lookalike = "LL" + key[2:].upper().translate(_LOOKALIKES) if key[:2].upper() == "LL" else ""
            guess = f" (did you mean `{lookalike}`?)" if self.find(lookalike) is not None else \
                did_you_mean(key.upper() if key[:2].upper() == "LL" else key.lower(), known)
            raise ConfigError(f"{where}: unknown rule or prefix `{selector}`{guess}")
        return matched

    def expand_all(self, selectors: Iterable[str], where: str) -> set[str]:
        codes: set[str] = set()
        for selector in selectors:
            codes |= self.expand(selector, where)
        return codes

    def selected(self, config: Config, keep: Callable[[Entry], bool] | None = None) -> list[Rule]:
        """The rules a configuration turns on. Preview rules need `preview`, unless a selector
        names one exactly (its code or slug): a prefix or `ALL` never pulls them in. `keep` (by
        metadata, before any rule is imported): a further filter, e.g. where a focused run reports."""
        where = str(config.source) if config.source else "options"
        chosen = self.expand_all(config.select, where) | self.expand_all(config.extend_select, where)
        if not config.preview:
            named = {rule.code for rule in map(self.find, (*config.select, *config.extend_select))
                     if rule is not None}
            chosen = {code for code in chosen if code in named or not self._by_code(code).preview}
        chosen -= self.expand_all(config.ignore, where)
        for code in config.severity:
            self.expand(code, f"{where}: severity")
        for pattern, codes in config.per_file_ignores.items():
            self.expand_all(codes, f"{where}: per-file-ignores `{pattern}`")
        return [loaded(r) for r in self.entries if r.code in chosen and (keep is None or keep(r))]

    def rule_options(self, rule: Rule, config: Config) -> dict[str, object]:
        options = {name: option.default for name, option in rule.options.items()}
        where = str(config.source) if config.source else "options"
        for key, table in config.rule_options.items():
            target = self.find(key)
            if target is None:
                raise ConfigError(f"{where}: [rules.{key}] names no rule{did_you_mean(key, [r.code for r in self.entries])}")
            if target.code != rule.code:
                continue
            for name, value in table.items():
                option = rule.options.get(name)
                if option is None:
                    known = ", ".join(sorted(rule.options)) or "none"
                    raise ConfigError(f"{where}: rule {rule.code} has no option `{name}` (options: {known})"
                                      f"{did_you_mean(name, rule.options)}")
                if option.kind is float and isinstance(value, int) and not isinstance(value, bool):
                    value = float(value)
                if not isinstance(value, option.kind) or (option.kind is int and isinstance(value, bool)):
                    raise ConfigError(f"{where}: rules.{rule.code}.{name} must be {option.kind.__name__}")
                if option.kind in (int, float) and not (math.isfinite(value) and value >= 0):
                    raise ConfigError(f"{where}: rules.{rule.code}.{name} must be a finite number >= 0 "
                                      f"(got {value!r})")
                if option.kind is list and option.default and not all(
                        isinstance(item, type(option.default[0])) for item in value):
                    kind = type(option.default[0]).__name__
                    raise ConfigError(f"{where}: rules.{rule.code}.{name} must be a list of {kind}")
                options[name] = value
        return options
