#!/usr/bin/env bash
# (Re)create the virtual environment DIR with PYTHON from the pinned REQUIREMENTS file and
# tests/constraints.txt, unless DIR was already built from the same files with the same interpreter.
# Usage: tests/tools/make_venv.sh REQUIREMENTS DIR PYTHON
set -euo pipefail
req=${1:?usage: make_venv.sh REQUIREMENTS DIR PYTHON}
dir=${2:?usage: make_venv.sh REQUIREMENTS DIR PYTHON}
python=${3:-}
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
if [ -z "$python" ]; then
    echo "make_venv.sh: no interpreter given for $dir" >&2
    exit 2
fi
stamp="$dir/.installed"
want="$(cat "$req" tests/constraints.txt | sha256sum | cut -c1-16) $python"
if [ -x "$dir/bin/python" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    exit 0
fi
echo "== building $dir with $python from $req"
rm -rf "$dir"
"$python" -m venv "$dir"
log="$dir/pip-install.log"
if ! "$dir/bin/python" -m pip install --disable-pip-version-check -q -r "$req" -c tests/constraints.txt >"$log" 2>&1; then
    grep -v "^WARNING: Location" "$log" >&2 || true
    echo "make_venv.sh: installing $req into $dir failed (full log: $log)" >&2
    exit 1
fi
echo "$want" >"$stamp"
