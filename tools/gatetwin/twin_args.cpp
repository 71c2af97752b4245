// gatetwin's flags. See twin_args.h.
#include "twin_args.h"

#include <cstdio>
#include <cstdlib>
#include <string>

static const char* kHelp = R"(usage: gatetwin --headless --broker tcp://host:port [options]
       gatetwin audit verify FILE   check the audit chain of a recording's commands

The twin: folds field messages from an MQTT broker into the core, publishes the core's
decisions, command results and its own health (topics: docs/mqtt.md).

  --headless           run without a window (the only mode in this build)
  --broker URL         tcp://host:port of the MQTT broker, or ssl://host:port (TLS: the
                       broker is verified against ca_file; see docs/security.md)
  --mqtt-config FILE   user / password / client_id / ca_file / cert_file / key_file as
                       key = value lines (tools/setup/make-certs.sh writes one); otherwise the
                       environment's GATETWIN_MQTT_USER and GATETWIN_MQTT_PASSWORD
  --client-id ID       MQTT client id (default gatetwin); fixed so the broker keeps the
                       twin's session (and queues QoS 1 messages) while it is away
  --site ID|all        the sites to mirror, as for gatesim (default all)
  --lanes P            expanded (default) | today; must match the field's plan
  --unmanned P         on (default) | off | as-manned
  --sites-dir DIR      where site files are (default: the shipped assets/sites, or $GATETWIN_SITES)
  --run-for SECONDS    stop after this long (default: until SIGINT / SIGTERM)
  --until-applied N    stop once N events have been applied
  --stats FILE         at exit, write counters and the state hash as JSON
  --record FILE        record every applied event in an SQLite recording
  --gap-wait-ms MS     how long a missing per-source seq is waited for (default 2000)
  --queue N            MQTT-to-core queue capacity in messages (default 65536)
  --no-publish         do not publish decisions (health is still published)
  --quiet              no per-second status line
  -h, --help           this text
)";

static bool number(const char* s, double& out) {
  char* end = nullptr;
  out = std::strtod(s, &end);
  return end && *end == '\0' && end != s;
}

std::optional<TwinArgs> parse_twin_args(int argc, char** argv, int& exit_code) {
  TwinArgs a;
  exit_code = 2;
  auto bad = [&](const std::string& why) {
    std::fprintf(stderr, "gatetwin: %s (see gatetwin --help)\n", why.c_str());
    return std::nullopt;
  };
  for (int i = 1; i < argc; ++i) {
    std::string f = argv[i];
    auto value = [&]() -> const char* { return i + 1 < argc ? argv[++i] : nullptr; };
    if (f == "-h" || f == "--help") {
      std::fputs(kHelp, stdout);
      exit_code = 0;
      return std::nullopt;
    } else if (f == "--headless") a.headless = true;
    else if (f == "--no-publish") a.publish_decisions = false;
    else if (f == "--quiet") a.quiet = true;
    else if (f == "--user" || f == "--password")
      return bad(f + " is not a flag: credentials on a command line leak; use --mqtt-config FILE or GATETWIN_MQTT_USER / GATETWIN_MQTT_PASSWORD");
    else {
      const char* v = value();
      if (!v) return bad(f + " needs a value");
      double n = 0;
      if (f == "--broker") a.broker = v;
      else if (f == "--mqtt-config") a.mqtt_config = v;
      else if (f == "--client-id") a.client_id = v;
      else if (f == "--site") a.site = v;
      else if (f == "--sites-dir") a.sites_dir = v;
      else if (f == "--stats") a.stats_path = v;
      else if (f == "--record") a.record_path = v;
      else if (f == "--lanes") { auto p = twin::parse_lane_plan(v); if (!p) return bad("--lanes takes expanded or today"); a.lanes = *p; }
      else if (f == "--unmanned") { auto p = twin::parse_unmanned_plan(v); if (!p) return bad("--unmanned takes on, off or as-manned"); a.unmanned = *p; }
      else if (f == "--run-for") { if (!number(v, n) || n <= 0) return bad("--run-for takes seconds above 0"); a.run_for_s = n; }
      else if (f == "--until-applied") { if (!number(v, n) || n < 1) return bad("--until-applied takes a count of events"); a.until_applied = static_cast<uint64_t>(n); }
      else if (f == "--gap-wait-ms") { if (!number(v, n) || n < 0 || n > 600000) return bad("--gap-wait-ms takes 0 to 600000 ms"); a.gap_wait_ms = static_cast<int64_t>(n); }
      else if (f == "--queue") { if (!number(v, n) || n < 16 || n > 16777216) return bad("--queue takes 16 to 16777216 messages"); a.queue_capacity = static_cast<size_t>(n); }
      else return bad("unknown flag " + f);
    }
  }
  if (!a.headless) return bad("the window is not built yet: run with --headless");
  if (a.broker.empty()) return bad("--headless needs --broker tcp://host:port");
  exit_code = 0;
  return a;
}
