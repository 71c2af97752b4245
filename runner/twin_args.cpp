// gatetwin's flags. See twin_args.h.
#include "runner/twin_args.h"

#include "cli/flag_reader.h"
#include "connectors/codec/utc_time.h"
#include "pipeline/wall_ticks.h"
#include "twin/clock_text.h"

#include <cstdio>
#include <cstdlib>
#include <string>

namespace runner {

static const char* kHelp = R"(usage: gatetwin --broker tcp://host:port [options]          the control room, in a window
       gatetwin --headless --broker tcp://host:port [options]   no window (automation)
       gatetwin audit verify FILE   check the audit chain of a recording's commands
       gatetwin [--headless] --replay FILE | [--headless] --scenario FILE   replay, fork, export;
                                    a scenario played in the window (--speed X, --console-script F)
                                    or headless (gatetwin --replay --help, docs/replay.md,
                                    docs/scenarios.md)

The twin: folds field messages from an MQTT broker into the core, publishes the core's
decisions, command results and its own health (topics: docs/mqtt.md).

  --headless           run without a window
  --screenshot FILE    headless: at the end, render the view offscreen and save a PNG, and
                       print the KPI summary
  --scene-json FILE    at the end, write what the last frame drew: every vehicle's kind,
                       ids, drawn position (site metres, world, WGS84), colour, whether the
                       field placed it, its report's age, stale (docs/field.md)
  --view V             m1119 | m1088 | both (default) | wall
  --lang L             the window's language: vi (Vietnamese) | en (English, default);
                       the window's language switch (or key F12) changes it while it runs
  --instructor         the Instructor panel: a supervisor injects incidents (scanner
                       failure, partner link down, reefer power loss, an undeclared truck)
                       into the twin's input, folded and recorded like the field's events
  --feeds              open the Feeds panel at start (per field source: messages, rate,
                       last message, clock offset, session, rejections by reason)
  --size WxH           window or screenshot size in pixels (default 1600x900)
  --wall               wall display: a framed viewport per site with its name, the gate's
                       clock (UTC+7), KPI tiles against the 2027 / 2030 targets, legend and
                       alert ticker; text scales with the size (docs/gatetwin.md "Wall")
  --wall-columns N     site cells per row on the wall (default: from the site count and
                       the display's aspect)
  --tour               with --wall: a slow camera tour
  --aa fxaa|msaa|off   anti-aliasing of the 3D view: fxaa (default: a post-process pass
                       over the scene's edges, labels and panels stay sharp), msaa
                       (4 samples unless --msaa N), off
  --msaa N             MSAA samples of the 3D view: 1 (off), 2, 4 or 8, as the device
                       allows (lavapipe: 1 or 4; 4 costs it about 2.6x); alone it means
                       --aa msaa (so --msaa 1 turns anti-aliasing off); with --aa fxaa both
  --busy-start HH:MM   the field was fast-forwarded to HH:MM (gatesim --fast-until): the
                       window says so (README command 1 starts at 08:00)
  --accounts FILE      local accounts file (login with a role; see docs/gatetwin.md)
  --stale-after S      seconds without input before the data is shown as stale (default 5)
  --inspect ID         open the vehicle inspector on shipment ID once it arrives
  --broker URL         tcp://host:port of the MQTT broker, or ssl://host:port (TLS: the
                       broker is verified against ca_file; see docs/security.md);
                       URL1,URL2: two (or more) brokers of one room, bridged: each
                       connection moves to the next when its broker dies
                       (docs/control-room.md "Two brokers")
  --mqtt-config FILE   user / password / client_id / ca_file / cert_file / key_file as
                       key = value lines (tools/setup/make-certs.sh writes one); otherwise the
                       environment's GATETWIN_MQTT_USER and GATETWIN_MQTT_PASSWORD
  --client-id ID       MQTT client id (default gatetwin); fixed so the broker keeps the
                       twin's session (and queues QoS 1 messages) while it is away; the
                       shipped broker takes only the account's name or NAME-<suffix>
  --site ID|all        the sites to mirror, as for gatesim (default all)
  --lanes P            expanded (default) | today; must match the field's plan
  --unmanned P         on (default) | off | as-manned
  --sites-dir DIR      where site files are (default: the shipped assets/sites, or $GATETWIN_SITES)
  --run-for SECONDS    stop after this long (default: until SIGINT / SIGTERM)
  --until-applied N    stop once N events have been applied
  --stats FILE         at exit, write counters and the state hash as JSON
  --record FILE        record every applied event in an SQLite recording
  --command-accounts FILE  an accounts file (docs/gatetwin.md) whose users are the broker
                       accounts that may send commands, each with its role: a command must
                       then come on .../command/<account>, its actor that account and its
                       role the account's, or it is refused (forged_identity; docs/security.md)
  --audit-key FILE     sign the recording's audit chain head with this Ed25519 private
                       key (PEM) into FILE.audit-sig after each commit of commands, so
                       that `gatetwin audit verify FILE --key PUBLIC` detects a rewritten,
                       re-hashed or cut chain (docs/security.md)
  --stream-key FILE    the control room's stream is sealed (docs/control-room.md): on the
                       primary, its Ed25519 private key (PEM) signs every batch and head;
                       with --follow, the primary's public key, pinned: an unsealed or
                       forged message, and a --catch-up recording whose events differ from
                       what the primary signed, are refused (counted, logged)
  --vda5050            also be the VDA 5050 (2.x) master control of the guide vehicles listed in
                       the site files' "vda5050" sections: read their state, visualization
                       and connection, send them orders and instant actions, every message
                       checked against the VDA 5050 schemas (docs/vda5050.md)
  --vda5050-schemas DIR  the schemas' folder (default: the source tree's
                       assets/vda5050/schemas, or $GATETWIN_VDA5050_SCHEMAS)
  --gap-wait-ms MS     how long a missing per-source seq is waited for (default 2000)
  --partner-silence-s S  no partner-customs data for S s of event time while the
                       rest flows: mark it stale (vehicles lacking it are held, not
                       diverted) until it flows again (default 600; 0: off)
  --queue N            MQTT-to-core queue capacity in messages (default 65536)
  --epoch RFC3339      the UTC instant of run time 0 for UTC-stamped field messages, e.g.
                       2026-05-01T00:00:00+07:00 (default: 00:00 at the gate, UTC+7, of the
                       day the twin started); written to --stats and the recording
  --max-ahead-ms MS    refuse a UTC stamp more than MS ahead of this machine's clock
                       (time_ahead; default 5000)
  --max-age-s S        refuse a UTC stamp older than S seconds (time_too_old; default 86400)
  --wall-clock-ticks W on | off | auto (default): a clock tick each wall second from the
                       twin itself (source twin-clock); auto: once a UTC stamp was accepted
  --restart-after-ms MS  a source without "session" that sends seq 1 after MS silent has
                       restarted (default 30000)
  --max-seq-jump N     refuse a seq more than N beyond the source's (seq_jump; default 1000000)
  --require-account-topics  refuse field topics without the account level
                       (.../<kind>/<account>; unbound_topic)
  --no-publish         do not publish decisions (health is still published)
  --quiet              no per-second status line
  -h, --help           this text

The multi-console control room (docs/control-room.md): a twin without --follow is the
primary and publishes every event it applies on gatetwin/v1/twin/stream.
  --follow             a follower (wall display, console): fold the primary's stream, not
                       the field topics; commands typed here go to the primary; needs its
                       own --client-id
  --catch-up FILE[,FILE2]  follower or standby: the primary's --record file (read-only, on
                       a shared disk), to catch up from after a late start or a lost broker;
                       with fail-over, also the standby's (each is read in turn)

