// gatesim: runs the built-in simulator against the core for a number of simulated hours
// and prints the KPIs (text, --json or --csv). The seed is always printed; the same
// seed and flags give the same state hash. With --broker it also publishes every
// simulator event as a field message (docs/mqtt.md), paced by --speed, so a twin
// listening on the broker folds the same events and reaches the same state hash.
// With --closed-loop its core folds the twin's stream instead, in lock-step
// (sessions/closed_loop.h), so operator commands reach the simulator.
#include "assumptions_cmd.h"
#include "capacity_cmd.h"
#include "scenario_cmd.h"
#include "sim_args.h"
#include "vda_fleet_cmd.h"
#include "twin/clock_text.h"

#include "connectors/codec/kpi_json.h"
#include "connectors/mqtt/field_publisher.h"
#include "connectors/mqtt/partner_seal.h"
#include "connectors/mqtt/twin_stream_reader.h"
#include "connectors/files/site_file.h"
#include "twin/kpi.h"
#include "twin/run.h"
#include "twin/trace.h"

#include "sessions/closed_loop.h"
#include "sessions/session_writer.h"

#include <csignal>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <optional>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <thread>

using namespace sessions;

namespace {

std::atomic<bool> g_stop{false};  // --closed-loop: SIGINT / SIGTERM stop after the event in hand

// The closed loop's ends: gatesim's publish (paced) and the twin's stream.
struct LoopPort : sessions::ClosedLoopPort {
  std::function<bool(const twin::Event&)> send;
  connectors::TwinStreamReader* reader = nullptr;
  bool publish(const twin::Event& e) override { return send(e); }
  sessions::StreamRead next(std::chrono::milliseconds wait) override {
    connectors::StreamReadResult r = reader->next(wait);
    if (auto* e = std::get_if<twin::Event>(&r)) return std::move(*e);
    if (auto* f = std::get_if<connectors::StreamReadFailure>(&r)) return sessions::StreamFailure{f->message};
    return sessions::StreamTimeout{};
  }
};

void progress_bar(double fraction) {
  const int width = 40;
  int filled = static_cast<int>(fraction * width);
  std::fprintf(stderr, "\r[%.*s%*s] %3d%%", filled, "========================================", width - filled, "",
               static_cast<int>(fraction * 100));
  std::fflush(stderr);
}

}  // namespace

