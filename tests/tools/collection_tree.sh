#!/usr/bin/env bash
# Copy the collection (the files git tracks, plus untracked files git does not
# ignore) into DEST/ansible_collections/jcops/jumpcloud and print that path.
# ansible-test needs the collection at such a path; the repo itself stays as it is.
set -euo pipefail
dest=${1:?usage: collection_tree.sh DEST}
root=$(cd "$(dirname "$0")/../.." && pwd)
target="$dest/ansible_collections/jcops/jumpcloud"
rm -rf "$target"
mkdir -p "$target"
cd "$root"
# one tar pipe, not a copy per file: this runs before every sanity and lint run
git ls-files -z --cached --others --exclude-standard | while IFS= read -r -d '' f; do
    if [ -e "$f" ]; then printf '%s\0' "$f"; fi
done | tar --null --no-recursion -T - -cf - | tar -xpf - -C "$target"
echo "$target"
