"""How a function is deployed, read the same way from every dialect: SnapStart, published versions
and aliases, provisioned concurrency, tracing, ephemeral storage, file systems, traffic shifting.

Rules ask `deployment(function)` and never read the dialect's spelling:

| setting | CloudFormation | SAM (own or `Globals.Function`) | Serverless |
|---|---|---|---|
| SnapStart | `SnapStart.ApplyOn` | same | `snapStart: true` |
| versions | an `AWS::Lambda::Version` naming it | `AutoPublishAlias` (or such a resource) | always, unless `provider.versionFunctions: false` |
| provisioned concurrency | `ProvisionedConcurrencyConfig` of an `AWS::Lambda::Alias` / `Version` naming it | `ProvisionedConcurrencyConfig` | `provisionedConcurrency` (the framework adds the alias) |
| tracing | `TracingConfig.Mode` | `Tracing` | `tracing` (function), `provider.tracing.lambda` |
| ephemeral storage | `EphemeralStorage.Size` | same | `ephemeralStorageSize` |
| file systems | `FileSystemConfigs` | same | `fileSystemConfig` |
| traffic shifting | an `AWS::CodeDeploy::DeploymentGroup` an alias's `CodeDeployLambdaAliasUpdate` names | `DeploymentPreference` | serverless-plugin-canary-deployments' `deploymentSettings` |

Terraform functions (a resource or a lambda module call) get their `Deployment` from the loader
(`lambdalint.loaders.terraform_deploy`); its CodeDeploy deployment groups, which name no function,
come from the loader too (`Template.traffic_shifts`). `traffic_shifts(template)` lists every gradual deployment.

A value that does not resolve (a parameter, an unresolved `${opt:...}`) stays as written with its
origin, and rules treat it as unknown. Computed once per function (`Template.analyses`).
"""

from __future__ import annotations

from typing import NamedTuple

from lambdalint.located import Located, default
from lambdalint.model import Function, Template, TrafficShift
from lambdalint.triggers import referenced_ids  # at the top: asked per alias and version per function

ALIAS = "AWS::Lambda::Alias"
VERSION = "AWS::Lambda::Version"


class Provisioned(NamedTuple):
    """One provisioned-concurrency setting: the amount as written, and what it is set on."""

    amount: Located
    target: str  # "alias", "version" or "$LATEST"
    owner: str   # the resource or key that carries it, for messages


class Deployment(NamedTuple):
    snap_start: Located            # "PublishedVersions" / "None"; default None
    publishes_version: bool        # a version (and so a SnapStart snapshot) is ever published
    alias: Located                 # SAM `AutoPublishAlias`, an alias CodeDeploy shifts; default None
    provisioned: list[Provisioned]
    tracing: Located               # "Active" / "PassThrough"; default None
    ephemeral_storage: Located     # MB; default 512
    file_systems: Located          # a list (possibly empty); default []
    deployment_preference: Located  # SAM `DeploymentPreference`; default None

    @property
    def snap_start_on(self) -> bool | None:
        """True/False, or None when the setting does not resolve."""
        value = self.snap_start
        if value.value is None:
            return False
        if not value.is_literal:
            return None
        return str(value.value) == "PublishedVersions"

    @property
    def tracing_active(self) -> bool | None:
        value = self.tracing
        if value.value is None:
            return False
        if not value.is_literal:
            return None
        return value.value is True or str(value.value) == "Active"


def number(node: Located) -> int | None:
    """A literal whole number (YAML may quote it), else None."""
    # Unset (None, the default of most functions) is answered first: `int("None")` would raise and
    # catch a ValueError for every function of the run.
    if node.value is None or not node.is_literal or isinstance(node.value, bool):
        return None
    try:
        return int(str(node.value).strip())
    except ValueError:
        return None


def deployment(function: Function) -> Deployment:
    if function.deployment is not None:  # read by its loader (Terraform)
        return function.deployment  # type: ignore[no-any-return]
    cache = function.template.analyses.get("deployment")
    if cache is None:
        cache = function.template.analyses["deployment"] = {}
    assert isinstance(cache, dict)
    found = cache.get(id(function))
    if found is None:
        found = cache[id(function)] = (_serverless(function) if function.kind == "serverless"
                                       else _cloudformation(function))
    return found  # type: ignore[no-any-return]


