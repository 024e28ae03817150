#!/usr/bin/env bash
# The action's run step. Prints the report in the chosen format, always writes the SARIF report,
# and hands the exit code on as a step output: the step itself succeeds so that the upload runs
# first, and the action's last step fails the job.
set -euo pipefail
lambdalint="$RUNNER_TEMP/lambdalint-venv/bin/lambdalint"
format="${INPUT_FORMAT:-github}"
sarif="${INPUT_SARIF_FILE:-lambdalint.sarif}"
set -f  # paths and arguments are words, not globs
paths=(${INPUT_PATHS:-.})
extra=(${INPUT_ARGS:-})
set +f
options=(--fail-on "${INPUT_FAIL_ON:-warning}" ${extra[@]+"${extra[@]}"})

status=0
if [ "$format" = sarif ]; then
  "$lambdalint" check --format sarif --output "$sarif" "${options[@]}" -- "${paths[@]}" || status=$?
else
  "$lambdalint" check --format "$format" "${options[@]}" -- "${paths[@]}" || status=$?
  if [ "$status" -ne 2 ]; then
    "$lambdalint" check --format sarif --output "$sarif" --exit-zero "${options[@]}" -- "${paths[@]}"
  fi
fi
if [ "$status" -eq 2 ]; then
  exit 2  # lambdalint's own one-line error is above; there is no report to upload
fi
{
  echo "exit-code=$status"
  echo "sarif-file=$sarif"
} >> "$GITHUB_OUTPUT"
