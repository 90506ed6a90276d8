#!/usr/bin/env bash
# ansible-lint (profile production, from .ansible-lint) on a copy of the collection.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/jcops-lint.XXXXXX")
trap 'rm -rf "$work"' EXIT
tree=$("$here/collection_tree.sh" "$work")
cd "$tree"
git init -q . && git add -A
ANSIBLE_COLLECTIONS_PATH="$work" ansible-lint --offline --nocolor "$@"
