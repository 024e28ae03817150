"""API Gateway WebSocket APIs in CDK apps: each Lambda integration of a route is a `websocket`
trigger, so LL203 compares the function's timeout with the API's 29 s."""

from __future__ import annotations

from lambdalint.triggers import template_triggers

from conftest import FIXTURES, codes_at, run_lint

APP = FIXTURES / "projects" / "cdk-python-websocket"
STACK = "chat/chat_stack.py"


def loaded():  # type: ignore[no-untyped-def]
    result = run_lint(APP, select=("LL203",))
    assert result.project is not None
    [template] = result.project.templates
    return result, template


def test_each_routes_integration_is_a_websocket_trigger_at_the_integration() -> None:
    _, template = loaded()
    found = [(t.kind, t.function.name if t.function else None, t.source, t.span.line)
             for t in template_triggers(template)]
    assert sorted(found) == [
        ("websocket", "ConnectFunction", "ChatApi", 35),   # connect_route_options
        ("websocket", "ConnectFunction", "ChatApi", 37),   # default_route_options
        ("websocket", "MessageFunction", "ChatApi", 39),   # add_route
        ("websocket", "NotifyFunction", "NotifyApi", 53),  # WebSocketRoute, alpha packages
    ]  # WorkerFunction's route is on an imported API: left out


def test_apis_and_routes_are_what_cdk_synthesizes() -> None:
    _, template = loaded()
    apis = {i: r.get("Properties") for i, r in template.resources.items()
            if r.get("Type").value == "AWS::ApiGatewayV2::Api"}  # type: ignore[union-attr]
    assert sorted(apis) == ["ChatApi", "NotifyApi"]
    chat = apis["ChatApi"]
    assert chat.get("ProtocolType").value == "WEBSOCKET"  # type: ignore[union-attr]
    selection = chat.get("RouteSelectionExpression")  # type: ignore[union-attr]
    assert (selection.value, selection.origin, selection.span.line) == ("$request.body.action", "explicit", 33)
    default = apis["NotifyApi"].get("RouteSelectionExpression")  # type: ignore[union-attr]
    assert (default.value, default.origin) == ("$request.body.action", "default")
    routes = sorted((r.get("Properties", "ApiId", "Ref").value, r.get("Properties", "RouteKey").value)  # type: ignore[union-attr]
                    for r in template.resources.values() if r.get("Type").value == "AWS::ApiGatewayV2::Route")  # type: ignore[union-attr]
    assert routes == [("ChatApi", "$connect"), ("ChatApi", "$default"), ("ChatApi", "sendmessage"),
                      ("NotifyApi", "notify")]


def test_a_timeout_over_29_seconds_is_reported_and_a_route_on_an_imported_api_is_not() -> None:
    result, _ = loaded()
    assert codes_at(result) == [("LL203", STACK, 27), ("LL203", STACK, 47)]
