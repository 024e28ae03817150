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
| traffic shifting | an alias whose `UpdatePolicy` names an `AWS::CodeDeploy::DeploymentGroup` | `DeploymentPreference` | serverless-plugin-canary-deployments |
| file systems | `FileSystemConfigs` | same | `fileSystemConfig` |

A value that does not resolve (a parameter, an unresolved `${opt:...}`) stays as written with its
origin, and rules treat it as unknown. Computed once per function (`Template.analyses`).
"""

from __future__ import annotations

from typing import NamedTuple

from lambdalint.located import Located, default
from lambdalint.model import Function

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
    if not node.is_literal or isinstance(node.value, bool):
        return None
    try:
        return int(str(node.value).strip())
    except ValueError:
        return None


def deployment(function: Function) -> Deployment:
    cache = function.template.analyses.setdefault("deployment", {})
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
    preference = prop("DeploymentPreference") if sam else default(None, span)
    for logical_id, resource in function.template.resources.items():
        kind = resource.get("Type")
        if kind is None or kind.value not in (ALIAS, VERSION):
            continue
        if function.name not in _named_functions(resource.get("Properties", "FunctionName")):
            continue
        versions = versions or kind.value == VERSION
        shifted = _codedeploy(function, resource) if kind.value == ALIAS and not sam else None
        if shifted is not None:
            preference, alias = shifted
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
        deployment_preference=preference,
    )


_CODEDEPLOY_PREFIX = "CodeDeployDefault.Lambda"


def _codedeploy(function: Function, alias: Located) -> tuple[Located, Located] | None:
    """An alias CodeDeploy shifts traffic to (`UpdatePolicy.CodeDeployLambdaAliasUpdate`), in
    SAM's spelling: `DeploymentPreference` (`Type` from the group's `DeploymentConfigName`,
    `Alarms` from its `AlarmConfiguration`) and the alias's name. A group outside the template
    (or a configuration of the user's own) stays unknown."""
    group_name = alias.get("UpdatePolicy", "CodeDeployLambdaAliasUpdate", "DeploymentGroupName")
    if group_name is None:
        return None
    name = alias.get("Properties", "Name") or default("(alias)", alias.span)
    ids = _named_functions(group_name)
    group = function.template.resources.get(next(iter(ids))) if len(ids) == 1 else None
    properties = group.get("Properties") if group is not None else None
    if group is None or properties is None or not isinstance(properties.value, dict):
        return Located("?", group_name.span, "unresolved"), name
    config = properties.get("DeploymentConfigName")
    text = config.str_value() if config is not None else None
    entries: dict[str, Located] = {}
    if config is None:  # CodeDeploy's own default for Lambda
        entries["Type"] = default("AllAtOnce", group.key_span or group.span)
    elif text is not None and text.startswith(_CODEDEPLOY_PREFIX):
        entries["Type"] = Located(text[len(_CODEDEPLOY_PREFIX):], config.span, config.origin, config.key_span)
    else:
        entries["Type"] = config
    alarms = properties.get("AlarmConfiguration")
    if alarms is not None:
        enabled = alarms.get("Enabled") if isinstance(alarms.value, dict) else None
        if enabled is not None and enabled.is_literal and enabled.value in (False, "false", "False"):
            entries["Alarms"] = Located([], enabled.span)
        else:
            listed = alarms.get("Alarms") if isinstance(alarms.value, dict) else alarms
            if listed is not None:
                entries["Alarms"] = listed
    preference = Located(entries, properties.span, properties.origin, group.key_span)
    return preference, name


def _named_functions(node: Located | None) -> set[str]:
    from lambdalint.triggers import referenced_ids

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


def _canary_plugin(function: Function) -> tuple[Located, Located]:
    """serverless-plugin-canary-deployments' `deploymentSettings` (over `custom.deploymentSettings`)
    in SAM's spelling (`Type`, `Alarms`), and its alias; only when the service lists the plugin."""
    from lambdalint.loaders.cloudformation import merge_defaults
    from lambdalint.loaders.serverless import plugins

    span, root = function.span, function.template.root
    own = function.properties.get("deploymentSettings")
    if own is None or not isinstance(own.value, dict) or _CANARY_PLUGIN not in plugins(root):
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
