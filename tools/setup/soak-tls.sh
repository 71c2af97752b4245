#!/usr/bin/env bash
# Soak (a benchmark, not a test): one simulated hour at ten times the 2030 load (gatesim
# --load x50: 60,000 vehicles a day over both roads, ten times the 2030 targets' 6,000)
# through the shipped TLS broker set-up, into gatetwin --headless --record, with a
# device publishing malformed telemetry beside it. Prints messages in, rejected, QoS 1
# loss and the twin's resident memory at start, end and peak. Everything lives in a
# temporary folder on 127.0.0.1 and is removed at the end.
# SPEED is gatesim's --speed (simulated seconds per real second; max: as fast as the
# broker takes, which runs the twin faster than it can publish its decisions, so they
# wait in its outbox: see docs/security.md "Soak").
# usage: soak-tls.sh [BUILD_DIR] [HOURS] [LOAD] [SPEED]   (defaults: build 1 x50 max)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$root/build}; hours=${2:-1}; load=${3:-x50}; speed=${4:-max}
work=$(mktemp -d /tmp/gatetwin-soak-XXXXXX)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
"$root/tools/setup/make-certs.sh" "$work" --port "$port" --dev --id-plugin "$build/deploy/mosquitto/gatetwin_client_ids.so" >/dev/null
/usr/sbin/mosquitto -c "$work/mosquitto.conf" 2>/dev/null & pids+=($!)
sleep 0.5
expected=$("$build/tools/gatesim/gatesim" --hours "$hours" --load "$load" --seed 7 --json --no-progress | python3 -c 'import json,sys; print(json.load(sys.stdin)["events"])')
"$build/tools/gatetwin/gatetwin" --headless --quiet --broker "ssl://127.0.0.1:$port" --mqtt-config "$work/gatetwin.mqtt" \
  --record "$work/soak.db" --stats "$work/stats.json" --until-applied "$expected" --run-for 3600 2>"$work/twin.err" & twin=$!; pids+=($twin)
sleep 1
rss() { awk '/VmRSS/ {print $2}' "/proc/$twin/status" 2>/dev/null || echo 0; }
rss_start=$(rss); rss_peak=$rss_start; samples=()
pw=$(awk '/^password/ {print $3}' "$work/dev-m1119.mqtt")
# Malformed telemetry from a device account, beside the stream: counted as rejected.
( for i in $(seq 1 2000); do echo '{"v":1,"src":"dev-m1119","seq":'$i',"t_ms":"soon"}'; done |
  mosquitto_pub -h 127.0.0.1 -p "$port" --cafile "$work/ca.crt" --cert "$work/dev-m1119.crt" --key "$work/dev-m1119.key" \
    -u dev-m1119 -P "$pw" -q 1 -t gatetwin/v1/m1119/telemetry/position -l ) & pids+=($!)
start=$(date +%s.%N)
"$build/tools/gatesim/gatesim" --hours "$hours" --load "$load" --seed 7 --json --no-progress --speed "$speed" \
  --broker "ssl://127.0.0.1:$port" --mqtt-config "$work/gatesim.mqtt" >"$work/sim.json" 2>"$work/sim.err" & sim=$!; pids+=($sim)
while kill -0 "$twin" 2>/dev/null; do
  r=$(rss); [[ $r -gt $rss_peak ]] && rss_peak=$r; rss_end=$r; samples+=("$r"); sleep 1
done
wait "$sim" || true
end=$(date +%s.%N)
python3 - "$work" "$expected" "$rss_start" "$rss_end" "$rss_peak" "$start" "$end" "${samples[*]}" <<'PY'
import json, sys
work, expected, r0, r1, rp, t0, t1 = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), float(sys.argv[6]), float(sys.argv[7])
samples = [int(x) for x in sys.argv[8].split()]
s = json.load(open(work + "/stats.json")); sim = json.load(open(work + "/sim.json"))
m = s["messages"]
print(f"soak: {expected} events in the simulated stream, published {sim.get('published')}, wall {t1 - t0:.1f} s")
print(f"  messages in {m['received']}, applied {m['applied']}, rejected {m['rejected_total']} "
      f"({ {k: v for k, v in m['rejected'].items() if v} }), telemetry superseded {m['dropped']}")
print(f"  QoS 1 loss: {expected - (m['applied'] - m.get('applied_telemetry', 0))} (sequencer gaps skipped {s['sequencer']['gaps_skipped']})")
print(f"  state hash {s['core']['state_hash']} (gatesim {sim.get('state_hash')})")
print(f"  recording: committed {s['record']['committed_events']}, dropped {s['record']['dropped']}, error '{s['record']['error']}'")
print(f"  gatetwin RSS: start {r0/1024:.1f} MiB, end {r1/1024:.1f} MiB, peak {rp/1024:.1f} MiB (sampled each second); "
      f"after its last decision was handed over {s['process']['rss_kib']/1024:.1f} MiB")
if len(samples) >= 4:
    q = [samples[len(samples) * k // 4] / 1024 for k in range(4)]
    print("  RSS at each quarter of the run: " + ", ".join(f"{x:.1f}" for x in q) + f", {samples[-1] / 1024:.1f} MiB")
d = s["decisions"]
print(f"  decisions produced {d['produced']}, published {d['published']}, dropped {d['dropped']}, "
      f"most waiting in the outbox at once {d['outbox_high_water']}")
print(f"  queue high water {s['queue']['high_water']}, decisions {s['decisions']}, mqtt {s['mqtt']}")
PY
