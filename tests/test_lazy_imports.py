"""The editor path stays fast: a template-only run imports neither LibCST nor cfn-lint."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from conftest import write_tree

TEMPLATE = """\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
      Runtime: python3.8
"""

PROBE = """
import json, sys
from lambdalint.cli import main
try:
    main(["check", ".", "--format", "json", "--exit-zero"])
except SystemExit:
    pass
heavy = sorted(m for m in sys.modules if m.split(".")[0] in ("libcst", "cfnlint", "samtranslator"))
print("MODULES " + json.dumps(heavy), file=sys.stderr)
"""


def test_template_only_run_imports_neither_libcst_nor_cfnlint(tmp_path: Path) -> None:
    write_tree(tmp_path, {"template.yaml": TEMPLATE})
    run = subprocess.run([sys.executable, "-c", PROBE], cwd=tmp_path, capture_output=True, text=True)
    report = json.loads(run.stdout)
    # the run did real work, including the rule that reads cfn-lint's runtime data
    assert {f["code"] for f in report["findings"]} >= {"LL201", "LL206"}
    line = next(l for l in run.stderr.splitlines() if l.startswith("MODULES "))
    assert json.loads(line[len("MODULES "):]) == []
