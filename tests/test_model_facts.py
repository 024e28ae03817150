"""What each loader puts in the model so rules never read a dialect's spelling: trigger facts
(`on_failure`, `bisect`, `max_retries`, `integration_timeout`, `key_filter`, `source_name`,
`visibility`), function facts (`environment_anchor`, `environment_known`, `failure_handling`,
`failure_destinations`) and template facts (`public_urls`, `public_grants`, `references_in`), each
the same fact whatever the dialect, pointing where it is written."""

from __future__ import annotations

from pathlib import Path

from conftest import write_tree
from lambdalint.config import Config
from lambdalint.load import load_project
from lambdalint.model import Function, Project
from lambdalint.triggers import function_triggers


def load(root: Path, files: dict[str, str]) -> Project:
    write_tree(root, files)
    return load_project([root], Config(root=root), cwd=root)


def function(project: Project, name: str) -> Function:
    return next(f for f in project.functions if f.name == name)


def line(text: str, fragment: str) -> int:
    return next(i for i, row in enumerate(text.splitlines(), 1) if fragment in row)


SAM = """\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Globals:
  Function:
    Environment:
      Variables:
        STAGE: prod
Resources:
  Jobs:
    Type: AWS::SQS::Queue
  Slow:
    Type: AWS::SQS::Queue
    Properties:
      VisibilityTimeout: 45
  Uploads:
    Type: AWS::S3::Bucket
  Worker:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: app.handler
      Runtime: python3.12
      FunctionUrlConfig:
        AuthType: NONE
      Events:
        Clicks:
          Type: Kinesis
          Properties:
            Stream: arn:aws:kinesis:eu-west-1:123456789012:stream/clicks
            StartingPosition: LATEST
            BisectBatchOnFunctionError: true
            MaximumRetryAttempts: 2
            DestinationConfig:
              OnFailure:
                Destination: arn:aws:sqs:eu-west-1:123456789012:dlq
        Queue:
          Type: SQS
          Properties:
            Queue: !GetAtt Jobs.Arn
        SlowQueue:
          Type: SQS
          Properties:
            Queue: !GetAtt Slow.Arn
        Upload:
          Type: S3
          Properties:
            Bucket: !Ref Uploads
            Events: s3:ObjectCreated:*
            Filter:
              S3Key:
                Rules: [{Name: prefix, Value: in/}]
  Plain:
    Type: AWS::Lambda::Function
    Properties:
      FunctionName: plain-fn
      Handler: app.handler
      Runtime: python3.12
      Role: arn:aws:iam::123456789012:role/plain
      Code: {S3Bucket: artifacts, S3Key: plain.zip}
      Environment: !If [IsProd, {Variables: {A: b}}, !Ref AWS::NoValue]
  PlainInvokeConfig:
    Type: AWS::Lambda::EventInvokeConfig
    Properties:
      FunctionName: plain-fn
      Qualifier: $LATEST
      MaximumRetryAttempts: 0
  SomeInvokeConfig:
    Type: AWS::Lambda::EventInvokeConfig
    Properties:
      FunctionName: !ImportValue other-stack-function
      Qualifier: $LATEST
      DestinationConfig:
        OnFailure:
          Destination: arn:aws:sqs:eu-west-1:123456789012:failed
  PlainUrl:
    Type: AWS::Lambda::Url
    Properties:
      TargetFunctionArn: !GetAtt Plain.Arn
      AuthType: NONE
  Anyone:
    Type: AWS::Lambda::Permission
    Properties:
      FunctionName: !Ref Plain
      Action: lambda:InvokeFunctionUrl
      Principal: "*"
      FunctionUrlAuthType: NONE
Parameters:
  DbPassword:
    Type: String
    NoEcho: true
"""


def test_cloudformation_trigger_facts(tmp_path: Path) -> None:
    project = load(tmp_path, {"template.yaml": SAM})
    by_name = {t.name: t for t in function_triggers(function(project, "Worker"))}
    clicks = by_name["Clicks"]
    assert clicks.on_failure.span.line == line(SAM, "OnFailure:") + 1  # type: ignore[union-attr]
    assert clicks.bisect.value is True and clicks.max_retries.value == 2  # type: ignore[union-attr]
    assert by_name["Upload"].key_filter.span.line == line(SAM, "S3Key:")  # type: ignore[union-attr]
    # a queue without VisibilityTimeout: its 30 s default, placed at the queue's logical id
    jobs = by_name["Queue"].visibility
    assert (jobs.value, jobs.origin, jobs.span.line) == (30, "default", line(SAM, "  Jobs:"))  # type: ignore[union-attr]
    slow = by_name["SlowQueue"].visibility
    assert (slow.value, slow.span.line) == (45, line(SAM, "VisibilityTimeout: 45"))  # type: ignore[union-attr]
    assert by_name["Clicks"].visibility is None and by_name["Queue"].visibility_key == "VisibilityTimeout"


