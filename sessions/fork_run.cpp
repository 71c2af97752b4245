// ForkRun: rebuilding the simulator at the fork moment, then running on. See fork_run.h.
#include "sessions/fork_run.h"

#include "twin/clock_text.h"

#include "connectors/codec/event_binary.h"
#include "connectors/codec/kpi_json.h"
#include "connectors/files/site_file.h"

#include <algorithm>
#include <climits>
#include <filesystem>

namespace sessions {

static bool same_event(const twin::Event& a, const twin::Event& b) {
  if (a.seq != b.seq || a.time_ms != b.time_ms || a.site != b.site || a.body.index() != b.body.index()) return false;
  std::vector<uint8_t> x, y;
  connectors::encode_event(a, x);
  connectors::encode_event(b, y);
  return x == y;
}

connectors::Result<std::unique_ptr<ForkRun>> ForkRun::start(const Replay& replay, ForkOptions options) {
  std::unique_ptr<ForkRun> f(new ForkRun());
  f->parent_ = replay.session().id;
  f->fork_seq_ = replay.seq();
  f->fork_ms_ = replay.time_ms();
  f->now_ms_ = f->fork_ms_;
  f->config_ = replay.sim_config();
  if (!options.record_path.empty()) {
    // The parent must be in the file the fork is written to: a new file starts as a copy
    // of the recording, so the original file is never written.
    std::error_code ec;
    if (!std::filesystem::exists(options.record_path, ec) && options.record_path != replay.path()) {
      if (replay.damaged()) return "a damaged recording is replayed read-only and is not copied: fork it without recording (--no-fork-record)";
      std::filesystem::copy_file(replay.path(), options.record_path, ec);
      if (ec) return "cannot copy " + replay.path() + " to " + options.record_path + ": " + ec.message();
    }
    connectors::SessionInfo info;
    info.sites = replay.session().info.sites;
    info.seed = replay.session().info.seed;
    info.source = connectors::SessionSource::Fork;
    info.parent_session = f->parent_;
    info.fork_seq = f->fork_seq_;
    if (f->config_) info.notes = f->config_->to_notes();
    auto w = SessionWriter::open(options.record_path, info);
    if (auto* e = std::get_if<connectors::Failure>(&w)) return "the fork cannot be recorded: " + e->message();
    f->writer_ = std::move(std::get<std::unique_ptr<SessionWriter>>(w));
  }
  connectors::Status why;
  if (f->config_) {
    const std::string sites_dir = options.sites_dir.empty() ? connectors::default_sites_dir() : options.sites_dir;
    auto w = make_sim_world(*f->config_, sites_dir);
    if (auto* e = std::get_if<connectors::Failure>(&w)) return e->message();
    f->world_ = std::get<SimWorld>(std::move(w));
    why = f->rebuild_exact(replay);
    if (!why) {
      f->exact_ = true;
      f->how_ = "simulator rebuilt from seed " + std::to_string(f->config_->seed) + ": " + std::to_string(replay.position()) +
                " events re-run and matched, state hash " + connectors::hash_hex(f->core_->state_hash()) + " equals the replay's";
    } else {
      // A recording that does not re-run (another build, an edited site file): go on as for live.
      f->writer_.reset();
      return "the fork could not rebuild the recorded simulator: " + why->message() +
             "; check the site and scenario files are those of the recording";
    }
  } else {
    why = f->start_live(replay, options);
    if (why) return *why;
  }
  if (f->world_.scenario) f->end_ms_ = f->world_.scenario->end_ms;
  return f;
}

ForkRun::~ForkRun() { close(); }

void ForkRun::fold(const twin::Event& e, const twin::AfterEvent& after) {
  decisions_.clear();
  core_->apply(e, decisions_);
  sim_->observe(decisions_);
  if (writer_) writer_->append(e, decisions_, *core_);
  if (after) after(e, decisions_);
}

connectors::Status ForkRun::rebuild_exact(const Replay& replay) {
  core_ = std::make_unique<twin::Core>(world_.sites);
  sim_ = make_simulator(world_, core_->sites(), *config_);
  const auto& events = replay.events();
  for (size_t i = 0; i < replay.position(); ++i) {
    const twin::Event& want = events[i];
    if (std::holds_alternative<twin::OperatorCommand>(want.body)) {
      // Scheduled commands (a model answer) are already pending; a trainee's was put in
      // when it was given: at its time, after everything before it was folded.
      twin::Simulator probe = *sim_;
      if (probe.next_time() == INT64_MAX || !same_event(probe.next(), want)) sim_->inject(want.time_ms, want.site, want.body);
    }
    if (sim_->next_time() == INT64_MAX) return "the simulator ran dry at seq " + std::to_string(want.seq);
    twin::Event got = sim_->next();
    if (!same_event(got, want))
      return "the re-run differs from the recording at seq " + std::to_string(want.seq) + " (" + twin::clock_text(want.time_ms) + ": recorded " +
             twin::event_name(want.body) + ", re-run " + std::to_string(got.seq) + " " + twin::event_name(got.body) + ")";
    fold(got, {});
  }
  if (core_->state_hash() != replay.core().state_hash()) return "the re-run's state hash differs from the replay's at the fork";
  return std::nullopt;
}

connectors::Status ForkRun::start_live(const Replay& replay, const ForkOptions& options) {
  world_.sites = replay.sites();
  world_.options.seed = replay.session().info.seed;
  world_.options.start_ms = fork_ms_;
  // New shipments get ids after every declared id the recording used, retired ones too.
  world_.options.first_shipment = twin::ShipmentId{twin::highest_declared_id(replay.core().state()).value + 1};
  for (const auto& s : world_.sites) {
    auto per_day = twin::load_per_day(s, options.live_load);
    if (!per_day) return "the fork's load \"" + options.live_load + "\" is not a load name (baseline, 2027, 2030, xN)";
    world_.options.vehicles_per_day.push_back(*per_day);
  }
  // The prefix is the recording's, folded afresh so the fork's session holds it with its decisions.
  core_ = std::make_unique<twin::Core>(world_.sites);
  sim_ = std::make_unique<twin::Simulator>(core_->sites(), world_.options);
  for (size_t i = 0; i < replay.position(); ++i) {
    decisions_.clear();
    core_->apply(replay.events()[i], decisions_);
    if (writer_) writer_->append(replay.events()[i], decisions_, *core_);
  }
  seq_offset_ = replay.seq();
  how_ = "live recording: the replayed state goes on with a fresh simulator from " + twin::clock_text(fork_ms_) + " (seed " +
         std::to_string(world_.options.seed) + ", load " + options.live_load +
         "); vehicles in service at the fork get no completion from it and stay where they are";
  return std::nullopt;
}

void ForkRun::command(uint8_t site, twin::OperatorCommand command) { sim_->inject(now_ms_, site, std::move(command)); }

uint64_t ForkRun::advance_to(twin::SimTime t, const twin::AfterEvent& after) {
  t = std::min(t, end_ms_);
  if (t <= now_ms_) return 0;
  const twin::SimTime last = t == end_ms_ ? t - 1 : t;  // a scenario covers [0, end)
  uint64_t n = 0;
  while (sim_->next_time() <= last) {
    twin::Event e = sim_->next();
    e.seq += seq_offset_;
    fold(e, after);
    ++n;
  }
  now_ms_ = t;
  return n;
}

connectors::Status ForkRun::close() {
  if (!writer_ || closed_) return std::nullopt;
  closed_ = true;
  writer_->snapshot(*core_, now_ms_);
  return writer_->close();
}

}  // namespace sessions
