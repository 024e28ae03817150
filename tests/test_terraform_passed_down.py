"""A function defined by the calling module and handed to a module that builds its API.

`module "api" { invoke_arn = aws_lambda_function.main_handler.invoke_arn }` with the integration's
`uri = var.invoke_arn` inside the module (judged on Team-Lugeasy/Lugeasy-Backend): the routes were
linked to no function, so an unauthenticated `POST` (LL216) and a timeout its API cannot wait for
(LL203) went unreported, with no note. The other direction (a module's function, the caller's API)
was already read."""

from __future__ import annotations

from pathlib import Path

from conftest import codes_at, run_lint, write_tree

ROOT = """\
resource "aws_iam_role" "lambda" {
  name = "main-handler"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Action = "sts:AssumeRole", Effect = "Allow", Principal = { Service = "lambda.amazonaws.com" } }]
  })
}

data "archive_file" "zip" {
  type        = "zip"
  source_dir  = "${path.module}/src"
  output_path = "${path.module}/build/main_handler.zip"
}

resource "aws_lambda_function" "main_handler" {
  function_name                  = "main-handler"
  role                           = aws_iam_role.lambda.arn
  handler                        = "app.handler"
  runtime                        = "python3.12"
  timeout                        = 60
  reserved_concurrent_executions = 10
  filename                       = data.archive_file.zip.output_path
  source_code_hash               = data.archive_file.zip.output_base64sha256
}

module "api_gateway" {
  source                  = "./modules/api_gateway"
  main_handler_invoke_arn = aws_lambda_function.main_handler.invoke_arn
}
"""
REST_MODULE = """\
variable "main_handler_invoke_arn" {
  type = string
}

resource "aws_api_gateway_rest_api" "api" {
  name = "backend"
}

resource "aws_api_gateway_resource" "login" {
  rest_api_id = aws_api_gateway_rest_api.api.id
  parent_id   = aws_api_gateway_rest_api.api.root_resource_id
  path_part   = "login"
}

resource "aws_api_gateway_method" "login" {
  rest_api_id   = aws_api_gateway_rest_api.api.id
  resource_id   = aws_api_gateway_resource.login.id
  http_method   = "POST"
  authorization = "NONE"
}

resource "aws_api_gateway_integration" "login" {
  rest_api_id             = aws_api_gateway_rest_api.api.id
  resource_id             = aws_api_gateway_resource.login.id
  http_method             = aws_api_gateway_method.login.http_method
  integration_http_method = "POST"
  type                    = "AWS_PROXY"
  uri                     = var.main_handler_invoke_arn
}
"""
HTTP_MODULE = """\
variable "main_handler_invoke_arn" {
  type = string
}

resource "aws_apigatewayv2_api" "api" {
  name          = "backend"
  protocol_type = "HTTP"
}

resource "aws_apigatewayv2_integration" "main" {
  api_id                 = aws_apigatewayv2_api.api.id
  integration_type       = "AWS_PROXY"
  integration_uri        = var.main_handler_invoke_arn
  payload_format_version = "2.0"
}

resource "aws_apigatewayv2_route" "login" {
  api_id    = aws_apigatewayv2_api.api.id
  route_key = "POST /login"
  target    = "integrations/${aws_apigatewayv2_integration.main.id}"
}
"""
HANDLER = """\
import json


def handler(event, context):
    body = json.loads(event.get("body") or "{}")
    return {"statusCode": 200, "body": json.dumps({"user": body.get("user")})}
"""


def project(root: Path, module: str) -> Path:
    return write_tree(root, {"main.tf": ROOT, "modules/api_gateway/main.tf": module, "src/app.py": HANDLER})


def test_a_rest_api_module_given_the_callers_function(tmp_path: Path) -> None:
    result = run_lint(project(tmp_path, REST_MODULE), select=("LL203", "LL216"))
    assert codes_at(result) == [("LL203", "main.tf", 20), ("LL216", "modules/api_gateway/main.tf", 19)]
    assert "`aws_lambda_function.main_handler`" in result.visible[1].message


