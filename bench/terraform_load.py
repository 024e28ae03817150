"""CPU time of loading a project (`lambdalint.load.load_project`: discovery and the model, no
rules, no handler code) in this process, as `api.lint` runs it (garbage collector off).

    python bench/terraform_load.py ../shared/projects/terraform [RUNS]

One untimed warm-up (imports, the parser), then RUNS timed loads (default 5); prints the median and
every run's CPU (process time) and wall time in ms. Run it with each version's own interpreter to
compare two versions, several times interleaved on a shared machine.
"""

from __future__ import annotations

import gc
import statistics
import sys
import time
from pathlib import Path

from lambdalint.config import Config
from lambdalint.load import load_project


def main() -> None:
    root = Path(sys.argv[1])
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    config = Config(root=root)
    project = load_project([root], config, Path.cwd())
    cpu, wall = [], []
    for _ in range(runs):
        del project
        gc.collect()
        gc.disable()
        started, clock = time.process_time(), time.perf_counter()
        project = load_project([root], config, Path.cwd())
        cpu.append(time.process_time() - started)
        wall.append(time.perf_counter() - clock)
        gc.enable()
    print(f"cpu median {statistics.median(cpu) * 1000:.1f} ms, wall median {statistics.median(wall) * 1000:.1f} ms; "
          f"{len(project.templates)} templates, {len(project.functions)} functions; "
          f"cpu {' '.join(f'{c * 1000:.1f}' for c in cpu)}")


if __name__ == "__main__":
    main()
