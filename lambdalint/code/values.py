"""What a value expression stands for, as an `Arg` (see `facts.Arg`): an environment variable, the
triggering resource taken from the event, a plain name, a string literal."""

from __future__ import annotations

from typing import Callable

import libcst as cst

from lambdalint.code.bindings import string_value
from lambdalint.code.facts import EVENT_S3_BUCKET, EVENT_SNS_TOPIC, UNKNOWN_ARG, Arg

# Subscript paths into a Lambda event that name the resource the event came from.
_EVENT_SOURCES = {("s3", "bucket", "name"): EVENT_S3_BUCKET, ("Sns", "TopicArn"): EVENT_SNS_TOPIC}
_ENV_GETTERS = frozenset({"os.environ.get", "os.getenv"})


def event_source(node: cst.BaseExpression) -> Arg | None:
    """`record["s3"]["bucket"]["name"]` -> EVENT_S3_BUCKET: the value names the trigger itself."""
    keys: list[str] = []
    while isinstance(node, cst.Subscript) and len(node.slice) == 1:
        index = node.slice[0].slice
        key = string_value(index.value) if isinstance(index, cst.Index) else None
        if key is not None:
            keys.append(key)
        node = node.value
    if not isinstance(node, cst.Name):
        return None
    keys.reverse()
    for path, source in _EVENT_SOURCES.items():
        if tuple(keys[-len(path):]) == path:
            return source
    return None


def env_key(node: cst.BaseExpression, qualify: Callable[[cst.CSTNode], frozenset[str]]) -> str | None:
    """`X` for `os.environ["X"]`, `os.environ.get("X", d)`, `os.getenv("X")`; None otherwise."""
    if isinstance(node, cst.Subscript) and "os.environ" in qualify(node.value) and len(node.slice) == 1:
        index = node.slice[0].slice
        return string_value(index.value) if isinstance(index, cst.Index) else None
    if isinstance(node, cst.Call) and qualify(node) & _ENV_GETTERS and node.args:
        return string_value(node.args[0].value)
    return None


def describe(node: cst.BaseExpression, qualify: Callable[[cst.CSTNode], frozenset[str]]) -> Arg:
    """What an argument is, as far as the rules follow it (LL209, the AWS calls' resources)."""
    if isinstance(node, cst.Name):
        return Arg("name", node.value)
    source = event_source(node)
    if source is not None:
        return source
    literal = string_value(node)
    if literal is not None:
        return Arg("str", literal)
    key = env_key(node, qualify)
    return Arg("env", key) if key else UNKNOWN_ARG
