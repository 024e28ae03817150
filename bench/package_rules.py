"""What the LL4xx package rules add to a run over templates: time per rule on a loaded project.

Usage: PYTHONPATH=. python bench/package_rules.py [CORPUS] [--runs N]
CORPUS defaults to ../shared/corpus (public templates, almost no code folders next to them). The
project is loaded fresh for every round, so each round pays the package resolution and measuring
again, as a real run does. Prints the median time of each selected rule's check.
"""

from __future__ import annotations

import argparse
import datetime
import statistics
import time
from pathlib import Path

from lambdalint.config import Config
from lambdalint.load import load_project
from lambdalint.registry import Registry
from lambdalint.rule import Context


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("corpus", nargs="?", default=str(Path(__file__).resolve().parents[1].parent / "shared" / "corpus"))
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    corpus = Path(args.corpus).resolve()
    registry = Registry.installed()
    config = Config(select=("LL",), root=corpus)
    timings: dict[str, list[float]] = {}
    loads: list[float] = []
    functions = 0
    for _ in range(args.runs):
        start = time.perf_counter()
        project = load_project([corpus], config, corpus, None)
        loads.append(time.perf_counter() - start)
        functions = len(project.functions)
        for rule in registry.selected(config):
            context = Context(rule, project, registry.rule_options(rule, config), datetime.date.today())
            start = time.perf_counter()
            list(rule.check(context))
            timings.setdefault(rule.code, []).append(time.perf_counter() - start)
    print(f"{corpus}: {functions} functions, load {statistics.median(loads) * 1000:.0f} ms (median of {args.runs})")
    for code, values in timings.items():
        print(f"  {code}: {statistics.median(values) * 1000:.1f} ms")


if __name__ == "__main__":
    main()
