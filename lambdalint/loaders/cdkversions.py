"""Published versions, aliases and CodeDeploy traffic shifting of CDK functions, as the
CloudFormation resources CDK synthesizes, so `lambdalint.deploy` reads them as it reads a template:

- `fn.current_version`: an `AWS::Lambda::Version` of the function (made on first use);
  `lambda_.Version(lambda_=fn, provisioned_concurrent_executions=...)` too.
- `lambda_.Alias(alias_name=..., version=..., provisioned_concurrent_executions=...)`,
  `version.add_alias(...)` and `fn.add_alias(...)` (on `fn.current_version`): an
  `AWS::Lambda::Alias`; `version=fn.latest_version` points it at `$LATEST`.
- `codedeploy.LambdaDeploymentGroup(alias=..., deployment_config=..., alarms=[...])` and
  `group.add_alarm(...)`: an `AWS::CodeDeploy::DeploymentGroup` (CDK's default configuration is
  `Canary10Percent5Minutes`) named by the alias's `UpdatePolicy`, as `cdk synth` writes it.

`SnapStartConf.ON_PUBLISHED_VERSIONS` is the function's `SnapStart` (`lambdalint.loaders.cdkfunctions`).
"""

from __future__ import annotations

from typing import Any

from lambdalint.loaders.cdkobjects import Construct
from lambdalint.loaders.cdkresources import AppState, resource_maker
from lambdalint.loaders.cdktriggers import keyword_value
from lambdalint.located import Located, Span

FUNCTION = "AWS::Lambda::Function"
VERSION = "AWS::Lambda::Version"
ALIAS = "AWS::Lambda::Alias"
GROUP = "AWS::CodeDeploy::DeploymentGroup"
LATEST = "cdk:latest-version"
VERSION_CLASS = "aws_cdk.aws_lambda.Version"
ALIAS_CLASS = "aws_cdk.aws_lambda.Alias"
GROUP_CLASS = "aws_cdk.aws_codedeploy.LambdaDeploymentGroup"
_CDK_DEFAULT_CONFIG = "CodeDeployDefault.LambdaCanary10Percent5Minutes"


def version_attribute(function: Construct, attribute: str, node: Any, frame: Any, reader: Any) -> Any:
    """`fn.current_version` / `fn.latest_version`; None for any other attribute."""
    if function.kind != FUNCTION or function.resource is None:
        return None
    if attribute == "latest_version":
        return Construct("", LATEST, "", None, {"function": function})
    if attribute == "current_version":
        return current_version(function, node, frame, reader)
    return None


def current_version(function: Construct, node: Any, frame: Any, reader: Any) -> Any:
    found = function.attributes.get("current_version")
    if found is None:
        span = frame.module.span(node)
        found = _make(reader, function, VERSION, {"FunctionName": _ref(function, span)}, node, frame,
                      f"{function.logical_id}CurrentVersion")
        if found:
            function.attributes["current_version"] = found
    return found


def version(keywords: dict[str, Any], head: Span, reader: Any, call: Any, frame: Any) -> Any:
    """`lambda_.Version(self, "V", lambda_=fn, provisioned_concurrent_executions=...)`."""
    function = keywords.get("lambda_", keywords.get("lambda", (None,)))[0]
    if not (isinstance(function, Construct) and function.kind == FUNCTION):
        return None
    properties = {"FunctionName": _ref(function, head)}
    _provisioned(properties, keywords, head)
    return _make(reader, function, VERSION, properties, call, frame)


def alias(target: Any, keywords: dict[str, Any], complete: bool, head: Span, reader: Any, call: Any, frame: Any,
          name: str | None = None, version_span: Span | None = None) -> Any:
    """An alias of `target` (a version, `latest_version`); None when its function is not known."""
    function = target.attributes.get("function") if isinstance(target, Construct) else None
    if not (isinstance(function, Construct) and function.kind == FUNCTION):
        return None
    span = version_span or head
    if target.kind == LATEST:
        pointed = Located("$LATEST", span)
    else:
        pointed = Located({"Fn::GetAtt": Located([Located(target.logical_id, span), Located("Version", span)], span)},
                          span)
    properties = {"FunctionName": _ref(function, head), "FunctionVersion": pointed}
    alias_name = keywords.get("alias_name")
    if alias_name is not None:
        properties["Name"] = keyword_value(alias_name, head)
    if complete:  # a `**props` could hold provisioned concurrency: then it is not known
        _provisioned(properties, keywords, head)
    return _make(reader, function, ALIAS, properties, call, frame, name)


def deployment_group(keywords: dict[str, Any], complete: bool, head: Span, reader: Any, call: Any,
                     frame: Any) -> Any:
    """`LambdaDeploymentGroup(alias=..., deployment_config=..., alarms=[...])`: the group, named
    by the alias's `UpdatePolicy`."""
    target = keywords.get("alias", (None,))[0]
    if not (isinstance(target, Construct) and target.kind == ALIAS and target.resource is not None):
        return None
    config = keywords.get("deployment_config")
    properties: dict[str, Located] = {
        "DeploymentConfigName": keyword_value(config, head) if config is not None
        else Located(_CDK_DEFAULT_CONFIG, head, "default" if complete else "unresolved")}
    alarms = keywords.get("alarms")
    if alarms is not None or not complete:
        listed = keyword_value(alarms, head) if alarms is not None else Located("**", head, "unresolved")
        properties["AlarmConfiguration"] = Located({"Alarms": listed, "Enabled": Located(True, head, "default")},
                                                   listed.span)
    group = _make(reader, target.attributes["function"], GROUP, properties, call, frame)
    if group:
        target.resource.value["UpdatePolicy"] = Located({"CodeDeployLambdaAliasUpdate": Located({
            "DeploymentGroupName": _ref(group, head)}, head)}, head)
    return group


def add_alarm(group: Construct, values: list[Any], span: Span) -> None:
    """`group.add_alarm(alarm)`."""
    if group.resource is None or not values:
        return
    properties = group.resource.value["Properties"].value
    config = properties.setdefault("AlarmConfiguration", Located({"Enabled": Located(True, span, "default")}, span))
    if not isinstance(config.value, dict):
        return
    listed = config.value.setdefault("Alarms", Located([], span))
    if isinstance(listed.value, list) and listed.origin != "unresolved":
        listed.value.append(Located({"Ref": Located(values[0].logical_id, span)}, span)
                            if isinstance(values[0], Construct) else values[0])


def _make(reader: Any, function: Construct, kind: str, properties: dict[str, Located], call: Any, frame: Any,
          name: str | None = None) -> Any:
    """The resource, knowing its function."""
    state: AppState = reader.state
    made = resource_maker(state, reader)(kind, properties, call, frame, name)
    if made:
        made.attributes["function"] = function
    return made


def _provisioned(properties: dict[str, Located], keywords: dict[str, Any], head: Span) -> None:
    amount = keywords.get("provisioned_concurrent_executions")
    if amount is not None:
        value = keyword_value(amount, head)
        properties["ProvisionedConcurrencyConfig"] = Located(
            {"ProvisionedConcurrentExecutions": value}, value.span, key_span=value.key_span)


def _ref(construct: Construct, span: Span) -> Located:
    return Located({"Ref": Located(construct.logical_id, span)}, span)