def _cloudformation(function: Function) -> Deployment:
    props, span = function.properties, function.span

    def prop(*path: str, fallback: object = None) -> Located:
        found = props.get(*path)
        return found if found is not None else default(fallback, span)

    sam = function.kind == "AWS::Serverless::Function"
    alias = prop("AutoPublishAlias") if sam else default(None, span)
    provisioned: list[Provisioned] = []
    own = props.get("ProvisionedConcurrencyConfig", "ProvisionedConcurrentExecutions") if sam else None
    if own is not None:
        provisioned.append(Provisioned(own, "alias" if alias.value is not None else "$LATEST",
                                       "ProvisionedConcurrencyConfig"))
    versions = False
    for logical_id, resource in function.template.resources_of(ALIAS, VERSION):
        kind = resource.get("Type")
        assert kind is not None
        if function.name not in _named_functions(resource.get("Properties", "FunctionName")):
            continue
        versions = versions or kind.value == VERSION
        amount = resource.get("Properties", "ProvisionedConcurrencyConfig", "ProvisionedConcurrentExecutions")
        if amount is not None:
            version = resource.get("Properties", "FunctionVersion") if kind.value == ALIAS else None
            latest = version is not None and version.is_literal and str(version.value) == "$LATEST"
            target = "$LATEST" if latest else "alias" if kind.value == ALIAS else "version"
            provisioned.append(Provisioned(amount, target, logical_id))
    return Deployment(
        snap_start=prop("SnapStart", "ApplyOn"),
        publishes_version=versions or alias.value is not None,
        alias=alias,
        provisioned=provisioned,
        tracing=prop("Tracing") if sam else prop("TracingConfig", "Mode"),
        ephemeral_storage=prop("EphemeralStorage", "Size", fallback=512),
        file_systems=prop("FileSystemConfigs", fallback=[]),
        deployment_preference=prop("DeploymentPreference") if sam else default(None, span),
    )


def _named_functions(node: Located | None) -> set[str]:
    if node is None:
        return set()
    names = referenced_ids(node)
    if node.is_literal and isinstance(node.value, str):
        names.add(node.value)
    return names


def _serverless(function: Function) -> Deployment:
    config, span = function.properties, function.span
    provider = function.template.root.get("provider") or Located({}, span)

    def own(key: str, fallback: object = None) -> Located:
        found = config.get(key)
        return found if found is not None else default(fallback, span)

    snap = config.get("snapStart")
    if snap is not None and snap.is_literal:
        snap = Located("PublishedVersions" if snap.value is True else "None", snap.span, snap.origin, snap.key_span)
    versioning = provider.get("versionFunctions")
    publishes = versioning is None or not versioning.is_literal or versioning.value is not False
    amount = config.get("provisionedConcurrency")
    tracing = config.get("tracing")
    if tracing is None:
        inherited = provider.get("tracing", "lambda")
        service_wide = provider.get("tracing")
        if inherited is None and service_wide is not None and service_wide.value is True:
            # serverless-plugin-tracing's spelling (`provider.tracing: true`): the plugin turns
            # active tracing on for every function; without it the framework ignores a bare `true`
            from lambdalint.loaders.serverless import plugins

            inherited = service_wide if _TRACING_PLUGIN in plugins(function.template.root) else None
        tracing = Located(inherited.value, inherited.span, "provider" if inherited.origin == "explicit"
                          else inherited.origin, inherited.key_span) if inherited is not None else None
    file_system = config.get("fileSystemConfig")
    preference, alias = _canary_plugin(function)
    return Deployment(
        snap_start=snap if snap is not None else default(None, span),
        publishes_version=publishes,
        alias=alias,
        # The framework publishes a version and points a `provisioned` alias at it.
        provisioned=[Provisioned(amount, "alias", "provisionedConcurrency")] if amount is not None else [],
        tracing=tracing if tracing is not None else default(None, span),
        ephemeral_storage=own("ephemeralStorageSize", 512),
        file_systems=Located([file_system], file_system.span) if file_system is not None else default([], span),
        deployment_preference=preference,
    )


