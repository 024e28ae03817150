"""
## What it does
Reports an API Gateway route that invokes the function without any authorization: a REST method
with `AuthorizationType: NONE` and no API key, a SAM `Api` or `HttpApi` event with neither a route
authorizer nor a default authorizer (or API key requirement) on its API, an
`AWS::ApiGatewayV2::Route` to the function's integration with `AuthorizationType` missing or
`NONE`, a Serverless `http` event without `authorizer` or `private: true`, an `httpApi` event
without `authorizer`. A warning for
`POST`, `PUT`, `PATCH`, `DELETE` and `ANY`, info for `GET` and `HEAD`; `OPTIONS` (CORS preflight)
never.

Silent whenever the template leaves the answer open: an API defined by an OpenAPI document
(`DefinitionBody`, `DefinitionUri`, `Body`: its `security` may authorize every route), an API
with a resource policy or a private endpoint, an API defined outside the template, an authorizer
or method given by a parameter or condition. Triggers it cannot read yet (OpenAPI integrations,
quick-create HTTP APIs) leave a note (`check -v`).

## Why is this bad?
A route without authorization is callable by anyone on the internet who finds the URL: writes,
deletes and paid downstream calls included. Authorization is easy to forget on one route when the
rest of the API has it (a SAM route that sets `Authorizer: NONE`, a new Serverless event copied
without its `authorizer`).

## Example
```yaml
Events:
  CreateOrder:
    Type: Api
    Properties:
      Path: /orders
      Method: post
```

## How to fix
Add an authorizer (Cognito, Lambda or IAM) to the route, or a default authorizer to the API
(`Auth.DefaultAuthorizer`); require an API key (`ApiKeyRequired: true`, Serverless
`private: true`) for machine clients. A route that must be public (a webhook that checks its own
signature) can say so with a suppression comment.

## References
- https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-control-access-to-api.html
- https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/serverless-controlling-access-to-apis.html
- https://www.serverless.com/framework/docs/providers/aws/events/apigateway#http-endpoints-with-custom-authorizers
"""

from __future__ import annotations

from typing import Iterator, NamedTuple

from lambdalint.rulekit import Context, Finding, Located, Rule, Span, Trigger, bad, good, function_triggers

_WRITES = {"POST", "PUT", "PATCH", "DELETE", "ANY", "*"}
_READS = {"GET", "HEAD"}
_SAM_APIS = {"api": "AWS::Serverless::Api", "http-api": "AWS::Serverless::HttpApi"}
_GLOBALS = {"api": "Api", "http-api": "HttpApi"}


class Route(NamedTuple):
    method: str
    path: str
    span: Span


def check(ctx: Context) -> Iterator[Finding]:
    for function in ctx.project.functions:
        for trigger in function_triggers(function):
            if trigger.kind not in ("api", "http-api"):
                continue
            if trigger.declared_by == "sam-event":
                routes = [_sam_route(trigger)]
            elif trigger.declared_by == "serverless-event":
                routes = [_serverless_route(trigger)]
            elif trigger.declared_by == "AWS::ApiGateway::Method":
                routes = [_rest_method(trigger)]
            elif trigger.declared_by == "AWS::ApiGatewayV2::Integration":
                routes = _v2_routes(trigger)
            else:
                routes = None
            if routes is None:
                # OpenAPI integrations, quick-create HTTP APIs: not judged yet, and said so
                ctx.note(f"{function.label}: the authorization of API trigger `{trigger.name}` "
                         f"({trigger.declared_by or trigger.kind}) was not checked")
                continue
            yield from _findings(ctx, function, trigger, [r for r in routes if r is not None])


