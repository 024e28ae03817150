"""Bench: handler code analysis vs LibCST's parse floor on a large synthetic project.

    python bench/code_bench.py [--modules 2000] [--keep DIR]

Generates N handler modules (`svc_<i>/handler.py`), each with a helper module of its own
(`svc_<i>/util.py`: formatting, no AWS) and shared helpers (`common/*.py`: client factories, lazy
connections), then measures in the same run:

- the parse floor: `libcst.parse_module` on every `.py` file, in one process, and spread over all
  cores the same way the analysis is;
- the analysis: `lambdalint.api.lint` with the code rules (LL1xx) selected, end to end (discovery,
  text scan, parsing and extraction of the modules that can matter, call-graph walks, rules);
- afterwards, the serial parse of only the files the analysis chose to parse (the text scan skips
  the rest), so the cost of extraction itself can be read off.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

COMMON = {
    "common/__init__.py": "",
    "common/clients.py": '''import boto3


def table(name):
    return boto3.resource("dynamodb").Table(name)


_s3 = None


def s3():
    global _s3
    if _s3 is None:
        _s3 = boto3.client("s3")
    return _s3
''',
    "common/responses.py": '''import json


def ok(body, status=200):
    return {"statusCode": status, "headers": {"Content-Type": "application/json"}, "body": json.dumps(body)}


def error(message, status=400):
    return ok({"error": message}, status)
''',
}

UTIL = '''"""Formatting helpers for service {i}."""

from decimal import Decimal


def money(value):
    return str(Decimal(value).quantize(Decimal("0.01")))


def normalise(record):
    out = {{}}
    for key, value in record.items():
        out[key.lower().strip()] = value.strip() if isinstance(value, str) else value
    return out


def page(items, size=25, token=None):
    start = int(token or 0)
    return items[start:start + size], (str(start + size) if start + size < len(items) else None)
'''

HANDLERS = [
    # clean: client at module scope
    '''"""Service {i}: create."""

import json
import os

import boto3

from common.responses import error, ok
from svc_{i}.util import money, normalise

TABLE = boto3.resource("dynamodb").Table(os.environ.get("TABLE", "t{i}"))


def handler(event, context):
    try:
        body = normalise(json.loads(event.get("body") or "{{}}"))
    except ValueError:
        return error("invalid json")
    body["total"] = money(body.get("total", 0))
    TABLE.put_item(Item=body)
    return ok(body, 201)
''',
    # per-invocation client in the handler
    '''"""Service {i}: export."""

import json

import boto3

from common.responses import ok
from svc_{i}.util import page


def handler(event, context):
    s3 = boto3.client("s3")
    items, token = page(event.get("items", []), token=event.get("token"))
    s3.put_object(Bucket="exports-{i}", Key=f"{{context.aws_request_id}}.json", Body=json.dumps(items))
    return ok({{"next": token}})
''',
    # via a shared helper
    '''"""Service {i}: read."""

from common.clients import table
from common.responses import ok


def lambda_handler(event, context):
    item = table("t{i}").get_item(Key={{"id": event["pathParameters"]["id"]}}).get("Item")
    return ok(item or {{}})
''',
    # pure computation, no AWS at all
    '''"""Service {i}: quote."""

from svc_{i}.util import money


def handler(event, context):
    lines = event.get("lines", [])
    total = sum(float(line["price"]) * int(line["qty"]) for line in lines)
    return {{"total": money(total), "count": len(lines)}}
''',
]


def generate(root: Path, modules: int, seed: int = 7) -> int:
    rng = random.Random(seed)
    for name, text in COMMON.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    for i in range(modules):
        folder = root / f"svc_{i}"
        folder.mkdir()
        (folder / "__init__.py").write_text("")
        (folder / "util.py").write_text(UTIL.format(i=i))
        kind = rng.choices(range(len(HANDLERS)), weights=[50, 15, 15, 20])[0]
        (folder / "handler.py").write_text(HANDLERS[kind].format(i=i))
    return len(list(root.rglob("*.py")))


def _parse(path: str) -> int:
    import libcst

    libcst.parse_module(Path(path).read_text())
    return 1


def parse_floor(files: list[str], workers: int) -> float:
    start = time.perf_counter()
    if workers == 1:
        for file in files:
            _parse(file)
    else:
        import multiprocessing

        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
            list(pool.map(_parse, files, chunksize=max(1, len(files) // (workers * 8))))
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--modules", type=int, default=2000)
    parser.add_argument("--keep", type=Path)
    args = parser.parse_args()
    root = args.keep or Path(tempfile.mkdtemp(prefix="lambdalint-bench-"))
    if root.exists() and args.keep:
        shutil.rmtree(root)
    root.mkdir(parents=True, exist_ok=True)
    count = generate(root, args.modules)
    files = sorted(str(p) for p in root.rglob("*.py"))
    lines = sum(Path(f).read_text().count("\n") for f in files)
    import libcst  # noqa: F401 - import cost is not part of either figure

    from lambdalint.api import lint
    from lambdalint.config import Config

    cores = os.cpu_count() or 1
    floor_serial = parse_floor(files, 1)
    floor_parallel = parse_floor(files, cores)
    start = time.perf_counter()
    cpu_start = os.times()
    result = lint([root], Config(select=("LL1",), root=root), cwd=root)
    elapsed = time.perf_counter() - start
    cpu_end = os.times()
    cpu = (cpu_end.user - cpu_start.user) + (cpu_end.children_user - cpu_start.children_user) + \
        (cpu_end.system - cpu_start.system) + (cpu_end.children_system - cpu_start.children_system)
    parsed = sorted(str(p) for p in result.project.code.modules)
    floor_subset = parse_floor(parsed, 1)
    by_code: dict[str, int] = {}
    for finding in result.visible:
        by_code[finding.code] = by_code.get(finding.code, 0) + 1
    print(f"files: {count} .py ({lines} lines), handlers: {len(result.project.code.handlers)}, cores: {cores}")
    print(f"parse floor, 1 process:       {floor_serial:6.2f} s")
    print(f"parse floor, {cores} processes:     {floor_parallel:6.2f} s")
    print(f"lambdalint LL1xx analysis:    {elapsed:6.2f} s  (cpu {cpu:.2f} s = {cpu / elapsed:.2f} cores busy)")
    print(f"ratio vs serial floor:        {elapsed / floor_serial:6.2f}x")
    print(f"ratio vs parallel floor:      {elapsed / floor_parallel:6.2f}x")
    print(f"parse of only the {len(parsed)} files the analysis parsed, 1 process: {floor_subset:6.2f} s "
          f"(analysis = {elapsed / floor_subset:.2f}x)")
    print(f"modules analysed: {len(result.project.code.modules)} "
          f"(full: {sum(1 for m in result.project.code.modules.values() if m.full)})")
    print(f"findings: {dict(sorted(by_code.items()))}")
    if not args.keep:
        shutil.rmtree(root)
    sys.exit(0)


if __name__ == "__main__":
    main()