int main(int argc, char** argv) {
  int code = 0;
  auto parsed = parse_sim_args(argc, argv, code);
  if (!parsed) return code;
  const SimArgs& args = *parsed;
  if (!args.scenario.empty()) return run_scenario_command(args);
  if (args.assumptions) return print_assumptions(args);
  // --partner-key: gatesim plays the partner customs and signs its messages as it would.
  std::shared_ptr<const connectors::PartnerSigner> partner_signer;
  if (!args.partner_key.empty()) {
    auto k = connectors::PartnerSigner::load(args.partner_key);
    if (auto* f = std::get_if<connectors::Failure>(&k)) {
      std::fprintf(stderr, "gatesim: --partner-key: %s\n", f->text.c_str());
      return 2;
    }
    partner_signer = std::get<std::shared_ptr<const connectors::PartnerSigner>>(k);
    if (args.print_partner_key) {
      std::printf("%s\n", partner_signer->public_key_base64().c_str());
      return 0;
    }
  }

  auto loaded = connectors::load_sites(args.site, args.sites_dir.empty() ? connectors::default_sites_dir() : args.sites_dir);
  if (auto* err = std::get_if<connectors::SiteFileError>(&loaded)) {
    std::fprintf(stderr, "gatesim: %s\n", err->message().c_str());
    return 1;
  }
  std::vector<twin::SiteSpec> sites;
  for (auto& s : std::get<std::vector<twin::SiteSpec>>(loaded)) sites.push_back(twin::with_plan(s, args.lanes, args.unmanned));
  if (args.capacity_table) return print_capacity_table(std::get<std::vector<twin::SiteSpec>>(loaded), args);
  if (args.sensitivity) return run_sensitivity_command(sites, args);

  twin::SimOptions opt;
  opt.seed = args.seed;
  for (const auto& s : sites) {
    auto per_day = twin::load_per_day(s, args.load);
    if (!per_day) {
      std::fprintf(stderr, "gatesim: --load takes baseline, 2027, 2030 or xN (a multiplier), not \"%s\"\n", args.load.c_str());
      return 2;
    }
    opt.vehicles_per_day.push_back(*per_day);
  }

  twin::Core core(sites);
  twin::Simulator sim(core.sites(), opt);
  std::ofstream trace;
  if (!args.trace_path.empty()) {
    trace.open(args.trace_path);
    if (!trace) {
      std::fprintf(stderr, "gatesim: cannot write the trace to %s\n", args.trace_path.c_str());
      return 1;
    }
  }
  // Publishing: one field message per simulator event, numbered with the event's seq.
  std::unique_ptr<connectors::FieldPublisher> publisher;
  uint64_t published = 0;
  bool publish_failed = false;
  if (!args.broker.empty()) {
    auto cfg = connectors::make_broker_config(args.broker, args.client_id, args.mqtt_config, connectors::mqtt_environment());
    if (auto* err = std::get_if<connectors::BrokerConfigError>(&cfg)) {
      std::fprintf(stderr, "gatesim: %s\n", err->message().c_str());
      return 2;
    }
    connectors::FieldPublisherOptions po;
    po.broker = std::get<connectors::BrokerConfig>(cfg);
    po.source = args.source;
    po.partner_signer = partner_signer;
    po.publish_wait = std::chrono::milliseconds(10000);
    publisher = std::make_unique<connectors::FieldPublisher>(core.sites(), po, [](const std::string& line) {
      std::fprintf(stderr, "gatesim: %s\n", line.c_str());
    });
    if (!publisher->start(std::chrono::seconds(10))) {
      std::fprintf(stderr, "gatesim: no connection to %s within 10 s (is the broker running?)\n", args.broker.c_str());
      return 4;
    }
  }
  // --closed-loop: the twin's stream on a connection of its own, heard before anything is published.
  std::unique_ptr<connectors::TwinStreamReader> reader;
  if (args.closed_loop) {
    auto cfg = connectors::make_broker_config(args.broker, args.client_id + "-loop", args.mqtt_config, connectors::mqtt_environment());
    if (auto* err = std::get_if<connectors::BrokerConfigError>(&cfg)) {
      std::fprintf(stderr, "gatesim: %s\n", err->message().c_str());
      return 2;
    }
    connectors::TwinStreamReaderOptions ro;
    ro.broker = std::get<connectors::BrokerConfig>(cfg);
    reader = std::make_unique<connectors::TwinStreamReader>(ro, [](const std::string& line) {
      std::fprintf(stderr, "gatesim: %s\n", line.c_str());
    });
    reader->start();
    if (auto why = reader->wait_for_twin(std::chrono::seconds(10))) {
      std::fprintf(stderr, "gatesim: --closed-loop: %s\n", why->message().c_str());
      return 5;
    }
    std::signal(SIGINT, [](int) { g_stop = true; });
    std::signal(SIGTERM, [](int) { g_stop = true; });
    std::fprintf(stderr, "gatesim: closed loop with the twin on %s (stream as %s)\n", args.broker.c_str(), ro.broker.client_id.c_str());
  }
  // --guide-protocol vda5050: the guide vehicles report as VDA 5050 vehicles (docs/vda5050.md).
  std::unique_ptr<connectors::vda5050::SimFleet> fleet;
  if (args.guide_protocol == "vda5050") {
    VdaFleetStart started = start_vda_fleet(args, core);
    if (!started.fleet) return started.exit_code;
    fleet = std::move(started.fleet);
  }
  uint64_t last_vda_seq = 0;
  // With the guide vehicles on VDA 5050 their steps leave gatesim's own series: the private
  // messages are numbered 1, 2, 3... without them (a gap would hold the twin's sequencer
  // for --gap-wait-ms at each step). A resend keeps its number.
  uint64_t private_count = 0, private_last_event = 0;
  auto private_seq = [&](const twin::Event& e) -> uint64_t {
    if (!fleet) return e.seq;
    if (e.seq != private_last_event) {
      ++private_count;
      private_last_event = e.seq;
    }
    return private_count;
  };
  const auto pace_start = std::chrono::steady_clock::now();
  // With --speed, waits until the wall time an event is due at: simulated time at
  // --fast-speed before --fast-until, at --speed from there.
  auto wait_until_due = [&](const twin::Event& e) {
    if (args.speed <= 0) return;
    const double fast = static_cast<double>(std::min(e.time_ms, args.fast_until_ms)) / args.fast_speed;
    const double paced = static_cast<double>(std::max<int64_t>(0, e.time_ms - args.fast_until_ms)) / args.speed;
    std::this_thread::sleep_until(pace_start + std::chrono::microseconds(static_cast<int64_t>((fast + paced) * 1000.0)));
  };
  bool told_fast = false;
  auto publish = [&](const twin::Event& e) {
    if (publish_failed) return;
    if (args.speed > 0 && args.fast_until_ms > 0 && e.time_ms >= args.fast_until_ms && !told_fast) {
      told_fast = true;
      std::fprintf(stderr, "gatesim: fast-forwarded to %s (%llu messages); now at x%g\n", twin::clock_text(args.fast_until_ms).c_str(),
                   static_cast<unsigned long long>(published), args.speed);
    }
    wait_until_due(e);
    for (int tries = 0;; ++tries) {
      connectors::PublishStatus st = publisher->publish(e, private_seq(e));
      if (st == connectors::PublishStatus::Ok) break;
      if (st == connectors::PublishStatus::Busy) {  // the broker is away; the client reconnects
        std::fprintf(stderr, "gatesim: still waiting for the broker to take message %llu\n", static_cast<unsigned long long>(e.seq));
        continue;
      }
      std::fprintf(stderr, "gatesim: publishing message %llu failed (%s); stopping publication\n",
                   static_cast<unsigned long long>(e.seq), connectors::to_string(st));
      publish_failed = true;
      return;
    }
    ++published;
  };

  // --record: a session whose notes say how to rebuild this simulator (docs/replay.md).
  std::unique_ptr<sessions::SessionWriter> recording;
  if (!args.record_path.empty()) {
    sessions::SimConfig rc;
    rc.seed = args.seed;
    rc.site = args.site;
    rc.load = args.load;
    rc.lanes = args.lanes;
    rc.unmanned = args.unmanned;
    auto w = sessions::SessionWriter::open_sim(args.record_path, rc, sites);
    if (auto* e = std::get_if<connectors::Failure>(&w)) {
      std::fprintf(stderr, "gatesim: %s\n", e->message().c_str());
      return 1;
    }
    recording = std::move(std::get<std::unique_ptr<sessions::SessionWriter>>(w));
  }

  std::vector<std::string> violations;
  twin::AfterEvent after;
  if (trace.is_open() || args.check || publisher || recording)
    after = [&](const twin::Event& e, const twin::Decisions& d) {
      if (recording) recording->append(e, d, core);
      if (publisher && !reader) publish(e);  // the closed loop publishes before it folds
      if (trace.is_open()) trace << twin::trace_line(e, d, core.sites()) << '\n';
      if (args.check && violations.empty()) {
        violations = core.check_invariants();
        for (auto& v : violations) v = "after event " + std::to_string(e.seq) + ": " + v;
      }
    };

  const twin::SimTime end = static_cast<twin::SimTime>(args.hours * twin::kHour);
  const bool bar = args.progress && isatty(STDERR_FILENO) && args.hours >= 12;
  const auto wall_start = std::chrono::steady_clock::now();
  uint64_t events = 0;
  sessions::ClosedLoopResult loop;
  if (reader) {
    LoopPort port;
    port.reader = reader.get();
    port.send = [&](const twin::Event& e) {
      const auto* g = std::get_if<twin::GuideVehicleStepCompleted>(&e.body);
      if (!fleet || !g) {
        publish(e);
        return !publish_failed;
      }
      if (e.seq == last_vda_seq) return true;  // the loop's resend: the state went at QoS 1 already
      wait_until_due(e);  // as every other event (it ignored --fast-until before)
      const twin::GuidePhase phase = core.state().sites[e.site].fleet[g->vehicle].phase;
      if (auto why = fleet->step(e.site, g->vehicle, phase, e.time_ms, std::chrono::seconds(10))) {
        std::fprintf(stderr, "gatesim: --guide-protocol vda5050: %s\n", why->c_str());
        return false;
      }
      last_vda_seq = e.seq;
      return true;
    };
    sessions::ClosedLoopOptions lo;
    lo.stop = &g_stop;
    loop = sessions::run_closed_loop(core, sim, end, port, lo, after);
    events = loop.own + loop.foreign;
    reader->stop();
    if (fleet) {
      std::fprintf(stderr, "gatesim: %llu VDA 5050 states published\n", static_cast<unsigned long long>(fleet->states_published()));
      fleet->stop();
    }
  } else {
    for (twin::SimTime t = 0; t < end;) {
      t = std::min(end, t + twin::kHour);
      events += twin::run_until(core, sim, t, after);
      if (bar) progress_bar(static_cast<double>(t) / end);
    }
  }
  if (bar) std::fprintf(stderr, "\r%60s\r", "");
  if (publisher) {
    if (!publisher->finish(std::chrono::seconds(60))) {
      std::fprintf(stderr, "gatesim: the broker did not acknowledge every message within 60 s\n");
      publish_failed = true;
    }
    std::fprintf(stderr, "gatesim: published %llu messages to %s as source \"%s\" (seq 1..%llu)\n",
                 static_cast<unsigned long long>(published), args.broker.c_str(), args.source.c_str(),
                 static_cast<unsigned long long>(published - loop.resent));  // a resend repeats a seq
  }
  if (recording) {
    recording->snapshot(core, end);
    if (auto why = recording->close()) {
      std::fprintf(stderr, "gatesim: the recording is incomplete: %s\n", why->message().c_str());
      return 1;
    }
    std::fprintf(stderr, "gatesim: recorded %llu events as session %lld in %s\n", static_cast<unsigned long long>(recording->events()),
                 static_cast<long long>(recording->session()), args.record_path.c_str());
  }
  const double wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  int loop_code = 0;
  nlohmann::json loop_json;
  if (reader) {
    const double mean_ms = loop.own ? loop.round_trip_ms_total / loop.own : 0;
    const double sim_hours = static_cast<double>(core.state().now_ms) / twin::kHour;  // reached (a stop ends early)
    const double per_hour = sim_hours > 0 ? wall_s / sim_hours : 0;
    loop_json = {{"end", sessions::to_string(loop.end)}, {"own", loop.own}, {"foreign", loop.foreign}, {"resent", loop.resent},
                 {"round_trip_ms_mean", mean_ms}, {"round_trip_ms_max", loop.round_trip_ms_max},
                 {"wall_s_per_simulated_hour", per_hour}};
    std::fprintf(stderr, "gatesim: closed loop %s: folded %llu own and %llu foreign events; round trip %.2f ms mean, %.1f ms max; %.1f s per simulated hour\n",
                 sessions::to_string(loop.end), static_cast<unsigned long long>(loop.own), static_cast<unsigned long long>(loop.foreign),
                 mean_ms, loop.round_trip_ms_max, per_hour);
    if (loop.end == sessions::ClosedLoopEnd::Stopped) {
      std::fprintf(stderr, "gatesim: stopped by a signal; the results are as of the last folded event\n");
    } else if (loop.end != sessions::ClosedLoopEnd::Done) {
      std::fprintf(stderr, "gatesim: --closed-loop: %s\n", loop.message.c_str());
      loop_code = loop.end == sessions::ClosedLoopEnd::PublishFailed ? 4 : 5;
    }
  }
  const std::string hash = connectors::hash_hex(core.state_hash());

  if (args.json) {
    nlohmann::json j;
    j["seed"] = args.seed;
    j["load"] = args.load;
    j["hours"] = args.hours;
    j["events"] = events;
    j["state_hash"] = hash;
    j["wall_s"] = wall_s;
    if (publisher) {
      j["published"] = published;
      j["source"] = args.source;
      j["broker"] = args.broker;
    }
    if (reader) j["closed_loop"] = loop_json;
    if (fleet) j["vda5050_states"] = fleet->states_published();
    j["sites"] = nlohmann::json::array();
    for (size_t i = 0; i < sites.size(); ++i) j["sites"].push_back(connectors::kpis_to_json(twin::compute_kpis(core, i, end)));
    if (!violations.empty()) j["invariant_violations"] = violations;
    std::cout << j.dump(2) << std::endl;
  } else if (args.csv) {
    std::cout << "seed," << connectors::kpis_csv_header() << ",state_hash\n";
    for (size_t i = 0; i < sites.size(); ++i)
      std::cout << args.seed << ',' << connectors::kpis_to_csv_row(twin::compute_kpis(core, i, end)) << ',' << hash << '\n';
  } else {
    std::printf("gatesim  seed %llu  load %s  %.1f simulated hours  %llu events in %.2f s\n\n",
                static_cast<unsigned long long>(args.seed), args.load.c_str(), args.hours,
                static_cast<unsigned long long>(events), wall_s);
    for (size_t i = 0; i < sites.size(); ++i)
      std::printf("%s\n", connectors::kpis_to_text(twin::compute_kpis(core, i, end), sites[i].name).c_str());
    std::printf("state hash %s\n", hash.c_str());
  }
  for (const auto& v : violations) std::fprintf(stderr, "gatesim: invariant violated %s\n", v.c_str());
  if (!violations.empty()) return 3;
  if (loop_code) return loop_code;
  return publish_failed ? 4 : 0;
}