def _findings(ctx: Context, function: object, trigger: Trigger, routes: list[Route]) -> Iterator[Finding]:
    for route in routes:
        method = route.method.upper()
        if method in _WRITES:
            severity = "warning"
        elif method in _READS:
            severity = "info"
        else:
            continue
        shown = "ANY" if method == "*" else method
        label = f"`{shown}` method `{route.path}`" if trigger.declared_by == "AWS::ApiGateway::Method" \
            else f"`{shown} {route.path}`"
        name = function.name  # type: ignore[attr-defined]
        yield ctx.finding(route.span, f"{label} invokes `{name}` without any authorization: anyone can call it",
                          "Add an authorizer to the route or a default authorizer to its API, or require "
                          "an API key; suppress the finding for a route that must stay public.",
                          function=name, severity=severity)  # type: ignore[arg-type]


def _text(node: Located | None) -> str | None:
    return node.str_value() if node is not None else None


def _sam_route(trigger: Trigger) -> Route | None:
    method, path = _text(trigger.settings.get("Method")), _text(trigger.settings.get("Path"))
    if trigger.kind == "http-api" and method is None and path is None:
        method, path = "ANY", "/{proxy+}"  # an HttpApi event without path and method catches all
    if method is None or path is None:
        return None
    auth = trigger.settings.get("Auth")
    if auth is not None and not isinstance(auth.value, dict):
        return None
    authorizer = auth.get("Authorizer") if auth is not None else None
    if authorizer is not None:
        if _text(authorizer) != "NONE":
            return None  # a named authorizer, AWS_IAM, or one from a parameter
        key = auth.get("ApiKeyRequired") if auth is not None else None
        if key is not None and key.value is not False:
            return None
        return Route(method, path, authorizer.span)
    key = auth.get("ApiKeyRequired") if auth is not None else None
    if key is not None and key.value is not False:
        return None
    if not _api_is_open(trigger):
        return None
    return Route(method, path, trigger.span)


def _api_is_open(trigger: Trigger) -> bool:
    """The SAM API a route belongs to sets no default authorizer, API key, resource policy or
    private endpoint, and has no OpenAPI document that may (Globals included)."""
    template = trigger.function.template  # type: ignore[union-attr]
    layers: list[Located] = []
    globals_api = template.root.get("Globals", _GLOBALS[trigger.kind])
    if globals_api is not None:
        layers.append(globals_api)
    reference = trigger.source_ref
    if reference is not None:
        api = template.resources.get(trigger.source) if trigger.source else None
        kind = api.get("Type") if api is not None else None
        if api is None or kind is None or kind.value != _SAM_APIS[trigger.kind]:
            return False  # an API defined elsewhere, or not a SAM API: its settings are unknown
        layers.append(api.get("Properties") or Located({}, api.span))
    for props in layers:
        if not isinstance(props.value, dict):
            return False
        if any(props.get(key) is not None for key in ("DefinitionBody", "DefinitionUri")):
            return False
        if _private(props):
            return False
        auth = props.get("Auth")
        if auth is None:
            continue
        if not isinstance(auth.value, dict):
            return False
        default = auth.get("DefaultAuthorizer")
        if default is not None and _text(default) != "NONE":
            return False
        for key in ("ApiKeyRequired", "ResourcePolicy", "UsagePlan"):
            value = auth.get(key)
            if value is not None and value.value is not False:
                return False
    return True


def _v2_routes(trigger: Trigger) -> list[Route | None] | None:
    """The `AWS::ApiGatewayV2::Route`s whose `Target` is this integration (`integrations/${I}`);
    None when no route of the template names it (a route elsewhere, or the API's default)."""
    from lambdalint.rulekit import referenced_ids

    template = trigger.function.template  # type: ignore[union-attr]
    routes: list[Route | None] = []
    for logical_id, resource in template.resources.items():
        kind = resource.get("Type")
        props = resource.get("Properties")
        if kind is None or kind.value != "AWS::ApiGatewayV2::Route" or props is None:
            continue
        if trigger.name not in referenced_ids(props.get("Target")):
            continue
        authorization = props.get("AuthorizationType")
        key = _text(props.get("RouteKey"))
        if (authorization is not None and _text(authorization) != "NONE") or key is None:
            routes.append(None)
            continue
        method, _, path = key.strip().partition(" ")
        if key.strip() == "$default":
            method, path = "ANY", "$default"
        where = authorization.span if authorization is not None else resource.key_span or resource.span
        routes.append(Route(method, path, where))
    return routes or None


