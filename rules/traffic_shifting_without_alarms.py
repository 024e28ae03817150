"""
## What it does
Reports a SAM `DeploymentPreference` that shifts traffic gradually (`Canary*`, `Linear*`) without
`Alarms` (warning), and any enabled `DeploymentPreference` on a function without
`AutoPublishAlias` (error). Both may come from `Globals.Function`. Serverless services that use
serverless-plugin-canary-deployments are read the same way (`deploymentSettings.type` and
`alarms`, over `custom.deploymentSettings`), and so are CodeDeploy deployment groups written out:
a CloudFormation `AWS::CodeDeploy::DeploymentGroup` (the function is the one whose
`AWS::Lambda::Alias` names the group in `UpdatePolicy.CodeDeployLambdaAliasUpdate`) or a Terraform
`aws_codedeploy_deployment_group`, with a `CodeDeployDefault.LambdaCanary*` or `...Linear*`
configuration and no alarms in `AlarmConfiguration` / `alarm_configuration`.

Alarms given by reference, a configuration or alarm list that does not resolve (a parameter, a
condition, a variable, a `dynamic` block), and custom deployment configurations are not judged.

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
version, the API's 5xx), and set `AutoPublishAlias`. For a deployment group of your own, list them
in its `AlarmConfiguration` (Terraform: `alarm_configuration { alarms = [...] enabled = true }`).

## References
- https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/automating-updates-to-serverless-apps.html
- https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-property-function-deploymentpreference.html
"""

from __future__ import annotations

from typing import Iterator

from lambdalint.rulekit import Context, Finding, Rule, bad, good


def check(ctx: Context) -> Iterator[Finding]:
    from lambdalint.rulekit import deployment, enabled_preference, traffic_shifts

    for function in ctx.project.functions:
        preference = enabled_preference(function)
        if preference is not None and deployment(function).alias.value is None:
            yield ctx.finding(preference.key_span or preference.span,
                              f"`{function.name}` has a `DeploymentPreference` but no `AutoPublishAlias`: "
                              "the SAM transform fails", "Add `AutoPublishAlias: live`.",
                              function=function.name, severity="error")
    for template in ctx.project.templates:
        for shift in traffic_shifts(template):
            if shift.alarms is not None:
                continue
            yield ctx.finding(shift.config.span, f"{shift.owner} shifts traffic with `{shift.config.value}` but lists "
                              "no alarms: a bad release is never rolled back",
                              f"List CloudWatch alarms under {shift.alarms_hint} (errors and throttles of the "
                              "new version).", function=shift.function)


