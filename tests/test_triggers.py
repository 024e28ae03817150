"""Triggers in the model (lambdalint.triggers) and the rules built on them (LL203, LL207, LL208).

The three `triggers-*` fixture projects wire every trigger kind the issue lists, in SAM, plain
CloudFormation and Serverless; their normalised trigger lists are pinned here, and their reports
are pinned by the snapshot test like every other fixture project.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from lambdalint.api import lint
from lambdalint.config import Config
from lambdalint.located import Located, Span
from lambdalint.triggers import referenced_ids, schedule_expressions, template_triggers

from conftest import FIXTURES, SHARED, TODAY, requires_shared, run_lint, write_tree
from test_schedule import CASES

PROJECTS = FIXTURES / "projects"
PEER_SUITE = SHARED / "corpus" / "serverless-rules" / "cfn-lint-serverless" / "tests" / "templates"


def triggers_of(project: str) -> set[tuple[str | None, str, str | None, str]]:
    """(function, kind, source, declared_by) of every trigger the fixture declares."""
    root = PROJECTS / project
    result = run_lint(root, select=("LL001",), config=Config(select=("LL001",), root=root))
    assert result.project is not None and not result.visible
    return {(t.function.name if t.function else None, t.kind, t.source, t.declared_by)
            for template in result.project.templates for t in template_triggers(template)}


def test_sam_events_of_every_kind() -> None:
    assert triggers_of("triggers-sam") == {
        ("ApiFunction", "function-url", None, "sam-event"),
        ("ApiFunction", "api", None, "sam-event"),
        ("ApiFunction", "http-api", None, "sam-event"),
        ("QueueWorker", "sqs", "OrdersQueue", "sam-event"),
        ("Notifier", "sns", "OrdersTopic", "sam-event"),
        ("Notifier", "s3", "UploadsBucket", "sam-event"),
        ("Scheduled", "schedule", None, "sam-event"),
        ("Scheduled", "scheduler", None, "sam-event"),
        ("Scheduled", "eventbridge", None, "sam-event"),  # EventBridgeRule and CloudWatchEvent
        ("Scheduled", "logs", None, "sam-event"),
        ("Scheduled", "iot", None, "sam-event"),
        ("StreamProcessor", "dynamodb", "OrdersTable", "sam-event"),
        ("StreamProcessor", "kinesis", "ClickStream", "sam-event"),
        ("StreamProcessor", "msk", None, "sam-event"),
        ("StreamProcessor", "mq", None, "sam-event"),
        ("SignUpTrigger", "cognito", "UserPool", "sam-event"),
    }


def test_cloudformation_resources_that_name_the_function() -> None:
    assert triggers_of("triggers-cloudformation") == {
        ("Worker", "sqs", "JobsQueue", "AWS::Lambda::EventSourceMapping"),
        # named by its literal FunctionName, read from the table's stream
        ("Worker", "dynamodb", "EventsTable", "AWS::Lambda::EventSourceMapping"),
        # a literal stream ARN: the kind comes from the ARN's service
        ("Worker", "kinesis", None, "AWS::Lambda::EventSourceMapping"),
        ("Reacter", "s3", "IncomingBucket", "AWS::S3::Bucket"),
        ("Reacter", "sns", "AlertsTopic", "AWS::SNS::Subscription"),
        ("Reacter", "eventbridge", "ShippedRule", "AWS::Events::Rule"),
        ("Cron", "schedule", "NightlyRule", "AWS::Events::Rule"),
        ("Cron", "scheduler", "WeeklySchedule", "AWS::Scheduler::Schedule"),
        ("LogShipper", "logs", "AppLogGroup", "AWS::Logs::SubscriptionFilter"),
        ("LogShipper", "iot", "TelemetryRule", "AWS::IoT::TopicRule"),
        ("Web", "api", "RestApi", "AWS::ApiGateway::Method"),
        ("Web", "http-api", "HttpApi", "AWS::ApiGatewayV2::Integration"),
        ("Web", "alb", "WebTargets", "AWS::ElasticLoadBalancingV2::TargetGroup"),
        ("Web", "function-url", None, "AWS::Lambda::Url"),
        # The S3 and SNS permissions add nothing: a bucket notification and a subscription
        # already show those triggers, so neither appears twice.
    }


def test_serverless_events_of_every_kind() -> None:
    assert triggers_of("triggers-serverless") == {
        ("api", "api", None, "serverless-event"),
        ("api", "http-api", None, "serverless-event"),
        ("api", "alb", None, "serverless-event"),
        ("api", "websocket", None, "serverless-event"),
        ("transcode", "sqs", "TranscodeQueue", "serverless-event"),
        ("transcode", "s3", None, "serverless-event"),
        ("fanout", "sns", None, "serverless-event"),
        ("fanout", "eventbridge", None, "serverless-event"),
        ("fanout", "logs", None, "serverless-event"),
        ("fanout", "iot", None, "serverless-event"),
        ("digest", "schedule", None, "serverless-event"),
        ("digest", "scheduler", None, "serverless-event"),  # `method: scheduler`
        ("audit", "dynamodb", "AuditTable", "serverless-event"),
        ("audit", "kinesis", None, "serverless-event"),  # kind from the ARN
    }


def test_openapi_files_quick_create_and_http_api_events() -> None:
    assert triggers_of("api-openapi-files") == {
        # AWS::Include of a local file, the uri a `Fn::Sub` of the function's ARN
        ("CreateOrderFunction", "api", "OrdersApi", "AWS::Serverless::Api"),
        ("GetOrderFunction", "api", "OrdersApi", "AWS::Serverless::Api"),
        ("ExportOrdersFunction", "api", "OrdersApi", "AWS::Serverless::Api"),
        # DefinitionUri of a local JSON file, the uri a literal ARN naming the FunctionName
        ("MonthlyReportFunction", "http-api", "ReportsApi", "AWS::Serverless::HttpApi"),
        # HTTP API quick create (`Target`)
        ("WebhookFunction", "http-api", "WebhookApi", "AWS::ApiGatewayV2::Api"),
        ("PingFunction", "http-api", "PingApi", "AWS::ApiGatewayV2::Api"),
        ("StatusFunction", "http-api", None, "sam-event"),
        ("HealthFunction", "http-api", None, "sam-event"),
        ("RefundFunction", "api", "AdminApi", "AWS::Serverless::Api"),  # inline DefinitionBody
        # PartnerSyncFunction: its API's definition is in S3, which is never read
    }


def test_ll203_follows_openapi_files_and_quick_create() -> None:
    root = PROJECTS / "api-openapi-files"
    result = run_lint(root, select=("LL203",))
    found = {(f.function, f.span.line): [(r.span.path, r.span.line) for r in f.related]
             for f in result.visible}
    assert found == {
        ("CreateOrderFunction", 57): [("openapi/orders.yaml", 8)],  # the integration in the file
        ("MonthlyReportFunction", 78): [("openapi/reports.json", 7)],
        ("WebhookFunction", 91): [("template.yaml", 43)],  # the quick-create `Target`
        ("StatusFunction", 104): [("template.yaml", 106)],
        ("RefundFunction", 145): [("template.yaml", 136)],  # inline DefinitionBody
    }
    messages = {f.function: f.message for f in result.visible}
    assert "gives up after 29 s" in messages["CreateOrderFunction"]
    assert "HTTP API `ReportsApi` gives up after 30 s" in messages["MonthlyReportFunction"]


_INCLUDING_API = """\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  Api:
    Type: AWS::Serverless::Api
    Properties:
      StageName: prod
      DefinitionBody:
        Fn::Transform: {Name: AWS::Include, Parameters: {Location: api.yaml}}
  Fn:
    Type: AWS::Serverless::Function
    Properties: {CodeUri: src/, Handler: app.handler, Runtime: python3.12, Timeout: 60}