Fail-over (docs/control-room.md "Fail-over"):
  --standby            a standby twin: follows the primary's stream like --follow (needs its
                       own --client-id) and also subscribes to the field itself, holding
                       every QoS 1 input (declarations, events, commands) until the stream
                       shows it sequenced; when the primary dies (its last will, or silent
                       past --takeover-after-ms) it takes the run over with the next epoch,
                       first sequencing the held inputs the primary had not, once each.
                       A primary (or standby that took over) that hears a newer epoch of its
                       run is fenced: it stops sequencing (a standby becomes a standby again;
                       a plain primary exits with code 5: restart it with --standby)
  --takeover-after-ms MS  with --standby: the primary silent this long is dead (default 3000;
                       it says "up" each second; its last will is taken at once)
  --start-run          with --standby: when no run is heard within --takeover-after-ms of
                       the start (or only a stopped one), start one as its primary (epoch
                       1): both twins of a pair then run with --standby, and the one that
                       is fenced follows again in the same process

Environment: GATETWIN_USER and GATETWIN_PASSWORD log the window in (with --accounts);
GATETWIN_UI_MAP=FILE rewrites FILE after every frame with where each control and truck
is on the screen, whether each button is enabled and why not: for tests and tools that
drive the window with real input (docs/gatetwin.md)
)";

