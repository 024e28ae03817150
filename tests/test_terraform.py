"""Terraform modules load into the same model as the other dialects: values, spans, origins."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import FIXTURES, SHARED, codes_at, run_lint, write_tree
from lambdalint.config import Config
from lambdalint.load import load_project
from lambdalint.model import Function, Project

ORDERS = FIXTURES / "projects" / "terraform-orders"
PATTERNS = SHARED / "projects" / "terraform" / "serverless-patterns"


def load(root: Path) -> Project:
    return load_project([root], Config(root=root), cwd=root)


def function(project: Project, name: str) -> Function:
    return next(f for f in project.functions if f.name == name)


def test_function_settings_values_spans_and_origins() -> None:
    project = load(ORDERS)
    assert sorted(f.name for f in project.functions) == ["aws_lambda_function.orders", "aws_lambda_function.report"]
    orders = function(project, "aws_lambda_function.orders")
    assert orders.template.dialect == "terraform" and orders.kind == "terraform"
    assert orders.span[:3] == ("main.tf", 12, 1)  # the block header
    assert (orders.timeout.value, orders.timeout.origin, orders.timeout.span.line) == (30, "explicit", 17)
    assert orders.timeout.key_span is not None and orders.timeout.key_span.column == 3
    assert (orders.memory.value, orders.memory.span.line) == (256, 18)
    # var.runtime: default python3.11, overridden by prod.auto.tfvars; it points at its use
    assert (orders.runtime.value, orders.runtime.origin, orders.runtime.span.line) == ("python3.12", "explicit", 16)
    # -1 is "no reservation" said explicitly, not the platform default
    assert orders.reserved_concurrency.value is None and orders.reserved_concurrency.origin == "explicit"
    table = orders.environment["TABLE_NAME"]
    # local.table -> "${local.prefix}-table" -> "orders-${var.stage}" with stage from terraform.tfvars
    assert table.value == "orders-prod-table" and table.is_literal
    assert table.key_span is not None and table.key_span.line == 25
    queue = orders.environment["QUEUE_URL"]  # another resource's attribute: kept, never guessed
    assert queue.origin == "unresolved" and queue.value == "aws_sqs_queue.jobs.url"
    layers = orders.layers
    assert [l.span.line for l in layers] == [20, 20] and layers[0].is_literal
    assert layers[1].origin == "unresolved"  # var.extra_layer has no default and no tfvars value
    assert orders.role.origin == "unresolved" and orders.role.value == "aws_iam_role.orders.arn"
    tracing = orders.setting("TracingConfig")
    assert tracing is not None and tracing.value[0].get("mode").value == "Active"


def test_defaults_point_at_the_block_header_and_count_is_one_function() -> None:
    report = function(load(ORDERS), "aws_lambda_function.report")
    assert report.span.line == 36
    assert (report.timeout.value, report.timeout.origin, report.timeout.span.line) == (3, "default", 36)
    assert (report.memory.value, report.memory.origin) == (128, "default")
    assert report.reserved_concurrency.origin == "default"


def test_code_is_linked_through_archive_file() -> None:
    project = load(ORDERS)
    code = ORDERS / "src" / "orders"
    orders = function(project, "aws_lambda_function.orders")
    # filename = data.archive_file.orders.output_path -> its source_dir
    assert orders.code_dir == code and orders.handler_file == code / "app.py"
    assert orders.handler_function == "handler" and orders.code_location.span.line == 8
    # filename = "build/orders.zip": the archive_file whose output_path is that zip
    report = function(project, "aws_lambda_function.report")
    assert report.code_dir == code and report.handler_function == "report"


def test_source_file_image_and_s3_code(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "main.tf": """\
data "archive_file" "one" {
  type        = "zip"
  source_file = "lambda/main.py"
  output_path = "one.zip"
}
resource "aws_lambda_function" "one" {
  filename = data.archive_file.one.output_path
  handler  = "main.handler"
  runtime  = "python3.12"
}
resource "aws_lambda_function" "image" {
  package_type = "Image"
  image_uri    = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:latest"
}
resource "aws_lambda_function" "s3" {
  s3_bucket = "artifacts"
  s3_key    = "s3.zip"
  handler   = "app.handler"
  runtime   = "python3.12"
}
""",
        "lambda/main.py": "def handler(event, context):\n    return 1\n",
    })
    project = load(tmp_path)
    one = function(project, "aws_lambda_function.one")
    assert one.code_dir == tmp_path / "lambda" and one.handler_file == tmp_path / "lambda" / "main.py"
    image = function(project, "aws_lambda_function.image")
    assert image.package_type == "Image" and image.code_dir is None and image.code_location.span.line == 13
    s3 = function(project, "aws_lambda_function.s3")
    assert s3.code_dir is None and s3.handler_file is None and s3.code_location.span.line == 16


def test_code_deployed_through_an_s3_object_is_the_zipped_folder() -> None:
    root = FIXTURES / "projects" / "terraform-s3-deploy"
    project = load(root)
    orders = function(project, "aws_lambda_function.orders")
    # s3_key = aws_s3_object.orders.key -> its source, data.archive_file.orders.output_path -> source_dir
    assert orders.code_dir == root / "src" / "orders" and orders.handler_file == root / "src" / "orders" / "app.py"
    legacy = function(project, "aws_lambda_function.legacy")
    assert legacy.code_dir is None and legacy.code_location.value["s3_bucket"].value == "shared-artifacts"
    result = run_lint(root)
    # the code meets its role and environment: nothing grants the write, nothing sets the table
    assert {(f.code, f.span.path, f.span.line) for f in result.findings} >= {
        ("LL321", "src/orders/app.py", 9), ("LL109", "src/orders/app.py", 5)}
    # and the function whose code is elsewhere is named as not read
    assert [n for n in result.notes if "handler-code rules did not read it" in n] == [
        "main.tf: `aws_lambda_function.legacy`: its code (an S3 object) is not a folder of the project, "
        "so the handler-code rules did not read it"]


def test_values_that_are_not_static_stay_unresolved(tmp_path: Path) -> None:
    write_tree(tmp_path, {"main.tf": """\
variable "timeout" {}
locals {
  loop = local.loop
}
resource "aws_lambda_function" "f" {
  timeout     = var.timeout
  memory_size = var.big ? 1024 : 128
  runtime     = local.loop
  handler     = "${var.module_name}.handler"
  environment {
    variables = {
      POLICY = jsonencode({ Statement = [{ Action = "s3:GetObject" }] })
      RAW    = file("${path.module}/missing.json")
    }
  }
}
"""})
    f = function(load(tmp_path), "aws_lambda_function.f")
    for value in (f.timeout, f.memory, f.runtime, f.handler, f.environment["RAW"]):
        assert value.origin == "unresolved" and not value.is_literal, value
    assert f.timeout.value == "var.timeout" and f.timeout.span.line == 6
    policy = f.environment["POLICY"]  # jsonencode keeps the structure with its lines
    assert policy.get("Statement").value[0].get("Action").span.line == 12


def test_file_templatefile_and_heredoc_values(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "main.tf": """\
resource "aws_lambda_function" "f" {
  timeout = 10
  environment {
    variables = {
      DOC   = file("${path.module}/doc.json")
      TPL   = templatefile("${path.module}/t.tftpl", { table = "orders" })
      OTHER = templatefile("${path.module}/t.tftpl", { table = aws_dynamodb_table.t.name })
      HERE  = <<-EOT
        line one
        line two
      EOT
    }
  }
}
""",
        "doc.json": '{"a": 1}\n',
        "t.tftpl": '{"Resource": "arn:aws:dynamodb:*:*:table/${table}"}\n',
    })
    project = load(tmp_path)
    env = function(project, "aws_lambda_function.f").environment
    assert env["DOC"].value == '{"a": 1}\n' and env["DOC"].span.path == "doc.json"
    assert env["TPL"].value == '{"Resource": "arn:aws:dynamodb:*:*:table/orders"}\n'
    assert env["OTHER"].origin == "unresolved"
    assert env["HERE"].value == "line one\nline two\n"
    assert "doc.json" in project.sources  # so findings and suppressions can point into it


def test_a_syntax_error_is_ll001_and_other_files_still_load(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "broken.tf": 'resource "aws_lambda_function" "broken" {\n  timeout = \n',
        "good.tf": 'resource "aws_lambda_function" "good" {\n  timeout = 10\n}\n',
    })
    project = load(tmp_path)
    assert [f.name for f in project.functions] == ["aws_lambda_function.good"]
    [problem] = project.problems
    assert problem.span.path == "broken.tf" and "syntax" in problem.message


def cli(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "lambdalint", "check", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=120)


def test_findings_point_at_the_header_and_a_comment_suppresses_them(tmp_path: Path) -> None:
    write_tree(tmp_path, {"main.tf": """\
