"""API Gateway WebSocket APIs of a CDK app: their Lambda integrations are `websocket` triggers.

`apigatewayv2.WebSocketApi(route_selection_expression=..., connect_route_options=
WebSocketRouteOptions(integration=WebSocketLambdaIntegration("Id", fn)), disconnect_route_options=
..., default_route_options=...)`, `api.add_route("sendmessage", integration=...)` and
`WebSocketRoute(web_socket_api=api, route_key=..., integration=...)` (also the alpha packages and
their older `LambdaWebSocketIntegration(handler=fn)`) become what CDK synthesizes: an
`AWS::ApiGatewayV2::Api` of protocol `WEBSOCKET`, and per route an `AWS::ApiGatewayV2::Integration`
invoking the function and an `AWS::ApiGatewayV2::Route`. A route on an API lambdalint does not
follow (imported, computed) is left out: its protocol would be a guess.
"""

from __future__ import annotations

from typing import Any

from lambdalint.loaders.cdkobjects import Construct, positional
from lambdalint.loaders.cdktriggers import Make, invoked, keyword_value
from lambdalint.located import Located, Span

_V2 = "aws_cdk.aws_apigatewayv2."
_INTEGRATIONS = ("aws_cdk.aws_apigatewayv2_integrations.WebSocketLambdaIntegration",
                 "aws_cdk.aws_apigatewayv2_integrations.LambdaWebSocketIntegration")
API = _V2 + "WebSocketApi"
ROUTE = _V2 + "WebSocketRoute"
API_TYPE = "AWS::ApiGatewayV2::Api"
# WebSocketApi keyword -> the route it adds
_ROUTE_OPTIONS = {"connect_route_options": "$connect", "disconnect_route_options": "$disconnect",
                  "default_route_options": "$default"}


def websocket_value(qualified: str, call: Any, frame: Any, reader: Any) -> Any:
    """A Lambda integration or route options: values that a route attaches to an API."""
    if qualified in _INTEGRATIONS:
        keywords, _ = reader.keywords(call, frame)
        if qualified.endswith("WebSocketLambdaIntegration"):  # ("Id", handler, ...)
            node = positional(call, 1)
            function = reader.value(node, frame) if node is not None else keywords.get("handler", (None,))[0]
            name_node = positional(call, 0)
            name = reader.value(name_node, frame) if name_node is not None else None
        else:  # the older alpha `LambdaWebSocketIntegration(handler=fn)`
            function, name = keywords.get("handler", (None,))[0], None
        return Construct("", "cdk:websocket-integration", qualified, None, {
            "function": function, "call": call, "frame": frame, "span": frame.module.span(call),
            "name": name.value if isinstance(name, Located) and name.is_literal else None})
    if qualified == _V2 + "WebSocketRouteOptions":
        keywords, _ = reader.keywords(call, frame)
        return Construct("", "cdk:websocket-route-options", qualified, None,
                         {"integration": keywords.get("integration", (None,))[0]})
    return None


def api_properties(keywords: dict[str, Any], head: Span) -> dict[str, Located]:
    selection = keywords.get("route_selection_expression")
    return {"ProtocolType": Located("WEBSOCKET", head, "default"),
            "RouteSelectionExpression": keyword_value(selection, head) if selection is not None
            else Located("$request.body.action", head, "default")}


def api_routes(api: Any, keywords: dict[str, Any], make: Make) -> None:
    """The `$connect`/`$disconnect`/`$default` routes a `WebSocketApi(...)` call adds."""
    for name, route_key in _ROUTE_OPTIONS.items():
        options = keywords.get(name)
        if options is not None and isinstance(options[0], Construct) \
                and options[0].kind == "cdk:websocket-route-options":
            add_route(api, route_key, options[0].attributes["integration"], make)


def add_route(api: Any, route_key: Any, integration: Any, make: Make) -> None:
    """One route of a WebSocket API the model holds, to a Lambda integration; `route_key` as
    written (a value) or the key a route option names."""
    if not (isinstance(api, Construct) and api.kind == API_TYPE and api.resource is not None
            and isinstance(integration, Construct) and integration.kind == "cdk:websocket-integration"):
        return
    function = invoked(integration.attributes["function"])
    if not (isinstance(function, Construct) and function.logical_id):
        return
    span = integration.attributes["span"]
    call, frame = integration.attributes["call"], integration.attributes["frame"]
    reference = Located({"Ref": Located(api.logical_id, span)}, span)
    name = integration.attributes["name"] or f"{function.logical_id}Integration"
    made = make("AWS::ApiGatewayV2::Integration", {
        "ApiId": reference, "IntegrationType": Located("AWS_PROXY", span),
        "IntegrationUri": Located({"Fn::GetAtt": Located([Located(function.logical_id, span), Located("Arn", span)],
                                                         span)}, span)}, call, frame, f"{api.logical_id}{name}")
    key = Located(route_key, span, "default") if isinstance(route_key, str) else \
        route_key if isinstance(route_key, Located) else Located("?", span, "unresolved")
    target = Located({"Fn::Join": Located([Located("", span), Located([
        Located("integrations/", span), Located({"Ref": Located(made.logical_id, span)}, span)], span)], span)}, span) \
        if made else Located("?", span, "unresolved")
    route_name = key.value.strip("$") if key.is_literal and isinstance(key.value, str) else "Route"
    make("AWS::ApiGatewayV2::Route", {"ApiId": reference, "RouteKey": key, "Target": target}, call, frame,
         f"{api.logical_id}{route_name}Route")
