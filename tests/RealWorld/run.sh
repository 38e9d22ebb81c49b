#!/usr/bin/env bash
# Runs the analyzers over the real-world corpus and compares their reports with expected.tsv.
# usage: tests/RealWorld/run.sh [FOLDER=/work/corpus-src] [PROJECT...]
# FOLDER holds one checkout per project, named as in projects.tsv; a missing one is cloned at its pinned
# commit when the network allows. Nothing of the corpus is built or run: it is only parsed and analyzed.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
folder="$(realpath -m "${1:-/work/corpus-src}")"
shift || true
mkdir -p "$folder"

grep -v '^#' "$here/projects.tsv" | tail -n +2 | while IFS=$'\t' read -r name repo commit _; do
  [ -d "$folder/$name" ] && continue
  echo "cloning $name at $commit" >&2
  if git clone --quiet --filter=blob:none --no-checkout "$repo" "$folder/$name" 2>/dev/null \
     && git -C "$folder/$name" checkout --quiet "$commit" 2>/dev/null; then :; else
    echo "  could not clone $repo (no network?): $name is skipped" >&2
    rm -rf "${folder:?}/$name"
  fi
done

log="$(mktemp)"
dotnet build "$here/RealWorld.csproj" -c Release -v:q -nologo >"$log" 2>&1 || { cat "$log" >&2; exit 1; }
rm -f "$log"
dotnet "$here/bin/Release/net10.0/TlsShutdown.RealWorld.dll" "$folder" "$@"