resource "aws_lambda_function" "a" {
  runtime = "python3.12"
  handler = "app.handler"
}

resource "aws_lambda_function" "b" { # lambdalint: ignore[LL201]
  runtime = "python3.12"
  handler = "app.handler"
}
"""})
    report = json.loads(cli(tmp_path, "--format", "json", "--exit-zero", "--select", "LL201").stdout)
    places = [(f["path"], f["line"], f["code"]) for f in report["findings"]]
    assert places == [("main.tf", 1, "LL201")]


PROJECT_FUNCTIONS = {  # by reading each project's .tf files
    "alb-path-based-route-lambda-tf": 2, "apigw-http-api-waf-cloudfront-terraform": 4,
    "apigw-lambda-qldb-terraform": 5, "apigw-lambda-rekognition": 2, "apigw-lambda-transcribe": 2,
    "delayed-eventbridge-events-terraform": 2, "dynamodb-streams-lambda-filters-tf": 4,
    "eventbridge-scheduler-ai-agent-trigger": 2, "lambda-ddb-tenant-isolation-terraform": 2,
    "lambda-durable-function-chaining-terraform": 4, "lambda-esm-kinesis-filters-terraform": 2,
    "lambda-layer-terraform": 2, "vpc-lattice-lambda-tf": 3,
}


@pytest.mark.skipif(not PATTERNS.is_dir(), reason="../shared/projects/terraform is not next to the project")
def test_every_shared_terraform_project_loads_and_reports_its_functions() -> None:
    projects = sorted(p for p in PATTERNS.iterdir() if p.is_dir())
    assert len(projects) == 67
    for root in projects:
        project = load(root)
        expected = PROJECT_FUNCTIONS.get(root.name, 1)
        assert len(project.functions) == expected, root.name
        assert project.problems == [], root.name


IAM = FIXTURES / "projects" / "terraform-iam"


def findings(root: Path, select: str) -> tuple[list[tuple[str, int, int, str]], str]:
    run = cli(root, "--format", "json", "--exit-zero", "--select", select, "-v")
    report = json.loads(run.stdout)
    return sorted((f["path"], f["line"], f["column"], f["code"]) for f in report["findings"]), run.stderr


def test_every_policy_form_reaches_the_iam_rules_at_the_offending_item() -> None:
    found, stderr = findings(IAM, "LL301,LL302,LL303")
    assert found == [
        ("main.tf", 30, 39, "LL301"),   # jsonencode inline_policy: the "s3:*" list item
        ("main.tf", 53, 19, "LL302"),   # heredoc aws_iam_role_policy: "Resource": "*"
        ("main.tf", 72, 18, "LL301"),   # aws_iam_policy_document statement via aws_iam_policy + attachment
        ("main.tf", 78, 18, "LL302"),   # its "*" resources item
        ("main.tf", 109, 16, "LL303"),  # AWS managed AdministratorAccess attached by ARN
        ("policies/reports.json", 6, 17, "LL301"),  # file() JSON: the line in that file
    ]
    # traps: a Deny "*" (line 35), an interpolated bucket ARN (line 58), xray's "*"-only action
    # (line 63), the condition-limited account statement is a warning not silence
    assert "`aws_lambda_function.unknown` uses a policy lambdalint cannot read statically" in stderr
    assert "`aws_lambda_function.outside` uses a role defined outside this module (`var.role_arn`)" in stderr


def test_loaded_role_lists_documents_and_managed_policies() -> None:
    from lambdalint.iam import execution_role

    project = load(IAM)
    role = execution_role(function(project, "aws_lambda_function.orders"))
    assert role.role == "aws_iam_role.orders" and role.unknown is None
    assert sorted(m.name or "" for m in role.managed) == ["AWSLambdaBasicExecutionRole", "AdministratorAccess"]
    wheres = {s.where for s in role.statements}
    assert "inline policy `inline` of `aws_iam_role.orders`" in wheres
    queue = [s for s in role.statements if "aws_iam_policy.queue" in s.where]
    assert [s.effect for s in queue] == ["Allow", "Allow"]  # Terraform's default effect
    assert queue[1].condition is not None and "StringEquals" in queue[1].condition.value
    unknown = execution_role(function(project, "aws_lambda_function.unknown"))
    assert unknown.unknown is not None and unknown.statements == []


TRIGGERS = FIXTURES / "projects" / "terraform-triggers"


@pytest.mark.parametrize(("folder", "expected"), [
    ("sqs", [("sqs", "aws_lambda_event_source_mapping.jobs", 14, "aws_sqs_queue.jobs"),
             ("sqs", "aws_lambda_event_source_mapping.external", 21, None)]),
    ("kinesis", [("kinesis", "aws_lambda_event_source_mapping.clicks", 15, "aws_kinesis_stream.clicks"),
                 ("dynamodb", "aws_lambda_event_source_mapping.orders", 28, "aws_dynamodb_table.orders")]),
    ("s3", [("s3", "aws_s3_bucket_notification.uploads", 15, "aws_s3_bucket.uploads")]),  # the permission is redundant
    ("sns", [("sns", "aws_sns_topic_subscription.worker", 18, "aws_sns_topic.events")]),
    ("eventbridge", [("schedule", "aws_cloudwatch_event_target.nightly", 15, "aws_cloudwatch_event_rule.nightly"),
                     ("eventbridge", "aws_cloudwatch_event_target.orders", 26, "aws_cloudwatch_event_rule.orders")]),
    ("scheduler", [("scheduler", "aws_scheduler_schedule.hourly", 10, "aws_scheduler_schedule.hourly")]),
    ("http-api", [("http-api", "aws_apigatewayv2_integration.worker", 15, "aws_apigatewayv2_api.http")]),
    ("rest-api", [("api", "aws_api_gateway_integration.worker", 14, "aws_api_gateway_rest_api.api")]),
    ("function-url", [("function-url", "aws_lambda_function_url.public", 10, None)]),
])
def test_each_trigger_kind_links_the_function_and_its_source(folder: str, expected: list) -> None:
    from lambdalint.triggers import function_triggers

    project = load(TRIGGERS / folder)
    worker = function(project, "aws_lambda_function.worker")
    found = [(t.kind, t.name, t.span.line, t.source) for t in function_triggers(worker)]
    assert sorted(found) == sorted(expected)


def test_trigger_settings_use_one_spelling() -> None:
    from lambdalint.triggers import function_triggers

    kinesis = function_triggers(function(load(TRIGGERS / "kinesis"), "aws_lambda_function.worker"))
    orders = next(t for t in kinesis if t.kind == "dynamodb")
    assert orders.setting("DestinationConfig", "OnFailure") is not None
    assert orders.on_failure is orders.setting("DestinationConfig", "OnFailure")
    assert orders.max_retries.value == 3 and orders.bisect is None  # type: ignore[union-attr]
    [sqs, _] = function_triggers(function(load(TRIGGERS / "sqs"), "aws_lambda_function.worker"))
    assert sqs.visibility.value == 120 and sqs.visibility.span.line == 11  # type: ignore[union-attr]
    assert sqs.visibility_key == "visibility_timeout_seconds"


@pytest.mark.parametrize(("folder", "expected"), [
    ("sqs", [("main.tf", 6, "LL203")]),            # 120 s < 6 x 60 s; the external queue stays silent
    ("kinesis", [("main.tf", 15, "LL207")]),       # unbounded retries; the DynamoDB mapping with a destination is silent
    ("s3", [("main.tf", 1, "LL207")]),
    ("sns", []),                                   # dead_letter_config on the function
    ("eventbridge", [("main.tf", 1, "LL207"), ("main.tf", 12, "LL208")]),  # the target with a DLQ is silent
    ("scheduler", []),                             # at(...) is valid for Scheduler; an invoke config handles failures
    ("http-api", [("main.tf", 6, "LL203")]),
    ("rest-api", [("main.tf", 6, "LL203")]),       # timeout_milliseconds = 10000 < 20 s
    # the AWS_IAM URL, the URL's own permission and a narrowed "*" permission are silent
    ("function-url", [("main.tf", 12, "LL304"), ("main.tf", 42, "LL304")]),
])
def test_trigger_rules_on_terraform(folder: str, expected: list) -> None:
    found, _ = findings(TRIGGERS / folder, "LL203,LL207,LL208,LL304")
    assert [(p, l, c) for p, l, _, c in found] == expected


LAMBDA_MODULE = FIXTURES / "projects" / "terraform-lambda-module"


def test_registry_lambda_module_is_one_function_from_its_inputs() -> None:
    from lambdalint.iam import execution_role
    from lambdalint.triggers import function_triggers

    project = load(LAMBDA_MODULE)
    assert sorted(f.name for f in project.functions) == ["module.api", "module.worker"]  # not module.disabled
    api = function(project, "module.api")
    assert api.span[:3] == ("main.tf", 1, 1)
    assert (api.timeout.value, api.timeout.origin) == (3, "default")
    assert api.environment["GREETING"].value == "hello" and api.environment["GREETING"].key_span.line == 11
    assert api.code_dir == LAMBDA_MODULE / "src" / "api" and api.handler_file == LAMBDA_MODULE / "src" / "api" / "index.py"
    assert api.key_name("Environment") == "environment_variables"
    role = execution_role(api)
    assert role.unknown is None and [m.name for m in role.managed] == ["AmazonS3ReadOnlyAccess"]
    assert [s.effect for s in role.statements] == ["Allow", "Allow"]
    kinds = sorted((t.kind, t.settings.get("AuthType").value if "AuthType" in t.settings else None)
                   for t in function_triggers(api))
    assert kinds == [("apigateway", None), ("function-url", "NONE")]  # the module's default authorization
    worker = function(project, "module.worker")
    assert worker.reserved_concurrency.value == 5
    [url, queue] = sorted(function_triggers(worker), key=lambda t: t.kind)
    assert url.settings["AuthType"].value == "AWS_IAM" and queue.source == "aws_sqs_queue.jobs"


def test_registry_lambda_module_findings() -> None:
    found, stderr = findings(LAMBDA_MODULE, "LL201,LL203,LL109,LL301,LL302,LL304")
    assert [(l, c) for _, l, _, c in found] == [(1, "LL201"), (1, "LL304"), (18, "LL301"), (57, "LL203")]
    # a VPC module makes no function: its call is no unread code to mention
    assert "module `vpc`" not in stderr


def test_local_module_is_read_through_each_call_with_its_variables_bound() -> None:
    root = FIXTURES / "projects" / "terraform-local-module"
    project = load(root)
    assert sorted(f.name for f in project.functions) == [
        "module.orders.aws_lambda_function.this", "module.reports.aws_lambda_function.this"]
    orders = function(project, "module.orders.aws_lambda_function.this")
    reports = function(project, "module.reports.aws_lambda_function.this")
    # bound by the call, pointing at the line in the module that uses it
    assert (orders.timeout.value, orders.timeout.span[:2]) == (10, ("modules/fn/main.tf", 21))
    assert reports.timeout.value == 3  # the variable's default
    assert orders.environment["SERVICE"].value == "orders" and reports.environment["SERVICE"].value == "reports"
    assert orders.code_dir == root / "src" and orders.handler_file == root / "src" / "app.py"


def test_an_examples_call_of_its_own_root_module_is_a_local_module(tmp_path: Path) -> None:
    # as diodonfrost/terraform-aws-lambda-scheduler-stop-start's examples call their repository:
    # `source = "../../"` is the registry lambda module only in that module's own repository
    root_module = {"main.tf": 'variable "name" {}\nresource "aws_lambda_function" "this" {\n'
                              '  function_name = var.name\n  handler = "app.handler"\n  runtime = "python3.12"\n'
                              '  timeout = "600"\n}\n',
                   "variables.tf": 'variable "timeout" {\n  default = 3\n}\n'}
    call = 'module "stop" {\n  source = "../../"\n  name   = "stop"\n}\n'
    write_tree(tmp_path / "scheduler", {**root_module, "examples/basic/main.tf": call})
    [fn] = load(tmp_path / "scheduler").functions
    assert fn.name == "module.stop.aws_lambda_function.this" and int(fn.timeout.value) == 600
    # the registry module's own repository: its packaging script and inputs say what it is
    write_tree(tmp_path / "lambda", {"package.py": "", "main.tf": root_module["main.tf"],
                                     "variables.tf": 'variable "create_package" {\n  default = true\n}\n',
                                     "examples/basic/main.tf": call.replace('name   = "stop"', 'function_name = "stop"')})
    names = sorted(f.name for f in load(tmp_path / "lambda").functions)
    assert "module.stop" in names and "module.stop.aws_lambda_function.this" not in names


def test_a_module_folder_nobody_calls_is_read_on_its_own(tmp_path: Path) -> None:
    write_tree(tmp_path, {"modules/fn/main.tf": 'variable "timeout" {}\n'
                          'resource "aws_lambda_function" "this" {\n  timeout = var.timeout\n}\n'})
    [fn] = load(tmp_path).functions
    assert fn.name == "aws_lambda_function.this" and fn.timeout.origin == "unresolved"


def test_terraform_files_are_templates_for_focus_and_their_folder_is_the_project(tmp_path: Path) -> None:
    from lambdalint.focus import file_kind, project_root

    write_tree(tmp_path, {"infra/main.tf": 'resource "aws_sqs_queue" "q" {}\n', "infra/src/app.py": "x = 1\n"})
    assert file_kind(tmp_path / "infra" / "main.tf") == "template"
    assert file_kind("prod.auto.tfvars") == "template"
    assert project_root(tmp_path / "infra" / "src" / "app.py") == tmp_path / "infra"


def test_focused_tf_file_keeps_only_its_findings(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "a.tf": 'resource "aws_lambda_function" "a" {\n  runtime = "python3.12"\n}\n',
        "b.tf": 'resource "aws_lambda_function" "b" {\n  runtime = "python3.12"\n}\n',
    })
    report = json.loads(cli(tmp_path, "a.tf", "--format", "json", "--exit-zero", "--select", "LL201").stdout)
    assert [(f["path"], f["line"]) for f in report["findings"]] == [("a.tf", 1)]


def test_a_run_on_sam_does_not_import_the_hcl_parser(tmp_path: Path) -> None:
    write_tree(tmp_path, {"template.yaml": "Resources:\n  Q:\n    Type: AWS::SQS::Queue\n"})
    probe = ("import sys\nfrom lambdalint.cli import main\ntry:\n    main(['check', '.', '--exit-zero'])\n"
             "except SystemExit:\n    pass\nprint(sorted(m for m in sys.modules if m.startswith('tree_sitter')))")
    run = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, capture_output=True, text=True)
    assert run.stdout.strip().splitlines()[-1] == "[]"


def test_a_focused_tf_file_is_read_with_the_rest_of_its_module(tmp_path: Path) -> None:
    # the S3 trigger and the invoke config that handles its failures live in other files: checking
    # main.tf alone must not report LL207 for want of them
    write_tree(tmp_path, {
        "main.tf": 'resource "aws_lambda_function" "f" {\n  timeout = 10\n}\n',
        "events.tf": 'resource "aws_s3_bucket_notification" "n" {\n  bucket = "b"\n'
                     '  lambda_function {\n    lambda_function_arn = aws_lambda_function.f.arn\n  }\n}\n',
        "config.tf": 'resource "aws_lambda_function_event_invoke_config" "c" {\n'
                     '  function_name = aws_lambda_function.f.function_name\n  maximum_retry_attempts = 0\n}\n',
    })
    report = json.loads(cli(tmp_path, "main.tf", "--format", "json", "--exit-zero", "--select", "LL207").stdout)
    assert report["findings"] == [] and report["summary"]["functions"] == 1
    (tmp_path / "config.tf").unlink()
    report = json.loads(cli(tmp_path, "main.tf", "--format", "json", "--exit-zero", "--select", "LL207").stdout)
    assert [(f["path"], f["line"]) for f in report["findings"]] == [("main.tf", 1)]


def test_dynamic_blocks_and_computed_environments_are_unknown_not_missing(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "main.tf": """\
data "archive_file" "a" {
  type        = "zip"
  source_dir  = "src"
  output_path = "a.zip"
}
resource "aws_lambda_function" "computed" {
  filename = data.archive_file.a.output_path
  handler  = "app.handler"
  runtime  = "python3.12"
  timeout  = 10
  environment {
    variables = merge(var.common, { STAGE = "prod" })
  }
}
resource "aws_lambda_function" "dynamic" {
  filename = data.archive_file.a.output_path
  handler  = "app.handler"
  runtime  = "python3.12"
  timeout  = 10
  dynamic "environment" {
    for_each = var.env == null ? [] : [var.env]
    content {
      variables = environment.value
    }
  }
  dynamic "dead_letter_config" {
    for_each = var.dlq == null ? [] : [var.dlq]
    content {
      target_arn = dead_letter_config.value
    }
  }
}
resource "aws_sns_topic_subscription" "s" {
  topic_arn = "arn:aws:sns:eu-west-1:123456789012:t"
  protocol  = "lambda"
  endpoint  = aws_lambda_function.dynamic.arn
}
""",
        "src/app.py": 'import os\n\n\ndef handler(event, context):\n    return os.environ["TABLE_NAME"]\n',
    })
    project = load(tmp_path)
    assert all(f.environment_known is False for f in project.functions)
    found, _ = findings(tmp_path, "LL109,LL207")
    assert found == []


def test_package_rules_size_the_archive_source_dir(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "main.tf": 'data "archive_file" "a" {\n  type        = "zip"\n  source_dir  = "${path.module}/src"\n'
                   '  output_path = "a.zip"\n}\n'
                   'data "archive_file" "one" {\n  type        = "zip"\n  source_file = "one/app.py"\n'
                   '  output_path = "one.zip"\n}\n'
                   'resource "aws_lambda_function" "f" {\n  filename = data.archive_file.a.output_path\n'
                   '  handler  = "app.handler"\n  runtime  = "python3.12"\n  timeout  = 10\n}\n'
                   'resource "aws_lambda_function" "one" {\n  filename = data.archive_file.one.output_path\n'
                   '  handler  = "app.handler"\n  runtime  = "python3.12"\n  timeout  = 10\n}\n',
        "src/app.py": "import boto3\n\n\ndef handler(event, context):\n    return 1\n",
        "src/boto3/__init__.py": "",
        # the single-file archive's folder holds a vendored SDK that is not in its zip: silent
        "one/app.py": "def handler(event, context):\n    return 1\n",
        "one/boto3/__init__.py": "",
    })
    found, _ = findings(tmp_path, "LL4")
    assert found == [("main.tf", 3, 17, "LL404")]  # at the `source_dir` the package comes from


def test_count_zero_creates_no_function_and_a_computed_count_keeps_it(tmp_path: Path) -> None:
    write_tree(tmp_path, {"main.tf": """\
