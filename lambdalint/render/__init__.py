"""Renderers: a `Report` in, text out. Each format is one module with `render(report, ...) -> str`."""

from __future__ import annotations

import importlib
from typing import Callable

from lambdalint.api import LintResult

FORMATS = ("text", "json", "sarif", "github", "gitlab")


def renderer(name: str) -> Callable[..., str]:
    """The `render` function of a format; modules load lazily so a text run never imports SARIF code."""
    module = importlib.import_module(f"lambdalint.render.{name}_format")
    return module.render  # type: ignore[no-any-return]


def render(report: LintResult, name: str, **options: object) -> str:
    return renderer(name)(report, **options)