std::optional<TwinArgs> parse_twin_args(int argc, char** argv, int& exit_code) {
  TwinArgs a;
  bool client_id_given = false;
  exit_code = 2;
  cli::FlagReader r(argc, argv, "gatetwin", "gatetwin --help", kHelp);
  auto bad = [&](const std::string& why) { return r.refuse(why); };
  int msaa_given = 0;  // --msaa N's N (0: not given)
  bool aa_given = false;
  while (r.next()) {
    const std::string& f = r.flag();
    if (r.help_here(exit_code)) return std::nullopt;
    else if (f == "--headless") a.headless = true;
    else if (f == "--wall") { a.wall = true; a.view = "wall"; }
    else if (f == "--tour") a.tour = true;
    else if (f == "--feeds") a.show_feeds = true;
    else if (f == "--instructor") a.instructor = true;
    else if (f == "--no-publish") a.publish_decisions = false;
    else if (f == "--follow") a.follow = true;
    else if (f == "--standby") a.standby = true;
    else if (f == "--start-run") a.start_run = true;
    else if (f == "--quiet") a.quiet = true;
    else if (f == "--vda5050") a.vda5050 = true;
    else if (f == "--require-account-topics") a.require_account_topics = true;
    else if (f == "--user" || f == "--password")
      return bad(f + " is not a flag: credentials on a command line leak; use --mqtt-config FILE or GATETWIN_MQTT_USER / GATETWIN_MQTT_PASSWORD");
    else {
      const auto value = r.value();
      if (!value) return std::nullopt;
      const std::string& v = *value;
      double n = 0;
      if (f == "--broker") a.broker = v;
      else if (f == "--mqtt-config") a.mqtt_config = v;
      else if (f == "--client-id") { a.client_id = v; client_id_given = true; }
      else if (f == "--site") a.site = v;
      else if (f == "--sites-dir") a.sites_dir = v;
      else if (f == "--stats") a.stats_path = v;
      else if (f == "--record") a.record_path = v;
      else if (f == "--vda5050-schemas") a.vda5050_schemas = v;
      else if (f == "--audit-key") a.audit_key_path = v;
      else if (f == "--command-accounts") a.command_accounts_path = v;
      else if (f == "--catch-up") a.catch_up_path = v;
      else if (f == "--stream-key") a.stream_key_path = v;
      else if (f == "--screenshot") a.screenshot_path = v;
      else if (f == "--scene-json") a.scene_json_path = v;
      else if (f == "--view") {
        a.view = v;
        if (a.view != "m1119" && a.view != "m1088" && a.view != "both" && a.view != "wall" && a.view.find_first_of("/ ") != std::string::npos)
          return bad("--view takes a site id, both or wall");
      }
      else if (f == "--busy-start") {
        if (!twin::parse_clock(v)) return bad("--busy-start takes HH:MM (the hour the field was fast-forwarded to)");
        a.busy_start = v;
      }
      else if (f == "--msaa") {
        if (v != "1" && v != "2" && v != "4" && v != "8") return bad("--msaa takes 1, 2, 4 or 8");
        msaa_given = std::atoi(v.c_str());
      }
      else if (f == "--aa") {
        if (v != "fxaa" && v != "msaa" && v != "off") return bad("--aa takes fxaa, msaa or off");
        a.aa = v;
        aa_given = true;
      }
      else if (f == "--wall-columns") {
        double n = 0;
        if (!cli::parse_number(v, n) || n < 1 || n > 16 || n != static_cast<int>(n)) return bad("--wall-columns takes a whole number from 1 to 16");
        a.wall_columns = static_cast<int>(n);
      }
      else if (f == "--accounts") a.accounts_path = v;
      else if (f == "--lang") { if (v != "vi" && v != "en") return bad("--lang takes vi or en"); a.lang = v; }
      else if (f == "--inspect") { if (!cli::parse_number(v, n) || n < 1) return bad("--inspect takes a shipment number"); a.inspect_shipment = static_cast<uint32_t>(n); }
      else if (f == "--stale-after") { if (!cli::parse_number(v, n) || n <= 0) return bad("--stale-after takes seconds above 0"); a.stale_after_s = n; }
      else if (f == "--size") { if (!cli::parse_size(v, a.width, a.height)) return bad(cli::size_rule()); }
      else if (f == "--lanes") { auto p = twin::parse_lane_plan(v); if (!p) return bad("--lanes takes expanded or today"); a.lanes = *p; }
      else if (f == "--unmanned") { auto p = twin::parse_unmanned_plan(v); if (!p) return bad("--unmanned takes on, off or as-manned"); a.unmanned = *p; }
      else if (f == "--run-for") { if (!cli::parse_number(v, n) || n <= 0) return bad("--run-for takes seconds above 0"); a.run_for_s = n; }
      else if (f == "--until-applied") { if (!cli::parse_number(v, n) || n < 1) return bad("--until-applied takes a count of events"); a.until_applied = static_cast<uint64_t>(n); }
      else if (f == "--partner-silence-s") { if (!cli::parse_number(v, n) || n < 0 || n > 86400) return bad("--partner-silence-s takes 0 (off) to 86400 seconds"); a.partner_silence_s = n; }
      else if (f == "--gap-wait-ms") { if (!cli::parse_number(v, n) || n < 0 || n > 600000) return bad("--gap-wait-ms takes 0 to 600000 ms"); a.gap_wait_ms = static_cast<int64_t>(n); }
      else if (f == "--epoch") {
        std::string why;
        a.epoch_utc_ms = connectors::parse_epoch_flag(v, &why);
        if (!a.epoch_utc_ms) return bad(why);
      }
      else if (f == "--max-ahead-ms") { if (!cli::parse_number(v, n) || n < 0 || n > 86400000) return bad("--max-ahead-ms takes 0 to 86400000 ms"); a.max_ahead_ms = static_cast<int64_t>(n); }
      else if (f == "--max-age-s") { if (!cli::parse_number(v, n) || n < 1 || n > 8640000) return bad("--max-age-s takes 1 to 8640000 seconds (100 days)"); a.max_age_s = static_cast<int64_t>(n); }
      else if (f == "--restart-after-ms") { if (!cli::parse_number(v, n) || n < 0 || n > 86400000) return bad("--restart-after-ms takes 0 to 86400000 ms"); a.restart_after_ms = static_cast<int64_t>(n); }
      else if (f == "--max-seq-jump") { if (!cli::parse_number(v, n) || n < 1 || n > 1e15) return bad("--max-seq-jump takes 1 to 1e15"); a.max_seq_jump = static_cast<uint64_t>(n); }
      else if (f == "--wall-clock-ticks") { if (!pipeline::parse_wall_ticks(v)) return bad("--wall-clock-ticks takes on, off or auto"); a.wall_clock_ticks = v; }
      else if (f == "--takeover-after-ms") { if (!cli::parse_number(v, n) || n < 200 || n > 600000) return bad("--takeover-after-ms takes 200 to 600000 ms"); a.takeover_after_ms = static_cast<int64_t>(n); }
      else if (f == "--queue") { if (!cli::parse_number(v, n) || n < 16 || n > 16777216) return bad("--queue takes 16 to 16777216 messages"); a.queue_capacity = static_cast<size_t>(n); }
      else return bad("unknown flag " + f);
    }
  }
  // Anti-aliasing: --aa picks the method; --msaa N alone is --aa msaa with N samples.
  if (msaa_given && !aa_given) a.aa = "msaa";
  if (a.aa == "off" && msaa_given > 1) return bad("--aa off and --msaa " + std::to_string(msaa_given) + " contradict each other: give one of them");
  a.fxaa = a.aa == "fxaa";
  a.msaa = a.aa == "off" ? 1 : msaa_given ? msaa_given : a.aa == "msaa" ? 4 : 1;
  if (!a.audit_key_path.empty() && a.record_path.empty()) return bad("--audit-key signs a recording's audit chain: give --record FILE too");
  if (a.broker.empty()) return bad("gatetwin needs --broker tcp://host:port (tools/setup/run-twin.sh starts a local one)");
  if (!a.headless && a.screenshot_path.size()) return bad("--screenshot is for --headless runs");
  if (a.follow && a.client_id == "gatetwin")
    return bad("--follow needs its own --client-id (e.g. console-1-wall: on the shipped broker an id is its account's name, or that name, a dash and more): two clients with one id throw each other off the broker");
  if (a.start_run && !a.standby) return bad("--start-run is for --standby (a plain gatetwin starts a run anyway)");
  if (a.standby && a.follow) return bad("--standby and --follow: a standby follows already; give one of them");
  if (a.standby && !client_id_given)
    return bad("--standby needs its own --client-id (e.g. gatetwin-b; the old primary, back as a standby, may keep its own): two clients with one id throw each other off the broker");
  if (a.standby && !a.headless) return bad("--standby runs headless for now (give --headless): a window follows with --follow");
  if (!a.follow && !a.standby && !a.catch_up_path.empty()) return bad("--catch-up is for --follow and --standby");
  if (a.follow && a.vda5050) return bad("--vda5050 is for the primary: a follower folds the primary's stream and sends the vehicles nothing");
  if (a.standby && a.vda5050) return bad("--vda5050 with --standby: a standby does not take over the vehicles' link yet (docs/vda5050.md); run the VDA 5050 link on the primary only");
  if (!a.vda5050 && !a.vda5050_schemas.empty()) return bad("--vda5050-schemas needs --vda5050");
  exit_code = 0;
  return a;
}

}  // namespace runner
