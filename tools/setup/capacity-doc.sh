#!/usr/bin/env bash
# Regenerates the tool-made blocks of docs/capacity.md: each block between
# "<!-- capacity-NAME begin -->" and "<!-- capacity-NAME end -->" holds a sh fence with
# one gatesim command and a text fence with its output; the output is rerun and replaced.
# Usage: tools/setup/capacity-doc.sh [BUILD_DIR] [NAME...]   (default build, every block)
# The full table takes several minutes on 2 cores; "ci" alone about 20 s.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$root/build}
shift || true
doc=$root/docs/capacity.md
names=("$@")
[[ ${#names[@]} -gt 0 ]] || mapfile -t names < <(sed -n 's/^<!-- capacity-\([a-z0-9-]*\) begin -->$/\1/p' "$doc")
for name in "${names[@]}"; do
  cmd=$(awk -v b="<!-- capacity-$name begin -->" '$0==b{f=1;next} f&&/^```sh$/{getline; print; exit}' "$doc")
  [[ $cmd == build/tools/gatesim/gatesim* ]] || { echo "capacity-doc: no gatesim command in block $name" >&2; exit 1; }
  out=$(mktemp)
  echo "capacity-doc: $name: $cmd" >&2
  (cd "$root" && "$build/tools/gatesim/gatesim" ${cmd#build/tools/gatesim/gatesim } --sites-dir "$root/assets/sites") >"$out"
  awk -v b="<!-- capacity-$name begin -->" -v e="<!-- capacity-$name end -->" -v cmd="$cmd" -v out="$out" '
    $0==b {print; print "```sh"; print cmd; print "```"; print ""; print "```text"; while ((getline l < out) > 0) print l; print "```"; skip=1; next}
    $0==e {skip=0}
    !skip {print}' "$doc" >"$doc.new"
  mv "$doc.new" "$doc"
  rm -f "$out"
done
