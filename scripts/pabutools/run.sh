#!/usr/bin/env bash
# Compares `miasto budget count` with pabutools (PyPI) on random instances. Installs pabutools
# into a virtualenv (PABUTOOLS_VENV, default ~/.cache/miasto-pabutools-venv) and builds the
# binary if needed. Usage: scripts/pabutools/run.sh [INSTANCES]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
source ./venv.sh
cargo build --quiet -p miasto
"$venv/bin/python" compare.py "$target/debug/miasto" "${1:-300}"
