"""Does a function's execution role allow action A on resource R?

`Policy.of(role)` turns an `iam.ExecutionRole` (every dialect builds one) into plain statements: the
role's own (inline, attached, SAM templates already expanded by `iam.py`) and the documents of its
AWS managed policies (`data/managed_policies.bin`, generated from iam-dataset by
`tools/gen_iam_data.py`). A role is *fully known* only when `iam.py` could read it and every managed
policy it names has a document; otherwise `Policy.unknown` says why and no rule may call an action
missing.

`Policy.decide(action, resource)` follows IAM's logic as far as a template shows it: allowed when an
`Allow` statement matches and no explicit `Deny` does; `Action`/`NotAction` and `Resource`/
`NotResource` with IAM wildcards (`*`, `?`, case-insensitive actions). `resource` is the logical id
of the template resource the code's argument names (`TABLE_NAME: !Ref Orders`), or None for "some
resource". A statement value the template does not spell out (a parameter, an import, an ARN that
cannot be compared with a logical resource) *may* match: it allows, and never denies for sure.
Conditions never decide: an allow behind a `Condition` is "allowed if" (`Decision.conditional`), a
conditional deny does not deny.
"""

from __future__ import annotations

import json
import re
import zlib
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from lambdalint.iam import ExecutionRole, Statement
from lambdalint.located import Located
from lambdalint.triggers import referenced_ids

_MANAGED = Path(__file__).parent / "data" / "managed_policies.bin"

class PolicyRule(NamedTuple):
    """One statement, reduced to what evaluation needs. `resources` entries are a pattern string,
    a logical id reference `("ref", id)`, or None (unreadable)."""

    effect: str
    actions: tuple[str | None, ...]
    negated_actions: bool
    resources: tuple[object, ...]
    negated_resources: bool
    conditional: bool
    source: Statement | None       # None for a statement of an AWS managed policy
    managed: str | None = None      # the AWS managed policy it comes from


class Decision(NamedTuple):
    allowed: bool
    conditional: bool = False                   # every allow that matched has a Condition
    by: tuple[PolicyRule, ...] = ()                   # the allows that matched


@lru_cache(maxsize=1)
def _managed_file() -> tuple[dict, bytes, int]:
    raw = _MANAGED.read_bytes()
    newline = raw.index(b"\n")
    return json.loads(raw[:newline]), raw, newline + 1


@lru_cache(maxsize=None)
def managed_document(name: str) -> dict | None:
    """The document of the AWS managed policy `name`, None when the data has none."""
    if not _MANAGED.is_file():
        return None
    header, raw, base = _managed_file()
    where = header["index"].get(name)
    if where is None:
        return None
    offset, length = where
    return json.loads(zlib.decompress(raw[base + offset:base + offset + length]))


class Policy(NamedTuple):
    rules: tuple[PolicyRule, ...]
    unknown: str | None        # why the role is not fully known; None when it is

    @classmethod
    def of(cls, role: ExecutionRole) -> "Policy":
        template = getattr(role.function, "template", None)
        resources = frozenset(template.resources) if template is not None else frozenset()
        rules = [r for s in role.statements if (r := _from_statement(s, resources)) is not None]
        unknown = role.unknown or role.extended_by
        if unknown is None:
            # an allow whose actions do not resolve (`Action = var.actions`) may allow any call
            unread = next((s for s in role.statements if s.allows and s.not_action is None
                           and any(_text(n) is None for n in s.actions)), None)
            if unread is not None:
                shown = next(str(n.value) for n in unread.actions if _text(n) is None)
                unknown = f"a statement whose actions lambdalint cannot read (`{shown[:80]}` in {unread.where})"
        for ref in role.managed:
            document = managed_document(ref.name) if ref.name else None
            if document is None:
                text = ref.node.str_value()
                unknown = unknown or (
                    f"the AWS managed policy `{ref.name}`, whose document lambdalint does not have" if ref.name
                    else f"the managed policy `{text}`, which is not in the template" if text
                    else "a managed policy lambdalint cannot read (a parameter, an import)")
                continue
            rules.extend(_from_document(document, ref.name))
        return cls(tuple(rules), unknown)

    def decide(self, action: str, resource: str | None = None) -> Decision:
        allows = [r for r in self.rules if r.effect == "Allow" and _applies(r, action, resource, maybe=True)]
        if not allows:
            return Decision(False)
        for rule in self.rules:
            if rule.effect == "Deny" and not rule.conditional and _applies(rule, action, resource, maybe=False):
                return Decision(False, False, ())
        return Decision(True, all(r.conditional for r in allows), tuple(allows))