variable "enabled" {
  default = false
}
resource "aws_lambda_function" "off" {
  count = 0
}
resource "aws_lambda_function" "none" {
  for_each = {}
}
resource "aws_lambda_function" "maybe" {
  count = var.enabled ? 1 : 0
}
resource "aws_lambda_function" "two" {
  count = 2
}
"""})
    assert sorted(f.name for f in load(tmp_path).functions) == ["aws_lambda_function.maybe", "aws_lambda_function.two"]


def test_json_syntax_files_load_like_hcl(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "main.tf.json": json.dumps({
            "variable": {"stage": {"default": "prod"}},
            "locals": {"table": "orders-${var.stage}"},
            "data": {"archive_file": {"code": {"type": "zip", "source_dir": "${path.module}/src",
                                               "output_path": "code.zip"}}},
            "resource": {
                "aws_lambda_function": {"orders": {
                    "filename": "${data.archive_file.code.output_path}", "handler": "app.handler",
                    "runtime": "python3.12", "role": "${aws_iam_role.orders.arn}",
                    "environment": {"variables": {"TABLE": "${local.table}"}}}},
                "aws_iam_role": {"orders": {"name": "orders", "inline_policy": {
                    "name": "all",
                    "policy": '{"Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::b"}]}'}}},
            },
        }, indent=2),
        "src/app.py": "import os\n\n\ndef handler(event, context):\n    return os.environ['TABLE']\n",
    })
    project = load(tmp_path)
    [orders] = project.functions
    assert orders.name == "aws_lambda_function.orders" and orders.span.path == "main.tf.json"
    assert orders.timeout.origin == "default" and orders.environment["TABLE"].value == "orders-prod"
    assert orders.role.origin == "unresolved" and orders.role.value == "aws_iam_role.orders.arn"
    assert orders.handler_file == tmp_path / "src" / "app.py"
    found, _ = findings(tmp_path, "LL201,LL109,LL301")
    assert [c for _, _, _, c in found] == ["LL201", "LL301"]


def test_a_one_interpolation_string_is_the_expression_itself(tmp_path: Path) -> None:
    write_tree(tmp_path, {"main.tf": 'variable "t" {\n  default = 30\n}\n'
                          'resource "aws_lambda_function" "f" {\n  timeout = "${var.t}"\n  role = "${aws_iam_role.r.arn}"\n}\n'})
    [f] = load(tmp_path).functions
    assert f.timeout.value == 30 and f.role.value == "aws_iam_role.r.arn"


DEPLOY = FIXTURES / "projects" / "terraform-deploy"


def line_of(path: Path, text: str) -> int:
    """The 1-based line of the first line holding `text` (fixtures say where, tests look it up)."""
    return next(i for i, line in enumerate(path.read_text().splitlines(), 1) if text in line)


def test_json_variables_files_in_terraforms_order_with_their_spans() -> None:
    project = load(DEPLOY)
    api = function(project, "aws_lambda_function.api")
    # terraform.tfvars.json says python3.11, prod.auto.tfvars.json (read after it) python3.12
    assert (api.runtime.value, api.runtime.origin) == ("python3.12", "explicit")
    assert api.runtime.span.line == line_of(DEPLOY / "main.tf", "runtime                        = var.runtime")
    bucket = api.environment["BUCKET"]  # no default: only terraform.tfvars.json gives it
    assert bucket.value == "reports-prod" and bucket.is_literal


def test_variables_files_precedence_and_a_broken_one_is_ll001(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "main.tf": """\
variable "a" { default = "default" }
variable "b" { default = "default" }
variable "c" { default = "default" }
variable "d" { default = "default" }
resource "aws_lambda_function" "f" {
  function_name = "f"
  handler       = "app.handler"
  runtime       = "python3.12"
  role          = "arn:aws:iam::123456789012:role/f"
  environment {
    variables = { A = var.a, B = var.b, C = var.c, D = var.d }
  }
}
""",
        "terraform.tfvars": 'a = "tfvars"\nb = "tfvars"\nc = "tfvars"\nd = "tfvars"\n',
        "terraform.tfvars.json": '{"b": "tfvars.json", "c": "tfvars.json", "d": "tfvars.json"}\n',
        "a.auto.tfvars.json": '{\n  "c": "a.auto.tfvars.json",\n  "d": "a.auto.tfvars.json"\n}\n',
        "b.auto.tfvars": 'd = "b.auto.tfvars"\n',
        "c.auto.tfvars.json": '{"d": ',
    })
    project = load(tmp_path)
    env = function(project, "aws_lambda_function.f").environment
    assert {k: v.value for k, v in env.items()} == {
        "A": "tfvars", "B": "tfvars.json", "C": "a.auto.tfvars.json", "D": "b.auto.tfvars"}
    assert [(p.span.path, p.span.line, p.message) for p in project.problems] == [
        ("c.auto.tfvars.json", 1, "Terraform JSON syntax error")]


def test_provisioned_concurrency_configs_and_what_they_are_set_on() -> None:
    from lambdalint.deploy import deployment

    project = load(DEPLOY)
    main = DEPLOY / "main.tf"
    [api] = deployment(function(project, "aws_lambda_function.api")).provisioned
    # through `aws_lambda_alias.live.function_name`, on the alias, 10 from terraform.tfvars.json
    assert (api.target, api.owner, api.amount.value) == ("alias", "aws_lambda_provisioned_concurrency_config.api", 10)
    assert api.amount.span.line == line_of(main, "= var.warm_instances")
    # `.version` of a function that does not publish is $LATEST
    [worker] = deployment(function(project, "aws_lambda_function.worker")).provisioned
    assert (worker.target, worker.amount.value) == ("$LATEST", 1)
    assert worker.amount.key_span is not None and worker.amount.key_span.line == line_of(main, "provisioned_concurrent_executions = 1")
    [export] = deployment(function(project, "aws_lambda_function.export")).provisioned
    assert export.target == "version"
    snap = deployment(function(project, "aws_lambda_function.worker"))
    assert snap.snap_start_on is True and snap.publishes_version is False
    assert snap.snap_start.span.line == line_of(main, 'apply_on = "PublishedVersions"')


def test_provisioned_concurrency_of_an_alias_on_latest_and_of_the_lambda_module(tmp_path: Path) -> None:
    from lambdalint.deploy import deployment

    write_tree(tmp_path, {"main.tf": """\
