"""Two checkouts of lambdalint on the same input, in alternating runs, from a neutral folder.

    python bench/compare_checkouts.py TARGET CHECKOUT_A CHECKOUT_B [ROUNDS]

Each CHECKOUT is a clone with its own `.venv` (the project installed into it). Every run is a fresh
`CHECKOUT/.venv/bin/python -m lambdalint check TARGET --format json --exit-zero`, started from a
temporary folder: `python -m` puts the current folder first on `sys.path`, so started inside
another checkout it would run that checkout's code. One untimed run of each first (bytecode), then
ROUNDS (default 9) rounds of A then B; prints each one's median and fastest wall time.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def main() -> None:
    target = str(Path(sys.argv[1]).absolute())
    checkouts = [Path(arg).absolute() for arg in sys.argv[2:4]]
    rounds = int(sys.argv[4]) if len(sys.argv) > 4 else 9
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    commands = [[str(c / ".venv" / "bin" / "python"), "-m", "lambdalint", "check", target, "--format", "json",
                 "--exit-zero"] for c in checkouts]
    times: list[list[float]] = [[] for _ in checkouts]
    with tempfile.TemporaryDirectory() as neutral:
        for command in commands:
            subprocess.run(command, capture_output=True, env=env, cwd=neutral, check=True)
        for _ in range(rounds):
            for command, taken in zip(commands, times):
                start = time.perf_counter()
                subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, cwd=neutral,
                               check=True)
                taken.append(time.perf_counter() - start)
    for checkout, taken in zip(checkouts, times):
        print(f"{checkout}: median {statistics.median(taken):.3f} s, fastest {min(taken):.3f} s ({rounds} runs)")


if __name__ == "__main__":
    main()
