"""Which IAM actions an AWS SDK call needs, from the generated `data/iam_actions.bin`
(`tools/gen_iam_data.py`: botocore and boto3 models, the Service Authorization Reference, the
iam-dataset SDK mapping; sources and versions in the file's header and the README).

Read lazily and per service: only LL321/LL322, the LL301/LL302 hints and `lambdalint policy` ask,
and a run decompresses only the entries of the services its code calls. `actions_for` answers
None when the call cannot be mapped (an operation no source maps, a paginator or presigned URL of a
method that is not a literal): never a guess.
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


class Service(NamedTuple):
    prefix: str
    ops: dict[str, list[str]]
    waiters: dict[str, str]
    objects: dict[str, dict[str, str]]


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
    return Service(entry["prefix"], entry["ops"], entry.get("waiters", {}), entry.get("objects", {}))


def _literal(args: tuple, keywords: dict, keyword: str) -> str | None:
    found = keywords.get(keyword) or (args[0] if args else None)
    return found.value if found is not None and found.kind == "str" else None


def actions_for(service_name: str, kind: str, method: str, positional: tuple = (),
                keywords: tuple = ()) -> tuple[str, ...] | None:
    """The IAM actions of `method` called on a `kind` object (`client`, `resource`, `Table`,
    `Bucket.objects`) of `service_name`; () for a method that makes no request; None: unknown."""
    model = service(service_name)
    if model is None:
        return None
    named = dict(keywords)
    if kind != "client":
        operation = model.objects.get(kind, {}).get(method)
        if operation is None:
            return None
        if operation.startswith("waiter:"):
            operation = model.waiters.get(operation[7:], "")
        return _operation(model, operation)
    if method in _LOCAL:
        return ()
    if method == "get_paginator":
        operation = _literal(positional, named, "operation_name")
        return _operation(model, operation) if operation else None
    if method == "get_waiter":
        waiter = _literal(positional, named, "waiter_name")
        return _operation(model, model.waiters.get(waiter, "")) if waiter else None
    if method == "generate_presigned_url":
        # signing is local; whoever uses the URL acts with this role's permissions
        operation = _literal(positional, named, "ClientMethod")
        return _operation(model, operation) if operation else None
    if method == "generate_presigned_post":
        return _operation(model, "put_object")
    return _operation(model, method)


def _operation(model: Service, operation: str) -> tuple[str, ...] | None:
    actions = model.ops.get(operation)
    return tuple(actions) if actions else None
