"""Where rules come from (a walk of the `lambdalint.rules` package, and the entry points of rule
packs), preview rules, and the docs generated from the registry."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from lambdalint import entrypoints
from lambdalint.cli import main
from lambdalint.config import Config, ConfigError, parse_config
from lambdalint.docs import END, START, rule_page, rules_table, with_table
from lambdalint.registry import GROUP, Registry, builtin_modules, builtin_rules, plugin_rules
from lambdalint.rule import Rule, bad, good

from conftest import PROJECT, run_lint, write_tree

BUILTIN = Registry.of(builtin_rules())

NEW_RULE = '''\
"""Every function names its memory size.

## What it does

Reports a function that runs with the default memory size.

## Why is this bad?

128 MB is rarely what a function needs.

## Example

A function without `MemorySize`.

## How to fix

Set `MemorySize`.

## References

- https://docs.aws.amazon.com/lambda/latest/dg/configuration-memory.html
"""

from lambdalint.rulekit import Context, Rule, bad, good


def check(ctx: Context):
    for function in ctx.project.functions:
        if function.memory.origin == "default":
            yield ctx.finding(function.span, f"`{function.name}` runs with the default memory size",
                              "Set `MemorySize`.", function=function.name)


RULE = Rule(code="LL299", slug="explicit-memory", severity="warning", summary="The function runs with the default memory size",
            check=check, docs=__doc__, preview=True, reports_in=frozenset({"template"}),
            examples=(good("Resources: {}\\n"), bad("Resources: {}\\n")))
'''
TEMPLATE = """\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  OrdersFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: app.handler
      Runtime: python3.12
      Timeout: 10
