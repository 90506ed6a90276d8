#!/usr/bin/env bash
# ansible-test sanity on a copy of the collection, offline.
# Usage: tests/tools/sanity.sh [extra ansible-test arguments]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
python=${PYTHON_VERSION:-$(python3 -c 'import sys; print("%d.%d" % sys.version_info[:2])')}
work=$(mktemp -d "${TMPDIR:-/tmp}/jcops-sanity.XXXXXX")
trap 'rm -rf "$work"' EXIT
tree=$("$here/collection_tree.sh" "$work")

# ansible-test bootstraps pip in its virtual environments with a get-pip script
# it downloads unless cached; put the offline stand-in in its cache.
pip_version=$(python3 - <<'PY'
import ansible_test._internal.python_requirements as r
import inspect, re
src = inspect.getsource(r.get_venv_packages)
print(re.search(r"pip='([0-9.]+)'", src).group(1))
PY
)
cache="$HOME/.ansible/test/cache"
mkdir -p "$cache"
cp "$here/get_pip_offline.py" "$cache/get_pip_${pip_version//./_}.py"

cd "$tree"
git init -q . && git add -A >/dev/null 2>&1 || true
# --local: the controller side runs in the environment on PATH (a .venv built from pinned requirements),
# not in a virtual environment ansible-test would build again on each run; the tests that pin their own
# tools (pylint, the import test, ...) run in the environments ansible-test keeps for them as before
ansible-test sanity --local --python "$python" --color no "$@"
