#!/usr/bin/env python3
"""Time lambdalint against cfn-lint (+ cfn-lint-serverless) and checkov on the shared template corpus.

Stdlib only. The peers live in their own virtualenv, bench/.venv (git-ignored, never used by CI):

    python bench/bench_templates.py --setup      # create bench/.venv, pip-install the peers
    python bench/bench_templates.py              # run the benchmark, print a Markdown table

Run it with the interpreter whose environment holds lambdalint (e.g. the project virtualenv's python):
lambdalint is run as `sys.executable -m lambdalint`. Every measured run is a fresh subprocess, so
interpreter start and imports count, as they do for a user. Four contenders, same corpus:

1. lambdalint  `lambdalint check CORPUS --format json --exit-zero`
2. cfn-lint    `cfn-lint -a cfn_lint_serverless.rules --format parseable FILES...` over the files
               lambdalint treats as CloudFormation/SAM (cfn-lint cannot read serverless.yml)
3. checkov     `checkov -d CORPUS --framework cloudformation serverless --quiet --compact -o json`
4. floor       a fresh interpreter that only reads and composes (PyYAML CSafeLoader, marks kept)
               the files lambdalint parses: the least any Python template linter must spend.

Exit codes of cfn-lint and checkov are ignored (they are non-zero when they find something).
Targets: lambdalint >= 20x faster than cfn-lint with serverless rules (issue 2), and within 2x of
the floor (issue 13; issue 2 asked for 3x). lambdalint and the floor run in turn, after one untimed
warm-up run each that lets Python write lambdalint's bytecode, as an installed package has it.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BENCH_DIR.parent
DEFAULT_CORPUS = PROJECT_DIR.parent / "shared" / "corpus"
VENV_DIR = BENCH_DIR / ".venv"
OUT_DIR = BENCH_DIR / "out"  # git-ignored; raw outputs of the last run of each tool
PEER_PACKAGES = ["cfn-lint", "cfn-lint-serverless", "checkov"]
TEMPLATE_SUFFIXES = (".yaml", ".yml", ".json", ".template")

TARGET_CFN_LINT_RATIO = 20.0  # cfn-lint / lambdalint must be at least this
TARGET_FLOOR_RATIO = 2.0  # lambdalint / floor must be at most this (issue 13; issue 2 asked for 3)

# Classifies the corpus with lambdalint's own discovery and loaders, so cfn-lint and the floor get
# exactly the files lambdalint reads. Runs in a subprocess of the lambdalint interpreter (not timed).
CLASSIFY = r"""
import json, re, sys
from pathlib import Path
from lambdalint.discover import Walker
from lambdalint.load import load_template
from lambdalint.model import Project, SourceFile

cfn_marker = re.compile(
    r'''^[ \t{]*["']?(?:AWSTemplateFormatVersion|Resources|Transform)["']?[ \t]*:''', re.M)
found = Walker().run([Path(sys.argv[1])])
project = Project(cwd=Path.cwd())
out = {"parsed": [], "cloudformation": [], "serverless": [], "broken_cfn": [], "broken_other": [],
       "other": []}
for path, text in found.templates:
    out["parsed"].append(str(path))
    before = len(project.problems)
    template = load_template(SourceFile(path.absolute(), str(path), text), project)
    if template is not None:
        out[template.dialect].append(str(path))
    elif len(project.problems) > before:  # does not parse: cfn-lint gets it when it looks like CFN
        looks_cfn = path.name not in ("serverless.yml", "serverless.yaml") and cfn_marker.search(text)
        out["broken_cfn" if looks_cfn else "broken_other"].append(str(path))
    else:
        out["other"].append(str(path))
json.dump(out, sys.stdout)
"""

# The floor: interpreter start + import yaml + read and compose every file lambdalint parses.
FLOOR = r"""
import sys, yaml
loader = yaml.CSafeLoader
with open(sys.argv[1], encoding="utf-8") as listing:
    paths = listing.read().splitlines()
nodes = 0
for path in paths:
    with open(path, "rb") as handle:
        text = handle.read().decode("utf-8-sig")
    try:
        if yaml.compose(text, Loader=loader) is not None:
            nodes += 1
    except yaml.YAMLError:
        pass
