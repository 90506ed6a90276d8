#!/usr/bin/env bash
# antsibull-docs' collection docs linter, plugin and role docs included, on a copy of the collection.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/jcops-docs.XXXXXX")
trap 'rm -rf "$work"' EXIT
tree=$("$here/collection_tree.sh" "$work")
cd "$tree"
antsibull-docs lint-collection-docs --plugin-docs --validate-collection-refs dependent \
    --disallow-unknown-collection-refs "$@" .
