// Headless replay, fork, export and scenario runs. See replay_cli.h. Sections: helpers,
// replay, fork, scenario.
#include "sessions/replay_cli.h"

#include <algorithm>

#include "twin/clock_text.h"

#include "sessions/console_script.h"
#include "sessions/fork_run.h"
#include "sessions/score_table.h"
#include "sessions/kpi_export.h"
#include "sessions/replay.h"
#include "sessions/scenario_session.h"
#include "sessions/session_compare.h"
#include "sessions/session_writer.h"

#include "connectors/codec/kpi_json.h"
#include "connectors/files/scenario_file.h"
#include "connectors/files/site_file.h"
#include "twin/kpi.h"
#include "twin/scenario_run.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>

namespace sessions {

// [SECTION] helpers ----------------------------------------------------------------------

static connectors::Status write_text(const std::string& path, const std::string& text) {
  std::ofstream out(path);
  if (!out) return connectors::Failure{"cannot write " + path};
  out << text;
  out.close();
  if (out) return std::nullopt;
  return connectors::Failure{"writing " + path + " failed"};
}

connectors::Status seek_text(Replay& replay, const std::string& where) {
  if (where.empty()) {
    replay.seek_index(replay.event_count());
    return std::nullopt;
  }
  if (where.rfind("seq:", 0) == 0) {
    char* end = nullptr;
    const unsigned long long seq = std::strtoull(where.c_str() + 4, &end, 10);
    if (!end || *end || end == where.c_str() + 4) return "\"" + where + "\" is not seq:N";
    replay.seek_seq(seq);
    return std::nullopt;
  }
  auto t = twin::parse_clock(where);
  if (!t) return "\"" + where + "\" is not HH:MM:SS or seq:N";
  if (*t > replay.end_ms())
    return "the recording ends at " + twin::clock_text(replay.end_ms()) + (replay.damaged() ? " (its last good moment)" : "") +
           ", before " + where;
  replay.seek_time(*t);
  return std::nullopt;
}

std::string replay_stats_json(const Replay& replay) {
  nlohmann::json j;
  j["file"] = replay.path();
  j["session"] = replay.session().id;
  j["source"] = connectors::to_string(replay.session().info.source);
  j["seq"] = replay.seq();
  j["time"] = twin::clock_text(replay.time_ms());
  j["time_ms"] = replay.time_ms();
  if (replay.epoch_utc_ms()) j["gate_time"] = replay.time_text(replay.time_ms());  // a live recording
  j["position"] = replay.position();
  j["events"] = replay.event_count();
  j["state_hash"] = connectors::hash_hex(replay.core().state_hash());
  j["snapshots_checked"] = replay.snapshot_check().checked;
  j["snapshots_mismatched"] = replay.snapshot_check().mismatched;
  if (replay.damaged()) j["warning"] = replay.warning();
  j["sites"] = nlohmann::json::array();
  const twin::SimTime span = std::max<twin::SimTime>(replay.time_ms(), twin::kMinute);
  for (size_t i = 0; i < replay.sites().size(); ++i) j["sites"].push_back(connectors::kpis_to_json(twin::compute_kpis(replay.core(), i, span)));
  return j.dump(2) + "\n";
}

connectors::Result<twin::OperatorCommand> make_command(const ForkCommandArg& c, const std::vector<twin::SiteSpec>& sites, uint8_t& site) {
  size_t s = 0;
  while (s < sites.size() && sites[s].id != c.site) ++s;
  if (s == sites.size()) return "--command: no site \"" + c.site + "\" in this recording";
  site = static_cast<uint8_t>(s);
  twin::OperatorCommand oc;
  oc.actor = "trainee";
  oc.role = twin::Role::Supervisor;
  oc.reason = "fork";
  oc.command.kind = c.kind;
  auto index_of = [&](const auto& list) -> std::optional<uint16_t> {
    for (size_t i = 0; i < list.size(); ++i)
      if (list[i].id == c.target) return static_cast<uint16_t>(i);
    char* end = nullptr;
    const long n = std::strtol(c.target.c_str(), &end, 10);
    if (end && !*end && !c.target.empty() && n >= 0 && static_cast<size_t>(n) < list.size()) return static_cast<uint16_t>(n);
    return std::nullopt;
  };
  using K = twin::CommandKind;
  switch (c.kind) {
    case K::OpenLane: case K::CloseLane: case K::ReverseLane: case K::ReserveLaneForUnmanned: case K::UnreserveLane: {
      auto l = index_of(sites[s].lanes);
      if (!l) return "--command: no lane \"" + c.target + "\" at " + c.site;
      oc.command.lane = *l;
      break;
    }
    case K::HoldVehicle: case K::ReleaseVehicle: case K::ForceInspection:
      oc.command.shipment = twin::ShipmentId{static_cast<uint32_t>(std::strtoul(c.target.c_str(), nullptr, 10))};
      break;
    case K::PrioritiseGoods: {
      auto g = index_of(sites[s].goods);
      if (!g) return "--command: no goods class \"" + c.target + "\" at " + c.site;
      oc.command.goods = *g;
      break;
    }
    case K::RerouteVehicle: {  // TARGET is SHIPMENT@LANE, e.g. 41@E2
      const size_t at = c.target.find('@');
      if (at == std::string::npos) return "--command: reroute_vehicle takes SHIPMENT@LANE (e.g. 41@E2), found \"" + c.target + "\"";
      char* end = nullptr;
      const std::string ship = c.target.substr(0, at), lane = c.target.substr(at + 1);
      const unsigned long n = std::strtoul(ship.c_str(), &end, 10);
      if (ship.empty() || !end || *end || n == 0 || n > 4294967295ul) return "--command: \"" + ship + "\" is not a shipment number";
      for (size_t i = 0; i < sites[s].lanes.size(); ++i)
        if (sites[s].lanes[i].id == lane) oc.command.lane = static_cast<uint16_t>(i);
      if (std::none_of(sites[s].lanes.begin(), sites[s].lanes.end(), [&](const auto& l) { return l.id == lane; }))
        return "--command: no lane \"" + lane + "\" at " + c.site;
      oc.command.shipment = twin::ShipmentId{static_cast<uint32_t>(n)};
      break;
    }
    case K::ClearPriority: case K::CloseCrossing: case K::ReopenCrossing: break;
    default: return std::string("--command: ") + twin::to_string(c.kind) + " is not supported on the command line";
  }
  return oc;
}

// [SECTION] fork -------------------------------------------------------------------------

static int run_fork(const ReplayArgs& a, Replay& replay) {
  if (auto why = seek_text(replay, a.fork_at)) {
    std::fprintf(stderr, "gatetwin: --fork-at: %s\n", why->message().c_str());
    return 2;
  }
  twin::SimTime until = replay.end_ms();
  if (auto cfg = replay.sim_config(); cfg && cfg->kind == SimConfig::Kind::Scenario)
    until = twin::kForever;  // a scenario's fork runs to the scenario's end
  if (!a.fork_until.empty()) {
    auto t = twin::parse_clock(a.fork_until);
    if (!t || *t <= replay.time_ms()) {
      std::fprintf(stderr, "gatetwin: --fork-until takes HH:MM:SS after the fork moment %s\n", twin::clock_text(replay.time_ms()).c_str());
      return 2;
    }
    until = *t;
  }
  std::vector<std::pair<ForkCommandArg, std::pair<uint8_t, twin::OperatorCommand>>> commands;
  for (const auto& c : a.fork_commands) {
    uint8_t site = 0;
    auto oc = make_command(c, replay.sites(), site);
    if (auto* e = std::get_if<connectors::Failure>(&oc)) {
      std::fprintf(stderr, "gatetwin: %s\n", e->message().c_str());
      return 2;
    }
    if (c.at_ms < replay.time_ms()) {
      std::fprintf(stderr, "gatetwin: --command at %s is before the fork moment %s\n", twin::clock_text(c.at_ms).c_str(), twin::clock_text(replay.time_ms()).c_str());
      return 2;
    }
    commands.push_back({c, {site, std::get<twin::OperatorCommand>(oc)}});
  }
  std::stable_sort(commands.begin(), commands.end(), [](const auto& x, const auto& y) { return x.first.at_ms < y.first.at_ms; });
  ForkOptions fo;
  fo.record_path = a.fork_record_path();
  fo.sites_dir = a.sites_dir;
  fo.live_load = a.live_load;
  auto started = ForkRun::start(replay, fo);
  if (auto* e = std::get_if<connectors::Failure>(&started)) {
    std::fprintf(stderr, "gatetwin: %s\n", e->message().c_str());
    return 1;
  }
  auto& fork = *std::get<std::unique_ptr<ForkRun>>(started);
  std::printf("fork of session %lld at seq %llu (%s): %s\n", static_cast<long long>(fork.parent_session()),
              static_cast<unsigned long long>(fork.fork_seq()), twin::clock_text(fork.fork_ms()).c_str(), fork.how().c_str());
  uint64_t events = 0;
  for (const auto& [arg, cmd] : commands) {
    events += fork.advance_to(arg.at_ms);
    fork.command(cmd.first, cmd.second);
    std::printf("  %s %s %s %s\n", twin::clock_text(arg.at_ms).c_str(), arg.site.c_str(), twin::to_string(arg.kind), arg.target.c_str());
  }
  events += fork.advance_to(until);
  const int64_t fork_session = fork.recorded_session();
  if (auto why = fork.close()) {
    std::fprintf(stderr, "gatetwin: the fork's recording is incomplete: %s\n", why->message().c_str());
    return 1;
  }
  std::printf("fork ran %llu events to %s%s\n", static_cast<unsigned long long>(events), twin::clock_text(fork.now()).c_str(),
              fork_session ? (", recorded as session " + std::to_string(fork_session) + " in " + a.fork_record_path()).c_str() : "");
  // The original at the same moment (or as it stands at its end).
  replay.seek_time(std::min(fork.now(), replay.end_ms()));
  if (fork.now() > replay.end_ms())
    std::printf("note: the original ends at %s; it is compared as it stands there\n", twin::clock_text(replay.end_ms()).c_str());
  SessionCompare cmp(replay.core(), fork.core(), fork.now(), "original session " + std::to_string(replay.session().id),
                     fork_session ? "fork session " + std::to_string(fork_session) : "fork");
  std::printf("%s", cmp.text().c_str());
  // A scenario's fork is scored like a session: against the scenario with no intervention.
  std::optional<twin::ScenarioScore> score;
  if (fork.scenario()) {
    const twin::ScenarioKpis base = twin::baseline_kpis(fork.core().sites(), *fork.scenario(), fork.now());
    score = twin::score_session(twin::scenario_kpis(fork.core(), fork.now()), base, fork.scenario()->focus);
    std::printf("fork score %.1f  %s\n", score->score, score->verdict.c_str());
  }
  if (!a.compare_path.empty()) {
    nlohmann::json j = cmp.json();
    j["fork"] = {{"parent_session", fork.parent_session()}, {"fork_seq", fork.fork_seq()}, {"fork_at", twin::clock_text(fork.fork_ms())},
                 {"exact", fork.exact()}, {"how", fork.how()}, {"recorded_session", fork_session}, {"events", events}};
    j["original_at"] = twin::clock_text(replay.time_ms());
    if (score) j["fork"]["score"] = {{"score", score->score}, {"verdict", score->verdict}};
    if (auto why = write_text(a.compare_path, j.dump(2) + "\n")) {
      std::fprintf(stderr, "gatetwin: %s\n", why->message().c_str());
      return 1;
    }
  }
  return 0;
}

// [SECTION] replay -----------------------------------------------------------------------

int run_replay_cli(const ReplayArgs& a, ReplayView* view) {
  if ((!a.screenshot_path.empty() || !a.frames_dir.empty()) && !view) {
    std::fprintf(stderr, "gatetwin: this build has no renderer (GATETWIN_ENGINE=OFF): --screenshot and --frames need it\n");
    return 2;
  }
  ReplayOptions ro;
  ro.sites_dir = a.sites_dir;
  const auto t0 = std::chrono::steady_clock::now();
  auto opened = Replay::open(a.replay_path, a.session, ro);
  if (auto* e = std::get_if<connectors::Failure>(&opened)) {
    std::fprintf(stderr, "gatetwin: %s\n", e->message().c_str());
    return 1;
  }
  Replay& replay = *std::get<std::unique_ptr<Replay>>(opened);
  const double load_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (replay.damaged()) std::fprintf(stderr, "gatetwin: warning: %s\n", replay.warning().c_str());
  std::fprintf(stderr, "gatetwin: session %lld (%s), %zu events %s-%s, loaded in %.2f s; snapshots checked %zu, mismatched %zu%s%s\n",
               static_cast<long long>(replay.session().id), connectors::to_string(replay.session().info.source), replay.event_count(),
               twin::clock_text(replay.start_ms()).c_str(), twin::clock_text(replay.end_ms()).c_str(), load_s, replay.snapshot_check().checked,
               replay.snapshot_check().mismatched, replay.snapshot_check().mismatched ? ": " : "",
               replay.snapshot_check().first_mismatch.c_str());
  if (a.list) {
    for (const auto& s : replay.sessions())
      std::printf("session %lld  %-6s %s  sites %s  seed %llu  %llu events  %s .. %s%s\n", static_cast<long long>(s.id),
                  connectors::to_string(s.info.source), SimConfig::from_notes(s.info.notes) ? "seeded" : "live  ", s.info.sites.c_str(),
                  static_cast<unsigned long long>(s.info.seed), static_cast<unsigned long long>(s.events), s.started_utc.c_str(),
                  s.ended_utc.empty() ? "(not closed)" : s.ended_utc.c_str(),
                  s.info.parent_session ? ("  fork of " + std::to_string(*s.info.parent_session) + " after seq " +
                                           std::to_string(s.info.fork_seq.value_or(0))).c_str() : "");
    return 0;
  }
  if (a.bookmarks) {
    for (const auto& b : replay.bookmarks())
      std::printf("%s  seq %-8llu %-7s %s\n", twin::clock_text(b.time_ms).c_str(), static_cast<unsigned long long>(b.seq), to_string(b.kind), b.text.c_str());
    return 0;
  }
  if (!a.fork_at.empty()) return run_fork(a, replay);

  int code = 0;
  if (!a.export_csv.empty() || !a.export_plots.empty()) {
    KpiExport ex(replay, static_cast<twin::SimTime>(a.export_every_min * twin::kMinute));
    if (!a.export_csv.empty()) {
      if (auto why = ex.write_csv(a.export_csv)) { std::fprintf(stderr, "gatetwin: %s\n", why->message().c_str()); code = 1; }
      else std::fprintf(stderr, "gatetwin: KPIs every %.0f min (%zu samples) written to %s\n", ex.every_ms() / 60000.0, ex.samples().size(), a.export_csv.c_str());
    }
    if (!a.export_plots.empty()) {
      std::vector<std::string> files;
      if (auto why = ex.write_plots(a.export_plots, &files)) { std::fprintf(stderr, "gatetwin: %s\n", why->message().c_str()); code = 1; }
      for (const auto& f : files) std::fprintf(stderr, "gatetwin: plot written to %s\n", f.c_str());
    }
  }
  if (!a.frames_dir.empty()) {
    auto from = twin::parse_clock(a.frames_from), to = twin::parse_clock(a.frames_to);
    if (!from || !to || *to < *from) {
      std::fprintf(stderr, "gatetwin: --from and --to take HH:MM:SS, --to not before --from\n");
      return 2;
    }
    std::error_code ec;
    std::filesystem::create_directories(a.frames_dir, ec);
    replay.seek_time(*from);
    const twin::SimTime step = static_cast<twin::SimTime>(a.frame_every_s * 1000);
    int n = 0;
    for (twin::SimTime t = *from; t <= *to && t <= replay.end_ms(); t += step, ++n) {
      // Forward by play so the alert log sees the decisions of the window.
      twin::Decisions recent;
      replay.set_playing(true);
      replay.set_speed(1000);
      while (replay.time_ms() < t) {
        const double wall = std::min(1.0, static_cast<double>(t - replay.time_ms()) / 1000.0 / replay.speed());
        replay.play(wall);
        recent.insert(recent.end(), replay.recent_decisions().begin(), replay.recent_decisions().end());
        if (!replay.playing()) break;
      }
      char name[64];
      std::snprintf(name, sizeof name, "frame-%04d.png", n);
      const std::string path = (std::filesystem::path(a.frames_dir) / name).string();
      // The first frame shows the alerts that led to it; later ones add the window's.
      if (auto why = view->render(replay.core(), recent, replay.time_ms(), path, n == 0 ? &replay.events() : nullptr)) {
        std::fprintf(stderr, "gatetwin: %s\n", why->message().c_str());
        return 1;
      }
    }
    std::fprintf(stderr, "gatetwin: %d frames %s-%s written to %s\n", n, a.frames_from.c_str(), a.frames_to.c_str(), a.frames_dir.c_str());
  }
  if (auto why = seek_text(replay, a.seek)) {
    std::fprintf(stderr, "gatetwin: --seek: %s\n", why->message().c_str());
    return 2;
  }
  std::printf("at %s%s (seq %llu, %zu of %zu events): state hash %s\n", twin::clock_text(replay.time_ms()).c_str(),
              replay.epoch_utc_ms() ? (", " + replay.time_text(replay.time_ms())).c_str() : "",
              static_cast<unsigned long long>(replay.seq()), replay.position(), replay.event_count(),
              connectors::hash_hex(replay.core().state_hash()).c_str());
  if (!a.add_bookmark.empty()) {
    if (auto why = replay.add_bookmark(a.add_bookmark)) {
      std::fprintf(stderr, "gatetwin: %s\n", why->message().c_str());
      return 1;
    }
    std::printf("bookmark \"%s\" stored at %s (seq %llu) in %s\n", a.add_bookmark.c_str(), twin::clock_text(replay.time_ms()).c_str(),
                static_cast<unsigned long long>(replay.seq()), replay.path().c_str());
  }
  if (!a.stats_path.empty()) {
    if (auto why = write_text(a.stats_path, replay_stats_json(replay))) {
      std::fprintf(stderr, "gatetwin: %s\n", why->message().c_str());
      return 1;
    }
  }
  if (!a.screenshot_path.empty()) {
    if (auto why = view->render(replay.core(), {}, replay.time_ms(), a.screenshot_path, &replay.events())) {
      std::fprintf(stderr, "gatetwin: %s\n", why->message().c_str());
      return 1;
    }
    std::fprintf(stderr, "gatetwin: screenshot at %s written to %s\n", twin::clock_text(replay.time_ms()).c_str(), a.screenshot_path.c_str());
  }
  return code;
}

// [SECTION] scenario ---------------------------------------------------------------------

int run_scenario_cli(const ReplayArgs& a) {
  int code = 0;
  auto loaded = load_scenario_session(a, code);
  if (auto* f = std::get_if<connectors::Failure>(&loaded)) {
    std::fprintf(stderr, "gatetwin: %s\n", f->message().c_str());
    return code;
  }
  ScenarioSession& ss = std::get<ScenarioSession>(loaded);
  const twin::Scenario& sc = ss.loaded.scenario;
  const twin::ScenarioMode mode = a.with_model_answer ? twin::ScenarioMode::ModelAnswer : twin::ScenarioMode::Session;
  twin::ScenarioRun run(ss.loaded.sites, sc, mode);
  auto opened = open_scenario_recording(a, ss);
  if (auto* f = std::get_if<connectors::Failure>(&opened)) {
    std::fprintf(stderr, "gatetwin: %s\n", f->message().c_str());
    return 1;
  }
  std::unique_ptr<SessionWriter> writer = std::move(std::get<std::unique_ptr<SessionWriter>>(opened));
  const twin::SimTime until = a.run_for_s > 0 ? std::min(sc.end_ms, static_cast<twin::SimTime>(a.run_for_s * 1000)) : sc.end_ms;
  const auto t0 = std::chrono::steady_clock::now();
  const twin::AfterEvent record = writer ? twin::AfterEvent([&](const twin::Event& e, const twin::Decisions& d) { writer->append(e, d, run.core()); })
                                         : twin::AfterEvent{};
  // The trainee's commands (--console-script, --command): the run advanced to each one's
  // time and the command given there, as the window does when its script types it.
  for (size_t i = 0; i < ss.script.size() && ss.script[i].at_ms < until; ++i) {
    run.advance_to(ss.script[i].at_ms, record);
    run.command(ss.commands[i].first, ss.commands[i].second);
  }
  run.advance_to(until, record);
  const twin::ScenarioScore score = twin::score_against_baseline(run);
  const double wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (writer) {
    writer->snapshot(run.core(), run.now());
    if (auto why = writer->close()) {
      std::fprintf(stderr, "gatetwin: the recording is incomplete: %s\n", why->message().c_str());
      return 1;
    }
  }
  const std::string hash = connectors::hash_hex(run.core().state_hash());
  std::printf("gatetwin  scenario %s  \"%s\"  %s  00:00-%s  %llu events in %.2f s\n", sc.id.c_str(), sc.title.c_str(),
              a.with_model_answer ? "model answer" : "as given", twin::clock_text(run.now()).c_str(),
              static_cast<unsigned long long>(run.events()), wall_s);
  if (!ss.script.empty()) std::printf("trainee commands %zu (accepted %lld, refused %lld)\n", ss.script.size(),
                                      static_cast<long long>(score.session.commands_accepted), static_cast<long long>(score.session.commands_refused));
  std::printf("%s", score_table_text(score).c_str());
  std::printf("score %.1f  %s\nstate hash %s\n", score.score, score.verdict.c_str(), hash.c_str());
  if (writer) std::printf("recorded as session %lld in %s\n", static_cast<long long>(writer->session()), a.record_path.c_str());
  if (!a.score_path.empty()) {
    if (auto why = write_text(a.score_path, scenario_score_json(a, run, score, writer.get()))) {
      std::fprintf(stderr, "gatetwin: %s\n", why->message().c_str());
      return 1;
    }
  }
  return 0;
}

}  // namespace sessions
