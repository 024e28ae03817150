"""
## What it does
Reports a function with `PackageType: Image` that also has a `Handler`, `Runtime` or `Layers`,
set on the function or inherited from SAM `Globals.Function`.

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

from lambdalint.rulekit import Context, Finding, Located, Rule, bad, good, per_value

_KEYS = ("Handler", "Runtime", "Layers")


def check(ctx: Context) -> Iterator[Finding]:
    pairs: list[tuple[object, Located, str]] = []
    for function in ctx.project.functions:
        # Serverless: an `image:` function's handler and runtime are not passed on by the framework.
        if function.kind == "serverless" or function.package_type != "Image":
            continue
        for key in _KEYS:
            value = function.properties.get(key)
            if value is not None:
                pairs.append((function, value, key))
    keys = {id(value): key for _, value, key in pairs}
    for value, functions in per_value([(f, v) for f, v, _ in pairs]):  # type: ignore[misc]
        key = keys[id(value)]
        names = ", ".join(f"`{f.name}`" for f in functions)
        inherited = " (from `Globals.Function`)" if value.origin == "globals" else ""
        yield ctx.finding(value.key_span or value.span,
                          f"`{key}`{inherited} is not supported for the image function{'s' if len(functions) > 1 else ''} {names}",
                          "Remove it; an image sets its entry point with `ImageConfig.Command`."
                          if key == "Handler" else "Remove it; the image brings its own runtime and dependencies.",
                          function=functions[0].name)


RULE = Rule(
    code="LL215",
    slug="container-image-config",
    severity="error",
    reports_in=frozenset({"template"}),
    summary="An image function sets Handler, Runtime or Layers",
    overview="`PackageType: Image` together with `Handler`, `Runtime` or `Layers` (own or from "
             "`Globals.Function`), which image functions do not support",
    check=check,
    docs=__doc__ or "",
    preview=True,
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
