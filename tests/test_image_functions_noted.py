"""A container image function's code is the image's: the handler-code rules cannot read it, and a
run says so instead of passing it green in silence (six image functions of a judged Serverless
service, `image: ${ssm:...}@${ssm:...}`, went unmentioned)."""

from __future__ import annotations

from pathlib import Path

from conftest import run_lint, write_tree

SERVERLESS = """\
service: klayers-build
provider:
  name: aws
  runtime: python3.12
functions:
  build312:
    image: ${ssm:/klayers/build/p312/repo}@${ssm:/klayers/build/p312/digest}
    timeout: 600
  check:
    handler: check.handler
"""
SAM = """\
AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Resources:
  PredictFunction:
    Type: AWS::Serverless::Function
    Properties:
      PackageType: Image
      Timeout: 60
    Metadata:
      DockerContext: ./predict
      Dockerfile: Dockerfile
"""


def test_image_functions_are_noted_as_not_read(tmp_path: Path) -> None:
    write_tree(tmp_path, {"sls/serverless.yml": SERVERLESS, "sls/check.py": "def handler(event, context):\n    return 1\n",
                          "sam/template.yaml": SAM, "sam/predict/app.py": "def handler(event, context):\n    return 1\n"})
    result = run_lint(tmp_path, select=("LL101",))
    noted = sorted(note.split(": a container image")[0] for note in result.notes if "container image function" in note)
    assert noted == ["sam/template.yaml: `PredictFunction`", "sls/serverless.yml: `build312`"]
