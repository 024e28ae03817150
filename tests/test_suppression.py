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
