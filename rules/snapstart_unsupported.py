"""
## What it does
Reports SnapStart (`SnapStart: {ApplyOn: PublishedVersions}`, Serverless `snapStart: true`) that
cannot work: with a runtime SnapStart does not support (Python before 3.12, Node.js, Ruby, custom
runtimes), together with provisioned concurrency, an EFS file system, ephemeral storage above
512 MB or a container image (error); and on a function that never publishes a version (SAM without
`AutoPublishAlias`, CloudFormation without an `AWS::Lambda::Version`, Serverless with
`versionFunctions: false`), where the snapshot is never used (warning).

## Why is this bad?
Lambda rejects SnapStart with those runtimes and settings, so the deploy fails. SnapStart applies
only to published versions: invoking `$LATEST` never restores from a snapshot, so without a version
the setting does nothing while looking like it speeds up cold starts.

## Example
```yaml
Resources:
  Api:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
      Runtime: python3.11
      SnapStart:
        ApplyOn: PublishedVersions
```

## How to fix
Use `python3.12` or later (Java 11+, .NET 8+); drop provisioned concurrency, EFS, large ephemeral
storage or the image, or drop SnapStart; publish versions (`AutoPublishAlias: live`, an
`AWS::Lambda::Version`) and invoke the alias.

## References
- https://docs.aws.amazon.com/lambda/latest/dg/snapstart.html
- https://docs.aws.amazon.com/lambda/latest/dg/snapstart-activate.html
"""

from __future__ import annotations

import re
from typing import Iterator

from lambdalint.rulekit import Context, Finding, Function, Located, Related, Rule, bad, good, name_list

_SUPPORTED = {"java": 11, "python3.": 12, "dotnet": 8}


def runtime_supports_snapstart(runtime: str) -> bool:
    for prefix, minimum in _SUPPORTED.items():
        match = re.fullmatch(rf"{re.escape(prefix)}(\d+)(\.al2(023)?)?", runtime)
        if match:
            return int(match.group(1)) >= minimum
    return False


def check(ctx: Context) -> Iterator[Finding]:
    from lambdalint.rulekit import deployment

    # A SnapStart setting in `Globals.Function` is one line for many functions: one finding each.
    grouped: dict[tuple[object, ...], list[Function]] = {}
    for function in ctx.project.functions:
        settings = deployment(function)
        if settings.snap_start_on is not True:
            continue
        for problem in _problems(function):
            grouped.setdefault((settings.snap_start.span, *problem), []).append(function)
    for (where, tail, hint, related, severity), functions in grouped.items():
        if tail.startswith("is never used") and len(functions) > 1:
            tail = "is never used: these functions publish no version"
        yield ctx.finding(where, f"SnapStart on {name_list(functions)} {tail}", hint,  # type: ignore[arg-type]
                          function=functions[0].name, related=related, severity=severity)  # type: ignore[arg-type]


def _problems(function: Function) -> Iterator[tuple[str, str, tuple[Related, ...], str]]:
    from lambdalint.rulekit import deployment, number

    settings = deployment(function)
    drop = "Drop SnapStart, or the setting it conflicts with."
    for what, node in _conflicts(function):
        yield f"cannot be combined with {what}", drop, (Related(what, node.span),), "error"
    for provisioned in settings.provisioned:
        yield ("cannot be combined with provisioned concurrency",
               "Use one of the two: provisioned environments are already initialized.",
               (Related("provisioned concurrency", provisioned.amount.span),), "error")
    size = number(settings.ephemeral_storage)
    if size is not None and size > 512:
        yield (f"cannot be combined with {size} MB of ephemeral storage (512 MB at most)",
               "Lower the ephemeral storage to 512 MB.",
               (Related("ephemeral storage", settings.ephemeral_storage.span),), "error")
    if settings.file_systems.value not in ([], None):
        yield ("cannot be combined with an EFS file system", "Drop SnapStart or the file system.",
               (Related("file system", settings.file_systems.span),), "error")
    if not settings.publishes_version:
        yield ("is never used: the function publishes no version",
               f"Publish versions ({function.publish_hint}) and invoke the version or alias.", (), "warning")


