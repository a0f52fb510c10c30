#!/usr/bin/env bash
# Counting speed, miasto and pabutools side by side on the same votes (docs/performance.md).
# Usage: scripts/pabutools/bench.sh [VOTERS]   (PABUTOOLS_LIMIT: seconds per pabutools rule)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
source ./venv.sh
cargo build --quiet --release -p miasto
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
echo "== miasto"
(cd ../.. && "$target/release/miasto" bench budget --voters "${1:-1000000}" \
  --write-random "$work/random.pb")
# The same Kraków ballots, as approval sets, for pabutools.
sed 's/^vote_type;ordinal/vote_type;approval/' ../../data/pabulib/Poland_Krakow_2024.pb \
  > "$work/Poland_Krakow_2024_as_approval.pb"
echo "== pabutools"
"$venv/bin/python" bench.py "$work/Poland_Krakow_2024_as_approval.pb" "$work/random.pb"