resource "aws_lambda_function" "f" {
  function_name = "f"
  handler       = "app.handler"
  runtime       = "python3.12"
  role          = "arn:aws:iam::123456789012:role/f"
  publish       = true
}
resource "aws_lambda_alias" "latest" {
  name             = "latest"
  function_name    = aws_lambda_function.f.arn
  function_version = "$LATEST"
}
resource "aws_lambda_provisioned_concurrency_config" "f" {
  function_name                     = "f"
  qualifier                         = aws_lambda_alias.latest.name
  provisioned_concurrent_executions = 4
}
module "warm" {
  source                            = "terraform-aws-modules/lambda/aws"
  function_name                     = "warm"
  handler                           = "app.handler"
  runtime                           = "python3.12"
  provisioned_concurrent_executions = 3
}
module "published" {
  source                            = "terraform-aws-modules/lambda/aws"
  function_name                     = "published"
  handler                           = "app.handler"
  runtime                           = "python3.12"
  publish                           = true
  provisioned_concurrent_executions = 2
  snap_start                        = true
}
module "cold" {
  source        = "terraform-aws-modules/lambda/aws"
  function_name = "cold"
  handler       = "app.handler"
  runtime       = "python3.12"
  provisioned_concurrent_executions = -1
}
"""})
    project = load(tmp_path)
    [by_name] = deployment(function(project, "aws_lambda_function.f")).provisioned
    assert (by_name.target, by_name.amount.value, by_name.amount.span.line) == ("$LATEST", 4, 16)
    [warm] = deployment(function(project, "module.warm")).provisioned
    assert (warm.target, warm.owner, warm.amount.span.line) == ("$LATEST", "provisioned_concurrent_executions", 23)
    published = deployment(function(project, "module.published"))
    assert [p.target for p in published.provisioned] == ["version"] and published.publishes_version
    assert published.snap_start_on is True and published.snap_start.span.line == 32
    assert deployment(function(project, "module.cold")).provisioned == []
    report = json.loads(cli(tmp_path, "--format", "json", "--exit-zero", "--preview", "--select", "LL212,LL213").stdout)
    assert sorted((f["line"], f["code"]) for f in report["findings"]) == [(16, "LL212"), (23, "LL212"), (32, "LL213")]


def test_policy_documents_merge_source_and_override_documents_by_sid() -> None:
    from lambdalint.iam import execution_role

    project = load(DEPLOY)
    main = DEPLOY / "main.tf"
    role = execution_role(function(project, "aws_lambda_function.api"))
    assert role.unknown is None
    actions = [[a.value for a in s.actions] for s in role.statements]
    # base's wildcard `Read` is replaced in place by scoped_read's, then the document's own two
    assert actions == [["s3:GetObject"], ["logs:CreateLogStream", "logs:PutLogEvents"], ["dynamodb:*"]]
    lines = [s.actions[0].span.line for s in role.statements]
    assert lines == [line_of(main, 'actions   = ["s3:GetObject"]'), line_of(main, '"logs:CreateLogStream"'),
                     line_of(main, 'actions   = ["dynamodb:*"]')]
    # a source document from a variable with no value: not fully known, so never judged
    worker = execution_role(function(project, "aws_lambda_function.worker"))
    assert worker.unknown is not None and worker.statements == []


@pytest.mark.parametrize(("documents", "expected"), [
    # sources, then the document's own statements, then overrides, each replacing the same sid where
    # it stands; blank sids always add
    ('source_policy_documents = [data.aws_iam_policy_document.a.json, data.aws_iam_policy_document.b.json]\n'
     '  override_policy_documents = [data.aws_iam_policy_document.c.json]',
     [["sqs:SendMessage"], ["s3:PutObject"], ["s3:ListBucket"], ["kms:Decrypt"]]),
    ('override_policy_documents = [data.aws_iam_policy_document.c.json, jsonencode({Statement = [{Sid = "One", '
     'Effect = "Allow", Action = "sns:Publish", Resource = "*"}]})]',
     [["s3:ListBucket"], ["sns:Publish"], ["kms:Decrypt"]]),
    # documents that merge each other, and a sid that does not resolve: not known
    ('source_policy_documents = [data.aws_iam_policy_document.loop.json]', None),
    ('override_policy_documents = [jsonencode({Statement = [{Sid = var.sid, Effect = "Allow", Action = "sns:Publish", '
     'Resource = "*"}]})]', None),
    ("source_policy_documents = var.documents", None),
])
def test_policy_document_merge_semantics(tmp_path: Path, documents: str, expected: list | None) -> None:
    from lambdalint.iam import execution_role

    write_tree(tmp_path, {"main.tf": f"""\
