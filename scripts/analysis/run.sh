#!/usr/bin/env bash
# Checks `miasto analyse` against scikit-learn, datasketch and Pol.is's own groups
# (compare.py says what). Installs the Python packages into a virtualenv (ANALYSIS_VENV,
# default ~/.cache/miasto-analysis-venv) and builds the binary if needed.
# Usage: scripts/analysis/run.sh [SEEDS]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
"$venv/bin/python" compare.py "$target/debug/miasto" ../../crates/analysis/tests/data/polis "${1:-3}"
