"""HTTP API routes made by `for_each` over a map of route keys to functions, as a judged
dermatology-API project writes them: the integrations and routes iterate the same map, each route
naming its integration as `aws_apigatewayv2_integration.this[each.key]`, and the map may come from
the root module as a module input whose values are another module's outputs. Its three public
routes (LL216) and two 60-second functions behind a 30-second API (LL203) went unreported, with
no note."""

from __future__ import annotations

from pathlib import Path

from conftest import run_lint, write_tree

HANDLER = "import json\n\n\ndef handler(event, context):\n    return {\"statusCode\": 200, \"body\": json.dumps({})}\n"

FUNCTION = """\
data "archive_file" "zip" {
  type        = "zip"
  source_dir  = "${path.module}/src"
  output_path = "${path.module}/build/fn.zip"
}

resource "aws_lambda_function" "this" {
  function_name = var.name
  role          = "arn:aws:iam::123456789012:role/api"
  handler       = "main.handler"
  runtime       = "python3.12"
  timeout       = var.timeout
  filename      = data.archive_file.zip.output_path
}

variable "name" {
  type = string
}

variable "timeout" {
  type = number
}

output "function_arn" {
  value = aws_lambda_function.this.invoke_arn
}
"""

API = """\
variable "routes" {
  type = map(string)
}

resource "aws_apigatewayv2_api" "this" {
  name          = "derm-api"
  protocol_type = "HTTP"
}

resource "aws_apigatewayv2_integration" "this" {
  for_each               = var.routes
  api_id                 = aws_apigatewayv2_api.this.id
  integration_type       = "AWS_PROXY"
  integration_uri        = each.value
  payload_format_version = "2.0"
}

resource "aws_apigatewayv2_route" "this" {
  for_each  = var.routes
  api_id    = aws_apigatewayv2_api.this.id
  route_key = each.key
  target    = "integrations/${aws_apigatewayv2_integration.this[each.key].id}"
}
"""

ROOT = """\
module "submit" {
  source  = "./modules/function"
  name    = "submit"
  timeout = 60
}

module "result" {
  source  = "./modules/function"
  name    = "result"
  timeout = 10
}

module "api" {
  source = "./modules/api"
  routes = {
    "POST /submit"              = module.submit.function_arn
    "GET /result/{request_id}" = module.result.function_arn
  }
}
"""


def _findings(root: Path) -> list[tuple[str, str, int, str]]:
    result = run_lint(root, select=("LL203", "LL216"))
    return sorted((f.code, f.span.path, f.span.line, f.message) for f in result.findings)


def test_routes_of_a_map_the_caller_passes_in_with_other_modules_outputs(tmp_path: Path) -> None:
    write_tree(tmp_path, {"main.tf": ROOT, "modules/api/main.tf": API, "modules/function/main.tf": FUNCTION,
                          "modules/function/src/main.py": HANDLER})
    found = _findings(tmp_path)
    assert [(code, path, line) for code, path, line, _ in found] == [
        ("LL203", "modules/function/main.tf", 12),  # submit's 60 s behind the HTTP API's 30 s
        ("LL216", "modules/api/main.tf", 18),  # POST /submit, public
        ("LL216", "modules/api/main.tf", 18),  # GET /result/{request_id}, public
    ]
    messages = " ".join(message for _, _, _, message in found)
    assert "`POST /submit` invokes `module.submit.aws_lambda_function.this`" in messages
    assert "`GET /result/{request_id}` invokes `module.result.aws_lambda_function.this`" in messages


def test_routes_of_a_local_map_in_one_module(tmp_path: Path) -> None:
    one = FUNCTION.replace("var.name", '"submit"').replace("var.timeout", "60") + API.replace(
        'variable "routes" {\n  type = map(string)\n}\n',
        'locals {\n  routes = {\n    "POST /submit" = aws_lambda_function.this.invoke_arn\n  }\n}\n'
    ).replace("var.routes", "local.routes")
    assert "local.routes" in one and "var.routes" not in one
    write_tree(tmp_path, {"main.tf": one, "src/main.py": HANDLER})
    found = _findings(tmp_path)
    assert [(code, line) for code, _, line, _ in found] == [("LL203", 12), ("LL216", 46)]  # the route block
    assert "`POST /submit` invokes `aws_lambda_function.this`" in found[1][3]


def test_a_route_with_an_authorizer_stays_silent(tmp_path: Path) -> None:
    guarded = API.replace('  target    = "integrations/${aws_apigatewayv2_integration.this[each.key].id}"',
                          '  target             = "integrations/${aws_apigatewayv2_integration.this[each.key].id}"\n'
                          '  authorization_type = "AWS_IAM"')
    assert "AWS_IAM" in guarded
    write_tree(tmp_path, {"main.tf": ROOT, "modules/api/main.tf": guarded, "modules/function/main.tf": FUNCTION,
                          "modules/function/src/main.py": HANDLER})
    assert [(code, line) for code, _, line, _ in _findings(tmp_path)] == [("LL203", 12)]