def _private(props: Located) -> bool:
    """A private endpoint (reachable only from a VPC), or one given by a parameter."""
    endpoint = props.get("EndpointConfiguration")
    return endpoint is not None and (endpoint.intrinsic is not None or "PRIVATE" in repr(endpoint.plain()).upper())


def _serverless_route(trigger: Trigger) -> Route | None:
    settings = trigger.settings
    if settings.get("authorizer") is not None:
        return None
    private = settings.get("private")
    if private is not None and private.value is not False:
        return None
    provider = trigger.function.template.root.get("provider")  # type: ignore[union-attr]
    if provider is not None and provider.get("apiGateway", "resourcePolicy") is not None:
        return None
    if trigger.kind == "api" and provider is not None and provider.get("apiGateway", "restApiId") is not None:
        return None  # an API made elsewhere may carry its own policy
    method, path = _text(settings.get("method")), _text(settings.get("path"))
    if method is None and path is not None and " " in path.strip():
        method, path = path.strip().split(None, 1)  # `http: POST orders`, `httpApi: 'POST /orders'`
    if method is None and trigger.kind == "http-api" and path is not None and path.strip() == "*":
        method = "ANY"
    if method is None or path is None:
        return None
    return Route(method, path, trigger.span)


def _rest_method(trigger: Trigger) -> Route | None:
    template = trigger.function.template  # type: ignore[union-attr]
    resource = template.resources.get(trigger.name)
    props = resource.get("Properties") if resource is not None else None
    if props is None:
        return None
    kind = props.get("AuthorizationType")
    if kind is not None and _text(kind) != "NONE":
        return None
    key = props.get("ApiKeyRequired")
    if key is not None and key.value is not False:
        return None
    api = template.resources.get(trigger.source) if trigger.source else None
    api_props = api.get("Properties") if api is not None else None
    if api_props is None or not isinstance(api_props.value, dict) or api_props.get("Policy") is not None \
            or _private(api_props):
        return None  # an API defined elsewhere, or one with a resource policy or a private endpoint
    method = _text(props.get("HttpMethod"))
    if method is None:
        return None
    return Route(method, trigger.name, (kind.span if kind is not None else resource.key_span or resource.span))  # type: ignore[union-attr]


