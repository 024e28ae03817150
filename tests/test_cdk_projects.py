"""Every real Python CDK app in ../shared/projects/cdk-python/ loads and lints without an exception,
and the number of functions read from each app's source is pinned: a loader change that loses (or
invents) a function fails here."""

from __future__ import annotations

from pathlib import Path

import pytest

from lambdalint.api import lint
from lambdalint.config import Config

from conftest import SHARED, TODAY

APPS = SHARED / "projects" / "cdk-python" / "serverless-patterns"
requires_apps = pytest.mark.skipif(
    not APPS.is_dir(), reason="../shared/projects/cdk-python/ is not next to the project; CI provides it")

# Apps not listed define no Lambda function of their own (Step Functions, Pipes, Fargate, imported
# functions, CloudFront functions).
FUNCTIONS = {
    "adobe-eventbridge-lambda": 1,
    "apigw-bedrock-cognito-cdk": 3,
    "apigw-canary-deployment-cdk": 1,
    "apigw-dynamodb-python-cdk": 1,
    "apigw-http-api-lambda-cdk": 1,
    "apigw-http-api-lambda-dynamodb-python-cdk": 1,
    "apigw-http-api-sqs-lambda-cdk": 1,
    "apigw-lambda-bedrock-cdk-python": 1,
    "apigw-lambda-bedrock-s3-cdk-python": 1,
    "apigw-lambda-comprehend-cdk-python": 1,
    "apigw-lambda-sagemaker-jumpstartendpoint-cdk-python": 1,
    "apigw-lambda-translate-cdk": 1,
    "apigw-lambda-wildcard-resourcebasedpolicy-cdk": 1,
    "apigw-mutualtls-lambda-cdk": 1,
    "apigw-python-cdk-lambda-snapstart": 1,
    "apigw-rest-api-sqs-lambda-bedrock-cdk": 1,
    "apigw-sqs-lambda-ddb-cdk": 2,
    "apigw-stepfunctions-lambda-bedrock-s3-sns": 2,
    "appsync-events-lambda-agentcore-cdk": 2,  # one `StandardLambda` class, used for two functions
    "auth0-eventbridge-lambda": 1,
    "automate-secrets-manager-tags": 1,
    "bedrock-agents-lambda-cdk": 1,
    "cdk-stepfunction-durable-lambda-function": 2,
    "cloudfront-lambda-edge-cdk-python": 1,
    "cloudfront-s3-signed-cookies-cognito": 2,
    "cloudtrail-streaming-to-opensearch-serverless-cdk": 1,
    "cw-dashboard-lambda-metrics": 1,
    "cwlogs-lambda-sns-sqs-cdk": 1,
    "eventbridge-bedrock-s3-aoss": 1,
    "eventbridge-lambda-cdk": 1,
    "eventbridge-pipes-sqs-to-multiple-sqs": 1,
    "eventbridge-schedule-remove-one-time-schedules-cdk-python": 1,
    "eventbridge-schedule-secret-rotation-cdk": 1,
    "eventbridge-schedule-to-eventbridge-cdk-python": 1,
    "eventbridge-scheduled-stepfunction-bedrock-kb-sync": 4,
    "firehose-transformation-cdk": 1,
    "glue-eventbridge-lambda-cdk": 1,
    "inspector-lambda": 2,
    "iot-kinesis-lambda-cdk": 1,
    "iot-lambda-cdk": 1,
    "iot-s3-lambda-cdk": 1,
    "iot-sqs-lambda-cdk": 1,
    "kendra-bedrock-cdk-python": 2,
    "kinesis-data-stream-lambda-esm-cdk-python": 5,
    "kinesis-lambda-py-cdk": 1,
    "lambda-efs-cdk": 1,
    "lambda-endusermessaging": 1,
    "lambda-eventbridge-sqs-lambda-cdk-python": 1,
    "lambda-glue-s3": 1,
    "lambda-kinesis-lambda-cdk": 2,
    "lambda-powertools-secretsmanager-cdk": 1,
    "lambda-s3-polly-cdk": 1,
    "lambda-s3-translate-cdk": 1,
    "lambda-sns-cdk": 1,
    "lambda-sns-sms-cdk": 1,
    "lambda-sqs-cdk": 1,
    "private-apigw-public-custom-domain": 1,
    "qbusiness-s3-cdk-python": 1,
    "s3-lambda-comprehend-cdk-python": 1,
    "s3-lambda-sns-python-cdk": 1,
    "s3-lambda-translate-cdk-python": 1,
    "s3-sqs-lambda-bedrock-s3-cdk-python": 1,
    "sfn-callback-cdk": 1,
    "shopify-eventbridge-lambda": 1,
    "sns-lambda-cdk": 1,
    "sns-slack-teams-integration-cdk-python": 1,
    "sqs-fifo-delayed-queue-dynamodb": 1,
    "sqs-lambda-cdk-python": 1,
    "sqs-lambda-dynamodb-cdk": 1,
    "sqs-lambda-eb-cdk-python": 1,
    "ta-eventbridge-lambda-s3": 2,
    "waf-cloudfront-websocket-apigw-cdk-python": 1,
    "xray-lambdalayers-cdk-python": 1,
}


def _apps() -> list[Path]:
    return sorted(p for p in APPS.iterdir() if p.is_dir()) if APPS.is_dir() else []


@requires_apps
def test_every_app_loads_and_its_functions_are_pinned() -> None:
    found: dict[str, int] = {}
    for app in _apps():
        result = lint([app], Config(root=app), cwd=app, today=TODAY)
        assert not result.internal_errors, (app.name, result.internal_errors)
        assert result.project is not None
        assert not [u for u in result.unchecked if "cdk.json" in u], app.name
        count = len([f for f in result.project.functions if f.template.dialect == "cdk"])
        if count:
            found[app.name] = count
    assert len(_apps()) == 115
    assert found == FUNCTIONS


@requires_apps
def test_spans_placed_per_statement_equal_whole_module_positions() -> None:
    from test_cdk_loader import model_spans

    per_statement = model_spans(APPS, False, pytest.MonkeyPatch())
    with pytest.MonkeyPatch.context() as patch:
        whole = model_spans(APPS, True, patch)
    assert per_statement == whole and len(whole) > 5000
