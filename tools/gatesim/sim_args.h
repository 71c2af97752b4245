// gatesim's command line: the flags and their meaning. Parsing only; running is main.cpp.
// The flags named in the issues (--site --load --days --hours --seed --json --csv) are
// a contract for scripts: keep them.
#pragma once
#include "twin/site_plan.h"

#include <cstdint>
#include <optional>
#include <string>

struct SimArgs {
  std::string site = "all";
  std::string load = "2030";
  double hours = 24;
  uint64_t seed = 7;
  bool json = false;
  bool csv = false;
  bool progress = true;
  bool check = false;            // check the scheduler invariants after every event
  bool capacity_table = false;
  // --capacity-table and --sensitivity (docs/capacity.md): seeds --seed .. --seed + seeds - 1,
  // the run window, threads (0: every core); negative: the mode's default.
  bool sensitivity = false;
  int seeds = 0;
  double warmup_days = -1, measure_days = -1;
  int search_steps = -1;
  unsigned threads = 0;
  std::string out_dir = "out";   // --sensitivity writes its CSV and PNG here
  bool assumptions = false;      // --assumptions: every number of the site files with its source note
  std::string trace_path;        // one line per event
  std::string record_path;       // record the run as a session in an SQLite recording (docs/replay.md)
  std::string sites_dir;
  twin::LanePlan lanes = twin::LanePlan::Expanded;
  twin::UnmannedPlan unmanned = twin::UnmannedPlan::On;
  // Publishing to a broker (docs/mqtt.md). Credentials never come from the command line:
  // --mqtt-config FILE or GATETWIN_MQTT_USER / GATETWIN_MQTT_PASSWORD.
  std::string broker;            // tcp://host:port; empty: no publishing
  std::string mqtt_config;
  std::string source = "gatesim";  // "src" of every message
  std::string client_id;         // default gatesim-<source>
  double speed = 1;              // simulated seconds per real second; 0 = as fast as the broker takes
  int64_t fast_until_ms = 0;     // --fast-until HH:MM: events before it at --fast-speed, then --speed
  double fast_speed = 2400;      // --fast-speed S: the fast-forward's pace
  std::string partner_key;       // --partner-key: sign the partner's messages (private Ed25519 PEM)
  bool print_partner_key = false;  // --print-partner-key: print the public key to pin, and exit
  bool closed_loop = false;      // --closed-loop: fold the twin's stream (its commands, its order), in lock-step
  std::string guide_protocol = "private";  // --guide-protocol private|vda5050: how the guide vehicles report (docs/vda5050.md)
  std::optional<int64_t> epoch_utc_ms;  // --epoch RFC3339: run time 0 for UTC stamps (default: the gate's midnight today)
  // Scenario runs (docs/scenarios.md): the file, and whether to run its model answer.
  std::string scenario;
  bool with_model_answer = false;
  bool seed_given = false;       // --seed given: overrides a scenario file's seed
};

// Returns the arguments, or prints why not (or the help) and sets exit_code.
std::optional<SimArgs> parse_sim_args(int argc, char** argv, int& exit_code);
