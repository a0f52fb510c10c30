#!/usr/bin/env bash
# Compares `miasto consult weigh` (the survey weighting: raking to population margins) with the
# `ipfn` package from PyPI on random tables. Installs ipfn into a virtualenv (WEIGHTING_VENV,
# default ~/.cache/miasto-weighting-venv) and builds the binary if needed.
# Usage: scripts/weighting/run.sh [TABLES]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
venv="${WEIGHTING_VENV:-$HOME/.cache/miasto-weighting-venv}"
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import ipfn' 2> /dev/null; then
  python3 -m venv "$venv"
fi
"$venv/bin/pip" install --quiet --disable-pip-version-check -r requirements.txt
target="${CARGO_TARGET_DIR:-$(cd ../.. && pwd)/target}"
cargo build --quiet -p miasto
"$venv/bin/python" compare.py "$target/debug/miasto" "${1:-100}"
