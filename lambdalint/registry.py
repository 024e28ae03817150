"""The rule registry: every rule installed under the `lambdalint.rules` entry-point group."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Iterable

from lambdalint.config import Config, ConfigError, did_you_mean
from lambdalint.entrypoints import entry_points
from lambdalint.rule import Rule

GROUP = "lambdalint.rules"


@dataclass(frozen=True)
class Registry:
    """The installed rules, sorted by code, and how selectors and options map onto them."""

    rules: tuple[Rule, ...]

    @classmethod
    def installed(cls) -> Registry:
        rules: list[Rule] = []
        for entry in entry_points(group=GROUP):
            try:
                rule = entry.load()
            except Exception as exc:  # a broken plugin must not take the whole run down silently
                raise ConfigError(f"rule plugin `{entry.name}` ({entry.value}) failed to load: {exc}") from None
            if not isinstance(rule, Rule):
                raise ConfigError(f"rule plugin `{entry.name}` ({entry.value}) is not a lambdalint Rule")
            rules.append(rule)
        rules.sort(key=lambda r: r.code)
        return cls(tuple(rules))

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
            guess = did_you_mean(key.upper() if key[:2].upper() == "LL" else key.lower(), known)
            raise ConfigError(f"{where}: unknown rule or prefix `{selector}`{guess}")
        return matched

    def expand_all(self, selectors: Iterable[str], where: str) -> set[str]:
        codes: set[str] = set()
        for selector in selectors:
            codes |= self.expand(selector, where)
        return codes

    def selected(self, config: Config) -> list[Rule]:
        where = str(config.source) if config.source else "options"
        chosen = self.expand_all(config.select, where) | self.expand_all(config.extend_select, where)
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