REST_BY_DATA_SOURCE = """\
resource "aws_lambda_function" "api" {
  function_name = "fam-api"
  role          = "arn:aws:iam::123456789012:role/fam"
  handler       = "main.handler"
  runtime       = "python3.12"
  timeout       = 10
  filename      = "api.zip"
}

data "aws_lambda_function" "target_lambda" {
  function_name = aws_lambda_function.api.function_name
}

resource "aws_api_gateway_rest_api" "api" {
  name = "fam-api"
}

resource "aws_api_gateway_resource" "proxy" {
  rest_api_id = aws_api_gateway_rest_api.api.id
  parent_id   = aws_api_gateway_rest_api.api.root_resource_id
  path_part   = "{proxy+}"
}

resource "aws_api_gateway_method" "proxy" {
  rest_api_id   = aws_api_gateway_rest_api.api.id
  resource_id   = aws_api_gateway_resource.proxy.id
  http_method   = "ANY"
  authorization = "NONE"
}

resource "aws_api_gateway_integration" "proxy" {
  rest_api_id             = aws_api_gateway_rest_api.api.id
  resource_id             = aws_api_gateway_resource.proxy.id
  http_method             = aws_api_gateway_method.proxy.http_method
  integration_http_method = "POST"
  type                    = "AWS_PROXY"
  uri                     = data.aws_lambda_function.target_lambda.invoke_arn
}
"""


def test_an_integration_that_names_the_function_through_a_data_source(tmp_path: Path) -> None:
    """bcgov/nr-forests-access-management (judged): `uri = data.aws_lambda_function.target_lambda.invoke_arn`,
    the data source looking up the module's own function by `function_name`; two open `ANY` methods
    were not linked (LL216), with no note."""
    write_tree(tmp_path, {"main.tf": REST_BY_DATA_SOURCE})
    found = _findings(tmp_path)
    assert [(code, line) for code, _, line, _ in found] == [("LL216", 28)]  # `authorization = "NONE"`
    assert "invokes `aws_lambda_function.api`" in found[0][3]


QUICK_CREATE = """\
resource "aws_lambda_function" "bot" {
  function_name = "discord-bot"
  role          = "arn:aws:iam::123456789012:role/bot"
  handler       = "main.lambda_handler"
  runtime       = "python3.12"
  timeout       = 10
  filename      = "bot.zip"
}

resource "aws_apigatewayv2_api" "apigw" {
  name          = "discord-bot"
  protocol_type = "HTTP"
  target        = aws_lambda_function.bot.arn
  route_key     = "POST ${var.path}"
}

variable "path" {
  type = string
}
"""


def test_the_route_a_quick_create_http_api_makes_is_open(tmp_path: Path) -> None:
    """michalani/serverless-discord (judged): `target` and `route_key` on an `aws_apigatewayv2_api`
    make one route, which takes no authorizer; it was noted as not checked, or not at all."""
    write_tree(tmp_path, {"main.tf": QUICK_CREATE})
    found = _findings(tmp_path)
    assert [(code, line) for code, _, line, _ in found] == [("LL216", 10)]
    assert found[0][3].startswith("`POST ${var.path}` invokes `aws_lambda_function.bot`")


def test_a_quick_create_api_without_a_route_key_is_its_default_route(tmp_path: Path) -> None:
    write_tree(tmp_path, {"main.tf": QUICK_CREATE.replace('  route_key     = "POST ${var.path}"\n', "")})
    found = _findings(tmp_path)
    assert [(code, line) for code, _, line, _ in found] == [("LL216", 10)]
    assert found[0][3].startswith("`ANY $default` invokes")


REST_BY_MAP = """\
variable "lambda_integrations" {
  type = map(object({ lambda_invoke_arn = string, http_method = string }))
}

resource "aws_api_gateway_rest_api" "this" {
  name = "patch-pilot-api"
}

resource "aws_api_gateway_method" "this" {
  for_each      = var.lambda_integrations
  rest_api_id   = aws_api_gateway_rest_api.this.id
  resource_id   = aws_api_gateway_rest_api.this.root_resource_id
  http_method   = each.value.http_method
  authorization = "NONE"
}

resource "aws_api_gateway_integration" "this" {
  for_each                = var.lambda_integrations
  rest_api_id             = aws_api_gateway_rest_api.this.id
  resource_id             = aws_api_gateway_rest_api.this.root_resource_id
  http_method             = aws_api_gateway_method.this[each.key].http_method
  integration_http_method = "POST"
  type                    = "AWS_PROXY"
  uri                     = each.value.lambda_invoke_arn
}
"""


def test_rest_methods_made_by_for_each_over_the_map_their_integrations_iterate(tmp_path: Path) -> None:
    # imransayyed-scm/patch-pilot-ai: `http_method = each.value.http_method`, one method per route
    write_tree(tmp_path, {"main.tf": """\
module "get_findings" {
  source  = "./modules/function"
  name    = "get-findings"
  timeout = 10
}

module "analyze_finding" {
  source  = "./modules/function"
  name    = "analyze-finding"
  timeout = 10
}

module "api" {
  source = "./modules/api"
  lambda_integrations = {
    "/findings"                     = { lambda_invoke_arn = module.get_findings.function_arn, http_method = "GET" },
    "/findings/{findingId}/analyze" = { lambda_invoke_arn = module.analyze_finding.function_arn, http_method = "POST" }
  }
}
""", "modules/api/main.tf": REST_BY_MAP, "modules/function/main.tf": FUNCTION, "modules/function/src/main.py": HANDLER})
    result = run_lint(tmp_path, select=("LL216",))
    assert sorted((f.severity, f.span.line, f.message.split(" without")[0]) for f in result.findings) == [
        ("info", 14, "`GET` method `aws_api_gateway_method.this` invokes `module.get_findings.aws_lambda_function.this`"),
        ("warning", 14, "`POST` method `aws_api_gateway_method.this` invokes "
                       "`module.analyze_finding.aws_lambda_function.this`"),
    ]
