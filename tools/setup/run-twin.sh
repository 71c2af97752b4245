#!/usr/bin/env bash
# README command 1: set up, build, and run the twin's main job, the whole live path:
#   a local Mosquitto on a free loopback port (unless GATETWIN_BROKER names a broker),
#   gatesim publishing both freight roads at 2030 load, and gatetwin subscribed to it.
# With a display (DISPLAY set) gatetwin opens the control-room window; without one it
# runs headless for GATETWIN_RUN_FOR seconds (default 30), then writes a screenshot
# (out/control-room.png), the stats (out/stats.json) and prints the KPI summary.
# Extra arguments go to gatetwin (e.g. --wall, --view m1119, --accounts FILE).
# Busy start: gatesim publishes the day from 00:00 to GATETWIN_START (default 08:00) at
# x2400 (the twin folds and records it all: 12 s), then at GATETWIN_SPEED, so the
# window opens on a busy gate; the window says so. GATETWIN_START=00:00 starts empty.
# Environment: GATETWIN_BROKER, GATETWIN_SPEED (simulated seconds per second), GATETWIN_START,
# GATETWIN_RUN_FOR, GATETWIN_OUT (default out/), GATETWIN_HEADLESS=1 to force headless.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${GATETWIN_BUILD_DIR:-$root/build}
"$root/tools/setup/build.sh"
out=${GATETWIN_OUT:-$root/out}
mkdir -p "$out"

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM

accepts() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
broker=${GATETWIN_BROKER:-}
if [[ -z "$broker" ]]; then
  port=""
  for p in $(seq 18830 18899); do accepts "$p" || { port=$p; break; }; done
  [[ -n "$port" ]] || { echo "run-twin: no free loopback port in 18830-18899" >&2; exit 1; }
  cat > "$out/mosquitto.conf" <<CONF
# Written by tools/setup/run-twin.sh: a local broker for one run, loopback only.
listener $port 127.0.0.1
allow_anonymous true
persistence false
# Never drop QoS 1 messages queued for a subscriber that is briefly slower than the field
# (mosquitto's default drops beyond 1,000 per client: a twin whose window was starting up
# lost part of a fast-forwarded burst; docs/mqtt.md "Broker settings").
max_queued_messages 0
max_inflight_messages 0
set_tcp_nodelay true
CONF
  /usr/sbin/mosquitto -c "$out/mosquitto.conf" > "$out/mosquitto.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 50); do accepts "$port" && break; sleep 0.1; done
  accepts "$port" || { echo "run-twin: mosquitto did not start (see $out/mosquitto.log)" >&2; exit 1; }
  broker="tcp://127.0.0.1:$port"
  echo "run-twin: local broker $broker"
fi

# Partner customs data signed end to end (docs/security.md "Threats"): gatesim plays the
# partner customs with a key made here once (out/partner-demo.key), and the twin reads a
# copy of the site files that pins its public key, so unsigned or forged partner data is
# refused as it would be at the gate. With GATETWIN_BROKER (a real field) the site files
# are used as they are: pin the real partner's key there (docs/site-format.md).
sites_dir=${GATETWIN_SITES:-$root/assets/sites}
twin_sites=()
sim_partner=()
if [[ -z "${GATETWIN_BROKER:-}" ]]; then
  partner_key="$out/partner-demo.key"
  [[ -f "$partner_key" ]] || (umask 077; openssl genpkey -algorithm ed25519 -out "$partner_key")
  pinned=$("$build/tools/gatesim/gatesim" --partner-key "$partner_key" --print-partner-key)
  mkdir -p "$out/sites"
  for f in "$sites_dir"/*.json; do
    sed "0,/^{/s||{\n  \"partner\": {\"public_key\": \"$pinned\", \"source\": \"demo key of tools/setup/run-twin.sh: gatesim plays the partner customs\"},|" \
      "$f" > "$out/sites/$(basename "$f")"
  done
  twin_sites=(--sites-dir "$out/sites")
  sim_partner=(--partner-key "$partner_key")
fi

headless=${GATETWIN_HEADLESS:-}
[[ -z "${DISPLAY:-}" ]] && headless=1
speed=${GATETWIN_SPEED:-$([[ -n "$headless" ]] && echo 1200 || echo 60)}
start=${GATETWIN_START:-08:00}
busy=()
[[ "$start" != "00:00" ]] && busy=(--busy-start "$start")

# The twin first: it must be subscribed before the field starts publishing, or it misses
# the first messages (its broker session is kept only once it has subscribed).
if [[ -z "$headless" ]]; then
  "$build/tools/gatetwin/gatetwin" --broker "$broker" --record "$out/session.db" "${twin_sites[@]}" "${busy[@]}" "$@" &
else
  rm -f "$out/session.db" "$out/session.db-wal" "$out/session.db-shm"
  "$build/tools/gatetwin/gatetwin" --headless --broker "$broker" --run-for "${GATETWIN_RUN_FOR:-30}" --quiet "${twin_sites[@]}" \
    --screenshot "$out/control-room.png" --stats "$out/stats.json" --record "$out/session.db" "${busy[@]}" "$@" &
fi
twin=$!
host=${broker#*://}; host_name=${host%:*}; host_port=${host##*:}
if ! mosquitto_sub -h "$host_name" -p "$host_port" -t gatetwin/v1/twin/health -C 1 -W 20 > /dev/null 2>&1; then
  echo "run-twin: gatetwin did not come up on $broker" >&2
  wait "$twin" || true
  exit 1
fi
"$build/tools/gatesim/gatesim" --site all --load 2030 --days 1 --seed 7 --broker "$broker" --speed "$speed" --fast-until "$start" "${sim_partner[@]}" \
  > "$out/gatesim.log" 2>&1 &
pids+=($!)
echo "run-twin: gatesim publishing both sites at 2030 load: 00:00-$start fast-forwarded, then x$speed (log: $out/gatesim.log)"
status=0
wait "$twin" || status=$?
[[ -n "$headless" ]] && echo "run-twin: screenshot $out/control-room.png, stats $out/stats.json, recording $out/session.db"
exit $status
