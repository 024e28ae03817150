"""The public API for rule authors: built-in rules and plugins import only from here.

The IAM, package-sizing and schedule helpers are loaded on first use (PEP 562 `__getattr__`):
only template rules need them, and those do not run when an editor saves a handler
(`Rule.reports_in`). Rules import such names inside the function that uses them. So are the code
fixes (`MoveToModuleScope`, `movable`): `to_module_scope` imports them when a finding needs one.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Callable, Iterable

from lambdalint.findings import Finding, Related, Severity
from lambdalint.located import Located, Span
from lambdalint.model import RESOURCE_POLICY_SERVICES, Function, Project, Template
from lambdalint.rule import Context, Example, Option, Rule, bad, good
from lambdalint.triggers import (
    ScheduleExpression, Trigger, function_triggers, referenced_ids, schedule_expressions,
    template_triggers,
)
from lambdalint.platform_access import platform_services
from lambdalint.platform_access import uses as platform_uses
from lambdalint.platform_access import uses_service as platform_uses_service
from lambdalint.code.analysis import CodeAnalysis, Handler, Reached
from lambdalint.code.aws import aws_calls
from lambdalint.code.facts import (AWS_NAMES, ENV_NAMES, EVENT_S3_BUCKET, EVENT_SNS_TOPIC, UNKNOWN_ARG, Arg, CallFact,
                                   FunctionFacts, ModuleFacts, MutationFact)
from lambdalint.code.connections import HTTP as HTTP_POOLS, NAMES as CONNECTION_NAMES, connection
from lambdalint.code.platform import (AFTER_RESTORE, BATCH_NAMES, TRACER_NAMES, UNIQUE_NAMES, XRAY_NAMES, Use,
                                      batch_response, handler_modules, restores, snapshot_unique_values,
                                      tracing_use)
from lambdalint.code_links import RUNTIME_VARIABLES, environment_known, reachable_env, variables_naming
from lambdalint.code.report import (CONTEXT_NAMES, call_findings, called_as_written, code_analysis, handler_owner,
                                    handler_related, to_module_scope)
from lambdalint.secrets import SecretMatch, find_secret, is_placeholder, is_secret_name
from lambdalint.config import ConfigError
from lambdalint.registry import Registry
from lambdalint.suppress import Directive, SuppressionRun, file_directives, per_file_ignored


def suppression_run(ctx: Context) -> SuppressionRun | None:
    """For a rule with `after_suppressions=True`: which suppressions matched and which rules ran."""
    from lambdalint.suppress import suppression_run as stored

    return stored(ctx.project)

if TYPE_CHECKING:
    from lambdalint.iam import (ExecutionRole, ManagedPolicyRef, Statement, action_accepts_only_star,
                                aws_managed_policy_name, execution_role, is_wildcard_resource,
                                narrowing_conditions)
    from lambdalint.package_size import (MB, Bloat, PackageSize, format_bytes, normalize_name,
                                         top_contributors_text)
    from lambdalint.packages import (CodeSource, FunctionPackage, LayerRef, PackageAnalysis, Shipped,
                                     package_analysis)
    from lambdalint.schedule import schedule_error
    from lambdalint.routes import Route, open_routes
    from lambdalint.deploy import (Deployment, Provisioned, batch_failures_setting, deployment, enabled_preference,
                                   number, reports_batch_failures, traffic_shifts)

_LAZY = {
    "lambdalint.iam": ("ExecutionRole", "ManagedPolicyRef", "Statement", "action_accepts_only_star",
                       "aws_managed_policy_name", "execution_role", "is_wildcard_resource",
                       "narrowing_conditions"),
    "lambdalint.package_size": ("MB", "Bloat", "PackageSize", "format_bytes", "normalize_name",
                                "top_contributors_text"),
    "lambdalint.packages": ("CodeSource", "FunctionPackage", "LayerRef", "PackageAnalysis", "Shipped",
                            "package_analysis"),
    "lambdalint.schedule": ("schedule_error",),
    "lambdalint.code.fix": ("MoveToModuleScope", "movable"),
    "lambdalint.routes": ("Route", "open_routes"),
    "lambdalint.deploy": ("Deployment", "Provisioned", "batch_failures_setting", "deployment", "enabled_preference",
                          "number", "reports_batch_failures", "traffic_shifts"),
}
_LAZY_HOME = {name: module for module, names in _LAZY.items() for name in names}


def __getattr__(name: str) -> object:
    module = _LAZY_HOME.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # later lookups are plain attribute reads
    return value

__all__ = [
    "Context", "Example", "RESOURCE_POLICY_SERVICES", "Finding", "Function", "Located", "Option", "Project", "Related", "Rule",
    "Severity", "Span", "Template", "bad", "environment_values", "good", "key_name", "name_list", "per_value",
    "where_to_set",
    # where handler code meets configuration (LL109, LL205, LL209)
    "RUNTIME_VARIABLES", "environment_known", "reachable_env", "variables_naming",
    # triggers (what invokes a function) and schedule expressions
    "ScheduleExpression", "Trigger", "function_triggers", "referenced_ids", "schedule_error",
    "schedule_expressions", "template_triggers",
    # what the platform does with a function's role, whatever its code calls (LL301, LL322)
    "platform_services",
    "platform_uses",
    "platform_uses_service",
    # handler code (lambdalint.code)
    "AWS_NAMES", "Arg", "CONTEXT_NAMES", "ENV_NAMES", "EVENT_S3_BUCKET", "EVENT_SNS_TOPIC", "UNKNOWN_ARG", "CallFact", "CodeAnalysis", "FunctionFacts", "Handler", "ModuleFacts",
    "MoveToModuleScope", "MutationFact", "Reached", "aws_calls", "call_findings", "called_as_written", "code_analysis",
    "handler_owner", "handler_related", "movable", "to_module_scope",
    # platform features in handler code: partial batch responses, tracing, SnapStart (LL110, LL210, LL211)
    "AFTER_RESTORE", "BATCH_NAMES", "TRACER_NAMES", "UNIQUE_NAMES", "XRAY_NAMES", "Use", "batch_response",
    "handler_modules", "restores", "snapshot_unique_values", "tracing_use",
    # how a function is deployed: SnapStart, versions, provisioned concurrency, tracing (LL211-LL214)
    "Deployment", "Provisioned", "batch_failures_setting", "deployment", "enabled_preference", "number",
    "reports_batch_failures", "traffic_shifts",
    # API routes that invoke a function without authorization (LL216)
    "Route", "open_routes",
    # what opens a database, cache or HTTP connection (LL102, LL202)
    "CONNECTION_NAMES", "HTTP_POOLS", "connection",
    # IAM: the effective policy of a function's execution role
    "ExecutionRole", "ManagedPolicyRef", "Statement", "action_accepts_only_star",
    "aws_managed_policy_name", "execution_role", "is_wildcard_resource", "narrowing_conditions",
    "execution_roles", "function_role",
    "statements_once",
    # secrets: one detector for environment variables and handler code
    "SecretMatch", "find_secret", "is_placeholder", "is_secret_name",
    # suppressions as written, and which matched (LL002)
    "ConfigError", "Directive", "Registry", "SuppressionRun", "file_directives", "per_file_ignored", "suppression_run",
    # package sizing (LL4xx)
    "MB", "Bloat", "CodeSource", "FunctionPackage", "LayerRef", "PackageAnalysis", "Shipped",
    "PackageSize", "format_bytes", "normalize_name", "package_analysis", "top_contributors_text",
]

def key_name(function: Function, cloudformation_key: str) -> str:
    """The setting as the function's dialect spells it (the loader knows; messages use it)."""
    return function.shown_name(cloudformation_key)