def test_an_http_api_module_given_the_callers_function(tmp_path: Path) -> None:
    result = run_lint(project(tmp_path, HTTP_MODULE), select=("LL203", "LL216"))
    assert codes_at(result) == [("LL203", "main.tf", 20), ("LL216", "modules/api_gateway/main.tf", 17)]
    assert "`POST /login`" in result.visible[1].message


def test_an_api_module_given_nothing_of_the_caller_links_nothing(tmp_path: Path) -> None:
    """The same module given another function's ARN as text: no trigger of the caller's function."""
    root = ROOT.replace("aws_lambda_function.main_handler.invoke_arn", '"arn:aws:lambda:eu-west-1:1:function:other"')
    write_tree(tmp_path, {"main.tf": root, "modules/api_gateway/main.tf": REST_MODULE, "src/app.py": HANDLER})
    assert codes_at(run_lint(tmp_path, select=("LL203", "LL216"))) == []


def test_a_module_output_of_the_whole_function_resource_links_its_triggers(tmp_path: Path) -> None:
    """`output "lambda" { value = aws_lambda_function.lambda }`, read by the caller as
    `module.api_fn.lambda.invoke_arn` (johnwaghorn/list-reconciliation): the REST route to it
    was linked to no function, so its open `ANY` and its 180 s timeout went unreported."""
    write_tree(tmp_path, {
        "main.tf": 'module "api_fn" {\n  source = "./modules/fn"\n}\n\n'
                   'resource "aws_api_gateway_rest_api" "api" {\n  name = "api"\n}\n\n'
                   'resource "aws_api_gateway_resource" "proxy" {\n  rest_api_id = aws_api_gateway_rest_api.api.id\n'
                   '  parent_id   = aws_api_gateway_rest_api.api.root_resource_id\n  path_part   = "{proxy+}"\n}\n\n'
                   'resource "aws_api_gateway_method" "any" {\n  rest_api_id   = aws_api_gateway_rest_api.api.id\n'
                   '  resource_id   = aws_api_gateway_resource.proxy.id\n  http_method   = "ANY"\n'
                   '  authorization = "NONE"\n}\n\n'
                   'resource "aws_api_gateway_integration" "lambda" {\n'
                   '  rest_api_id             = aws_api_gateway_rest_api.api.id\n'
                   '  resource_id             = aws_api_gateway_resource.proxy.id\n'
                   '  http_method             = aws_api_gateway_method.any.http_method\n'
                   '  integration_http_method = "POST"\n  type                    = "AWS_PROXY"\n'
                   '  uri                     = module.api_fn.lambda.invoke_arn\n}\n',
        "modules/fn/main.tf": 'resource "aws_lambda_function" "lambda" {\n  function_name = "api"\n'
                              '  role          = "arn:aws:iam::123456789012:role/r"\n  handler       = "app.handler"\n'
                              '  runtime       = "python3.12"\n  filename      = "build.zip"\n  timeout       = 180\n}\n\n'
                              'output "lambda" {\n  value = aws_lambda_function.lambda\n}\n',
    })
    found = codes_at(run_lint(tmp_path, select=("LL203", "LL216")))
    assert sorted(found) == [("LL203", "modules/fn/main.tf", 7), ("LL216", "main.tf", 19)]


WORKER_MODULE = """\
variable "function_name" {
  type = string
}

variable "input_sqs_arn" {
  type = string
}

variable "timeout" {
  type = number
}

data "archive_file" "zip" {
  type        = "zip"
  source_dir  = "${path.module}/../../src"
  output_path = "${path.module}/build.zip"
}

resource "aws_iam_role" "worker" {
  name = var.function_name
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Action = "sts:AssumeRole", Effect = "Allow", Principal = { Service = "lambda.amazonaws.com" } }]
  })
}

resource "aws_lambda_function" "worker" {
  function_name                  = var.function_name
  role                           = aws_iam_role.worker.arn
  handler                        = "app.handler"
  runtime                        = "python3.12"
  timeout                        = var.timeout
  reserved_concurrent_executions = 5
  filename                       = data.archive_file.zip.output_path
}

resource "aws_lambda_event_source_mapping" "queue" {
  event_source_arn = var.input_sqs_arn
  function_name    = aws_lambda_function.worker.arn
}
"""
QUEUE = """\
resource "aws_sqs_queue" "jobs" {
  name                       = "jobs"
  visibility_timeout_seconds = VISIBILITY
}
"""
WORKER_HANDLER = 'def handler(event, context):\n    return [record["body"] for record in event["Records"]]\n'