def test_cloudformation_function_and_template_facts(tmp_path: Path) -> None:
    project = load(tmp_path, {"template.yaml": SAM})
    worker, plain = function(project, "Worker"), function(project, "Plain")
    # inherited from Globals: the finding belongs on the Globals `Environment:` line
    assert worker.environment_anchor.line == line(SAM, "    Environment:")  # type: ignore[union-attr]
    assert worker.environment_known and not plain.environment_known  # `!If`
    # the invoke config naming it by literal FunctionName decides retries on purpose
    assert plain.failure_handling is not None and plain.failure_handling.key_span.line == line(SAM, "PlainInvokeConfig:")
    # one naming a function elsewhere may configure any of them: its role may send there
    assert [d.key_span.line for d in worker.failure_destinations] == [line(SAM, "SomeInvokeConfig:")]
    assert worker.failure_handling is None
    [template] = project.templates
    urls = sorted((u.auth.span.line, u.resource, u.function.name if u.function else None) for u in template.public_urls)
    assert urls == [(line(SAM, "AuthType: NONE"), None, "Worker"), (line(SAM, "TargetFunctionArn") + 1, "PlainUrl", None)]
    [grant] = template.public_grants
    assert (grant.name, grant.principal.span.line, grant.for_public_url) == ("Anyone", line(SAM, 'Principal: "*"'), True)


def test_cloudformation_deploy_time_references(tmp_path: Path) -> None:
    project = load(tmp_path, {"template.yaml": SAM})
    [template] = project.templates
    from lambdalint.located import Located, Span

    at = Span.point("template.yaml", 1)
    value = Located("{{resolve:secretsmanager:prod/db:SecretString:host}}", at)
    assert [(r.source, r.key) for r in template.references_in(value)] == [("secretsmanager", "host")]
    hidden = Located({"Ref": Located("DbPassword", at)}, at)
    assert [r.shown for r in template.references_in(hidden)] == ["the `NoEcho` parameter `DbPassword`"]
    # `${ssm:...}` is the Serverless Framework's, not CloudFormation's
    assert template.references_in(Located("${ssm:/db/password~true}", at)) == []


SERVERLESS = """\
service: media
provider:
  name: aws
  runtime: python3.12
  environment:
    STAGE: prod
    SECRET: ${ssm:/media/secret~true}
functions:
  transcode:
    handler: handler.transcode
    url: true
    onError: arn:aws:sns:eu-west-1:123456789012:dlq
    events:
      - s3:
          bucket: media-uploads
          rules:
            - prefix: in/
      - stream:
          type: dynamodb
          arn: arn:aws:dynamodb:eu-west-1:123456789012:table/t/stream/x
          maximumRetryAttempts: 5
          bisectBatchOnFunctionError: true
          destinations:
            onFailure: arn:aws:sqs:eu-west-1:123456789012:failed
  private:
    handler: handler.private
    url:
      authorizer: aws_iam
    environment:
      OWN: value
"""


def test_serverless_facts_in_its_own_spelling(tmp_path: Path) -> None:
    project = load(tmp_path, {"serverless.yml": SERVERLESS})
    transcode, private = function(project, "transcode"), function(project, "private")
    s3, stream = function_triggers(transcode)
    assert s3.source_name == "media-uploads" and s3.key_filter.key_span.line == line(SERVERLESS, "rules:")  # type: ignore[union-attr]
    assert stream.max_retries.value == 5 and stream.bisect.value is True  # type: ignore[union-attr]
    assert stream.on_failure.span.line == line(SERVERLESS, "onFailure:")  # type: ignore[union-attr]
    assert "bisectBatchOnFunctionError" in stream.stream_hint
    assert transcode.environment_anchor.line == line(SERVERLESS, "  environment:")  # type: ignore[union-attr]
    assert private.environment_anchor.line == line(SERVERLESS, "    environment:")  # type: ignore[union-attr]
    assert [d.span.line for d in transcode.failure_destinations] == [line(SERVERLESS, "onError:")]
    [template] = project.templates
    [url] = template.public_urls  # `authorizer: aws_iam` is not public
    assert (url.auth.span.line, url.function) == (line(SERVERLESS, "url: true"), transcode)
    secret = transcode.environment["SECRET"]
    assert [(r.source, r.shown) for r in template.references_in(secret)] == [
        ("ssm-secure", "a decrypted SecureString (`${ssm:...~true}`)")]


def test_terraform_facts(tmp_path: Path) -> None:
    main = """\
resource "aws_lambda_function" "f" {
  function_name = "f"
  handler       = "app.handler"
  runtime       = "python3.12"
  role          = "arn:aws:iam::123456789012:role/f"
  kms_key_arn   = "arn:aws:kms:eu-west-1:123456789012:key/1"
  environment {
    variables = { DB = "{{resolve:secretsmanager:db}}" }
  }
}
resource "aws_lambda_function_event_invoke_config" "f" {
  function_name = aws_lambda_function.f.function_name
  destination_config {
    on_failure {
      destination = "arn:aws:sqs:eu-west-1:123456789012:failed"
    }
  }
}
resource "aws_lambda_function_url" "f" {
  function_name      = aws_lambda_function.f.function_name
  authorization_type = "NONE"
}
"""
    project = load(tmp_path, {"main.tf": main})
    f = function(project, "aws_lambda_function.f")
    assert f.environment_anchor.line == line(main, "environment {")  # type: ignore[union-attr]
    assert f.failure_handling.span.line == line(main, "on_failure {")  # type: ignore[union-attr]
    assert [d.span.line for d in f.failure_destinations] == [line(main, "destination_config {")]
    assert f.setting("KmsKeyArn").span.line == line(main, "kms_key_arn")  # type: ignore[union-attr]
    [url] = f.template.public_urls
    assert (url.resource, url.function, url.auth.span.line) == ("aws_lambda_function_url.f", f, line(main, '"NONE"'))
    assert "`authorization_type`" in url.hint
    # Terraform resolves no CloudFormation dynamic reference: the text is what Lambda gets
    assert f.template.references_in(f.environment["DB"]) == []
