"""The effective policy of each function's execution role, as normalised statements with spans.

A function's permissions can live in many places: the CloudFormation role its `Role` points at
(inline `Policies`, `ManagedPolicyArns`, and every `AWS::IAM::Policy` / `ManagedPolicy` /
`RolePolicy` that attaches to that role), SAM's `Policies` (managed policy names or ARNs, inline
documents, policy templates), and the Serverless Framework's `provider.iam.role`, legacy
`iamRoleStatements` / `iamManagedPolicies` and per-function roles. `execution_role(function)` walks
all of them and returns one `ExecutionRole`; the IAM rules only judge statements.

A role defined outside the template (an ARN string, a parameter, an import) is *unknown*: its
policy cannot be read, so the rules report nothing and say so in a note instead of calling it clean.

SAM policy templates are expanded from the `policy_templates.json` that ships with
aws-sam-translator, and the "which actions accept only `*`" table comes from cfn-lint's bundled
`Policies.json`; both files are located with `importlib.util.find_spec` and read as JSON, never
imported (importing either package costs most of a second).
"""

from __future__ import annotations

import importlib.util
import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Iterator, Mapping, NamedTuple

from lambdalint.lazy_pattern import LazyPattern
from lambdalint.loaders.serverless import plugins  # at the top: asked per Serverless function
from lambdalint.located import Located
from lambdalint.model import Function, Template

__all__ = [
    "ExecutionRole", "ManagedPolicyRef", "Statement", "action_accepts_only_star",
    "aws_managed_policy_name", "execution_role", "is_wildcard_resource", "narrowing_conditions",
]

ROLE = "AWS::IAM::Role"
_ATTACHING = ("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy")
# `arn:aws:iam::aws:policy/...`, in every partition (aws, aws-cn, aws-us-gov, aws-iso...).
_AWS_MANAGED_ARN = LazyPattern(r"arn:(?:aws[a-z-]*|\$\{AWS::Partition\}):iam::aws:policy/(?:[^/]+/)*([^/]+)")
_SUB_REF = LazyPattern(r"\$\{([A-Za-z0-9_:]+)(?:\.([A-Za-z0-9_.]+))?\}")
_PLAIN_NAME = LazyPattern(r"[A-Za-z0-9+=,.@_-]+")


class Statement(NamedTuple):
    """One IAM statement of the effective policy.

    `actions` / `resources` hold the `Action` / `Resource` elements (empty when the statement uses
    `NotAction` / `NotResource`, which are kept in `not_action` / `not_resource`). `template` names
    the SAM policy template the statement was expanded from; its values then point at the template's
    entry in `Policies`.
    """

    node: Located
    effect: str | None
    actions: tuple[Located, ...]
    resources: tuple[Located, ...]
    not_action: Located | None
    not_resource: Located | None
    condition: Located | None
    where: str
    template: str | None = None

    @property
    def allows(self) -> bool:
        return self.effect == "Allow"


class ManagedPolicyRef(NamedTuple):
    """A managed policy attached to the role; `name` is set for AWS managed policies only."""

    node: Located
    name: str | None
    where: str


@dataclass
class ExecutionRole:
    """What a function may do: its role's statements and managed policies, or why that is unknown."""

    function: Function
    role: str | None
    statements: list[Statement] = field(default_factory=list)
    managed: list[ManagedPolicyRef] = field(default_factory=list)
    unknown: str | None = None
    # Why the role may hold more than the statements read (a plugin that adds its own), while
    # those statements are still the user's to judge: nothing can be called missing from it.
    extended_by: str | None = None

    @property
    def note(self) -> str | None:
        """The one-line note a rule leaves when this role cannot be judged."""
        if self.unknown is None:
            return None
        return (f"{self.function.label} uses {self.unknown}; "
                "its permissions were not checked")


# ---------------------------------------------------------------- entry point


def execution_role(function: Function) -> ExecutionRole:
    if function.loaded_role is not None:
        return _loaded_role(function)
    if function.kind == "serverless":
        role = _serverless_role(function)
        role.extended_by = _serverless_extension(function)
        return role
    template = function.template
    role = function.properties.get("Role")
    if role is not None and role.value is not None:  # `Role: null` is how some tools write "none"
        return _role_from_reference(function, role)
    if function.kind == "AWS::Serverless::Function":
        found = ExecutionRole(function, role=f"{function.name}Role")
        _sam_policies(found, function.properties.get("Policies"), template)
        _sam_connectors(found, template)
        return found
    return ExecutionRole(function, role=None, unknown="no `Role`")


def _loaded_role(function: Function) -> ExecutionRole:
    """A role the loader resolved (Terraform): its documents and ARNs normalized like the others."""
    loaded = function.loaded_role
    assert loaded is not None
    found = ExecutionRole(function, role=loaded.name, unknown=loaded.unknown)
    for document, where in loaded.documents:
        found.statements.extend(_document(document, where))
    for arn, where in loaded.managed:
        found.managed.append(ManagedPolicyRef(arn, aws_managed_policy_name(arn), where))
    return found