print(nodes)
"""


def venv_bin(name: str) -> Path:
    return VENV_DIR / ("Scripts" if os.name == "nt" else "bin") / name


def setup() -> int:
    if not venv_bin("python").exists():
        print(f"creating {VENV_DIR}", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(VENV_DIR)], check=True)
    python = str(venv_bin("python"))
    subprocess.run([python, "-m", "pip", "install", "--upgrade", "pip"], check=True)
    subprocess.run([python, "-m", "pip", "install", "--upgrade", *PEER_PACKAGES], check=True)
    for line in peer_versions().items():
        print("%s %s" % line)
    return 0


def peer_versions() -> dict[str, str]:
    python = venv_bin("python")
    if not python.exists():
        return {}
    code = ("import importlib.metadata as m, json; print(json.dumps({p: m.version(p) for p in %r}))"
            % (PEER_PACKAGES,))
    try:
        result = subprocess.run([str(python), "-c", code], capture_output=True, text=True, check=True)
        return json.loads(result.stdout)
    except (subprocess.CalledProcessError, ValueError):
        return {}


def lambdalint_version() -> str:
    result = subprocess.run([sys.executable, "-m", "lambdalint", "--version"], capture_output=True,
                            text=True)
    match = re.search(r"(\d+\.\d+\S*)", result.stdout + result.stderr)
    return match.group(1) if match else "?"


def classify(corpus: Path) -> dict[str, list[str]]:
    """lambdalint's view of the corpus; falls back to every YAML/JSON file if that API moved."""
    result = subprocess.run([sys.executable, "-c", CLASSIFY, str(corpus)], capture_output=True,
                            text=True)
    if result.returncode == 0:
        try:
            return json.loads(result.stdout)
        except ValueError:
            pass
    print("warning: could not classify the corpus with lambdalint's loaders "
          f"({result.stderr.strip().splitlines()[-1:] or 'no output'}); cfn-lint and the floor get "
          "every YAML/JSON file instead", file=sys.stderr)
    files = sorted(str(p) for p in corpus.rglob("*") if p.is_file() and p.name.endswith(TEMPLATE_SUFFIXES))
    return {"parsed": files, "cloudformation": files, "serverless": [], "broken_cfn": [],
            "broken_other": [], "other": [], "fallback": ["yes"]}


def time_runs(name: str, argv: list[str], repeat: int, timeout: float | None,
              env: dict[str, str] | None = None) -> tuple[list[float], Path]:
    """Run `argv` `repeat` times as fresh subprocesses; wall times in seconds, last stdout's file."""
    OUT_DIR.mkdir(exist_ok=True)
    out_path = OUT_DIR / f"{name}.out"
    times: list[float] = []
    for i in range(repeat):
        with open(out_path, "wb") as out, open(OUT_DIR / f"{name}.err", "wb") as err:
            start = time.perf_counter()
            try:
                proc = subprocess.run(argv, stdout=out, stderr=err, stdin=subprocess.DEVNULL,
                                      timeout=timeout, env=env, cwd=str(BENCH_DIR))
            except subprocess.TimeoutExpired:
                print(f"  {name}: run {i + 1} timed out after {timeout:.0f} s", flush=True)
                break
            elapsed = time.perf_counter() - start
        times.append(elapsed)
        print(f"  {name}: run {i + 1}/{repeat}: {elapsed:.2f} s (exit {proc.returncode})", flush=True)
    return times, out_path


