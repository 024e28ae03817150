"""The command line: report formats, exit codes, --output, --exit-zero, --stdin-filename, rule docs."""

from __future__ import annotations

import gc
import json
import subprocess
import sys
from pathlib import Path

from conftest import PROJECT, write_tree
from lambdalint.cli import main

TEMPLATE = """\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  ReportFunction:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
      Runtime: python3.12
      ReservedConcurrentExecutions: 1
      Environment:
        Variables:
          AWS_REGION: eu-west-1
"""


def cli(cwd: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "lambdalint", *args], cwd=cwd, input=stdin,
                          capture_output=True, text=True)


def test_json_report_matches_the_documented_contract(tmp_path: Path) -> None:
    write_tree(tmp_path, {"svc/template.yaml": TEMPLATE})
    run = cli(tmp_path, "check", "--format", "json")
    assert run.returncode == 1
    report = json.loads(run.stdout)
    assert set(report) == {"version", "findings", "summary"}
    assert report["summary"] == {"files": 1, "functions": 1, "findings": 2,
                                 "by_severity": {"warning": 1, "error": 1}}
    first = report["findings"][0]
    assert set(first) == {"code", "slug", "severity", "message", "hint", "path", "line", "column",
                          "end_line", "end_column", "function", "related"}
    assert [(f["code"], f["path"], f["line"], f["column"]) for f in report["findings"]] == [
        ("LL201", "svc/template.yaml", 4, 3), ("LL205", "svc/template.yaml", 12, 11)]
    assert first["function"] == "ReportFunction" and first["end_line"] == 4 and first["end_column"] == 17


def test_exit_codes_output_file_and_exit_zero(tmp_path: Path) -> None:
    write_tree(tmp_path, {"template.yaml": TEMPLATE})
    out = tmp_path / "report.txt"
    run = cli(tmp_path, "check", ".", "--output", str(out))
    assert run.returncode == 1 and run.stdout == ""
    assert "Found 2 findings (1 error, 1 warning)" in out.read_text()
    assert cli(tmp_path, "check", ".", "--exit-zero").returncode == 0
    assert cli(tmp_path, "check", ".", "--fail-on", "error", "--ignore", "LL205").returncode == 0
    clean = cli(tmp_path, "check", ".", "--select", "LL204")
    assert clean.returncode == 0 and clean.stdout.startswith("All checks passed (1 file, 1 function)")


def test_text_is_plain_when_not_a_terminal(tmp_path: Path) -> None:
    write_tree(tmp_path, {"template.yaml": TEMPLATE})
    run = cli(tmp_path, "check", ".")
    assert "\033[" not in run.stdout and "\033[" not in run.stderr
    assert run.stdout.splitlines()[0] == \
        "template.yaml:4:3: LL201 [warning] `ReportFunction` sets no timeout and runs with the default of 3 s"
    assert run.stdout.splitlines()[1].startswith("  hint: Set `Timeout`")


def test_stdin_filename_lints_the_buffer_instead_of_the_disk(tmp_path: Path) -> None:
    write_tree(tmp_path, {"template.yaml": TEMPLATE})
    fixed = TEMPLATE.replace("          AWS_REGION: eu-west-1\n", "          TARGET_REGION: eu-west-1\n")
    run = cli(tmp_path, "check", "--stdin-filename", "template.yaml", "--format", "json", stdin=fixed)
    assert [f["code"] for f in json.loads(run.stdout)["findings"]] == ["LL201"]


def test_rule_docs_and_rule_list(tmp_path: Path) -> None:
    docs = cli(tmp_path, "rule", "missing-timeout")
    assert docs.returncode == 0 and docs.stdout.startswith("# LL201 missing-timeout (warning)")
    assert "## How to fix" in docs.stdout
    listing = cli(tmp_path, "rules").stdout.splitlines()
    assert any(line.split()[:3] == ["LL206", "deprecated-runtime", "warning"] for line in listing)
    version = cli(tmp_path, "--version")
    assert version.returncode == 0 and version.stdout.strip().startswith("lambdalint, version ")


def test_bundled_example_project_has_its_findings() -> None:
    run = cli(PROJECT, "check", "examples/orders-app", "--format", "json")
    codes = sorted({f["code"] for f in json.loads(run.stdout)["findings"]})
    assert {"LL201", "LL205", "LL206"} <= set(codes)