def where_to_set(function: Function, cloudformation_key: str, *, provider_level: bool = True) -> str:
    """"`Timeout` on the function or in `Globals.Function`", in the function's own dialect."""
    hint = function.set_hint if provider_level else function.own_hint
    return f"`{function.shown_name(cloudformation_key)}` {hint}"


def execution_roles(ctx: Context) -> list[ExecutionRole]:
    """Every function's execution role, built once per run for all IAM rules; roles that cannot
    be read leave a note (shown by `-v`)."""
    from lambdalint.iam import execution_role

    roles = ctx.project.analyses.get("execution-roles")
    if roles is None:
        roles = ctx.project.analyses["execution-roles"] = []
        for function in ctx.project.functions:
            role = _role(ctx.project, function, execution_role)
            if role.note is not None:
                ctx.note(role.note)
            roles.append(role)
    return roles  # type: ignore[return-value]


def function_role(ctx: Context, function: Function) -> ExecutionRole:
    """One function's execution role, built once per run whichever rule asks first (a rule that
    needs a few functions' roles does not make every role, nor its notes)."""
    from lambdalint.iam import execution_role

    return _role(ctx.project, function, execution_role)


def _role(project: Project, function: Function,
          build: Callable[[Function], ExecutionRole]) -> ExecutionRole:
    # `build` is passed in: an import statement per function costs more than a lookup here
    # (Python 3.11 raises and drops an AttributeError for every `import` of a loaded module).
    return project.remember("execution-role", function, lambda: build(function))  # type: ignore[no-any-return]