def _conflicts(function: Function) -> Iterator[tuple[str, Located]]:
    if function.package_type == "Image":
        yield "a container image", function.setting("PackageType") or function.code_location
        return
    runtime = function.runtime
    if runtime.is_literal and isinstance(runtime.value, str) and not runtime_supports_snapstart(runtime.value):
        yield f"the runtime `{runtime.value}` (SnapStart needs Python 3.12+, Java 11+ or .NET 8+)", runtime


RULE = Rule(
    code="LL213",
    slug="snapstart-unsupported",
    severity="error",
    severities=("warning",),
    reports_in=frozenset({"template"}),
    summary="SnapStart that cannot deploy or is never used",
    overview="SnapStart with an unsupported runtime, provisioned concurrency, EFS, more than 512 MB of "
             "ephemeral storage or an image (error); on a function that publishes no version (warning)",
    check=check,
    docs=__doc__ or "",
    tags=("deployment", "performance"),
    examples=(
        bad("""\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  ApiFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: app.handler
      Runtime: python3.11
      AutoPublishAlias: live
      SnapStart:
        ApplyOn: PublishedVersions  # [snapstart-unsupported]
""", title="Python 3.11",
            message="SnapStart on `ApiFunction` cannot be combined with the runtime `python3.11` "
                    "(SnapStart needs Python 3.12+, Java 11+ or .NET 8+)"),
        bad("""\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Globals:
  Function:
    Runtime: python3.13
    SnapStart:
      ApplyOn: PublishedVersions  # [snapstart-unsupported]
Resources:
  ApiFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: app.handler
  WorkerFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: worker.handler
""", title="from Globals, no AutoPublishAlias: never used, one finding for both",
            message="SnapStart on `ApiFunction` and `WorkerFunction` is never used: these functions publish "
                    "no version"),
        bad("""\
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Worker:
    Type: AWS::Lambda::Function
    Properties:
      Handler: app.handler
      Runtime: python3.12
      Role: !GetAtt WorkerRole.Arn
      Code: {S3Bucket: artifacts, S3Key: worker.zip}
      EphemeralStorage:
        Size: 2048
      SnapStart:
        ApplyOn: PublishedVersions  # [snapstart-unsupported]
  WorkerVersion:
    Type: AWS::Lambda::Version
    Properties:
      FunctionName: !Ref Worker
""", title="CloudFormation, large ephemeral storage"),
        bad("""\
service: orders
provider:
  name: aws
  runtime: python3.12
functions:
  api:
    handler: handler.api
    snapStart: true  # [snapstart-unsupported]
    provisionedConcurrency: 2
""", name="serverless.yml", title="Serverless with provisioned concurrency"),
        good("""\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Globals:
  Function:
    Runtime: python3.12
    AutoPublishAlias: live
    SnapStart:
      ApplyOn: PublishedVersions
Resources:
  ApiFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: app.handler
""", title="Python 3.12 with a published alias"),
        good("""\
AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  SnapStartMode: {Type: String, AllowedValues: [PublishedVersions, None]}
Resources:
  Worker:
    Type: AWS::Lambda::Function
    Properties:
      Handler: app.handler
      Runtime: python3.11
      Role: !GetAtt WorkerRole.Arn
      Code: {S3Bucket: artifacts, S3Key: worker.zip}
      SnapStart:
        ApplyOn: !Ref SnapStartMode
""", title="mode from a parameter"),
        good("""\
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Worker:
    Type: AWS::Lambda::Function
    Properties:
      Handler: app.handler
      Runtime: nodejs20.x
      Role: !GetAtt WorkerRole.Arn
      Code: {S3Bucket: artifacts, S3Key: worker.zip}
      SnapStart:
        ApplyOn: None
""", title="SnapStart off"),
        good("""\
service: orders
provider:
  name: aws
  runtime: python3.13
functions:
  api:
    handler: handler.api
    snapStart: true
""", name="serverless.yml", title="Serverless publishes versions by default"),
    ),
)