_CANARY_PLUGIN = "serverless-plugin-canary-deployments"


_TRACING_PLUGIN = "serverless-plugin-tracing"


def _canary_plugin(function: Function) -> tuple[Located, Located]:
    """serverless-plugin-canary-deployments' `deploymentSettings` (over `custom.deploymentSettings`)
    in SAM's spelling (`Type`, `Alarms`), and its alias; only when the service lists the plugin."""
    span, root = function.span, function.template.root
    own = function.properties.get("deploymentSettings")
    if own is None or not isinstance(own.value, dict):
        return default(None, span), default(None, span)
    from lambdalint.loaders.cloudformation import merge_defaults  # only a function that has settings
    from lambdalint.loaders.serverless import plugins

    if _CANARY_PLUGIN not in plugins(root):
        return default(None, span), default(None, span)
    defaults = root.get("custom", "deploymentSettings")
    merged = merge_defaults(own, defaults, "provider") if defaults is not None else own
    spelled = {"Type": merged.get("type"), "Alarms": merged.get("alarms")}
    preference = Located({k: v for k, v in spelled.items() if v is not None}, merged.span, merged.origin, own.key_span)
    # The plugin manages its alias; without one written, its own default is not second-guessed.
    alias = merged.get("alias") or Located("(plugin)", span, "default")
    return preference, alias


BATCH_KINDS = ("sqs", "kinesis", "dynamodb")


def reports_batch_failures(trigger: object) -> bool | None:
    """Whether an SQS, Kinesis or DynamoDB trigger reads a partial batch response:
    `FunctionResponseTypes: [ReportBatchItemFailures]` (SAM event, `AWS::Lambda::EventSourceMapping`),
    Serverless `functionResponseType: ReportBatchItemFailures` (`sqs`, `stream`). None when the
    value does not resolve or the trigger is of another kind."""
    kind = getattr(trigger, "kind", None)
    if kind not in BATCH_KINDS:
        return None
    setting = trigger.setting  # type: ignore[attr-defined]
    node = setting("FunctionResponseTypes")
    if node is None:
        node = setting("functionResponseType")
    if node is None:
        return False
    values = node.elements()
    if node.intrinsic is not None or any(not v.is_literal for v in values):
        return None
    return any(str(v.value) == "ReportBatchItemFailures" for v in values)


# How each way of declaring an event source spells `ReportBatchItemFailures` (LL210's hint).
_BATCH_SETTING = {
    "serverless-event": "`functionResponseType: ReportBatchItemFailures` to the event",
    "aws_lambda_event_source_mapping": '`function_response_types = ["ReportBatchItemFailures"]` to the mapping',
    "module": '`function_response_types = ["ReportBatchItemFailures"]` to the `event_source_mapping` entry',
}


def batch_failures_setting(trigger: object) -> str:
    """What to add so an event source reads partial batch responses, in its own spelling."""
    declared_by = getattr(trigger, "declared_by", "")
    function = getattr(trigger, "function", None)
    if function is not None and function.template.dialect == "cdk":
        return "`report_batch_item_failures=True` to the event source"
    return _BATCH_SETTING.get(declared_by, "`FunctionResponseTypes: [ReportBatchItemFailures]` to the event source")


# ---------------------------------------------------------------- traffic shifting

_GRADUAL = ("Canary", "Linear")
_LAMBDA_CONFIG = "CodeDeployDefault.Lambda"
DEPLOYMENT_GROUP = "AWS::CodeDeploy::DeploymentGroup"


def is_gradual(config: Located) -> bool:
    """`Canary10Percent5Minutes` (SAM, the plugin) or `CodeDeployDefault.LambdaLinear...`
    (CodeDeploy): a deployment that shifts traffic step by step. False when it does not resolve."""
    text = config.str_value()
    if text is None:
        return False
    text = text.strip()
    return text.removeprefix(_LAMBDA_CONFIG).startswith(_GRADUAL)


