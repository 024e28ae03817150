"""lambdalint vs checkov on the shared Terraform projects, side by side in one run.

    python bench/terraform.py ../shared/projects/terraform CHECKOV

CHECKOV is a checkov executable from a throwaway venv (never the project's dependencies), e.g.
`/tmp/checkov-venv/bin/checkov`. Every run is a fresh subprocess; wall and CPU time are the medians
of 11 runs for lambdalint and of 5 for checkov, alternated (one untimed warm-up of each tool
first), each timed inside the wrapper around the tool's own run (the wrapper's interpreter
start-up, ~20 ms, is counted for neither tool); memory is the peak resident set of the subprocess (`ru_maxrss` of a wrapper
that runs only that one command), CPU time its user + system time (of all its processes: the
wrapper is a subreaper, so the code workers lambdalint's first worker forks, which outlive it, are
included).

Both tools run with `PYTHONDONTWRITEBYTECODE` removed from their environment, so each writes and then
reuses its bytecode as it does on any user's machine (where it is set, every run would compile
lambdalint, ~0.1 s, and checkov from source).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

_MEASURE = """
import ctypes, os, resource, subprocess, sys, time
# a subreaper (PR_SET_CHILD_SUBREAPER): the processes that outlive their parent, such as the code
# workers lambdalint's first worker forks, are reaped here instead of by init, so they are counted
ctypes.CDLL(None).prctl(36, 1, 0, 0, 0)
start = time.perf_counter()
subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
wall = time.perf_counter() - start  # the tool's own run: not this wrapper's interpreter start-up
while True:
    try:
        os.wait()
    except ChildProcessError:
        break
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(usage.ru_maxrss, usage.ru_utime + usage.ru_stime, wall)
"""


# ~7 s each: checkov's run-to-run spread (6.6-7.6 s on 2 cores) moves the ratio more than ours; five
# runs (the tenth stop took three) keep one slow or fast run from moving the median much
CHECKOV_RUNS = 5
_ENV = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}


def measure(command: list[str]) -> tuple[float, int, float]:
    """Wall seconds, peak RSS (kB) and CPU seconds (user + system) of one run of `command`."""
    out = subprocess.run([sys.executable, "-c", _MEASURE, *command], capture_output=True, text=True, env=_ENV)
    rss, cpu, wall = (out.stdout.split() + ["0", "0", "0"])[:3]
    return float(wall), int(rss), float(cpu)


def main() -> None:
    root, checkov = Path(sys.argv[1]), sys.argv[2]
    lambdalint = [sys.executable, "-m", "lambdalint", "check", str(root), "--format", "json", "--exit-zero"]
    peer = [checkov, "-d", str(root), "--framework", "terraform", "--quiet", "--compact", "-o", "json"]
    subprocess.run(lambdalint, capture_output=True, env=_ENV)  # untimed: lets Python write lambdalint's bytecode
    subprocess.run(peer, capture_output=True, env=_ENV)  # and checkov's
    # the two tools' runs alternate, so both meet the same load; the ratio is of their medians
    ours, theirs = [measure(lambdalint)], []
    for _ in range(CHECKOV_RUNS):
        theirs.append(measure(peer))
        ours += [measure(lambdalint), measure(lambdalint)]
    ours_s, ours_kb, ours_cpu = (statistics.median(t for t, _, _ in ours), max(m for _, m, _ in ours),
                                 statistics.median(c for _, _, c in ours))
    theirs_s, theirs_kb, theirs_cpu = (statistics.median(t for t, _, _ in theirs), max(m for _, m, _ in theirs),
                                       statistics.median(c for _, _, c in theirs))
    report = json.loads(subprocess.run(lambdalint, capture_output=True, text=True, env=_ENV).stdout)
    print("| tool | wall (s) | CPU (s) | peak RSS (MB) |\n|---|---|---|---|")
    print(f"| lambdalint ({report['summary']['functions']} functions, {len(report['findings'])} findings) "
          f"| {ours_s:.2f} | {ours_cpu:.2f} | {ours_kb / 1024:.0f} |")
    print(f"| checkov --framework terraform | {theirs_s:.2f} | {theirs_cpu:.2f} | {theirs_kb / 1024:.0f} |")
    print(f"\ncheckov / lambdalint: {theirs_s / ours_s:.1f}x wall, {theirs_cpu / ours_cpu:.1f}x CPU")


if __name__ == "__main__":
    main()
