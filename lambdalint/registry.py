"""The rule registry: the built-in rules (every module of the `lambdalint.rules` package) and
the rules of third-party packs (the `lambdalint.rules` entry-point group).

A built-in rule is one file: the package is walked (a directory listing), so nothing else names
it. Rule packs keep the entry-point door; an entry point that names a built-in rule (a stale
`pyproject.toml` line) adds nothing, and two different rules with one code are an error.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from importlib import import_module
from typing import Iterable

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
    rules = []
    for module in builtin_modules(package):
        try:
            rule = getattr(import_module(module), "RULE", None)
        except Exception as exc:  # a broken file must not take the whole run down silently
            raise ConfigError(f"rule module `{module}` failed to load: {exc}") from None
        if not isinstance(rule, Rule):
            raise ConfigError(f"rule module `{module}` has no `RULE = Rule(...)` "
                              "(helper modules of the rules package start with `_`)")
        rules.append(rule)
    return rules


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


@dataclass(frozen=True)
class Registry:
    """The installed rules, sorted by code, and how selectors and options map onto them."""

    rules: tuple[Rule, ...]

    @classmethod
    def installed(cls) -> Registry:
        return cls.of(builtin_rules(), plugin_rules(entry_points(group=GROUP)))

    @classmethod
    def of(cls, *sources: Iterable[Rule]) -> Registry:
        """One registry from several sources; the same rule found twice counts once."""
        by_code: dict[str, Rule] = {}
        for rule in (r for source in sources for r in source):
            other = by_code.setdefault(rule.code, rule)
            if other is not rule:
                raise ConfigError(f"two rules have the code {rule.code}: `{other.slug}` "
                                  f"({other.check.__module__}) and `{rule.slug}` ({rule.check.__module__})")
        return cls(tuple(sorted(by_code.values(), key=lambda r: r.code)))

    def _by_code(self, code: str) -> Rule:
        return next(r for r in self.rules if r.code == code)

    def get(self, name: str) -> Rule | None:
        key = name.strip()
        for rule in self.rules:
            if rule.code == key.upper() or rule.slug == key.lower():
                return rule
        return None

    def expand(self, selector: str, where: str) -> set[str]:
        """Codes a selector names: a code, a slug, a prefix (`LL2`, `LL20`) or `ALL`."""
        key = selector.strip()
        rule = self.get(key)
        if rule is not None:
            return {rule.code}
        if key.upper() == "ALL":
            return {r.code for r in self.rules}
        matched = {r.code for r in self.rules if r.code.startswith(key.upper())} if key else set()
        if not matched:
            known = [r.code for r in self.rules] + [r.slug for r in self.rules]
            lookalike = "LL" + key[2:].upper().translate(_LOOKALIKES) if key[:2].upper() == "LL" else ""
            guess = f" (did you mean `{lookalike}`?)" if self.get(lookalike) is not None else \
                did_you_mean(key.upper() if key[:2].upper() == "LL" else key.lower(), known)
            raise ConfigError(f"{where}: unknown rule or prefix `{selector}`{guess}")
        return matched

    def expand_all(self, selectors: Iterable[str], where: str) -> set[str]:
        codes: set[str] = set()
        for selector in selectors:
            codes |= self.expand(selector, where)
        return codes

    def selected(self, config: Config) -> list[Rule]:
        """The rules a configuration turns on. Preview rules need `preview`, unless a selector
        names one exactly (its code or slug): a prefix or `ALL` never pulls them in."""
        where = str(config.source) if config.source else "options"
        chosen = self.expand_all(config.select, where) | self.expand_all(config.extend_select, where)
        if not config.preview:
            named = {rule.code for rule in map(self.get, (*config.select, *config.extend_select))
                     if rule is not None}
            chosen = {code for code in chosen if code in named or not self._by_code(code).preview}
        chosen -= self.expand_all(config.ignore, where)
        for code in config.severity:
            self.expand(code, f"{where}: severity")
        for pattern, codes in config.per_file_ignores.items():
            self.expand_all(codes, f"{where}: per-file-ignores `{pattern}`")
        return [r for r in self.rules if r.code in chosen]

    def rule_options(self, rule: Rule, config: Config) -> dict[str, object]:
        options = {name: option.default for name, option in rule.options.items()}
        where = str(config.source) if config.source else "options"
        for key, table in config.rule_options.items():
            target = self.get(key)
            if target is None:
                raise ConfigError(f"{where}: [rules.{key}] names no rule{did_you_mean(key, [r.code for r in self.rules])}")
            if target is not rule:
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