RULE = Rule(
    code="LL216",
    slug="unauthenticated-api-route",
    severity="warning",
    severities=("info",),
    reports_in=frozenset({"template"}),
    summary="An API route invokes the function without any authorization",
    overview="an API Gateway route to the function has no authorizer and no API key: warning for "
             "`POST`/`PUT`/`PATCH`/`DELETE`/`ANY`, info for `GET`/`HEAD`",
    check=check,
    docs=__doc__ or "",
    preview=True,
    tags=("security",),
    examples=(
        bad("""\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  OrdersFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: app.handler
      Runtime: python3.12
      Events:
        CreateOrder:  # [unauthenticated-api-route]
          Type: Api
          Properties:
            Path: /orders
            Method: post
""", title="SAM implicit API, no Auth",
            message="`POST /orders` invokes `OrdersFunction` without any authorization: anyone can call it"),
        bad("""\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  OrdersApi:
    Type: AWS::Serverless::Api
    Properties:
      StageName: prod
      Auth:
        DefaultAuthorizer: CognitoAuth
        Authorizers:
          CognitoAuth:
            UserPoolArn: !GetAtt UserPool.Arn
  OrdersFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: app.handler
      Runtime: python3.12
      Events:
        ListOrders:
          Type: Api
          Properties:
            RestApiId: !Ref OrdersApi
            Path: /orders
            Method: get
        DeleteOrder:
          Type: Api
          Properties:
            RestApiId: !Ref OrdersApi
            Path: /orders/{id}
            Method: delete
            Auth:
              Authorizer: NONE  # [unauthenticated-api-route]
""", title="one route opts out of the default authorizer"),
        bad("""\
service: orders
provider:
  name: aws
  runtime: python3.12
functions:
  create:
    handler: handler.create
    events:
      - http:  # [unauthenticated-api-route]
          path: orders
          method: post
      - http:
          path: orders
          method: get
          authorizer: aws_iam
      - httpApi: 'PUT /orders/{id}'  # [unauthenticated-api-route]
""", name="serverless.yml", title="Serverless http and httpApi events"),
        bad("""\
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Api:
    Type: AWS::ApiGateway::RestApi
    Properties:
      Name: orders
  OrdersMethod:
    Type: AWS::ApiGateway::Method
    Properties:
      RestApiId: !Ref Api
      ResourceId: !GetAtt Api.RootResourceId
      HttpMethod: POST
      AuthorizationType: NONE  # [unauthenticated-api-route]
      Integration:
        Type: AWS_PROXY
        IntegrationHttpMethod: POST
        Uri: !Sub arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${OrdersFunction.Arn}/invocations
  OrdersFunction:
    Type: AWS::Lambda::Function
    Properties:
      Handler: app.handler
      Runtime: python3.12
      Role: !GetAtt OrdersRole.Arn
      Code: {S3Bucket: artifacts, S3Key: orders.zip}
""", title="CloudFormation method without authorization"),
        bad("""\
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  HttpApi:
    Type: AWS::ApiGatewayV2::Api
    Properties:
      Name: orders
      ProtocolType: HTTP
  OrdersIntegration:
    Type: AWS::ApiGatewayV2::Integration
    Properties:
      ApiId: !Ref HttpApi
      IntegrationType: AWS_PROXY
      IntegrationUri: !GetAtt OrdersFunction.Arn
      PayloadFormatVersion: "2.0"
  CreateRoute:  # [unauthenticated-api-route]
    Type: AWS::ApiGatewayV2::Route
    Properties:
      ApiId: !Ref HttpApi
      RouteKey: POST /orders
      Target: !Sub integrations/${OrdersIntegration}
  ListRoute:
    Type: AWS::ApiGatewayV2::Route
    Properties:
      ApiId: !Ref HttpApi
      RouteKey: GET /orders
      AuthorizationType: JWT
      AuthorizerId: !Ref JwtAuthorizer
      Target: !Sub integrations/${OrdersIntegration}
  OrdersFunction:
    Type: AWS::Lambda::Function
    Properties:
      Handler: app.handler
      Runtime: python3.12
      Role: !GetAtt OrdersRole.Arn
      Code: {S3Bucket: artifacts, S3Key: orders.zip}
""", title="HTTP API v2 routes: one without an authorizer"),
        good("""\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Globals:
  Api:
    Auth:
      DefaultAuthorizer: AWS_IAM
Resources:
  OrdersFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: app.handler
      Runtime: python3.12
      Events:
        CreateOrder:
          Type: Api
          Properties:
            Path: /orders
            Method: post
        Preflight:
          Type: Api
          Properties:
            Path: /orders
            Method: options
            Auth:
              Authorizer: NONE
""", title="default authorizer from Globals; CORS preflight"),
        good("""\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  OrdersApi:
    Type: AWS::Serverless::Api
    Properties:
      StageName: prod
      DefinitionBody:
        Fn::Transform:
          Name: AWS::Include
          Parameters:
            Location: openapi.yaml
  OrdersFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: app.handler
      Runtime: python3.12
      Events:
        CreateOrder:
          Type: Api
          Properties:
            RestApiId: !Ref OrdersApi
            Path: /orders
            Method: post
""", title="authorization in an included OpenAPI document"),
        good("""\
service: orders
provider:
  name: aws
  runtime: python3.12
  apiGateway:
    apiKeys:
      - partner
functions:
  create:
    handler: handler.create
    events:
      - http:
          path: orders
          method: post
          private: true
      - httpApi:
          method: POST
          path: /v2/orders
          authorizer:
            name: jwtAuthorizer
""", name="serverless.yml", title="API key and JWT authorizer"),
    ),
)