def _role_from_reference(function: Function, reference: Located) -> ExecutionRole:
    logical_id = _referenced_resource(reference, function.template.resources)
    if logical_id is None:
        shown = reference.value if isinstance(reference.value, str) else _describe(reference)
        return ExecutionRole(function, role=None,
                             unknown=f"a role defined outside the template or in another file (`{shown}`)")
    resource = function.template.resources[logical_id]
    kind = resource.get("Type")
    if kind is None or kind.value != ROLE:
        return ExecutionRole(function, role=logical_id,
                             unknown=f"`{logical_id}` as its role, which is not an `{ROLE}`")
    found = ExecutionRole(function, role=logical_id)
    _cloudformation_role(found, logical_id, resource, function.template)
    if function.kind == "AWS::Serverless::Function":
        _sam_connectors(found, function.template)
    return found


def _describe(node: Located) -> str:
    intrinsic = node.intrinsic
    if intrinsic is None:
        return "a computed value"
    name, arg = intrinsic
    inner = arg.value if isinstance(arg.value, str) else "..."
    return f"{name} {inner}"


def _referenced_resource(node: Located, resources: dict[str, Located]) -> str | None:
    """The logical id a `Role` value points at (`!GetAtt R.Arn`, `!Ref R`, `!Sub ...${R.Arn}`)."""
    if isinstance(node.value, str):
        # Serverless lets `role:` name a logical id of `resources.Resources` directly.
        return node.value if node.value in resources else None
    intrinsic = node.intrinsic
    if intrinsic is None:
        return None
    name, arg = intrinsic
    if name == "Fn::GetAtt":
        parts = arg.elements()
        first = parts[0].value if parts else None
        if isinstance(arg.value, str):  # long form with the short form's dotted string
            first = arg.value.partition(".")[0]
        if isinstance(first, str) and first in resources:
            return first
    elif name == "Ref" and isinstance(arg.value, str) and arg.value in resources:
        return arg.value
    elif name == "Fn::Sub":
        text = arg.elements()[0].value if arg.elements() else None
        if isinstance(text, str):
            ids = {m.group(1) for m in _SUB_REF.finditer(text) if m.group(1) in resources}
            if len(ids) == 1:
                return ids.pop()
    return None


# ---------------------------------------------------------------- CloudFormation roles


def _cloudformation_role(found: ExecutionRole, logical_id: str, resource: Located,
                         template: Template) -> None:
    props = resource.get("Properties") or Located({}, resource.span)
    for policy in (props.get("Policies") or Located([], props.span)).elements():
        name = policy.get("PolicyName")
        label = name.value if name is not None and isinstance(name.value, str) else "?"
        found.statements.extend(_document(policy.get("PolicyDocument"),
                                          f"inline policy `{label}` of role `{logical_id}`"))
    for arn in (props.get("ManagedPolicyArns") or Located([], props.span)).elements():
        _managed_arn(found, arn, f"`ManagedPolicyArns` of role `{logical_id}`", template)
    _attached_policies(found, logical_id, template)


def _attached_policies(found: ExecutionRole, logical_id: str, template: Template) -> None:
    """The policy resources of the template that name the role `logical_id` (`Roles`, `RoleName`)."""
    for other_id, other in template.resources_of(*_ATTACHING, "AWS::IAM::RolePolicy"):
        kind = other.get("Type")
        assert kind is not None
        other_props = other.get("Properties") or Located({}, other.span)
        if kind.value in _ATTACHING:
            roles = other_props.get("Roles")
            if roles is not None and any(_points_at(r, logical_id) for r in roles.elements()):
                found.statements.extend(_document(other_props.get("PolicyDocument"),
                                                  f"`{other_id}` attached to role `{logical_id}`"))
        elif kind.value == "AWS::IAM::RolePolicy":
            role_name = other_props.get("RoleName")
            if role_name is not None and _points_at(role_name, logical_id):
                found.statements.extend(_document(other_props.get("PolicyDocument"),
                                                  f"`{other_id}` of role `{logical_id}`"))


def _points_at(node: Located, logical_id: str) -> bool:
    intrinsic = node.intrinsic
    if intrinsic is None:
        return False
    name, arg = intrinsic
    if name == "Ref":
        return arg.value == logical_id
    if name == "Fn::GetAtt":
        parts = arg.elements()
        return bool(parts) and parts[0].value == logical_id
    return False


def _managed_arn(found: ExecutionRole, node: Located, where: str, template: Template) -> None:
    """One `ManagedPolicyArns` entry: an AWS managed policy, or one defined in this template."""
    intrinsic = node.intrinsic
    if intrinsic is not None and intrinsic[0] == "Ref":
        target = intrinsic[1].value
        resource = template.resources.get(target) if isinstance(target, str) else None
        kind = resource.get("Type") if resource is not None else None
        if resource is not None and kind is not None and kind.value == "AWS::IAM::ManagedPolicy":
            props = resource.get("Properties") or Located({}, resource.span)
            found.statements.extend(_document(props.get("PolicyDocument"), f"`{target}` in {where}"))
            return
    found.managed.append(ManagedPolicyRef(node, aws_managed_policy_name(node), where))


def aws_managed_policy_name(node: Located, *, bare_names: bool = False) -> str | None:
    """`AdministratorAccess` for `arn:aws:iam::aws:policy/AdministratorAccess` in any spelling.

    Handles every partition, `!Sub arn:${AWS::Partition}:iam::aws:policy/...` and
    `!Join ['', [arn:, !Ref AWS::Partition, ...]]`. With `bare_names`, a plain name (SAM
    `Policies: AmazonS3ReadOnlyAccess`) counts too. Customer managed policies give None.
    """
    text = _static_text(node)
    if text is None:
        return None
    match = _AWS_MANAGED_ARN.fullmatch(text)
    if match:
        return match.group(1)
    if bare_names and not text.startswith("arn:") and _PLAIN_NAME.fullmatch(text):
        return text
    return None