def statements_once(ctx: Context) -> list[tuple[Statement, list[Function]]]:
    """Each distinct statement of the run's execution roles once, with the functions it applies to
    (a shared role is one place); built once per run for LL301 and LL302."""
    return ctx.project.remember("statements-once", ctx.project,  # type: ignore[no-any-return]
                                lambda: _statements_once(execution_roles(ctx)))


def _statements_once(roles: list[ExecutionRole]) -> list[tuple[Statement, list[Function]]]:
    # Two statements are one when they have the same span, place and written-out value. Writing
    # a value out is the costly part, and most spans and places are met once (or again as the
    # very same node): it is written out only for another node in a place already seen.
    groups: list[tuple[Statement, list[Function]]] = []
    # (span, where) -> [node, its value written out (None until needed), its group]
    places: dict[tuple[Span, str], list[list]] = {}
    for role in roles:
        for statement in role.statements:
            node = statement.node
            entries = places.setdefault((node.span, statement.where), [])
            group = next((entry[2] for entry in entries if entry[0] is node), None)
            if group is None:
                written = repr(node.plain()) if entries else None
                for entry in entries:
                    if entry[1] is None:
                        entry[1] = repr(entry[0].plain())
                    if entry[1] == written:
                        group = entry[2]
                        break
            if group is None:
                group = (statement, [])
                groups.append(group)
                entries.append([node, written, group])
            if all(f is not role.function for f in group[1]):
                group[1].append(role.function)
    return groups


def per_value(pairs: Iterable[tuple[Function, Located]]) -> list[tuple[Located, list[Function]]]:
    """Group (function, value) pairs by the value's span, in first-seen order.

    A value set once in `Globals.Function` or under the Serverless `provider` is inherited by
    every function; reporting it once per function would print the same line N times. Only the
    same value groups: one line of a Terraform module (`runtime = var.runtime`) holds what each
    call gives it.
    """
    groups: dict[tuple[object, ...], tuple[Located, list[Function]]] = {}
    for function, value in pairs:
        key: tuple[object, ...] = (value.span, value.origin, value.value)
        try:
            hash(key)
        except TypeError:  # a mapping or list: the same object when it is inherited
            key = (value.span, id(value))
        groups.setdefault(key, (value, []))[1].append(function)
    return list(groups.values())


def environment_values(functions: Iterable[Function]) -> list[tuple[str, Located, list[Function]]]:
    """Each environment value once (grouped by span, see `per_value`), with the variable name it
    is set under and the functions that get it, in first-seen order.

    The name is kept while grouping: looking it up again in the first function's environment
    afterwards cost a scan (and a generator closed early) per value."""
    names: dict[int, str] = {}
    pairs = []
    for function in functions:
        for name, value in function.environment.items():
            names.setdefault(id(value), name)  # the first function holding a value comes first in its group
            pairs.append((function, value))
    return [(names[id(value)], value, users) for value, users in per_value(pairs)]


def name_list(functions: list[Function], limit: int = 3) -> str:
    """"`A`", "`A` and `B`", "`A`, `B`, `C` and 2 more"; a name several roots give one module's
    function says which root: "`module.api.aws_lambda_function.this` (`environments/dev`)"."""
    shown = functions[:limit]
    twice = {f.name for f in shown if sum(1 for g in shown if g.name == f.name) > 1}
    names = [f"`{f.name}` (`{f.built_for}`)" if f.name in twice and f.built_for else f"`{f.name}`" for f in shown]
    if len(functions) > limit:  # only the names shown are written out: a folder may serve 20k functions
        return f"{', '.join(names)} and {len(functions) - limit} more"
    if len(names) == 1:
        return names[0]
    return f"{', '.join(names[:-1])} and {names[-1]}"
