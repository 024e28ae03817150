"""Hostile, broken and huge input: one regression test per failure class of issue 13.

Each test builds the hostile file next to a good template and checks both halves: the hostile file
is one clear LL001 (or a note), and the good function keeps its findings.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from conftest import codes_at, run_lint, write_tree
from lambdalint.loaders.jsonnodes import MAX_DEPTH, LoadError, load_json
from lambdalint.loaders.yamlnodes import load_yaml

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

    def buggy(source, project, **kwargs):  # type: ignore[no-untyped-def]
        if source.display.startswith("other/"):
            raise KeyError(1406)
        return real(source, project, **kwargs)

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
        "lambdalint.api._check_found (RecursionError: maximum recursion depth exceeded)"]


@pytest.mark.parametrize("target", ["stdout-full", "file-as-folder", "read-only"])
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
    elif target == "file-as-folder":
        # a missing folder is created (as ruff does); a file standing where the folder should be is not
        (tmp_path / "taken").write_text("", encoding="utf-8")
        args += ["-o", str(tmp_path / "taken" / "report.txt")]
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
    assert len(run.stderr.splitlines()) == 1 and run.stderr.startswith("lambdalint: error: ")
    assert "cannot write the report" in run.stderr


# -- files that are not files, size limits, unreadable folders ------------------------------------

def test_fifo_and_device_symlinks_are_skipped_with_a_note(tmp_path: Path) -> None:
    import os

    if not hasattr(os, "mkfifo") or not Path("/dev/zero").exists():
        pytest.skip("needs FIFOs and /dev/zero")
    write_tree(tmp_path, {"template.yaml": GOOD, "src/app.py": "def handler(event, context):\n    return 1\n"})
    os.mkfifo(tmp_path / "pipe.yaml")
    os.mkfifo(tmp_path / "src" / "pipe.py")
    (tmp_path / "zero.yaml").symlink_to("/dev/zero")
    (tmp_path / "src" / "zero.py").symlink_to("/dev/zero")
    result = lint_beside_good(tmp_path, {})  # a hang here is the bug: FIFOs block on open
    assert codes_at(result) == [GOOD_FINDING]
    assert "pipe.yaml: skipped, a FIFO, not a file" in result.notes
    assert "zero.yaml: skipped, a device, not a file" in result.notes
    assert "src/pipe.py: skipped, not a regular file" in result.notes
    # named on the command line, a device is skipped the same way
    explicit = run_lint(tmp_path, ["zero.yaml", "template.yaml"], select=("LL001", "LL201"))
    assert codes_at(explicit) == [GOOD_FINDING]


def test_a_handler_module_that_is_a_fifo_does_not_hang(tmp_path: Path) -> None:
    import os

    if not hasattr(os, "mkfifo"):
        pytest.skip("needs FIFOs")
    write_tree(tmp_path, {"template.yaml": GOOD, "src/other.py": "X = 1\n"})
    os.mkfifo(tmp_path / "src" / "app.py")
    result = run_lint(tmp_path, select=("LL001", "LL108", "LL201"))
    assert codes_at(result) == [GOOD_FINDING]  # no LL108 "no module": the module is there


def test_size_limits_are_ll001_and_configurable(tmp_path: Path) -> None:
    from lambdalint.config import Config, parse_config

    big = GOOD.replace("GoodFunction", "BigFunction") + "# " + "x" * (2 * 1024 * 1024) + "\n"
    big_py = "def handler(event, context):\n    return 1\n# " + "x" * (2 * 1024 * 1024) + "\n"
    write_tree(tmp_path, {"template.yaml": GOOD, "big/template.yaml": big, "src/app.py": big_py})
    config = parse_config({"select": ["LL001", "LL108", "LL201"], "max-template-mb": 1, "max-python-mb": 1.5},
                          "test", root=tmp_path)
    result = run_lint(tmp_path, config=config)
    assert codes_at(result) == [("LL001", "big/template.yaml", 1), ("LL001", "src/app.py", 1), GOOD_FINDING]
    assert result.visible[0].message.startswith("too large to check (2.0 MB; the limit is 1 MB, setting `max-template-mb`)")
    assert "`max-python-mb`" in result.visible[1].message
    # the defaults (10 MB, 5 MB) read both
    default = run_lint(tmp_path, config=Config(select=("LL001", "LL201"), root=tmp_path))
    assert codes_at(default) == [("LL201", "big/template.yaml", 4), GOOD_FINDING]


@pytest.mark.parametrize("value", [0, -1, "10", True, float("inf")])
def test_size_limit_setting_must_be_a_positive_number(value: object) -> None:
    from lambdalint.config import ConfigError, parse_config

    with pytest.raises(ConfigError, match="`max-template-mb` must be a positive number of megabytes"):
        parse_config({"max-template-mb": value}, "lambdalint.toml")


def test_unreadable_folder_is_a_note_naming_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    write_tree(tmp_path, {"template.yaml": GOOD, "locked/template.yaml": GOOD})
    real = os.scandir

    def refuse(path: object = ".") -> object:
        if str(path).endswith("locked"):
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "scandir", refuse)
    result = run_lint(tmp_path, select=("LL001", "LL201"))
    assert codes_at(result) == [GOOD_FINDING]
    assert "locked: skipped, cannot read folder: Permission denied" in result.notes


# -- Python sources as CPython reads them ---------------------------------------------------------

CLIENT_HANDLER = 'import boto3\n{middle}\ndef handler(event, context):\n    s3 = boto3.client("s3")\n    return s3\n'


def handler_project(tmp_path: Path, source: bytes) -> Path:
    return write_tree(tmp_path, {"template.yaml": GOOD.replace("Runtime: python3.12", "Runtime: python3.12\n      Timeout: 5"),
                                 "src/app.py": source})


def test_latin1_file_with_a_coding_cookie_is_analysed(tmp_path: Path) -> None:
    source = ("# -*- coding: latin-1 -*-\n" + CLIENT_HANDLER.format(middle='NAME = "café"')).encode("latin-1")
    result = run_lint(handler_project(tmp_path, source), select=("LL001", "LL101", "LL108"))
    assert codes_at(result) == [("LL101", "src/app.py", 5)]


def test_bom_file_is_analysed_with_its_columns(tmp_path: Path) -> None:
    source = b"\xef\xbb\xbf" + CLIENT_HANDLER.format(middle="").encode()
    result = run_lint(handler_project(tmp_path, source), select=("LL001", "LL101", "LL108"))
    assert [(f.code, f.span.line, f.span.column) for f in result.visible] == [("LL101", 4, 10)]


@pytest.mark.parametrize("source, line", [
    (b"import boto3\nNAME = '\xff\xfe'\ndef handler(event, context):\n    return 1\n", 2),   # not UTF-8, no cookie
    (b"# coding: klingon\ndef handler(event, context):\n    return 1\n", 1),                  # unknown codec
])
def test_undecodable_python_is_ll001_at_its_line_and_never_no_module(tmp_path: Path, source: bytes, line: int) -> None:
    result = run_lint(handler_project(tmp_path, source), select=("LL001", "LL101", "LL108"))
    assert codes_at(result) == [("LL001", "src/app.py", line)]
    assert result.visible[0].message.startswith("cannot decode Python source")


@pytest.mark.parametrize("middle", [
    "V = " + " and ".join(["x"] * 700),              # valid, deeper than LibCST's default recursion
    "V = a" + ".b" * 1500,
    "V = " + "+".join(["1"] * 1500),
])
def test_deep_but_valid_chains_keep_the_files_findings(tmp_path: Path, middle: str) -> None:
    result = run_lint(handler_project(tmp_path, CLIENT_HANDLER.format(middle=middle).encode()),
                      select=("LL001", "LL101", "LL108"))
    assert codes_at(result) == [("LL101", "src/app.py", 4)]


@pytest.mark.parametrize("middle, message", [
    ("V = " + "f(" * 5000 + ")" * 5000, "too many nested parentheses"),      # crashed LibCST's parser
    ("V = " + "-" * 200_000 + "1", "nested too deeply for Python to parse"),
])
def test_code_python_itself_refuses_is_ll001_at_its_line(tmp_path: Path, middle: str, message: str) -> None:
    result = run_lint(handler_project(tmp_path, CLIENT_HANDLER.format(middle=middle).encode()),
                      select=("LL001", "LL101", "LL108"))
    assert codes_at(result) == [("LL001", "src/app.py", 2)]
    assert message in result.visible[0].message
    assert "KeyError" not in result.visible[0].message


# -- --fix writes safely ---------------------------------------------------------------------------

FIXABLE = 'import boto3\n\n\ndef handler(event, context):\n    s3 = boto3.client("s3")\n    return s3\n'
FIXED_LINE = 's3 = boto3.client("s3")'


def fix(tmp_path: Path, target: str = "app.py") -> tuple[list[str], list[str]]:
    """Lint `target` in `tmp_path` and apply its fixes; (displays written, refusals)."""
    from lambdalint.code.fix import apply_fixes

    result = run_lint(tmp_path, [target], select=("LL101",))
    refused: list[str] = []
    written = apply_fixes(result.findings, refused=refused)
    return [change.display for change in written], refused


def test_fix_through_a_symlink_writes_the_target(tmp_path: Path) -> None:
    write_tree(tmp_path, {"real/app.py": FIXABLE})
    (tmp_path / "app.py").symlink_to(tmp_path / "real" / "app.py")
    written, refused = fix(tmp_path)
    assert written == ["app.py"] and refused == []
    assert (tmp_path / "app.py").is_symlink()
    assert FIXED_LINE in (tmp_path / "real" / "app.py").read_text().splitlines()


def test_fix_keeps_bom_line_endings_encoding_and_mode(tmp_path: Path) -> None:
    import os
    import stat

    crlf_bom = b"\xef\xbb\xbf" + FIXABLE.replace("\n", "\r\n").encode()
    latin1 = ("# -*- coding: latin-1 -*-\n" + FIXABLE.replace("return s3", "return 'café', s3")).encode("latin-1")
    write_tree(tmp_path, {"app.py": crlf_bom, "old.py": latin1})
    os.chmod(tmp_path / "app.py", 0o751)
    assert fix(tmp_path) == (["app.py"], [])
    data = (tmp_path / "app.py").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and data.count(b"\xef\xbb\xbf") == 1
    assert b"\n" not in data.replace(b"\r\n", b"")  # every line ending is still CRLF
    assert FIXED_LINE in data.decode("utf-8-sig").splitlines()
    assert stat.S_IMODE(os.stat(tmp_path / "app.py").st_mode) == 0o751
    assert fix(tmp_path, "old.py") == (["old.py"], [])
    text = (tmp_path / "old.py").read_bytes().decode("latin-1")
    assert FIXED_LINE in text.splitlines() and "'café'" in text


def test_fix_refuses_a_read_only_file_and_a_folder_without_room(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import os
    import tempfile

    write_tree(tmp_path, {"app.py": FIXABLE, "ro/app.py": FIXABLE})
    os.chmod(tmp_path / "app.py", 0o444)
    written, refused = fix(tmp_path)
    assert written == [] and refused == ["app.py: it is read-only; left alone"]
    assert (tmp_path / "app.py").read_text() == FIXABLE

    # a folder where no temporary file can be created (root ignores folder modes: simulated)
    real = tempfile.mkstemp

    def no_room(*args: object, **kwargs: object) -> tuple[int, str]:
        if str(kwargs.get("dir", "")).endswith("ro"):
            raise PermissionError(13, "Permission denied")
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(tempfile, "mkstemp", no_room)
    written, refused = fix(tmp_path, "ro/app.py")
    assert written == []
    assert refused == ["ro/app.py: cannot create a temporary file next to it: Permission denied; left alone"]
    assert (tmp_path / "ro" / "app.py").read_text() == FIXABLE
    assert [p.name for p in (tmp_path / "ro").iterdir()] == ["app.py"]


def test_fix_leaves_a_file_changed_between_read_and_write(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    from lambdalint.code import fix as fix_module

    write_tree(tmp_path, {"app.py": FIXABLE})
    real = os.fsync
    edited = FIXABLE + "# edited meanwhile\n"

    def edit_then_sync(fd: int) -> None:  # the user saves while the temporary file is written
        (tmp_path / "app.py").write_text(edited)
        os.utime(tmp_path / "app.py", ns=(1, 1))
        real(fd)

    monkeypatch.setattr(fix_module.os, "fsync", edit_then_sync)
    written, refused = fix(tmp_path)
    assert written == [] and refused == ["app.py: it changed while the fix was written; left alone"]
    assert (tmp_path / "app.py").read_text() == edited
    assert sorted(p.name for p in tmp_path.iterdir()) == ["app.py"]


def test_cli_fix_refusal_is_one_line_and_exit_2(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    write_tree(tmp_path, {"app.py": FIXABLE})
    os.chmod(tmp_path / "app.py", 0o444)
    run = subprocess.run([sys.executable, "-m", "lambdalint", "check", "--fix", "--select", "LL101", "."],
                         cwd=tmp_path, capture_output=True, text=True)
    assert run.returncode == 2
    assert run.stderr.splitlines() == ["lambdalint: error: cannot fix app.py: it is read-only; left alone"]
    assert "app.py:5:10: LL101" in run.stdout


# -- language server: bad headers and bad URIs affect nothing else --------------------------------

def frame(message: dict[str, object]) -> bytes:
    import json

    body = json.dumps(message).encode()
    return b"Content-Length: %d\r\n\r\n%s" % (len(body), body)


def test_checked_input_drops_bad_frames_and_keeps_good_ones() -> None:
    import io

    from lambdalint.lsp_stream import CheckedInput

    good = [{"jsonrpc": "2.0", "id": i, "method": "x"} for i in range(4)]
    stream = (b"Content-Length: abc\r\n\r\n{\"jsonrpc\": \"2.0\"}"          # not a number
              + frame(good[0])
              + b"Content-Type: application/json\r\n\r\n{}\r\n"               # no length at all
              + frame(good[1])
              + b"Content-Length: 99999999999999999999\r\n\r\n"              # absurd
              + b"garbage" + frame(good[2])                                   # glued to garbage
              + b"\x00" * 200_000 + b"\r\n"                                   # an endless header line
              + frame(good[3])
              + b"Content-Length: 50\r\n\r\n{\"cut\":")                       # input ends inside a body
    reader = CheckedInput(io.BufferedReader(io.BytesIO(stream)))
    bodies = []
    while True:
        header = reader.readline()
        if not header:
            break
        assert header.startswith(b"Content-Length: ") and reader.readline() == b"\r\n"
        bodies.append(reader.read(int(header.split(b":")[1])))
    import json

    assert [json.loads(b) for b in bodies] == good


def _server_session(messages: bytes, timeout: float = 60) -> list[dict[str, object]]:
    """Feed raw bytes to `lambdalint server`; the JSON messages it answered with, in order."""
    import json
    import subprocess
    import sys

    run = subprocess.run([sys.executable, "-m", "lambdalint", "server"], input=messages,
                         capture_output=True, timeout=timeout)
    out, replies = run.stdout, []
    while out:
        head, _, rest = out.partition(b"\r\n\r\n")
        length = int(head.split(b"Content-Length:")[1].split(b"\r\n")[0])
        replies.append(json.loads(rest[:length]))
        out = rest[length:]
    return replies


@pytest.mark.parametrize("bad", [
    b"Content-Length: twelve\r\n\r\n{}",
    b"Content-Length: 123456789012345678901234567890\r\n\r\n",
    b"Content-Type: application/vscode-jsonrpc\r\n\r\n{\"jsonrpc\": \"2.0\", \"method\": \"exit\"}",
    b"Content-Length: 5\r\n\r\nnot{}",
])
def test_server_survives_bad_headers(bad: bytes) -> None:
    initialize = {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}}}
    shutdown = {"jsonrpc": "2.0", "id": 2, "method": "shutdown"}
    replies = _server_session(bad + frame(initialize) + frame(shutdown)
                              + frame({"jsonrpc": "2.0", "method": "exit"}))
    answered = [r.get("id") for r in replies if "id" in r and ("result" in r or "error" in r)]
    assert answered == [1, 2]
    assert "capabilities" in replies[[r.get("id") for r in replies].index(1)]["result"]


def test_server_checks_other_documents_after_a_nul_byte_uri(tmp_path: Path) -> None:
    write_tree(tmp_path, {"template.yaml": GOOD})
    good_uri = (tmp_path / "template.yaml").as_uri()
    messages = [
        {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}}},
        {"jsonrpc": "2.0", "method": "initialized", "params": {}},
        {"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {
            "uri": good_uri.replace("template.yaml", "bad%00name.yaml"), "languageId": "yaml", "version": 1,
            "text": GOOD}}},
        {"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {
            "uri": "file:///" + "x" * 5000 + ".yaml", "languageId": "yaml", "version": 1, "text": GOOD}}},
        {"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {
            "uri": good_uri, "languageId": "yaml", "version": 1, "text": GOOD}}},
    ]
    import threading

    # the server lints in the background: keep its input open until the diagnostics are out
    import json
    import subprocess
    import sys

    server = subprocess.Popen([sys.executable, "-m", "lambdalint", "server"], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    found: list[dict[str, object]] = []
    done = threading.Event()

    def read() -> None:
        out = server.stdout
        while True:
            head = b""
            while not head.endswith(b"\r\n\r\n"):
                byte = out.read(1)
                if not byte:
                    done.set()
                    return
                head += byte
            length = int(head.split(b"Content-Length:")[1].split(b"\r\n")[0])
            message = json.loads(out.read(length))
            if message.get("method") == "textDocument/publishDiagnostics" and \
                    message["params"]["uri"] == good_uri:
                found.append(message)
                done.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        server.stdin.write(b"".join(frame(m) for m in messages))
        server.stdin.flush()
        assert done.wait(60), "no diagnostics for the good document"
    finally:
        server.stdin.write(frame({"jsonrpc": "2.0", "id": 9, "method": "shutdown"})
                           + frame({"jsonrpc": "2.0", "method": "exit"}))
        server.stdin.close()
        server.wait(30)
    assert found, "the server stopped before publishing"
    codes = [d["code"] for d in found[0]["params"]["diagnostics"]]
    assert "LL201" in codes


def test_a_huge_editor_buffer_is_too_large_not_read(tmp_path: Path) -> None:
    from lambdalint.api import lint
    from lambdalint.config import Config

    write_tree(tmp_path, {"template.yaml": GOOD, "big/template.yaml": GOOD})
    huge = GOOD + "# " + "x" * (11 * 1024 * 1024) + "\n"
    result = lint(focus=[tmp_path / "big" / "template.yaml", tmp_path / "template.yaml"],
                  overlay={tmp_path / "big" / "template.yaml": huge},
                  config=Config(select=("LL001", "LL201"), root=tmp_path), cwd=tmp_path)
    assert codes_at(result) == [("LL001", "big/template.yaml", 1), GOOD_FINDING]
    assert "too large to check" in result.visible[0].message


# -- .gitignore and exclude patterns ----------------------------------------------------------------

def test_gitignore_patterns_git_rejects_are_ignored_with_a_note(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    write_tree(tmp_path, {".gitignore": "\\\n!\n[z-a]\nbuild/\n[[:alpha:]\n", "template.yaml": GOOD,
                          "build/template.yaml": GOOD, "sub/.gitignore": b"\xff\xfe\\\n"})
    result = run_lint(tmp_path, select=("LL001", "LL201"))
    assert codes_at(result) == [GOOD_FINDING]  # build/ is still ignored: the good patterns hold
    notes = [n for n in result.notes if ".gitignore" in n]
    assert notes[:3] == [".gitignore: pattern '\\\\' ignored: git rejects it too (Invalid git pattern: '\\\\')",
                         ".gitignore: pattern '!' ignored: git rejects it too (Invalid git pattern: '!')",
                         ".gitignore: pattern '[z-a]' ignored: git rejects it too (bad character range z-a at position 10)"]
    assert any(n.startswith("sub/.gitignore: pattern") for n in notes)


@pytest.mark.parametrize("pattern", ["\\", "!", "[z-a]", "foo\\"])
def test_an_invalid_exclude_pattern_is_one_line_exit_2(tmp_path: Path, pattern: str,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    import json

    write_tree(tmp_path, {"lambdalint.toml": f"exclude = [{json.dumps(pattern)}, \"build/\"]\n",
                          "template.yaml": GOOD})
    code, out, err = run_main(tmp_path, capsys, ".")
    assert code == 2 and out == ""
    assert len(err.splitlines()) == 1
    assert err.startswith("lambdalint: error: ") and "lambdalint.toml: `exclude` pattern" in err
    assert "not valid gitignore syntax" in err


# -- scale: files as arguments load each project once ----------------------------------------------

def test_project_roots_scan_each_folder_once_and_keep_nesting(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import lambdalint.focus as focus

    files = {"template.yaml": GOOD, "nested/serverless.yml": "service: a\nprovider: {name: aws}\n",
             "loose/readme.yaml": "a: 1\n"}
    files.update({f"src/pkg{i}/mod{j}.py": "X = 1\n" for i in range(20) for j in range(10)})
    write_tree(tmp_path, files)
    outside = tmp_path.parent / f"{tmp_path.name}-alone.py"
    outside.write_text("X = 1\n")
    scanned: list[Path] = []
    real = focus._holds_project

    def counting(folder: Path) -> bool:
        scanned.append(folder)
        return real(folder)

    monkeypatch.setattr(focus, "_holds_project", counting)
    paths = [tmp_path / name for name in files] + [outside]
    roots = focus.project_roots(paths)
    assert len(scanned) == len(set(scanned))  # 200 files in 20 folders: each folder asked once
    assert tmp_path in roots and tmp_path / "nested" not in roots  # inside the outer project
    assert all(not str(r).startswith(str(tmp_path) + "/") for r in roots)


def test_triggers_by_function_match_a_scan(tmp_path: Path) -> None:
    from lambdalint.triggers import function_triggers, template_triggers

    events = "".join(f"  F{i}:\n    Type: AWS::Serverless::Function\n    Properties:\n      Handler: a.b\n"
                     f"      Runtime: python3.12\n      Events:\n        Api:\n          Type: Api\n"
                     f"          Properties: {{Path: /{i}, Method: get}}\n" for i in range(30))
    write_tree(tmp_path, {"template.yaml": "Transform: AWS::Serverless-2016-10-31\nResources:\n" + events})
    project = run_lint(tmp_path, select=("LL203",)).project
    template = project.templates[0]
    for function in template.functions:
        expected = [t for t in template_triggers(template) if t.function is function]
        assert function_triggers(function) == expected and len(expected) == 1


# -- names too long for the file system (found by tests/test_fuzz.py) --------------------------------

@pytest.mark.parametrize("code_uri, handler", [
    ("src/", "a" * 5000 + ".handler"),
    ("x" * 5000 + "/", "app.handler"),
    ("src/", "pkg/" + "b" * 300 + "/" + "c" * 300 + ".handler"),
])
def test_names_too_long_for_the_file_system_are_no_internal_error(tmp_path: Path, code_uri: str, handler: str) -> None:
    long = GOOD.replace("GoodFunction", "LongFunction").replace("CodeUri: src/", f"CodeUri: {code_uri}") \
        .replace("Handler: app.handler", f"Handler: {handler}")
    write_tree(tmp_path, {"template.yaml": GOOD, "long/template.yaml": long,
                          "src/app.py": "from . import " + "d" * 5000 + "\nimport " + "e." * 3000 + "f\n"
                                        "def handler(event, context):\n    return 1\n",
                          "long/src/app.py": "def handler(event, context):\n    return 1\n"})
    result = run_lint(tmp_path)  # every rule
    assert result.internal_errors == []
    assert GOOD_FINDING in codes_at(result)


def test_serverless_names_too_long_are_no_internal_error(tmp_path: Path) -> None:
    long = "x" * 5000
    write_tree(tmp_path, {"template.yaml": GOOD, "svc/serverless.yml": f"""\
service: s
provider: {{name: aws, runtime: python3.12}}
package: {{artifact: {long}.zip, patterns: ['!{long}/**']}}
functions:
  a: {{handler: {long}.main}}
  b: {{handler: {long}}}
  c: {{handler: h.main, package: {{artifact: {long}/x.zip}}}}
layers:
  l: {{path: {long}}}
"""})
    result = run_lint(tmp_path)
    assert result.internal_errors == []
    assert GOOD_FINDING in codes_at(result)


def test_a_fifo_named_pyproject_toml_does_not_hang_a_focused_run(tmp_path: Path) -> None:
    import os

    if not hasattr(os, "mkfifo"):
        pytest.skip("needs FIFOs")
    write_tree(tmp_path, {"template.yaml": GOOD, "src/app.py": "def handler(event, context):\n    return 1\n"})
    os.mkfifo(tmp_path / "src" / "pyproject.toml")
    result = run_lint(tmp_path, focus=["template.yaml", "src/app.py"], select=("LL001", "LL201"))
    assert codes_at(result) == [GOOD_FINDING]
