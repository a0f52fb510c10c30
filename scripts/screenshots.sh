#!/usr/bin/env bash
# Regenerates docs/screenshots/: the main pages at 1366 px and 390 px, taken in Debian's
# headless Chromium against a fresh `miasto serve` with the demo data (the e2e harness).
#
#   scripts/screenshots.sh
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
mkdir -p "$root/docs/screenshots"
SCREENSHOTS_DIR="$root/docs/screenshots" E2E_TESTS=screenshots/take.test.js E2E_SKIP_CLIENTS=1 \
  "$root/e2e/run.sh"
ls -1 "$root/docs/screenshots"
