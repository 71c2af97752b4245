#!/usr/bin/env bash
# README command 2: set up, build, and run every test (CTest drives the Catch2 suites).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${GATETWIN_BUILD_DIR:-$root/build}
"$root/tools/setup/build.sh"
cd "$build"
# No retry: a test that fails once has found a bug, in the product or in the test (a test
# against real processes waits for handshakes, never sleeps). Skipped (a reason outside
# the project, e.g. no permission for `unshare -m`) shows in CTest's summary.
ctest --output-on-failure -j "$(nproc)" "$@"
# Then the core and connector tests again under ASan + UBSan (and the fuzzers) and the
# threaded connector tests under TSan, in their own build folders; GATETWIN_SANITIZERS=0
# skips them (docs/security.md gives the time they add).
if [[ "${GATETWIN_SANITIZERS:-1}" != 0 ]]; then
  "$root/tools/setup/run-sanitizers.sh"
fi