def test_main_leaves_the_garbage_collector_as_it_found_it(tmp_path: Path) -> None:
    """`main` switches the collector off for the run; a caller's process gets it back."""
    (tmp_path / "template.yaml").write_text("Resources: {}\n")
    assert gc.isenabled()
    try:
        main(["check", str(tmp_path)])
    except SystemExit as exc:
        assert exc.code in (0, None)
    assert gc.isenabled()


def test_a_path_that_does_not_exist_is_an_error(tmp_path: Path) -> None:
    write_tree(tmp_path, {"template.yaml": TEMPLATE})
    run = cli(tmp_path, "check", "template.yaml", "src/typo.py")
    assert run.returncode == 2 and run.stdout == ""
    assert run.stderr == "lambdalint: error: src/typo.py: no such file or directory\n"
    assert cli(tmp_path, "check", "nowhere/").returncode == 2


def test_an_existing_file_lambdalint_does_not_check_passes_silently(tmp_path: Path) -> None:
    write_tree(tmp_path, {"template.yaml": TEMPLATE, "README.md": "# app\n", "Makefile": "all:\n"})
    run = cli(tmp_path, "check", "README.md", "Makefile")
    assert run.returncode == 0 and run.stderr == "", run.stderr
    assert run.stdout.startswith("All checks passed")


HANDLER = 'import boto3\n\n\ndef handler(event, context):\n    s3 = boto3.client("s3")\n    return s3.list_buckets()\n'


def test_fix_with_stdin_filename_prints_the_fixed_buffer(tmp_path: Path) -> None:
    write_tree(tmp_path, {"template.yaml": TEMPLATE.replace("AWS_REGION", "TARGET_REGION"), "app.py": HANDLER})
    run = cli(tmp_path, "check", "--fix", "--stdin-filename", "app.py", stdin=HANDLER)
    assert run.stdout == 'import boto3\n\n\ns3 = boto3.client("s3")\n\n\ndef handler(event, context):\n' \
                         '    return s3.list_buckets()\n'
    assert (tmp_path / "app.py").read_text() == HANDLER  # the buffer's file is never written
    assert "fixed" not in run.stderr and "LL101" not in run.stderr  # nothing left to report
    # a buffer without a fix comes back unchanged, its findings on stderr
    kept = HANDLER.replace('boto3.client("s3")', 'boto3.client("s3", region_name=event["region"])')
    run = cli(tmp_path, "check", "--fix", "--stdin-filename", "app.py", stdin=kept)
    assert run.stdout == kept and "LL101" in run.stderr and run.returncode == 1


def test_diff_says_when_no_finding_has_a_safe_fix(tmp_path: Path) -> None:
    write_tree(tmp_path, {"template.yaml": TEMPLATE})
    run = cli(tmp_path, "check", "--diff", ".")
    assert run.stdout == "" and run.returncode == 0
    assert run.stderr == "lambdalint: no safe fix for the 2 findings; nothing to change\n"


def test_output_into_a_new_folder_and_an_unwritable_output(tmp_path: Path) -> None:
    write_tree(tmp_path, {"template.yaml": TEMPLATE})
    run = cli(tmp_path, "check", ".", "--format", "sarif", "--output", "reports/lambdalint.sarif")
    assert run.returncode == 1 and json.loads((tmp_path / "reports" / "lambdalint.sarif").read_text())["runs"]
    (tmp_path / "blocked").write_text("a file, not a folder")
    run = cli(tmp_path, "check", ".", "--output", "blocked/report.txt")
    assert run.returncode == 2 and len(run.stderr.splitlines()) == 1
    assert run.stderr.startswith("lambdalint: error: --output blocked/report.txt: cannot write")


def test_a_path_where_the_command_goes_is_an_error_that_says_how_to_check_it(tmp_path: Path) -> None:
    write_tree(tmp_path, {"svc/template.yaml": TEMPLATE})
    run = cli(tmp_path, "svc")
    assert run.returncode == 2 and run.stdout == ""
    assert run.stderr.strip() == "lambdalint: error: No such command 'svc'. (to check that path: lambdalint check svc)"
    # not a path: the plain usage error, nothing suggested
    assert cli(tmp_path, "chek").stderr.strip() == "lambdalint: error: No such command 'chek'. Did you mean 'check'?"
