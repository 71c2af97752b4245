#!/usr/bin/env bash
# README command 1: set up, build, and run the twin's main job.
# Today: simulate one day of both freight roads at 2030 load and print the KPIs.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${GATETWIN_BUILD_DIR:-$root/build}
"$root/tools/setup/build.sh"
exec "$build/tools/gatesim/gatesim" --site all --load 2030 --days 1 --seed 7 "$@"
