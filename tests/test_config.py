"""Configuration: nearest file wins, every key checked, bad values exit 2 with one line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from lambdalint.config import Config, ConfigError, find_config, load_file
from lambdalint.registry import Registry

from conftest import codes_at, run_lint, write_tree

TEMPLATE = """\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
      Runtime: python3.12
      Environment:
        Variables:
          AWS_REGION: eu-west-1
"""
REGISTRY = Registry.installed()


def cli(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "lambdalint", *args], cwd=cwd, capture_output=True, text=True)


def test_nearest_config_wins_and_lambdalint_toml_beats_pyproject(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "pyproject.toml": '[tool.lambdalint]\nignore = ["LL201"]\n',
        "svc/pyproject.toml": '[tool.lambdalint]\nignore = ["LL202"]\n',
        "svc/lambdalint.toml": 'ignore = ["LL205"]\n',
        "other/pyproject.toml": "[project]\nname = 'x'\n",  # no lambdalint table: keep looking up
    })
    assert find_config(tmp_path / "svc").ignore == ("LL205",)
    assert find_config(tmp_path / "other").ignore == ("LL201",)
    assert find_config(tmp_path).source == tmp_path / "pyproject.toml"


def test_select_ignore_by_code_slug_and_prefix() -> None:
    def chosen(**kwargs: object) -> list[str]:
        return [r.code for r in REGISTRY.selected(Config(**kwargs))]  # type: ignore[arg-type]

    # Compared with the installed catalog, so that adding a rule does not break this test; a
    # prefix never pulls in a preview rule (tests/test_registry.py).
    every = [r.code for r in REGISTRY.rules if not r.preview]
    family = [c for c in every if c.startswith("LL2")]
    assert {"LL201", "LL202", "LL204", "LL205", "LL206"} <= set(family)
    assert chosen(select=("LL2",), ignore=("missing-reserved-concurrency", "LL204")) == \
        [c for c in family if c not in ("LL202", "LL204")]
    assert chosen(select=("parse-error",), extend_select=("LL20",)) == \
        ["LL001"] + [c for c in every if c.startswith("LL20")]
    assert "LL001" in chosen()


@pytest.mark.parametrize(("text", "message"), [
    ('selectt = ["LL2"]\n', "unknown key `selectt`"),
    ('select = ["LL999"]\n', "unknown rule or prefix `LL999`"),
    ('fail-on = "fatal"\n', "`fail-on` must be one of error, warning, info"),
    ('select = "LL2"\nignore = [1]\n', "`ignore` must be a list of strings"),
    ('[severity]\nLL201 = "loud"\n', "`severity.LL201` must be one of"),
    ('[rules.LL201]\nthreshold = 3\n', "rule LL201 has no option `threshold`"),
    ('[rules.LL777]\nx = 1\n', "[rules.LL777] names no rule"),
    ('[per-file-ignores]\n"tests/*" = ["nope"]\n', "unknown rule or prefix `nope`"),
    ("select = [\n", "invalid TOML"),
    ('ignor = ["LL2"]\n', "unknown key `ignor` (did you mean `ignore`?)"),
    ('select = ["LL2O1"]\n', "unknown rule or prefix `LL2O1` (did you mean `LL201`?)"),
    ('ignore = ["missing-timout"]\n', "(did you mean `missing-timeout`?)"),
    ('[tool.lambdalint]\nselect = ["LL2"]\n', "this file takes the keys at the top level"),
    ('[rules.LL401]\ncold-start-threshold = nan\n', "cold-start-threshold must be a finite number >= 0"),
    ('[rules.LL403]\nmax-layers = -1\n', "max-layers must be a finite number >= 0"),
    ('[rules.LL401]\ncold-start-treshold = 80\n', "(did you mean `cold-start-threshold`?)"),
    ('[per-file-ignores]\n"tests/*" = [{code = "LL101"}]\n', "must be a list of strings"),
])
def test_bad_config_exits_2_with_one_line(tmp_path: Path, text: str, message: str) -> None:
    write_tree(tmp_path, {"lambdalint.toml": text, "template.yaml": TEMPLATE})
    run = cli(tmp_path, "check", ".")
    assert run.returncode == 2
    assert run.stdout == ""
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0] and "lambdalint.toml" in lines[0]


@pytest.mark.parametrize("args", [["check", "--bogus"], ["check", "--format", "xml"],
                                  ["check", "--fail-on", "loud"], ["check", "--select", "LL42"],
                                  ["rule", "LL999"], ["frobnicate"]])
def test_bad_options_exit_2_with_one_line(tmp_path: Path, args: list[str]) -> None:
    run = cli(tmp_path, *args)
    assert run.returncode == 2
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("lambdalint: error:")
    assert "Traceback" not in run.stderr


def test_severity_override_and_fail_on(tmp_path: Path) -> None:
    write_tree(tmp_path, {"template.yaml": TEMPLATE, "lambdalint.toml":
                          'select = ["LL205"]\nfail-on = "error"\n[severity]\nreserved-environment-variable = "info"\n'})
    run = cli(tmp_path, "check", ".")
    assert "LL205 [info]" in run.stdout
    assert run.returncode == 0  # an info finding does not reach fail-on = error
    assert cli(tmp_path, "check", ".", "--fail-on", "info").returncode == 1


def test_exclude_and_gitignore(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "lambdalint.toml": 'exclude = ["legacy/"]\n',
        ".gitignore": "generated/\n",
        "legacy/template.yaml": TEMPLATE,
        "generated/template.yaml": TEMPLATE,
        "app/template.yaml": TEMPLATE,
    })
    (tmp_path / ".git").mkdir()
    result = run_lint(tmp_path, config=load_file(tmp_path / "lambdalint.toml"))
    assert {path for _, path, _ in codes_at(result)} == {"app/template.yaml"}


def test_rule_options_are_type_checked() -> None:
    rule = REGISTRY.get("LL201")
    assert rule is not None
    assert REGISTRY.rule_options(rule, Config()) == {}
    with pytest.raises(ConfigError):
        REGISTRY.rule_options(rule, Config(rule_options={"LL201": {"x": 1}}))


@pytest.mark.parametrize(("option", "value", "message"), [
    ("--select", "LL2O1", "--select: unknown rule or prefix `LL2O1` (did you mean `LL201`?)"),
    ("--ignore", "missing-timout", "--ignore: unknown rule or prefix `missing-timout` (did you mean `missing-timeout`?)"),
    ("--extend-select", "LL2,nope", "--extend-select: unknown rule or prefix `nope`"),
])
def test_bad_option_names_the_option_not_the_config_file(tmp_path: Path, option: str, value: str,
                                                         message: str) -> None:
    write_tree(tmp_path, {"lambdalint.toml": 'select = ["LL2"]\n', "template.yaml": TEMPLATE})
    run = cli(tmp_path, "check", option, value, ".")
    assert run.returncode == 2 and run.stderr == f"lambdalint: error: {message}\n"


def test_pyproject_with_a_tool_value_that_is_not_a_table(tmp_path: Path) -> None:
    write_tree(tmp_path, {"pyproject.toml": "tool = 5\n", "template.yaml": TEMPLATE})
    run = cli(tmp_path, "check", ".")
    assert run.returncode == 1 and "Traceback" not in run.stderr  # not ours: defaults apply


def test_config_file_that_is_not_utf8_is_one_line_exit_2(tmp_path: Path) -> None:
    (tmp_path / "lambdalint.toml").write_bytes(b'select = ["LL1"]\n# caf\xe9\n')
    with pytest.raises(ConfigError, match="not UTF-8"):
        load_file(tmp_path / "lambdalint.toml")
