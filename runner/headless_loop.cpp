// The twin without a window. See headless_loop.h.
#include "runner/headless_loop.h"

#include "runner/follow_loop.h"
#include "pipeline/stream_log.h"
#include "pipeline/frame_loop.h"
#include "pipeline/recording_log.h"
#include "runner/twin_setup.h"
#include "runner/twin_stats.h"
#include "runner/field_feeds.h"
#include "pipeline/wall_ticks.h"
#include "connectors/codec/utc_time.h"

#include "connectors/codec/kpi_json.h"
#include "connectors/mqtt/broker_config.h"
#include "pipeline/sequencer.h"
#include "connectors/mqtt/twin_link.h"
#include "connectors/files/site_file.h"
#include "twin/core.h"
#include "connectors/vda5050/vda_link.h"

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <memory>
#include <thread>

using namespace pipeline;

namespace runner {

namespace {

// A headless primary's frame (no window): it sequences only while its stream connection
// holds the lease (docs/control-room.md "Fail-over", fencing), and stops once fenced.
class LeaseFrames final : public TwinLoopHooks {
 public:
  LeaseFrames(pipeline::FrameLoop& loop, connectors::StreamPublisher& stream) : loop_(loop), stream_(stream) {}
  int start(twin::Core&, pipeline::FrameLoop&, connectors::IngestQueue&, connectors::TwinLink&) override { return 0; }
  bool frame(int64_t now_ms) override {
    if (stream_.fenced()) return false;
    if (!stream_.may_sequence()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
      return true;
    }
    loop_.run_frame(now_ms);
    return true;
  }
  int finish(int64_t) override { return 0; }

