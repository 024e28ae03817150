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

from lambdalint.rulekit import Context, Finding, Function, Located, Rule, bad, good, name_list


def check(ctx: Context) -> Iterator[Finding]:
    # Each loader lists the function URLs without auth and the permissions open to anyone it
    # found, with where each is said and a hint in its dialect's words.
    shared: dict[object, tuple[Located, str, list[Function]]] = {}
    for template in ctx.project.templates:
        own_urls = False
        for url in template.public_urls:
            if url.resource is None:
                # a function's own URL config; a `Globals.Function` one is one line for every function
                entry = shared.setdefault(url.auth.span, (url.auth, url.hint, []))
                entry[2].append(url.function)  # type: ignore[arg-type]
                continue
            own_urls = True
            of = f" of `{url.function.name}`" if url.function is not None else ""
            yield ctx.finding(url.auth.span, f"function URL `{url.resource}`{of} allows unauthenticated calls",
                              url.hint, function=url.function.name if url.function is not None else None,
                              resource=url.resource if url.function is None else None)
        for grant in template.public_grants:
            if grant.for_public_url and own_urls:
                continue  # the permission a public URL needs is reported at the URL itself
            yield ctx.finding(grant.principal.span, f"`{grant.name}` lets any principal invoke the function",
                              grant.hint, resource=grant.name)
    for auth, hint, functions in shared.values():
        yield ctx.finding(auth.span, f"the function URL of {name_list(functions)} allows unauthenticated calls",
                          hint, function=functions[0].name)


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