def _called_worker(root: Path, *, visibility: int) -> Path:
    """The root's queue, of this visibility timeout, passed to the worker module it calls."""
    return write_tree(root, {
        "main.tf": QUEUE.replace("VISIBILITY", str(visibility)) + '\nmodule "worker" {\n'
                   '  source        = "./modules/worker"\n  function_name = "worker"\n'
                   '  input_sqs_arn = aws_sqs_queue.jobs.arn\n  timeout       = 30\n}\n',
        "modules/worker/main.tf": WORKER_MODULE, "src/app.py": WORKER_HANDLER})


def test_a_queue_the_caller_passes_to_a_worker_module_is_its_trigger(tmp_path: Path) -> None:
    """`input_sqs_arn = aws_sqs_queue.jobs.arn` in the call, `event_source_arn = var.input_sqs_arn`
    in the module (judged on arcones/sra-collector): the mapping was linked to no queue, so a
    visibility timeout of 2x the function's went unreported, with no note."""
    result = run_lint(_called_worker(tmp_path, visibility=60), select=("LL203",))
    assert codes_at(result) == [("LL203", "modules/worker/main.tf", 32)]
    assert "`aws_sqs_queue.jobs` (60 s)" in result.visible[0].message


def test_a_queue_passed_down_two_module_levels_is_still_the_callers(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "main.tf": QUEUE.replace("VISIBILITY", "60") + '\nmodule "workers" {\n  source    = "./modules/workers"\n'
                   '  queue_arn = aws_sqs_queue.jobs.arn\n}\n',
        "modules/workers/main.tf": 'variable "queue_arn" {\n  type = string\n}\n\nmodule "worker" {\n'
                                   '  source        = "../worker"\n  function_name = "worker"\n'
                                   '  input_sqs_arn = var.queue_arn\n  timeout       = 30\n}\n',
        "modules/worker/main.tf": WORKER_MODULE, "src/app.py": WORKER_HANDLER})
    result = run_lint(tmp_path, select=("LL203",))
    assert codes_at(result) == [("LL203", "modules/worker/main.tf", 32)]
    assert "`module.workers.module.worker.aws_lambda_function.worker`" in result.visible[0].message


def test_a_passed_queue_with_room_for_six_timeouts_is_silent(tmp_path: Path) -> None:
    result = run_lint(_called_worker(tmp_path, visibility=180))
    assert codes_at(result) == []
    from lambdalint.triggers import function_triggers

    [function] = [f for template in result.project.templates for f in template.functions]
    assert [(t.kind, t.source) for t in function_triggers(function)] == [("sqs", "aws_sqs_queue.jobs")]


