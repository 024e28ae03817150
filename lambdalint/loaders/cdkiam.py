"""CDK roles and policies into CloudFormation-shaped IAM resources, so `lambdalint.iam` reads them
the way it reads a template.

- A function without `role=` gets the role CDK makes for it (`<Id>ServiceRole`, with
  `AWSLambdaBasicExecutionRole`); `initial_policy`, `fn.add_to_role_policy(...)` and
  `fn.role.add_to_policy(...)` add to that role's default policy.
- `iam.Role(managed_policies=..., inline_policies=...)`, `iam.Policy`/`iam.ManagedPolicy(statements=
  ..., roles=...)`, `role.add_to_policy`/`add_to_principal_policy`/`add_managed_policy`/
  `attach_inline_policy` are read as written; `iam.PolicyStatement(...)` is a statement with
  `Effect` (default `Allow`), `Action`, `Resource`, `NotAction`, `NotResource`, `Condition`, every
  list item at its own line; `statement.add_actions(...)`, `add_resources(...)`,
  `add_all_resources()` and the like add to it (a condition added so is not read: unresolved).
- `grant_*` calls are scoped by construction: they add a statement whose action and resource are
  `unresolved` (never a wildcard, but the role is not fully known either).
- An imported role (`Role.from_role_arn`) or one built from values lambdalint cannot read stays
  outside the model: the IAM rules then say the role is unknown instead of calling it clean.
"""

from __future__ import annotations

from typing import Any

from lambdalint.loaders.cdkobjects import Construct, as_located, positional
from lambdalint.located import Located, Span

IAM = "aws_cdk.aws_iam."
ROLE = "AWS::IAM::Role"
BASIC_EXECUTION = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
_STATEMENT_KEYS = {"actions": "Action", "resources": "Resource", "not_actions": "NotAction",
                   "not_resources": "NotResource", "conditions": "Condition", "effect": "Effect",
                   "sid": "Sid"}
_ROLE_METHODS = frozenset({"add_to_policy", "add_to_principal_policy", "add_to_role_policy",
                           "add_managed_policy", "attach_inline_policy"})


def iam_value(qualified: str, call: Any, frame: Any, reader: Any) -> Located | None:
    """Values the IAM module builds without a construct: statements, documents, managed policy
    references."""
    if not qualified.startswith(IAM):
        return None
    name = qualified[len(IAM):]
    span = frame.module.span(call)
    if name == "PolicyStatement":
        return statement(call, frame, reader)
    if name in ("PolicyStatement.from_json", "PolicyDocument.from_json"):
        argument = positional(call, 0)
        value = reader.value(argument, frame) if argument is not None else None
        return value if isinstance(value, Located) else reader.unresolved(call, frame)
    if name == "PolicyDocument":
        keywords, complete = reader.keywords(call, frame)
        statements = keywords.get("statements")
        if not complete or statements is None:
            return Located({"Statement": Located([], span)}, span) if complete and not call.args \
                else reader.unresolved(call, frame)
        return Located({"Statement": as_located(statements[0], span)}, span)
    if name == "ManagedPolicy.from_aws_managed_policy_name":
        value = _argument(call, frame, reader, 0, "managed_policy_name")
        if isinstance(value, Located) and value.is_literal and isinstance(value.value, str):
            return Located(f"arn:aws:iam::aws:policy/{value.value.lstrip('/')}", value.span)
        return reader.unresolved(call, frame)
    if name == "ManagedPolicy.from_managed_policy_arn":
        value = _argument(call, frame, reader, 2, "managed_policy_arn")
        return value if isinstance(value, Located) else reader.unresolved(call, frame)
    return None


def _argument(call: Any, frame: Any, reader: Any, index: int, keyword: str) -> Any:
    """An argument given by position or by its keyword (`managed_policy_name=...`)."""
    argument = positional(call, index)
    if argument is not None:
        return reader.value(argument, frame)
    keywords, _ = reader.keywords(call, frame)
    return keywords[keyword][0] if keyword in keywords else None


