"""Regenerate `lambdalint/data/iam_actions.bin`: which IAM actions each boto3 method needs.

    python tools/gen_iam_data.py [--iam-dataset DIR] [--out lambdalint/data/iam_actions.bin]

The file is one line of JSON (the sources, counts, and per service the offset and length of its
entry), then each service's entry as zlib-compressed JSON: a run that calls three services
decompresses three small entries, not the whole file (`lambdalint/iam_actions.py` reads it).

Sources, all public data, none of it a hand list of actions:

- botocore's service models (installed with boto3): every client method (`xform_name` of each
  operation), paginators and waiters (a waiter calls one operation), and each service's signing name
  and endpoint prefix;
- boto3's resource models (`boto3/data/*/resources-1.json`): resource actions, sub-objects and
  collections down to the operation each calls (`Table.put_item` -> `PutItem`,
  `Bucket.objects.filter` -> `ListObjects`);
- the Service Authorization Reference as cfn-lint ships it (`cfnlint/data/AdditionalSpecs/
  Policies.json`, read as JSON, cfn-lint is never imported): the IAM prefix of a service (the
  candidate of signing name, endpoint prefix and service name whose actions match the most
  operation names) and the actions that exist; an operation whose name is an action of that prefix
  maps to it;
- iann0036/iam-dataset's `aws/map.json` (`--iam-dataset DIR`, a checkout; MIT licence): the SDK-to-IAM
  mapping where the operation name is not the action (`ListObjectsV2` -> `s3:ListBucket`,
  `HeadObject` -> `s3:GetObject`, `SendMessageBatch` -> `sqs:SendMessage`), and extra actions an
  operation may need. Its keys use the JavaScript SDK's service names (`StepFunctions`, `IotData`,
  `CognitoIdentityServiceProvider`), matched to botocore's by `serviceId` or by shared operations.
  Each of its actions is checked against the reference above; an action the reference does not know
  is left out and counted. An action the dataset makes conditional is written `action|parameter|op|
  value` (`s3:GetObjectVersion|VersionId|Exists`), `action|` when the condition is not about one
  parameter (`lambdalint/iam_actions.py` decides it from a call's literal arguments). When the
  operation's own name is an action, it is kept beside the dataset's.

Operations IAM never evaluates are listed per service as `permissionless` (their actions stay in
`ops`: LL322 counts a grant of them as used, nothing needs them): those botocore's model sends
unsigned (the operation's `auth` resolves to `smithy.api#noAuth`, or an older model's
`"authtype": "none"`; `v4-unsigned-body` and `unsignedPayload` are signed: Cognito's `SignUp`,
`InitiateAuth`, STS's `AssumeRoleWithWebIdentity`, Cognito Identity's `GetId`), and the
`sdk_permissionless_actions` of iam-dataset's `map.json` (`STS.GetCallerIdentity`,
`DynamoDB.DescribeEndpoints`), matched by the service's dataset names or its `serviceId`.

An operation no source maps or marks is absent from the file: a call of it is "not known", which
keeps LL321 and LL322 silent for it.

The shipped file was built from a partial copy of `map.json` (the whole file, 7 MB, could not be
fetched there): pass `--iam-dataset-commit` to say what the folder holds, it is recorded verbatim as
the header's `iam_dataset` (the README lists the blocks). With a full checkout (`git clone
https://github.com/iann0036/iam-dataset`), `--iam-dataset iam-dataset` alone records its commit.

With `--iam-dataset`, the dataset's `aws/managedpolicies/*.json` documents are merged into
`lambdalint/data/managed_policies.bin` (same layout, one entry per AWS managed policy: its policy
document): a policy the folder has replaces the earlier document, one it lacks keeps it, and the
header records the version of each (`--managed-policies-commit` when it differs from the map's).
An AWS managed policy absent from it leaves a role "not fully known".
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import zlib
from pathlib import Path

# boto3's S3 transfer methods (boto3/s3/inject.py) call these operations; they are not in the
# service model. Multipart parts need the same actions as the whole object.
S3_TRANSFER = {
    "upload_file": ("PutObject",), "upload_fileobj": ("PutObject",),
    "download_file": ("GetObject",), "download_fileobj": ("GetObject",),
    "copy": ("GetObject", "PutObject"),
}


def main(argv: list[str] | None = None) -> int:
    import boto3
    import botocore
    import botocore.session
    from botocore import xform_name

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iam-dataset", type=Path, help="a checkout of iann0036/iam-dataset")
    parser.add_argument("--iam-dataset-commit", help="the checkout's commit, when it is not a git work tree")
    parser.add_argument("--managed-policies-commit", help="the commit of aws/managedpolicies/, when it differs")
    parser.add_argument("--cfn-lint-policies", type=Path, help="cfnlint/data/AdditionalSpecs/Policies.json")
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parents[1] / "lambdalint/data/iam_actions.bin")
    args = parser.parse_args(argv)

    policies_path = args.cfn_lint_policies or _cfn_lint_policies()
    reference = json.loads(policies_path.read_text())
    actions_of = {prefix: set(value.get("Actions", {})) for prefix, value in reference.items()}

    mapping: dict[str, list[dict]] = {}
    permissionless: set[str] = set()
    dataset_version = None
    if args.iam_dataset is not None:
        map_file = args.iam_dataset / "aws/map.json"
        if map_file.is_file():
            dataset = json.loads(map_file.read_text())
            mapping = dataset["sdk_method_iam_mappings"]
            permissionless = {key.lower() for key in dataset.get("sdk_permissionless_actions", ())}
            dataset_version = args.iam_dataset_commit or _git_head(args.iam_dataset)
        else:
            print(f"{map_file} is missing: operations map by name only", file=sys.stderr)
        policies = args.iam_dataset / "aws/managedpolicies"
        if policies.is_dir():
            _write_managed(policies, args.out.parent / "managed_policies.bin",
                           args.managed_policies_commit or args.iam_dataset_commit or _git_head(args.iam_dataset))

    session = botocore.session.get_session()
    loader = session.get_component("data_loader")
    models = {service: session.get_service_model(service) for service in session.get_available_services()}
    names = _dataset_names(mapping, models)
    services: dict[str, dict] = {}
    stats = {"operations": 0, "by_name": 0, "by_dataset": 0, "unknown": 0, "dataset_actions_not_in_reference": 0,
             "conditional_actions": 0, "permissionless": 0}
    for service, model in models.items():
        metadata = model.metadata
        candidates = [c for c in (metadata.get("signingName"), metadata.get("endpointPrefix"), service) if c]
        prefix = max(candidates, key=lambda c: sum(op.lower() in actions_of.get(c, ()) for op in model.operation_names))
        known = actions_of.get(prefix, set())
        dataset_names = names.get(service, [])
        # the dataset may list an operation of a service it maps nothing of: its serviceId names it too
        service_names = {n.lower() for n in dataset_names} | {metadata.get("serviceId", "").replace(" ", "").lower()}
        ops: dict[str, list[str]] = {}
        free: list[str] = []
        for operation in model.operation_names:
            stats["operations"] += 1
            # unsigned, or signed but never evaluated by IAM (`sts:GetCallerIdentity`): the data keeps
            # its actions (LL322 counts a grant of them as used), no call needs them
            unevaluated = _unsigned(model.operation_model(operation)) or any(
                f"{n}.{operation}".lower() in permissionless for n in service_names)
            if unevaluated:
                free.append(xform_name(operation))
                stats["permissionless"] += 1
            entries = next((mapping[k] for n in dataset_names if (k := f"{n}.{operation}") in mapping), None)
            found: list[str] = []
            if entries:
                for entry in entries:
                    action = entry.get("action", "")
                    action_prefix, _, name = action.partition(":")
                    if name.lower() in actions_of.get(action_prefix, ()):
                        found.append(_encode(action, entry))
                    else:
                        stats["dataset_actions_not_in_reference"] += 1
                if found:
                    stats["by_dataset"] += 1
            if operation.lower() in known and not any(a.partition("|")[0].lower() == f"{prefix}:{operation}".lower()
                                                      for a in found):
                # the action named like the operation exists: it stays the one LL321 checks, the
                # dataset's others are possible (LexV2's `CreateBot` is `lex:CreateBot`, not only `lex:PutBot`)
                found.append(f"{prefix}:{operation}")
                stats["by_name"] += 1
            if found:
                ops[xform_name(operation)] = list(dict.fromkeys(found))
                stats["conditional_actions"] += sum("|" in a for a in found)
            elif not unevaluated:
                stats["unknown"] += 1
        entry: dict = {"prefix": prefix, "ops": ops}
        if free:
            entry["permissionless"] = free
        waiters = _waiters(loader, service, xform_name)
        if waiters:
            entry["waiters"] = waiters
        resources = _resources(Path(boto3.__file__).parent / "data", service, xform_name)
        if resources:
            entry["objects"] = resources
        if service == "dynamodb":
            # boto3's `Table.batch_writer()` (boto3/dynamodb/table.py) sends BatchWriteItem requests
            entry.setdefault("objects", {}).setdefault("Table", {})["batch_writer"] = "batch_write_item"
        if service == "s3":
            entry["ops"].update({m: [f"s3:{a}" for a in acts] for m, acts in S3_TRANSFER.items()})
            for kind in ("Bucket", "Object"):
                entry.setdefault("objects", {}).setdefault(kind, {}).update({m: m for m in S3_TRANSFER if m != "copy"})
            entry["objects"].setdefault("Object", {})["copy"] = "copy"
        services[service] = entry

    header = {
        "sources": {
            "botocore": botocore.__version__, "boto3": boto3.__version__,
            "service_authorization_reference": f"cfn-lint {_cfn_lint_version(policies_path)} Policies.json",
            "iam_dataset": dataset_version or "not used",
        },
        "stats": stats,
    }
    _write_blobs(args.out, header, services)
    print(f"{args.out}: {len(services)} services, {stats}, {args.out.stat().st_size} bytes")
    return 0


def _unsigned(operation) -> bool:
    """boto3 sends the request unsigned: the operation's `auth` list resolves to
    `smithy.api#noAuth` (older models: `"authtype": "none"`), so IAM never evaluates it.
    `v4-unsigned-body` and `unsignedPayload` are signed requests with an unsigned body."""
    try:
        return operation.resolved_auth_type == "none"
    except Exception:  # noqa: BLE001 - an auth scheme this botocore cannot sign is still signed
        return False


def _write_blobs(out: Path, header: dict, entries: dict[str, object]) -> None:
    blobs: list[bytes] = []
    index: dict[str, list[int]] = {}
    offset = 0
    for name, entry in sorted(entries.items()):
        blob = zlib.compress(json.dumps(entry, separators=(",", ":"), sort_keys=True).encode(), 9)
        index[name] = [offset, len(blob)]
        blobs.append(blob)
        offset += len(blob)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(json.dumps({**header, "index": index}, separators=(",", ":"), sort_keys=True).encode()
                    + b"\n" + b"".join(blobs))


def _write_managed(folder: Path, out: Path, version: str) -> None:
    """Merge the folder's policy documents into `out`: a policy the folder lacks keeps its earlier
    document (a partial checkout never loses policies), one it has is replaced. The header records
    which version each document came from."""
    documents: dict[str, object] = {}
    versions: dict[str, list[str]] = {}
    if out.is_file():
        raw = out.read_bytes()
        newline = raw.index(b"\n")
        header = json.loads(raw[:newline])
        earlier = header["sources"].get("iam_dataset_by_policy") or {header["sources"]["iam_dataset"]: ["*"]}
        owner = {name: v for v, names in earlier.items() for name in names}
        for name, (offset, length) in header["index"].items():
            documents[name] = json.loads(zlib.decompress(raw[newline + 1 + offset:newline + 1 + offset + length]))
            versions.setdefault(owner.get(name, owner.get("*", "unknown")), []).append(name)
    for path in sorted(folder.glob("*.json")):
        policy = json.loads(path.read_text())
        documents[path.stem] = policy["document"]
        for names in versions.values():
            if path.stem in names:
                names.remove(path.stem)
        versions.setdefault(version, []).append(path.stem)
    # the version most documents come from stands for all the others, which are listed
    main = max(versions, key=lambda v: len(versions[v]))
    by_policy = {v: sorted(names) for v, names in versions.items() if names and v != main}
    sources: dict[str, object] = {"iam_dataset": main}
    if by_policy:
        sources["iam_dataset_by_policy"] = {main: ["*"], **by_policy}
    _write_blobs(out, {"sources": sources, "count": len(documents)}, documents)
    print(f"{out}: {len(documents)} AWS managed policies, {out.stat().st_size} bytes")


def _encode(action: str, entry: dict) -> str:
    """`action`, or `action|parameter|op|value` when iam-dataset makes it conditional on a request
    parameter (its `notice` that an action is for directory buckets, names ending in `--x-s3`, is
    such a condition on `Bucket`), `action|` when it is conditional otherwise (another notice, a
    dependent action, a compound condition such as `andCondition`)."""
    condition = entry.get("conditions")
    bucket = re.search(r"bucket name (does not end|ends) with (\S+)", str(entry.get("notice", "")))
    if bucket and not condition:
        condition = {"lhs": "Bucket", "op": "NotEndsWith" if bucket.group(1) == "does not end" else "EndsWith",
                     "rhs": bucket.group(2)}
    if isinstance(condition, dict) and set(condition) <= {"lhs", "op", "rhs"}:
        parts = [action, str(condition.get("lhs", "")), str(condition.get("op", ""))]
        if "rhs" in condition:
            parts.append(str(condition["rhs"]))
        return "|".join(parts)
    if condition or entry.get("notice") or entry.get("documented_dependant_action"):
        return action + "|"
    return action


def _dataset_names(mapping: dict, models: dict) -> dict[str, list[str]]:
    """botocore service -> the service names iam-dataset's keys use for it. Those are the JavaScript
    SDK's class names (`StepFunctions`, `CognitoIdentityServiceProvider`, `IotData`, `SESV2`,
    `CloudWatchEvents` besides `EventBridge`): the botocore `serviceId` without spaces, compared
    case-insensitively, and any other dataset name whose operations are mostly the model's (80% of
    them and at least 3) and half of the model's, given to the service it matches best, when its
    actions have one of the service's prefixes or (for a service without a name of its own) the names
    share a word (`IotData`, `IoT Data Plane`)."""
    from collections import Counter

    operations: dict[str, set[str]] = {}
    prefixes: dict[str, Counter] = {}
    for key, entries in mapping.items():
        name, _, operation = key.partition(".")
        operations.setdefault(name, set()).add(operation)
        prefixes.setdefault(name, Counter()).update(e.get("action", "").partition(":")[0] for e in entries)
    lower = {name.lower(): name for name in operations}
    names: dict[str, list[str]] = {}
    for service, model in models.items():
        exact = lower.get(model.metadata.get("serviceId", "").replace(" ", "").lower())
        if exact:
            names[service] = [exact]
    claimed = {name for found in names.values() for name in found}
    for name in sorted(set(operations) - claimed):
        wanted = operations[name]
        scored = []
        for service, model in models.items():
            own = set(model.operation_names)
            shared = len(wanted & own)
            metadata = model.metadata
            own_prefix = prefixes[name].most_common(1)[0][0] in (
                metadata.get("signingName"), metadata.get("endpointPrefix"), service)
            alike = any(word.lower() in name.lower() for word in metadata.get("serviceId", "").split() if len(word) > 2)
            if not own_prefix and (service in names or not alike):
                continue
            if shared >= min(3, len(wanted)) and shared >= 0.8 * len(wanted) and shared >= 0.5 * len(own):
                scored.append((shared / len(wanted) + shared / len(own), service))
        if scored:
            names.setdefault(max(scored)[1], []).append(name)
    return names


def _waiters(loader, service: str, xform_name) -> dict[str, str]:
    try:
        model = loader.load_service_model(service, "waiters-2")
    except Exception:  # noqa: BLE001 - most services have no waiters
        return {}
    return {xform_name(name): xform_name(waiter["operation"]) for name, waiter in model.get("waiters", {}).items()}


def _resources(root: Path, service: str, xform_name) -> dict[str, dict[str, str]]:
    """Resource kind (`resource`, `Table`, `Bucket.objects`) -> method -> the client method it calls."""
    folder = root / service
    if not folder.is_dir():
        return {}
    latest = sorted(p for p in folder.iterdir() if p.is_dir())[-1]
    model = json.loads((latest / "resources-1.json").read_text())
    kinds: dict[str, dict[str, str]] = {}

    def read(kind: str, definition: dict) -> None:
        methods = kinds.setdefault(kind, {})
        for name, action in definition.get("actions", {}).items():
            methods[xform_name(name)] = xform_name(action["request"]["operation"])
        if "load" in definition:
            methods["load"] = methods["reload"] = xform_name(definition["load"]["request"]["operation"])
        for name, waiter in definition.get("waiters", {}).items():
            methods[f"wait_until_{xform_name(name)}"] = f"waiter:{xform_name(waiter['waiterName'])}"
        for name, many in definition.get("hasMany", {}).items():
            collection = kinds.setdefault(f"{kind}.{xform_name(name)}", {})
            operation = xform_name(many["request"]["operation"])
            for method in ("all", "filter", "limit", "page_size", "pages"):
                collection[method] = operation
            member = model["resources"].get(many.get("resource", {}).get("type", ""), {})
            for batch, action in member.get("batchActions", {}).items():
                collection[xform_name(batch)] = xform_name(action["request"]["operation"])

    read("resource", model["service"])
    for kind, definition in model["resources"].items():
        read(kind, definition)
    return {k: v for k, v in kinds.items() if v}


def _cfn_lint_policies() -> Path:
    import importlib.util

    spec = importlib.util.find_spec("cfnlint")  # located, not imported
    if spec is None or spec.origin is None:
        sys.exit("cfn-lint is not installed: pass --cfn-lint-policies")
    return Path(spec.origin).parent / "data/AdditionalSpecs/Policies.json"


def _cfn_lint_version(policies: Path) -> str:
    version = policies.parents[2] / "version.py"
    if version.is_file():
        for line in version.read_text().splitlines():
            if line.startswith("__version__"):
                return line.split("=")[1].strip().strip("\"'")
    return "unknown"


def _git_head(folder: Path) -> str:
    import subprocess

    result = subprocess.run(["git", "-C", str(folder), "rev-parse", "HEAD"], capture_output=True, text=True)
    return result.stdout.strip() or "unknown"


if __name__ == "__main__":
    raise SystemExit(main())
