"""
## What it does
Reports a function with `PackageType: Image` that also has a `Handler`, `Runtime` or `Layers`,
set on the function or inherited from SAM `Globals.Function`; Terraform `package_type = "Image"`
with `handler`, `runtime` or `layers`; a Serverless `image:` function with `handler` (the
framework refuses both) or `layers` (its own or `provider.layers`, which the framework passes on);
a CDK `DockerImageFunction` with `layers`. The Serverless `provider.runtime` and the lambda
module's `handler` and `runtime` are dropped for an image by the tool, and not reported.

## Why is this bad?
An image function brings its runtime, its entry point and its dependencies in the image; Lambda
does not accept `Handler`, `Runtime` or `Layers` for it. CreateFunction fails, and the SAM transform
already rejects it ("Runtime, Handler, Layers cannot be present when PackageType is of type
`Image`"), also when the value comes from `Globals.Function`, which applies to every function of
the template.

## Example
```yaml
Globals:
  Function:
    Runtime: python3.12
Resources:
  Inference:
    Type: AWS::Serverless::Function
    Properties:
      PackageType: Image
      ImageUri: 123456789012.dkr.ecr.eu-west-1.amazonaws.com/inference:1
```

## How to fix
Remove the setting; set the entry point with `ImageConfig.Command` (and `EntryPoint`,
`WorkingDirectory`), and put what a layer would add into the image. For a setting inherited from
`Globals.Function`, move it to the zip functions that need it.

## References
- https://docs.aws.amazon.com/lambda/latest/dg/images-create.html
- https://docs.aws.amazon.com/lambda/latest/api/API_CreateFunction.html
"""

from __future__ import annotations

from typing import Iterator

from lambdalint.rulekit import Context, Finding, Function, Located, Rule, bad, good, per_value

def check(ctx: Context) -> Iterator[Finding]:
    pairs: list[tuple[Function, Located]] = []
    settings = {}
    for function in ctx.project.functions:
        for setting in function.image_unsupported:
            pairs.append((function, setting.value))
            settings[id(setting.value)] = setting
    for value, functions in per_value(pairs):
        setting = settings[id(value)]
        names = ", ".join(f"`{f.name}`" for f in functions)
        inherited = f" (from {setting.inherited})" if setting.inherited else ""
        handler = setting.name.lower() == "handler"
        yield ctx.finding(value.key_span or value.span,
                          f"`{setting.name}`{inherited} is not supported for the image function{'s' if len(functions) > 1 else ''} {names}",
                          f"Remove it; an image sets its entry point with {functions[0].image_command_hint}."
                          if handler else "Remove it; the image brings its own runtime and dependencies.",
                          function=functions[0].name)


RULE = Rule(
    code="LL215",
    slug="container-image-config",
    severity="error",
    reports_in=frozenset({"template"}),
    summary="An image function sets Handler, Runtime or Layers",
    overview="an image function (`PackageType: Image`, Terraform `package_type = \"Image\"`, Serverless "
             "`image:`) with a handler, runtime or layers the tool passes on (own, from `Globals.Function` "
             "or `provider`), which image functions do not support",
    check=check,
    docs=__doc__ or "",
    tags=("deployment",),
    examples=(
        bad("""\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Globals:
  Function:
    Timeout: 30
    Runtime: python3.12  # [container-image-config]
Resources:
  InferenceFunction:
    Type: AWS::Serverless::Function
    Properties:
      PackageType: Image
      ImageUri: 123456789012.dkr.ecr.eu-west-1.amazonaws.com/inference:1
    Metadata:
      Dockerfile: Dockerfile
      DockerContext: ./inference
""", title="Runtime inherited from Globals",
            message="`Runtime` (from `Globals.Function`) is not supported for the image function "
                    "`InferenceFunction`"),
        bad("""\
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Inference:
    Type: AWS::Lambda::Function
    Properties:
      PackageType: Image
      Handler: app.handler  # [container-image-config]
      Role: !GetAtt InferenceRole.Arn
      Code:
        ImageUri: 123456789012.dkr.ecr.eu-west-1.amazonaws.com/inference:1
      Layers:  # [container-image-config]
        - arn:aws:lambda:eu-west-1:017000801446:layer:AWSLambdaPowertoolsPythonV3-python312-x86_64:7
""", title="CloudFormation, handler and layers"),
        good("""\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  InferenceFunction:
    Type: AWS::Serverless::Function
    Properties:
      PackageType: Image
      ImageUri: 123456789012.dkr.ecr.eu-west-1.amazonaws.com/inference:1
      ImageConfig:
        Command: ["app.handler"]
  ApiFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: app.handler
      Runtime: python3.12
""", title="ImageConfig.Command; a zip function next to it"),
        bad("""\
service: inference
provider:
  name: aws
  runtime: python3.12
  layers:  # [container-image-config]
    - arn:aws:lambda:eu-west-1:017000801446:layer:AWSLambdaPowertoolsPythonV3-python312-x86_64:7
  ecr:
    images:
      appimage:
        path: ./
functions:
  predict:
    image:
      name: appimage
    handler: app.handler  # [container-image-config]
  api:
    handler: api.handler
""", name="serverless.yml", title="Serverless image function: a handler, and provider layers the framework passes on"),
        bad("""\
resource "aws_lambda_function" "inference" {
  function_name = "inference"
  role          = aws_iam_role.inference.arn
  package_type  = "Image"
  image_uri     = "${aws_ecr_repository.inference.repository_url}:latest"
  handler       = "app.handler"  # [container-image-config]
  runtime       = "python3.12"  # [container-image-config]
  timeout       = 30
}

resource "aws_lambda_function" "api" {
  function_name = "api"
  role          = aws_iam_role.inference.arn
  filename      = "api.zip"
  handler       = "app.handler"
  runtime       = "python3.12"
}
""", name="main.tf", title="Terraform image function with handler and runtime"),
        good("""\
module "inference" {
  source = "terraform-aws-modules/lambda/aws"

  function_name  = "inference"
  create_package = false
  package_type   = "Image"
  image_uri      = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/inference:1"
  handler        = "app.handler"
  runtime        = "python3.12"
}

resource "aws_lambda_function" "worker" {
  function_name = "worker"
  role          = aws_iam_role.worker.arn
  package_type  = "Image"
  image_uri     = var.worker_image
  image_config {
    command = ["app.handler"]
  }
}
""", name="main.tf", title="the lambda module drops handler and runtime of an image; image_config"),
        good("""\
service: inference
provider:
  name: aws
  runtime: python3.12
  ecr:
    images:
      appimage:
        path: ./
functions:
  predict:
    image:
      name: appimage
      command:
        - app.handler
""", name="serverless.yml", title="Serverless image; provider runtime does not apply"),
    ),
)
