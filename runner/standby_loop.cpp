// gatetwin --standby. See standby_loop.h.
#include "runner/standby_loop.h"

#include "runner/field_feeds.h"
#include "runner/follow_loop.h"
#include "runner/recording_catch_up.h"
#include "runner/twin_setup.h"
#include "runner/twin_stats.h"

#include "connectors/codec/event_binary.h"
#include "connectors/codec/kpi_json.h"
#include "connectors/codec/utc_time.h"
#include "connectors/mqtt/stream_follower.h"
#include "connectors/mqtt/stream_publisher.h"
#include "pipeline/frame_loop.h"
#include "pipeline/partner_watch.h"
#include "pipeline/sequencer.h"
#include "pipeline/standby_buffer.h"
#include "pipeline/stream_log.h"
#include "pipeline/wall_ticks.h"
#include "twin/core.h"

#include <chrono>
#include <cstdio>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <map>
#include <unordered_map>

using connectors::EventOrigin;
using connectors::FieldMessage;
using connectors::MessageClass;

namespace runner {

namespace {

int64_t wall_utc_now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// The held inputs first (in the order the buffer gave), then the wrapped source.
class HeldFirst final : public pipeline::InputSource {
 public:
  explicit HeldFirst(pipeline::InputSource& rest) : rest_(rest) {}
  void hand(std::vector<FieldMessage> held) {
    held_ = std::move(held);
    at_ = 0;
  }
  size_t drain(std::vector<FieldMessage>& out, size_t max, std::chrono::microseconds wait) override {
    if (at_ >= held_.size()) return rest_.drain(out, max, wait);
    size_t n = 0;
    while (at_ < held_.size() && n < max) {
      out.push_back(std::move(held_[at_++]));
      ++n;
    }
    if (at_ == held_.size()) {
      held_.clear();
      at_ = 0;
    }
    return n;
  }

 private:
  pipeline::InputSource& rest_;
  std::vector<FieldMessage> held_;
  size_t at_ = 0;
};

// Each stream event's origin, from the follower's worker thread to the core's.
class Origins {
 public:
  void put(uint64_t seq, const EventOrigin& o) {
    std::lock_guard lock(mu_);
    by_seq_[seq] = o;
  }
  std::optional<EventOrigin> take(uint64_t seq) {
    std::lock_guard lock(mu_);
    auto it = by_seq_.find(seq);
    if (it == by_seq_.end()) return std::nullopt;
    EventOrigin o = std::move(it->second);
    by_seq_.erase(it);
    return o;
  }
  void clear() {
    std::lock_guard lock(mu_);
    by_seq_.clear();
  }

 private:
  std::mutex mu_;
  std::unordered_map<uint64_t, EventOrigin> by_seq_;
};

class StandbyTwin;

// A fenced twin's stream source: events at seqs it had sequenced itself (unpublished, in
// its lease window) are compared with what the newer epoch says there, not applied again.
class Rechecking final : public pipeline::InputSource {
 public:
  Rechecking(connectors::IngestQueue& queue, StandbyTwin& twin) : queue_(queue), twin_(twin) {}
  size_t drain(std::vector<FieldMessage>& out, size_t max, std::chrono::microseconds wait) override;

 private:
  connectors::IngestQueue& queue_;
  StandbyTwin& twin_;
  std::vector<FieldMessage> got_;
};

class StandbyTwin {
 public:
  // Rechecking: true when the stream's event at `seq` is to be applied; false when it is
  // one this twin sequenced itself (compared: a difference sets fenced_out_).
  bool take_stream_event(const FieldMessage& m);
  bool fenced_out() const { return fenced_out_; }
  StandbyTwin(const TwinArgs& args, TwinSetup& setup, connectors::BrokerConfig lead_broker)
      : args_(args),
        setup_(setup),
        lead_broker_(std::move(lead_broker)),
        core_(setup.sites),
        link_(core_.sites(), standby_link_options(args, setup), log_line),
        watch_(pipeline::PartnerWatchOptions{static_cast<int64_t>(args.partner_silence_s * 1000)}) {
    core_.set_run_label("standby on " + args.broker + " as " + setup.field.client_id);
  }

