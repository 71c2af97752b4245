#!/usr/bin/env bash
# Writes a control-room accounts file: make-accounts.sh FILE USER:ROLE ...
# ROLE is viewer, operator or supervisor. Each password is asked for on the terminal or,
# when stdin is not a terminal, read from it one line per USER:ROLE in order (never from
# the command line, where other users of the machine can read it). The file holds salted
# scrypt hashes only (docs/gatetwin.md), mode 600.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
gatetwin=${GATETWIN:-$root/build/tools/gatetwin/gatetwin}
[[ $# -ge 2 ]] || { echo "usage: $0 FILE USER:ROLE ...  (passwords on the terminal, or one per line on stdin)" >&2; exit 2; }
out=$1; shift
entries=()
for spec in "$@"; do
  IFS=: read -r user role extra <<<"$spec"
  [[ -z "${extra:-}" ]] || { echo "$0: $spec: passwords are never given on the command line; type it, or give it on stdin" >&2; exit 2; }
  if [[ -t 0 ]]; then read -rsp "password for $user: " password; echo >&2
  else IFS= read -r password || { echo "$0: no password line on stdin for $user" >&2; exit 2; }; fi
  entries+=("$(printf '%s\n' "$password" | "$gatetwin" accounts line "$user" "$role")")
done
umask 077
{ echo '{"format": "gatetwin-accounts/2", "accounts": ['
  for i in "${!entries[@]}"; do printf '  %s%s\n' "${entries[$i]}" "$([[ $i -lt $((${#entries[@]}-1)) ]] && echo ,)"; done
  echo ']}'; } > "$out"
chmod 600 "$out"
echo "wrote $out (${#entries[@]} accounts)" >&2
