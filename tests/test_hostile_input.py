"""Hostile, broken and huge input: one regression test per failure class of issue 13.

Each test builds the hostile file next to a good template and checks both halves: the hostile file
is one clear LL001 (or a note), and the good function keeps its findings.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from conftest import codes_at, run_lint, write_tree
from lambdalint.loaders.yamlnodes import MAX_DEPTH, LoadError, load_json, load_yaml

GOOD = """\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  GoodFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: app.handler
      Runtime: python3.12
"""
GOOD_FINDING = ("LL201", "template.yaml", 4)  # no timeout: the finding that must survive

# 340 bytes that expand to 9^9 strings (the "billion laughs" of YAML).
ALIAS_BOMB = "AWSTemplateFormatVersion: '2010-09-09'\nResources: {}\n" + "".join(
    f"{name}: &{name} [{', '.join([f'*{prev}'] * 9) if prev else ', '.join(['lol'] * 9)}]\n"
    for prev, name in zip([""] + list("abcdefgh"), "abcdefghi"))


def lint_beside_good(tmp_path: Path, files: dict[str, str | bytes], select: tuple[str, ...] = ("LL001", "LL201")):
    write_tree(tmp_path, {"template.yaml": GOOD, **files})
    return run_lint(tmp_path, select=select)


# -- YAML: merge keys, aliases, depth, duplicate keys -------------------------------------------

def test_merge_keys_follow_yaml_1_1_in_any_order() -> None:
    text = """\
base: &base {Timeout: 3, MemorySize: 128, Runtime: python3.9}
more: &more {MemorySize: 512, Tracing: Active}
before:
  Timeout: 30
  <<: *base
after:
  <<: *base
  Timeout: 30
listed:
  <<: [*more, *base]
"""
    problems: list[LoadError] = []
    plain = load_yaml(text, "t.yaml", problems).plain()
    assert problems == []
    expected = {"Timeout": 30, "MemorySize": 128, "Runtime": "python3.9"}
    assert plain["before"] == plain["after"] == expected
    # earlier mappings of the list win over later ones
    assert plain["listed"] == {"MemorySize": 512, "Tracing": "Active", "Timeout": 3, "Runtime": "python3.9"}


def test_merged_settings_reach_serverless_functions(tmp_path: Path) -> None:
    result = lint_beside_good(tmp_path, {"svc/serverless.yml": """\
service: orders
provider: {name: aws, runtime: python3.12}
custom:
  defaults: &defaults
    timeout: 20
    reservedConcurrency: 5
functions:
  create:
    <<: *defaults
    handler: handler.create
  list:
    handler: handler.list
    <<: *defaults
    timeout: 10
