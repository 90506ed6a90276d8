#!/usr/bin/env bash
# Print the path of a working Python interpreter of one of the given versions (first match wins),
# or print nothing and exit 1.
# Usage: tests/tools/find_python.sh 3.13 3.12
# Looked for, per version: pyenv's versions folder ($PYENV_ROOT, default ~/.pyenv; the newest
# patch release first), then pythonX.Y on PATH, /usr/local/bin and /usr/bin. A candidate counts only
# when it runs and reports that version (pyenv shims for a version that is not active do not).
set -uo pipefail
pyenv_root=${PYENV_ROOT:-$HOME/.pyenv}

works() {
    local got
    got=$("$1" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null) || return 1
    [ "$got" = "$2" ]
}

for version in "$@"; do
    candidates=()
    if [ -d "$pyenv_root/versions" ]; then
        while IFS= read -r dir; do
            candidates+=("$dir/bin/python$version")
        done < <(ls -1d "$pyenv_root/versions/$version".* 2>/dev/null | sort -V -r)
    fi
    on_path=$(command -v "python$version" 2>/dev/null) && candidates+=("$on_path")
    candidates+=("/usr/local/bin/python$version" "/usr/bin/python$version")
    for candidate in "${candidates[@]}"; do
        if [ -x "$candidate" ] && works "$candidate" "$version"; then
            echo "$candidate"
            exit 0
        fi
    done
done
exit 1
