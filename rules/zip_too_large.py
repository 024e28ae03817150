"""
## What it does
Reports a function whose code package, zipped, exceeds 50 MB: the limit for uploading a .zip
directly to Lambda. A zip artifact (a `.serverless/*.zip`, a `CodeUri`/`Code`/`package.artifact`
that names a .zip) is measured as it is on disk; a folder is estimated by compressing its files
the way zip tools do (deflate, level 6).

Estimating reads every byte, so it is skipped when the folder is too small to possibly zip above
the limit, when it unzips to more than `estimate-max-mb` (LL401 already reports those), or
entirely with `estimate-zip = false` under `[tool.lambdalint.rules.LL402]`.

## Why is this bad?
Above 50 MB zipped, Lambda refuses the direct upload (`CreateFunction`/`UpdateFunctionCode` with
`ZipFile`) and the code has to go through an S3 bucket; tools and scripts that upload directly
fail at deploy time.

## Example
```yaml
Resources:
  ReportFunction:
    Type: AWS::Lambda::Function
    Properties:
      Code: build/report.zip   # 61 MB on disk
      Handler: app.handler
      Runtime: python3.12
```

## How to fix
Make the package smaller (see LL401 and LL404), or deploy it through S3: `sam deploy
--resolve-s3`, `aws cloudformation package --s3-bucket ...`, or the Serverless deployment bucket.
Options under `[tool.lambdalint.rules.LL402]`: `max-zip-mb` (50), `estimate-zip` (true),
`estimate-max-mb` (250).

## References
- https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html
- https://docs.aws.amazon.com/lambda/latest/dg/configuration-function-zip.html
"""

from __future__ import annotations

from typing import Iterator

from lambdalint.rulekit import Context, Finding, Option, Rule, bad, good

# Deflate never grows data by more than a fraction of a percent, but every zip entry costs a
# local header and a central directory record that repeat its name.
_WORST_RATIO = 1.01
_WORST_ENTRY = 30 + 46 + 2 * 255


def check(ctx: Context) -> Iterator[Finding]:
    from lambdalint.rulekit import MB, format_bytes, package_analysis  # loaded only when the rule runs

    limit = int(ctx.options["max-zip-mb"] * MB)
    estimate_cap = int(ctx.options["estimate-max-mb"] * MB)
    analysis = package_analysis(ctx.project)
    for function in ctx.project.functions:
        package = analysis.package(function)
        source = package.code
        if source is None:
            continue
        if not source.is_zip:
            if not ctx.options["estimate-zip"]:
                continue
            unzipped = analysis.size(source)
            worst = unzipped.unzipped_bytes * _WORST_RATIO + unzipped.files * _WORST_ENTRY + 22
            if worst <= limit:
                continue
            if unzipped.unzipped_bytes > estimate_cap:
                ctx.note(
                    f"{function.label}: zip size not estimated, the package unzips to "
                    f"{format_bytes(unzipped.unzipped_bytes)} (estimate-max-mb)")
                continue
        size = analysis.size(source, estimate_zip=not source.is_zip)
        if size.zipped_bytes is None or size.zipped_bytes <= limit:
            continue
        what = "an estimated" if size.zipped_is_estimate else "a"
        yield ctx.finding(
            package.code_span,
            f"`{function.name}` has {what} {format_bytes(size.zipped_bytes)} zip, over the "
            f"{format_bytes(limit)} direct-upload limit",
            "Deploy the code through S3 (`sam deploy --resolve-s3`, `aws cloudformation package`) "
            "or make the package smaller.",
            function=function.name)


_TABLE = "".join(f"{i:08x}{(i * 2654435761) % 2**32:08x}{(i * 40503) % 65536:04x}\n" for i in range(400))
_TINY = {"max-zip-mb": 0.002}  # about 2 KB, so examples stay small

_CFN = """\
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  ReportFunction:
    Type: AWS::Lambda::Function
    Properties:
      Code: {code}
      Handler: app.handler
      Runtime: python3.12
      Role: arn:aws:iam::123456789012:role/report
      Timeout: 30
"""

RULE = Rule(
    code="LL402",
    slug="zip-too-large",
    severity="warning",
    overview="the code package zips above the 50 MB direct-upload limit (artifact size or estimate)",
    reports_in=frozenset({"template"}),
    summary="The function's code, zipped, exceeds the 50 MB direct-upload limit",
    check=check,
    docs=__doc__ or "",
    options={
        "max-zip-mb": Option(50.0, float, "zipped size limit in MB (1 MB = 2**20 bytes)"),
        "estimate-zip": Option(True, bool, "estimate the zip of code folders by compressing them"),
        "estimate-max-mb": Option(250.0, float, "skip the estimate for folders unzipping above this many MB"),
    },
    examples=(
        bad(files={"template.yaml": _CFN.format(code="report/  # [zip-too-large]"),
                   "report/app.py": "def handler(event, context):\n    return {}\n",
                   "report/table.txt": _TABLE},
            options=_TINY, title="folder whose estimated zip is above the (lowered) limit"),
        bad(files={"template.yaml": """\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  ReportFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/report/  # [zip-too-large]
      Handler: app.handler
      Runtime: python3.12
      Timeout: 30
""", "src/report/app.py": "def handler(event, context):\n    return {}\n",
                   "src/report/table.txt": _TABLE},
            options=_TINY, title="SAM CodeUri folder"),
        bad(files={"serverless.yml": """\
service: reports
provider:
  name: aws
  runtime: python3.12
functions:
  report:  # [zip-too-large]
    handler: app.handler
""", "app.py": "def handler(event, context):\n    return {}\n", "table.txt": _TABLE},
            options=_TINY, title="Serverless service folder"),
        good(files={"template.yaml": _CFN.format(code="report/"),
                    "report/app.py": "def handler(event, context):\n    return {}\n"},
             options=_TINY, title="small folder"),
        good(files={"template.yaml": _CFN.format(code="report/"),
                    "report/app.py": "def handler(event, context):\n    return {}\n",
                    "report/table.txt": _TABLE},
             options={**_TINY, "estimate-zip": False}, title="estimate switched off"),
        good(_CFN.format(code="{S3Bucket: artifacts, S3Key: report.zip}"), options=_TINY,
             title="code already in S3"),
        good(files={"serverless.yml": """\
service: reports
provider:
  name: aws
  runtime: python3.12
package:
  patterns:
    - "!table.txt"
functions:
  report:
    handler: app.handler
""", "app.py": "def handler(event, context):\n    return {}\n", "table.txt": _TABLE},
             options=_TINY, title="big file excluded by package.patterns"),
    ),
)
