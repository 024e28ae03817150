"""Robustness on 905 real public templates (../shared/corpus) and agreement with a peer's own suite."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lambdalint.api import lint

from conftest import SHARED, TODAY, requires_shared

CORPUS = SHARED / "corpus"
PEER_SUITE = CORPUS / "serverless-rules" / "cfn-lint-serverless" / "tests" / "templates"

# Read one by one: 11 duplicate keys (YAML loaders silently keep the last), an unquoted
# parenthesis after a quoted Description, and a stray word after a key (`MappingRestEdge:curc`).
BROKEN = {
    "serverless-patterns/apigw-custom-domain-edge/template.yaml": 34,
    "serverless-patterns/apigw-ec2/template.yaml": 80,
    "serverless-patterns/appsync-dynamodb-singletable/template.yaml": 58,
    "serverless-patterns/cloudfront-apigw-http-api-lambda-rust/template.yml": 74,
    "serverless-patterns/cloudfront-failover-apigw-http-api-lambda-rust/cloudfront.yml": 25,
    "serverless-patterns/cloudfront-lambda-url-rust/template.yml": 45,
    "serverless-patterns/cognito-sns-sms-origination-id-sam/template.yaml": 65,
    "serverless-patterns/lambda-streaming-sdk-sam/template.yaml": 43,
    "serverless-patterns/msk-lambda-schema-avro-java-sam/template_original.yaml": 60,
    "serverless-patterns/multi-account-private-apigw/centralAccount/template.yaml": 234,
    "serverless-patterns/public-nlb-or-alb-private-api-cfn/template.yaml": 358,
    "serverless-patterns/rds-sns-event-notification/template.yaml": 3,
    "serverless-patterns/sam-webapp-cognito/template.yaml": 29,
    "serverless-patterns/vpc-lattice-lambda/template.yaml": 163,
}


@pytest.fixture(scope="module")
def corpus_report():
    if not CORPUS.is_dir():
        pytest.skip("../shared/corpus is not next to the project; CI provides it")
    return lint([CORPUS], cwd=CORPUS, today=TODAY)


@requires_shared
def test_every_corpus_template_loads_without_an_exception(corpus_report) -> None:
    assert corpus_report.internal_errors == []
    # Of the 905 files, 18 are not templates and are skipped silently: 4 package.json and 14
    # serverless.template.yml example descriptions. The 20 resource fragments pulled in with
    # ${file()} are read as part of the services that include them.
    assert corpus_report.files == 887
    # 930 functions in templates that load, less 76 in serverless.yml files of other providers
    # (OpenWhisk, Kubeless, Google, Azure, ...), which define no Lambda function, plus 15 in
    # templates with a duplicate key, which are now checked (the last value wins).
    assert corpus_report.functions == 869


@requires_shared
def test_the_really_broken_templates_yield_ll001_at_a_line(corpus_report) -> None:
    found: dict[str, int] = {}
    for f in corpus_report.findings:
        if f.code == "LL001":  # a file with several duplicate keys has one LL001 each: the first
            found[f.span.path] = min(found.get(f.span.path, f.span.line), f.span.line)
    assert found == BROKEN
    # duplicate keys no longer hide the rest of the file: its functions are checked too
    checked = {f.span.path for f in corpus_report.findings if f.code != "LL001"}
    assert "serverless-patterns/sam-webapp-cognito/template.yaml" in checked


@requires_shared
@pytest.mark.parametrize(("name", "fires"), [("es1006.fail.yaml", True), ("es1006.pass.yaml", False)])
def test_missing_timeout_agrees_with_serverless_rules_es1006(name: str, fires: bool) -> None:
    report = lint([PEER_SUITE / name], cwd=PEER_SUITE, today=TODAY)
    assert any(f.code == "LL201" for f in report.visible) is fires