RULE = Rule(
    code="LL214",
    slug="traffic-shifting-without-alarms",
    severity="warning",
    severities=("error",),
    reports_in=frozenset({"template"}),
    summary="Gradual deployment without alarms to roll it back",
    overview="a `Canary*`/`Linear*` deployment without alarms: SAM `DeploymentPreference`, the Serverless "
             "canary plugin, a CloudFormation or Terraform CodeDeploy deployment group (warning); any "
             "`DeploymentPreference` without `AutoPublishAlias` (error)",
    check=check,
    docs=__doc__ or "",
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
        bad("""\
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  ApiFunction:
    Type: AWS::Lambda::Function
    Properties:
      Handler: app.handler
      Runtime: python3.12
      Role: !GetAtt ApiRole.Arn
      Code: {S3Bucket: artifacts, S3Key: api.zip}
  ApiVersion:
    Type: AWS::Lambda::Version
    Properties:
      FunctionName: !Ref ApiFunction
  LiveAlias:
    Type: AWS::Lambda::Alias
    Properties:
      FunctionName: !Ref ApiFunction
      FunctionVersion: !GetAtt ApiVersion.Version
      Name: live
    UpdatePolicy:
      CodeDeployLambdaAliasUpdate:
        ApplicationName: !Ref DeployApp
        DeploymentGroupName: !Ref ApiDeploymentGroup
  DeployApp:
    Type: AWS::CodeDeploy::Application
    Properties:
      ComputePlatform: Lambda
  ApiDeploymentGroup:
    Type: AWS::CodeDeploy::DeploymentGroup
    Properties:
      ApplicationName: !Ref DeployApp
      ServiceRoleArn: !GetAtt DeployRole.Arn
      DeploymentConfigName: CodeDeployDefault.LambdaCanary10Percent5Minutes  # [traffic-shifting-without-alarms]
      DeploymentStyle:
        DeploymentType: BLUE_GREEN
        DeploymentOption: WITH_TRAFFIC_CONTROL
      AutoRollbackConfiguration:
        Enabled: true
        Events: [DEPLOYMENT_FAILURE]
""", title="CloudFormation CodeDeploy group behind an alias, no AlarmConfiguration",
            message="`ApiFunction` (deployment group `ApiDeploymentGroup`) shifts traffic with "
                    "`CodeDeployDefault.LambdaCanary10Percent5Minutes` but lists no alarms: "
                    "a bad release is never rolled back"),
        bad("""\
resource "aws_codedeploy_app" "api" {
  name             = "api"
  compute_platform = "Lambda"
}

resource "aws_codedeploy_deployment_group" "api" {
  app_name               = aws_codedeploy_app.api.name
  deployment_group_name  = "api-live"
  service_role_arn       = aws_iam_role.codedeploy.arn
  deployment_config_name = "CodeDeployDefault.LambdaLinear10PercentEvery1Minute"  # [traffic-shifting-without-alarms]

  deployment_style {
    deployment_type   = "BLUE_GREEN"
    deployment_option = "WITH_TRAFFIC_CONTROL"
  }

  alarm_configuration {
    alarms  = [aws_cloudwatch_metric_alarm.errors.alarm_name]
    enabled = false
  }
}

resource "aws_codedeploy_deployment_group" "worker" {
  app_name               = aws_codedeploy_app.api.name
  deployment_group_name  = "worker-live"
  service_role_arn       = aws_iam_role.codedeploy.arn
  deployment_config_name = "CodeDeployDefault.LambdaAllAtOnce"

  deployment_style {
    deployment_type   = "BLUE_GREEN"
    deployment_option = "WITH_TRAFFIC_CONTROL"
  }
}
""", name="main.tf", title="Terraform deployment group with its alarms turned off; all at once next to it"),
        good("""\
AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  DeploymentConfig: {Type: String, Default: CodeDeployDefault.LambdaCanary10Percent5Minutes}
Resources:
  ApiFunction:
    Type: AWS::Lambda::Function
    Properties:
      Handler: app.handler
      Runtime: python3.12
      Role: !GetAtt ApiRole.Arn
      Code: {S3Bucket: artifacts, S3Key: api.zip}
  LiveAlias:
    Type: AWS::Lambda::Alias
    Properties:
      FunctionName: !Ref ApiFunction
      FunctionVersion: "1"
      Name: live
    UpdatePolicy:
      CodeDeployLambdaAliasUpdate:
        ApplicationName: !Ref DeployApp
        DeploymentGroupName: !Ref ApiDeploymentGroup
  ApiDeploymentGroup:
    Type: AWS::CodeDeploy::DeploymentGroup
    Properties:
      ApplicationName: !Ref DeployApp
      ServiceRoleArn: !GetAtt DeployRole.Arn
      DeploymentConfigName: CodeDeployDefault.LambdaLinear10PercentEvery1Minute
      AlarmConfiguration:
        Enabled: true
        Alarms:
          - Name: !Ref ApiErrorsAlarm
  OtherGroup:
    Type: AWS::CodeDeploy::DeploymentGroup
    Properties:
      ApplicationName: !Ref DeployApp
      ServiceRoleArn: !GetAtt DeployRole.Arn
      DeploymentConfigName: !Ref DeploymentConfig
""", title="alarms by reference; a configuration from a parameter"),
        good("""\
variable "alarm_names" {
  type = list(string)
}

resource "aws_codedeploy_deployment_group" "api" {
  app_name               = aws_codedeploy_app.api.name
  deployment_group_name  = "api-live"
  service_role_arn       = aws_iam_role.codedeploy.arn
  deployment_config_name = "CodeDeployDefault.LambdaCanary10Percent5Minutes"

  alarm_configuration {
    alarms  = var.alarm_names
    enabled = true
  }
}

resource "aws_codedeploy_deployment_group" "worker" {
  app_name               = aws_codedeploy_app.api.name
  deployment_group_name  = "worker-live"
  service_role_arn       = aws_iam_role.codedeploy.arn
  deployment_config_name = var.deployment_config

  dynamic "alarm_configuration" {
    for_each = var.alarm_names
    content {
      alarms = [alarm_configuration.value]
    }
  }
}

resource "aws_codedeploy_deployment_group" "canary" {
  app_name               = aws_codedeploy_app.api.name
  deployment_group_name  = "canary"
  service_role_arn       = aws_iam_role.codedeploy.arn
  deployment_config_name = "CodeDeployDefault.LambdaCanary10Percent5Minutes"

  dynamic "alarm_configuration" {
    for_each = length(var.alarm_names) > 0 ? [1] : []
    content {
      alarms  = var.alarm_names
      enabled = true
    }
  }
}
""", name="main.tf", title="Terraform alarms from a variable, a dynamic block"),
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
