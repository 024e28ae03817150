#!/usr/bin/env bash
# The action's install step: lambdalint from the action's own checkout ($GITHUB_ACTION_PATH) into a
# virtualenv of its own under $RUNNER_TEMP, so it neither needs a package index entry for
# lambdalint nor touches the job's Python environment.
set -euo pipefail
venv="$RUNNER_TEMP/lambdalint-venv"
# a second use of the action in the same job reinstalls into the same virtualenv
[ -x "$venv/bin/python" ] || "${INPUT_PYTHON:-python3}" -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check "$GITHUB_ACTION_PATH"
"$venv/bin/lambdalint" --version