variable "sid" {{}}
variable "documents" {{}}
data "aws_iam_policy_document" "a" {{
  statement {{
    sid       = "One"
    actions   = ["s3:GetObject"]
    resources = ["*"]
  }}
}}
data "aws_iam_policy_document" "b" {{
  statement {{
    sid       = "Two"
    actions   = ["s3:PutObject"]
    resources = ["*"]
  }}
}}
data "aws_iam_policy_document" "c" {{
  statement {{
    sid       = "One"
    actions   = ["sqs:SendMessage"]
    resources = ["*"]
  }}
  statement {{
    actions   = ["kms:Decrypt"]
    resources = ["*"]
  }}
}}
data "aws_iam_policy_document" "loop" {{
  source_policy_documents = [data.aws_iam_policy_document.main.json]
}}
data "aws_iam_policy_document" "main" {{
  {documents}
  statement {{
    sid       = "Own"
    actions   = ["s3:ListBucket"]
    resources = ["*"]
  }}
}}
resource "aws_iam_role" "f" {{
  name = "f"
}}
resource "aws_iam_role_policy" "f" {{
  role   = aws_iam_role.f.id
  policy = data.aws_iam_policy_document.main.json
}}
resource "aws_lambda_function" "f" {{
  function_name = "f"
  handler       = "app.handler"
  runtime       = "python3.12"
  role          = aws_iam_role.f.arn
}}
"""})
    role = execution_role(function(load(tmp_path), "aws_lambda_function.f"))
    if expected is None:
        assert role.unknown is not None and role.statements == []
    else:
        assert role.unknown is None
        assert [[a.value for a in s.actions] for s in role.statements] == expected


def test_one_finding_for_a_module_read_identically_through_many_calls(tmp_path: Path) -> None:
    # as diodonfrost/terraform-aws-lambda-nuke's 25 examples each call `module "nuke_everything"`:
    # the same function, the same words, the same line, once per call, is one finding
    root = {"main.tf": 'variable "name" {}\nresource "aws_lambda_function" "this" {\n'
                       '  function_name = var.name\n  handler = "app.handler"\n  runtime = "python3.12"\n}\n'}
    call = 'module "nuke_everything" {{\n  source = "../../"\n  name   = "{name}"\n}}\n'
    write_tree(tmp_path, {**root, "examples/a/main.tf": call.format(name="a"),
                          "examples/b/main.tf": call.format(name="b")})
    result = run_lint(tmp_path, select=("LL201",))
    assert len(load(tmp_path).functions) == 2  # two deployed instances, both read
    assert [(f.code, f.span.path, f.span.line) for f in result.visible] == [("LL201", "main.tf", 2)]
    # calls under other names are other functions: each keeps its finding
    write_tree(tmp_path, {"examples/b/main.tf": call.format(name="b").replace("nuke_everything", "nuke_some")})
    assert len(run_lint(tmp_path, select=("LL201",)).visible) == 2


def test_the_lambda_modules_policy_json_reads_a_policy_document_data_source(tmp_path: Path) -> None:
    write_tree(tmp_path, {"main.tf": '''\
data "aws_iam_policy_document" "reader" {
  statement {
    actions   = ["s3:GetObject"]
    resources = ["arn:aws:s3:::reports/*"]
  }
}

module "reader" {
  source             = "terraform-aws-modules/lambda/aws"
  function_name      = "reader"
  handler            = "app.handler"
  runtime            = "python3.12"
  source_path        = "src"
  attach_policy_json = true
  policy_json        = data.aws_iam_policy_document.reader.json
}
'''})
    [fn] = load(tmp_path).functions
    role = fn.loaded_role
    assert role is not None and role.unknown is None
    statements = [s.plain() for document, _ in role.documents for s in document.get("Statement").value]
    assert {"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": ["arn:aws:s3:::reports/*"]} in statements


HTTP_API_ROUTES = """\
resource "aws_apigatewayv2_api" "api" {
  name          = "orders"
  protocol_type = "HTTP"
}

resource "aws_apigatewayv2_integration" "orders" {
  api_id           = aws_apigatewayv2_api.api.id
  integration_type = "AWS_PROXY"
  integration_uri  = aws_lambda_function.orders.invoke_arn
}

resource "aws_apigatewayv2_route" "create" {
  api_id    = aws_apigatewayv2_api.api.id
  route_key = "POST /orders"
  target    = "integrations/${aws_apigatewayv2_integration.orders.id}"
}

resource "aws_apigatewayv2_route" "list" {
  api_id             = aws_apigatewayv2_api.api.id
  route_key          = "GET /orders"
  target             = "integrations/${aws_apigatewayv2_integration.orders.id}"
  authorization_type = "JWT"
  authorizer_id      = aws_apigatewayv2_authorizer.cognito.id
}