def _static_text(node: Located) -> str | None:
    """A string value with `AWS::Partition` filled in, or None when it depends on anything else."""
    if isinstance(node.value, str):
        return node.value if node.is_literal else None
    intrinsic = node.intrinsic
    if intrinsic is None:
        return None
    name, arg = intrinsic
    if name == "Fn::Sub":
        parts = arg.elements()
        text = parts[0].value if parts else None
        if not isinstance(text, str):
            return None
        return text.replace("${AWS::Partition}", "aws")
    if name == "Fn::Join":
        parts = arg.elements()
        if len(parts) != 2 or not isinstance(parts[0].value, str):
            return None
        pieces = []
        for piece in parts[1].elements():
            if isinstance(piece.value, str):
                pieces.append(piece.value)
            elif piece.intrinsic is not None and piece.intrinsic[0] == "Ref" \
                    and piece.intrinsic[1].value == "AWS::Partition":
                pieces.append("aws")
            else:
                return None
        return parts[0].value.join(pieces)
    return None


# ---------------------------------------------------------------- policy documents


def _document(document: Located | None, where: str) -> list[Statement]:
    if document is None:
        return []
    statements = document.get("Statement")
    if statements is None:
        return []
    return list(_statements(statements, where))


def _branches(node: Located) -> Iterator[Located]:
    """A statement, or each one `!If [Condition, A, B]` may deploy (`AWS::NoValue` deploys none):
    a grant under a condition is one the role may hold, and the code may rely on it."""
    intrinsic = node.intrinsic
    if intrinsic is None or intrinsic[0] != "Fn::If":
        yield node
        return
    arms = intrinsic[1].value if isinstance(intrinsic[1].value, list) else []
    for arm in arms[1:3]:
        inner = arm.intrinsic
        if inner is not None and inner[0] == "Ref" and inner[1].value == "AWS::NoValue":
            continue
        yield from _branches(arm)


def _statement(node: Located, where: str, template: str | None = None) -> Statement | None:
    fields = node.value
    if not isinstance(fields, dict):
        return None
    # Read from the mapping itself: six `Located.get` calls per statement of every role added up.
    effect = fields.get("Effect")
    action, not_action = fields.get("Action"), fields.get("NotAction")
    resource, not_resource = fields.get("Resource"), fields.get("NotResource")
    return Statement(
        node=node,
        effect=effect.value if effect is not None and isinstance(effect.value, str) else None,
        actions=tuple(action.elements()) if action is not None else (),
        resources=tuple(resource.elements()) if resource is not None else (),
        not_action=not_action,
        not_resource=not_resource,
        condition=fields.get("Condition"),
        where=where,
        template=template,
    )


def is_wildcard_resource(node: Located) -> bool:
    """`*`, or an ARN whose resource part is only `*` (`arn:aws:s3:::*`)."""
    text = node.str_value()
    if text is None:
        return False
    text = re.sub(r"\$\{AWS::[A-Za-z]+\}", "x", text)  # pseudo parameters hold colons in their names
    return text == "*" or re.fullmatch(r"arn:[^:]*:[^:]*:[^:]*:[^:]*:\*", text) is not None


# ---------------------------------------------------------------- SAM


def _sam_policies(found: ExecutionRole, policies: Located | None, template: Template) -> None:
    if policies is None:
        return
    where = f"`Policies` of `{found.function.name}`"
    for entry in policies.elements():
        if isinstance(entry.value, str) or (entry.intrinsic is not None and entry.intrinsic[0] != "Ref"):
            found.managed.append(ManagedPolicyRef(entry, aws_managed_policy_name(entry, bare_names=True), where))
        elif entry.intrinsic is not None:  # `!Ref SomeManagedPolicy` or a parameter holding an ARN
            _managed_arn(found, entry, where, template)
        elif isinstance(entry.value, dict) and "Statement" in entry.value:
            found.statements.extend(_document(entry, f"inline policy in {where}"))
        elif isinstance(entry.value, dict) and len(entry.value) == 1:
            (name, parameters), = entry.value.items()
            found.statements.extend(_expand_template(name, parameters, entry, where))


# SAM resource types as the connector profiles name them (the CloudFormation type SAM makes).
_CONNECTOR_TYPES = {
    "AWS::Serverless::Function": "AWS::Lambda::Function", "AWS::Serverless::SimpleTable": "AWS::DynamoDB::Table",
    "AWS::Serverless::StateMachine": "AWS::StepFunctions::StateMachine", "AWS::Serverless::Api": "AWS::ApiGateway::RestApi",
    "AWS::Serverless::HttpApi": "AWS::ApiGatewayV2::Api",
}
_PLACEHOLDER = re.compile(r"%\{Destination\.(\w+)\}")


