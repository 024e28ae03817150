"""HTTP APIs of a CDK app: the routes that invoke a function, and what authorizes each.

`apigatewayv2.HttpApi(self, "Api", default_integration=HttpLambdaIntegration("Id", fn),
default_authorizer=...)` and `api.add_routes(path="/items", methods=[HttpMethod.POST],
integration=..., authorizer=...)` (also the alpha packages) become what CDK synthesizes: an
`AWS::ApiGatewayV2::Api` of protocol `HTTP` and per route and method an `AWS::ApiGatewayV2::Route`
whose `Target` is the integration, with the `AuthorizationType` of its authorizer: the route's own,
else the API's default, else `NONE` as CDK writes it (`HttpNoneAuthorizer()` is `NONE` too). An
authorizer lambdalint cannot name counts as some authorization, and methods it cannot read leave
the route out: neither is ever guessed open.
"""

from __future__ import annotations

from typing import Any

from lambdalint.code.cstwalk import dotted_name
from lambdalint.loaders.cdkobjects import Construct, qualify
from lambdalint.loaders.cdktriggers import Make
from lambdalint.located import Located, Span

API = "aws_cdk.aws_apigatewayv2.HttpApi"
API_TYPE = "AWS::ApiGatewayV2::Api"
_INTEGRATION = "AWS::ApiGatewayV2::Integration"
# the authorizer classes of `aws_apigatewayv2_authorizers`, by the `AuthorizationType` CDK writes
_AUTHORIZERS = {"HttpNoneAuthorizer": "NONE", "HttpIamAuthorizer": "AWS_IAM", "HttpJwtAuthorizer": "JWT",
                "HttpUserPoolAuthorizer": "JWT", "HttpLambdaAuthorizer": "CUSTOM"}
_METHODS = frozenset({"ANY", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT", "DELETE"})


def http_api(keywords: dict[str, Any], head: Span, make: Make, call: Any, frame: Any) -> Any:
    """The API a `HttpApi(...)` call makes, with its `$default` route when it has a default integration."""
    api = make(API_TYPE, {"ProtocolType": Located("HTTP", head, "default")}, call, frame)
    if not api:
        return api
    api.attributes["default authorizer"] = keywords.get("default_authorizer")
    integration = keywords.get("default_integration")
    if integration is not None:
        _route(api, "$default", integration[0], None, make, call, frame, head)
    return api


def add_routes(api: Any, keywords: dict[str, Any], make: Make, call: Any, frame: Any, head: Span) -> None:
    """`api.add_routes(path=..., methods=[...], integration=..., authorizer=...)`: one route per method."""
    path, integration = keywords.get("path"), keywords.get("integration")
    if path is None or integration is None:
        return
    written = path[0].value if isinstance(path[0], Located) and path[0].is_literal else None
    methods = _methods(keywords.get("methods"))
    if not isinstance(written, str) or methods is None:
        return
    for method in methods:
        _route(api, f"{method} {written}", integration[0], keywords.get("authorizer"), make, call, frame, head)


def _methods(entry: tuple[Any, Any] | None) -> list[str] | None:
    """`[HttpMethod.GET, HttpMethod.POST]` as written; CDK's default is `ANY`. None: not readable."""
    if entry is None:
        return ["ANY"]
    argument = entry[1]
    node = getattr(argument, "value", None)
    elements = getattr(node, "elements", None)
    if elements is None:
        return None
    found = []
    for element in elements:
        name = dotted_name(element.value).rsplit(".", 1)[-1] if dotted_name(element.value) else ""
        if name not in _METHODS:
            return None
        found.append(name)
    return found or None


def _route(api: Any, key: str, integration: Any, authorizer: tuple[Any, Any] | None, make: Make, call: Any,
           frame: Any, head: Span) -> None:
    if not (isinstance(integration, Construct) and integration.kind == _INTEGRATION and integration.logical_id):
        return
    span = head
    reference = Located({"Ref": Located(api.logical_id, span)}, span)
    target = Located({"Fn::Join": Located([Located("", span), Located([
        Located("integrations/", span), Located({"Ref": Located(integration.logical_id, span)}, span)], span)],
        span)}, span)
    given = authorizer if authorizer is not None else api.attributes.get("default authorizer")
    properties = {"ApiId": reference, "RouteKey": Located(key, span), "Target": target,
                  "AuthorizationType": _authorization(given, span)}
    name = "".join(c for c in key if c.isalnum()) or "Default"
    make("AWS::ApiGatewayV2::Route", properties, call, frame, f"{api.logical_id}{name}Route")


def _authorization(given: tuple[Any, Any] | None, span: Span) -> Located:
    if given is None:
        return Located("NONE", span, "default")
    value, argument = given
    written = ""
    node = getattr(argument, "value", None)
    if node is not None and hasattr(node, "func"):
        written = dotted_name(node.func) or ""
    if isinstance(value, Construct):
        written = value.qualified or written
    kind = _AUTHORIZERS.get(qualify(written).rsplit(".", 1)[-1])
    # an authorizer built elsewhere or by a helper: some authorization, never "open"
    return Located(kind or "CUSTOM", span)
