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
# The Feeds panel over m1119 (docs/field.md): gatesim, and outside systems published with
# mosquitto_pub while the twin runs: a GNSS gateway (UTC, WGS84) that restarts, a gate
# camera whose container number fails its check digit, a lane controller whose seqs 4-6
# never arrive.
feeds_out="$tmp/screenshot-feeds"
GATETWIN_OUT="$feeds_out" GATETWIN_RUN_FOR=40 "$root/tools/setup/run-twin.sh" --accounts "$tmp/accounts.json" \
  --size 1920x1080 --view m1119 --feeds > "$tmp/screenshot-feeds.log" 2>&1 &
feeds_run=$!
while kill -0 "$feeds_run" 2> /dev/null && [[ ! -s "$feeds_out/mosquitto.conf" ]]; do sleep 0.2; done  # after its build
[[ -s "$feeds_out/mosquitto.conf" ]] || { echo "docs-screenshots: run-twin.sh failed (see $tmp/screenshot-feeds.log)" >&2; exit 1; }
port=$(sed -n 's/^listener \([0-9]*\) .*/\1/p' "$feeds_out/mosquitto.conf")
mosquitto_sub -p "$port" -t gatetwin/v1/twin/health -C 1 -W 60 > /dev/null
pub() { mosquitto_pub -p "$port" -q "$1" -t "$2" -m "$3"; }  # QOS TOPIC PAYLOAD
ms() { date +%s%3N; }
S="boot-$(date -u +%Y%m%dT%H%M%SZ)"
t=gatetwin/v1/m1119
for i in 1 2 3 4 5 6; do
  pub 0 $t/telemetry/position/gnss-gw-1 '{"v":1,"src":"gnss-gw-1","session":"'"$S"'","seq":'$i',"utc_ms":'"$(ms)"',"entity":"truck","plate":"98H-11223","lat":21.96758,"lon":'"$(printf '106.%06d' $((700240 + i * 20)))"',"heading_deg":20}'
  sleep 0.5
done
for i in 1 2 3; do  # the gateway restarted: a new session, seq from 1
  pub 0 $t/telemetry/position/gnss-gw-1 '{"v":1,"src":"gnss-gw-1","session":"'"$S"'-b","seq":'$i',"utc_ms":'"$(ms)"',"entity":"truck","plate":"98H-11223","lat":21.96760,"lon":106.70036,"heading_deg":21}'
  sleep 0.5
done
pub 1 $t/event/vehicle_arrived/gate-cam-1 '{"v":1,"src":"gate-cam-1","session":"'"$S"'","seq":1,"utc_ms":'"$(ms)"',"direction":"export","plate":"98H-11224","container":"GTWU0900026"}'
for i in 1 2 3 7 8; do  # seqs 4-6 never reach the broker
  pub 1 $t/event/handover_completed/lane-ctl-1 '{"v":1,"src":"lane-ctl-1","session":"'"$S"'","seq":'$i',"utc_ms":'"$(ms)"',"shipment":'$((95000 + i))'}'
done
wait "$feeds_run" || true
cp "$feeds_out/control-room.png" "$root/docs/screenshot-feeds.png"
echo docs/screenshot-feeds.png
# The scenario window (docs/scenarios.md): its test saves the briefing and the score at
# 1920x1080 into the build folder.
build=${GATETWIN_BUILD:-$root/build}
ninja -C "$build" test_app_scenario_window > "$tmp/scenario-build.log" 2>&1
(cd "$build" && ctest -R '^test_app_scenario_window$' > "$tmp/scenario.log" 2>&1)
cp "$build/scenario_briefing.png" "$root/docs/screenshot-scenario-briefing.png"
cp "$build/scenario_score.png" "$root/docs/screenshot-scenario-score.png"
echo docs/screenshot-scenario-briefing.png docs/screenshot-scenario-score.png