"""


@pytest.mark.parametrize("content", [
    None,  # the included file is missing
    "openapi: [unclosed\n",  # a broken file
    "just a string\n",
    b"\xff\xfe not utf-8",
    "[" * 5000 + "]" * 5000 + "\n",  # nested past any sane depth
])
def test_unreadable_openapi_files_give_no_trigger_and_no_crash(tmp_path: Path, content: str | bytes | None) -> None:
    if content is not None:
        write_tree(tmp_path, {"api.yaml": content})
    template = _template(_INCLUDING_API, tmp_path)
    assert template_triggers(template) == []
    assert run_lint(tmp_path, select=("LL203",)).visible == []


def test_trigger_settings_keep_their_locations() -> None:
    root = PROJECTS / "triggers-sam"
    result = run_lint(root, select=("LL001",), config=Config(select=("LL001",), root=root))
    template = result.project.templates[0]
    queue = next(t for t in template_triggers(template) if t.kind == "sqs")
    assert queue.name == "Orders"
    assert (queue.span.line, queue.span.column) == (61, 9)  # the event's key
    batch = queue.setting("BatchSize")
    assert batch is not None and batch.value == 10 and batch.span.line == 65


def _template(text: str, tmp_path: Path, name: str = "template.yaml"):
    write_tree(tmp_path, {name: text})
    result = run_lint(tmp_path, select=("LL001",))
    return result.project.templates[0]


def test_permission_is_a_trigger_only_when_nothing_else_shows_it(tmp_path: Path) -> None:
    template = _template("""\
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Fn:
    Type: AWS::Lambda::Function
    Properties: {Handler: a.handler, Runtime: python3.12, Code: {ZipFile: x}}
  PartnerTopicPermission:
    Type: AWS::Lambda::Permission
    Properties:
      FunctionName: !Ref Fn
      Action: lambda:InvokeFunction
      Principal: sns.amazonaws.com
      SourceArn: arn:aws:sns:eu-west-1:123456789012:partner
  EventsPermission:
    Type: AWS::Lambda::Permission
    Properties:
      FunctionName: !GetAtt Fn.Arn
      Action: lambda:InvokeFunction
      Principal: events.amazonaws.com
  AuthorizerPermission:
    Type: AWS::Lambda::Permission
    Properties:
      FunctionName: !GetAtt Fn.Arn
      Action: lambda:InvokeFunction
      Principal: iot.amazonaws.com
  Rule:
    Type: AWS::Events::Rule
    Properties:
      ScheduleExpression: rate(10 minutes)
      Targets: [{Arn: !GetAtt Fn.Arn, Id: fn}]
