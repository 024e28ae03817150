"""Time the trigger normalisation and the trigger rules (LL203, LL207, LL208) on the shared corpus.

Usage: python bench/triggers.py [CORPUS]   (default: ../shared/corpus next to the project)
Prints the load time, the time to build every template's trigger list, and each rule's time.
"""

from __future__ import annotations

import collections
import datetime
import sys
import time
from pathlib import Path

from lambdalint.config import Config
from lambdalint.load import load_project
from lambdalint.registry import Registry
from lambdalint.rule import Context
from lambdalint.triggers import template_triggers

CORPUS = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[1].parent / "shared" / "corpus"


def main() -> None:
    config = Config(root=CORPUS)
    start = time.perf_counter()
    project = load_project([CORPUS], config, CORPUS)
    loaded = time.perf_counter()
    kinds: collections.Counter[str] = collections.Counter()
    for _ in range(5):
        kinds.clear()
        for template in project.templates:
            for trigger in template_triggers(template):
                kinds[trigger.kind] += 1
    triggered = time.perf_counter()
    print(f"{len(project.templates)} templates, {len(project.functions)} functions loaded in {loaded - start:.2f} s")
    print(f"{sum(kinds.values())} triggers built in {(triggered - loaded) / 5 * 1000:.0f} ms per pass")
    print("by kind:", ", ".join(f"{k} {v}" for k, v in kinds.most_common()))
    registry = Registry.installed()
    for code in ("LL203", "LL207", "LL208"):
        rule = registry.get(code)
        begin = time.perf_counter()
        found = list(rule.check(Context(rule, project, {}, datetime.date(2026, 11, 26))))
        print(f"{code} {rule.slug}: {len(found)} findings in {(time.perf_counter() - begin) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
