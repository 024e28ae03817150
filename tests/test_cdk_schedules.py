"""EventBridge Scheduler schedules in CDK apps (`aws_scheduler.Schedule`, also the alpha packages):
scheduler triggers of the function, their expressions judged by LL208 as the user wrote them."""

from __future__ import annotations

from pathlib import Path

from lambdalint.triggers import function_triggers, schedule_expressions

from conftest import FIXTURES, codes_at, run_lint, write_tree

APP = FIXTURES / "projects" / "cdk-python-scheduler"
STACK = "reports/reports_stack.py"


def test_each_schedule_is_a_scheduler_trigger_of_its_function() -> None:
    result = run_lint(APP, select=("LL208",))
    assert result.project is not None
    [function] = result.project.functions
    found = [(t.kind, t.source, t.span.line) for t in function_triggers(function)]
    assert found == [("scheduler", name, line) for name, line in (
        ("Nightly", 26), ("EveryFive", 32), ("Weekly", 38), ("Hourly", 46), ("London", 51), ("Launch", 57),
        ("FromContext", 63), ("Once", 68))]
    nightly = next(t for t in function_triggers(function) if t.source == "Nightly")
    assert nightly.target_dead_letter.plain() == {"Arn": {"Ref": "FailedReports"}}  # type: ignore[union-attr]
    assert nightly.extra["target"].get("RetryPolicy", "MaximumRetryAttempts").value == 2


def test_expressions_are_cdks_own_or_as_written_with_spans() -> None:
    result = run_lint(APP, select=("LL208",))
    assert result.project is not None
    [template] = result.project.templates
    found = {s.owner: (s.value.value, s.value.span.line, s.scheduler) for s in schedule_expressions(template)}
    assert found == {
        "Nightly": ("cron(0 2 * * ? *)", 28, True),
        "EveryFive": ("rate(5 minute)", 34, True),
        "Weekly": ("cron(0 12 * * MON)", 40, True),
        "Hourly": ("rate(1 hour)", 48, True),
        "London": ("cron(0 8 * * ? *)", 53, True),
        "Launch": ("at(2030-01-01T09:00:00)", 59, True),
        # `try_get_context` and `at(datetime)` are known only when the app runs: not judged
    }


def test_only_what_the_user_typed_wrong_is_reported() -> None:
    assert codes_at(run_lint(APP, select=("LL208",))) == [("LL208", STACK, 34), ("LL208", STACK, 40)]


def test_a_schedule_of_something_else_is_no_trigger(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "cdk.json": '{"app": "python3 app.py"}',
        "app.py": """\
import aws_cdk as cdk
from aws_cdk import aws_lambda as lambda_, aws_scheduler as scheduler, aws_scheduler_targets as targets
from aws_cdk import aws_sqs as sqs

app = cdk.App()
stack = cdk.Stack(app, "S")
fn = lambda_.Function(stack, "Fn", runtime=lambda_.Runtime.PYTHON_3_12, handler="app.handler",
                      code=lambda_.Code.from_asset("lambda"))
queue = sqs.Queue(stack, "Q")
scheduler.Schedule(stack, "ToQueue", schedule=scheduler.ScheduleExpression.expression("rate(5 minute)"),
                   target=targets.SqsSendMessage(queue))
scheduler.Schedule(stack, "ToFn", schedule=scheduler.ScheduleExpression.rate(cdk.Duration.minutes(5)),
                   target=targets.LambdaInvoke(fn))
app.synth()
""",
        "lambda/app.py": "def handler(event, context):\n    return event\n",
    })
    result = run_lint(tmp_path, select=("LL208",))
    assert result.project is not None
    [function] = result.project.functions
    assert [(t.kind, t.source) for t in function_triggers(function)] == [("scheduler", "ToFn")]
    assert function_triggers(function)[0].target_dead_letter is None  # no dead-letter queue given
    assert codes_at(result) == []  # the queue's schedule is not read (its target is not followed)
