"""
## What it does
Reports a SAM `DeploymentPreference` that shifts traffic gradually (`Canary*`, `Linear*`) without
`Alarms` (warning), and any enabled `DeploymentPreference` on a function without
`AutoPublishAlias` (error). Both may come from `Globals.Function`. Serverless services that use
serverless-plugin-canary-deployments are read the same way (`deploymentSettings.type` and
`alarms`, over `custom.deploymentSettings`).

## Why is this bad?
CodeDeploy rolls a gradual deployment back only when one of its alarms fires (or a hook fails):
without alarms the canary waits out its interval and then sends every request to the new version,
broken or not. Without `AutoPublishAlias` there is no alias to shift, and the SAM transform fails
("'DeploymentPreference' requires AutoPublishAlias property to be specified.").

## Example
```yaml
Resources:
  Api:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
      Runtime: python3.12
      AutoPublishAlias: live
      DeploymentPreference:
        Type: Canary10Percent5Minutes
```

## How to fix
List CloudWatch alarms under `DeploymentPreference.Alarms` (errors and throttles of the new
version, the API's 5xx), and set `AutoPublishAlias`.

## References
- https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/automating-updates-to-serverless-apps.html
- https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-property-function-deploymentpreference.html
"""

from __future__ import annotations

from typing import Iterator

from lambdalint.rulekit import Context, Finding, Rule, bad, good


def check(ctx: Context) -> Iterator[Finding]:
    from lambdalint.rulekit import deployment

    for function in ctx.project.functions:
        settings = deployment(function)
        preference = settings.deployment_preference
        if not isinstance(preference.value, dict) or preference.intrinsic is not None:
            continue
        enabled = preference.get("Enabled")
        if enabled is not None and (not enabled.is_literal or enabled.value in (False, "false", "False")):
            continue  # disabled, or enabled by a condition lambdalint cannot evaluate
        where = preference.key_span or preference.span
        if settings.alias.value is None:
            yield ctx.finding(where, f"`{function.name}` has a `DeploymentPreference` but no `AutoPublishAlias`: "
                              "the SAM transform fails", "Add `AutoPublishAlias: live`.",
                              function=function.name, severity="error")
        kind = preference.get("Type")
        text = kind.str_value() if kind is not None else None
        if text is None or not text.startswith(("Canary", "Linear")):
            continue
        alarms = preference.get("Alarms")
        if alarms is not None and (alarms.intrinsic is not None or alarms.value not in ([], None)):
            continue
        where_alarms = {"serverless": "`deploymentSettings.alarms`", "cdk": "`alarms` of the `LambdaDeploymentGroup`",
                        "AWS::Serverless::Function": "`DeploymentPreference.Alarms`"}.get(
            function.kind, "`AlarmConfiguration.Alarms` of the deployment group")
        yield ctx.finding(kind.span, f"`{function.name}` shifts traffic with `{text}` but lists no alarms: "  # type: ignore[union-attr]
                          "a bad release is never rolled back", f"List CloudWatch alarms under {where_alarms} "
                          "(errors and throttles of the new version).",
                          function=function.name)


RULE = Rule(
    code="LL214",
    slug="traffic-shifting-without-alarms",
    severity="warning",
    severities=("error",),
    reports_in=frozenset({"template"}),
    summary="Gradual deployment without alarms to roll it back",
    overview="SAM `DeploymentPreference` `Canary*`/`Linear*` without `Alarms` (warning); any "
             "`DeploymentPreference` without `AutoPublishAlias` (error)",
    check=check,
    docs=__doc__ or "",
    preview=True,
    tags=("deployment", "reliability"),
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
      Runtime: python3.12
      AutoPublishAlias: live
      DeploymentPreference:
        Type: Canary10Percent5Minutes  # [traffic-shifting-without-alarms]
""", title="canary without alarms",
            message="`ApiFunction` shifts traffic with `Canary10Percent5Minutes` but lists no alarms: "
                    "a bad release is never rolled back"),
        bad("""\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Globals:
  Function:
    DeploymentPreference:  # [traffic-shifting-without-alarms]
      Type: AllAtOnce
Resources:
  ApiFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: app.handler
      Runtime: python3.12
""", title="Globals preference, no AutoPublishAlias"),
        bad("""\
service: orders
plugins:
  - serverless-plugin-canary-deployments
provider:
  name: aws
  runtime: python3.12
custom:
  deploymentSettings:
    stages: [prod]
functions:
  create:
    handler: handler.create
    deploymentSettings:
      type: Canary10Percent5Minutes  # [traffic-shifting-without-alarms]
      alias: Live
  list:
    handler: handler.list
    deploymentSettings:
      type: Linear10PercentEvery1Minute
      alias: Live
      alarms:
        - ListErrorsAlarm
""", name="serverless.yml", title="Serverless canary plugin, one function without alarms"),
        good("""\
service: orders
provider:
  name: aws
  runtime: python3.12
functions:
  create:
    handler: handler.create
    deploymentSettings:
      type: Canary10Percent5Minutes
      alias: Live
""", name="serverless.yml", title="deploymentSettings without the plugin: not a deployment setting"),
        good("""\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  ApiFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: app.handler
      Runtime: python3.12
      AutoPublishAlias: live
      DeploymentPreference:
        Type: Linear10PercentEvery1Minute
        Alarms:
          - !Ref AliasErrorsAlarm
          - !Ref LatestVersionErrorsAlarm
        Hooks:
          PreTraffic: !Ref PreTrafficHook
""", title="alarms listed"),
        good("""\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Parameters:
  DeploymentType: {Type: String, Default: Canary10Percent5Minutes}
Conditions:
  IsProd: !Equals [!Ref "AWS::StackName", prod]
Resources:
  ApiFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: app.handler
      Runtime: python3.12
      AutoPublishAlias: live
      DeploymentPreference:
        Type: !Ref DeploymentType
        Alarms: !If [IsProd, [!Ref AliasErrorsAlarm], []]
""", title="type from a parameter, alarms by condition"),
        good("""\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  ApiFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: app.handler
      Runtime: python3.12
      AutoPublishAlias: live
      DeploymentPreference:
        Type: AllAtOnce
""", title="all at once: nothing to roll back gradually"),
    ),
)