""", tmp_path)
    found = sorted((t.kind, t.declared_by) for t in template_triggers(template))
    # The events permission belongs to the schedule rule; an IoT permission may just as well be
    # for a custom authorizer (a synchronous call), so it is not taken for an IoT rule.
    assert found == [("schedule", "AWS::Events::Rule"), ("sns", "AWS::Lambda::Permission")]


def test_rest_integration_with_event_invocation_type_is_asynchronous(tmp_path: Path) -> None:
    template = _template("""\
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Fn:
    Type: AWS::Lambda::Function
    Properties: {Handler: a.handler, Runtime: python3.12, Timeout: 900, Code: {ZipFile: x}}
  Method:
    Type: AWS::ApiGateway::Method
    Properties:
      RestApiId: !Ref Api
      HttpMethod: POST
      Integration:
        Type: AWS
        Uri: !Sub arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${Fn.Arn}/invocations
        RequestParameters:
          integration.request.header.X-Amz-Invocation-Type: "'Event'"
  Api:
    Type: AWS::ApiGateway::RestApi
""", tmp_path)
    (trigger,) = template_triggers(template)
    assert trigger.kind == "api" and trigger.is_async and not trigger.is_sync_api
    codes = {f.code for f in run_lint(tmp_path, select=("LL203", "LL207")).visible}
    assert codes == {"LL207"}  # no 29 s limit to exceed, but failures of async calls are dropped


def test_serverless_async_http_event_is_asynchronous(tmp_path: Path) -> None:
    template = _template("""\
service: hooks
provider:
  name: aws
  runtime: python3.12
functions:
  receive:
    handler: handler.receive
    timeout: 300
    events:
      - http:
          path: hook
          method: post
          integration: lambda
          async: true
""", tmp_path, "serverless.yml")
    (trigger,) = template_triggers(template)
    assert trigger.is_async and not trigger.is_sync_api


def test_other_serverless_providers_are_left_alone(tmp_path: Path) -> None:
    template = _template("""\
service: cron
provider:
  name: openwhisk
functions:
  tick:
    handler: handler.tick
    events:
      - schedule: cron(* * * * *)
