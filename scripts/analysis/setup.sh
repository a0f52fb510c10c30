# Sourced by run.sh and bench.sh: the virtualenv with the pinned Python packages
# (ANALYSIS_VENV, default ~/.cache/miasto-analysis-venv) and the binary, built if needed.
cd "$(dirname "${BASH_SOURCE[0]}")"
venv="${ANALYSIS_VENV:-$HOME/.cache/miasto-analysis-venv}"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
"$venv/bin/pip" install --quiet --disable-pip-version-check -r requirements.txt
target="${CARGO_TARGET_DIR:-$(cd ../.. && pwd)/target}"
cargo build --quiet -p miasto
