"""HTTP APIs in CDK apps (azeemirshad/python-cdk-apigw-lambda-dynamodb: `HttpApi(default_integration=
HttpLambdaIntegration("Id", handler=fn))` from the alpha packages): each route is what CDK synthesizes,
an `AWS::ApiGatewayV2::Route` to the integration with its authorizer's type, so LL216 judges it.
Before, the `$default` route that anyone can call passed with no finding and no note."""

from __future__ import annotations

from conftest import FIXTURES, run_lint

APP = FIXTURES / "projects" / "cdk-python-http-api"


def _open_routes() -> list[tuple[str, int, str, str]]:
    result = run_lint(APP, select=("LL216",))
    return sorted((f.span.path, f.span.line, f.severity, f.message.split("`")[1]) for f in result.findings)


def test_routes_without_an_authorizer_are_reported_where_they_are_added() -> None:
    assert _open_routes() == [
        ("backend/admin/infrastructure.py", 32, "info", "GET /health"),      # opts out of the default JWT
        ("backend/admin/infrastructure.py", 34, "warning", "POST /reset"),   # HttpNoneAuthorizer()
        ("backend/api/infrastructure.py", 25, "warning", "ANY $default"),    # default_integration, keyword handler=
        ("backend/api/infrastructure.py", 30, "info", "GET /rates"),         # add_routes, alpha packages
    ]  # PUT and DELETE /rates: the API's default JWT authorizer


def test_routes_are_what_cdk_synthesizes() -> None:
    result = run_lint(APP, select=("LL216",))
    assert result.project is not None
    [template] = result.project.templates
    routes = sorted((r.get("Properties", "RouteKey").value, r.get("Properties", "AuthorizationType").value)  # type: ignore[union-attr]
                    for r in template.resources.values() if r.get("Type").value == "AWS::ApiGatewayV2::Route")  # type: ignore[union-attr]
    assert routes == [("$default", "NONE"), ("DELETE /rates", "JWT"), ("GET /health", "NONE"), ("GET /rates", "NONE"),
                      ("POST /reset", "NONE"), ("PUT /rates", "JWT")]


def test_the_hint_offers_no_api_key_for_an_http_api() -> None:
    result = run_lint(APP, select=("LL216",))
    assert result.findings and all("HTTP APIs have no API keys" in (f.hint or "") and "require an API key" not in (f.hint or "")
                                   for f in result.findings)


def test_a_cdk_v1_lambda_proxy_integration_is_an_http_api_integration(tmp_path) -> None:
    """CDK v1 (sdil/voting-serverless-cdk): `LambdaProxyIntegration(handler=fn)`, from
    `aws_apigatewayv2` (before 1.80) or `aws_apigatewayv2_integrations`, takes no id; its routes
    were dropped with no note, so four open routes passed."""
    from conftest import write_tree

    write_tree(tmp_path, {
        "cdk.json": '{"app": "python3 app.py"}',
        "app.py": "from aws_cdk import core\n"
                  "from aws_cdk.aws_lambda import Code, Function, Runtime\n"
                  "from aws_cdk.aws_apigatewayv2 import HttpApi, HttpMethod, LambdaProxyIntegration\n"
                  "from aws_cdk import aws_apigatewayv2_integrations as integrations\n\n\n"
                  "class Voting(core.Stack):\n"
                  "    def __init__(self, scope, id):\n"
                  "        super().__init__(scope, id)\n"
                  "        vote = Function(self, 'Vote', handler='app.handler', runtime=Runtime.PYTHON_3_12,\n"
                  "                        code=Code.from_asset('src'), timeout=core.Duration.seconds(5))\n"
                  "        api = HttpApi(self, 'Api')\n"
                  "        api.add_routes(path='/vote', methods=[HttpMethod.POST],\n"
                  "                       integration=LambdaProxyIntegration(handler=vote))\n"
                  "        api.add_routes(path='/vote', methods=[HttpMethod.GET],\n"
                  "                       integration=integrations.LambdaProxyIntegration(handler=vote))\n\n\n"
                  "app = core.App()\nVoting(app, 'voting')\napp.synth()\n",
        "src/app.py": "def handler(event, context):\n    return {'statusCode': 200}\n",
    })
    result = run_lint(tmp_path, select=("LL216",))
    assert sorted((f.span.line, f.severity, f.message.split("`")[1]) for f in result.findings) == [
        (13, "warning", "POST /vote"), (15, "info", "GET /vote")]
