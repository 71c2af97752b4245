#!/usr/bin/env bash
# Writes a control-room accounts file: make-accounts.sh FILE USER:ROLE[:PASSWORD] ...
# ROLE is viewer, operator or supervisor. A password not given is asked for. The file holds
# salted SHA-256 hashes only (docs/gatetwin.md).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
gatetwin=${GATETWIN:-$root/build/tools/gatetwin/gatetwin}
[[ $# -ge 2 ]] || { echo "usage: $0 FILE USER:ROLE[:PASSWORD] ..." >&2; exit 2; }
out=$1; shift
entries=()
for spec in "$@"; do
  IFS=: read -r user role password <<<"$spec"
  if [[ -z "${password:-}" ]]; then read -rsp "password for $user: " password; echo >&2; fi
  entries+=("$(printf '%s\n' "$password" | "$gatetwin" accounts line "$user" "$role")")
done
{ echo '{"format": "gatetwin-accounts/1", "accounts": ['
  for i in "${!entries[@]}"; do printf '  %s%s\n' "${entries[$i]}" "$([[ $i -lt $((${#entries[@]}-1)) ]] && echo ,)"; done
  echo ']}'; } > "$out"
chmod 600 "$out"
echo "wrote $out (${#entries[@]} accounts)" >&2
