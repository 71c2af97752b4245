// The one set-up and run loop of a twin. See twin_setup.h.
#include "runner/twin_setup.h"

#include "connectors/accounts/accounts.h"

#include "runner/headless_loop.h"  // TwinLoopHooks

#include "connectors/codec/log_text.h"
#include "connectors/files/site_file.h"
#include "sessions/live_notes.h"
#include "twin/site_plan.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <fstream>

namespace runner {

namespace {

std::atomic<bool> g_stop{false};
extern "C" void on_stop_signal(int) { g_stop = true; }

}  // namespace

connectors::TwinLinkOptions link_options(const TwinArgs& args, const TwinSetup& setup, TwinRole role) {
  connectors::TwinLinkOptions lo;
  lo.broker = setup.field;
  lo.queue_capacity = args.queue_capacity;
  if (role == TwinRole::Follower) {
    lo.console_only = true;
    return lo;
  }
  lo.publish_decisions = args.publish_decisions;
  lo.time = {setup.epoch.utc_ms, args.max_ahead_ms, args.max_age_s * 1000};
  lo.require_account_topics = args.require_account_topics;
  lo.command_roles = setup.command_roles;
  return lo;
}

bool broker_unreachable(const TwinArgs& args, const connectors::TwinLink& link, int64_t now_ms, bool run_over) {
  if (args.run_for_s <= 0 || link.stats().client.connects > 0) return false;
  if (!run_over && now_ms < kBrokerDeadlineMs) return false;
  log_line("cannot reach the broker " + args.broker + " (" + std::to_string(now_ms / 1000) +
           " s without a connection; the log above says why); stopping: no data was mirrored");
  return true;
}

// No line goes out with a control character: a payload's text cannot start a forged line
// of its own. Lines escaped at their source (the link's) pass unchanged, not escaped twice.
void log_line(const std::string& line) {
  const bool raw = std::any_of(line.begin(), line.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; });
  std::fprintf(stderr, "gatetwin: %s\n", raw ? connectors::printable(line).c_str() : line.c_str());
}

void install_stop_signals() {
  std::signal(SIGINT, on_stop_signal);
  std::signal(SIGTERM, on_stop_signal);
}

bool stop_requested() { return g_stop; }

// An output file's folder must exist and be writable before the run starts: a bad path
// found only after a long run loses its result.
static std::optional<std::string> output_problem(const char* flag, const std::string& path) {
  if (path.empty()) return std::nullopt;
  namespace fs = std::filesystem;
  const fs::path dir = fs::path(path).has_parent_path() ? fs::path(path).parent_path() : fs::path(".");
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return std::string(flag) + " " + path + ": the folder " + dir.string() + " does not exist";
  if (::access(dir.c_str(), W_OK) != 0) return std::string(flag) + " " + path + ": this user may not write in " + dir.string();
  if (fs::is_directory(path, ec)) return std::string(flag) + " " + path + ": is a folder; give a file name";
  return std::nullopt;
}

