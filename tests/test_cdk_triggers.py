"""CDK triggers: each way a CDK app wires an invocation is in the one trigger list, so the
trigger rules (LL203, LL207, LL208, LL209, LL304) work on CDK source unchanged."""

from __future__ import annotations

from lambdalint.triggers import template_triggers

from conftest import FIXTURES, run_lint

APP = FIXTURES / "projects" / "cdk-python-triggers"


def test_every_trigger_kind_is_in_the_trigger_list() -> None:
    result = run_lint(APP, select=("LL201",))
    assert result.project is not None
    [template] = result.project.templates
    found = sorted((t.kind, t.function.name if t.function else None, t.source or "")
                   for t in template_triggers(template))
    assert found == [
        ("api", "ApiWorker", "Api"),
        ("function-url", "Public", ""),
        ("http-api", "ApiWorker", ""),
        ("kinesis", "SafeStreamWorker", "Clicks"),
        ("kinesis", "StreamWorker", "Clicks"),
        ("s3", "Public", "Uploads"),  # only a permission says S3 may invoke it
        ("s3", "Thumbnail", "Uploads"),
        ("schedule", "Nightly", "AtNoon"),
        ("schedule", "Nightly", "EveryFiveMinutes"),
        ("schedule", "Nightly", "Typo"),
        ("sns", "AlertWorker", "Alerts"),
        ("sqs", "QueueWorker", "Jobs"),
        ("sqs", "QueueWorker", "Jobs"),  # `add_event_source` and the L2 `EventSourceMapping`
    ]


def test_schedules_are_written_the_way_cdk_writes_them() -> None:
    result = run_lint(APP, select=("LL201",))
    assert result.project is not None
    [template] = result.project.templates
    expressions = {logical_id: resource.get("Properties", "ScheduleExpression").value  # type: ignore[union-attr]
                   for logical_id, resource in template.resources.items()
                   if resource.get("Type").value == "AWS::Events::Rule"}  # type: ignore[union-attr]
    assert expressions == {"EveryFiveMinutes": "rate(5 minutes)", "AtNoon": "cron(0 12 * * ? *)",
                           "Typo": "rate(5 minute)"}


def test_trigger_rules_on_a_cdk_app() -> None:
    result = run_lint(APP, select=("LL203", "LL207", "LL208", "LL209", "LL304"))
    assert not result.internal_errors
    assert [(f.code, f.span.path, f.span.line) for f in result.visible] == [
        ("LL209", "functions/thumbnail/app.py", 12),   # writes into the bucket that triggers it
        ("LL207", "media/media_stack.py", 31),         # S3, no failure destination
        ("LL203", "media/media_stack.py", 44),         # queue visibility 60 s < timeout 120 s
        ("LL207", "media/media_stack.py", 50),         # Kinesis with unlimited retries
        ("LL208", "media/media_stack.py", 64),         # `rate(5 minute)`
        ("LL203", "media/media_stack.py", 74),         # REST API 29 s
        ("LL203", "media/media_stack.py", 74),         # HTTP API 30 s
        ("LL207", "media/media_stack.py", 79),         # S3 may invoke it (a permission), no destination
        ("LL304", "media/media_stack.py", 80),         # function URL without auth
        ("LL304", "media/media_stack.py", 81),         # any principal, no source
    ]
