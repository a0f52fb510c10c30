#!/usr/bin/env bash
# Browser tests: start a real `miasto serve` on a fresh SQLite file, create an admin with the
# CLI, and drive Debian's headless Chromium through the journeys with playwright-core,
# running axe-core on every page visited. Then real clients: the Open311 client `georeport`
# from PyPI (in a virtualenv) reads and writes through /open311/v2.
#
#   e2e/run.sh            (from the repository root or anywhere)
#
# Needs: /usr/bin/chromium (Debian packages chromium + chromium-driver), Node.js and npm,
# python3 with venv (PyPI reachable).
# Set MIASTO_BIN to test an already built binary.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
chromium="${CHROMIUM:-/usr/bin/chromium}"

if [ ! -x "$chromium" ]; then
  echo "e2e: $chromium is missing; install Debian's chromium and chromium-driver (see README)" >&2
  exit 1
fi

if [ -z "${MIASTO_BIN:-}" ]; then
  (cd "$root" && cargo build --quiet -p miasto)
  target="${CARGO_TARGET_DIR:-$root/target}"
  MIASTO_BIN="$target/debug/miasto"
fi

cd "$here"
if [ ! -d node_modules/playwright-core ] || [ ! -d node_modules/axe-core ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi

work="$(mktemp -d)"
server_pid=""
cleanup() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  if [ "${E2E_KEEP:-}" = "" ]; then rm -rf "$work"; else echo "e2e: kept $work"; fi
}
trap cleanup EXIT

# Only the settings chosen here: never the developer's own MIASTO_* environment.
for var in $(env | grep -o '^MIASTO_[A-Z_]*' || true); do
  [ "$var" = MIASTO_BIN ] || unset "$var"
done
export MIASTO_DATABASE_URL="sqlite://$work/e2e.db"
export MIASTO_FILES_DIR="$work/files"
admin_email="admin@e2e.miasto.test"
admin_password="e2e-admin-password-$RANDOM$RANDOM"

"$MIASTO_BIN" migrate > /dev/null
printf '%s\n' "$admin_password" | "$MIASTO_BIN" admin create-user --email "$admin_email" --role admin --password-stdin > /dev/null
staff_email="zdmk@e2e.miasto.test"
printf '%s\n' "$admin_password" | "$MIASTO_BIN" admin create-user --email "$staff_email" --role unit_staff --unit ZDMK --password-stdin > /dev/null

"$MIASTO_BIN" serve --bind 127.0.0.1:0 > "$work/stdout.log" 2> "$work/server.log" &
server_pid=$!
url=""
for _ in $(seq 1 100); do
  url="$(sed -n 's/^Wspólne Miasto is running at //p' "$work/stdout.log" | head -n 1)"
  [ -n "$url" ] && break
  if ! kill -0 "$server_pid" 2>/dev/null; then
    echo "e2e: miasto serve exited early:" >&2
    cat "$work/server.log" >&2
    exit 1
  fi
  sleep 0.1
done
if [ -z "$url" ]; then
  echo "e2e: miasto serve did not report its URL" >&2
  exit 1
fi
echo "e2e: testing $url with $("$chromium" --version 2>/dev/null || echo chromium)"

export MIASTO_URL="$url" ADMIN_EMAIL="$admin_email" ADMIN_PASSWORD="$admin_password" CHROMIUM="$chromium"
export STAFF_EMAIL="$staff_email" STAFF_PASSWORD="$admin_password"
export E2E_ARTIFACTS="${E2E_ARTIFACTS:-$here/artifacts}"
if ! node --test --test-concurrency=1 tests/; then
  echo "e2e: server log:" >&2
  tail -n 50 "$work/server.log" >&2
  exit 1
fi

# Open311 through a client nobody here wrote (PyPI's georeport), with a key from the CLI.
venv="${E2E_VENV:-$HOME/.cache/miasto-e2e-venv}"
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import georeport' 2> /dev/null; then
  python3 -m venv "$venv"
fi
"$venv/bin/pip" install --quiet --disable-pip-version-check -r clients/requirements.txt
OPEN311_KEY="$("$MIASTO_BIN" admin api-key create --name "e2e georeport" | tail -n 1)"
export OPEN311_KEY
if ! "$venv/bin/python" clients/open311_check.py; then
  echo "e2e: server log:" >&2
  tail -n 50 "$work/server.log" >&2
  exit 1
fi
