"""Documentation generated from the registry: the README rules table and `lambdalint rule X`.

`python -m lambdalint.docs` rewrites the table between the markers in README.md (`--check` only
says whether it is stale, exit 1); `tests/test_docs.py` fails when it is. Merging branches that
add rules is then a regeneration, never a hand-merge of table rows.
"""

from __future__ import annotations

import sys
from pathlib import Path

from lambdalint.registry import Registry, builtin_rules
from lambdalint.rule import Example, Rule

START = "<!-- rules table: generated from the registry by `python -m lambdalint.docs`; do not edit -->"
END = "<!-- end of rules table -->"
PREVIEW = ("preview: runs only with `lambdalint check --preview`, `preview = true` in the "
           "configuration, or when selected by its code or slug")
_LANGUAGES = {".py": "python", ".yaml": "yaml", ".yml": "yaml", ".json": "json", ".toml": "toml"}


def rules_table(registry: Registry) -> str:
    lines = ["| code | slug | severity | what |", "|---|---|---|---|"]
    for rule in registry.rules:
        what = rule.overview or rule.summary[:1].lower() + rule.summary[1:]
        if rule.preview:
            what = f"*(preview)* {what}"
        lines.append(f"| {rule.code} | {rule.slug} | {'/'.join(rule.all_severities)} | {what} |")
    return "\n".join(lines) + "\n"


def with_table(text: str, registry: Registry) -> str:
    """`text` (the README) with the table between the markers regenerated."""
    head, start, rest = text.partition(START)
    _, end, tail = rest.partition(END)
    if not start or not end:
        raise ValueError(f"the rules table markers are missing: {START} ... {END}")
    return f"{head}{START}\n{rules_table(registry)}{END}{tail}"


def rule_page(rule: Rule) -> str:
    """What `lambdalint rule X` prints: the docs, then the examples the test suite runs."""
    state = ", preview" if rule.preview else ""
    parts = [f"# {rule.code} {rule.slug} ({'/'.join(rule.all_severities)}{state})\n\n{rule.summary}.\n"]
    if rule.preview:
        parts.append(f"\n*{PREVIEW[:1].upper()}{PREVIEW[1:]}.*\n")
    parts.append(f"\n{rule.docs.strip()}\n")
    if rule.examples:
        parts.append("\n## Tested examples\n\nEach is run by the test suite: a good example gives no finding, "
                     f"a bad one exactly the lines marked `# [{rule.slug}]`.\n")
        for number, example in enumerate(rule.examples, 1):
            parts.append(_example(number, example))
    return "".join(parts)


def _example(number: int, example: Example) -> str:
    kind = "Good" if example.good else "Bad"
    title = f"### {number}. {kind}" + (f": {example.title}" if example.title else "")
    out = [f"\n{title}\n"]
    for name, text in example.files.items():
        out.append(_file(name, text))
    if example.message is not None:
        out.append(f"\nMessage: {example.message}\n")
    for name, text in (example.fix or {}).items():
        out.append(_file(name, text, "after the safe fix"))
    return "".join(out)


def _file(name: str, text: str, note: str = "") -> str:
    language = _LANGUAGES.get(Path(name).suffix, "")
    label = f"`{name}`" + (f" ({note})" if note else "")
    fence = "````" if "```" in text else "```"
    return f"\n{label}:\n\n{fence}{language}\n{text.rstrip()}\n{fence}\n"


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    check = "--check" in args
    paths = [a for a in args if a != "--check"]
    readme = Path(paths[0]) if paths else Path(__file__).resolve().parent.parent / "README.md"
    text = readme.read_text(encoding="utf-8")
    fresh = with_table(text, Registry.of(builtin_rules()))  # never a plugin the developer has installed
    if fresh == text:
        return 0
    if check:
        print(f"{readme}: the rules table is stale; run `python -m lambdalint.docs`", file=sys.stderr)
        return 1
    readme.write_text(fresh, encoding="utf-8")
    print(f"{readme}: rules table regenerated", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
