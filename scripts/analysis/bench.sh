#!/usr/bin/env bash
# `miasto bench analysis` and the scikit-learn / datasketch baseline side by side on the same
# 62,000 generated comments (figures in docs/performance.md). The debug build compiles
# miasto-analysis at opt-level 3, so its figures are those of a release build.
# Usage: scripts/analysis/bench.sh [extra `miasto bench analysis` arguments]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
csv="$(mktemp --suffix=.csv)"
trap 'rm -f "$csv"' EXIT
"$target/debug/miasto" bench analysis --write-comments "$csv" "$@" | tee /dev/stderr > "$csv.out"
ours="$(sed -n 's/^comments: 62000 grouped in \([0-9.]*\) s.*/\1/p' "$csv.out")"
rm -f "$csv.out"
"$venv/bin/python" bench.py "$csv" "${ours:?no 62,000-comment figure}"