"""}, select=("LL001", "LL201"))
    functions = {f.name: f for f in result.project.functions}
    assert functions["create"].timeout.value == 20
    assert functions["list"].timeout.value == 10  # the explicit key wins though it comes after
    assert codes_at(result) == [GOOD_FINDING]


def test_alias_bomb_is_one_ll001_quickly(tmp_path: Path) -> None:
    assert len(ALIAS_BOMB) < 1024
    started = time.process_time()
    result = lint_beside_good(tmp_path, {"bomb/template.yaml": ALIAS_BOMB})
    spent = time.process_time() - started
    assert codes_at(result) == [("LL001", "bomb/template.yaml", 3), GOOD_FINDING]
    assert "too many alias expansions" in result.visible[0].message
    assert spent < 30  # a generous sanity bound: the unbounded expansion never ends on this machine


def test_normal_alias_reuse_is_not_a_bomb() -> None:
    functions = "".join(f"  f{i}:\n    <<: *defaults\n    handler: h.f{i}\n" for i in range(2000))
    text = "defaults: &defaults {timeout: 10, memorySize: 256, tags: {team: a, cost: b}}\nfunctions:\n" + functions
    root = load_yaml(text, "serverless.yml")
    assert root.get("functions", "f1999", "timeout").value == 10


@pytest.mark.parametrize("text", [
    "a: " + "[" * 990 + "]" * 990,                      # under libyaml's own limit, over ours
    "a: " + "[" * 50_000 + "]" * 50_000,                # over libyaml's limit
    "".join("  " * i + f"k{i}:\n" for i in range(2000)) + "  " * 2000 + "v\n",
    "&a [*a]",                                          # an alias inside itself
    "a: &a {<<: *a}",                                   # a merge of itself
])
def test_any_depth_is_a_load_error_never_a_recursion_error(text: str) -> None:
    with pytest.raises(LoadError) as error:
        load_yaml(text, "t.yaml")
    assert "nest" in error.value.message
    assert error.value.line >= 1


def test_deep_json_is_a_load_error_with_its_line() -> None:
    with pytest.raises(LoadError):
        load_json("{\n\"a\": " + "[" * 100_000 + "]" * 100_000 + "}", "t.json")
    with pytest.raises(LoadError) as error:
        load_json("{\n\"a\":\n" + "[" * (MAX_DEPTH + 5) + "]" * (MAX_DEPTH + 5) + "}", "t.json")
    assert error.value.line == 3


def test_deep_template_beside_a_good_one(tmp_path: Path) -> None:
    deep = "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  X: " + "[" * 500 + "]" * 500 + "\n"
    result = lint_beside_good(tmp_path, {"deep/template.yaml": deep})
    assert codes_at(result) == [("LL001", "deep/template.yaml", 3), GOOD_FINDING]


def test_duplicate_key_is_reported_and_the_rest_is_checked(tmp_path: Path) -> None:
    dup = GOOD.replace("GoodFunction", "DupFunction").replace(
        "      Runtime: python3.12\n", "      Runtime: python3.9\n      Runtime: python3.12\n")
    result = lint_beside_good(tmp_path, {"dup/template.yaml": dup, "dup.json": (
        '{"Resources": {"J": {"Type": "AWS::Lambda::Function",\n'
        ' "Properties": {"Handler": "a.b", "Handler": "c.d", "Runtime": "python3.12"}}}}')})
    assert codes_at(result) == [
        ("LL201", "dup.json", 1), ("LL001", "dup.json", 2),
        ("LL201", "dup/template.yaml", 4), ("LL001", "dup/template.yaml", 10), GOOD_FINDING]
    functions = {f.name: f for f in result.project.functions}
    assert functions["DupFunction"].runtime.value == "python3.12"  # the last value wins, as in PyYAML
    assert functions["J"].handler.value == "c.d"
    assert "first defined on line 9; the last value is used" in result.visible[3].message


def test_duplicate_key_in_other_yaml_is_not_reported(tmp_path: Path) -> None:
    result = lint_beside_good(tmp_path, {"docs/Resources.yml": "Resources: x\nname: a\nname: b\n"})
    assert codes_at(result) == [GOOD_FINDING]


# -- exit codes: 1 means findings, an internal error is exit 2 with one line ---------------------

def run_main(tmp_path: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    import os

    from lambdalint.cli import main

    old = os.getcwd()
    os.chdir(tmp_path)
    try:
        with pytest.raises(SystemExit) as exited:
            main(["check", *args])
    finally:
        os.chdir(old)
    out, err = capsys.readouterr()
    return int(exited.value.code), out, err


def test_a_loader_bug_is_exit_2_and_keeps_other_findings(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    import lambdalint.load

    write_tree(tmp_path, {"template.yaml": GOOD, "other/template.yaml": GOOD})
    real = lambdalint.load.load_template

    def buggy(source, project):  # type: ignore[no-untyped-def]
        if source.display.startswith("other/"):
            raise KeyError(1406)
        return real(source, project)

    monkeypatch.setattr(lambdalint.load, "load_template", buggy)
    code, out, err = run_main(tmp_path, capsys, ".", "--select", "LL201")
    assert code == 2
    assert err.splitlines() == ["lambdalint: internal error in loading other/template.yaml (KeyError: 1406); please report"]
    assert "template.yaml:4:3: LL201" in out


def test_a_crash_outside_the_engine_is_one_line_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    import lambdalint.render

    write_tree(tmp_path, {"template.yaml": GOOD})

    def broken(*args: object, **kwargs: object) -> str:
        raise ValueError("renderer bug\nsecond line")

    monkeypatch.setattr(lambdalint.render, "render", broken)
    code, out, err = run_main(tmp_path, capsys, ".")
    assert code == 2 and out == ""
    assert len(err.splitlines()) == 1
    assert "internal error in" in err and "ValueError: renderer bug); please report" in err
    assert "Traceback" not in err


def test_an_engine_crash_is_an_internal_error_not_an_exception(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import lambdalint.api

    def broken(*args: object, **kwargs: object) -> None:
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(lambdalint.api, "apply_suppressions", broken)
    write_tree(tmp_path, {"template.yaml": GOOD})
    result = run_lint(tmp_path)
    assert result.internal_errors == [
        "lambdalint.api._run (RecursionError: maximum recursion depth exceeded)"]


@pytest.mark.parametrize("target", ["stdout-full", "missing-folder", "read-only"])
def test_unwritable_output_is_one_line_exit_2(tmp_path: Path, target: str) -> None:
    import os
    import subprocess
    import sys

    write_tree(tmp_path, {"template.yaml": GOOD})
    args = [sys.executable, "-m", "lambdalint", "check", "."]
    stdout = subprocess.PIPE
    if target == "stdout-full":
        if not Path("/dev/full").exists():
            pytest.skip("no /dev/full on this system")
        stdout = open("/dev/full", "w")  # noqa: SIM115 - closed below
    elif target == "missing-folder":
        args += ["-o", str(tmp_path / "no" / "such" / "report.txt")]
    else:
        if os.geteuid() == 0:
            pytest.skip("root writes into read-only folders")
        (tmp_path / "ro").mkdir(mode=0o555)
        args += ["-o", str(tmp_path / "ro" / "report.txt")]
    try:
        run = subprocess.run(args, cwd=tmp_path, stdout=stdout, stderr=subprocess.PIPE, text=True)
    finally:
        if stdout is not subprocess.PIPE:
            stdout.close()
    assert run.returncode == 2
    assert len(run.stderr.splitlines()) == 1 and run.stderr.startswith("lambdalint: error: cannot write the report")
