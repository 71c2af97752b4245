// gatetwin's command line: the flags and their meaning. Parsing only; running is
// headless_loop.cpp (and, later, the windowed app). Credentials are never flags: they
// come from --mqtt-config FILE or GATETWIN_MQTT_USER / GATETWIN_MQTT_PASSWORD.
#pragma once
#include "twin/site_plan.h"

#include <cstdint>
#include <optional>
#include <string>

namespace runner {

struct TwinArgs {
  bool headless = false;
  std::string broker;              // tcp://host:port
  std::string mqtt_config;
  std::string client_id = "gatetwin";  // fixed: the broker keeps the session across restarts
  std::string site = "all";
  std::string sites_dir;
  twin::LanePlan lanes = twin::LanePlan::Expanded;
  twin::UnmannedPlan unmanned = twin::UnmannedPlan::On;
  double run_for_s = 0;            // 0: until SIGINT / SIGTERM
  uint64_t until_applied = 0;      // 0: no limit; else stop once this many events are applied
  std::string stats_path;
  std::string record_path;
  std::string audit_key_path;
  std::string command_accounts_path;  // --command-accounts: broker accounts that may command, with their roles     // --audit-key: Ed25519 private key (PEM) signing the audit head
  int64_t gap_wait_ms = 2000;
  double partner_silence_s = 600;  // partner feed silent this long (event time): marked stale; 0: off
  size_t queue_capacity = 65536;
  // The field's time, sources and accounts (docs/mqtt.md "Time", "Sources").
  std::optional<int64_t> epoch_utc_ms;  // --epoch RFC3339: the UTC instant of run time 0 (default: the gate's midnight, UTC+7, of the start day)
  int64_t max_ahead_ms = 5000;      // --max-ahead-ms: a UTC stamp further ahead of the wall clock is time_ahead
  int64_t max_age_s = 86400;        // --max-age-s: a UTC stamp older than this is time_too_old
  int64_t restart_after_ms = 30000; // --restart-after-ms: seq 1 after this long silent is a restart (no session)
  uint64_t max_seq_jump = 1000000;  // --max-seq-jump: a seq further beyond the source's is refused (seq_jump)
  bool require_account_topics = false;  // --require-account-topics: refuse topics without the account level
  std::string wall_clock_ticks = "auto";  // --wall-clock-ticks on | off | auto
  bool publish_decisions = true;
  bool quiet = false;
  bool vda5050 = false;            // --vda5050: the VDA 5050 link to the guide vehicles (docs/vda5050.md)
  std::string vda5050_schemas;     // --vda5050-schemas DIR (default: assets/vda5050/schemas)
  // The control room (docs/gatetwin.md): window, or headless with --screenshot.
  std::string screenshot_path;     // headless: render the view at the end and save a PNG
  std::string scene_json_path;     // at the end: what the last frame drew, as JSON
  bool show_feeds = false;         // the control room's Feeds panel open at start
  bool instructor = false;         // --instructor: the Instructor panel (a supervisor injects incidents)
  std::string view = "both";       // m1119 | m1088 | both | wall
  std::string lang = "en";         // --lang: the window's language, vi | en
  uint32_t width = 1600, height = 900;
  bool wall = false;               // wall display: full screen, no editing, large type, KPI strip
  bool tour = false;               // wall: slow camera tour
  std::string busy_start;          // --busy-start HH:MM: the field was fast-forwarded to it (said on screen)
  int wall_columns = 0;            // --wall-columns N: site cells per row on the wall (0: automatic)
  // Anti-aliasing of the 3D view (window / screenshot), as resolved from --aa and --msaa:
  std::string aa = "fxaa";         // --aa fxaa | msaa | off (--msaa N alone means --aa msaa)
  int msaa = 1;                    // MSAA samples (1: none); --msaa N, or 4 for a bare --aa msaa
  bool fxaa = true;                // the post-process pass (--aa fxaa)
  std::string accounts_path;       // local accounts (login with a role)
  double stale_after_s = 5;        // no input this long: the banner says the data is stale
  uint32_t inspect_shipment = 0;   // open the vehicle inspector on this shipment
  // The multi-console control room (docs/control-room.md).
  bool follow = false;             // fold the primary's event stream instead of the field topics
  std::string catch_up_path;       // follower: the primary's --record file, to catch up from
  std::string stream_key_path;     // --stream-key: primary: Ed25519 private key sealing the stream; follower: the primary's public key
  // Fail-over (docs/control-room.md "Fail-over").
  bool standby = false;            // --standby: follow, hold the field's inputs, take over when the primary dies
  int64_t takeover_after_ms = 3000;  // --takeover-after-ms: the primary silent this long (no head, no batch) is dead
  bool start_run = false;          // --start-run: with --standby, start a run when none is heard (the first twin of a pair)
};

// Returns the arguments, or prints why not (or the help) and sets exit_code.
std::optional<TwinArgs> parse_twin_args(int argc, char** argv, int& exit_code);

}  // namespace runner
