#!/usr/bin/env bash
# Configures and builds Gate Twin into build/ (or $GATETWIN_BUILD_DIR). Idempotent.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${GATETWIN_BUILD_DIR:-$root/build}
"$root/tools/setup/install-deps.sh"
if [[ ! -f "$build/CMakeCache.txt" ]]; then
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=${GATETWIN_BUILD_TYPE:-RelWithDebInfo}
fi
cmake --build "$build" -j "$(nproc)"
