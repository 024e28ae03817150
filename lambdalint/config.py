"""Configuration: `[tool.lambdalint]` in pyproject.toml or a `lambdalint.toml`, nearest wins.

Every key is checked: an unknown key, rule or value is a `ConfigError` (exit 2, one line), because a
typo silently ignored is a gate that silently stops guarding.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Iterable

from lambdalint.findings import SEVERITIES, Severity

CONFIG_FILES = ("lambdalint.toml", ".lambdalint.toml", "pyproject.toml")
DEFAULT_HANDLER_PATTERNS = ("handler", "lambda_handler", "*_handler")


class ConfigError(Exception):
    """A configuration or option problem; the message is one line naming the file and the key."""


@dataclass(frozen=True)
class Config:
    """The effective settings: defaults, then the configuration file, then command-line options."""

    select: tuple[str, ...] = ("LL",)
    ignore: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()
    per_file_ignores: dict[str, tuple[str, ...]] = field(default_factory=dict)
    exclude: tuple[str, ...] = ()
    fail_on: Severity = "warning"
    severity: dict[str, Severity] = field(default_factory=dict)
    rule_options: dict[str, dict[str, Any]] = field(default_factory=dict)
    handler_patterns: tuple[str, ...] = DEFAULT_HANDLER_PATTERNS
    respect_gitignore: bool = True
    root: Path | None = None     # the folder paths in `exclude` and `per-file-ignores` are relative to
    source: Path | None = None   # the file this came from, for messages

    def with_overrides(self, **changes: Any) -> Config:
        return replace(self, **{k: v for k, v in changes.items() if v is not None})


def _strings(value: Any, key: str, where: str) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise ConfigError(f"{where}: `{key}` must be a list of strings")


def _severity(value: Any, key: str, where: str) -> Severity:
    if value not in SEVERITIES:
        raise ConfigError(f"{where}: `{key}` must be one of error, warning, info (got {value!r})")
    return value  # type: ignore[no-any-return]


def parse_config(data: dict[str, Any], where: str, root: Path | None = None,
                 source: Path | None = None) -> Config:
    """A `Config` from the `[tool.lambdalint]` table; rule codes are checked later, by the registry."""
    values: dict[str, Any] = {"root": root, "source": source}
    for key, value in data.items():
        if key in ("select", "ignore", "extend-select", "exclude", "extend-exclude", "handler-patterns"):
            name = {"extend-exclude": "exclude"}.get(key, key).replace("-", "_")
            values[name] = values.get(name, ()) + _strings(value, key, where)
        elif key == "fail-on":
            values["fail_on"] = _severity(value, key, where)
        elif key == "respect-gitignore":
            if not isinstance(value, bool):
                raise ConfigError(f"{where}: `respect-gitignore` must be true or false")
            values["respect_gitignore"] = value
        elif key == "per-file-ignores":
            if not isinstance(value, dict):
                raise ConfigError(f"{where}: `per-file-ignores` must map path patterns to rule lists")
            values["per_file_ignores"] = {
                pattern: _strings(codes, f"per-file-ignores.{pattern}", where)
                for pattern, codes in value.items()}
        elif key == "severity":
            if not isinstance(value, dict):
                raise ConfigError(f"{where}: `severity` must map rule codes to error, warning or info")
            values["severity"] = {code: _severity(sev, f"severity.{code}", where)
                                  for code, sev in value.items()}
        elif key == "rules":
            if not isinstance(value, dict) or not all(isinstance(v, dict) for v in value.values()):
                raise ConfigError(f"{where}: `rules` must hold one table per rule, e.g. [tool.lambdalint.rules.LL401]")
            values["rule_options"] = dict(value)
        elif key == "tool" and source is not None and source.name != "pyproject.toml":
            raise ConfigError(f"{where}: this file takes the keys at the top level (`select = [...]`), "
                              "not under [tool.lambdalint], which is for pyproject.toml")
        else:
            raise ConfigError(f"{where}: unknown key `{key}`{did_you_mean(key, KEYS)}")
    return Config(**values)


KEYS = ("select", "ignore", "extend-select", "exclude", "extend-exclude", "handler-patterns", "fail-on",
        "respect-gitignore", "per-file-ignores", "severity", "rules")


def did_you_mean(name: str, known: Iterable[str]) -> str:
    """` (did you mean `x`?)` for the closest known spelling, or ''."""
    import difflib  # only on the error path

    candidates = list(known)
    close = difflib.get_close_matches(name, candidates, n=5, cutoff=0.6)
    if not close:
        return ""
    # difflib breaks ties by the larger string (`LL2O1` would get `LL321` over `LL201`): prefer the
    # spelling that differs in the fewest places, then the first known one
    score = difflib.SequenceMatcher(None, name, close[0]).ratio()
    tied = [c for c in close if difflib.SequenceMatcher(None, name, c).ratio() == score]
    best = max(tied, key=lambda c: (sum(a == b for a, b in zip(name, c)), -candidates.index(c)))
    return f" (did you mean `{best}`?)"


def _read_toml(path: Path) -> dict[str, Any]:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover
        import tomli as tomllib
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror}") from None


def load_file(path: Path) -> Config | None:
    """The config in `path`, or None when it is a pyproject.toml without a lambdalint table."""
    data = _read_toml(path)
    if path.name == "pyproject.toml":
        tool = data.get("tool", {})
        table = tool.get("lambdalint") if isinstance(tool, dict) else None
        if table is None:
            return None
        where = f"{path} [tool.lambdalint]"
    else:
        table = data
        where = str(path)
    if not isinstance(table, dict):
        raise ConfigError(f"{where}: must be a table")
    return parse_config(table, where, root=path.parent.resolve(), source=path)


def find_config(start: Path) -> Config:
    """The nearest config file at or above `start`; defaults when there is none."""
    folder = start.resolve()
    if not folder.is_dir():
        folder = folder.parent
    for candidate in (folder, *folder.parents):
        for name in CONFIG_FILES:
            path = candidate / name
            if path.is_file():
                config = load_file(path)
                if config is not None:
                    return config
    return Config(root=folder)


def common_start(paths: Iterable[Path]) -> Path:
    resolved = [p.resolve() for p in paths] or [Path.cwd()]
    try:
        return Path(os.path.commonpath([str(p) for p in resolved]))
    except ValueError:
        return Path.cwd()