resource "aws_apigatewayv2_route" "admin" {
  api_id             = aws_apigatewayv2_api.api.id
  route_key          = "DELETE /orders/{id}"
  target             = "integrations/${aws_apigatewayv2_integration.orders.id}"
  authorization_type = "AWS_IAM"
}

resource "aws_apigatewayv2_integration" "reports" {
  api_id           = aws_apigatewayv2_api.api.id
  integration_type = "AWS_PROXY"
  integration_uri  = aws_lambda_function.reports.invoke_arn
}

resource "aws_lambda_function" "orders" {
  function_name = "orders"
  filename      = "orders.zip"
  handler       = "app.handler"
  runtime       = "python3.12"
  timeout       = 10
  role          = "arn:aws:iam::123456789012:role/orders"
}

resource "aws_lambda_function" "reports" {
  function_name = "reports"
  filename      = "reports.zip"
  handler       = "app.handler"
  runtime       = "python3.12"
  timeout       = 10
  role          = "arn:aws:iam::123456789012:role/orders"
}
"""


def test_http_api_routes_without_authorization_are_ll216(tmp_path: Path) -> None:
    write_tree(tmp_path, {"main.tf": HTTP_API_ROUTES})
    result = run_lint(tmp_path, select=("LL216",))
    # the open route, at its block header; the JWT and IAM routes stay silent
    assert [(f.span.line, f.message) for f in result.findings] == [
        (12, "`POST /orders` invokes `aws_lambda_function.orders` without any authorization: anyone can call it")]
    # an integration no route of the module names is not judged, and a note says so
    assert [n for n in result.notes if "was not checked" in n] == [
        "main.tf: `aws_lambda_function.reports`: the authorization of API trigger "
        "`aws_apigatewayv2_integration.reports` (aws_apigatewayv2_integration) was not checked"]


def _rest_api(name: str, method: str, api_extra: str = "", method_extra: str = "") -> str:
    return f"""\
resource "aws_api_gateway_rest_api" "{name}" {{
  name = "{name}"
{api_extra}}}

resource "aws_api_gateway_resource" "{name}" {{
  rest_api_id = aws_api_gateway_rest_api.{name}.id
  parent_id   = aws_api_gateway_rest_api.{name}.root_resource_id
  path_part   = "{name}"
}}

resource "aws_api_gateway_method" "{name}" {{
  rest_api_id   = aws_api_gateway_rest_api.{name}.id
  resource_id   = aws_api_gateway_resource.{name}.id
  http_method   = "{method}"
{method_extra}}}

resource "aws_api_gateway_integration" "{name}" {{
  rest_api_id             = aws_api_gateway_rest_api.{name}.id
  resource_id             = aws_api_gateway_resource.{name}.id
  http_method             = aws_api_gateway_method.{name}.http_method
  integration_http_method = "POST"
  type                    = "AWS_PROXY"
  uri                     = aws_lambda_function.orders.invoke_arn
}}
"""


def test_rest_api_methods_without_authorization_are_ll216(tmp_path: Path) -> None:
    function = HTTP_API_ROUTES[HTTP_API_ROUTES.index('resource "aws_lambda_function" "orders"'):]
    write_tree(tmp_path, {
        "open.tf": _rest_api("open", "POST", method_extra='  authorization = "NONE"\n'),
        "cognito.tf": _rest_api("cognito", "POST", method_extra='  authorization = "COGNITO_USER_POOLS"\n'),
        "keyed.tf": _rest_api("keyed", "DELETE", method_extra='  authorization = "NONE"\n  api_key_required = true\n'),
        "private.tf": _rest_api("private", "PUT", method_extra='  authorization = "NONE"\n',
                                api_extra='  endpoint_configuration {\n    types = ["PRIVATE"]\n  }\n'),
        "policy.tf": _rest_api("policy", "PATCH", method_extra='  authorization = "NONE"\n',
                               api_extra='  policy = data.aws_iam_policy_document.internal.json\n'),
        "functions.tf": function,
    })
    result = run_lint(tmp_path, select=("LL216",))
    # only the open API's method, at its `authorization`; the others authorize, need a key, are
    # private or carry a resource policy
    assert [(f.span.path, f.span.line, f.span.column, f.message) for f in result.findings] == [
        ("open.tf", 15, 19, "`POST` method `aws_api_gateway_method.open` invokes `aws_lambda_function.orders` "
                            "without any authorization: anyone can call it")]


def test_an_integration_uri_written_out_around_the_functions_arn_names_it(tmp_path: Path) -> None:
    # Yusaku-KASAI/serverless-terraform's method module builds the invoke ARN by hand
    function = HTTP_API_ROUTES[HTTP_API_ROUTES.index('resource "aws_lambda_function" "orders"'):]
    built = '"arn:aws:apigateway:${data.aws_region.current.name}:lambda:path/2015-03-31/functions/' \
        '${aws_lambda_function.orders.arn}/invocations"'
    write_tree(tmp_path, {
        "open.tf": _rest_api("open", "ANY", method_extra='  authorization = "NONE"\n').replace(
            "aws_lambda_function.orders.invoke_arn", built),
        "functions.tf": 'data "aws_region" "current" {}\n\n' + function,
    })
    result = run_lint(tmp_path, select=("LL216",))
    assert [(f.span.path, f.span.line, f.severity, f.function) for f in result.findings] == [
        ("open.tf", 15, "warning", "aws_lambda_function.orders")]


def test_code_whose_zip_a_caller_builds_and_passes_in_is_the_callers_archive(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "main.tf": """\
data "archive_file" "orders" {
  type        = "zip"
  source_dir  = "${path.module}/src/orders"
  output_path = "${path.module}/build/orders.zip"
}

module "orders" {
  source   = "./modules/function"
  filename = data.archive_file.orders.output_path
  handler  = "app.handler"
}
""",
        "modules/function/main.tf": """\
variable "filename" {
  type = string
}

variable "handler" {
  type = string
}

data "archive_file" "unused" {
  type        = "zip"
  source_dir  = "${path.module}/other"
  output_path = "${path.module}/other.zip"
}

resource "aws_lambda_function" "this" {
  function_name = "orders"
  filename      = var.filename
  handler       = var.handler
  runtime       = "python3.12"
  timeout       = 10
  role          = "arn:aws:iam::123456789012:role/orders"
}
""",
        "src/orders/app.py": "import os\n\n\ndef handler(event, context):\n    return os.environ[\"TABLE\"]\n",
    })
    orders = function(load(tmp_path), "module.orders.aws_lambda_function.this")
    assert orders.code_dir == tmp_path / "src" / "orders" and orders.handler_file == tmp_path / "src" / "orders" / "app.py"
    assert [(f.code, f.span.path) for f in run_lint(tmp_path, select=("LL109",)).findings] == [("LL109", "src/orders/app.py")]



def test_a_relative_path_in_a_called_module_is_read_from_the_root_module(tmp_path: Path) -> None:
    """Terraform runs in the root module's folder: a bare relative path a module receives (or
    writes) is read from there, `path.module` is the module's own folder and `path.root` the root's
    (k-pulkit/aws-terraform-lambda-sqsToDynamo passes `"../src/python/"` from its `tfvars`)."""
    write_tree(tmp_path, {
        "infra/terraform.tfvars": 'orders_dir = "../src/orders/"\n',
        "infra/main.tf": """\
variable "orders_dir" {
  type = string
}

module "orders" {
  source     = "./modules/function"
  name       = "orders"
  source_dir = var.orders_dir
}

module "billing" {
  source     = "./modules/function"
  name       = "billing"
  source_dir = "../src/billing"
}
""",
        "infra/modules/function/main.tf": """\
variable "name" {
  type = string
}

variable "source_dir" {
  type = string
}

data "archive_file" "code" {
  type        = "zip"
  source_dir  = var.source_dir
  output_path = "${path.module}/${var.name}.zip"
}

data "archive_file" "tools" {
  type        = "zip"
  source_dir  = "${path.root}/../tools"
  output_path = "${path.module}/tools.zip"
}

data "archive_file" "own" {
  type        = "zip"
  source_dir  = "${path.module}/own"
  output_path = "own.zip"
}

resource "aws_lambda_function" "this" {
  function_name = var.name
  filename      = data.archive_file.code.output_path
  handler       = "app.handler"
  runtime       = "python3.12"
  timeout       = 10
  role          = "arn:aws:iam::123456789012:role/orders"
}

resource "aws_lambda_function" "tools" {
  function_name = "${var.name}-tools"
  filename      = data.archive_file.tools.output_path
  handler       = "app.handler"
  runtime       = "python3.12"
  timeout       = 10
  role          = "arn:aws:iam::123456789012:role/orders"
}