def _sam_connectors(found: ExecutionRole, template: Template) -> None:
    """SAM connectors whose source is the function (`AWS::Serverless::Connector`, or the
    function's own `Connectors`): the statements SAM adds to its role, from the profiles
    aws-sam-translator ships (read as data). A connector lambdalint cannot expand (a destination
    by ARN, a type or permission the profiles do not list) leaves the role not fully known."""
    function = found.function
    connectors: list[tuple[Located, str]] = []
    for logical_id, props, source in _connector_resources(template):
        if source is not None and source.value == function.name:
            connectors.append((props, f"connector `{logical_id}`"))
        elif source is None:  # by ARN: it may name this function's role
            found.unknown = found.unknown or f"connector `{logical_id}`, whose source is not given by `Id`"
    resource = template.resources.get(function.name)  # `Connectors` sits beside `Properties`
    own = resource.get("Connectors") if resource is not None else None
    for name, connector in own.items() if own is not None else ():
        props = connector.get("Properties")
        if props is not None:
            connectors.append((props, f"connector `{name}` of `{function.name}`"))
    for props, where in connectors:
        destinations = props.get("Destination")
        permissions = props.get("Permissions")
        for destination in (destinations.elements() if destinations is not None and isinstance(destinations.value, list)
                            else [destinations] if destinations is not None else []):
            statements = _connector_statements(destination, permissions, template, where)
            if statements is None:
                found.unknown = found.unknown or f"{where}, which lambdalint cannot expand"
            else:
                found.statements.extend(statements)


def _connector_resources(template: Template) -> list[tuple[str, Located, Located | None]]:
    """The template's `AWS::Serverless::Connector` resources with their `Source.Id`, found once
    per template (`Template.analyses`) rather than by a walk over every resource per function."""
    found = template.analyses.get("sam-connectors")
    if found is None:
        found = template.analyses["sam-connectors"] = []
        for logical_id, resource in template.resources_of("AWS::Serverless::Connector"):
            props = resource.get("Properties")
            if props is not None:
                found.append((logical_id, props, props.get("Source", "Id")))
    return found  # type: ignore[return-value]


def _connector_statements(destination: Located, permissions: Located | None, template: Template,
                          where: str) -> list[Statement] | None:
    target = destination.get("Id")
    resource = template.resources.get(target.value) if target is not None and isinstance(target.value, str) else None
    kind = resource.get("Type") if resource is not None else None
    wanted = [p.value for p in permissions.elements()] if permissions is not None else []
    if kind is None or not wanted or not all(isinstance(p, str) for p in wanted):
        return None
    profiles = _connector_profiles().get("Permissions", {}).get("AWS::Lambda::Function", {})
    profile = profiles.get(_CONNECTOR_TYPES.get(kind.value, kind.value))
    if profile is None or profile.get("Type") != "AWS_IAM_ROLE_MANAGED_POLICY":
        return None
    categories = profile.get("Properties", {}).get("AccessCategories", {})
    if any(p not in categories for p in wanted):
        return None
    assert target is not None
    statements = []
    for permission in wanted:
        for raw in categories[permission].get("Statement", []):
            raw = json.loads(_PLACEHOLDER.sub(lambda m: f"${{{target.value}{'.Arn' if m.group(1) == 'Arn' else ''}}}",
                                              json.dumps(raw)))
            node = _template_value(_as_sub(raw), {}, destination.span)
            statement = _statement(node, f"{where} ({permission})")
            if statement is not None:
                statements.append(statement)
    return statements


def _as_sub(raw: object) -> object:
    """Strings with `${...}` after filling the placeholders become `Fn::Sub`s of the template."""
    if isinstance(raw, dict):
        return {k: _as_sub(v) for k, v in raw.items()}
    if isinstance(raw, list):
        return [_as_sub(v) for v in raw]
    return {"Fn::Sub": raw} if isinstance(raw, str) and "${" in raw else raw


@lru_cache(maxsize=1)
def _connector_profiles() -> dict:
    """aws-sam-translator's connector profiles (`model/connector_profiles/profiles.json`)."""
    return _samtranslator_data("model", "connector_profiles", "profiles.json")


@lru_cache(maxsize=1)
def _policy_templates() -> dict[str, dict]:
    """aws-sam-translator's bundled policy templates."""
    return _samtranslator_data("policy_templates_data", "policy_templates.json").get("Templates", {})


def _samtranslator_data(*parts: str) -> dict:
    """A JSON file aws-sam-translator ships, read as data (importing the package costs ~0.5 s);
    empty when it is missing or unreadable."""
    spec = importlib.util.find_spec("samtranslator")
    for location in (spec.submodule_search_locations or []) if spec is not None else []:
        path = Path(location, *parts)
        if path.is_file():
            try:
                found = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                return {}
            return found if isinstance(found, dict) else {}
    return {}


def _expand_template(name: str, parameters: Located, entry: Located, where: str) -> list[Statement]:
    definition = _policy_templates().get(name)
    if definition is None:
        return []
    span = entry.value[name].key_span or entry.span
    values = {k: v for k, v in parameters.items()} if isinstance(parameters.value, dict) else {}
    statements = []
    for raw in definition.get("Definition", {}).get("Statement", []):
        node = _template_value(raw, values, span)
        statement = _statement(node, f"SAM policy template `{name}` in {where}", template=name)
        if statement is not None:
            statements.append(statement)
    return statements