std::variant<TwinSetup, SetupFailure> prepare_twin(const TwinArgs& args) {
  for (auto [flag, path] : {std::pair<const char*, const std::string*>{"--stats", &args.stats_path},
                            {"--screenshot", &args.screenshot_path},
                            {"--scene-json", &args.scene_json_path}})
    if (auto why = output_problem(flag, *path)) return SetupFailure{*why, 2};
  TwinSetup s;
  auto loaded = connectors::load_sites(args.site, args.sites_dir.empty() ? connectors::default_sites_dir() : args.sites_dir);
  if (auto* err = std::get_if<connectors::SiteFileError>(&loaded)) return SetupFailure{err->message(), 1};
  for (auto& site : std::get<std::vector<twin::SiteSpec>>(loaded)) {
    s.sites.push_back(twin::with_plan(site, args.lanes, args.unmanned));
    s.site_ids += (s.site_ids.empty() ? "" : ",") + site.id;
  }
  // A view names a loaded site, both or wall (a typo must not fall back silently).
  if (args.view != "both" && args.view != "wall" &&
      std::none_of(s.sites.begin(), s.sites.end(), [&](const twin::SiteSpec& site) { return site.id == args.view; }))
    return SetupFailure{"--view " + args.view + ": not a site of this twin (" + s.site_ids + "), both or wall", 2};
  const auto env = connectors::mqtt_environment();
  auto field = connectors::make_broker_config(args.broker, args.client_id, args.mqtt_config, env);
  if (auto* err = std::get_if<connectors::BrokerConfigError>(&field)) return SetupFailure{err->message(), 2};
  auto stream = connectors::make_broker_config(args.broker, args.client_id + "-stream", args.mqtt_config, env);
  if (auto* err = std::get_if<connectors::BrokerConfigError>(&stream)) return SetupFailure{err->message(), 2};
  if (!args.command_accounts_path.empty()) {
    auto a = connectors::Accounts::load(args.command_accounts_path);
    if (auto* e = std::get_if<connectors::AccountsError>(&a)) return SetupFailure{"--command-accounts: " + e->message(), 2};
    for (const auto& acc : std::get<connectors::Accounts>(a).accounts()) s.command_roles[acc.user] = acc.role;
    if (s.command_roles.empty()) return SetupFailure{"--command-accounts " + args.command_accounts_path + ": lists no account", 2};
  }
  if (!args.stream_key_path.empty()) {  // a primary signs with its private key; a follower pins the public one
    if (args.follow) {
      auto k = connectors::StreamVerifier::load(args.stream_key_path);
      if (auto* why = std::get_if<connectors::Failure>(&k)) return SetupFailure{"--stream-key (with --follow: the primary's public key): " + why->message(), 2};
      s.stream_verifier = std::get<std::shared_ptr<const connectors::StreamVerifier>>(k);
    } else {
      auto k = connectors::StreamSigner::load(args.stream_key_path);
      if (auto* why = std::get_if<connectors::Failure>(&k)) return SetupFailure{"--stream-key (the primary's private key): " + why->message(), 2};
      s.stream_signer = std::get<std::shared_ptr<const connectors::StreamSigner>>(k);
      if (args.standby) {  // it checks the primary's stream with the same key's public half
        auto v = connectors::StreamVerifier::load_from_private(args.stream_key_path);
        if (auto* why = std::get_if<connectors::Failure>(&v)) return SetupFailure{"--stream-key (with --standby: the primary's private key): " + why->message(), 2};
        s.stream_verifier = std::get<std::shared_ptr<const connectors::StreamVerifier>>(v);
      }
    }
  }
  s.field = std::get<connectors::BrokerConfig>(field);
  s.stream = std::get<connectors::BrokerConfig>(stream);
  const int64_t wall_utc_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  s.epoch = session_epoch(args, wall_utc_ms);
  if (!args.record_path.empty()) {
    std::shared_ptr<const connectors::AuditSigner> signer;
    if (!args.audit_key_path.empty()) {
      auto k = connectors::AuditSigner::load(args.audit_key_path);
      if (auto* why = std::get_if<connectors::Failure>(&k)) return SetupFailure{"--audit-key: " + why->message(), 2};
      signer = std::get<std::shared_ptr<const connectors::AuditSigner>>(k);
    }
    auto r = pipeline::RecordingLog::open(args.record_path, s.site_ids, sessions::live_session_notes(s.epoch.utc_ms, s.epoch.source),
                                          signer);
    if (auto* why = std::get_if<connectors::Failure>(&r)) return SetupFailure{"cannot record: " + why->message(), 1};
    s.recording = std::move(std::get<std::unique_ptr<pipeline::RecordingLog>>(r));
  }
  return s;
}

void run_frames(const TwinArgs& args, pipeline::FrameLoop& loop, TwinLoopHooks* hooks, const RunClock& clock,
                const std::function<bool(int64_t now_ms)>& every_second) {
  int64_t next_report_ms = 0;
  while (!g_stop) {
    const int64_t now_ms = clock.ms();
    if (args.run_for_s > 0 && now_ms >= static_cast<int64_t>(args.run_for_s * 1000)) break;
    if (!hooks) loop.run_frame(now_ms);
    else if (!hooks->frame(now_ms)) break;
    if (args.until_applied && loop.stats().applied >= args.until_applied) break;
    if (now_ms >= next_report_ms) {
      if (!every_second(now_ms)) break;
      next_report_ms = now_ms + 1000;
    }
  }
}

bool write_stats_file(const std::string& path, const nlohmann::json& stats) {
  if (path.empty()) return true;
  std::ofstream out(path);
  out << stats.dump(2) << '\n';
  if (out) return true;
  log_line("cannot write the stats to " + path);
  return false;
}

}  // namespace runner
