"""Scale: lambdalint on generated templates of 1k-20k functions, and the corpus as file arguments.

Usage: python bench/scale.py [--sizes 1000,5000,10000,20000] [--repeat 3] [--corpus PATH] [--skip-corpus]

1. For each size N, one SAM template with N functions, each with environment variables, an inline
   policy and an API event (plus Globals), is written to a temporary folder and checked by
   `python -m lambdalint check DIR --format json --exit-zero` in a fresh process: the median wall
   time of `--repeat` runs and the peak RSS of the child (`ru_maxrss`). Targets (issue 13): the
   10k time at most 12x the 1k time, the 20k time at most 2.2x the 10k time.
2. The shared corpus (`../shared/corpus`) checked as a folder and as its files passed as
   arguments (what `pre-commit run --all-files` does), same run; target: arguments at most 1.5x.

Stdlib only; prints a Markdown table. Never run in CI.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HEADER = """\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Globals:
  Function:
    Runtime: python3.12
    MemorySize: 256
    Environment:
      Variables:
        STAGE: prod
Resources:
  Table:
    Type: AWS::DynamoDB::Table
    Properties:
      BillingMode: PAY_PER_REQUEST
      AttributeDefinitions: [{AttributeName: id, AttributeType: S}]
      KeySchema: [{AttributeName: id, KeyType: HASH}]
"""
FUNCTION = """\
  Function{i}:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: app.handler
      Timeout: 10
      Environment:
        Variables:
          TABLE_NAME: !Ref Table
          QUEUE_URL: https://sqs.eu-west-1.amazonaws.com/123456789012/queue-{i}
          LOG_LEVEL: INFO
      Policies:
        - Statement:
            - Effect: Allow
              Action: [dynamodb:GetItem, dynamodb:PutItem]
              Resource: !GetAtt Table.Arn
      Events:
        Api:
          Type: Api
          Properties:
            Path: /items/{i}
            Method: get
"""


def generate(folder: Path, functions: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "src").mkdir(exist_ok=True)
    (folder / "src" / "app.py").write_text("def handler(event, context):\n    return {'statusCode': 200}\n")
    # 20k functions make a 12 MB template, above the default `max-template-mb` of 10
    (folder / "lambdalint.toml").write_text("max-template-mb = 100\n")
    with (folder / "template.yaml").open("w") as out:
        out.write(HEADER)
        for i in range(functions):
            out.write(FUNCTION.format(i=i))


def timed(args: list[str], cwd: Path) -> tuple[float, int]:
    """Wall seconds and peak RSS (MB) of one child process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    subprocess.run(args, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    wall = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    # ru_maxrss is the largest child so far: run sizes in increasing order so each is its own
    return wall, max(peak, before) // 1024


def lambdalint(*args: str) -> list[str]:
    return [sys.executable, "-m", "lambdalint", "check", *args, "--format", "json", "--exit-zero"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1000,5000,10000,20000")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--corpus", type=Path,
                        default=Path(__file__).resolve().parents[1].parent / "shared" / "corpus")
    parser.add_argument("--skip-corpus", action="store_true")
    options = parser.parse_args()
    sizes = sorted(int(s) for s in options.sizes.split(","))
    rows: dict[int, tuple[float, list[float], int]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for size in sizes:
            folder = Path(tmp) / f"n{size}"
            generate(folder, size)
            runs, peak = [], 0
            for _ in range(options.repeat):
                wall, rss = timed(lambdalint("."), folder)
                runs.append(wall)
                peak = max(peak, rss)
            rows[size] = (statistics.median(runs), runs, peak)
    print("| functions | median wall (s) | all runs (s) | peak RSS (MB) | vs previous size |")
    print("|---:|---:|---|---:|---:|")
    previous = None
    for size in sizes:
        median, runs, peak = rows[size]
        ratio = f"{median / rows[previous][0]:.2f}x" if previous else ""
        print(f"| {size} | {median:.2f} | {', '.join(f'{r:.2f}' for r in runs)} | {peak} | {ratio} |")
        previous = size
    if 1000 in rows and 10000 in rows:
        print(f"\n10k / 1k: {rows[10000][0] / rows[1000][0]:.1f}x (target <= 12x)")
    if 10000 in rows and 20000 in rows:
        print(f"20k / 10k: {rows[20000][0] / rows[10000][0]:.2f}x (target <= 2.2x)")
    if options.skip_corpus:
        return
    if not options.corpus.is_dir():
        print(f"\nno corpus at {options.corpus}; skipped the arguments-vs-folder comparison")
        return
    files = sorted(str(p.relative_to(options.corpus)) for p in options.corpus.rglob("*")
                   if p.is_file() and p.suffix in (".yaml", ".yml", ".json", ".template", ".py"))
    folder_runs, argument_runs = [], []
    for _ in range(options.repeat):
        folder_runs.append(timed(lambdalint("."), options.corpus)[0])
        argument_runs.append(timed(lambdalint(*files), options.corpus)[0])
    folder, arguments = statistics.median(folder_runs), statistics.median(argument_runs)
    print(f"\ncorpus as a folder: {folder:.2f} s ({', '.join(f'{r:.2f}' for r in folder_runs)})")
    print(f"corpus as {len(files)} file arguments: {arguments:.2f} s "
          f"({', '.join(f'{r:.2f}' for r in argument_runs)}); {arguments / folder:.2f}x (target <= 1.5x)")


if __name__ == "__main__":
    os.environ.pop("CI", None)
    main()