def _template_value(raw: object, values: dict[str, Located], span) -> Located:
    """Policy template JSON to `Located`, every value pointing at the template's entry.

    `Fn::Sub` strings are filled with the user's literal parameters, so `BucketName: "*"` becomes the
    wildcard resource it is; anything not literal stays an unresolved intrinsic. A parameter used
    whole (`Resource: !Ref SecretArn`) is the user's own value; the template's literals have
    origin "default" (AWS wrote them, not the user), which is how LL302 tells a `*` the template
    always grants from a `*` the user passed.
    """
    if isinstance(raw, dict):
        # (one-key tests without a set per mapping: every SAM function's templates pass here)
        if len(raw) == 1 and "Fn::Sub" in raw:
            text = _substitute(raw["Fn::Sub"], values)
            if text is not None:
                return Located(text, span)
        if len(raw) == 1 and "Ref" in raw and raw["Ref"] in values:
            return values[raw["Ref"]]
        return Located({k: _template_value(v, values, span) for k, v in raw.items()}, span)
    if isinstance(raw, list):
        # An `Action` list is plain strings: each is made here rather than by a call per item.
        return Located([Located(v, span, "default") if isinstance(v, str) else _template_value(v, values, span)
                        for v in raw], span)
    return Located(raw, span, "default")


def _substitute(sub: object, values: dict[str, Located]) -> str | None:
    if isinstance(sub, list) and len(sub) == 2 and isinstance(sub[0], str) and isinstance(sub[1], dict):
        text, variables = sub
    elif isinstance(sub, str):
        text, variables = sub, {}
    else:
        return None
    literal: dict[str, str] = {}
    for var, ref in variables.items():
        source = ref.get("Ref") if isinstance(ref, dict) else None
        value = values.get(source) if isinstance(source, str) else None
        text_value = value.str_value() if value is not None else None
        if text_value is None:
            return None
        literal[var] = text_value
    unresolved = False

    def one(match: re.Match[str]) -> str:
        nonlocal unresolved
        key = match.group(0)[2:-1]
        if key in literal:
            return literal[key]
        if key.startswith("AWS::"):
            return match.group(0)  # pseudo parameters leave the resource's shape intact
        unresolved = True
        return match.group(0)

    result = re.sub(r"\$\{[^}]*\}", one, text)
    return None if unresolved else result


# ---------------------------------------------------------------- Serverless


# Plugins that add statements of their own to the functions' roles (serverless-lift grants each
# function what its `constructs:` need: a queue's `sqs:SendMessage`, a bucket's object actions).
_ROLE_EXTENDING_PLUGINS = ("serverless-lift",)


def _serverless_extension(function: Function) -> str | None:
    root = function.template.root
    listed = [p for p in plugins(root) if p in _ROLE_EXTENDING_PLUGINS]
    if listed:
        return f"the statements the `{listed[0]}` plugin adds to its role"
    if root.get("constructs") is not None:
        return "the statements its service's `constructs:` add to its role"
    return None


def _serverless_role(function: Function) -> ExecutionRole:
    root = function.template.root
    provider = root.get("provider") or Located({}, root.span)
    own = function.properties
    own_role = own.get("role")
    if own_role is not None:
        return _serverless_named_role(function, own_role)
    plugin = _per_function_role_plugin(root)
    legacy_statements = own.get("iamRoleStatements")
    if plugin == "custom-roles" and legacy_statements is not None:
        # serverless-plugin-custom-roles: a role per function with the provider's statements
        # plus the function's own.
        found = _serverless_provider_role(function, provider, f"per-function role of `{function.name}`")
        where = f"role statements of function `{function.name}`"
        found.statements.extend(_statements(legacy_statements, where))
        return found
    # Without a per-function-role plugin the framework ignores `iamRoleStatements` on a function.
    own_statements = _first(own.get("iam", "role", "statements"),
                            legacy_statements if plugin == "roles-per-function" else None)
    if own_statements is not None:
        found = ExecutionRole(function, role=f"per-function role of `{function.name}`")
        found.statements.extend(_statements(own_statements, f"role statements of function `{function.name}`"))
        for arn in (own.get("iam", "role", "managedPolicies") or Located([], own.span)).elements():
            _managed_arn(found, arn, f"function `{function.name}`", function.template)
        if _inherits(own, root):
            _serverless_provider_policies(found, provider)
        return found
    iam_role = provider.get("iam", "role")
    if iam_role is not None and not isinstance(iam_role.value, dict):
        return _serverless_named_role(function, iam_role)
    legacy_role = provider.get("role")
    if legacy_role is not None:
        return _serverless_named_role(function, legacy_role)
    found = _serverless_provider_role(function, provider, "the provider's default role")
    # The framework names that role `IamRoleLambdaExecution`: a policy of the service's own
    # `resources` that names it (`Roles: [!Ref IamRoleLambdaExecution]`) is the role's too.
    _attached_policies(found, "IamRoleLambdaExecution", function.template)
    found.statements.extend(_service_event_statements(function.template))
    return found


def _service_event_statements(template: Template) -> tuple[Statement, ...]:
    """What the framework adds to `IamRoleLambdaExecution` for the `sqs` and `stream` events of the
    functions that run with it (serverless/serverless `compile/events/sqs.js`, `stream.js`): their
    pollers' actions on each queue and stream, and a stream's failure destination's. Read once per
    service."""
    cached = template.analyses.get("serverless-event-statements")
    if cached is None:
        cached = template.analyses["serverless-event-statements"] = tuple(
            statement for function in template.functions if function.properties.get("role") is None
            for statement in _event_statements(function))
    return cached  # type: ignore[return-value]


