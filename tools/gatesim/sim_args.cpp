// gatesim's flags. See sim_args.h.
#include "sim_args.h"

#include "cli/flag_reader.h"
#include "connectors/codec/utc_time.h"
#include "twin/clock_text.h"

#include <cstdio>
#include <cstdlib>
#include <string>

static const char* kHelp = R"(usage: gatesim [options]

Simulates the smart border gate's freight roads and prints the KPIs.

  --site ID|all        site id (m1119, m1088), a comma list, a path to a site file, or all (default all)
  --load L             baseline | 2027 | 2030 | xN (N times today's volume)   (default 2030)
  --days D             simulated days (default 1)
  --hours H            simulated hours, instead of --days
  --seed N             random seed (default 7); printed with the results
  --json               one JSON object on stdout (with state_hash)
  --csv                one CSV row per site on stdout
  --lanes P            expanded (every lane in the site file, default) | today
  --unmanned P         on (default) | off (unmanned lanes unused) | as-manned
  --capacity-table     print the lane-plan capacity table (docs/capacity.md) and exit:
                       steady state over --seeds seeds from --seed, after a warm-up
  --sensitivity        with one --site and --load: the tornado sweep of the assumptions
                       (docs/capacity.md); prints it, writes --out DIR/sensitivity-SITE-LOAD.csv/.png
  --seeds N            seeds of --capacity-table / --sensitivity (default 10)
  --warmup-days D      unmeasured days from an empty site (default 1)
  --measure-days D     measured days (default: 7 for the table, 2 for the sweep)
  --search-steps N     --capacity-table: bisection steps of the capacity at the policy (default 7)
  --threads N          threads for the seeds and points (default: every core); results do not depend on it
  --out DIR            where --sensitivity writes (default out)
  --assumptions        print every number of the --site file(s) with its JSON path, value
                       and source note, marked sourced or assumed (--json: one object), and exit
  --check              check the scheduler invariants after every event (slow)
  --trace FILE         write one line per event and its decisions (for diffing runs)
  --record FILE        record the run (events, decisions, snapshots) as a session in an
                       SQLite recording, replayable with gatetwin --replay (docs/replay.md)
  --sites-dir DIR      where site files are (default: the shipped assets/sites, or $GATETWIN_SITES)
  --scenario FILE      run a scenario (assets/scenarios/*.json) to its end, and with no
                       intervention, and print both KPI summaries and the score
                       (docs/scenarios.md); --seed overrides the file's seed
  --with-model-answer  with --scenario: the session runs the scenario's model answer
  --no-progress        no progress bar on a terminal

Publishing to an MQTT broker (topics and payloads: docs/mqtt.md):
  --broker URL         tcp://host:port: publish every simulator event of every site as a
                       field message (source --source, seq = the simulator's event seq);
                       URL1,URL2: two brokers of one room: when the one in use dies it
                       moves to the next (after 1 s) and publishes its last 4096 QoS 1
                       messages again (docs/control-room.md "Two brokers")
  --speed S|max        simulated seconds per real second (default 1: real time);
                       max = as fast as the broker acknowledges
  --fast-until HH:MM   publish the day up to HH:MM at --fast-speed, then at --speed: a twin
                       starts where the gate is busy (README command 1 uses 08:00); the
                       fast part is folded and recorded like the rest
  --fast-speed S       the fast-forward's simulated seconds per real second (default 2400:
                       8 h in 12 s; a windowed twin folds a faster burst wrongly, see
                       docs/gatesim.md)
  --source ID          the "src" of the messages (default gatesim)
  --client-id ID       MQTT client id (default gatesim-<source>); fixed so the session persists
  --closed-loop        drive a live twin in a closed loop: fold the twin's event stream
                       (its order, its times, the operator commands it applied) instead of
                       the simulator's own, one event at a time (publish, wait until the
                       twin folded it), so the simulated field obeys closed lanes, holds and
                       forced inspections and the state hash equals the twin's. Start it
                       with (or before) the twin's first event; its stream connection is
                       <client-id>-loop. Exit code 5 when the twin is not there, misses an
                       event or stops (docs/gatesim.md "Closed loop")
  --guide-protocol private|vda5050
                       with --closed-loop: how the guide vehicles report their finished
                       activities: private (guide_step_completed, the default) or vda5050:
                       as the VDA 5050 vehicles of the site files' "vda5050" sections, each
                       step a `state` on the vehicle's topic showing the progress on the
                       twin's order it heard (run the twin with --vda5050 and a large
                       --max-ahead-ms; docs/vda5050.md "gatesim")
  --epoch RFC3339      run time 0 for the vehicles' UTC timestamps (default: 00:00 at the
                       gate, UTC+7, of today: the twin's default); give the twin the same
  --mqtt-config FILE   user / password / client_id as key = value lines; otherwise the
                       environment's GATETWIN_MQTT_USER and GATETWIN_MQTT_PASSWORD
  --partner-key FILE   sign the partner customs' messages (partner_declaration,
                       receipt_confirmed, partner_link) with this private Ed25519 key
                       (PEM), as the partner does: a twin whose site file pins the
                       matching public key refuses them unsigned (docs/mqtt.md "Signed
                       partner data"). --print-partner-key prints the line to pin
  --print-partner-key  with --partner-key: print the public key as the site file's
                       "partner.public_key" takes it, and exit
  -h, --help           this text
)";

std::optional<SimArgs> parse_sim_args(int argc, char** argv, int& exit_code) {
  SimArgs a;
  exit_code = 2;
  cli::FlagReader r(argc, argv, "gatesim", "gatesim --help", kHelp);
  auto bad = [&](const std::string& why) { return r.refuse(why); };
  while (r.next()) {
    const std::string& f = r.flag();
    if (r.help_here(exit_code)) return std::nullopt;
    else if (f == "--json") a.json = true;
    else if (f == "--csv") a.csv = true;
    else if (f == "--check") a.check = true;
    else if (f == "--no-progress") a.progress = false;
    else if (f == "--capacity-table") a.capacity_table = true;
    else if (f == "--sensitivity") a.sensitivity = true;
    else if (f == "--assumptions") a.assumptions = true;
    else if (f == "--with-model-answer") a.with_model_answer = true;
    else if (f == "--closed-loop") a.closed_loop = true;
    else if (f == "--print-partner-key") a.print_partner_key = true;
    else {
      const auto value = r.value();
      if (!value) return std::nullopt;
      const char* v = value->c_str();
      double n = 0;
      if (f == "--site") a.site = v;
      else if (f == "--load") a.load = v;
      else if (f == "--days") { if (!cli::parse_number(v, n) || n <= 0 || n > 366) return bad("--days takes a number of days above 0, up to 366"); a.hours = n * 24; }
      else if (f == "--hours") { if (!cli::parse_number(v, n) || n <= 0 || n > 366 * 24) return bad("--hours takes a number of hours above 0"); a.hours = n; }
      else if (f == "--seed") { char* end; a.seed = std::strtoull(v, &end, 10); if (*end) return bad("--seed takes a whole number"); a.seed_given = true; }
      else if (f == "--trace") a.trace_path = v;
      else if (f == "--record") a.record_path = v;
      else if (f == "--broker") a.broker = v;
      else if (f == "--mqtt-config") a.mqtt_config = v;
      else if (f == "--guide-protocol") a.guide_protocol = v;
      else if (f == "--epoch") {
        std::string why;
        a.epoch_utc_ms = connectors::parse_epoch_flag(v, &why);
        if (!a.epoch_utc_ms) return bad(why);
      }
      else if (f == "--source") { a.source = v; if (a.source.empty() || a.source.size() > 64) return bad("--source takes 1 to 64 characters"); }
      else if (f == "--client-id") a.client_id = v;
      else if (f == "--partner-key") a.partner_key = v;
      else if (f == "--speed") {
        if (std::string(v) == "max") a.speed = 0;
        else if (!cli::parse_number(v, n) || n <= 0 || n > 1e7) return bad("--speed takes simulated seconds per real second above 0, or max");
        else a.speed = n;
      }
      else if (f == "--fast-until") {
        auto t = twin::parse_clock(v);
        if (!t) return bad("--fast-until takes HH:MM or HH:MM:SS of the run's day (e.g. 08:00)");
        a.fast_until_ms = *t;
      }
      else if (f == "--fast-speed") {
        if (!cli::parse_number(v, n) || n <= 0 || n > 1e6) return bad("--fast-speed takes simulated seconds per real second above 0");
        a.fast_speed = n;
      }
      else if (f == "--sites-dir") a.sites_dir = v;
      else if (f == "--seeds") { if (!cli::parse_number(v, n) || n < 1 || n > 1000 || n != static_cast<int>(n)) return bad("--seeds takes a whole number from 1 to 1000"); a.seeds = static_cast<int>(n); }
      else if (f == "--warmup-days") { if (!cli::parse_number(v, n) || n < 0 || n > 60) return bad("--warmup-days takes days from 0 to 60"); a.warmup_days = n; }
      else if (f == "--measure-days") { if (!cli::parse_number(v, n) || n <= 0 || n > 366) return bad("--measure-days takes days above 0, up to 366"); a.measure_days = n; }
      else if (f == "--search-steps") { if (!cli::parse_number(v, n) || n < 0 || n > 30 || n != static_cast<int>(n)) return bad("--search-steps takes a whole number from 0 to 30"); a.search_steps = static_cast<int>(n); }
      else if (f == "--threads") { if (!cli::parse_number(v, n) || n < 1 || n > 1024 || n != static_cast<int>(n)) return bad("--threads takes a whole number from 1 to 1024"); a.threads = static_cast<unsigned>(n); }
      else if (f == "--out") a.out_dir = v;
      else if (f == "--scenario") a.scenario = v;
      else if (f == "--lanes") { auto p = twin::parse_lane_plan(v); if (!p) return bad("--lanes takes expanded or today"); a.lanes = *p; }
      else if (f == "--unmanned") { auto p = twin::parse_unmanned_plan(v); if (!p) return bad("--unmanned takes on, off or as-manned"); a.unmanned = *p; }
      else return bad("unknown flag " + f);
    }
  }
  if (a.json && a.csv) return bad("choose --json or --csv, not both");
  if (a.capacity_table && a.sensitivity) return bad("choose --capacity-table or --sensitivity, not both");
  if (a.assumptions && (a.csv || !a.scenario.empty() || !a.broker.empty()))
    return bad("--assumptions prints the site files' notes (text or --json); it takes --site and --sites-dir only");
  if (a.with_model_answer && a.scenario.empty()) return bad("--with-model-answer needs --scenario FILE");
  if (!a.scenario.empty() && a.csv) return bad("--scenario prints text or --json, not --csv");
  if (a.broker.empty() && (!a.mqtt_config.empty() || !a.client_id.empty()))
    return bad("--mqtt-config and --client-id need --broker");
  if (!a.partner_key.empty() && a.broker.empty() && !a.print_partner_key)
    return bad("--partner-key signs what gatesim publishes: it needs --broker URL (or --print-partner-key)");
  if (a.print_partner_key && a.partner_key.empty()) return bad("--print-partner-key needs --partner-key FILE");
  if (a.closed_loop && a.broker.empty()) return bad("--closed-loop needs --broker URL (the twin's broker)");
  if (a.guide_protocol != "private" && a.guide_protocol != "vda5050") return bad("--guide-protocol takes private or vda5050");
  if (a.guide_protocol == "vda5050" && !a.closed_loop)
    return bad("--guide-protocol vda5050 needs --closed-loop (the vehicles' steps must reach the twin in the simulator's order)");
  if (a.closed_loop && !a.scenario.empty()) return bad("--closed-loop drives a plain run, not --scenario");
  if (a.client_id.empty()) a.client_id = "gatesim-" + a.source;
  exit_code = 0;
  return a;
}
