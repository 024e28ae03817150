"""
## What it does
Reports a function anyone on the internet can invoke: an `AWS::Lambda::Permission` with
`Principal: "*"` and none of `SourceArn`, `SourceAccount` or `PrincipalOrgID` to narrow it, and a
function URL with `AuthType: NONE` (an `AWS::Lambda::Url`, SAM `FunctionUrlConfig`, or the
Serverless Framework's `url: true` without `authorizer: aws_iam`).

## Why is this bad?
A public function runs, and bills, for every caller. Without an authorizer in front of it, input
validation and authentication are entirely up to the handler, and the function's role acts for
whoever calls it.

## Example
```yaml
FunctionUrlConfig:
  AuthType: NONE
```

## How to fix
Use `AuthType: AWS_IAM` (Serverless: `url: {authorizer: aws_iam}`) and sign requests, or put the
function behind API Gateway with an authorizer. For a permission, name the calling service's
resource with `SourceArn` (and `SourceAccount`) or restrict it to your organisation with
`PrincipalOrgID`. If the function is meant to be public (a webhook that checks a signature),
suppress the finding with a comment saying so.

## References
- https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html
- https://docs.aws.amazon.com/lambda/latest/dg/access-control-resource-based.html
- https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-lambda-permission.html
"""

from __future__ import annotations

from typing import Iterator

from lambdalint.rulekit import (Context, Finding, Located, Rule, Template, bad, good, name_list, per_value,
                                template_triggers)

_NARROWING = ("SourceArn", "SourceAccount", "PrincipalOrgID")


def _is_none(node: Located | None) -> bool:
    return node is not None and isinstance(node.value, str) and node.is_literal \
        and node.value.upper() == "NONE"


def _permissions(ctx: Context, template: Template) -> Iterator[Finding]:
    resources = template.resources
    public_urls = any(_type(r) == "AWS::Lambda::Url" and _is_none(r.get("Properties", "AuthType"))
                      for r in resources.values())
    for logical_id, resource in resources.items():
        props = resource.get("Properties")
        if props is None:
            continue
        kind = _type(resource)
        if kind == "AWS::Lambda::Url":
            auth = props.get("AuthType")
            if _is_none(auth):
                yield ctx.finding(auth.span, f"function URL `{logical_id}` allows unauthenticated calls",
                                  "Set `AuthType: AWS_IAM` and sign requests, or front the function "
                                  "with an API that authenticates callers.", resource=logical_id)
        elif kind == "AWS::Lambda::Permission":
            principal = props.get("Principal")
            if principal is None or principal.str_value() != "*":
                continue
            if any(props.get(key) is not None for key in _NARROWING):
                continue
            # The permission a public URL needs is reported at the URL itself.
            if _is_none(props.get("FunctionUrlAuthType")) and public_urls:
                continue
            yield ctx.finding(principal.span, f"`{logical_id}` lets any principal invoke the function",
                              "Add `SourceArn` (and `SourceAccount`) naming the caller, or "
                              "`PrincipalOrgID`, or name the calling service as `Principal`.",
                              resource=logical_id)


def _type(resource: Located) -> str | None:
    kind = resource.get("Type")
    return kind.value if kind is not None and isinstance(kind.value, str) else None


def _loaded_grants(ctx: Context, template: Template, public_urls: bool) -> Iterator[Finding]:
    """Open permissions a loader found (Terraform `aws_lambda_permission`)."""
    for grant in template.public_grants:
        if grant.for_public_url and public_urls:
            continue  # reported at the URL itself
        yield ctx.finding(grant.principal.span, f"`{grant.name}` lets any principal invoke the function",
                          grant.hint, resource=grant.name)


def _loaded_urls(ctx: Context, template: Template) -> Iterator[Finding]:
    """Function URLs a loader collected as triggers itself (Terraform `aws_lambda_function_url`)."""
    for trigger in template_triggers(template):
        auth = trigger.settings.get("AuthType")
        if trigger.kind == "function-url" and _is_none(auth) and trigger.function is not None:
            yield ctx.finding(auth.span, f"function URL `{trigger.name}` of `{trigger.function.name}` allows "
                              "unauthenticated calls",
                              f"Set `{trigger.function.shown_name('FunctionUrlAuthType')}` to `AWS_IAM` and sign "
                              "requests, or front the function with an API that authenticates callers.",
                              function=trigger.function.name)


def check(ctx: Context) -> Iterator[Finding]:
    for template in ctx.project.templates:
        yield from _permissions(ctx, template)
        urls = list(_loaded_urls(ctx, template)) if template.module is not None else []
        yield from urls
        yield from _loaded_grants(ctx, template, bool(urls))
    sam_urls = [(f, auth) for f in ctx.project.functions if f.kind == "AWS::Serverless::Function"
                and _is_none(auth := f.properties.get("FunctionUrlConfig", "AuthType"))]
    # A `Globals.Function` URL config is one line for every function: report it there once.
    for auth, functions in per_value(sam_urls):
        yield ctx.finding(auth.span, f"the function URL of {name_list(functions)} allows unauthenticated calls",
                          "Set `AuthType: AWS_IAM` and sign requests, or front the function "
                          "with an API that authenticates callers.", function=functions[0].name)
    for function in ctx.project.functions:
        if function.kind == "serverless":
            url = function.properties.get("url")
            if url is None or url.value in (False, None):
                continue
            authorizer = url.get("authorizer") if isinstance(url.value, dict) else None
            if authorizer is not None and str(authorizer.value).lower() == "aws_iam":
                continue
            if url.value is True or isinstance(url.value, dict):
                span = url.key_span or url.span
                yield ctx.finding(span, f"the function URL of `{function.name}` allows unauthenticated calls",
                                  "Use `url: {authorizer: aws_iam}` and sign requests, or put the "
                                  "function behind an API with an authorizer.", function=function.name)


