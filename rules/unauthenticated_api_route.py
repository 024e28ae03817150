"""
## What it does
Reports an API Gateway route that invokes the function without any authorization: a REST method
with `AuthorizationType: NONE` and no API key, a SAM `Api` or `HttpApi` event with neither a route
authorizer nor a default authorizer (or API key requirement) on its API, an
`AWS::ApiGatewayV2::Route` (Terraform: `aws_apigatewayv2_route`) to the function's integration
with `AuthorizationType` (`authorization_type`) missing or `NONE`, a Serverless `http` event without `authorizer` or `private: true`, an `httpApi` event
without `authorizer`, and an operation of the API's OpenAPI document (`DefinitionBody`, `Body`,
an included or `DefinitionUri` file) that integrates the function with no `security` of its own
or of the document (`security: []` on the operation waives the document's), no
`x-amazon-apigateway-auth` and no `x-amazon-apigateway-policy`, on an API whose own settings
(SAM `Auth`, a resource policy, a private endpoint) close nothing. A warning for
`POST`, `PUT`, `PATCH`, `DELETE` and `ANY`, info for `GET` and `HEAD`; `OPTIONS` (CORS preflight)
never.

Silent whenever the template leaves the answer open: an API with a resource policy or a private
endpoint, an API defined outside the template or by a document on S3, an authorizer or method
given by a parameter or condition. Triggers it cannot read yet (a SAM route that would be open but
for its API's OpenAPI document, a REST method whose
`AuthorizationType` is a parameter or a CDK method whose API defaults are not read, quick-create
HTTP APIs) leave a note (`check -v`). Terraform's REST methods
(`aws_api_gateway_method`) are read like CloudFormation's.

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

from typing import Iterator

from lambdalint.rulekit import Context, Finding, Rule, Template, bad, good

_WRITES = {"POST", "PUT", "PATCH", "DELETE", "ANY"}
_READS = {"GET", "HEAD"}


def check(ctx: Context) -> Iterator[Finding]:
    from lambdalint.rulekit import template_triggers

    # template by template, so that a run checked in two halves notes them in the same order
    for template in ctx.project.templates:
        for trigger in template_triggers(template):
            given = trigger.extra.get("parameter") if trigger.function is None else None
            if given is not None:
                method, path = trigger.extra.get("method"), trigger.extra.get("path")
                route = f"`{method.value} {path.value}` of `{trigger.name}`" if method and path else f"`{trigger.name}`"
                ctx.note(f"{template.display}:{trigger.span.line}: {route} invokes the function the parameter "
                         f"`{given.value}` names (a nested stack's input?): the route was not checked")
        yield from _template_routes(ctx, template)


def _template_routes(ctx: Context, template: Template) -> Iterator[Finding]:
    from lambdalint.rulekit import open_routes

    for function in template.functions:
        for trigger, routes in open_routes(function):
            if routes is None:
                # a SAM route open but for its API's OpenAPI document, quick-create HTTP APIs: not judged, said so
                ctx.note(f"{function.label}: the authorization of API trigger `{trigger.name}` "
                         f"({trigger.declared_by or trigger.kind}) was not checked")
                continue
            for route in routes:
                if route.method in _WRITES:
                    severity = "warning"
                elif route.method in _READS:
                    severity = "info"
                else:
                    continue  # OPTIONS: the CORS preflight
                yield ctx.finding(route.span, f"{route.label} invokes `{function.name}` without any authorization: "
                                  "anyone can call it", route.hint or _HINTS.get(trigger.kind, _HINTS["api"]),
                                  function=function.name, severity=severity)  # type: ignore[arg-type]


# HTTP APIs have no API keys (a usage plan is a REST API's): their hint does not offer one
_HINTS = {
    "api": "Add an authorizer to the route or a default authorizer to its API, or require an API key; suppress the "
           "finding for a route that must stay public.",
    "http-api": "Add an authorizer to the route or a default authorizer to its API (HTTP APIs have no API keys); "
                "suppress the finding for a route that must stay public.",
}


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
        bad("""\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  PetsApi:
    Type: AWS::Serverless::Api
    Properties:
      StageName: prod
      DefinitionBody:
        swagger: "2.0"
        securityDefinitions:
          api_key: {type: apiKey, name: x-api-key, in: header}
        paths:
          /pets:
            get:  # [unauthenticated-api-route]
              x-amazon-apigateway-integration:
                type: aws_proxy
                httpMethod: POST
                uri: !Sub arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${FindPetsFunction.Arn}/invocations
            post:
              security:
                - api_key: []
              x-amazon-apigateway-integration:
                type: aws_proxy
                httpMethod: POST
                uri: !Sub arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${FindPetsFunction.Arn}/invocations
  FindPetsFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: app.handler
      Runtime: python3.12
""", title="an OpenAPI operation without security (purini-to/sam-python-swagger-example); one with an API key"),
        good("""\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  PetsApi:
    Type: AWS::Serverless::Api
    Properties:
      StageName: prod
      DefinitionBody:
        openapi: "3.0.1"
        components:
          securitySchemes:
            cognito:
              type: apiKey
              name: Authorization
              in: header
              x-amazon-apigateway-authtype: cognito_user_pools
        security:
          - cognito: []
        paths:
          /pets:
            get:
              x-amazon-apigateway-integration:
                type: aws_proxy
                httpMethod: POST
                uri: !Sub arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${FindPetsFunction.Arn}/invocations
          /pets/{id}:
            get:
              x-amazon-apigateway-auth: {type: AWS_IAM}
              x-amazon-apigateway-integration:
                type: aws_proxy
                httpMethod: POST
                uri: !Sub arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${FindPetsFunction.Arn}/invocations
  FindPetsFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: app.handler
      Runtime: python3.12
""", title="OpenAPI: a document-wide authorizer; IAM auth on an operation"),
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
        good("""\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  InternalApi:
    Type: AWS::Serverless::Api
    Properties:
      StageName: prod
      EndpointConfiguration:
        Type: PRIVATE
      Auth:
        DefaultAuthorizer: CognitoAuth
        Authorizers:
          CognitoAuth:
            UserPoolArn: !GetAtt UserPool.Arn
  HealthFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: app.health
      Runtime: python3.12
      Events:
        Health:
          Type: Api
          Properties:
            RestApiId: !Ref InternalApi
            Path: /health
            Method: get
            Auth:
              Authorizer: NONE
""", title="a route opting out of the default authorizer of a private API"),
        good("""\
service: internal-orders
provider:
  name: aws
  runtime: python3.12
  endpointType: PRIVATE
  vpcEndpointIds:
    - vpce-0123456789abcdef0
functions:
  create:
    handler: handler.create
    events:
      - http:
          path: orders
          method: post
""", name="serverless.yml", title="Serverless private REST API"),
    ),
)
