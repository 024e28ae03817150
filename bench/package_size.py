"""Bench: lambdalint.package_size.measure against ``du -s --apparent-size``.

Builds its own trees in a fresh temp folder and removes them afterwards:
  * sizing tree: 100 dirs x 1,000 sparse files of ~20 KB apparent (~2 GB apparent, ~0 disk),
    timed with ``du -s --apparent-size`` and ``measure(estimate_zip=False)``, median of N runs
    after one warm-up run each (warm page/dentry cache). measure runs both in a fresh subprocess
    (interpreter start + import included, like du's process start) and in-process.
  * estimate tree: random bytes (incompressible) so the zlib estimate does real work.

Usage: PYTHONPATH=. python bench/package_size.py [--runs 5] [--dirs 100] [--files 1000]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from lambdalint.package_size import format_bytes, measure  # noqa: E402

CHILD = (
    "import sys, time; from pathlib import Path; t = time.perf_counter();"
    "from lambdalint.package_size import measure;"
    "s = measure(Path(sys.argv[1]), estimate_zip=False); assert s.files;"
    "print(time.perf_counter() - t)"
)


def build_sparse(root: Path, dirs: int, files: int) -> int:
    total = 0
    for d in range(dirs):
        folder = root / f"pkg{d:03d}"
        folder.mkdir()
        for f in range(files):
            size = 20_000 + (f * 7919 + d) % 1024  # ~20 KB, varied so sums are not trivial
            fd = os.open(folder / f"m{f:04d}.py", os.O_CREAT | os.O_WRONLY, 0o644)
            os.ftruncate(fd, size)  # sparse: apparent size only, no blocks written
            os.close(fd)
            total += size
    return total


def build_random(root: Path, files: int, size: int) -> int:
    for f in range(files):
        folder = root / f"lib{f // 100:02d}"
        folder.mkdir(exist_ok=True)
        (folder / f"blob{f:04d}.bin").write_bytes(os.urandom(size))
    return files * size


def timed(fn, runs: int) -> list[float]:
    fn()  # warm-up: fills dentry/inode cache so every timed run sees the same state
    out = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--dirs", type=int, default=100)
    ap.add_argument("--files", type=int, default=1000)
    ap.add_argument("--random-files", type=int, default=2000)
    ap.add_argument("--random-size", type=int, default=50_000)
    args = ap.parse_args()
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    tmp = Path(tempfile.mkdtemp(prefix="ll-bench-size-"))
    try:
        sparse, rand = tmp / "sparse", tmp / "random"
        sparse.mkdir()
        rand.mkdir()
        t = time.perf_counter()
        expected = build_sparse(sparse, args.dirs, args.files)
        print(f"built sparse tree: {args.dirs * args.files:,} files, {expected:,} bytes "
              f"({format_bytes(expected)}) in {time.perf_counter() - t:.1f}s")

        du_out = subprocess.run(["du", "-s", "-B1", "--apparent-size", str(sparse)],
                                capture_output=True, text=True, check=True).stdout
        size = measure(sparse, estimate_zip=False)
        files_bytes = size.unzipped_bytes
        print(f"measure: {files_bytes:,} bytes in files (expected {expected:,}); "
              f"du (includes dir entries): {int(du_out.split()[0]):,}")
        assert files_bytes == expected, "measure disagrees with the bytes written"

        child_inner: list[float] = []

        def run_du() -> None:
            subprocess.run(["du", "-s", "--apparent-size", str(sparse)], capture_output=True, check=True)

        def run_child() -> None:
            r = subprocess.run([sys.executable, "-c", CHILD, str(sparse)], env=env,
                               capture_output=True, text=True, check=True)
            child_inner.append(float(r.stdout))

        # Interleaved (du, subprocess, in-process) rounds: this VM drifts, alternating keeps the
        # drift from favouring either side.
        du, sub, inproc = [], [], []
        run_du(), run_child(), measure(sparse, estimate_zip=False)  # warm-up round
        for _ in range(args.runs):
            for out, fn in ((du, run_du), (sub, run_child),
                            (inproc, lambda: measure(sparse, estimate_zip=False))):
                t = time.perf_counter()
                fn()
                out.append(time.perf_counter() - t)
        est_sparse = timed(lambda: measure(sparse, estimate_zip=True), 1)

        rand_bytes = build_random(rand, args.random_files, args.random_size)
        est_runs = timed(lambda: measure(rand, estimate_zip=True), args.runs)
        off_runs = timed(lambda: measure(rand, estimate_zip=False), args.runs)
        est = measure(rand, estimate_zip=True)

        med = statistics.median
        du_m = med(du)
        print(f"\n{'what':58} {'median':>9} {'x du':>6}")
        rows = [
            ("du -s --apparent-size (subprocess)", du_m),
            ("measure(estimate_zip=False), fresh subprocess", med(sub)),
            ("measure(estimate_zip=False), in-process", med(inproc)),
            ("  (measure call alone inside the subprocess)", med(child_inner[1:])),

        ]
        for name, v in rows:
            print(f"{name:58} {v * 1000:7.0f}ms {v / du_m:6.2f}")
        print(f"measure(estimate_zip=True) on sparse tree (reads {format_bytes(expected)} of zeros): "
              f"{est_sparse[0]:.2f}s")
        e, o = med(est_runs), med(off_runs)
        print(f"\nrandom tree: {args.random_files:,} files, {format_bytes(rand_bytes)} real bytes")
        print(f"  estimate off: {o * 1000:.0f}ms   estimate on: {e * 1000:.0f}ms   "
              f"throughput {rand_bytes / e / 1e6:.0f} MB/s (10^6 B/s)")
        print(f"  estimated zip {est.zipped_bytes:,} B vs raw {rand_bytes:,} B "
              f"({est.zipped_bytes / rand_bytes:.4f}x)")
    finally:
        shutil.rmtree(tmp)
        print(f"\nremoved {tmp}")


if __name__ == "__main__":
    main()
