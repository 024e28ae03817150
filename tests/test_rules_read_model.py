"""Rules read the model, never a dialect: a new dialect touches loaders and nothing in `rules/`.

A rule that compares `dialect`, a function's `kind` or a trigger's `declared_by` with a dialect's
name (`"serverless"`, `"AWS::Serverless::Function"`, `"serverless-event"`, a resource type) knows
how one dialect spells something; the loader should give the model that fact instead.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
RULES = ROOT / "rules"

# Still reading dialects, moved to the model by another change in progress (LL210-LL216): remove a
# file from here once it reads the model only.
PENDING = frozenset({
    "tracing_misconfigured.py", "traffic_shifting_without_alarms.py", "container_image_config.py",
    "unauthenticated_api_route.py", "partial_batch_response_ignored.py",
    "provisioned_concurrency_misconfigured.py", "snapstart_unsupported.py", "snapstart_unique_state.py",
})
_WATCHED = frozenset({"dialect", "kind", "declared_by"})
_DIALECT_NAMES = frozenset({
    "cloudformation", "serverless", "terraform", "cdk", "sam", "sam-event", "serverless-event", "module",
})


def _names_dialect(text: str) -> bool:
    """A dialect, a function kind, a trigger's `declared_by` value or a resource type."""
    return text in _DIALECT_NAMES or text.startswith(("AWS::", "aws_"))


def _strings(node: ast.expr) -> list[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        return [s for item in node.elts for s in _strings(item)]
    return []


def _watched(node: ast.expr) -> bool:
    return isinstance(node, ast.Attribute) and node.attr in _WATCHED


def _keyed_by_dialect(node: ast.AST) -> bool:
    """`spelling[t.declared_by]`, `names.get(template.dialect)`: a table of dialects."""
    if isinstance(node, ast.Subscript):
        key = node.slice
    elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get" and node.args:
        key = node.args[0]
    else:
        return False
    return isinstance(key, ast.Attribute) and key.attr in ("dialect", "declared_by")


def dialect_comparisons(source: str) -> list[int]:
    """Lines where `x.dialect` / `x.kind` / `x.declared_by` is compared with a dialect's name, or
    a table is looked up by dialect."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if _keyed_by_dialect(node):
            lines.append(node.lineno)  # type: ignore[attr-defined]
            continue
        if not isinstance(node, ast.Compare):
            continue
        operands = [node.left, *node.comparators]
        if any(_watched(o) for o in operands) and \
                any(_names_dialect(text) for o in operands for text in _strings(o)):
            lines.append(node.lineno)
    return lines


@pytest.mark.parametrize("source", [
    'if function.kind == "serverless":\n    pass\n',
    'x = [t for t in ts if t.declared_by != "AWS::ApiGateway::Method"]\n',
    'ok = template.dialect in ("cloudformation", "cdk")\n',
    'ok = "serverless-event" == trigger.declared_by\n',
    'hint = _SPELLING.get(trigger.declared_by, "")\n',
])
def test_the_check_sees_a_dialect_comparison(source: str) -> None:
    assert dialect_comparisons(source) == [1]


@pytest.mark.parametrize("source", [
    'if trigger.kind == "s3":\n    pass\n',                 # a normalised trigger kind
    'if fact.kind == "read":\n    pass\n',
    'name = "serverless.yml"\n',
    'limit = API_LIMITS[trigger.kind]\n',
])
def test_the_check_leaves_model_reads_alone(source: str) -> None:
    assert dialect_comparisons(source) == []


@pytest.mark.parametrize("path", sorted(p for p in RULES.glob("*.py") if p.name not in PENDING) +
                         [ROOT / "lambdalint" / "code_links.py"], ids=lambda p: p.name)
def test_rules_do_not_compare_dialects(path: Path) -> None:
    assert dialect_comparisons(path.read_text(encoding="utf-8")) == [], \
        f"{path.name} compares a dialect; give the model the fact in the loaders instead"


def test_pending_files_exist() -> None:
    # a renamed or deleted file must leave the list, or the list hides nothing
    assert all((RULES / name).is_file() for name in PENDING)


# What the code analysis adds to a run: a rule that reads any of it must wait for the analysis
# (`needs_code`, or `after_code` when it only uses it where present), since the engine runs the
# other rules while code workers are still busy.
_CODE_READS = ("project.code", "project.problems", "project.sources", "function_needs", "code_analysis(",
               "least_privilege", "code_links", "call_findings", "handler_owner")


def test_a_rule_that_reads_the_code_analysis_waits_for_it() -> None:
    from lambdalint.registry import Registry

    readers = []
    for rule in Registry.installed().rules:
        source = Path(__import__(rule.check.__module__, fromlist=["_"]).__file__).read_text(encoding="utf-8")
        if any(name in source for name in _CODE_READS):
            readers.append(rule.code)
            assert rule.needs_code or rule.after_code or rule.after_suppressions, \
                f"{rule.code} reads the code analysis: set needs_code=True or after_code=True"
    # the check sees what it must: the rules known to read it without needing it are among them
    assert {"LL001", "LL301", "LL302", "LL101"} <= set(readers)