"""


def test_walking_the_package_gives_the_registry_entry_points_gave(tmp_path):
    """The two doors agree: every built-in module declared as an entry point (as pyproject.toml
    did) loads the same rules as the package walk, and both together count each rule once."""
    site = tmp_path / "site"
    (site / "lambdalint_rules_as_entry_points-1.0.dist-info").mkdir(parents=True)
    lines = [f"{module.rsplit('.', 1)[1]} = {module}:RULE" for module in builtin_modules()]
    (site / "lambdalint_rules_as_entry_points-1.0.dist-info" / "entry_points.txt").write_text(
        f"[{GROUP}]\n" + "\n".join(lines) + "\n")
    entries = entrypoints._read(GROUP, [str(site)], [])
    assert len(entries) == len(BUILTIN.rules) >= 31
    from_entry_points = Registry.of(plugin_rules(entries))
    assert from_entry_points == BUILTIN
    assert Registry.of(builtin_rules(), plugin_rules(entries)) == BUILTIN


def test_two_rules_with_one_code_are_an_error():
    original = BUILTIN.get("LL201")
    impostor = Rule(code="LL201", slug="other", severity="info", summary="Other", check=lambda ctx: (), docs="")
    with pytest.raises(ConfigError, match="two rules have the code LL201: `missing-timeout`"):
        Registry.of([original], [impostor])


def _rule(code: str, slug: str, preview: bool) -> Rule:
    return Rule(code=code, slug=slug, severity="warning", summary="A rule", check=lambda ctx: (), docs="",
                preview=preview)


@pytest.mark.parametrize(("config", "expected"), [
    (Config(), {"LL201"}),
    (Config(select=("ALL",)), {"LL201"}),
    (Config(select=("LL2",)), {"LL201"}),
    (Config(preview=True), {"LL201", "LL212"}),
    (Config(select=("LL212",)), {"LL212"}),
    (Config(extend_select=("provisioned-concurrency-misconfigured",)), {"LL201", "LL212"}),
    (Config(preview=True, ignore=("LL212",)), {"LL201"}),
])
def test_preview_rules_run_only_when_asked_for(config, expected):
    registry = Registry((_rule("LL201", "missing-timeout", False),
                         _rule("LL212", "provisioned-concurrency-misconfigured", True)))
    assert {r.code for r in registry.selected(config)} == expected


def test_the_rule_index_is_generated_from_the_rules():
    from lambdalint.docs import index_path, rule_index

    assert index_path().read_text(encoding="utf-8") == rule_index(), "stale rule index: run `python -m lambdalint.docs`"


@pytest.mark.parametrize("config", [Config(), Config(preview=True), Config(select=("LL1", "LL3")),
                                    Config(select=("LL212",)), Config(ignore=("LL2",))])
@pytest.mark.parametrize("kinds", [None, {"python"}, {"template"}, {"other"}])
def test_choosing_from_the_index_chooses_what_the_imported_rules_choose(config, kinds):
    def keep(rule) -> bool:
        return kinds is None or not rule.reports_in.isdisjoint(kinds)

    lazy = [rule.code for rule in Registry.installed().selected(config, keep)]
    eager = [rule.code for rule in BUILTIN.selected(config, keep)]
    assert lazy == eager


def test_a_stale_index_entry_is_an_error_naming_the_fix():
    from lambdalint.registry import IndexedRule, builtin_entries

    entry = next(e for e in builtin_entries() if isinstance(e, IndexedRule) and e.code == "LL201")
    assert entry.load() is BUILTIN.get("LL201")
    with pytest.raises(ConfigError, match=r"rule index is stale for `lambdalint\.rules\.missing_timeout`: "
                                          r"run `python -m lambdalint\.docs`"):
        entry._replace(reports_in=frozenset({"python"})).load()


def test_an_entry_point_naming_an_indexed_rule_adds_nothing():
    from lambdalint.registry import builtin_entries

    entries = builtin_entries()
    again = BUILTIN.get("LL201")
    registry = Registry.of(entries, [again])
    assert len(registry.entries) == len(entries) and registry.get("LL201") is again


def test_preview_in_the_configuration_file():
    assert parse_config({"preview": True}, "lambdalint.toml").preview is True
    assert parse_config({}, "lambdalint.toml").preview is False
    with pytest.raises(ConfigError, match="`preview` must be true or false"):
        parse_config({"preview": "yes"}, "lambdalint.toml")


def test_readme_rules_table_is_generated_from_the_registry():
    readme = (PROJECT / "README.md").read_text(encoding="utf-8")
    assert with_table(readme, BUILTIN) == readme, "stale rules table: run `python -m lambdalint.docs`"
    assert readme.count(START) == 1 and readme.count(END) == 1


def test_the_table_marks_preview_rules_and_every_severity():
    registry = Registry((_rule("LL212", "provisioned-concurrency-misconfigured", True), BUILTIN.get("LL202")))
    table = rules_table(registry)
    assert "| LL212 | provisioned-concurrency-misconfigured | warning | *(preview)* a rule |" in table
    assert "| LL202 | missing-reserved-concurrency | warning/info | the function sets no reserved" in table


def test_rule_page_shows_the_tested_examples():
    rule = BUILTIN.get("LL101")
    page = rule_page(rule)
    assert page.startswith("# LL101 client-in-handler (warning)\n")
    assert page.index("## References") < page.index("## Tested examples")
    pinned = next(e for e in rule.examples if e.message is not None)
    assert f"Message: {pinned.message}" in page
    assert "(after the safe fix):" in page
    assert page.count("### ") == len(rule.examples)


def test_cli_rule_prints_examples_and_rules_marks_preview(capsys, monkeypatch):
    preview = _rule("LL299", "explicit-memory", True)
    preview = Rule(**{**preview.__dict__, "examples": (bad("Resources: {}  # [explicit-memory]\n"),
                                                         good("Resources: {}\n"))})
    monkeypatch.setattr(Registry, "installed", classmethod(lambda cls: Registry((preview,))))
    main(["rules"])
    assert capsys.readouterr().out.rstrip().endswith("A rule  (preview)")
    main(["rule", "LL299"])
    out = capsys.readouterr().out
    assert out.startswith("# LL299 explicit-memory (warning, preview)\n")
    assert "### 1. Bad\n" in out and "### 2. Good\n" in out and "```yaml\nResources: {}  # [explicit-memory]\n```" in out


def test_a_new_rule_is_one_file(tmp_path):
    """Drop one file into (a copy of) the rules package: `lambdalint rules`, SARIF and the README
    table see it, and it runs with --preview; nothing else was edited."""
    copy = tmp_path / "copy"
    ignore = shutil.ignore_patterns("__pycache__")
    shutil.copytree(PROJECT / "lambdalint", copy / "lambdalint", ignore=ignore)
    shutil.copytree(PROJECT / "rules", copy / "lambdalint" / "rules", ignore=ignore)
    (copy / "lambdalint" / "rules" / "explicit_memory.py").write_text(NEW_RULE)
    (copy / "lambdalint" / "rules" / "_shared.py").write_text("HELPER = 1\n")  # a helper, not a rule
    project = write_tree(tmp_path / "app", {"template.yaml": TEMPLATE, "src/app.py": "def handler(e, c):\n    return e\n"})
    env = {**os.environ, "PYTHONPATH": str(copy)}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, *args], env=env, cwd=project, capture_output=True, text=True,
                              timeout=120)

    where = run("-c", "import lambdalint.rules as r; print(r.__file__)")
    assert where.stdout.strip() == str(copy / "lambdalint" / "rules" / "__init__.py")
    listed = run("-m", "lambdalint", "rules")
    line = next(line for line in listed.stdout.splitlines() if line.startswith("LL299"))
    assert line.startswith("LL299  explicit-memory") and line.endswith("  (preview)")
    without = run("-m", "lambdalint", "check", "--format", "sarif", "--exit-zero", ".")
    sarif = json.loads(without.stdout)["runs"][0]
    descriptor = next(d for d in sarif["tool"]["driver"]["rules"] if d["id"] == "LL299")
    assert descriptor["defaultConfiguration"] == {"level": "warning", "enabled": False}
    assert "preview" in descriptor["properties"]["tags"]
    assert not [r for r in sarif["results"] if r["ruleId"] == "LL299"]
    with_preview = run("-m", "lambdalint", "check", "--format", "sarif", "--exit-zero", "--preview", ".")
    assert [r["ruleId"] for r in json.loads(with_preview.stdout)["runs"][0]["results"] if r["ruleId"] == "LL299"] \
        == ["LL299"]
    table = run("-c", "from lambdalint.docs import rules_table; from lambdalint.registry import Registry, "
                      "builtin_rules; print(rules_table(Registry.of(builtin_rules())))")
    assert "| LL299 | explicit-memory | warning | *(preview)* the function runs with the default memory size |" \
        in table.stdout
    readme = tmp_path / "README.md"
    readme.write_text((PROJECT / "README.md").read_text(encoding="utf-8"), encoding="utf-8")
    assert run("-m", "lambdalint.docs", "--check", str(readme)).returncode == 1
    assert run("-m", "lambdalint.docs", str(readme)).returncode == 0
    assert "| LL299 | explicit-memory |" in readme.read_text(encoding="utf-8")


def test_a_rules_module_without_a_rule_is_an_error(tmp_path, monkeypatch):
    package = tmp_path / "acme_rules_pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "notes.py").write_text("TEXT = 'not a rule'\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    try:
        with pytest.raises(ConfigError, match="`acme_rules_pkg.notes` has no `RULE = Rule"):
            builtin_rules("acme_rules_pkg")
    finally:
        for name in [m for m in sys.modules if m.startswith("acme_rules_pkg")]:
            del sys.modules[name]