def warm_up(argv: list[str], timeout: float | None) -> None:
    """One untimed run with bytecode writing allowed: a pip-installed package ships its `.pyc`
    files, so the timed runs must not compile lambdalint's modules from source (with
    `PYTHONDONTWRITEBYTECODE=1` in the environment, every run did, about 0.1 s each)."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL,
                   timeout=timeout, env=env, cwd=str(BENCH_DIR))


def time_pairs(first: tuple[str, list[str]], second: tuple[str, list[str]], repeat: int,
               timeout: float | None) -> dict[str, tuple[list[float], list[float], Path]]:
    """`first` and `second` run in turn, `repeat` times each: on a shared machine both sides of a
    ratio then meet the same load. Wall and CPU (user + system) seconds of each run."""
    OUT_DIR.mkdir(exist_ok=True)
    walls: dict[str, list[float]] = {first[0]: [], second[0]: []}
    cpus: dict[str, list[float]] = {first[0]: [], second[0]: []}
    for i in range(repeat):
        for name, argv in (first, second):
            with open(OUT_DIR / f"{name}.out", "wb") as out, open(OUT_DIR / f"{name}.err", "wb") as err:
                before = resource.getrusage(resource.RUSAGE_CHILDREN)
                start = time.perf_counter()
                proc = subprocess.run(argv, stdout=out, stderr=err, stdin=subprocess.DEVNULL,
                                      timeout=timeout, cwd=str(BENCH_DIR))
                elapsed = time.perf_counter() - start
                after = resource.getrusage(resource.RUSAGE_CHILDREN)
            walls[name].append(elapsed)
            cpus[name].append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
            print(f"  {name}: run {i + 1}/{repeat}: {elapsed:.2f} s wall, {cpus[name][-1]:.2f} s CPU "
                  f"(exit {proc.returncode})", flush=True)
    return {name: (walls[name], cpus[name], OUT_DIR / f"{name}.out") for name in walls}


def count_output(name: str, path: Path) -> str:
    """A sanity figure from the last run's output, so a crashed run is not mistaken for a fast one."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return "?"
    try:
        errors = path.with_suffix(".err").read_text(encoding="utf-8", errors="replace")
    except OSError:
        errors = ""
    if "Traceback (most recent call last)" in errors:
        return f"CRASHED: {errors.strip().splitlines()[-1][:120]}"
    try:
        if name == "lambdalint":
            data = json.loads(text)
            return f"{len(data['findings'])} findings in {data['summary']['files']} files"
        if name == "cfn-lint":
            lines = [line for line in text.splitlines() if line.strip()]
            errors = sum(1 for line in lines if re.search(r":E0000:|:E0001:", line))
            files = len({line.split(":", 1)[0] for line in lines})
            return f"{len(lines)} findings in {files} files ({errors} E0000/E0001 parse errors)"
        if name == "checkov":
            data = json.loads(text) if text.strip() else []
            reports = data if isinstance(data, list) else [data]
            parts = []
            for report in reports:
                summary = report.get("summary", {})
                parts.append(f"{report.get('check_type', '?')}: {summary.get('failed', 0)} failed / "
                             f"{summary.get('passed', 0)} passed checks, "
                             f"{summary.get('parsing_errors', 0)} parsing errors")
            return "; ".join(parts) or "no report"
        if name == "floor":
            return f"{text.strip()} documents composed"
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        return f"unreadable output ({type(exc).__name__})"
    return ""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--setup", action="store_true",
                        help=f"create {VENV_DIR.relative_to(PROJECT_DIR)} and pip-install {' '.join(PEER_PACKAGES)}, then exit")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS,
                        help="templates to scan [default: <project>/../shared/corpus]")
    parser.add_argument("--repeat", type=int, default=5, help="runs of lambdalint and the floor [5]")
    parser.add_argument("--slow-repeat", type=int, default=3, help="runs of cfn-lint [3]")
    parser.add_argument("--checkov-repeat", type=int, default=1, help="runs of checkov [1]")
    parser.add_argument("--skip", action="append", default=[],
                        choices=["lambdalint", "floor", "cfn-lint", "checkov"],
                        help="leave a contender out (repeatable)")
    parser.add_argument("--timeout", type=float, default=1800, help="seconds per run before giving up [1800]")
    parser.add_argument("--json", type=Path, help="also write the results to this JSON file")
    args = parser.parse_args(argv)

    if args.setup:
        return setup()

    corpus = args.corpus.resolve()
    if not corpus.is_dir():
        print(f"bench_templates: corpus not found at {corpus} (pass --corpus PATH)", file=sys.stderr)
        return 2

    files = classify(corpus)
    cfn_files = files["cloudformation"] + files["broken_cfn"]
    parsed = files["parsed"]
    all_yaml_json = sum(1 for p in corpus.rglob("*") if p.is_file() and p.name.endswith(TEMPLATE_SUFFIXES))
    print(f"corpus {corpus}: {all_yaml_json} YAML/JSON files; lambdalint parses {len(parsed)} "
          f"({len(files['cloudformation'])} CloudFormation/SAM, {len(files['serverless'])} serverless.yml, "
          f"{len(files['broken_cfn']) + len(files['broken_other'])} unparsable, {len(files['other'])} other); "
          f"cfn-lint gets {len(cfn_files)} (CFN/SAM + unparsable CFN-looking)", flush=True)

    OUT_DIR.mkdir(exist_ok=True)
    listing = OUT_DIR / "parsed-files.txt"
    listing.write_text("\n".join(parsed) + "\n", encoding="utf-8")

    # The peers run with the bench venv first on PATH, as if it were activated.
    peer_env = dict(os.environ, PATH=str(venv_bin("python").parent) + os.pathsep + os.environ.get("PATH", ""),
                    VIRTUAL_ENV=str(VENV_DIR))
    peer_env.pop("PYTHONPATH", None)
    peer_env.setdefault("BC_SKIP_MAPPING", "TRUE")  # ...nor for its guideline mapping download

    contenders: list[tuple[str, list[str] | None, int, str | None, dict[str, str] | None]] = [
        ("lambdalint", [sys.executable, "-m", "lambdalint", "check", str(corpus), "--format", "json",
                        "--exit-zero"], args.repeat, None, None),
        ("floor", [sys.executable, "-c", FLOOR, str(listing)], args.repeat, None, None),
    ]
    for tool, repeat, command in (
        ("cfn-lint", args.slow_repeat,
         lambda exe: [exe, "-a", "cfn_lint_serverless.rules", "--format", "parseable", "--", *cfn_files]),
        ("checkov", args.checkov_repeat,
         lambda exe: [exe, "-d", str(corpus), "--framework", "cloudformation", "serverless", "--quiet",
                      "--compact", "-o", "json"]),
    ):
        exe = venv_bin(tool)
        if exe.exists():
            contenders.append((tool, command(str(exe)), repeat, None, peer_env))
        else:
            contenders.append((tool, None, repeat,
                               f"skipped: {exe} missing; run `python bench/bench_templates.py --setup`", None))

    # cfn-lint aborts the whole run on some templates (a traceback, no output at all), e.g. 1.58.0 on
    # `Resources:` left empty. An untimed probe finds such files by bisection; they are left out.
    crashers: list[str] = []
    for index, (name, command, repeat, skip_reason, env) in enumerate(contenders):
        if name == "cfn-lint" and command is not None and name not in args.skip and repeat > 0:
            prefix = command[:command.index("--") + 1]
            print(f"cfn-lint: untimed probe over {len(cfn_files)} files", flush=True)
            crashers = find_crashers(prefix, cfn_files, env, args.timeout)
            if crashers:
                print(f"cfn-lint: crashes on {len(crashers)} file(s), left out of its timed runs: "
                      + ", ".join(os.path.relpath(c, corpus) for c in crashers), flush=True)
                contenders[index] = (name, prefix + [f for f in cfn_files if f not in crashers],
                                     repeat, skip_reason, env)

    results: dict[str, dict[str, object]] = {}
    paired = [(name, command) for name, command, _, _, _ in contenders
              if name in ("lambdalint", "floor") and name not in args.skip and args.repeat > 0]
    for name, command in paired:
        warm_up(command, args.timeout)
    if len(paired) == 2:
        print(f"lambdalint and floor: {args.repeat} run(s) each, in turn", flush=True)
        for name, (times, cpu, out_path) in time_pairs(paired[0], paired[1], args.repeat, args.timeout).items():
            results[name] = {"times": times, "median": statistics.median(times), "cpu": cpu,
                             "cpu_median": statistics.median(cpu), "output": count_output(name, out_path)}
    for name, command, repeat, skip_reason, env in contenders:
        if name in results:
            continue
        if name in args.skip:
            skip_reason = "skipped (--skip)"
        if skip_reason or command is None or repeat < 1:
            reason = skip_reason or "skipped (0 runs)"
            print(f"{name}: {reason}", flush=True)
            results[name] = {"skipped": reason}
            continue
        print(f"{name}: {repeat} run(s)", flush=True)
        times, out_path = time_runs(name, command, repeat, args.timeout, env)
        results[name] = {"times": times, "median": statistics.median(times) if times else None,
                         "output": count_output(name, out_path)}

    report(args, corpus, files, cfn_files, all_yaml_json, results, crashers)
    return 0


