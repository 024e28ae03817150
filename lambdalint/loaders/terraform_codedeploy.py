"""Terraform CodeDeploy deployment groups that shift Lambda traffic step by step
(`aws_codedeploy_deployment_group` with `deployment_config_name = "CodeDeployDefault.LambdaCanary..."`
or `...Linear...`), as `TrafficShift`s of the file that holds each group.

Such a group names no function: the deployment that uses it (an AppSpec, a pipeline) does, so the
shift stands alone. Its alarms are the `alarm_configuration` block's `alarms`; a `dynamic` block,
a reference or a value that does not resolve counts as alarms listed.
"""

from __future__ import annotations

from typing import Iterator

from lambdalint.located import Located
from lambdalint.model import TrafficShift

GROUP = "aws_codedeploy_deployment_group"


def deployment_groups(module: object) -> Iterator[tuple[str, TrafficShift]]:
    """(the display path of the file with the block, its shift) for each such group."""
    from lambdalint.deploy import is_gradual, listed_alarms
    from lambdalint.loaders.terraform_module import never_created

    for (kind, name), block in module.resources.items():  # type: ignore[attr-defined]
        if kind != GROUP or never_created(module, block):  # type: ignore[arg-type]
            continue
        body = module.value(block)  # type: ignore[attr-defined]
        config = body.get("deployment_config_name")
        if config is None or not is_gradual(config):
            continue
        dynamic = body.get("dynamic alarm_configuration")
        setting = body.get("alarm_configuration")
        first = setting.value[0] if setting is not None and isinstance(setting.value, list) and setting.value else None
        alarms: Located | None
        if dynamic is not None:
            alarms = dynamic
        elif first is None or not isinstance(first.value, dict):
            alarms = None
        else:
            alarms = listed_alarms(first.get("alarms"), first.get("enabled"))
        address = f"{module.prefix}{GROUP}.{name}"  # type: ignore[attr-defined]
        yield block.file.display, TrafficShift(config, alarms, "`alarm_configuration { alarms = [...] }` of the deployment group",
                           f"deployment group `{address}`")
