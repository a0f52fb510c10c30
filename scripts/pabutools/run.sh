#!/usr/bin/env bash
# Compares `miasto budget count` with pabutools (PyPI) on random instances. Installs pabutools
# into a virtualenv (PABUTOOLS_VENV, default ~/.cache/miasto-pabutools-venv) and builds the
# binary if needed. Usage: scripts/pabutools/run.sh [INSTANCES]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
venv="${PABUTOOLS_VENV:-$HOME/.cache/miasto-pabutools-venv}"
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import pabutools' 2> /dev/null; then
  python3 -m venv "$venv"
fi
"$venv/bin/pip" install --quiet --disable-pip-version-check -r requirements.txt
cargo build --quiet -p miasto
target="${CARGO_TARGET_DIR:-$(cd ../.. && pwd)/target}"
"$venv/bin/python" compare.py "$target/debug/miasto" "${1:-300}"