def find_crashers(prefix: list[str], files: list[str], env: dict[str, str] | None,
                  timeout: float | None) -> list[str]:
    """The files on which `prefix + files` dies with a Python traceback, found by bisection."""
    def crashes(chunk: list[str]) -> bool:
        try:
            proc = subprocess.run(prefix + chunk, capture_output=True, stdin=subprocess.DEVNULL,
                                  timeout=timeout, env=env, cwd=str(BENCH_DIR))
        except subprocess.TimeoutExpired:
            return False
        return b"Traceback (most recent call last)" in proc.stderr

    def bisect(chunk: list[str], known_to_crash: bool = False) -> list[str]:
        if not known_to_crash and not crashes(chunk):
            return []
        if len(chunk) == 1:
            return chunk
        middle = len(chunk) // 2
        left = bisect(chunk[:middle])
        # When the left half runs clean, the crash is in the right half: no need to run it whole.
        return left + bisect(chunk[middle:], known_to_crash=not left)

    return bisect(files) if files else []


def median_of(results: dict[str, dict[str, object]], name: str) -> float | None:
    value = results.get(name, {}).get("median")
    return value if isinstance(value, float) else None


def report(args: argparse.Namespace, corpus: Path, files: dict[str, list[str]], cfn_files: list[str],
           all_yaml_json: int, results: dict[str, dict[str, object]], crashers: list[str]) -> None:
    versions = {"lambdalint": lambdalint_version(), **peer_versions()}
    ll = median_of(results, "lambdalint")
    floor = median_of(results, "floor")
    cfn = median_of(results, "cfn-lint")
    ckv = median_of(results, "checkov")

    def ratio(a: float | None, b: float | None) -> float | None:
        return a / b if a and b else None

    ratios = {"cfn-lint / lambdalint": ratio(cfn, ll), "checkov / lambdalint": ratio(ckv, ll),
              "lambdalint / floor": ratio(ll, floor)}
    files_of = {"lambdalint": f"{all_yaml_json} YAML/JSON walked, {len(files['parsed'])} parsed",
                "floor": f"{len(files['parsed'])} (those lambdalint parses)",
                "cfn-lint": f"{len(cfn_files) - len(crashers)} CFN/SAM (no serverless.yml"
                            + (f"; {len(crashers)} that crash it left out)" if crashers else ")"),
                "checkov": "whole corpus (-d)"}
    labels = {"lambdalint": "lambdalint `check --format json`",
              "cfn-lint": "cfn-lint `-a cfn_lint_serverless.rules`",
              "checkov": "checkov `--framework cloudformation serverless`",
              "floor": "floor: PyYAML CSafeLoader compose"}
    version_of = {"lambdalint": versions.get("lambdalint", "?"),
                  "cfn-lint": f"{versions.get('cfn-lint', '?')} + cfn-lint-serverless {versions.get('cfn-lint-serverless', '?')}",
                  "checkov": versions.get("checkov", "?"),
                  "floor": f"Python {platform.python_version()}"}

    print()
    print(f"- date: {_dt.date.today().isoformat()}")
    print(f"- machine: {os.cpu_count()} CPUs (nproc), {platform.machine()}, {platform.system()} "
          f"{platform.release()}, Python {platform.python_version()} ({sys.executable})")
    print(f"- corpus: {corpus} ({all_yaml_json} YAML/JSON files)")
    print()
    print("| contender | version | files | runs | median wall (s) | all runs (s) | output of last run |")
    print("|---|---|---|---:|---:|---|---|")
    for name in ("lambdalint", "cfn-lint", "checkov", "floor"):
        entry = results.get(name, {})
        if "skipped" in entry:
            print(f"| {labels[name]} | {version_of[name]} | {files_of[name]} | 0 | - | {entry['skipped']} | |")
            continue
        times = entry.get("times") or []
        median = entry.get("median")
        print(f"| {labels[name]} | {version_of[name]} | {files_of[name]} | {len(times)} | "
              f"{median:.2f} | {', '.join(f'{t:.2f}' for t in times)} | {entry.get('output', '')} |"
              if median is not None else f"| {labels[name]} | | | 0 | - | no completed run | |")
    print()
    print("| ratio | value | target | met? |")
    print("|---|---:|---|---|")
    targets = {"cfn-lint / lambdalint": (f">= {TARGET_CFN_LINT_RATIO:g}x", lambda r: r >= TARGET_CFN_LINT_RATIO),
               "checkov / lambdalint": ("(none)", None),
               "lambdalint / floor": (f"<= {TARGET_FLOOR_RATIO:g}x", lambda r: r <= TARGET_FLOOR_RATIO)}
    for key, value in ratios.items():
        target, check = targets[key]
        met = "-" if value is None or check is None else ("yes" if check(value) else "**no**")
        print(f"| {key} | {f'{value:.2f}x' if value is not None else '-'} | {target} | {met} |")
    ll_cpu, floor_cpu = (results.get(n, {}).get("cpu_median") for n in ("lambdalint", "floor"))
    if isinstance(ll_cpu, float) and isinstance(floor_cpu, float):
        print(f"\nCPU time (user + system), medians of the same runs: lambdalint {ll_cpu:.2f} s, "
              f"floor {floor_cpu:.2f} s, lambdalint / floor {ll_cpu / floor_cpu:.2f}x")

    if args.json:
        args.json.write_text(json.dumps({
            "date": _dt.date.today().isoformat(), "nproc": os.cpu_count(),
            "python": platform.python_version(), "versions": versions, "corpus": str(corpus),
            "files": {k: len(v) for k, v in files.items()}, "cfn_lint_files": len(cfn_files),
            "cfn_lint_crashers": [os.path.relpath(c, corpus) for c in crashers],
            "results": results, "ratios": ratios}, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
