"""Reading Python CDK apps from source vs. the bare LibCST parse of the same files (issue 15).

For every app under the folder (default ../shared/projects/cdk-python/serverless-patterns), in one
process and one run: (1) reading and `libcst.parse_module` of each Python file the CDK loader
parses (the app's modules that mention `aws_cdk`, tests left out), and (2) the loader itself,
`load_cdk_app`, on the same app (it also reads the app's other Python files to find those modules,
then parses, follows values, builds constructs, triggers and roles, and places the spans of what
reaches the model). Both are repeated N times, interleaved, and the median totals are reported
with the ratio loader / parse. Target: at most 1.5x. Wall time and the process's CPU time are both
taken: on a machine shared with other work the CPU time is the steadier figure (both steps are
single-threaded and read files the first pass already cached).

    python bench/cdk_bench.py [FOLDER] [--repeat 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = Path(os.environ.get("LAMBDALINT_SHARED") or ROOT.parent / "shared") / "projects" / "cdk-python" / "serverless-patterns"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("folder", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    if not args.folder.is_dir():
        print(f"no such folder: {args.folder}", file=sys.stderr)
        return 2
    import libcst as cst

    from lambdalint.loaders.cdk import is_app_module, load_cdk_app, python_app
    from lambdalint.model import Project

    apps = []
    for cdk_json in sorted(args.folder.glob("**/cdk.json")):
        if python_app(cdk_json.read_text(encoding="utf-8")) is None:
            continue
        app_dir = cdk_json.parent.absolute()
        files = sorted(p.absolute() for p in app_dir.rglob("*.py") if is_app_module(p.absolute(), app_dir))
        texts = {p: p.read_text(encoding="utf-8") for p in files}
        apps.append((cdk_json, files, [p for p, t in texts.items() if "aws_cdk" in t]))

    def read_text(path: Path) -> str | None:
        try:
            return path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return None

    parse_runs, load_runs, parse_cpu, load_cpu = [], [], [], []
    functions = 0
    for _ in range(args.repeat):
        start, cpu = time.perf_counter(), time.process_time()
        for _, _, modules in apps:
            for path in modules:
                try:
                    cst.parse_module(path.read_text(encoding="utf-8"))
                except cst.ParserSyntaxError:
                    pass
        parse_runs.append(time.perf_counter() - start)
        parse_cpu.append(time.process_time() - cpu)
        start, cpu = time.perf_counter(), time.process_time()
        functions = 0
        for cdk_json, files, _ in apps:
            project = Project(cwd=cdk_json.parent.absolute())
            templates = load_cdk_app(cdk_json, files, project, read_text)
            functions += sum(len(t.functions) for t in templates)
        load_runs.append(time.perf_counter() - start)
        load_cpu.append(time.process_time() - cpu)
    parse, load = statistics.median(parse_runs), statistics.median(load_runs)
    modules = sum(len(t) for _, _, t in apps)
    print(f"{len(apps)} apps, {modules} modules read, {functions} functions")
    print("| step | median (s) | all runs (s) |\n|---|---:|---|")
    print(f"| read + LibCST parse of the modules | {parse:.3f} | {', '.join(f'{r:.3f}' for r in parse_runs)} |")
    print(f"| CDK loader (`load_cdk_app`) | {load:.3f} | {', '.join(f'{r:.3f}' for r in load_runs)} |")
    print(f"| read + LibCST parse, CPU time | {statistics.median(parse_cpu):.3f} | "
          f"{', '.join(f'{r:.3f}' for r in parse_cpu)} |")
    print(f"| CDK loader, CPU time | {statistics.median(load_cpu):.3f} | {', '.join(f'{r:.3f}' for r in load_cpu)} |")
    paired = statistics.median(b / a for a, b in zip(parse_runs, load_runs))
    paired_cpu = statistics.median(b / a for a, b in zip(parse_cpu, load_cpu))
    print(f"\nratio loader / parse: {load / parse:.2f}x of the medians, {paired:.2f}x median of the "
          f"interleaved pairs; CPU time {statistics.median(load_cpu) / statistics.median(parse_cpu):.2f}x of the "
          f"medians, {paired_cpu:.2f}x of the pairs (target at most 1.5x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