""", tmp_path, "serverless.yml")
    assert template_triggers(template) == [] and schedule_expressions(template) == []


def test_referenced_ids_follow_only_static_references() -> None:
    span = Span.point("t.yaml", 1)

    def node(value: object) -> Located:
        if isinstance(value, dict):
            return Located({k: node(v) for k, v in value.items()}, span)
        if isinstance(value, list):
            return Located([node(v) for v in value], span)
        return Located(value, span)

    assert referenced_ids(node({"Ref": "Fn.Alias"})) == {"Fn"}
    assert referenced_ids(node({"Fn::GetAtt": ["Table", "StreamArn"]})) == {"Table"}
    assert referenced_ids(node({"Fn::Sub": "arn:${AWS::Partition}:x:${Fn.Arn}/${Other}"})) == {"Fn", "Other"}
    assert referenced_ids(node({"Fn::Join": [":", [{"Ref": "A"}, "b"]]})) == {"A"}
    assert referenced_ids(node("arn:aws:sqs:eu-west-1:1:q")) == set()


# -- LL208 through the rule: every expression of the grammar table, in a real template --

def test_ll208_reports_exactly_the_invalid_expressions_of_the_table(tmp_path: Path) -> None:
    lines = ['AWSTemplateFormatVersion: "2010-09-09"', "Resources:"]
    expected: dict[int, str] = {}
    for index, (expression, allow_at, error) in enumerate(CASES):
        if not expression.strip():
            continue  # an empty value is not a string the template would carry
        rtype = "AWS::Scheduler::Schedule" if allow_at else "AWS::Events::Rule"
        lines += [f"  Schedule{index}:", f"    Type: {rtype}", "    Properties:"]
        lines.append(f"      ScheduleExpression: '{expression}'")
        if error is not None:
            expected[len(lines)] = error
    write_tree(tmp_path, {"template.yaml": "\n".join(lines) + "\n"})
    found = {f.span.line: f.message for f in run_lint(tmp_path, select=("LL208",)).visible}
    assert set(found) == set(expected)
    for line, fragment in expected.items():
        assert fragment in found[line]


# -- agreement with awslabs/serverless-rules' own test templates --

@requires_shared
@pytest.mark.parametrize(("name", "expected"), [
    ("es1001-missing.fail.yaml", {"EventSourceMapping"}),
    ("es1001.pass.yaml", set()),
    ("es1007.fail.yaml", {"CloudWatchEventFunction", "EventBridgeRuleFunction", "IoTRuleFunction",
                          "S3Function", "ScheduleFunction", "SNSFunction"}),
    ("es1007.pass.yaml", set()),
])
def test_ll207_agrees_with_serverless_rules(name: str, expected: set[str]) -> None:
    report = lint([PEER_SUITE / name], Config(select=("LL207",), root=PEER_SUITE), cwd=PEER_SUITE,
                  today=TODAY)
    source = (PEER_SUITE / name).read_text(encoding="utf-8").splitlines()
    reported = {source[f.span.line - 1].strip().rstrip(":") for f in report.visible}
    assert reported == expected


# -- schedules and their targets' dead-letter queues (LL207, LL208) --

@pytest.mark.parametrize(("project", "expected"), [
    ("scheduled-jobs", {
        "PurgeFunction": ["asynchronous trigger `PurgeSchedule`"],  # Scheduler target, no DLQ
        "ReportFunction": ["asynchronous trigger `Upload`"],  # its schedules have DLQs, S3 has not
    }),
    ("scheduled-jobs-serverless", {
        "invoice": ["asynchronous trigger `events[0].schedule`", "asynchronous trigger `events[1].schedule`"],
        "ledger": ["asynchronous trigger `events[1].schedule`"],  # not the eventBridge one
    }),
])
def test_ll207_target_dead_letter_covers_only_its_own_trigger(project: str, expected: dict) -> None:
    result = run_lint(PROJECTS / project, select=("LL207",))
    assert {f.function: sorted(r.message for r in f.related) for f in result.visible} == expected


def test_target_dead_letter_is_read_in_every_dialect() -> None:
    with_dlq = set()
    for project in ("scheduled-jobs", "scheduled-jobs-serverless"):
        result = run_lint(PROJECTS / project, select=("LL001",))
        for template in result.project.templates:
            with_dlq |= {(t.name, t.kind) for t in template_triggers(template) if t.target_dead_letter is not None}
    assert with_dlq == {
        ("SyncSchedule", "scheduler"),  # AWS::Scheduler::Schedule Target.DeadLetterConfig
        ("NightlyRule", "schedule"),  # AWS::Events::Rule Targets[].DeadLetterConfig
        ("Weekly", "scheduler"), ("Daily", "schedule"),  # SAM event DeadLetterConfig
        ("events[2].eventBridge", "eventbridge"), ("events[0].eventBridge", "eventbridge"),
    }


@pytest.mark.parametrize(("project", "expected"), [
    ("scheduled-jobs", {42: "rate(5 minute)", 67: "rate(2 day)", 108: "rate(7 day)"}),
    ("scheduled-jobs-serverless", {18: "rate(5 minute)", 32: "rate(10 hour)"}),
])
def test_ll208_singular_units_are_rejected_wherever_a_schedule_is_written(project: str, expected: dict) -> None:
    result = run_lint(PROJECTS / project, select=("LL208",))
    found = {f.span.line: f.message for f in result.visible}
    assert set(found) == set(expected)
    for line, expression in expected.items():
        assert found[line].startswith(f"`{expression}`: a rate of ")
