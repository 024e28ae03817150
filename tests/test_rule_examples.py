"""Every rule's embedded examples: a good one yields nothing, a bad one exactly its marked lines.

A line that must be reported carries `# [slug]`; the examples are also the rule's documentation, so
this test keeps the docs honest. An example may carry the rule's options (`options=` on good/bad),
e.g. a lowered size threshold, so that size rules can be shown with small files.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from lambdalint.code.fix import apply_fixes
from lambdalint.config import Config
from lambdalint.focus import file_kind
from lambdalint.registry import Registry
from lambdalint.rule import Example, Rule

from conftest import run_lint, write_tree

MARKER = re.compile(r"#\s*\[([a-z0-9-]+)\]")
REGISTRY = Registry.installed()
CASES = [
    pytest.param(rule, example, id=f"{rule.code}-{'good' if example.good else 'bad'}-{i}-{example.title}")
    for rule in REGISTRY.rules
    for i, example in enumerate(rule.examples)
]


def expected_lines(example: Example, slug: str) -> set[tuple[str, int]]:
    marked = set()
    for name, text in example.files.items():
        for number, line in enumerate(text.splitlines(), start=1):
            if any(m == slug for m in MARKER.findall(line)):
                marked.add((name, number))
    return marked


@pytest.mark.parametrize(("rule", "example"), CASES)
def test_rule_example(rule: Rule, example: Example, tmp_path: Path) -> None:
    write_tree(tmp_path, example.files)
    config = Config(select=(rule.code,), root=tmp_path, rule_options={rule.code: example.options})
    result = run_lint(tmp_path, config=config)
    assert not result.internal_errors
    found = {(f.span.path, f.span.line) for f in result.visible if f.code == rule.code}
    if example.good:
        assert found == set(), f"good example reported: {[f.message for f in result.visible]}"
    else:
        expected = expected_lines(example, rule.slug)
        assert expected, "a bad example must mark at least one line with # [slug]"
        assert found == expected, [f.message for f in result.visible]
        # focus mode skips a rule for files it cannot report in: the declaration must hold
        assert {file_kind(path) for path, _ in found} <= rule.reports_in
        ours = [f for f in result.visible if f.code == rule.code]
        if example.message is not None:
            assert {f.message for f in ours} == {example.message}
        if example.fix is not None:
            fixed = {change.path.resolve().relative_to(tmp_path.resolve()).as_posix(): change.after
                     for change in apply_fixes(ours, write=False)}
            assert fixed == example.fix


def test_examples_can_pin_message_and_fix() -> None:
    """At least one example pins its message and one its fix, so the two checks above run."""
    examples = [e for _, e in ((c.values[0], c.values[1]) for c in CASES)]
    assert any(e.message is not None for e in examples)
    assert any(e.fix is not None for e in examples)
