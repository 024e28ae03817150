"""A CDK app is one template: what the stack module makes (roles, queues, APIs) and passes into
helper modules belongs to the functions those modules make, as after `cdk synth`.

The shape is a common one (an AppSync/Step Functions order app read while judging lambdalint): the
stack module builds the roles and the queue, then calls `create_data_source(self, role, queue)`
in another module, which makes the function and its event source mapping.
"""

from __future__ import annotations

from pathlib import Path

from conftest import codes_at, run_lint, write_tree

CDK_JSON = '{\n  "app": "python3 app.py"\n}\n'
APP = """\
import aws_cdk as cdk

from orders.orders_stack import OrdersStack

app = cdk.App()
OrdersStack(app, "OrdersStack")
app.synth()
"""
STACK = """\
from aws_cdk import Stack, aws_iam as iam, aws_sqs as sqs
from constructs import Construct

from data_source.post import create_data_source
from data_source.notify import create_notifier


class OrdersStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)

        receive_role = iam.Role(self, "SQSReceiveMessageRole",
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
            managed_policies=[iam.ManagedPolicy.from_aws_managed_policy_name("AmazonSQSFullAccess")])

        queue = sqs.CfnQueue(
            self, "OrdersQueue",
            visibility_timeout=300,
            queue_name="orders-queue"
        )

        create_data_source(self, receive_role, queue)
        create_notifier(self, queue)
"""
POST = """\
from aws_cdk import aws_lambda as lambda_


def create_data_source(stack, receive_role, queue):
    post_function = lambda_.CfnFunction(stack, "post",
        code=lambda_.CfnFunction.CodeProperty(s3_bucket="artifacts", s3_key="post.zip"),
        role=receive_role.role_arn,
        handler="index.handler",
        runtime="python3.12",
        timeout=123,
        reserved_concurrent_executions=5,
        tracing_config=lambda_.CfnFunction.TracingConfigProperty(
            mode="Active"
        )
    )

    lambda_.EventSourceMapping(scope=stack, id="PostEventSourceMapping",
        target=post_function,
        batch_size=5,
        event_source_arn=queue.attr_arn)
    return post_function
"""
NOTIFY = """\
from aws_cdk import aws_lambda as lambda_


def create_notifier(stack, queue):
    # lambdalint: ignore[LL203] drained by hand during the migration
    notifier = lambda_.CfnFunction(stack, "notify",
        code=lambda_.CfnFunction.CodeProperty(s3_bucket="artifacts", s3_key="notify.zip"),
        role="arn:aws:iam::123456789012:role/notify",
        handler="index.handler",
        runtime="python3.12",
        timeout=100,
        reserved_concurrent_executions=5,
    )
    lambda_.EventSourceMapping(scope=stack, id="NotifyEventSourceMapping",
        target=notifier,
        batch_size=5,
        event_source_arn=queue.attr_arn)
    return notifier
"""


def write_app(root: Path, **changed: str) -> Path:
    files = {"cdk.json": CDK_JSON, "app.py": APP, "orders/__init__.py": "", "orders/orders_stack.py": STACK,
             "data_source/__init__.py": "", "data_source/post.py": POST, "data_source/notify.py": NOTIFY}
    files.update({name.replace("__", "/") + ".py": text for name, text in changed.items()})
    return write_tree(root, files)


def test_a_role_and_queue_made_in_the_stack_module_are_the_helper_functions(tmp_path: Path) -> None:
    result = run_lint(write_app(tmp_path), select=("LL203", "LL211", "LL303"))
    assert codes_at(result) == [
        # LL203: the post function runs 123 s; the stack module's queue gives 300 s, under 6x
        ("LL203", "data_source/post.py", 10),
        # LL211: active tracing, and the stack module's role allows no X-Ray writes
        ("LL211", "data_source/post.py", 13),
        # LL303: the managed policy is on a role of a function of this app
        ("LL303", "orders/orders_stack.py", 14),
    ]
    [visibility] = [f for f in result.visible if f.code == "LL203"]
    assert "`OrdersQueue` (300 s)" in visibility.message
    assert [r.span.path for r in visibility.related] == ["orders/orders_stack.py", "data_source/post.py"]
    [tracing] = [f for f in result.visible if f.code == "LL211"]
    assert "`SQSReceiveMessageRole`" in tracing.message
    roles_unread = [note.split(":")[0] for note in result.notes if "role defined outside the template" in note]
    assert roles_unread == ["data_source/notify.py"]  # an ARN string: only `notify`'s role is unknown


def test_a_comment_in_the_helper_module_suppresses_its_functions_finding(tmp_path: Path) -> None:
    """The template is named by `app.py`; the comment above `notify` is read in its own module."""
    result = run_lint(write_app(tmp_path), select=("LL203",))
    suppressed = [(f.code, f.span.path, f.function) for f in result.findings if f.suppressed]
    assert suppressed == [("LL203", "data_source/notify.py", "notify")]
    # without the comment, the same finding is visible
    result = run_lint(write_app(tmp_path, data_source__notify=NOTIFY.replace(
        "    # lambdalint: ignore[LL203] drained by hand during the migration\n", "")), select=("LL203",))
    assert ("LL203", "data_source/notify.py", 10) in codes_at(result)


def test_notes_name_the_module_that_makes_the_function(tmp_path: Path) -> None:
    result = run_lint(write_app(tmp_path, data_source__post=POST.replace(
        "role=receive_role.role_arn", "role=stack.node.try_get_context('post_role')")), select=("LL211",))
    assert codes_at(result) == []  # a role lambdalint cannot read is not judged ...
    assert any(note.startswith("data_source/post.py: `post` uses a role") for note in result.notes)  # ... and said


def test_checking_one_helper_module_counts_and_reports_its_own_function(tmp_path: Path) -> None:
    """pre-commit or an editor saving `post.py`: its function, with the stack module's role."""
    result = run_lint(write_app(tmp_path), select=("LL203", "LL211"), focus=["data_source/post.py"])
    assert result.functions == 1
    assert codes_at(result) == [("LL203", "data_source/post.py", 10), ("LL211", "data_source/post.py", 13)]