def _from_statement(statement: Statement, resources: frozenset[str]) -> PolicyRule | None:
    if statement.effect not in ("Allow", "Deny"):
        return None
    if statement.not_action is not None:
        actions, negated = tuple(_text(n) for n in statement.not_action.elements()), True
    else:
        actions, negated = tuple(_text(n) for n in statement.actions), False
    if statement.not_resource is not None:
        values, negated_resources = tuple(_resource(n, resources) for n in statement.not_resource.elements()), True
    else:
        values, negated_resources = tuple(_resource(n, resources) for n in statement.resources), False
    return PolicyRule(statement.effect, actions, negated, values, negated_resources,
                statement.condition is not None, statement)


def _from_document(document: dict, name: str) -> list[PolicyRule]:
    statements = document.get("Statement", [])
    if isinstance(statements, dict):
        statements = [statements]
    found = []
    for s in statements:
        effect = s.get("Effect")
        if effect not in ("Allow", "Deny"):
            continue
        key_a = "NotAction" if "NotAction" in s else "Action"
        key_r = "NotResource" if "NotResource" in s else "Resource"
        actions = s.get(key_a, [])
        resources = s.get(key_r, [])
        found.append(PolicyRule(effect, tuple(_listed(actions)), key_a == "NotAction",
                          tuple(_listed(resources)), key_r == "NotResource", "Condition" in s, None, name))
    return found


def _listed(value: object) -> list[str]:
    return [value] if isinstance(value, str) else [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def _text(node: Located) -> str | None:
    """The action as written; None (could be anything) when it does not resolve."""
    return node.str_value()


def _resource(node: Located, resources: frozenset[str]) -> object:
    """A pattern, `("ref", logical id)` of one resource of the template, or None (unreadable: a
    parameter, an import, several references)."""
    if node.str_value() is not None:
        return node.value
    ids = {i for i in referenced_ids(node) if "::" not in i}
    if len(ids) == 1 and ids <= resources:
        return ("ref", next(iter(ids)))
    return None


@lru_cache(maxsize=1024)
def _pattern(text: str, case_sensitive: bool) -> re.Pattern[str]:
    # IAM wildcards are `*` and `?` only (no `[...]` classes as in fnmatch)
    body = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in text)
    return re.compile(body + r"\Z", re.DOTALL | (0 if case_sensitive else re.IGNORECASE))


def action_matches(pattern: str, action: str) -> bool:
    if pattern.isascii() and action.isascii() and "?" not in pattern:
        # Most actions are written out or end in one `*` (`s3:Get*`): compared as strings, without
        # compiling a regex per pattern. ASCII only, where `lower()` is what IGNORECASE does.
        star = pattern.find("*")
        if star < 0:
            return pattern.lower() == action.lower()
        if star == len(pattern) - 1:
            return action.lower().startswith(pattern[:-1].lower())
    return _pattern(pattern, False).match(action) is not None


def _action_applies(rule: PolicyRule, action: str, maybe: bool) -> bool:
    hits = [a is None or action_matches(a, action) for a in rule.actions]
    unreadable = any(a is None for a in rule.actions)
    if rule.negated_actions:
        if unreadable:
            return maybe
        return not any(hits)
    if not maybe and unreadable and not any(a is not None and action_matches(a, action) for a in rule.actions):
        return False
    return any(hits)


def _resource_applies(rule: PolicyRule, resource: str | None, maybe: bool) -> bool:
    """`resource`: a logical id, or None for a resource the code does not name."""
    matches = [_one_resource(r, resource) for r in rule.resources]   # True, False or None (maybe)
    if rule.negated_resources:
        if any(m is True for m in matches):
            return False
        return maybe if any(m is None for m in matches) or resource is None else True
    if any(m is True for m in matches):
        return True
    return maybe and any(m is None for m in matches)


def _one_resource(value: object, resource: str | None) -> bool | None:
    if isinstance(value, str):
        if value == "*" or re.fullmatch(r"arn:[^:]*:[^:]*:[^:]*:[^:]*:\*", value):
            return True
        return None            # a written ARN: cannot be compared with a logical resource
    if value is None:
        return None
    _, logical_id = value
    if resource is None:
        return None
    return logical_id == resource


def _applies(rule: PolicyRule, action: str, resource: str | None, *, maybe: bool) -> bool:
    return _action_applies(rule, action, maybe) and _resource_applies(rule, resource, maybe)
