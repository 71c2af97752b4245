#!/usr/bin/env bash
# README command 2: set up, build, and run every test (CTest drives the Catch2 suites).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${GATETWIN_BUILD_DIR:-$root/build}
"$root/tools/setup/build.sh"
cd "$build"
exec ctest --output-on-failure -j "$(nproc)" "$@"
