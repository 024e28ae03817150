"""The environment `serverless-dotenv-plugin` gives every function of a Serverless service.

The plugin reads the service folder's `.env` files (dotenv-flow order: `.env.<stage>.local`,
`.env.local`, `.env.<stage>`, `.env`, the first to set a name winning; `custom.dotenv.path` names
one file instead) and, unless `custom.dotenv.include`/`exclude` narrow it, sets every variable in
them on every function. Without this, each variable the code reads from there would look unset
(LL109), and a reserved or secret one would pass unseen. A service that lists the plugin but has
no such file here (it is usually git-ignored) has an environment nobody can list: `None`.
"""

from __future__ import annotations

import re
from pathlib import Path

from lambdalint.located import Located, Span
from lambdalint.model import Template

PLUGIN = "serverless-dotenv-plugin"
_LINE = re.compile(r"^[ \t]*(?:export[ \t]+)?([A-Za-z_][A-Za-z0-9_.-]*)[ \t]*=[ \t]*(.*?)[ \t]*$")


def dotenv_environment(template: Template) -> Located | None:
    """The variables the plugin sets, each placed in its `.env` file; None when no file is there."""
    settings = template.root.get("custom", "dotenv")
    folder = template.directory
    stage = template.root.get("provider", "stage")
    stage_name = stage.str_value() if stage is not None and stage.origin != "unresolved" else "dev"
    given = settings.get("path") if settings is not None and isinstance(settings.value, dict) else None
    if given is not None and given.str_value():
        names = [given.str_value()]
    else:
        names = [f".env.{stage_name}.local", ".env.local", f".env.{stage_name}", ".env"]
    found: dict[str, Located] = {}
    read_any = False
    for name in names:
        path = folder / name  # type: ignore[operator]
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        read_any = True
        display = _display(template, path)
        for number, line in enumerate(text.splitlines(), start=1):
            match = _LINE.match(line)
            if match is None or match.group(1) in found:
                continue
            key, value = match.group(1), _unquoted(match.group(2))
            key_span = Span(display, number, match.start(1) + 1, number, match.end(1) + 1)
            span = Span(display, number, match.start(2) + 1, number, max(match.end(2), match.start(2)) + 1)
            found[key] = Located(value, span, "provider", key_span=key_span)
    if not read_any:
        return None
    include = _names(settings, "include")
    exclude = _names(settings, "exclude") or set()
    kept = {k: v for k, v in found.items() if (include is None or k in include) and k not in exclude}
    anchor = next(iter(kept.values())).span if kept else Span.point(template.source.display, 1)
    return Located(kept, anchor, "provider")


def _names(settings: Located | None, key: str) -> set[str] | None:
    node = settings.get(key) if settings is not None and isinstance(settings.value, dict) else None
    if node is None:
        return None
    return {name for item in node.elements() if (name := item.str_value())}


def _unquoted(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    return re.sub(r"[ \t]+#.*$", "", value)  # an unquoted value ends where a comment begins


def _display(template: Template, path: Path) -> str:
    """`path` as the template's own file is shown (relative to the same folder)."""
    shown = Path(template.source.display).parent / path.name
    return shown.as_posix()
