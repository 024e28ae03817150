"""Which IAM actions an AWS SDK call needs, from the generated `data/iam_actions.bin`
(`tools/gen_iam_data.py`: botocore and boto3 models, the Service Authorization Reference, the
iam-dataset SDK mapping; sources and versions in the file's header and the README).

Read lazily and per service: only LL321/LL322, the LL301/LL302 hints and `lambdalint policy` ask,
and a run decompresses only the entries of the services its code calls. `call_actions` answers
None when the call cannot be mapped (an operation no source maps, a paginator or presigned URL of a
method that is not a literal): never a guess.

An operation may list several actions, some of them conditional on its arguments (iam-dataset:
`s3:GetObjectVersion` for `head_object` only with a `VersionId`, `dynamodb:PartiQLSelect` for an
`execute_statement` whose statement contains `SELECT`, the `s3express:` action only for a directory
bucket). The data marks those (`action|parameter|op|value`, `action|` when the condition is not about
a parameter); a condition is decided only from the call's literal arguments. `CallActions.essential`
is the action the operation is named after, else all its unconditional actions and those whose
condition holds; `needed` adds the latter to it (what `lambdalint policy` lists); `possible` is every
other action of the operation. LL321 reports a call only when the role allows none of its essential
actions (several unnamed ones are often alternatives: `s3:` or `s3-outposts:`), or, for an
operation none of whose actions is certain, none of those its arguments leave open
(`CallActions.alternatives`); LL322 counts every action as used.

An operation IAM never evaluates is marked `permissionless` in the data: botocore's model sends it
unsigned (`smithy.api#noAuth`: Cognito's `sign_up`, `initiate_auth`, STS's
`assume_role_with_web_identity`), or iam-dataset lists it as needing no permission
(`get_caller_identity`). Its call is known and needs nothing: all its actions are `possible`.
"""

from __future__ import annotations

import json
import zlib
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

_DATA = Path(__file__).parent / "data" / "iam_actions.bin"
# Client methods that make no request of their own.
_LOCAL = frozenset({"close", "can_paginate", "get_waiter_config", "exceptions", "meta"})


class CallActions(NamedTuple):
    needed: tuple[str, ...]      # certainly needed: unconditional, or the call's literal arguments meet the condition
    possible: tuple[str, ...]    # the operation's conditional actions not known to be needed
    essential: tuple[str, ...]   # of `needed`: the action named like the operation, else all of them
    permissionless: bool = False  # IAM never evaluates the request: nothing is needed
    # of `possible`: when no action is certain, those the arguments leave open (not ruled out):
    # the call needs one of them (`delete_objects`: `s3:DeleteObject`, or with version ids
    # `s3:DeleteObjectVersion`), so a role allowing none of them fails it (LL321)
    alternatives: tuple[str, ...] = ()

    @property
    def all(self) -> tuple[str, ...]:
        return self.needed + self.possible


_NO_REQUEST = CallActions((), (), ())


class Service(NamedTuple):
    prefix: str
    ops: dict[str, list[str]]
    waiters: dict[str, str]
    objects: dict[str, dict[str, str]]
    permissionless: frozenset[str] = frozenset()


@lru_cache(maxsize=1)
def _file() -> tuple[dict, bytes, int]:
    # read once per process; the cache holds immutable data for the file the package ships
    raw = _DATA.read_bytes()
    newline = raw.index(b"\n")
    return json.loads(raw[:newline]), raw, newline + 1


def sources() -> dict[str, str]:
    return dict(_file()[0]["sources"])


@lru_cache(maxsize=None)
def service(name: str) -> Service | None:
    header, raw, base = _file()
    where = header["index"].get(name)
    if where is None:
        return None
    offset, length = where
    entry = json.loads(zlib.decompress(raw[base + offset:base + offset + length]))
    return Service(entry["prefix"], entry["ops"], entry.get("waiters", {}), entry.get("objects", {}),
                   frozenset(entry.get("permissionless", ())))


def _literal(args: tuple, keywords: dict, keyword: str) -> str | None:
    found = keywords.get(keyword) or (args[0] if args else None)
    return found.value if found is not None and found.kind == "str" else None


def actions_for(service_name: str, kind: str, method: str, positional: tuple = (),
                keywords: tuple = ()) -> tuple[str, ...] | None:
    """The IAM actions the call certainly needs (`call_actions(...).needed`); None: unknown."""
    found = call_actions(service_name, kind, method, positional, keywords)
    return None if found is None else found.needed


