"""The rule catalog is a public contract: codes, slugs, docs and registration must all agree."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from lambdalint.registry import Registry, builtin_rules
from lambdalint.rule import DOC_SECTIONS

from conftest import PROJECT, SHARED, requires_shared

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

REGISTRY = Registry.installed()
RULES_DIR = PROJECT / "rules"
PYPROJECT = tomllib.loads((PROJECT / "pyproject.toml").read_text(encoding="utf-8"))


def test_codes_and_slugs_are_unique_and_well_formed() -> None:
    codes = [r.code for r in REGISTRY.rules]
    slugs = [r.slug for r in REGISTRY.rules]
    assert len(codes) == len(set(codes)) and len(slugs) == len(set(slugs))
    assert all(re.fullmatch(r"LL\d{3}", c) for c in codes)
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", s) for s in slugs)


@pytest.mark.parametrize("rule", REGISTRY.rules, ids=lambda r: r.code)
def test_each_rule_lives_in_a_file_named_after_its_slug(rule) -> None:
    path = RULES_DIR / f"{rule.slug.replace('-', '_')}.py"
    assert path.is_file()
    assert rule.check.__module__ == f"lambdalint.rules.{path.stem}"


@pytest.mark.parametrize("rule", REGISTRY.rules, ids=lambda r: r.code)
def test_each_rule_has_docs_and_good_and_bad_examples(rule) -> None:
    positions = [rule.docs.find(section) for section in DOC_SECTIONS]
    assert all(p >= 0 for p in positions), f"missing doc sections in {rule.code}"
    assert positions == sorted(positions), "doc sections out of order"
    assert "http" in rule.docs.split("## References", 1)[1]
    assert any(e.good for e in rule.examples) and any(not e.good for e in rule.examples)
    assert rule.severity in ("error", "warning", "info")
    assert rule.summary and not rule.summary.endswith(".")


def test_every_rule_file_is_a_rule_and_pyproject_names_none() -> None:
    """A built-in rule is its file: the package walk finds it. pyproject.toml keeps no entry point
    for it (that door is for rule packs); a stale line there would be a second place to edit."""
    files = {p.stem for p in RULES_DIR.glob("*.py") if not p.stem.startswith("_")}
    assert {r.check.__module__.rsplit(".", 1)[1] for r in builtin_rules()} == files
    entry_points = PYPROJECT["project"].get("entry-points", {}).get("lambdalint.rules", {})
    assert not [v for v in entry_points.values() if v.startswith("lambdalint.rules.")], \
        "built-in rules are found by walking the package: drop their lines from pyproject.toml"


def test_every_package_folder_is_listed_in_pyproject() -> None:
    listed = set(PYPROJECT["tool"]["setuptools"]["packages"])
    package_dirs = PYPROJECT["tool"]["setuptools"]["package-dir"]
    found = {"lambdalint.rules"} | {
        ".".join(p.parent.relative_to(PROJECT).parts)
        for p in (PROJECT / "lambdalint").rglob("__init__.py")}
    assert found == listed
    assert package_dirs == {"lambdalint.rules": "rules"}


@requires_shared
def test_codes_slugs_and_severities_match_the_shared_catalog() -> None:
    catalog = (SHARED / "catalog.md").read_text(encoding="utf-8")
    rows = {m.group(1): (m.group(2), m.group(3)) for m in
            re.finditer(r"^\| (LL\d{3}) \| ([a-z0-9-]+) \| ([a-z/ ]+?) \|", catalog, re.M)}
    for rule in REGISTRY.rules:
        assert rule.code in rows, f"{rule.code} is not in catalog.md"
        slug, severity = rows[rule.code]
        assert rule.slug == slug
        assert rule.severity in severity.replace(" ", "").split("/")


def test_readme_lists_every_rule() -> None:
    readme = (PROJECT / "README.md").read_text(encoding="utf-8")
    for rule in REGISTRY.rules:
        assert f"| {rule.code} | {rule.slug} |" in readme