 private:
  pipeline::FrameLoop& loop_;
  connectors::StreamPublisher& stream_;
};

}  // namespace

int run_headless(const TwinArgs& args, TwinLoopHooks* hooks) {
  auto prepared = prepare_twin(args);
  if (auto* f = std::get_if<SetupFailure>(&prepared)) {
    log_line(f->message);
    return f->exit_code;
  }
  TwinSetup& setup = std::get<TwinSetup>(prepared);
  const std::string& site_ids = setup.site_ids;
  std::unique_ptr<RecordingLog>& recording = setup.recording;

  twin::Core core(setup.sites);
  // A broken contract names the run it stopped (twin/contract.h): the broker, the client
  // and the recording session that holds every event up to it.
  core.set_run_label("live primary on " + args.broker + " as " + setup.field.client_id +
                     (recording ? ", recording " + args.record_path + " session " + std::to_string(recording->session())
                                : std::string(", not recorded")));
  connectors::TwinLink link(core.sites(), link_options(args, setup, TwinRole::Primary), log_line);
  pipeline::SequencerLimits sl;
  sl.gap_wait_ms = args.gap_wait_ms;
  sl.max_seq_jump = args.max_seq_jump;
  sl.restart_after_ms = args.restart_after_ms;
  pipeline::Sequencer sequencer(sl);
  LostMessagesBook lost;  // ordered messages that never arrived: logged and shown, below
  connect_feeds(sequencer, link, log_line, &lost);  // ignored messages per source; restarts logged
  // The control room's event stream: followers fold what this primary applies (docs/control-room.md).
  connectors::StreamPublisherOptions spo;
  spo.broker = setup.stream;
  spo.session = recording ? recording->session() : 0;
  spo.signer = setup.stream_signer;
  spo.primary = args.client_id;  // said in the head; a standby that takes over says its own
  spo.since_utc_ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  connectors::StreamPublisher stream(spo, log_line);
  StreamLog stream_log(stream, recording.get());
  FrameLoopOptions fo;
  fo.input_wait = hooks ? hooks->input_wait() : std::chrono::microseconds(2000);  // no window: sleep on the queue
  // The field's messages, and the twin's own wall-clock ticks for a UTC field (docs/mqtt.md "Time").
  pipeline::QueueSource queue_source(link.queue());
  pipeline::WallTickSource ticks(queue_source, {*pipeline::parse_wall_ticks(args.wall_clock_ticks), setup.epoch.utc_ms,
                                                [&link] { return link.wall_utc_ms(); },
                                                [&link] { return link.utc_messages() > 0; }});
  pipeline::LinkSink link_sink(link);
  FrameLoop loop(core, ticks, sequencer, &link_sink, &stream_log, fo);
  const TwinTimeInfo time_info{setup.epoch, &ticks};
  pipeline::PartnerWatchOptions pwo;
  pwo.silence_ms = static_cast<int64_t>(args.partner_silence_s * 1000);
  pipeline::PartnerWatch partner_watch(pwo);  // a silent partner feed: stale, vehicles held
  loop.set_partner_watch(&partner_watch);

  // --vda5050: the guide vehicles' own interface (docs/vda5050.md); its messages join the
  // same queue, its orders leave on its own connection.
  std::unique_ptr<connectors::vda5050::FleetDispatch> vda_dispatch;
  std::unique_ptr<connectors::vda5050::Link> vda;
  if (args.vda5050) {
    const std::string dir = args.vda5050_schemas.empty() ? connectors::vda5050::default_schemas_dir() : args.vda5050_schemas;
    auto schemas = connectors::vda5050::load_schemas(dir);
    if (auto* f = std::get_if<connectors::Failure>(&schemas)) {
      log_line("--vda5050: " + f->message() + " (--vda5050-schemas DIR names the folder of the VDA 5050 schemas)");
      return 1;
    }
    size_t vehicles = 0;
    for (const auto& s : core.sites()) vehicles += s.vda5050.vehicles.size();
    if (vehicles == 0) {
      log_line("--vda5050: no site file of " + site_ids + " lists VDA 5050 vehicles (a \"vda5050\" section; docs/site-format.md)");
      return 1;
    }
    vda_dispatch = std::make_unique<connectors::vda5050::FleetDispatch>(
        core.sites(), std::get<connectors::vda5050::Schemas>(std::move(schemas)), "twin-" + std::to_string(link.wall_utc_ms()));
    connectors::vda5050::LinkOptions vo;
    vo.broker = setup.field;
    vo.broker.client_id += "-vda5050";
    vo.time = link.time_options();
    vo.wall_utc_ms = [&link] { return link.wall_utc_ms(); };
    vda = std::make_unique<connectors::vda5050::Link>(*vda_dispatch, link.queue(), vo, log_line);
    log_line("VDA 5050 master control of " + std::to_string(vehicles) + " guide vehicles (schemas " + dir + ")");
  }

  install_stop_signals();
  link.start();
  stream.start();
  if (vda) vda->start();
  log_line("mirroring " + site_ids + " from " + args.broker + " as " + setup.field.client_id + "; session epoch " +
           connectors::format_rfc3339_ms(setup.epoch.utc_ms, connectors::kGateUtcOffsetMinutes) + " (" + setup.epoch.source +
           "), wall-clock ticks " + args.wall_clock_ticks);
  if (hooks && vda_dispatch) {
    const connectors::vda5050::FleetDispatch* d = vda_dispatch.get();
    hooks->vda5050([d](uint8_t site, uint16_t slot) { return d->vehicle(site, slot); });
  }
  if (hooks) {
    if (int code = hooks->start(core, loop, link.queue(), link)) {
      link.stop();
      return code;
    }
  }
  if (vda) {  // after the hooks: they may watch applied events too
    auto before = loop.after_apply();
    loop.set_after_apply([before, &vda](const SequencedEvent& e, const twin::Decisions& d) {
      if (before) before(e, d);
      vda->observe(e.event, d);
    });
  }

  const RunClock clock;
  bool unreachable = false;
  LeaseFrames lease(loop, stream);  // a window's frames are its own (not gated: docs/control-room.md)
  run_frames(args, loop, hooks ? hooks : &lease, clock, [&](int64_t now_ms) {
    if ((unreachable = broker_unreachable(args, link, now_ms))) return false;
    log_feed_summaries(link, log_line);  // rejections per source, at most one line per source per 10 s
    for (const LostMessages& l : lost.take()) {  // never silent: the log, and the window's alerts
      log_line(lost_messages_line(l, args.gap_wait_ms));
      if (hooks) hooks->messages_lost(l);
    }
    nlohmann::json h = twin_stats_json(core, &link, sequencer, loop, now_ms / 1000.0, &time_info);
    cap_health_feeds(h);  // the --stats file keeps every source; the health message the busiest 64
    if (vda) h["vda5050"] = vda->status_json();
    h["v"] = 1;
    h["src"] = "twin";
    h["status"] = "up";
    if (recording) {  // a failing disk raises an alarm; the core goes on
      if (std::string alarm = recording->watch(); !alarm.empty()) log_line(alarm);
      h["record"] = recording->health();
    }
    link.publish_health(h.dump());
    if (!args.quiet)
      std::fprintf(stderr, "gatetwin: %6.1f s  received %llu  applied %llu  rejected %llu  dropped %llu  hash %s\n",
                   now_ms / 1000.0, static_cast<unsigned long long>(h["messages"]["received"].get<uint64_t>()),
                   static_cast<unsigned long long>(loop.stats().applied),
                   static_cast<unsigned long long>(h["messages"]["rejected_total"].get<uint64_t>()),
                   static_cast<unsigned long long>(h["messages"]["dropped"].get<uint64_t>()),
                   h["core"]["state_hash"].get<std::string>().c_str());
    return true;
  });
  const bool fenced = stream.fenced();
  if (fenced) {
    link.set_silent(true);  // the new primary answers from now on
    log_line("fenced: " + stream.stats().fenced_by + " sequences this run now; this primary stopped sequencing at seq " +
             std::to_string(sequencer.last_seq()) + " and exits with code 5: restart it with --standby (docs/control-room.md)");
  }
  // Hand what the core decided to the client before leaving: wait while the outbox goes
  // down (a second without progress, or 30 s in all, ends the wait); the client then
  // waits briefly for PUBACKs.
  {
    using steady = std::chrono::steady_clock;
    size_t left = link.stats().outbox, best = left;
    auto progress = steady::now();
    const auto give_up = progress + std::chrono::seconds(30);
    while (left > 0 && steady::now() < give_up && steady::now() - progress < std::chrono::seconds(1)) {
      link.flush_outbox();
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      left = link.stats().outbox;
      if (left < best) { best = left; progress = steady::now(); }
    }
  }
  const double wall_s = clock.ms() / 1000.0;
  if (!unreachable) unreachable = broker_unreachable(args, link, clock.ms(), /*run_over=*/true);
  int hook_code = hooks ? hooks->finish(clock.ms()) : 0;
  if (vda) vda->stop();  // its waiting orders go out first
  stream.stop();  // what is queued goes out first (bounded wait), then the head says "stopped"
  link.stop();

  log_feed_summaries(link, log_line, /*final=*/true);
  nlohmann::json stats = twin_stats_json(core, &link, sequencer, loop, wall_s, &time_info);
  stats["stream"] = stream_stats_json(stream.stats());
  if (vda) stats["vda5050"] = vda->status_json();
  const pipeline::PartnerWatchStats pw = partner_watch.stats();
  stats["partner_watch"] = {{"marked_stale", pw.marked_stale}, {"marked_fresh", pw.marked_fresh}, {"stale", pw.stale}};
  stats["process"] = process_memory_json();  // after every decision was handed over
  int code = hook_code;
  if (recording) {
    const connectors::Status err = recording->close();
    const connectors::RecorderStats rs = recording->stats();
    stats["record"] = {{"path", args.record_path},           {"session", recording->session()},
                       {"committed_events", rs.committed_events}, {"dropped", rs.dropped},
                       {"rejected", rs.rejected},            {"error", err ? err->message() : ""}};
    if (err) {
      log_line("recording " + args.record_path + ": " + err->message());
      code = 1;
    }
  }
  if (unreachable) code = kExitBrokerUnreachable;
  if (fenced) code = 5;  // kExitFenced (standby_loop.h)
  stats["role"] = fenced ? "fenced" : "primary";
  if (!write_stats_file(args.stats_path, stats)) code = 1;
  log_line("stopped after " + std::to_string(wall_s) + " s: applied " + std::to_string(loop.stats().applied) +
           " events, state hash " + stats["core"]["state_hash"].get<std::string>());
  return code;
}

}  // namespace runner