def listed_alarms(node: Located | None, enabled: Located | None = None) -> Located | None:
    """The alarms as written, None when none are listed (absent, empty, or turned off with a
    literal `false`); anything that does not resolve counts as listed."""
    if enabled is not None and enabled.is_literal and enabled.value in (False, "false", "False"):
        return None
    if node is None or (node.intrinsic is None and node.value in ([], None, "")):
        return None
    return node


def traffic_shifts(template: Template) -> list[TrafficShift]:
    """Every gradual deployment of the template: its functions' `DeploymentPreference` (SAM, the
    canary plugin), CodeDeploy deployment groups among its resources, and those the loader read
    (Terraform)."""
    found: list[TrafficShift] = []
    for function in template.functions:
        shift = _preference_shift(function)
        if shift is not None:
            found.append(shift)
    found.extend(_deployment_groups(template))
    found.extend(template.traffic_shifts)
    return found


def enabled_preference(function: Function) -> Located | None:
    """The function's SAM/Serverless `DeploymentPreference`, when it is a mapping that is on (not
    disabled, and not switched by a condition lambdalint does not evaluate)."""
    preference = deployment(function).deployment_preference
    if not isinstance(preference.value, dict) or preference.intrinsic is not None:
        return None
    enabled = preference.get("Enabled")
    if enabled is not None and (not enabled.is_literal or enabled.value in (False, "false", "False")):
        return None
    return preference


def _preference_shift(function: Function) -> TrafficShift | None:
    preference = enabled_preference(function)
    if preference is None:
        return None
    kind = preference.get("Type")
    if kind is None or not is_gradual(kind):
        return None
    hint = "`deploymentSettings.alarms`" if function.kind == "serverless" else "`DeploymentPreference.Alarms`"
    return TrafficShift(kind, listed_alarms(preference.get("Alarms")), hint, f"`{function.name}`", function.name)


def _deployment_groups(template: Template) -> list[TrafficShift]:
    """`AWS::CodeDeploy::DeploymentGroup`s with a Lambda `Canary`/`Linear` configuration, each
    with the function of every alias whose `UpdatePolicy.CodeDeployLambdaAliasUpdate` names it."""
    groups = dict(template.resources_of(DEPLOYMENT_GROUP))
    if not groups:
        return []
    shifted: dict[str, list[str]] = {}
    for _, resource in template.resources_of(ALIAS):
        update = resource.get("UpdatePolicy", "CodeDeployLambdaAliasUpdate")
        if update is None:
            continue
        group = update.get("DeploymentGroupName")
        named = referenced_ids(group) if group is not None else set()
        functions = _named_functions(resource.get("Properties", "FunctionName"))
        for logical_id in named & set(groups):
            shifted.setdefault(logical_id, []).extend(
                f.name for f in template.functions if f.name in functions)
    found: list[TrafficShift] = []
    for logical_id, resource in groups.items():
        props = resource.get("Properties")
        config = props.get("DeploymentConfigName") if props is not None else None
        if config is None or not is_gradual(config):
            continue
        setting = props.get("AlarmConfiguration")  # type: ignore[union-attr]
        if setting is not None and (setting.intrinsic is not None or not isinstance(setting.value, dict)):
            alarms: Located | None = setting
        else:
            alarms = listed_alarms(setting.get("Alarms"), setting.get("Enabled")) if setting is not None else None
        hint = (f"`alarms=[...]` of the `LambdaDeploymentGroup` `{logical_id}` (or its `add_alarm`)"
                if template.dialect == "cdk" else f"`AlarmConfiguration.Alarms` of the deployment group `{logical_id}`")
        names = shifted.get(logical_id) or [None]
        for name in dict.fromkeys(names):
            owner = f"`{name}` (deployment group `{logical_id}`)" if name else f"deployment group `{logical_id}`"
            found.append(TrafficShift(config, alarms, hint, owner, name))
    return found
