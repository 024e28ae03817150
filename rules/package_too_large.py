"""
## What it does
Measures what a function ships unzipped — its code package plus every local layer — and reports
it above Lambda's 250 MB limit (error: the deployment fails) or above a cold-start threshold
(warning, 50 MB by default). The message names the three largest contributors.

The code package is the build output when there is one (`.aws-sam/build/<LogicalId>/`,
`.serverless/*.zip`, a CDK `cdk.out/asset.*` folder), otherwise the local `CodeUri`, `Code` or
Serverless service folder (filtered by `package.patterns`). Layers given as ARNs cannot be
measured and do not count; functions whose code is remote or not on disk are skipped.

## Why is this bad?
Lambda rejects a function whose code and layers unzip to more than 250 MB. Well below that, every
megabyte is downloaded and unpacked on each cold start, and big dependency trees make imports
slow, so latency grows with the package.

## Example
```yaml
Resources:
  ReportFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: report/   # pandas/ 61 MB, numpy/ 38 MB, pyarrow/ 120 MB ...
      Handler: app.handler
      Runtime: python3.12
      Layers: [!Ref ScientificLayer]
```

## How to fix
Ship only what the handler imports: drop unused dependencies, exclude tests and caches (LL404),
strip debug symbols from native libraries, or move very large dependencies to a container image
(10 GB limit). Raise the warning threshold with `cold-start-threshold` (MB) under
`[tool.lambdalint.rules.LL401]` when a large package is a deliberate choice (`max-unzipped-mb`,
default 250, is Lambda's limit; 1 MB = 2**20 bytes, as AWS counts).

## References
- https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html
- https://docs.aws.amazon.com/lambda/latest/dg/python-package.html
"""

from __future__ import annotations

from typing import Iterator

from lambdalint.rulekit import Context, Finding, Option, Related, Rule, bad, good


def check(ctx: Context) -> Iterator[Finding]:
    from lambdalint.rulekit import MB, format_bytes, package_analysis  # loaded only when the rule runs

    limit = int(ctx.options["max-unzipped-mb"] * MB)
    threshold = int(ctx.options["cold-start-threshold"] * MB)
    analysis = package_analysis(ctx.project)
    for function in ctx.project.functions:
        package = analysis.package(function)
        if package.code is None and not package.local_layers:
            continue
        shipped = analysis.shipped(package)
        if shipped.total <= min(limit, threshold):
            continue
        with_layers = " with its layers" if shipped.layers else ""
        related = []
        if shipped.layers and package.layers_span is not None and package.code is not None:
            added = sum(size.unzipped_bytes for _, size in shipped.layers)
            related.append(Related(f"layers add {format_bytes(added)}", package.layers_span))
        span = package.code_span if package.code is not None else (package.layers_span or function.span)
        if shipped.total > limit:
            yield ctx.finding(
                span,
                f"`{function.name}` unzips to {format_bytes(shipped.total)}{with_layers}, over Lambda's "
                f"{format_bytes(limit)} limit: {shipped.top()}",
                "Deployment fails above this size: drop unused dependencies, exclude tests and caches, "
                "or move large dependencies to a container image.",
                function=function.name, related=related, severity="error")
        elif shipped.total > threshold:
            yield ctx.finding(
                span,
                f"`{function.name}` unzips to {format_bytes(shipped.total)}{with_layers}, over the "
                f"cold-start threshold of {format_bytes(threshold)}: {shipped.top()}",
                "Every cold start downloads and unpacks the package: ship only what the handler "
                "imports, or raise `cold-start-threshold` under [tool.lambdalint.rules.LL401].",
                function=function.name, related=related, severity="warning")


_SAM_APP = """\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  ReportFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: report/{marker}
      Handler: app.handler
      Runtime: python3.12
      Timeout: 30
"""
_BIG_MODULE = "ROWS = [\n" + "    ('region', 'product', 12345, 67.89),\n" * 60 + "]\n"  # ~2.6 KB
_SMALL_THRESHOLD = {"cold-start-threshold": 0.001}  # about 1 KB, so examples stay small

RULE = Rule(
    code="LL401",
    slug="package-too-large",
    severity="warning",
    severities=("error",),
    overview="code + local layers unzip above 250 MB (error) or the cold-start threshold (warning, 50 MB)",
    reports_in=frozenset({"template"}),
    summary="The function's unzipped code and layers exceed Lambda's limit or the cold-start threshold",
    check=check,
    docs=__doc__ or "",
    options={
        "cold-start-threshold": Option(50.0, float, "warn above this many MB unzipped (code + local layers)"),
        "max-unzipped-mb": Option(250.0, float, "Lambda's hard limit in MB (1 MB = 2**20 bytes); error above it"),
    },
    examples=(
        bad(files={"template.yaml": _SAM_APP.format(marker="  # [package-too-large]"),
                   "report/app.py": _BIG_MODULE},
            options=_SMALL_THRESHOLD, title="code folder above the (lowered) cold-start threshold"),
        bad(files={"template.yaml": """\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  ReportFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: report/  # [package-too-large]
      Handler: app.handler
      Runtime: python3.12
      Layers:
        - !Ref DataLayer
        - arn:aws:lambda:eu-west-1:017000801446:layer:AWSLambdaPowertoolsPythonV3-python312-x86_64:7
  DataLayer:
    Type: AWS::Serverless::LayerVersion
    Properties:
      ContentUri: layers/data/
""", "report/app.py": "def handler(event, context):\n    return {}\n",
                   "layers/data/python/rows.py": _BIG_MODULE},
            options={"max-unzipped-mb": 0.002}, title="a local layer pushes it over the limit"),
        bad(files={"serverless.yml": """\
service: reports
provider:
  name: aws
  runtime: python3.12
package:  # [package-too-large]
  patterns:
    - "!docs/**"
functions:
  report:
    handler: app.handler
""", "app.py": _BIG_MODULE, "docs/guide.md": "# Guide\n"},
            options=_SMALL_THRESHOLD, title="Serverless service folder"),
        good(files={"template.yaml": _SAM_APP.format(marker=""),
                    "report/app.py": "def handler(event, context):\n    return {}\n"},
             options=_SMALL_THRESHOLD, title="small code folder"),
        good(files={"serverless.yml": """\
service: reports
provider:
  name: aws
  runtime: python3.12
package:
  patterns:
    - "!data/**"
functions:
  report:
    handler: app.handler
""", "app.py": "def handler(event, context):\n    return {}\n", "data/rows.py": _BIG_MODULE},
             options=_SMALL_THRESHOLD, title="the big folder is excluded by package.patterns"),
        good("""\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  ReportFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: s3://artifacts-bucket/report.zip
      Handler: app.handler
      Runtime: python3.12
      Layers:
        - arn:aws:lambda:eu-west-1:123456789012:layer:scientific:3
""", options=_SMALL_THRESHOLD, title="code in S3 and remote layers are not measured"),
        good(files={"template.yaml": _SAM_APP.format(marker=""),
                    "report/app.py": _BIG_MODULE},
             title="same code under the default 50 MB threshold"),
    ),
)