def statement(call: Any, frame: Any, reader: Any) -> Located:
    """`iam.PolicyStatement(actions=[...], resources=[...])` as a statement mapping."""

    module = frame.module
    keywords, complete = reader.keywords(call, frame)
    if not complete or any(a.keyword is None for a in call.args):
        return reader.unresolved(call, frame)
    head = module.span(call.func)
    entries: dict[str, Located] = {"Effect": Located("Allow", head, "default")}
    for name, (value, argument) in keywords.items():
        key = _STATEMENT_KEYS.get(name)
        if key is None:
            continue
        span, key_span = module.keyword_span(argument) if argument is not None else (head, head)
        located = as_located(value, span)
        entries[key] = Located(located.value, located.span if isinstance(located.value, list) else span,
                               located.origin, key_span=key_span)
    return Located(entries, module.span(call))


# `PolicyStatement` methods that add to a list of the statement, by the key they add to.
_STATEMENT_ADDERS = {"add_actions": "Action", "add_resources": "Resource", "add_not_actions": "NotAction",
                     "add_not_resources": "NotResource"}


def statement_method(statement: Located, method: str, call: Any, frame: Any, reader: Any) -> bool:
    """`stmt.add_actions("s3:GetObject")` and friends on a statement read from `PolicyStatement`
    (changed in place: the name bound to it is what `add_to_role_policy` gets); True when handled.
    What cannot be read makes the key it adds to unresolved, never a wildcard."""
    entries = statement.value
    if not isinstance(entries, dict) or statement.origin == "unresolved" or "Effect" not in entries:
        return False
    span = frame.module.span(call)
    if method == "add_all_resources":
        method, items = "add_resources", [Located("*", span)]
    elif method in _STATEMENT_ADDERS:
        if any(a.keyword is not None or a.star for a in call.args):
            items = None
        else:
            values = [as_located(reader.value(a.value, frame), frame.module.span(a.value)) for a in call.args]
            items = values if all(v.origin != "unresolved" and not isinstance(v.value, (dict, list))
                                  for v in values) else None
    elif method.startswith(("add_condition", "add_fields")):
        entries["Condition"] = Located(frame.module.source_text(call), span, "unresolved")
        return True
    else:
        return method.startswith("add_") and "principal" in method  # who, not what: no effect on the role
    key = _STATEMENT_ADDERS[method]
    current = entries.get(key)
    if items is None or (current is not None and (current.origin == "unresolved" or not isinstance(current.value, list))):
        if items is None:
            entries[key] = Located(frame.module.source_text(call), span, "unresolved")
        elif current is not None and current.origin != "unresolved":
            entries[key] = Located([current, *items], current.span, key_span=current.key_span)
        return True
    if current is None:
        entries[key] = Located(list(items), span, key_span=frame.module.span(call.func))
    else:
        current.value.extend(items)
    return True


def role_construct(state: Any, qualified: str, call: Any, frame: Any, reader: Any,
                   make: Any) -> Any:
    """`iam.Role`, `iam.Policy`, `iam.ManagedPolicy` as resources; None for other classes.
    `make(kind, properties, call, frame)` adds the resource and returns its construct."""
    name = qualified[len(IAM):] if qualified.startswith(IAM) else None
    if name not in ("Role", "Policy", "ManagedPolicy"):
        return None
    module = frame.module
    keywords, complete = reader.keywords(call, frame)
    if not complete:
        return False  # a role we cannot read: left out, so functions using it are "unknown"
    head = module.span(call.func)
    properties: dict[str, Located] = {}
    if name == "Role":
        managed = keywords.get("managed_policies")
        if managed is not None:
            properties["ManagedPolicyArns"] = as_located(managed[0], head)
        inline = keywords.get("inline_policies")
        if inline is not None:
            documents = as_located(inline[0], head)
            if isinstance(documents.value, dict) and documents.origin != "unresolved":
                properties["Policies"] = Located([
                    Located({"PolicyName": Located(policy, document.key_span or document.span),
                             "PolicyDocument": document}, document.span)
                    for policy, document in documents.value.items()], documents.span)
            else:
                properties["Policies"] = Located([Located({"PolicyDocument": documents}, documents.span)],
                                                 documents.span)
        return make(ROLE, properties, call, frame)
    document = keywords.get("document")
    statements = keywords.get("statements")
    if document is not None:
        properties["PolicyDocument"] = as_located(document[0], head)
    else:
        listed = as_located(statements[0], head) if statements is not None else Located([], head)
        properties["PolicyDocument"] = Located({"Statement": listed}, listed.span)
    roles = keywords.get("roles")
    if roles is not None:
        properties["Roles"] = as_located(roles[0], head)
    return make("AWS::IAM::Policy" if name == "Policy" else "AWS::IAM::ManagedPolicy", properties, call, frame)


