"""Suppression by line comment, per resource (Metadata or comment), per function and per path."""

from __future__ import annotations

from pathlib import Path

from lambdalint.config import Config

from conftest import codes_at, run_lint, write_tree

TEMPLATE = """\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  Quiet:  # lambdalint: ignore[missing-timeout]
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
      Runtime: python3.12
      Environment:
        Variables:
          AWS_REGION: eu-west-1  # lambdalint: ignore[LL205]
          AWS_DEFAULT_REGION: eu-west-1
  FromMetadata:
    Type: AWS::Serverless::Function
    Metadata:
      lambdalint:
        ignore: [LL201, LL205]
    Properties:
      Handler: app.handler
      Runtime: python3.12
      Environment:
        Variables:
          AWS_REGION: eu-west-1
  # lambdalint: ignore
  AboveComment:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
      Runtime: python3.12
  Loud:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
      Runtime: python3.12
"""
SERVERLESS = """\
service: s
provider:
  name: aws
  runtime: python3.12
functions:
  quiet:  # lambdalint: ignore[LL201]
    handler: h.main
  loud:
    handler: h.main
"""


def test_comments_and_metadata_suppress_only_what_they_name(tmp_path: Path) -> None:
    write_tree(tmp_path, {"template.yaml": TEMPLATE})
    result = run_lint(tmp_path, select=["LL201", "LL205"])
    assert codes_at(result) == [
        ("LL205", "template.yaml", 12),  # the line below the ignore comment is still reported
        ("LL201", "template.yaml", 30),
    ]
    suppressed = sorted((f.code, f.span.line, f.suppressed.justification)
                        for f in result.findings if f.suppressed)
    assert suppressed == [
        ("LL201", 4, "ignore comment on the line"),
        ("LL201", 13, "Metadata lambdalint.ignore"),
        ("LL201", 25, "ignore comment"),
        ("LL205", 11, "ignore comment on the line"),
        ("LL205", 23, "Metadata lambdalint.ignore"),
    ]


def test_serverless_function_comment(tmp_path: Path) -> None:
    write_tree(tmp_path, {"serverless.yml": SERVERLESS})
    result = run_lint(tmp_path, select=["LL201"])
    assert codes_at(result) == [("LL201", "serverless.yml", 8)]
    assert [f.suppressed.kind for f in result.findings if f.suppressed] == ["in-source"]


def test_per_file_ignores(tmp_path: Path) -> None:
    write_tree(tmp_path, {"legacy/template.yaml": TEMPLATE, "app/serverless.yml": SERVERLESS})
    config = Config(select=("LL201",), per_file_ignores={"legacy/*": ("LL2",)}, root=tmp_path)
    result = run_lint(tmp_path, config=config)
    assert codes_at(result) == [("LL201", "app/serverless.yml", 8)]
    external = [f for f in result.findings if f.suppressed and f.suppressed.kind == "external"]
    assert len(external) == 1 and external[0].span.path == "legacy/template.yaml"
    assert result.by_severity() == {"warning": 1}


# -- LL002 unused-suppression --

APP = """\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Globals:
  Function:
    ReservedConcurrentExecutions: 2
Resources:
  OrdersFunction:
    Type: AWS::Serverless::Function
    Metadata:
      lambdalint:
        ignore: [LL201, LL203]
    Properties:
      CodeUri: src/
      Handler: app.handler
      Runtime: python3.12
  ReportFunction:  # lambdalint: ignore[missing-timeout]
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: report.handler
      Runtime: python3.12  # lambdalint: ignore[LL201]
"""
HANDLER = """\
import os

import boto3


def handler(event, context):
    s3 = boto3.client("s3")  # noqa: E501, LL101
    table = boto3.resource("dynamodb")  # noqa: LL10l
    os.environ["AWS_REGION"] = "eu-west-1"  # noqa: F401
    return s3, table  # lambdalint: ignore
"""
REPORT = """\
import boto3

S3 = boto3.client("s3")


def handler(event, context):
    return S3.list_buckets()  # noqa: LL101
"""


def _ll002(result) -> list[tuple[str, int, str]]:
    return [(f.span.path, f.span.line, f.message) for f in result.visible if f.code == "LL002"]


def test_unknown_and_unused_suppressions_are_reported_used_ones_are_not(tmp_path: Path) -> None:
    write_tree(tmp_path, {"template.yaml": APP, "src/app.py": HANDLER, "src/report.py": REPORT})
    result = run_lint(tmp_path)
    assert _ll002(result) == [
        ("src/app.py", 8, "`LL10l` in this suppression names no rule (did you mean `LL101`?)"),
        ("src/app.py", 10, "unused suppression: nothing is reported here"),
        ("src/report.py", 7, "unused suppression: no `LL101` finding here"),
        ("template.yaml", 11, "unused suppression: `OrdersFunction` has no `LL203` finding"),
        ("template.yaml", 21, "unused suppression: no `LL201` finding here"),
    ]
    first = next(f for f in result.visible if f.code == "LL002")
    column = HANDLER.splitlines()[7].index("LL10l") + 1
    assert (first.span.column, first.span.end_column) == (column, column + 5) and first.severity == "info"
    # used: LL101 of `# noqa: E501, LL101` (E501 is another linter's), LL201 in Metadata, the
    # slug on ReportFunction's key line; `# noqa: F401` is never ours
    assert {(f.code, f.span.line) for f in result.findings if f.suppressed} >= {("LL101", 7), ("LL201", 7)}


def test_suppressions_of_rules_that_did_not_run_are_not_judged(tmp_path: Path) -> None:
    write_tree(tmp_path, {"template.yaml": APP, "src/app.py": HANDLER, "src/report.py": REPORT})
    # LL1 did not run: its suppressions are not judged, but a misspelled code is still one
    only_templates = run_lint(tmp_path, select=["LL002", "LL2"])
    assert [(path, line) for path, line, _ in _ll002(only_templates)] == [
        ("src/app.py", 8), ("template.yaml", 11), ("template.yaml", 21)]
    # a rule per-file-ignores turns off is not judged in those files either
    config = Config(select=("ALL",), per_file_ignores={"src/report.py": ("LL101",)}, root=tmp_path)
    assert ("src/report.py", 7) not in {(p, l) for p, l, _ in _ll002(run_lint(tmp_path, config=config))}
    # focus on the template: the handlers' suppressions are not its business
    focused = run_lint(tmp_path, focus=[tmp_path / "template.yaml"])
    assert {path for path, _, _ in _ll002(focused)} == {"template.yaml"}


def test_ll002_can_be_suppressed_and_a_clean_project_stays_silent(tmp_path: Path) -> None:
    kept = HANDLER.replace("# noqa: LL10l", "# noqa: LL10l, LL002").replace(
        "# lambdalint: ignore\n", "# lambdalint: ignore[LL002]\n")
    write_tree(tmp_path, {"template.yaml": APP.replace("LL201, LL203", "LL201"), "src/app.py": kept,
                          "src/report.py": REPORT.replace("  # noqa: LL101", "")})
    result = run_lint(tmp_path)
    assert _ll002(result) == [("template.yaml", 21, "unused suppression: no `LL201` finding here")]
    assert sum(1 for f in result.findings if f.code == "LL002" and f.suppressed) == 1
