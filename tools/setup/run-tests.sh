#!/usr/bin/env bash
# README command 2: set up, build, and run every test (CTest drives the Catch2 suites).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${GATETWIN_BUILD_DIR:-$root/build}
"$root/tools/setup/build.sh"
cd "$build"
# Tests against real processes (broker, twin, simulator) get one retry on a busy machine.
ctest --output-on-failure --repeat until-pass:2 -j "$(nproc)" "$@"
# Then the core and connector tests again under ASan + UBSan (and the fuzzers) and the
# threaded connector tests under TSan, in their own build folders; GATETWIN_SANITIZERS=0
# skips them (docs/security.md gives the time they add).
if [[ "${GATETWIN_SANITIZERS:-1}" != 0 ]]; then
  "$root/tools/setup/run-sanitizers.sh"
fi
