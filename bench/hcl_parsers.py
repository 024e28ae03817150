"""Compare HCL2 parsers on the shared Terraform projects: speed and whether spans are available.

Run with an interpreter that has both `python-hcl2` and `tree-sitter` + `tree-sitter-hcl`
(a throwaway venv, e.g. `/tmp/hclbench`):

    /tmp/hclbench/bin/python bench/hcl_parsers.py ../shared/projects/terraform

Prints per parser: files parsed, failures, wall time of a full pass (best of 3), and how many
attributes / list items get a line and column.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path


def files(root: Path) -> list[tuple[Path, str]]:
    return [(p, p.read_text(encoding="utf-8", errors="replace")) for p in sorted(root.rglob("*.tf"))]


def tree_sitter_pass(texts: list[tuple[Path, str]]) -> tuple[int, int, int]:
    import tree_sitter
    import tree_sitter_hcl

    parser = tree_sitter.Parser(tree_sitter.Language(tree_sitter_hcl.language()))
    failed = located = 0
    for _, text in texts:
        tree = parser.parse(text.encode())
        failed += tree.root_node.has_error
        stack = [tree.root_node]
        while stack:  # every attribute and every tuple element carries start_point
            node = stack.pop()
            if node.type in ("attribute", "expression") :
                located += 1
            stack.extend(node.children)
    return len(texts), failed, located


def hcl2_pass(texts: list[tuple[Path, str]]) -> tuple[int, int, int]:
    import hcl2

    failed = located = 0
    for _, text in texts:
        try:
            data = hcl2.loads(text, serialization_options=hcl2.SerializationOptions(with_meta=True))
        except Exception:  # noqa: BLE001 - counting failures is the point
            failed += 1
            continue
        stack = [data]
        while stack:  # only blocks carry __start_line__; attributes and list items carry nothing
            node = stack.pop()
            if isinstance(node, dict):
                located += "__start_line__" in node or "__line__" in node
                stack.extend(node.values())
            elif isinstance(node, list):
                stack.extend(node)
    return len(texts), failed, located


def best_of(runs: int, fn, texts):  # type: ignore[no-untyped-def]
    best, result = float("inf"), None
    for _ in range(runs):
        start = time.perf_counter()
        result = fn(texts)
        best = min(best, time.perf_counter() - start)
    return best, result


def main() -> None:
    texts = files(Path(sys.argv[1]))
    for name, fn in (("tree-sitter-hcl", tree_sitter_pass), ("python-hcl2", hcl2_pass)):
        seconds, (count, failed, located) = best_of(3, fn, texts)
        print(f"{name}: {count} files, {failed} with errors, {seconds:.2f} s, {located} located nodes")


if __name__ == "__main__":
    main()
