# Sourced by run.sh and bench.sh (from this folder): pabutools from PyPI in a virtualenv
# (PABUTOOLS_VENV, default ~/.cache/miasto-pabutools-venv), and where cargo puts binaries.
venv="${PABUTOOLS_VENV:-$HOME/.cache/miasto-pabutools-venv}"
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import pabutools' 2> /dev/null; then
  python3 -m venv "$venv"
fi
"$venv/bin/pip" install --quiet --disable-pip-version-check -r requirements.txt
target="${CARGO_TARGET_DIR:-$(cd ../.. && pwd)/target}"