# what the framework grants per event source (`consumer: true`: the stream read as a consumer)
_EVENT_ACTIONS = {
    "sqs": ("sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"),
    "dynamodb": ("dynamodb:GetRecords", "dynamodb:GetShardIterator", "dynamodb:DescribeStream", "dynamodb:ListStreams"),
    "kinesis": ("kinesis:GetRecords", "kinesis:GetShardIterator", "kinesis:DescribeStream", "kinesis:ListStreams"),
    "kinesis consumer": ("kinesis:GetRecords", "kinesis:GetShardIterator", "kinesis:DescribeStreamSummary",
                         "kinesis:ListShards"),
    "sns": ("sns:Publish",),
    "sqs destination": ("sqs:ListQueues", "sqs:SendMessage"),
}


def _event_statements(function: Function) -> Iterator[Statement]:
    events = function.properties.get("events")
    for event in events.elements() if events is not None and isinstance(events.value, list) else ():
        if not isinstance(event.value, dict):
            continue
        for kind in ("sqs", "stream"):
            config = event.get(kind)
            if config is None:
                continue
            arn = config.get("arn") if isinstance(config.value, dict) else config
            if arn is None:
                continue
            where = f"the statement the framework adds for the `{kind}` event of `{function.name}`"
            source = kind
            if kind == "stream":
                written = config.get("type") if isinstance(config.value, dict) else None
                text = written.value if written is not None and isinstance(written.value, str) else \
                    arn.value.split(":")[2] if isinstance(arn.value, str) and arn.value.count(":") > 2 else None
                if text not in ("dynamodb", "kinesis"):
                    continue
                consumer = config.get("consumer") if isinstance(config.value, dict) else None
                source = "kinesis consumer" if text == "kinesis" and consumer is not None and consumer.value else text
                failure = config.get("destinations", "onFailure") if isinstance(config.value, dict) else None
                target = failure.get("arn") if failure is not None and isinstance(failure.value, dict) else failure
                if target is not None:
                    kind_of = failure.get("type") if isinstance(failure.value, dict) else None
                    sns = (kind_of.value if kind_of is not None else
                           (target.value.split(":")[2] if isinstance(target.value, str) and target.value.count(":") > 2
                            else "")) == "sns"
                    yield _granted(event, _EVENT_ACTIONS["sns" if sns else "sqs destination"], target, where)
            yield _granted(event, _EVENT_ACTIONS[source], arn, where)


def _granted(node: Located, actions: tuple[str, ...], resource: Located, where: str) -> Statement:
    return Statement(node, "Allow", tuple(Located(a, node.span, "default") for a in actions), (resource,),
                     None, None, None, where)


def _serverless_provider_role(function: Function, provider: Located, role: str) -> ExecutionRole:
    found = ExecutionRole(function, role=role)
    _serverless_provider_policies(found, provider)
    return found


# The plugins that read a function's `iamRoleStatements`, by the npm names serverless.yml lists
# (forks of serverless-iam-roles-per-function keep its semantics).
_PER_FUNCTION_ROLE_PLUGINS = {
    "serverless-iam-roles-per-function": "roles-per-function",
    "@serverlessops/serverless-iam-roles-per-function": "roles-per-function",
    "serverless-granular-iam": "roles-per-function",
    "serverless-plugin-custom-roles": "custom-roles",
}


def _per_function_role_plugin(root: Located) -> str | None:
    """Which per-function-role plugin the service lists under `plugins:`, if any."""
    listed = (_PER_FUNCTION_ROLE_PLUGINS.get(name) for name in plugins(root))
    return next((kind for kind in listed if kind is not None), None)


def _inherits(own: Located, root: Located) -> bool:
    """`iamRoleStatementsInherit: true` on the function, else the plugin's service-wide
    `custom.serverless-iam-roles-per-function.defaultInherit`."""
    flag = own.get("iamRoleStatementsInherit")
    if flag is None:
        flag = root.get("custom", "serverless-iam-roles-per-function", "defaultInherit")
    return flag is not None and flag.value is True


def _serverless_provider_policies(found: ExecutionRole, provider: Located) -> None:
    """Adds the service's provider-level statements and managed policies to a function's role.

    Every function of a service gets the same ones: they are read once per template (the
    `Statement`s and refs are immutable, and several roles holding the same one is what
    `rulekit.statements_once` groups by anyway)."""
    template = found.function.template
    shared = template.analyses.get("serverless-provider-policies")
    if shared is None:
        shared = template.analyses["serverless-provider-policies"] = _provider_policies(provider, template)
    statements, managed = shared  # type: ignore[misc]
    found.statements.extend(statements)
    found.managed.extend(managed)


def _provider_policies(provider: Located, template: Template
                       ) -> tuple[tuple[Statement, ...], tuple[ManagedPolicyRef, ...]]:
    collected = ExecutionRole(None, role=None)  # type: ignore[arg-type]
    for node, where in ((provider.get("iam", "role", "statements"), "`provider.iam.role.statements`"),
                        (provider.get("iamRoleStatements"), "`provider.iamRoleStatements`")):
        if node is not None:
            collected.statements.extend(_statements(node, where))
    for node, where in ((provider.get("iam", "role", "managedPolicies"), "`provider.iam.role.managedPolicies`"),
                        (provider.get("iamManagedPolicies"), "`provider.iamManagedPolicies`")):
        for arn in (node.elements() if node is not None else []):
            # `!Ref LambdaAPIIAMPolicy`, an `AWS::IAM::ManagedPolicy` of the service's own `resources`
            _managed_arn(collected, arn, where, template)
    return tuple(collected.statements), tuple(collected.managed)