def call_actions(service_name: str, kind: str, method: str, positional: tuple = (),
                 keywords: tuple = ()) -> CallActions | None:
    """The IAM actions of `method` called on a `kind` object (`client`, `resource`, `Table`,
    `Bucket.objects`) of `service_name` with these arguments (`keywords` as `(name, Arg)`, a `**`
    argument as the name `**`); nothing for a method that makes no request; None: unknown."""
    model = service(service_name)
    if model is None:
        return None
    named = dict(keywords)
    if kind != "client":
        operation = model.objects.get(kind, {}).get(method)
        if operation is None:
            return None
        if operation.startswith("waiter:"):
            return _operation(model, model.waiters.get(operation[7:], ""), None)
        return _operation(model, operation, named)
    if method in _LOCAL:
        return _NO_REQUEST
    # the arguments of these calls are not the operation's request: its conditions stay undecided
    if method == "get_paginator":
        operation = _literal(positional, named, "operation_name")
        return _operation(model, operation, None) if operation else None
    if method == "get_waiter":
        waiter = _literal(positional, named, "waiter_name")
        return _operation(model, model.waiters.get(waiter, ""), None) if waiter else None
    if method == "generate_presigned_url":
        # signing is local; whoever uses the URL acts with this role's permissions
        operation = _literal(positional, named, "ClientMethod")
        return _operation(model, operation, None) if operation else None
    if method == "generate_presigned_post":
        return _operation(model, "put_object", None)
    if method == "send_email" and service_name == "sesv2":
        # SES checks the v1 action of the content sent: `ses:SendEmail` for `Simple`,
        # `ses:SendRawEmail` for `Raw`, `ses:SendTemplatedEmail` for `Template` (the datasets list
        # only the first); which one is in a nested argument the code rarely spells out
        sends = ("ses:SendEmail", "ses:SendRawEmail", "ses:SendTemplatedEmail")
        return CallActions((), sends, (), alternatives=sends)
    if method == "generate_db_auth_token" and service_name == "rds":
        # signed locally; the database checks this role for `rds-db:connect` when the token is used
        return CallActions(("rds-db:connect",), (), ("rds-db:connect",))
    return _operation(model, method, named)


def _operation(model: Service, operation: str, arguments: dict | None) -> CallActions | None:
    entries = model.ops.get(operation)
    if operation in model.permissionless:
        return CallActions((), tuple(dict.fromkeys(e.partition("|")[0] for e in entries or ())), (), True)
    if not entries:
        return None
    unconditional: list[str] = []
    met: list[str] = []
    others: list[str] = []
    undecided: list[str] = []
    for entry in entries:
        action, marked, condition = entry.partition("|")
        holds = _holds(condition.split("|"), arguments) if marked else True
        # an action the arguments rule out still counts as the operation's (LL322 never reports it)
        (unconditional if not marked else met if holds is True else others).append(action)
        if marked and holds is None:
            undecided.append(action)
    named = operation.replace("_", "")
    primary = [a for a in unconditional + met if a.partition(":")[2].lower() == named]
    essential = primary or unconditional + met
    needed = list(dict.fromkeys(essential + met))
    # besides the action an operation is named after, the dataset lists ones only some calls need
    # (`s3:GetObjectVersion` for `get_object`, `iam:PassRole`): possible, not needed
    possible = [a for a in dict.fromkeys(unconditional + others) if a not in needed]
    alternatives = tuple(dict.fromkeys(undecided)) if not essential else ()
    return CallActions(tuple(needed), tuple(possible), tuple(essential), alternatives=alternatives)


def _holds(condition: list[str], arguments: dict | None) -> bool | None:
    """Whether the call meets an iam-dataset condition; None: cannot be told from the code."""
    parameter, op, value = (condition + ["", "", ""])[:3]
    if arguments is None or not parameter or "." in parameter or "[" in parameter:
        return None
    given = arguments.get(parameter)
    if given is None:
        if "**" in arguments:
            return None
        return {"Exists": False, "NotExists": True, "NotEquals": True, "Equals": False}.get(op)
    if op in ("Exists", "NotExists"):
        return op == "Exists"
    if given.kind != "str":
        return None
    if op == "IContains":
        return value.lower() in given.value.lower()
    if op in ("EndsWith", "NotEndsWith"):
        return given.value.endswith(value) == (op == "EndsWith")
    if op in ("Equals", "NotEquals"):
        return (given.value == value) == (op == "Equals")
    return None