def test_a_route_to_a_function_named_through_two_module_levels_of_outputs(tmp_path: Path) -> None:
    """`integration_uri = module.lambdas.submit_invoke_arn`, which `lambdas` outputs as
    `module.submit.invoke_arn` of a module it calls (judged on arcones/sra-collector): the route
    was linked to no function, so its missing authorizer (LL216) went unreported, with no note."""
    write_tree(tmp_path, {
        "main.tf": 'module "lambdas" {\n  source = "./lambdas"\n}\n\n'
                   'resource "aws_apigatewayv2_api" "api" {\n  name          = "api"\n  protocol_type = "HTTP"\n}\n\n'
                   'resource "aws_apigatewayv2_integration" "submit" {\n  api_id                 = aws_apigatewayv2_api.api.id\n'
                   '  integration_type       = "AWS_PROXY"\n  integration_uri        = module.lambdas.submit_invoke_arn\n'
                   '  payload_format_version = "2.0"\n}\n\n'
                   'resource "aws_apigatewayv2_route" "submit" {\n  api_id    = aws_apigatewayv2_api.api.id\n'
                   '  route_key = "POST /query-submit"\n'
                   '  target    = "integrations/${aws_apigatewayv2_integration.submit.id}"\n}\n',
        "lambdas/main.tf": 'module "submit" {\n  source = "./fn"\n  name   = "submit"\n}\n\n'
                           'output "submit_invoke_arn" {\n  value = module.submit.invoke_arn\n}\n',
        "lambdas/fn/main.tf": 'variable "name" {}\n\nresource "aws_lambda_function" "function" {\n'
                              '  function_name                  = var.name\n'
                              '  role                           = "arn:aws:iam::123456789012:role/r"\n'
                              '  handler                        = "app.handler"\n  runtime                        = "python3.12"\n'
                              '  timeout                        = 10\n  reserved_concurrent_executions = 2\n'
                              '  filename                       = "build.zip"\n}\n\n'
                              'output "invoke_arn" {\n  value = aws_lambda_function.function.invoke_arn\n}\n',
    })
    result = run_lint(tmp_path, select=("LL216",))
    assert codes_at(result) == [("LL216", "main.tf", 17)]
    assert "`module.lambdas.module.submit.aws_lambda_function.function`" in result.visible[0].message


# a function module that outputs its whole resource, and an API module given it as `var.fn`
_MOCK_MODULES = {
    "modules/fn/main.tf": 'resource "aws_lambda_function" "lambda" {\n  function_name = "mock"\n'
                          '  role          = "arn:aws:iam::123456789012:role/r"\n  handler       = "app.handler"\n'
                          '  runtime       = "python3.12"\n  filename      = "build.zip"\n  timeout       = 180\n}\n\n'
                          'output "lambda" {\n  value = aws_lambda_function.lambda\n}\n',
    "modules/api/main.tf": 'variable "fn" {}\n\n' + REST_MODULE.split("\n", 3)[3].replace(
        "var.main_handler_invoke_arn", "var.fn.invoke_arn"),
}


def test_a_whole_function_resource_passed_to_an_api_module_links_its_route(tmp_path: Path) -> None:
    """`fn = module.mock_fn.lambda` (an output of the whole resource) and `uri = var.fn.invoke_arn`
    in the API module (judged again on johnwaghorn/list-reconciliation): the route was linked to no
    function, so its open `ANY` (LL216) and a 180 s timeout it cannot wait for (LL203) went
    unreported, with no note."""
    write_tree(tmp_path, {
        "main.tf": 'module "mock_fn" {\n  source = "./modules/fn"\n}\n\n'
                   'module "api" {\n  source = "./modules/api"\n  fn     = module.mock_fn.lambda\n}\n',
        **_MOCK_MODULES,
    })
    found = codes_at(run_lint(tmp_path, select=("LL203", "LL216")))
    assert sorted(found) == [("LL203", "modules/fn/main.tf", 7), ("LL216", "modules/api/main.tf", 18)]


def test_an_instance_of_a_call_counted_at_deploy_time_names_the_call_read_once(tmp_path: Path) -> None:
    """`module.mock_fn[0].lambda` where `count` reads a root variable (list-reconciliation's
    `count = local.environment == "prod" ? 0 : 1`): the call is read once, under its plain name,
    and the reference through its instance still names its function."""
    write_tree(tmp_path, {
        "main.tf": 'variable "mock" {\n  default = true\n}\n\n'
                   'module "mock_fn" {\n  source = "./modules/fn"\n  count  = var.mock ? 1 : 0\n}\n\n'
                   'module "api" {\n  source = "./modules/api"\n  fn     = module.mock_fn[0].lambda\n}\n',
        **_MOCK_MODULES,
    })
    found = codes_at(run_lint(tmp_path, select=("LL203", "LL216")))
    assert sorted(found) == [("LL203", "modules/fn/main.tf", 7), ("LL216", "modules/api/main.tf", 18)]