resource "aws_lambda_function" "own" {
  function_name = "${var.name}-own"
  filename      = "own.zip"
  handler       = "app.handler"
  runtime       = "python3.12"
  timeout       = 10
  role          = "arn:aws:iam::123456789012:role/orders"
}
""",
        "src/orders/app.py": "import boto3\n\n\ndef handler(event, context):\n    return boto3.client('s3').list_buckets()\n",
        "src/billing/app.py": "def handler(event, context):\n    return event\n",
        "tools/app.py": "def handler(event, context):\n    return event\n",
        "infra/modules/function/own/app.py": "def handler(event, context):\n    return event\n",
    })
    project = load(tmp_path / "infra")
    assert function(project, "module.orders.aws_lambda_function.this").code_dir == tmp_path / "src" / "orders"
    assert function(project, "module.billing.aws_lambda_function.this").code_dir == tmp_path / "src" / "billing"
    assert function(project, "module.orders.aws_lambda_function.tools").code_dir == tmp_path / "tools"
    own = function(project, "module.orders.aws_lambda_function.own")
    assert own.code_dir == tmp_path / "infra" / "modules" / "function" / "own"
    assert own.handler_file == own.code_dir / "app.py"
    report = run_lint(tmp_path, select=("LL101",))
    assert [(f.code, f.span.path) for f in report.findings] == [("LL101", "src/orders/app.py")]
    assert not [note for note in report.notes if "does not exist" in note]


def test_triggers_a_caller_wires_to_a_wrapped_function_through_its_outputs(tmp_path: Path) -> None:
    """The wrapper-module layout (AugustoOmena/lambda-terraform-clean, judged): each function is
    a call of a local module around `aws_lambda_function`, and the root wires routes, schedules and
    queues to `module.<call>.<output>`. The module's `output` blocks say which function that is."""
    write_tree(tmp_path, {
        "envs/dev/main.tf": """\
module "payment" {
  source = "../../modules/function"
  name   = "payment"
}

module "cleanup" {
  source = "../../modules/function"
  name   = "cleanup"
}

resource "aws_apigatewayv2_api" "main" {
  name          = "shop"
  protocol_type = "HTTP"
}

resource "aws_apigatewayv2_integration" "payment" {
  api_id                 = aws_apigatewayv2_api.main.id
  integration_type       = "AWS_PROXY"
  integration_uri        = module.payment.invoke_arn
  payload_format_version = "2.0"
}

resource "aws_apigatewayv2_route" "payment" {
  api_id    = aws_apigatewayv2_api.main.id
  route_key = "POST /payments"
  target    = "integrations/${aws_apigatewayv2_integration.payment.id}"
}

resource "aws_cloudwatch_event_rule" "nightly" {
  schedule_expression = "cron(16 16 * * ? *)"
}

resource "aws_cloudwatch_event_target" "cleanup" {
  rule = aws_cloudwatch_event_rule.nightly.name
  arn  = module.cleanup.arn
}

resource "aws_cloudwatch_event_target" "elsewhere" {
  rule = aws_cloudwatch_event_rule.nightly.name
  arn  = module.cleanup.log_group_arn
}
""",
        "modules/function/main.tf": """\
variable "name" {
  type = string
}

resource "aws_cloudwatch_log_group" "this" {
  name = "/aws/lambda/${var.name}"
}

resource "aws_lambda_function" "this" {
  function_name = var.name
  filename      = "${path.module}/app.zip"
  handler       = "app.handler"
  runtime       = "python3.12"
  timeout       = 10
  role          = "arn:aws:iam::123456789012:role/shop"
}
""",
        "modules/function/outputs.tf": """\
output "invoke_arn" {
  value = aws_lambda_function.this.invoke_arn
}

output "arn" {
  value = aws_lambda_function.this.arn
}

output "log_group_arn" {
  value = aws_cloudwatch_log_group.this.arn
}
""",
    })
    project = load(tmp_path / "envs" / "dev")
    from lambdalint.triggers import function_triggers

    payment = function(project, "module.payment.aws_lambda_function.this")
    cleanup = function(project, "module.cleanup.aws_lambda_function.this")
    assert [(t.kind, t.span.line) for t in function_triggers(payment)] == [("http-api", 16)]
    assert [(t.kind, t.name) for t in function_triggers(cleanup)] == [("schedule", "aws_cloudwatch_event_target.cleanup")]
    found = {(f.code, f.span.path, f.span.line) for f in run_lint(tmp_path, select=("LL216", "LL207")).findings}
    assert found == {("LL216", "envs/dev/main.tf", 23), ("LL207", "modules/function/main.tf", 9)}


def test_a_layer_given_by_reference_is_named_as_written(tmp_path: Path) -> None:
    """`layers = [aws_lambda_layer_version.deps.arn]`: its content is not read, and what says so
    names it (`aws_lambda_layer_version.deps`, not "(unresolved)": Wells-Huang/terraform-lambda-to-rds)."""
    from lambdalint.packages import remote_layers

    write_tree(tmp_path, {"main.tf": """\
resource "aws_lambda_layer_version" "deps" {
  layer_name = "deps"
  filename   = "${path.module}/deps.zip"
}

resource "aws_lambda_function" "db" {
  function_name = "db"
  filename      = "${path.module}/db.zip"
  handler       = "app.handler"
  runtime       = "python3.12"
  timeout       = 10
  role          = "arn:aws:iam::123456789012:role/db"
  layers        = [aws_lambda_layer_version.deps.arn, var.shared_layer_arn]
}

variable "shared_layer_arn" {
  type = string
}
"""})
    assert remote_layers(function(load(tmp_path), "aws_lambda_function.db")) == [
        "aws_lambda_layer_version.deps", "var.shared_layer_arn"]


def _module_per_concern(queue_visibility: str = "") -> dict[str, str]:
    """The module-per-concern layout (yagmurgulec's job API, judged): a queue module, a function
    module and an API module, which the root wires together through their outputs and inputs."""
    return {
        "terraform/main.tf": """\
module "job_queue" {
  source = "./modules/sqs"
}

module "worker" {
  source    = "./modules/worker"
  queue_arn = module.job_queue.queue_arn
}

module "producer" {
  source = "./modules/worker"
  queue_arn = "arn:aws:sqs:eu-west-1:123456789012:elsewhere"
}

module "api" {
  source               = "./modules/apigw"
  lambda_function_arn  = module.producer.function_arn
  lambda_function_name = module.producer.function_name
}
""",
        "terraform/modules/sqs/main.tf": f"""\
resource "aws_sqs_queue" "jobs" {{
  name = "jobs"
{queue_visibility}}}

output "queue_arn" {{
  value = aws_sqs_queue.jobs.arn
}}
""",
        "terraform/modules/worker/main.tf": """\
variable "queue_arn" {
  type = string
}

resource "aws_lambda_function" "this" {
  function_name                  = "worker"
  filename                       = "${path.module}/app.zip"
  handler                        = "app.handler"
  runtime                        = "python3.12"
  timeout                        = 29
  reserved_concurrent_executions = 5
  role                           = "arn:aws:iam::123456789012:role/worker"
}

resource "aws_lambda_event_source_mapping" "from_sqs" {
  event_source_arn = var.queue_arn
  function_name    = aws_lambda_function.this.arn
}

output "function_arn" {
  value = aws_lambda_function.this.arn
}

output "function_name" {
  value = aws_lambda_function.this.function_name
}
""",
        "terraform/modules/apigw/main.tf": """\
variable "lambda_function_arn" {
  type = string
}

variable "lambda_function_name" {
  type = string
}

resource "aws_apigatewayv2_api" "this" {
  name          = "jobs"
  protocol_type = "HTTP"
}

resource "aws_apigatewayv2_integration" "lambda" {
  api_id                 = aws_apigatewayv2_api.this.id
  integration_type       = "AWS_PROXY"
  integration_uri        = var.lambda_function_arn
  payload_format_version = "2.0"
}

resource "aws_apigatewayv2_route" "post_jobs" {
  api_id    = aws_apigatewayv2_api.this.id
  route_key = "POST /jobs"
  target    = "integrations/${aws_apigatewayv2_integration.lambda.id}"
}

resource "aws_apigatewayv2_route" "get_jobs" {
  api_id    = aws_apigatewayv2_api.this.id
  route_key = "GET /jobs"
  target    = "integrations/${aws_apigatewayv2_integration.lambda.id}"
}

resource "aws_apigatewayv2_route" "options_jobs" {
  api_id    = aws_apigatewayv2_api.this.id
  route_key = "OPTIONS /jobs"
  target    = "integrations/${aws_apigatewayv2_integration.lambda.id}"
}

resource "aws_lambda_permission" "api" {
  action        = "lambda:InvokeFunction"
  function_name = var.lambda_function_name
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${aws_apigatewayv2_api.this.execution_arn}/*/*"
}
""",
    }


