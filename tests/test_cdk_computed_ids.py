"""CDK constructs whose id is computed (ngochuy317/aws-cdk-lambda-event-bridge-sqs:
`_lambda.Function(self, self.execution_context.aws_lambda.create_resource_id(f"{self.module_name()}-init-db"), ...)`):
the id is kept as written, on one line and with `·` for its dots, so the function's triggers still find it.
Before, a schedule's `rule.add_target(targets.LambdaFunction(fn))` and `fn.add_event_source(
SqsEventSource(queue))` linked to nothing: LL207 was missed and LL202 said info for a queue consumer."""

from __future__ import annotations

from pathlib import Path

from conftest import run_lint, write_tree

STACK = """\
from aws_cdk import Duration, Stack
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_lambda as _lambda
from aws_cdk import aws_lambda_event_sources as event_sources
from aws_cdk import aws_sqs as sqs


class RandomSystem(Stack):
    def __init__(self, scope, construct_id, execution_context, **kwargs):
        super().__init__(scope, construct_id, **kwargs)
        self.execution_context = execution_context
        buffer = sqs.Queue(self, "CallbackBuffer", visibility_timeout=Duration.minutes(2))
        self.history_processor = _lambda.Function(
            self,
            self.execution_context.aws_lambda.create_resource_id(f"{self.module_name()}-history-processor"),
            runtime=_lambda.Runtime.PYTHON_3_12,
            handler="app.handler",
            code=_lambda.Code.from_asset("apps/history"),
            timeout=Duration.seconds(10),
        )
        self.history_processor.add_event_source(event_sources.SqsEventSource(buffer))
        init_db = _lambda.Function(
            self,
            self.execution_context.aws_lambda.create_resource_id(f"{self.module_name()}-init-db"),
            runtime=_lambda.Runtime.PYTHON_3_12,
            handler="app.handler",
            code=_lambda.Code.from_asset("apps/history"),
            timeout=Duration.seconds(10),
            reserved_concurrent_executions=1,
        )
        rule = events.Rule(self, "InitDbRule", schedule=events.Schedule.rate(Duration.minutes(1)))
        rule.add_target(targets.LambdaFunction(init_db))

    def module_name(self):
        return "random"
"""

APP = """\
import aws_cdk as cdk

from stacks.random_system import RandomSystem

app = cdk.App()
RandomSystem(app, "RandomSystem", execution_context=None)
app.synth()
"""


def test_functions_with_computed_ids_keep_their_triggers(tmp_path: Path) -> None:
    write_tree(tmp_path, {"cdk.json": '{"app": "python3 app.py"}\n', "app.py": APP, "stacks/__init__.py": "",
                          "stacks/random_system.py": STACK,
                          "apps/history/app.py": "def handler(event, context):\n    return None\n"})
    result = run_lint(tmp_path, select=("LL202", "LL207"))
    found = sorted((f.code, f.severity, f.span.line) for f in result.findings)
    assert found == [("LL202", "warning", 14),  # consumes the buffer queue without max_concurrency
                     ("LL207", "warning", 23)]  # the schedule's target, with no on_failure
    names = {f.function for f in result.findings}
    assert names == {'self·execution_context·aws_lambda·create_resource_id(f"{self·module_name()}-history-processor")',
                     'self·execution_context·aws_lambda·create_resource_id(f"{self·module_name()}-init-db")'}
