#!/usr/bin/env bash
# Browser tests: start a real `miasto serve` on a fresh SQLite file, create an admin with the
# CLI, and drive Debian's headless Chromium through the journeys with playwright-core,
# running axe-core on every page visited. Then real clients from PyPI (in a virtualenv): the
# Open311 client `georeport` reads and writes through /open311/v2, and schemathesis fuzzes
# the JSON API against its OpenAPI document (no 5xx; every answer matches the schema).
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

# Citizens' budget: the demo edition from Kraków's real projects, voting open; one whose
# projects wait for verification; one whose voting has closed with 2,000 of the real ballots sealed, for the commission to count
# with two of the shares printed for it; three residents, an operator and an official.
"$MIASTO_BIN" budget demo --data "$root/data/pabulib" > /dev/null
"$MIASTO_BIN" budget demo --data "$root/data/pabulib" --slug weryfikacja --phase verification > /dev/null
"$MIASTO_BIN" budget demo --data "$root/data/pabulib" --slug liczenie --phase counting --ballots 2000 > "$work/counting.txt"
COUNT_SHARES="$(grep '^MIASTO-' "$work/counting.txt" | head -n 2 | paste -sd ' ' -)"
export COUNT_SHARES
budget_password="e2e-budget-password-$RANDOM$RANDOM"
for who in voter1:resident voter2:resident voter3:resident operator:operator official:official; do
  printf '%s\n' "$budget_password" | "$MIASTO_BIN" admin create-user --email "${who%%:*}@e2e.miasto.test" --role "${who##*:}" --password-stdin > /dev/null
done
export VOTER1_EMAIL=voter1@e2e.miasto.test VOTER2_EMAIL=voter2@e2e.miasto.test VOTER3_EMAIL=voter3@e2e.miasto.test
export OPERATOR_EMAIL=operator@e2e.miasto.test OFFICIAL_EMAIL=official@e2e.miasto.test BUDGET_PASSWORD="$budget_password"

# Consultations: one open now (a draft in two versions, a survey, comments) and one closed,
# its few comments waiting for answers, one of them voter1's.
"$MIASTO_BIN" consult demo --phase open --comments 12 --responses 40 > "$work/consult-open.txt"
"$MIASTO_BIN" consult demo --phase analysis --comments 5 --responses 10 --resident "$VOTER1_EMAIL" > "$work/consult-closed.txt"
# The mayor's meetings: the 26 the city lists, answered, and one coming.
"$MIASTO_BIN" demo dialogue > /dev/null
# A year (2025) of local initiatives.
"$MIASTO_BIN" demo initiatives > /dev/null
# District referenda: one counted (2025, district VIII) and one voting now (district I).
"$MIASTO_BIN" demo referendum > /dev/null
CONSULT_OPEN="$(sed -n 's#^consultation: /consultations/##p' "$work/consult-open.txt")"
CONSULT_OPEN_DOC="$(sed -n 's#^document: ##p' "$work/consult-open.txt")"
CONSULT_CLOSED="$(sed -n 's#^consultation: /consultations/##p' "$work/consult-closed.txt")"
# …and one closed with a letter campaign among its comments, for the groups of comments.
"$MIASTO_BIN" consult demo --phase analysis --comments 10 --responses 5 --campaign 8 > "$work/consult-groups.txt"
CONSULT_GROUPS="$(sed -n 's#^consultation: /consultations/##p' "$work/consult-groups.txt")"
export CONSULT_OPEN CONSULT_OPEN_DOC CONSULT_CLOSED CONSULT_GROUPS

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
# E2E_TESTS picks test files (e.g. "tests/reports.test.js"); all of them by default.
if ! node --test --test-concurrency=1 ${E2E_TESTS:-tests/}; then
  echo "e2e: server log:" >&2
  tail -n 50 "$work/server.log" >&2
  exit 1
fi
# E2E_SKIP_CLIENTS: the browser part only (screenshots, a quick local run).
if [ -n "${E2E_SKIP_CLIENTS:-}" ]; then
  exit 0
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

# The JSON API through schemathesis: every operation, signed in as a resident, with a real
# report to read and support.
resident_email="app-resident@e2e.miasto.test"
printf '%s\n' "$admin_password" | "$MIASTO_BIN" admin create-user --email "$resident_email" --role resident --password-stdin > /dev/null
setup="$(MIASTO_URL="$url" RESIDENT_EMAIL="$resident_email" RESIDENT_PASSWORD="$admin_password" "$venv/bin/python" clients/api_setup.py)"
API_TOKEN="$(sed -n 's/^TOKEN=//p' <<< "$setup")"
SPARE_TOKEN="$(sed -n 's/^SPARE_TOKEN=//p' <<< "$setup")"
REPORT_ID="$(sed -n 's/^REPORT_ID=//p' <<< "$setup")"
export API_TOKEN REPORT_ID
checks="not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance,response_schema_conformance,negative_data_rejection,ignored_auth,use_after_free,ensure_resource_availability"
# One worker: with two threads, CPython 3.11's parser (which hypothesis calls to describe its
# strategies) sometimes fails with "AST constructor recursion depth mismatch" — its recursion
# counter is not thread-safe — a runtime error of the tool, not a finding about the API.
st() {
  "$venv/bin/schemathesis" --config-file clients/schemathesis.toml run "$url/api/v1/openapi.json" \
    --checks "$checks" --max-examples "${SCHEMATHESIS_EXAMPLES:-40}" --workers 1 --seed 20261121 "$@"
}
if ! st --exclude-name "DELETE /auth/tokens/current" --exclude-name "DELETE /me/devices/{id}"; then
  echo "e2e: schemathesis found failures; server log:" >&2
  tail -n 50 "$work/server.log" >&2
  exit 1
fi
# These end the token they run with (their point), so they run last, on a spare one.
if ! API_TOKEN="$SPARE_TOKEN" st --include-name "DELETE /auth/tokens/current" --include-name "DELETE /me/devices/{id}" --warnings off; then
  echo "e2e: schemathesis found failures in signing out" >&2
  exit 1
fi
echo "e2e: all journeys and clients passed"