RULE = Rule(
    code="LL304",
    slug="public-function-access",
    severity="error",
    overview='a permission for `Principal: "*"` without a source condition, or a function URL without auth',
    reports_in=frozenset({"template"}),
    summary="Anyone can invoke the function (public permission or function URL without auth)",
    check=check,
    docs=__doc__ or "",
    tags=("security",),
    examples=(
        bad("""\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  WebhookFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: app.handler
      Runtime: python3.12
      FunctionUrlConfig:
        AuthType: NONE  # [public-function-access]
""", title="SAM FunctionUrlConfig"),
        bad("""\
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Handler: app.handler
      Runtime: python3.12
      Role: arn:aws:iam::123456789012:role/fn
      Code: {S3Bucket: artifacts, S3Key: fn.zip}
  FnUrl:
    Type: AWS::Lambda::Url
    Properties:
      TargetFunctionArn: !GetAtt Fn.Arn
      AuthType: NONE  # [public-function-access]
  FnUrlPermission:
    Type: AWS::Lambda::Permission
    Properties:
      FunctionName: !Ref Fn
      Action: lambda:InvokeFunctionUrl
      Principal: "*"
      FunctionUrlAuthType: NONE
""", title="AWS::Lambda::Url and its permission (reported once)"),
        bad("""\
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Handler: app.handler
      Runtime: python3.12
      Role: arn:aws:iam::123456789012:role/fn
      Code: {S3Bucket: artifacts, S3Key: fn.zip}
  InvokeAnyone:
    Type: AWS::Lambda::Permission
    Properties:
      FunctionName: !GetAtt Fn.Arn
      Action: lambda:InvokeFunction
      Principal: "*"  # [public-function-access]
""", title="Permission with Principal *"),
        bad("""\
service: webhooks
provider:
  name: aws
  runtime: python3.12
functions:
  github:
    handler: hooks.github
    url: true  # [public-function-access]
""", name="serverless.yml", title="Serverless url: true"),
        bad("""\
service: webhooks
provider:
  name: aws
  runtime: python3.12
functions:
  stripe:
    handler: hooks.stripe
    url:  # [public-function-access]
      cors: true
""", name="serverless.yml", title="Serverless url with cors only"),
        bad("""\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Globals:
  Function:
    FunctionUrlConfig:
      AuthType: NONE  # [public-function-access]
Resources:
  Api:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: app.handler
      Runtime: python3.12
  Admin:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: admin.handler
      Runtime: python3.12
""", title="public URL inherited from Globals, reported once"),
        bad("""\
service: sharing
provider:
  name: aws
  runtime: python3.12
functions:
  share:
    handler: share.handler
resources:
  Resources:
    PublicInvoke:
      Type: AWS::Lambda::Permission
      Properties:
        FunctionName: {"Fn::GetAtt": [ShareLambdaFunction, Arn]}
        Action: lambda:InvokeFunction
        Principal: "*"  # [public-function-access]
""", name="serverless.yml", title="Serverless resources section"),
        good("""\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  InternalFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: app.handler
      Runtime: python3.12
      FunctionUrlConfig:
        AuthType: AWS_IAM
""", title="IAM-authenticated URL"),
        good("""\
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Handler: app.handler
      Runtime: python3.12
      Role: arn:aws:iam::123456789012:role/fn
      Code: {S3Bucket: artifacts, S3Key: fn.zip}
  BucketInvoke:
    Type: AWS::Lambda::Permission
    Properties:
      FunctionName: !Ref Fn
      Action: lambda:InvokeFunction
      Principal: s3.amazonaws.com
      SourceArn: arn:aws:s3:::uploads
      SourceAccount: !Ref AWS::AccountId
""", title="service principal with SourceArn"),
        good("""\
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Handler: app.handler
      Runtime: python3.12
      Role: arn:aws:iam::123456789012:role/fn
      Code: {S3Bucket: artifacts, S3Key: fn.zip}
  OrgInvoke:
    Type: AWS::Lambda::Permission
    Properties:
      FunctionName: !Ref Fn
      Action: lambda:InvokeFunction
      Principal: "*"
      PrincipalOrgID: o-a1b2c3d4e5
""", title="any principal in the organisation"),
        good("""\
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Handler: app.handler
      Runtime: python3.12
      Role: arn:aws:iam::123456789012:role/fn
      Code: {S3Bucket: artifacts, S3Key: fn.zip}
  ApiInvoke:
    Type: AWS::Lambda::Permission
    Properties:
      FunctionName: !Ref Fn
      Action: lambda:InvokeFunction
      Principal: apigateway.amazonaws.com
      SourceArn: !Sub arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${Api}/*
""", title="API Gateway permission"),
        good("""\
service: internal
provider:
  name: aws
  runtime: python3.12
functions:
  report:
    handler: report.handler
    url:
      authorizer: aws_iam
""", name="serverless.yml", title="Serverless url with aws_iam"),
        good("""\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  Api:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: app.handler
      Runtime: python3.12
      Events:
        Get:
          Type: Api
          Properties: {Path: /items, Method: get}
""", title="API Gateway event, no URL"),
    ),
)
