#!/usr/bin/env bash
# Everything `make test` runs. pytest goes last so its summary closes the output.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
echo "== ansible-test sanity"
"$here/sanity.sh"
echo "== ansible-lint"
"$here/lint.sh"
echo "== pytest"
cd "$root"
python -m pytest -n 2 -p no:cacheprovider tests
