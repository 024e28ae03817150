"""lambdalint vs checkov on the shared Terraform projects, side by side in one run.

    python bench/terraform.py ../shared/projects/terraform CHECKOV

CHECKOV is a checkov executable from a throwaway venv (never the project's dependencies), e.g.
`/tmp/checkov-venv/bin/checkov`. Every run is a fresh subprocess; wall time is the median of 5
runs for lambdalint and of 1 for checkov; memory is the peak resident set of the subprocess
(`ru_maxrss` of a wrapper that runs only that one command).
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

_MEASURE = """
import resource, subprocess, sys
subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""


def measure(command: list[str]) -> tuple[float, int]:
    start = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", _MEASURE, *command], capture_output=True, text=True)
    return time.perf_counter() - start, int(out.stdout.strip() or 0)


def main() -> None:
    root, checkov = Path(sys.argv[1]), sys.argv[2]
    lambdalint = [sys.executable, "-m", "lambdalint", "check", str(root), "--format", "json", "--exit-zero"]
    peer = [checkov, "-d", str(root), "--framework", "terraform", "--quiet", "--compact", "-o", "json"]
    ours = [measure(lambdalint) for _ in range(5)]
    theirs = [measure(peer)]
    ours_s, ours_kb = statistics.median(t for t, _ in ours), max(m for _, m in ours)
    theirs_s, theirs_kb = statistics.median(t for t, _ in theirs), max(m for _, m in theirs)
    report = json.loads(subprocess.run(lambdalint, capture_output=True, text=True).stdout)
    print("| tool | wall (s) | peak RSS (MB) |\n|---|---|---|")
    print(f"| lambdalint ({report['summary']['functions']} functions, {len(report['findings'])} findings) "
          f"| {ours_s:.2f} | {ours_kb / 1024:.0f} |")
    print(f"| checkov --framework terraform | {theirs_s:.2f} | {theirs_kb / 1024:.0f} |")
    print(f"\ncheckov / lambdalint: {theirs_s / ours_s:.1f}x")


if __name__ == "__main__":
    main()