  int run();

 private:
  static connectors::TwinLinkOptions standby_link_options(const TwinArgs& args, const TwinSetup& setup) {
    connectors::TwinLinkOptions o = link_options(args, setup, TwinRole::Primary);
    o.silent = true;  // the primary answers; this twin speaks once it has taken over
    return o;
  }
  void start_following(uint64_t stream_id, uint32_t epoch, uint64_t first_seq = 0);
  void stop_following();
  // The primary is dead and everything it published is applied: why, or nullopt.
  std::optional<std::string> ready_to_take_over();
  void take_over(const std::string& why, bool new_run = false);
  int fenced();  // 0: a standby again; else the exit code
  void after_follow_apply(const pipeline::SequencedEvent& e);
  void after_lead_apply(const pipeline::SequencedEvent& e);
  void hold_field_inputs();
  pipeline::FrameLoop& loop() { return lead_loop_ ? *lead_loop_ : *follow_loop_; }
  pipeline::Sequencer& sequencer() { return lead_loop_ ? *lead_seq_ : *follow_seq_; }
  nlohmann::json failover_json() const;

  const TwinArgs& args_;
  TwinSetup& setup_;
  connectors::BrokerConfig lead_broker_;
  twin::Core core_;
  connectors::TwinLink link_;
  pipeline::PartnerWatch watch_;  // the primary's, shadowed from the stream; this twin's own once it leads
  pipeline::StandbyBuffer buffer_;
  Origins origins_;
  std::vector<FieldMessage> inbox_;
  uint64_t last_seq_ = 0;
  twin::SimTime last_time_ = 0;
  connectors::StreamChainHash chain_{};
  uint64_t applied_ = 0;
  RunClock clock_;
  // Following.
  std::unique_ptr<connectors::IngestQueue> stream_queue_;
  std::unique_ptr<pipeline::Sequencer> follow_seq_;
  std::unique_ptr<connectors::StreamFollower> follower_;
  std::unique_ptr<Rechecking> rechecking_;
  std::unique_ptr<pipeline::LinkSink> follow_sink_;
  std::unique_ptr<pipeline::FrameLoop> follow_loop_;
  nlohmann::json follow_stats_;  // the last follower's counters
  uint64_t from_stream_ = 0;
  // Leading.
  std::unique_ptr<pipeline::Sequencer> lead_seq_;
  LostMessagesBook lost_;  // the lead sequencer's skipped gaps, said once a second
  std::unique_ptr<connectors::StreamPublisher> publisher_;
  std::unique_ptr<pipeline::StreamLog> stream_log_;
  std::unique_ptr<pipeline::QueueSource> queue_source_;
  std::unique_ptr<pipeline::WallTickSource> ticks_;
  std::unique_ptr<HeldFirst> held_first_;
  std::unique_ptr<pipeline::LinkSink> link_sink_;
  std::unique_ptr<pipeline::FrameLoop> lead_loop_;
  nlohmann::json stream_stats_;
  // The fail-over record (--stats "failover").
  nlohmann::json takeovers_ = nlohmann::json::array();
  uint64_t fences_ = 0;
  bool started_run_ = false;
  bool fenced_out_ = false;      // fenced with a state the newer epoch does not share: exiting 5
  std::map<uint64_t, std::vector<uint8_t>> led_;  // the events this twin sequenced last, encoded
  uint64_t recheck_until_ = 0;   // fenced: stream events up to this seq are compared, not applied
  uint64_t rechecked_ = 0;
  int64_t waiting_logged_ms_ = -1;
  uint32_t epoch_ = 0;           // the epoch this twin leads (0: following)
  uint64_t stream_id_ = 0;
};

void StandbyTwin::start_following(uint64_t stream_id, uint32_t epoch, uint64_t first_seq) {
  stream_queue_ = std::make_unique<connectors::IngestQueue>(args_.queue_capacity);
  follow_seq_ = std::make_unique<pipeline::Sequencer>();  // identity: the stream's seqs and times
  follow_seq_->resume(last_seq_ + 1, last_time_);
  rechecking_ = std::make_unique<Rechecking>(*stream_queue_, *this);
  connectors::StreamFollowerOptions so;
  so.broker = setup_.stream;
  so.verifier = setup_.stream_verifier;
  so.first_seq = first_seq ? first_seq : last_seq_ + 1;
  so.stream_id = stream_id;
  so.epoch = epoch;
  so.on_origin = [this](uint64_t seq, const EventOrigin& o) { origins_.put(seq, o); };
  connectors::CatchUpFunction catch_up;
  if (!args_.catch_up_path.empty()) catch_up = make_catch_up(args_.catch_up_path);
  follower_ = std::make_unique<connectors::StreamFollower>(so, *stream_queue_, catch_up, log_line);
  pipeline::FrameLoopOptions fo;
  fo.input_wait = std::chrono::microseconds(2000);
  follow_sink_ = std::make_unique<pipeline::LinkSink>(link_);
  follow_loop_ = std::make_unique<pipeline::FrameLoop>(core_, *rechecking_, *follow_seq_, follow_sink_.get(), setup_.recording.get(), fo);
  follow_loop_->set_after_apply([this](const pipeline::SequencedEvent& e, const twin::Decisions&) { after_follow_apply(e); });
  follower_->start();
}

size_t Rechecking::drain(std::vector<FieldMessage>& out, size_t max, std::chrono::microseconds wait) {
  got_.clear();
  queue_.drain(got_, max, wait);
  size_t n = 0;
  for (FieldMessage& m : got_)
    if (twin_.take_stream_event(m)) {
      out.push_back(std::move(m));
      ++n;
    }
  return n;
}

bool StandbyTwin::take_stream_event(const FieldMessage& m) {
  if (m.source_seq > recheck_until_) return true;
  auto it = led_.find(m.source_seq);
  std::vector<uint8_t> bytes;
  const twin::Event e{m.source_seq, m.time_ms, m.site, m.body};
  const bool same = it != led_.end() && !connectors::encode_event(e, bytes) && bytes == it->second;
  origins_.take(m.source_seq);  // its origin was booked when this twin sequenced it
  if (same) {
    rechecked_++;
    return false;
  }
  if (!fenced_out_)
    log_line("fenced: the new primary's seq " + std::to_string(m.source_seq) +
             " differs from what this twin had sequenced there: its state is not the room's; stopping (exit 5): restart it with --standby and --catch-up");
  fenced_out_ = true;
  return false;
}

void StandbyTwin::stop_following() {
  if (!follower_) return;
  follower_->stop();
  const connectors::StreamFollowerStats fs = follower_->stats();
  from_stream_ += fs.from_stream;
  follow_stats_ = follower_stats_json(fs);
  follow_loop_.reset();
  follow_sink_.reset();
  rechecking_.reset();
  follower_.reset();
  follow_seq_.reset();
  stream_queue_.reset();
  origins_.clear();
}

void StandbyTwin::after_follow_apply(const pipeline::SequencedEvent& e) {
  last_seq_ = e.event.seq;
  last_time_ = e.event.time_ms;
  applied_++;
  if (setup_.stream_signer) {  // the running hash the stream is signed with, to go on with it
    std::vector<uint8_t> bytes;
    if (!connectors::encode_event(e.event, bytes)) chain_ = connectors::stream_chain_next(chain_, bytes);
  }
  const std::optional<EventOrigin> o = origins_.take(e.event.seq);
  if (!o || o->source.empty()) return;
  buffer_.sequenced(*o);
  const auto cls = static_cast<MessageClass>(o->cls);
  if (o->source != pipeline::PartnerWatch::kSource) {
    // The primary's partner watch saw this event as this; so does its shadow here.
    const FieldMessage m{o->source, o->source_seq, e.event.time_ms, e.event.site, e.event.body, cls, {}};
    (void)watch_.before(m);
    (void)watch_.after(m);
  }
  // Its answer is booked (not sent): a retry after a take-over gets the same answer.
  if (cls == MessageClass::Command && !o->command_id.empty()) link_.command_applied(e.event.seq, o->account, o->source, o->command_id);
}

void StandbyTwin::after_lead_apply(const pipeline::SequencedEvent& e) {
  std::vector<uint8_t> bytes;  // kept a while: if fenced, what the newer epoch says at these seqs must match
  if (!connectors::encode_event(e.event, bytes)) {
    led_[e.event.seq] = std::move(bytes);
    while (led_.size() > 65536) led_.erase(led_.begin());
  }
  last_seq_ = e.event.seq;
  last_time_ = e.event.time_ms;
  applied_++;
  if (!takeovers_.empty() && takeovers_.back()["first_sequenced_utc_ms"].is_null()) {
    takeovers_.back()["first_sequenced_utc_ms"] = wall_utc_now_ms();
    takeovers_.back()["first_sequenced_seq"] = e.event.seq;
  }
}

void StandbyTwin::hold_field_inputs() {
  inbox_.clear();
  link_.queue().drain(inbox_, 65536, std::chrono::microseconds(0));
  for (FieldMessage& m : inbox_) buffer_.take(std::move(m));
}

std::optional<std::string> StandbyTwin::ready_to_take_over() {
  const connectors::StreamFollowerStats fs = follower_->stats();
  if (fs.stream_id == 0) return std::nullopt;  // no run heard yet: nothing to take over
  std::string why;
  if (fs.primary_status == "offline") why = "its last will said offline";
  else if (fs.primary_status == "stopped") return std::nullopt;  // a clean stop ends the run
  else if (fs.silent_ms >= args_.takeover_after_ms) why = "silent for " + std::to_string(fs.silent_ms) + " ms";
  else return std::nullopt;
  // Everything the primary published must be applied here first: a follower may hold it.
  const uint64_t known = std::max(fs.head_seq, fs.applied_seq);
  if (fs.pending == 0 && last_seq_ >= known) return why;
  const int64_t now = clock_.ms();
  if (waiting_logged_ms_ < 0 || now - waiting_logged_ms_ >= 5000) {
    waiting_logged_ms_ = now;
    log_line("standby: the primary is dead (" + why + ") but this twin has applied seq " + std::to_string(last_seq_) + " of " +
             std::to_string(known) + (fs.pending ? " (" + std::to_string(fs.pending) + " held past a gap)" : std::string()) +
             ": it takes over once it has them (give --catch-up the primary's recording)");
  }
  return std::nullopt;
}

void StandbyTwin::take_over(const std::string& why, bool new_run) {
  const int64_t t0_utc = wall_utc_now_ms();
  const connectors::StreamFollowerStats fs = follower_->stats();
  stream_id_ = new_run ? 0 : fs.stream_id;  // 0: the publisher draws a new run's id
  const uint32_t old_epoch = fs.epoch ? fs.epoch : 1;
  epoch_ = new_run ? 1 : old_epoch + 1;
  stop_following();
  hold_field_inputs();  // what the link took meanwhile

  pipeline::SequencerLimits sl;
  sl.gap_wait_ms = args_.gap_wait_ms;
  sl.max_seq_jump = args_.max_seq_jump;
  sl.restart_after_ms = args_.restart_after_ms;
  lead_seq_ = std::make_unique<pipeline::Sequencer>(sl);
  lead_seq_->resume(last_seq_ + 1, last_time_);
  connect_feeds(*lead_seq_, link_, log_line, &lost_);  // messages that never arrived: logged each second
  const pipeline::StandbyBufferStats before = buffer_.stats();
  std::vector<FieldMessage> held = buffer_.take_over(*lead_seq_);

  connectors::StreamPublisherOptions spo;
  spo.broker = lead_broker_;
  spo.session = setup_.recording ? setup_.recording->session() : 0;
  spo.signer = setup_.stream_signer;
  spo.stream_id = stream_id_;
  spo.epoch = epoch_;
  spo.first_seq = last_seq_ + 1;
  spo.chain_start = chain_;
  spo.primary = args_.client_id;
  spo.since_utc_ms = t0_utc;
  publisher_ = std::make_unique<connectors::StreamPublisher>(spo, log_line);
  stream_id_ = publisher_->stream_id();
  stream_log_ = std::make_unique<pipeline::StreamLog>(*publisher_, setup_.recording.get());
  queue_source_ = std::make_unique<pipeline::QueueSource>(link_.queue());
  ticks_ = std::make_unique<pipeline::WallTickSource>(
      *queue_source_, pipeline::WallTickOptions{*pipeline::parse_wall_ticks(args_.wall_clock_ticks), setup_.epoch.utc_ms,
                                                [this] { return link_.wall_utc_ms(); }, [this] { return link_.utc_messages() > 0; }});
  if (const uint64_t next = buffer_.primary_next(pipeline::WallTickSource::kSource)) ticks_->resume_after(next - 1);
  held_first_ = std::make_unique<HeldFirst>(*ticks_);
  const size_t handed = held.size();
  held_first_->hand(std::move(held));
  link_sink_ = std::make_unique<pipeline::LinkSink>(link_);
  pipeline::FrameLoopOptions fo;
  fo.input_wait = std::chrono::microseconds(2000);
  lead_loop_ = std::make_unique<pipeline::FrameLoop>(core_, *held_first_, *lead_seq_, link_sink_.get(), stream_log_.get(), fo);
  lead_loop_->set_partner_watch(&watch_);
  lead_loop_->set_after_apply([this](const pipeline::SequencedEvent& e, const twin::Decisions&) { after_lead_apply(e); });
  link_.set_silent(false);
  publisher_->start();

  nlohmann::json t;
  t["epoch"] = epoch_;
  t["from_seq"] = last_seq_ + 1;
  t["why"] = why;
  t["takeover_utc_ms"] = t0_utc;
  t["takeover_utc"] = connectors::format_rfc3339_ms(t0_utc);
  t["held_inputs_handed"] = handed;
  t["held_inputs_sequenced_by_primary"] = before.sequenced;
  t["first_sequenced_utc_ms"] = nullptr;
  t["first_sequenced_seq"] = nullptr;
  if (new_run) t["why"] = "started the run (--start-run)";
  if (!new_run) takeovers_.push_back(t);
  else started_run_ = true;
  if (new_run)
    log_line("no run to follow within " + std::to_string(args_.takeover_after_ms) + " ms (--start-run): this twin starts run " +
             connectors::hash_hex(stream_id_) + " as its primary (epoch 1)");
  else
  log_line("FAIL-OVER: this standby takes the run (stream " + connectors::hash_hex(stream_id_) + ") over as epoch " +
           std::to_string(epoch_) + " from seq " + std::to_string(last_seq_ + 1) + ": the primary " + why + "; " +
           std::to_string(handed) + " held inputs the primary had not sequenced go first (" + std::to_string(before.sequenced) +
           " it had sequenced were dropped)");
}

int StandbyTwin::fenced() {
  const connectors::StreamPublisherStats ps = publisher_->stats();
  fences_++;
  link_.set_silent(true);
  publisher_->abandon();  // no "stopped" head over the newer epoch's
  stream_stats_ = stream_stats_json(ps);
  const uint64_t from = ps.fenced_from > 0 ? ps.fenced_from : last_seq_ + 1;
  if (from <= last_seq_ && (led_.empty() || led_.begin()->first > from)) {
    fenced_out_ = true;  // the lead objects stay: the stats at the end read them
    log_line("fenced by " + ps.fenced_by + " after this twin applied up to seq " + std::to_string(last_seq_) +
             ": its state is not the room's from seq " + std::to_string(from) +
             " on; stopping (exit 5): restart it with --standby and --catch-up");
    return kExitFenced;
  }
  lead_loop_.reset();
  link_sink_.reset();
  held_first_.reset();
  ticks_.reset();
  queue_source_.reset();
  stream_log_.reset();
  publisher_.reset();
  lead_seq_.reset();
  const uint32_t own = epoch_;
  epoch_ = 0;
  if (from <= last_seq_) {
    // It sequenced seqs from..last_seq_ in its lease window, unpublished; the newer epoch
    // sequenced its own there. The same events (one source, one order): no fork, it
    // follows on; any difference: exit 5 (checked as they come, below).
    recheck_until_ = last_seq_;
    log_line("fenced by " + ps.fenced_by + ": this twin had sequenced up to seq " + std::to_string(last_seq_) +
             " unpublished; it follows the new primary as a standby, checking seqs " + std::to_string(from) + " to " +
             std::to_string(last_seq_) + " against it");
  } else {
    log_line("fenced by " + ps.fenced_by + ": this twin stopped sequencing at seq " + std::to_string(last_seq_) +
             " and follows the new primary as a standby");
  }
  start_following(stream_id_, own, from);  // the newer epoch is taken; older ones are refused
  return 0;
}

nlohmann::json StandbyTwin::failover_json() const {
  return {{"role", epoch_ ? "primary" : "standby"},
          {"epoch", epoch_},
          {"takeovers", takeovers_},
          {"fenced", fences_},
          {"started_run", started_run_},
          {"rechecked", rechecked_},
          {"takeover_after_ms", args_.takeover_after_ms},
          {"buffer", {{"taken", buffer_.stats().taken},
                      {"sequenced_by_primary", buffer_.stats().sequenced},
                      {"stale_on_arrival", buffer_.stats().stale_on_arrival},
                      {"positions_not_held", buffer_.stats().telemetry},
                      {"overflow", buffer_.stats().overflow},
                      {"handed_over", buffer_.stats().handed_over},
                      {"held", buffer_.stats().held}}}};
}

int StandbyTwin::run() {
  install_stop_signals();
  link_.start();
  start_following(0, 0);
  log_line("standby for " + setup_.site_ids + " on " + args_.broker + " as " + setup_.field.client_id +
           ": following the primary's stream and holding the field's inputs; takes over after " +
           std::to_string(args_.takeover_after_ms) + " ms of silence or at the primary's last will");
  int code = 0;
  int64_t next_report_ms = 0;
  while (!stop_requested()) {
    const int64_t now_ms = clock_.ms();
    if (args_.run_for_s > 0 && now_ms >= static_cast<int64_t>(args_.run_for_s * 1000)) break;
    if (!lead_loop_) {
      hold_field_inputs();
      follow_loop_->run_frame(now_ms);
      if (fenced_out_) {
        code = kExitFenced;
        break;
      }
      if (follower_->stats().primary_changed) {
        log_line(follower_->stats().last_error);
        code = 3;
        break;
      }
      if (auto why = ready_to_take_over()) {
        take_over(*why);
      } else if (args_.start_run && !started_run_ && last_seq_ == 0 && now_ms >= args_.takeover_after_ms) {
        const connectors::StreamFollowerStats fs = follower_->stats();
        if (fs.stream_id == 0 || fs.primary_status == "stopped") take_over("", /*new_run=*/true);
      }
    } else if (publisher_->fenced()) {
      if ((code = fenced())) break;
    } else if (publisher_->may_sequence()) {
      lead_loop_->run_frame(now_ms);
    } else {
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    if (args_.until_applied && applied_ >= args_.until_applied) break;
    if (now_ms >= next_report_ms) {
      next_report_ms = now_ms + 1000;
      if (broker_unreachable(args_, link_, now_ms)) {
        code = kExitBrokerUnreachable;
        break;
      }
      if (setup_.recording)
        if (std::string alarm = setup_.recording->watch(); !alarm.empty()) log_line(alarm);
      if (lead_loop_) {
        log_feed_summaries(link_, log_line);
        for (const LostMessages& l : lost_.take()) log_line(lost_messages_line(l, args_.gap_wait_ms));
        nlohmann::json h = twin_stats_json(core_, &link_, sequencer(), loop(), now_ms / 1000.0);
        cap_health_feeds(h);
        h["v"] = 1;
        h["src"] = "twin";
        h["status"] = "up";
        h["failover"] = failover_json();
        link_.publish_health(h.dump());
      }
      if (!args_.quiet)
        std::fprintf(stderr, "gatetwin: %6.1f s  %s  applied %llu (seq %llu)  held inputs %zu  hash %s\n", now_ms / 1000.0,
                     lead_loop_ ? ("PRIMARY (epoch " + std::to_string(epoch_) + ")").c_str() : "standby",
                     static_cast<unsigned long long>(applied_), static_cast<unsigned long long>(last_seq_),
                     buffer_.stats().held, connectors::hash_hex(core_.state_hash()).c_str());
    }
  }
  const double wall_s = clock_.ms() / 1000.0;
  if (code == 0 && broker_unreachable(args_, link_, clock_.ms(), /*run_over=*/true)) code = kExitBrokerUnreachable;
  nlohmann::json stats = twin_stats_json(core_, &link_, sequencer(), loop(), wall_s);
  if (lead_loop_) {
    // What the core decided goes out first (bounded), then the head says "stopped".
    for (int i = 0; i < 50 && link_.stats().outbox > 0; ++i) {
      link_.flush_outbox();
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    publisher_->stop();
    stream_stats_ = stream_stats_json(publisher_->stats());
  }
  if (follower_) {
    follower_->stop();
    follow_stats_ = follower_stats_json(follower_->stats());
  }
  link_.flush_outbox();
  link_.stop();
  stats["role"] = fenced_out_ ? "fenced" : epoch_ ? "primary" : "standby";
  stats["messages"]["applied"] = applied_;
  stats["failover"] = failover_json();
  stats["follow"] = follow_stats_;
  if (!stream_stats_.is_null()) stats["stream"] = stream_stats_;
  if (setup_.recording) {
    const connectors::Status err = setup_.recording->close();
    stats["record"] = {{"path", args_.record_path}, {"session", setup_.recording->session()},
                       {"committed_events", setup_.recording->stats().committed_events}, {"error", err ? err->message() : ""}};
    if (err && code == 0) code = 1;
  }
  if (!write_stats_file(args_.stats_path, stats) && code == 0) code = 1;
  log_line(std::string(epoch_ ? "primary (a standby that took over)" : "standby") + " stopped after " + std::to_string(wall_s) +
           " s: applied " + std::to_string(applied_) + " events, state hash " + stats["core"]["state_hash"].get<std::string>());
  return code;
}

}  // namespace

int run_standby(const TwinArgs& args) {
  auto prepared = prepare_twin(args);
  if (auto* f = std::get_if<SetupFailure>(&prepared)) {
    log_line(f->message);
    return f->exit_code;
  }
  TwinSetup& setup = std::get<TwinSetup>(prepared);
  // Its own connection for the stream it publishes once it leads (the follower's goes away).
  auto lead = connectors::make_broker_config(args.broker, args.client_id + "-lead", args.mqtt_config, connectors::mqtt_environment());
  if (auto* err = std::get_if<connectors::BrokerConfigError>(&lead)) {
    log_line(err->message());
    return 2;
  }
  StandbyTwin twin(args, setup, std::get<connectors::BrokerConfig>(lead));
  return twin.run();
}

}  // namespace runner
