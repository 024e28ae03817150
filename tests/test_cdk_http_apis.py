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
