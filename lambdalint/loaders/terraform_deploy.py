"""How a Terraform function is deployed (`lambdalint.deploy.Deployment`), read by its loader.

| setting | `aws_lambda_function` | lambda module call |
|---|---|---|
| SnapStart | `snap_start { apply_on }` | `snap_start = true` |
| versions | `publish = true` | `publish = true` |
| provisioned concurrency | an `aws_lambda_provisioned_concurrency_config` naming it | `provisioned_concurrent_executions` (not -1) |
| tracing | `tracing_config { mode }` | `tracing_mode` |
| ephemeral storage | `ephemeral_storage { size }` (512) | `ephemeral_storage_size` (512) |
| file systems | `file_system_config` blocks | `file_system_arn` |

A provisioned-concurrency config's `qualifier` says what it is set on: `"$LATEST"`, an
`aws_lambda_alias` (on `$LATEST` when the alias's `function_version` is), or the function's
`.version`, which is `$LATEST` while the function does not `publish`. The lambda module sets it on
the function's `.version` the same way. A value that does not resolve counts as published, on an
alias: unknown, never reported.
"""

from __future__ import annotations

from lambdalint.deploy import Deployment, Provisioned
from lambdalint.located import Located, default
from lambdalint.loaders.terraform_module import FUNCTION, TerraformModule, _first_block
from lambdalint.loaders.terraform_triggers import names_function
from lambdalint.model import Function

CONFIG = "aws_lambda_provisioned_concurrency_config"
ALIAS = "aws_lambda_alias"


def _publishes(node: Located | None) -> bool:
    """`publish`: True when set true or not static (then not second-guessed)."""
    return node is not None and (node.value is True or not node.is_literal)


def resource_deployment(module: TerraformModule, function: Function) -> Deployment:
    body, span = function.properties, function.span

    def nested(block: str, key: str, fallback: object = None) -> Located:
        dynamic = body.get(f"dynamic {block}")
        if dynamic is not None:  # made by a `dynamic` block: not known statically
            return Located(f"dynamic {block}", dynamic.span, "unresolved", dynamic.key_span)
        found = _first_block(body, block)
        value = found.get(key) if found is not None else None
        return value if value is not None else default(fallback, span)

    publishes = _publishes(body.get("publish"))
    provisioned = []
    for (kind, name), block in module.resources.items():
        if kind != CONFIG:
            continue
        config = module.value(block)
        amount = config.get("provisioned_concurrent_executions")
        if amount is None or not names_function(module, function, _through_alias(module, config.get("function_name"))):
            continue
        provisioned.append(Provisioned(amount, _target(module, config.get("qualifier"), publishes),
                                       f"{module.prefix}{kind}.{name}"))
    file_systems = body.get("file_system_config")
    return Deployment(
        snap_start=nested("snap_start", "apply_on"),
        publishes_version=publishes,
        alias=default(None, span),
        provisioned=provisioned,
        tracing=nested("tracing_config", "mode"),
        ephemeral_storage=nested("ephemeral_storage", "size", 512),
        file_systems=file_systems if file_systems is not None else default([], span),
        deployment_preference=default(None, span),
    )


def _through_alias(module: TerraformModule, node: Located | None) -> Located | None:
    """`aws_lambda_alias.live.function_name` names what the alias's own `function_name` names."""
    ref = module.reference(node)
    if ref is not None and ref[0] == ALIAS and (ALIAS, ref[1]) in module.resources:
        return module.value(module.resources[(ALIAS, ref[1])]).get("function_name")
    return node


def _target(module: TerraformModule, qualifier: Located | None, publishes: bool) -> str:
    if qualifier is None:
        return "alias"  # Terraform requires one: an incomplete block is not judged
    if qualifier.is_literal:
        text = str(qualifier.value).strip()
        return "$LATEST" if text == "$LATEST" else "version" if text.isdigit() else "alias"
    ref = module.reference(qualifier)
    if ref is not None and ref[0] == ALIAS and (ALIAS, ref[1]) in module.resources:
        version = module.value(module.resources[(ALIAS, ref[1])]).get("function_version")
        latest = version is not None and version.is_literal and str(version.value).strip() == "$LATEST"
        return "$LATEST" if latest else "alias"
    if ref is not None and ref[0] == FUNCTION and ref[2] == "version" and (FUNCTION, ref[1]) in module.resources:
        published = _publishes(module.value(module.resources[(FUNCTION, ref[1])]).get("publish"))
        return "version" if published else "$LATEST"
    return "alias"


def module_deployment(function: Function, body: Located) -> Deployment:
    """A lambda module call's inputs, with the module's defaults."""
    span = function.span

    def given(key: str, fallback: object = None) -> Located:
        found = body.get(key)
        return found if found is not None else default(fallback, span)

    snap = body.get("snap_start")
    if snap is not None and snap.is_literal:
        snap = Located("PublishedVersions" if snap.value is True else "None", snap.span, snap.origin, snap.key_span)
    publishes = _publishes(body.get("publish"))
    amount = body.get("provisioned_concurrent_executions")
    provisioned = []
    if amount is not None and not (amount.is_literal and amount.value == -1):
        provisioned.append(Provisioned(amount, "version" if publishes else "$LATEST",
                                       "provisioned_concurrent_executions"))
    file_system = body.get("file_system_arn")
    return Deployment(
        snap_start=snap if snap is not None else default(None, span),
        publishes_version=publishes,
        alias=default(None, span),
        provisioned=provisioned,
        tracing=given("tracing_mode"),
        ephemeral_storage=given("ephemeral_storage_size", 512),
        file_systems=Located([file_system], file_system.span) if file_system is not None else default([], span),
        deployment_preference=default(None, span),
    )
