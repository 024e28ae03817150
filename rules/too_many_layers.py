"""
## What it does
Reports a function with more than five layers. Every entry counts: local layers of the same
template, layer ARNs, and layers inherited from SAM `Globals.Function` or the Serverless
`provider`.

## Why is this bad?
Lambda accepts at most five layers per function; the deployment fails with an
`InvalidParameterValueException` when there are more.

## Example
```yaml
Globals:
  Function:
    Layers: [!Ref CommonLayer, !Ref PowertoolsLayer]
Resources:
  ApiFunction:
    Type: AWS::Serverless::Function
    Properties:
      Layers: [!Ref PandasLayer, !Ref NumpyLayer, !Ref SqlLayer, !Ref AuthLayer]  # 6 in total
```

## How to fix
Merge layers that always travel together into one, move small dependencies into the function's
own package, or use a container image. The limit is the option `max-layers` (5) under
`[tool.lambdalint.rules.LL403]`.

## References
- https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html
- https://docs.aws.amazon.com/lambda/latest/dg/chapter-layers.html
"""

from __future__ import annotations

from typing import Iterator

from lambdalint.rulekit import Context, Finding, Function, Option, Rule, Span, bad, good, key_name, name_list


def check(ctx: Context) -> Iterator[Finding]:
    from lambdalint.rulekit import package_analysis  # loaded only when the rule runs

    limit = ctx.options["max-layers"]
    analysis = package_analysis(ctx.project)
    # Layers set once under the Serverless `provider` are inherited by every function: one finding.
    groups: dict[tuple[Span, int], list[Function]] = {}
    for function in ctx.project.functions:
        package = analysis.package(function)
        if len(package.layers) > limit:
            span = package.layers_span or function.span
            groups.setdefault((span, len(package.layers)), []).append(function)
    for (span, count), functions in groups.items():
        key = key_name(functions[0], "Layers")
        only = functions[0].name if len(functions) == 1 else None
        yield ctx.finding(
            span,
            f"{name_list(functions)} {'uses' if only else 'use'} {count} layers, more than the {limit} Lambda allows",
            f"Merge layers that always travel together, or move small dependencies into the "
            f"function's own package, until `{key}` lists at most {limit}.",
            function=only)


def _layers(n: int, indent: str = "        ") -> str:
    return "".join(f"{indent}- arn:aws:lambda:eu-west-1:123456789012:layer:lib{i}:1\n" for i in range(n))


RULE = Rule(
    code="LL403",
    slug="too-many-layers",
    severity="error",
    overview="more than 5 layers",
    reports_in=frozenset({"template"}),
    summary="The function uses more than five layers",
    check=check,
    docs=__doc__ or "",
    options={"max-layers": Option(5, int, "the most layers a function may use")},
    examples=(
        bad(f"""\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  ApiFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: app.handler
      Runtime: python3.12
      Layers:  # [too-many-layers]
{_layers(6)}""", title="six layer ARNs"),
        bad("""\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Globals:
  Function:
    Layers:
      - !Ref CommonLayer
      - arn:aws:lambda:eu-west-1:017000801446:layer:AWSLambdaPowertoolsPythonV3-python312-x86_64:7
Resources:
  CommonLayer:
    Type: AWS::Serverless::LayerVersion
    Properties:
      ContentUri: layers/common/
  ApiFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: app.handler
      Runtime: python3.12
      Layers:  # [too-many-layers]
        - arn:aws:lambda:eu-west-1:123456789012:layer:pandas:4
        - arn:aws:lambda:eu-west-1:123456789012:layer:numpy:2
        - arn:aws:lambda:eu-west-1:123456789012:layer:sql:1
        - arn:aws:lambda:eu-west-1:123456789012:layer:auth:9
""", title="two from Globals plus four of its own"),
        bad(f"""\
service: api
provider:
  name: aws
  runtime: python3.12
  layers:  # [too-many-layers]
{_layers(6, "    ")}functions:
  create:
    handler: handler.create
  read:
    handler: handler.read
""", name="serverless.yml", title="Serverless provider layers, reported once"),
        good(f"""\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  ApiFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: app.handler
      Runtime: python3.12
      Layers:
{_layers(5)}""", title="exactly five"),
        good(f"""\
service: api
provider:
  name: aws
  runtime: python3.12
  layers:
{_layers(6, "    ")}functions:
  create:
    handler: handler.create
    layers:
      - arn:aws:lambda:eu-west-1:123456789012:layer:lib0:1
""", name="serverless.yml", title="a function's own layers replace the provider's"),
        good("""\
AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  LayerArns: {Type: CommaDelimitedList}
Resources:
  ApiFunction:
    Type: AWS::Lambda::Function
    Properties:
      Code: {S3Bucket: artifacts, S3Key: api.zip}
      Handler: app.handler
      Runtime: python3.12
      Role: arn:aws:iam::123456789012:role/api
      Layers: !Ref LayerArns
""", title="layers from a parameter cannot be counted"),
    ),
)