def service_role(function_id: str, head: Span, initial: Located | None) -> tuple[str, Located]:
    """The role CDK makes for a function that names none: basic execution plus `initial_policy`."""
    properties: dict[str, Located] = {
        "ManagedPolicyArns": Located([Located(BASIC_EXECUTION, head, "default")], head, "default"),
        "Policies": Located([], head, "default"),
    }
    role = Located({"Type": Located(ROLE, head), "Properties": Located(properties, head)}, head, key_span=head)
    if initial is not None:
        add_statements(role, initial)
    return f"{function_id}ServiceRole", role


def add_statements(role: Located, statements: Located) -> None:
    """Statements added to a role's default policy (CDK's `<Role>DefaultPolicy`)."""
    properties = role.value["Properties"].value
    policies = properties.setdefault("Policies", Located([], role.span))
    if not isinstance(policies.value, list):
        return
    default = next((p for p in policies.value if p.get("PolicyName") is not None
                    and p.get("PolicyName").value == "DefaultPolicy"), None)  # type: ignore[union-attr]
    if default is None:
        default = Located({"PolicyName": Located("DefaultPolicy", statements.span),
                           "PolicyDocument": Located({"Statement": Located([], statements.span)},
                                                     statements.span)}, statements.span)
        policies.value.append(default)
    listed = default.value["PolicyDocument"].value["Statement"].value
    if statements.origin == "unresolved" or not isinstance(statements.value, list):
        listed.append(unknown_statement(statements))
    else:
        listed.extend(statements.value)


def add_managed(role: Located, policy: Located) -> None:
    properties = role.value["Properties"].value
    managed = properties.setdefault("ManagedPolicyArns", Located([], role.span))
    if isinstance(managed.value, list):
        managed.value.append(policy)


def unknown_statement(node: Located) -> Located:
    """A statement whose content lambdalint cannot read (a `grant_*`, a computed statement):
    never a wildcard, but it keeps the role from looking fully known."""
    text = node.value if isinstance(node.value, str) else "?"
    return Located({"Effect": Located("Allow", node.span, "default"),
                    "Action": Located(text, node.span, "unresolved"),
                    "Resource": Located(text, node.span, "unresolved")}, node.span, "unresolved")


def role_method(role: Any, method: str, values: list[Any], node: Located, policy_roles: Any) -> bool:
    """`role.add_to_policy(stmt)` and friends on a role the model holds; True when handled."""
    if role is None or role.resource is None or role.kind != ROLE or method not in _ROLE_METHODS:
        return False
    value = values[0] if values else None
    if method in ("add_to_policy", "add_to_principal_policy", "add_to_role_policy"):
        located = as_located(value, node.span)
        add_statements(role.resource, Located([located], located.span) if located.origin != "unresolved"
                       else located)
    elif method == "add_managed_policy":
        add_managed(role.resource, as_located(value, node.span))
    elif method == "attach_inline_policy":
        if isinstance(value, Construct) and value.resource is not None:
            policy_roles(value, role)
        else:
            add_statements(role.resource, node)
    return True


def is_role_method(method: str) -> bool:
    return method in _ROLE_METHODS