def _serverless_named_role(function: Function, node: Located) -> ExecutionRole:
    if node.origin == "unresolved":
        return ExecutionRole(function, role=None, unknown=f"a role from a variable (`{node.value}`)")
    return _role_from_reference(function, node)


def _statements(node: Located, where: str) -> Iterator[Statement]:
    for item in node.elements():
        for branch in _branches(item):
            statement = _statement(branch, where)
            if statement is not None:
                yield statement


def _first(*nodes: Located | None) -> Located | None:
    return next((n for n in nodes if n is not None), None)


# ---------------------------------------------------------------- actions that accept only `*`

# Actions that list a resource type in the service data but are granted on `*` in practice, because
# AWS's own Lambda managed policies do so or the resource type only applies to an optional feature
# (IAM then authorises the ordinary call against `*`, so scoping the statement breaks it):
# - the logging and VPC networking of AWSLambdaBasicExecutionRole / AWSLambdaVPCAccessExecutionRole;
# - `cloudwatch:PutMetricData`, `GetMetricData` and `ListMetrics` (their one resource type,
#   `dataset`, is only for CloudWatch datasets: metrics themselves have no ARN to scope to) and
#   `s3-object-lambda:WriteGetObjectResponse` (AmazonS3ObjectLambdaExecutionRolePolicy);
# - calls whose resource is an optional custom terminology, lexicon or custom-labels model;
# - Cost Explorer queries, whose one resource type, `billingview`, is only for an optional
#   `BillingViewArn` (a query of the account's own costs names no resource).
# cfn-lint's Policies.json does not say which resource types are required, so this list stays
# short and explicit; the corpus review in bench/README.md is where each entry comes from.
_STAR_IN_PRACTICE = frozenset({
    "logs:createloggroup", "logs:createlogstream", "logs:putlogevents",
    "ec2:createnetworkinterface", "ec2:deletenetworkinterface", "ec2:describenetworkinterfaces",
    "ec2:detachnetworkinterface", "ec2:assignprivateipaddresses", "ec2:unassignprivateipaddresses",
    "cloudwatch:putmetricdata", "cloudwatch:getmetricdata", "cloudwatch:listmetrics",
    "s3-object-lambda:writegetobjectresponse",
    "translate:translatetext", "translate:translatedocument", "polly:synthesizespeech",
    "polly:startspeechsynthesistask", "rekognition:detectlabels", "rekognition:detectmoderationlabels",
    "rekognition:detecttext", "rekognition:detectfaces",
    "ce:getcostandusage", "ce:getcostandusagewithresources", "ce:getcostandusagecomparisons",
    "ce:getcostcomparisondrivers", "ce:getcostforecast", "ce:getusageforecast", "ce:getdimensionvalues",
    "ce:gettags", "ce:getcostcategories",
})


class _ServiceActions:
    """cfn-lint's IAM action table, service -> action -> "takes a resource type", lowercased,
    decoded one service at a time.

    The file is 2 MB and a run asks about a handful of services: decoding all 457 of them was the
    largest single cost of a corpus run, and decoding the file's text and scanning it with a
    regular expression were most of what was left (~8 ms of a Terraform run's critical path).
    cfn-lint writes it with one-space indentation, so a newline, exactly one space and a quote
    starts a top-level key (JSON strings hold no raw newline): one scan of the bytes indexes the
    services, and only the entries asked for are decoded. For any other layout (or a
    key with an escape) the whole file is decoded, as before. Read-only once built."""

    def __init__(self, data: bytes | str) -> None:
        self._data = data.encode("utf-8") if isinstance(data, str) else data
        self._decoded: dict[str, Mapping[str, bool] | None] = {}
        self._entries: dict[str, tuple[int, int]] | None = self._index(self._data)
        self._whole = self._decode_all() if self._entries is None else None

    @staticmethod
    def _index(data: bytes) -> dict[str, tuple[int, int]] | None:
        """Each service's entry as (start, end) offsets of its value; None for another layout."""
        if not data.startswith(b'{\n "') or not data[-64:].rstrip().endswith(b"}"):  # not a copy of 2 MB
            return None
        keys = [(match.group(1), match.end()) for match in _TOP_LEVEL_KEY.finditer(data)]
        entries: dict[str, tuple[int, int]] = {}
        for (key, start), (_, following) in zip(keys, keys[1:] + [(b"", len(data) + len(b'\n "": '))]):
            if b"\\" in key or not key.isascii():
                return None  # a key spelled with an escape: decode it all
            # the value runs to the next key (`raw_decode` stops at its end); the last spelling of
            # a service wins, as in decoding the whole file
            entries[key.decode("ascii").lower()] = (start, following - len(b'\n "": '))
        return entries

    def _decode_all(self) -> Mapping[str, Mapping[str, bool]]:
        try:
            data = json.loads(self._data)
        except ValueError:
            return MappingProxyType({})
        if not isinstance(data, dict):
            return MappingProxyType({})
        return MappingProxyType({service.lower(): _action_table(body)
                                 for service, body in data.items() if isinstance(body, dict)})

    def get(self, service: str) -> Mapping[str, bool] | None:
        if self._whole is not None:
            return self._whole.get(service)
        if service not in self._decoded:
            span = self._entries.get(service) if self._entries is not None else None
            try:
                body = self._entry(*span) if span is not None else None
            except ValueError:  # a damaged file: as if the service were not in it
                body = None
            self._decoded[service] = _action_table(body) if isinstance(body, dict) else None
        return self._decoded[service]

    def _entry(self, start: int, end: int) -> object:
        """The service's entry. cfn-lint writes its `Actions` first: then only they are decoded
        (the resource types after them are up to a third of an entry, and never read)."""
        text = self._data[start:end].decode("utf-8")
        if text.startswith(_ACTIONS_FIRST):
            return {"Actions": _DECODER.raw_decode(text, len(_ACTIONS_FIRST))[0]}
        return _DECODER.raw_decode(text)[0]


