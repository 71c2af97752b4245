// gatetwin --follow. See follow_loop.h.
#include "runner/follow_loop.h"

#include "pipeline/frame_loop.h"
#include "runner/recording_catch_up.h"
#include "pipeline/recording_log.h"
#include "runner/twin_setup.h"
#include "runner/twin_stats.h"

#include "connectors/codec/kpi_json.h"
#include "connectors/codec/utc_time.h"
#include "connectors/mqtt/broker_config.h"
#include "pipeline/sequencer.h"
#include "connectors/mqtt/twin_link.h"
#include "connectors/files/site_file.h"
#include "twin/core.h"

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <memory>
#include <thread>

using namespace pipeline;

namespace runner {

nlohmann::json follower_stats_json(const connectors::StreamFollowerStats& s) {
  return {{"batches", s.batches},
          {"rejected", s.rejected},
          {"from_stream", s.from_stream},
          {"already_applied", s.already_applied},
          {"overflow", s.overflow},
          {"gaps", s.gaps},
          {"catch_ups", s.catch_ups},
          {"caught_up_events", s.caught_up_events},
          {"catch_up_errors", s.catch_up_errors},
          {"catch_up_ms_total", s.catch_up_ms_total},
          {"applied_seq", s.applied_seq},
          {"head_seq", s.head_seq},
          {"stream", connectors::hash_hex(s.stream_id)},
          {"session", s.session},
          {"primary_status", s.primary_status},
          {"primary_changed", s.primary_changed},
          {"epoch", s.epoch},
          {"primary", s.primary},
          {"epoch_from", s.epoch_from},
          {"epoch_since_utc_ms", s.epoch_since_utc_ms},
          {"failovers", s.failovers},
          {"stale_epoch", s.stale_epoch},
          {"forged", s.forged},
          {"catch_up_refused", s.catch_up_refused},
          {"pending", s.pending},
          {"last_error", s.last_error},
          {"mqtt", {{"connects", s.client.connects},
                    {"connection_losses", s.client.connection_losses}, {"messages_in", s.client.messages_in}}}};
}

nlohmann::json stream_stats_json(const connectors::StreamPublisherStats& s) {
  return {{"stream", connectors::hash_hex(s.stream_id)},          {"appended", s.appended},
          {"dropped", s.dropped},                {"encode_failures", s.encode_failures},
          {"seq_breaks", s.seq_breaks},
          {"published_events", s.published_events}, {"published_batches", s.published_batches},
          {"publish_failures", s.publish_failures}, {"last_seq", s.last_seq},
          {"outbox", s.outbox},
          {"epoch", s.epoch},
          {"fenced", s.fenced},
          {"fenced_by", s.fenced_by},
          {"fenced_from", s.fenced_from},
          {"lease_waits", s.lease_waits},
          {"stale_dropped", s.stale_dropped},
          {"mqtt", {{"connects", s.client.connects}, {"connection_losses", s.client.connection_losses},
                    {"delivered", s.client.delivered}}}};
}

int run_follower(const TwinArgs& args, TwinLoopHooks* hooks) {
  auto prepared = prepare_twin(args);  // a follower may keep its own copy of the recording
  if (auto* f = std::get_if<SetupFailure>(&prepared)) {
    log_line(f->message);
    return f->exit_code;
  }
  TwinSetup& setup = std::get<TwinSetup>(prepared);
  const std::string& site_ids = setup.site_ids;
  std::unique_ptr<RecordingLog>& recording = setup.recording;

  twin::Core core(setup.sites);
  core.set_run_label("follower on " + args.broker + " as " + setup.field.client_id +
                     (args.catch_up_path.empty() ? std::string() : ", catching up from " + args.catch_up_path));
  connectors::TwinLink link(core.sites(), link_options(args, setup, TwinRole::Follower), log_line);
  pipeline::Sequencer sequencer;  // identity here: one source, "stream", in order from seq 1
  connectors::StreamFollowerOptions so;
  so.broker = setup.stream;
  so.verifier = setup.stream_verifier;
  if (!so.verifier)
    log_line("the stream is not authenticated: without --stream-key PUB (the primary's public key) any account that may publish on the stream topics can feed this console (docs/control-room.md)");
  connectors::CatchUpFunction catch_up;
  if (!args.catch_up_path.empty()) catch_up = make_catch_up(args.catch_up_path);
  connectors::StreamFollower follower(so, link.queue(), catch_up, log_line);
  FrameLoopOptions fo;
  fo.input_wait = hooks ? hooks->input_wait() : std::chrono::microseconds(2000);
  FrameLoop loop(core, link.queue(), sequencer, &link, recording.get(), fo);

  install_stop_signals();
  link.start();
  follower.start();
  log_line("following the primary's stream for " + site_ids + " on " + args.broker + " as " + setup.field.client_id +
           (args.catch_up_path.empty() ? std::string(" (no catch-up recording)") : " (catch-up from " + args.catch_up_path + ")"));
  if (hooks) {
    if (int code = hooks->start(core, loop, link.queue(), link)) {
      follower.stop();
      link.stop();
      return code;
    }
  }

  const RunClock clock;
  int code = 0;
  uint64_t failovers_shown = 0;  // fail-overs handed to the window
  run_frames(args, loop, hooks, clock, [&](int64_t now_ms) {
    if (broker_unreachable(args, link, now_ms)) {
      code = kExitBrokerUnreachable;
      return false;
    }
    const connectors::StreamFollowerStats fs = follower.stats();
    if (fs.primary_changed) {
      log_line(fs.last_error);
      code = 3;
      return false;
    }
    if (hooks && fs.failovers > failovers_shown) {  // the window says so: an alert and the wall's note
      failovers_shown = fs.failovers;
      hooks->fail_over(FailOverNote{fs.epoch, fs.primary, fs.epoch_since_utc_ms, fs.epoch_from});
    }
    if (recording)
      if (std::string alarm = recording->watch(); !alarm.empty()) log_line(alarm);
    if (!args.quiet)
      std::fprintf(stderr, "gatetwin: %6.1f s  follower  applied %llu (seq %llu, primary at %llu, %s)  caught up %llu  hash %s\n",
                   now_ms / 1000.0, static_cast<unsigned long long>(loop.stats().applied),
                   static_cast<unsigned long long>(fs.applied_seq), static_cast<unsigned long long>(fs.head_seq),
                   fs.primary_status.empty() ? "not heard" : fs.primary_status.c_str(),
                   static_cast<unsigned long long>(fs.caught_up_events), connectors::hash_hex(core.state_hash()).c_str());
    return true;
  });
  const double wall_s = clock.ms() / 1000.0;
  if (code == 0 && broker_unreachable(args, link, clock.ms(), /*run_over=*/true)) code = kExitBrokerUnreachable;
  int hook_code = hooks ? hooks->finish(clock.ms()) : 0;
  if (code == 0) code = hook_code;
  follower.stop();
  // Commands typed just before the end still go out.
  link.flush_outbox();
  link.stop();

  nlohmann::json stats = twin_stats_json(core, &link, sequencer, loop, wall_s);
  stats["role"] = "follower";
  if (follower.stats().failovers)
    log_line("the run failed over " + std::to_string(follower.stats().failovers) + " time(s) during this follower's run; epoch " +
             std::to_string(follower.stats().epoch) + " by " + follower.stats().primary + " since " +
             connectors::format_rfc3339_ms(follower.stats().epoch_since_utc_ms));
  stats["follow"] = follower_stats_json(follower.stats());
  if (recording) {
    const connectors::Status err = recording->close();
    stats["record"] = {{"path", args.record_path}, {"session", recording->session()},
                       {"committed_events", recording->stats().committed_events}, {"error", err ? err->message() : ""}};
    if (err && code == 0) code = 1;
  }
  if (!write_stats_file(args.stats_path, stats) && code == 0) code = 1;
  log_line("follower stopped after " + std::to_string(wall_s) + " s: applied " + std::to_string(loop.stats().applied) +
           " events (" + std::to_string(follower.stats().caught_up_events) + " from the recording), state hash " +
           stats["core"]["state_hash"].get<std::string>());
  return code;
}

}  // namespace runner
