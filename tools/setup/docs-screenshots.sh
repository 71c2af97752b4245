#!/usr/bin/env bash
# Re-takes the screenshots in docs/ (README links them): the live path headless, as an
# operator would see it. Needs the build (tools/setup/build.sh) and about two minutes.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
printf 'docs-operator-pass\n' | "$root/tools/setup/make-accounts.sh" "$tmp/accounts.json" op1:operator 2>/dev/null
export GATETWIN_USER=op1 GATETWIN_PASSWORD=docs-operator-pass GATETWIN_RUN_FOR=30
shoot() {  # name, then gatetwin flags
  local name=$1; shift
  GATETWIN_OUT="$tmp/$name" "$root/tools/setup/run-twin.sh" --accounts "$tmp/accounts.json" --size 1920x1080 "$@" > "$tmp/$name.log" 2>&1
  cp "$tmp/$name/control-room.png" "$root/docs/$name.png"
  echo "docs/$name.png"
}
shoot screenshot-both --view both
shoot screenshot-m1119-inspector --view m1119 --inspect 2000
# The wall as the room sees it: 3840x2160, in Vietnamese; then the last moment of that
# run's recording on the wall (the REPLAY marker and the replayed date and time).
shoot screenshot-wall --wall --size 3840x2160 --lang vi
"$root/build/tools/gatetwin/gatetwin" --headless --replay "$tmp/screenshot-wall/session.db" --view wall \
  --size 1920x1080 --screenshot "$root/docs/screenshot-wall-replay.png" > "$tmp/replay.log" 2>&1
echo docs/screenshot-wall-replay.png
# The scenario window (docs/scenarios.md): its test saves the briefing and the score at
# 1920x1080 into the build folder.
build=${GATETWIN_BUILD:-$root/build}
ninja -C "$build" test_app_scenario_window > "$tmp/scenario-build.log" 2>&1
(cd "$build" && ctest -R '^test_app_scenario_window$' > "$tmp/scenario.log" 2>&1)
cp "$build/scenario_briefing.png" "$root/docs/screenshot-scenario-briefing.png"
cp "$build/scenario_score.png" "$root/docs/screenshot-scenario-score.png"
echo docs/screenshot-scenario-briefing.png docs/screenshot-scenario-score.png
