#!/usr/bin/env bash
# Counting speed, miasto and pabutools side by side on the same votes (docs/performance.md).
# Usage: scripts/pabutools/bench.sh [VOTERS]   (PABUTOOLS_LIMIT: seconds per pabutools rule)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
venv="${PABUTOOLS_VENV:-$HOME/.cache/miasto-pabutools-venv}"
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import pabutools' 2> /dev/null; then
  python3 -m venv "$venv"
fi
"$venv/bin/pip" install --quiet --disable-pip-version-check -r requirements.txt
cargo build --quiet --release -p miasto
target="${CARGO_TARGET_DIR:-$(cd ../.. && pwd)/target}"
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