def test_one_module_wires_what_another_module_of_the_same_caller_makes(tmp_path: Path) -> None:
    """`event_source_arn = var.queue_arn` where the root passes `module.job_queue.queue_arn`: the
    queue (and its default 30 s visibility) is the queue module's; `integration_uri =
    var.lambda_function_arn` where the root passes `module.producer.function_arn`: the API module's
    routes invoke the producer module's function. Both were invisible (no LL203, no LL216)."""
    write_tree(tmp_path, _module_per_concern())
    from lambdalint.triggers import function_triggers

    project = load(tmp_path / "terraform")
    worker = function(project, "module.worker.aws_lambda_function.this")
    producer = function(project, "module.producer.aws_lambda_function.this")
    assert [(t.kind, t.source) for t in function_triggers(worker)] == [("sqs", "module.job_queue.aws_sqs_queue.jobs")]
    assert sorted((t.kind, t.name) for t in function_triggers(producer)) == [
        ("http-api", "aws_apigatewayv2_integration.lambda"), ("sqs", "aws_lambda_event_source_mapping.from_sqs")]
    found = {(f.code, f.severity, f.span.path, f.span.line) for f in run_lint(tmp_path, select=("LL203", "LL216")).findings}
    assert found == {
        ("LL203", "warning", "terraform/modules/worker/main.tf", 10),  # only the worker's queue is known
        ("LL216", "warning", "terraform/modules/apigw/main.tf", 21),
        ("LL216", "info", "terraform/modules/apigw/main.tf", 27),
    }


def test_a_sibling_queue_with_a_long_enough_visibility_is_silent(tmp_path: Path) -> None:
    write_tree(tmp_path, _module_per_concern('  visibility_timeout_seconds = 180\n'))
    assert not run_lint(tmp_path, select=("LL203",)).findings


def test_a_local_module_whose_folder_holds_no_terraform_is_noted(tmp_path: Path) -> None:
    """`source = ".//serverless"` written in `src/`, where no such folder is
    (Prashanna313/terraform-lambda-sqs-module, judged): the call's functions were dropped without a
    word ("All checks passed"); now a note names the call. A folder that exists but holds no `.tf`
    is the same."""
    write_tree(tmp_path, {
        "src/lambda.tf": """\
module "orders" {
  source      = ".//serverless"
  lambda_name = "orders"
}

module "reports" {
  source = "../reports"
}
""",
        "reports/README.md": "the module is generated by a script\n",
    })
    notes = [n for n in run_lint(tmp_path, select=("LL201",)).unchecked if "is not read" in n]
    assert notes == [
        "src/lambda.tf:1: module `orders` (`.//serverless`) is not read: its folder holds no Terraform files; "
        "functions it defines are not checked",
        "src/lambda.tf:6: module `reports` (`../reports`) is not read: its folder holds no Terraform files; "
        "functions it defines are not checked"]


def test_a_block_body_is_read_when_asked_for_and_count_is_looked_up_in_its_text() -> None:
    from lambdalint.loaders.hcl import parse

    text = ('resource "aws_subnet" "a" {\n  cidr_block = "10.0.0.0/24"\n  tags = { Name = "a" }\n}\n'
            'resource "aws_sqs_queue" "q" {\n  name = "count-me"\n}\n'
            'resource "aws_lambda_permission" "p" {\n  count = 0\n  action = "lambda:InvokeFunction"\n}\n')
    top = parse(Path("main.tf"), "main.tf", text).body
    subnet, queue, permission = top.blocks
    assert [b.labels for b in top.blocks] == [["aws_subnet", "a"], ["aws_sqs_queue", "q"], ["aws_lambda_permission", "p"]]
    assert not subnet.may_set("count") and subnet._body is not None  # its text never says `count`: not read
    assert not queue.may_set("count") and queue._body is None  # `count` in a string: read, and not an attribute
    assert permission.may_set("count") and permission.attributes["count"].key_span.line == 9
    assert subnet.attributes["cidr_block"].key_span.line == 2 and subnet._body is None
    assert [b.type for b in subnet.blocks] == [] and list(subnet.attributes) == ["cidr_block", "tags"]


def test_dynamic_blocks_over_a_known_collection_are_read_as_the_blocks_they_make(tmp_path: Path) -> None:
    """`dynamic "statement"` and `dynamic "environment"` (johnwaghorn/list-reconciliation): over a
    collection known here, the blocks they make count as if written out, so the role's statements
    and the function's environment are read; over a root `var.`, which `-var` may change, they stay
    unknown. A `dynamic "statement"` used to be dropped from its document without a word."""
    main = """\
data "aws_iam_policy_document" "doc" {
  dynamic "statement" {
    for_each = ["sqs:SendMessage"]
    content {
      actions   = [statement.value]
      resources = ["*"]
    }
  }
}

resource "aws_iam_role" "r" {
  name               = "r"
  assume_role_policy = "{}"
}

resource "aws_iam_role_policy" "p" {
  role   = aws_iam_role.r.id
  policy = data.aws_iam_policy_document.doc.json
}

locals {
  env = { QUEUE_URL = "https://sqs.eu-west-1.amazonaws.com/1/q" }
}

resource "aws_lambda_function" "fn" {
  function_name = "fn"
  role          = aws_iam_role.r.arn
  handler       = "app.handler"
  runtime       = "python3.12"
  filename      = "build.zip"
  timeout       = 10
  dynamic "environment" {
    for_each = length(%s) > 0 ? ["Env"] : []
    content {
      variables = local.env
    }
  }
}

variable "env" {
  default = { QUEUE_URL = "x" }
}

data "archive_file" "zip" {
  type        = "zip"
  source_dir  = "src"
  output_path = "build.zip"
}
"""
    code = ("import os\n\nimport boto3\n\nsqs = boto3.client('sqs')\n\n\ndef handler(event, context):\n"
            "    sqs.send_message(QueueUrl=os.environ['QUEUE_URL'], MessageBody='x')\n"
            "    sqs.delete_queue(QueueUrl=os.environ['OTHER_URL'])\n")
    write_tree(tmp_path / "known", {"main.tf": main % "local.env", "src/app.py": code})
    assert sorted(codes_at(run_lint(tmp_path / "known", select=("LL109", "LL321")))) == [
        ("LL109", "src/app.py", 10), ("LL321", "src/app.py", 10)]  # send_message: granted by the dynamic statement
    write_tree(tmp_path / "root-var", {"main.tf": main % "var.env", "src/app.py": code})
    assert codes_at(run_lint(tmp_path / "root-var", select=("LL109",))) == []


def test_a_permission_for_a_rule_that_targets_something_else_is_no_trigger(tmp_path: Path) -> None:
    """cloudcr0w/security-alerting-pipeline: `aws_lambda_permission` for an EventBridge rule whose
    only target is an SNS topic; the function was said to be invoked asynchronously by EventBridge.
    A rule whose targets this module does not give keeps the permission as its trigger."""
    rule = ('resource "aws_cloudwatch_event_rule" "config" {\n  name = "config"\n'
            '  event_pattern = jsonencode({ source = ["aws.config"] })\n}\n\n')
    target = ('resource "aws_sns_topic" "alerts" {\n  name = "alerts"\n}\n\n'
              'resource "aws_cloudwatch_event_target" "to_sns" {\n  rule = aws_cloudwatch_event_rule.config.name\n'
              '  arn  = aws_sns_topic.alerts.arn\n}\n\n')
    rest = ('resource "aws_lambda_permission" "events" {\n  action        = "lambda:InvokeFunction"\n'
            '  function_name = aws_lambda_function.handler.function_name\n  principal     = "events.amazonaws.com"\n'
            '  source_arn    = aws_cloudwatch_event_rule.config.arn\n}\n\n'
            'resource "aws_lambda_function" "handler" {\n  function_name = "config-handler"\n'
            '  role          = "arn:aws:iam::123456789012:role/r"\n  handler       = "app.handler"\n'
            '  runtime       = "python3.12"\n  filename      = "build.zip"\n  timeout       = 10\n}\n')
    write_tree(tmp_path / "elsewhere", {"main.tf": rule + target + rest})
    write_tree(tmp_path / "unknown", {"main.tf": rule + rest})
    assert codes_at(run_lint(tmp_path / "elsewhere", select=("LL207",))) == []
    assert codes_at(run_lint(tmp_path / "unknown", select=("LL207",))) == [("LL207", "main.tf", 13)]