# `"service": ` on a line indented by exactly one space (see `_ServiceActions`)
_TOP_LEVEL_KEY = re.compile(rb'\n "((?:[^"\\\n]|\\.)*)": ')
_DECODER = json.JSONDecoder()
_ACTIONS_FIRST = '{\n  "Actions": '


def _action_table(body: dict) -> Mapping[str, bool]:
    return MappingProxyType({action.lower(): bool(entry.get("Resources"))
                             for action, entry in body.get("Actions", {}).items()
                             if isinstance(entry, dict)})


@lru_cache(maxsize=1)
def _service_actions() -> _ServiceActions | Mapping[str, Mapping[str, bool]]:
    """cfn-lint's IAM action table (see `_ServiceActions`).

    Read without importing cfnlint (a second of imports), once per process and only when
    a statement grants on `*`; read-only, so no run can change what the next one sees."""
    spec = importlib.util.find_spec("cfnlint")
    for location in (spec.submodule_search_locations or []) if spec is not None else []:
        path = Path(location, "data", "AdditionalSpecs", "Policies.json")
        if path.is_file():
            try:
                return _ServiceActions(path.read_bytes())
            except (OSError, ValueError):
                return MappingProxyType({})
    return MappingProxyType({})


def action_accepts_only_star(action: str) -> bool | None:
    """True when `action` takes no resource type, so `Resource: "*"` is required.

    Every service in cfn-lint's data is judged the same way, its prefix compared without case
    (`Polly:*` is `polly:*`). A pattern (`s3:Get*`, `Polly:*`, `ec2:Describe?pcs`) grants every
    action it matches, so it accepts only `*` when none of them takes a resource type. None when
    the action or its service is not in the data (the caller must not guess).
    """
    service, _, name = action.strip().lower().partition(":")
    if not name:
        return None
    table = _service_actions().get(service)
    if table is None:
        return None
    if "*" in name or "?" in name:
        pattern = re.compile(re.escape(name).replace(r"\*", ".*").replace(r"\?", "."))
        matched = [a for a in table if pattern.fullmatch(a)]
        if not matched:
            return None
        return not any(table[a] and f"{service}:{a}" not in _STAR_IN_PRACTICE for a in matched)
    if f"{service}:{name}" in _STAR_IN_PRACTICE:
        return True
    if name not in table:
        return None
    return not table[name]


# ---------------------------------------------------------------- conditions that narrow `*`

# Condition keys that tie a grant on `*` to one service acting for the caller (`kms:ViaService`,
# `aws:CalledVia*`), to the resource that caused the request (`aws:SourceArn`, `aws:SourceAccount`)
# or to resources carrying a tag (`aws:ResourceTag/...`, `<service>:ResourceTag/...`). Keys about
# the request rather than the resource (`aws:RequestedRegion`, `aws:SecureTransport`,
# `aws:SourceIp`, `aws:PrincipalTag/...`, `aws:RequestTag/...`) do not narrow which resources are
# reachable, and neither does `aws:ResourceAccount` (`*` is the account's resources already).
_NARROWING_KEYS = frozenset({"kms:viaservice", "aws:calledvia", "aws:calledviafirst",
                             "aws:calledvialast", "aws:sourcearn", "aws:sourceaccount"})
_TAG_KEY = re.compile(r"[a-z0-9-]+:resourcetag/.+")


def narrowing_conditions(condition: Located | None, *, passes_roles: bool = False) -> list[str]:
    """The condition keys (as written) that narrow a statement's `Resource: "*"`.

    Only operators that require the key to match count: a negated operator (`StringNotEquals`),
    `...IfExists` and `ForAllValues:` also hold when the key is absent, `Null` only asks whether
    it is set, and a value of `*` matches anything. For `iam:PassRole` only a resource tag counts:
    `iam:PassedToService` limits who receives the role, not which role (an admin role still
    passes), so PassRole on `*` stays an error under it.
    """
    found: list[str] = []
    for operator, keys in condition.items() if condition is not None else []:
        op = operator.lower()
        if "not" in op or op.startswith(("null", "forallvalues:")) or op.endswith("ifexists"):
            continue
        for key, value in keys.items():
            lowered = key.lower()
            tag = _TAG_KEY.fullmatch(lowered) is not None
            if not (tag or (lowered in _NARROWING_KEYS and not passes_roles)):
                continue
            if any(v.value == "*" for v in value.elements()) or key in found:
                continue
            found.append(key)
    return found
