// A follower's side of the event stream. See stream_follower.h.
#include "connectors/mqtt/stream_follower.h"
#include "connectors/codec/kpi_json.h"  // hash_hex

#include "connectors/codec/event_binary.h"
#include "connectors/codec/stream_batch.h"
#include "connectors/mqtt/stream_publisher.h"  // parse_stream_head

#include <nlohmann/json.hpp>

#include <cstdlib>

namespace connectors {

namespace {

MqttClientOptions client_options(const StreamFollowerOptions& o) {
  MqttClientOptions c;
  c.broker = o.broker;
  c.clean_session = o.clean_session;  // default false: the broker queues the stream for us while we are away
  c.subscriptions = {stream_topic(), stream_head_topic()};
  return c;
}

// The event as the follower's Sequencer takes it: one source, its seq the twin seq.
FieldMessage stream_message(twin::Event&& e) {
  FieldMessage m;
  m.source = "stream";
  m.source_seq = e.seq;
  m.time_ms = e.time_ms;
  m.site = e.site;
  m.body = std::move(e.body);
  m.cls = MessageClass::Ordered;
  m.topic = "(stream)";
  return m;
}

}  // namespace

StreamFollower::StreamFollower(StreamFollowerOptions options, IngestQueue& out, CatchUpFunction catch_up,
                               MqttClient::LogHandler log)
    : options_(std::move(options)),
      out_(out),
      catch_up_(std::move(catch_up)),
      log_(std::move(log)),
      client_(client_options(options_), [this](const std::string& t, const std::string& p, const MqttClient::Delivery&) { on_message(t, p); }, log_) {
  next_ = std::max<uint64_t>(options_.first_seq, 1);
  stats_.applied_seq = next_ - 1;
  stats_.stream_id = options_.stream_id;
  stats_.epoch = options_.epoch;
}

StreamFollower::~StreamFollower() { stop(); }

void StreamFollower::start() {
  std::lock_guard lock(mu_);
  if (started_) return;
  started_ = true;
  thread_ = std::thread([this] { run(); });
  client_.start();
}

void StreamFollower::stop() {
  {
    std::lock_guard lock(mu_);
    if (!started_ || stop_) return;
    stop_ = true;
  }
  wake_.notify_all();
  out_.close();  // a push waiting for room must not hold up the stop
  client_.stop();
  if (thread_.joinable()) thread_.join();
}

bool StreamFollower::adopt(uint64_t stream_id, int64_t session, uint32_t epoch, uint64_t from, const std::string& primary,
                           int64_t since_utc_ms) {
  if (stats_.stream_id == stream_id) {
    if (epoch < stats_.epoch) {  // an old primary that was fenced, or its resent batches
      stats_.stale_epoch++;
      return false;
    }
    if (epoch > stats_.epoch) {
      if (stats_.epoch != 0) {
        stats_.failovers++;
        stats_.primary_status = "";  // said again by the new primary's head
      }
      stats_.epoch = epoch;
      stats_.session = session;  // catch-up reads the new primary's session
      stats_.epoch_from = from;
      stats_.epoch_since_utc_ms = since_utc_ms;
      if (!primary.empty()) stats_.primary = primary;
      return true;
    }
    if (stats_.session == 0) stats_.session = session;
    if (stats_.primary.empty() && !primary.empty()) stats_.primary = primary;
    if (from && !stats_.epoch_from) stats_.epoch_from = from;
    if (since_utc_ms && !stats_.epoch_since_utc_ms) stats_.epoch_since_utc_ms = since_utc_ms;
    return true;
  }
  if (stats_.stream_id == 0 || (next_ == 1 && pending_.empty())) {
    stats_.stream_id = stream_id;
    stats_.session = session;
    stats_.head_seq = 0;
    stats_.epoch = epoch;
    stats_.primary = primary;
    stats_.epoch_from = from;
    stats_.epoch_since_utc_ms = since_utc_ms;
    return true;
  }
  if (!stats_.primary_changed) {
    stats_.primary_changed = true;
    stats_.last_error = "a new primary run (stream " + hash_hex(stream_id) + ", was " + hash_hex(stats_.stream_id) +
                        "): this follower holds the old run's state; restart it to follow the new run";
  }
  return false;
}

bool StreamFollower::open_sealed(const std::string& topic, const std::string& payload, OpenedPayload& out) {
  if (!options_.verifier) {
    out = strip_stream_seal(payload);
    return true;
  }
  auto opened = options_.verifier->open(topic, payload);
  if (auto* o = std::get_if<OpenedPayload>(&opened)) {
    out = std::move(*o);
    return true;
  }
  uint64_t n = 0;
  {
    std::lock_guard lock(mu_);
    n = ++stats_.forged;
  }
  if (n <= 10 || n % 1000 == 0)
    log("follow: refused a message on " + topic + " (" + std::to_string(n) + " refused so far): " +
        std::get<Failure>(opened).message());
  return false;
}

void StreamFollower::note_checkpoint(uint64_t seq, const StreamChainHash& chain) {
  if (!options_.verifier || seq == 0 || seq < next_) return;
  checkpoints_[seq] = chain;
  while (checkpoints_.size() > 65536) checkpoints_.erase(checkpoints_.begin());
}

void StreamFollower::advance_chain(const twin::Event& e) {
  if (!options_.verifier) return;
  std::vector<uint8_t> bytes;
  if (encode_event(e, bytes)) bytes.clear();  // cannot happen for a decoded event; the chain then breaks, refusing catch-ups
  applied_chain_ = stream_chain_next(applied_chain_, bytes);
}

void StreamFollower::on_message(const std::string& topic, const std::string& sealed) {
  OpenedPayload opened;
  if (!open_sealed(topic, sealed, opened)) return;
  const std::string& payload = opened.payload;
  if (topic == stream_head_topic()) return on_head(payload, opened.chain);
  StreamDecodeResult r = decode_stream_batch(payload);
  std::string line;
  {
    std::lock_guard lock(mu_);
    stats_.batches++;
    if (auto* e = std::get_if<StreamDecodeError>(&r)) {
      if (++stats_.rejected <= 10) line = "follow: rejected a message on " + topic + ": " + e->message();
    } else {
      StreamBatch& b = std::get<StreamBatch>(r);
      const bool was_changed = stats_.primary_changed;
      const uint64_t failovers = stats_.failovers, stale = stats_.stale_epoch;
      if (!adopt(b.stream_id, b.session, b.epoch)) {
        if (stats_.stale_epoch != stale) {
          if (stats_.stale_epoch <= 10 || stats_.stale_epoch % 1000 == 0)
            line = "follow: refused a batch of epoch " + std::to_string(b.epoch) + " (the run is at epoch " +
                   std::to_string(stats_.epoch) + ": a fenced primary's; " + std::to_string(stats_.stale_epoch) + " refused so far)";
        } else if (!was_changed) {
          line = "follow: " + stats_.last_error;
        }
      } else {
        heard_ms_ = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0_).count();
        if (stats_.failovers != failovers)
          line = "follow: FAIL-OVER: epoch " + std::to_string(b.epoch) + " of the run sequences from here on (first batch at seq " +
                 (b.events.empty() ? std::string("?") : std::to_string(b.events.front().seq)) + ")";
        if (!b.events.empty()) note_checkpoint(b.events.back().seq, opened.chain);
        if (b.origins.size() != b.events.size()) b.origins.resize(b.events.size());
        for (size_t i = 0; i < b.events.size(); ++i) {
          twin::Event& e = b.events[i];
          if (e.seq < next_) {
            stats_.already_applied++;
            continue;
          }
          if (pending_.size() >= options_.max_pending && e.seq > pending_.rbegin()->first) {
            stats_.overflow++;  // the recording has it; the gap is caught up later
            continue;
          }
          if (!pending_.emplace(e.seq, Pending{std::move(e), std::move(b.origins[i])}).second) {
            stats_.already_applied++;
            continue;
          }
          if (pending_.size() > options_.max_pending) {
            pending_.erase(std::prev(pending_.end()));
            stats_.overflow++;
          }
        }
      }
    }
  }
  if (!line.empty()) log(line);
  wake_.notify_one();
}

void StreamFollower::on_head(const std::string& payload, const StreamChainHash& chain) {
  const std::optional<StreamHead> h = parse_stream_head(payload);
  std::string line;
  {
    std::lock_guard lock(mu_);
    if (!h) {
      if (++stats_.rejected <= 10) line = "follow: rejected a stream head that is not the primary's JSON: " + payload.substr(0, 120);
    } else {
      const std::string& status = h->status;
      const uint64_t stream = h->stream_id;
      const bool ours = stream != 0 && stream == stats_.stream_id;
      const uint64_t failovers = stats_.failovers;
      // "stopped" is adopted too: a follower started after the run ended catches up to its
      // last state from the recording. "offline" (the last will) names no session or seq.
      if ((status == "up" || status == "stopped") && stream != 0 && h->has_seq) {
        const bool was_changed = stats_.primary_changed;
        const uint64_t stale = stats_.stale_epoch;
        if (adopt(stream, h->session, h->epoch, h->from, h->primary, h->since_utc_ms)) {
          stats_.head_seq = std::max(stats_.head_seq, h->seq);
          note_checkpoint(h->seq, chain);
          if (status == "up") heard_ms_ = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0_).count();
          if (stats_.failovers != failovers)
            line = "follow: FAIL-OVER: " + (h->primary.empty() ? std::string("a standby") : h->primary) + " sequences the run from seq " +
                   std::to_string(h->from) + " (epoch " + std::to_string(h->epoch) + ")";
          else if (stats_.primary_status != status)
            line = "follow: the primary (stream " + hash_hex(stream) + ", epoch " + std::to_string(h->epoch) + ") is " + status;
          stats_.primary_status = status;
        } else if (stats_.stale_epoch != stale) {
          // an older epoch's head: a fenced primary's, or its resend; counted, not logged each time
        } else if (!was_changed) {
          line = "follow: " + stats_.last_error;
        }
      } else if (ours && h->epoch < stats_.epoch) {
        stats_.stale_epoch++;
      } else if (ours && status != stats_.primary_status) {
        stats_.primary_status = status;
        line = "follow: the primary is " + status + "; the state shown is as of seq " + std::to_string(next_ - 1) +
               " and stays so until it comes back (or a standby takes over)";
      }
    }
  }
  if (!line.empty()) log(line);
  wake_.notify_one();
}

void StreamFollower::push(twin::Event&& e) {
  {
    std::lock_guard lock(mu_);  // counted first: a reader of the queue may look at once
    next_ = e.seq + 1;
    stats_.applied_seq = e.seq;
    stats_.caught_up_events++;
  }
  out_.push(stream_message(std::move(e)));
}

void StreamFollower::catch_up(int64_t now_ms) {
  int64_t session = 0;
  uint64_t from = 0;
  {
    std::lock_guard lock(mu_);
    session = stats_.session;
    from = next_;
    next_catch_up_ms_ = now_ms + options_.catch_up_retry_ms;
  }
  std::string error;
  if (!catch_up_) error = "no catch-up recording was given (--catch-up FILE)";
  else if (session <= 0) error = "the primary does not record (start it with --record FILE and give followers --catch-up FILE)";
  if (!error.empty()) {
    if (!gap_logged_)
      log("follow: missing seq " + std::to_string(from) + " and on, and " + error + "; the state stays as of seq " +
          std::to_string(from - 1));
    gap_logged_ = true;
    std::lock_guard lock(mu_);
    stats_.last_error = error;
    return;
  }
  const auto t = std::chrono::steady_clock::now();
  bool stopping = false, counted = false, refused = false;
  // With a pinned key, events read from the recording are held until the running hash
  // over them equals one the primary signed, then pushed; a different hash refuses them.
  std::vector<twin::Event> held;
  StreamChainHash tentative = applied_chain_;
  auto flush = [&] {
    for (twin::Event& h : held) push(std::move(h));
    applied_chain_ = tentative;
    held.clear();
  };
  CatchUpResult r = catch_up_(session, from, [&](twin::Event&& e) {
    uint64_t expect = 0;
    {
      std::lock_guard lock(mu_);
      expect = next_ + held.size();
      stopping = stop_;
    }
    if (stopping) return false;
    if (e.seq < expect) return true;  // the stream was faster
    if (e.seq > expect) {
      error = "the recording has no seq " + std::to_string(expect) + " (it goes on at " + std::to_string(e.seq) +
              "); the primary's recorder dropped events";
      return false;
    }
    if (!counted) {
      std::lock_guard lock(mu_);
      stats_.catch_ups++;
      counted = true;
    }
    if (!options_.verifier) {
      push(std::move(e));
      return true;
    }
    std::vector<uint8_t> bytes;
    if (encode_event(e, bytes)) bytes.clear();
    tentative = stream_chain_next(tentative, bytes);
    std::optional<StreamChainHash> signed_hash;
    {
      std::lock_guard lock(mu_);
      if (auto it = checkpoints_.find(e.seq); it != checkpoints_.end()) signed_hash = it->second;
    }
    held.push_back(std::move(e));
    if (signed_hash) {
      if (*signed_hash != tentative) {
        error = "the recording's events up to seq " + std::to_string(held.back().seq) +
                " do not match the primary's signed stream (the file was edited, or is not this primary's): refused, the state stays as of seq " +
                std::to_string(held.front().seq - 1);
        refused = true;
        held.clear();
        return false;
      }
      flush();
    } else if (held.size() >= options_.max_catch_up_held) {
      error = "no hash signed by the primary within " + std::to_string(held.size()) + " events of the recording; waiting for one";
      held.clear();
      return false;
    }
    return true;
  });
  held.clear();  // past the last signed hash: read again at the next catch-up
  if (refused) {
    std::lock_guard lock(mu_);
    stats_.catch_up_refused++;
  }
  if (error.empty()) error = r.error;
  const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t).count();
  std::string line;
  {
    std::lock_guard lock(mu_);
    stats_.catch_up_ms_total += ms;
    if (next_ > from) {
      line = "follow: caught up " + std::to_string(next_ - from) + " events from the recording (seq " + std::to_string(from) +
             " to " + std::to_string(next_ - 1) + ") in " + std::to_string(static_cast<int>(ms)) + " ms";
    }
    if (!error.empty()) {
      stats_.catch_up_errors++;
      if (stats_.last_error != error) line += (line.empty() ? "" : "; ") + ("follow: catch-up: " + error);
      stats_.last_error = error;
    }
  }
  if (!line.empty()) log(line);
}

void StreamFollower::run() {
  std::vector<Pending> ready;
  for (;;) {
    ready.clear();
    bool need_catch_up = false;
    int64_t now_ms = 0;
    {
      std::unique_lock lock(mu_);
      wake_.wait_for(lock, std::chrono::milliseconds(50),
                     [&] { return stop_ || (!pending_.empty() && pending_.begin()->first <= next_); });
      if (stop_) break;
      while (!pending_.empty() && pending_.begin()->first < next_) {
        pending_.erase(pending_.begin());
        stats_.already_applied++;
      }
      while (!pending_.empty() && pending_.begin()->first == next_) {
        ready.push_back(std::move(pending_.begin()->second));
        pending_.erase(pending_.begin());
        ++next_;
      }
      checkpoints_.erase(checkpoints_.begin(), checkpoints_.lower_bound(next_));
      now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0_).count();
      const uint64_t known = std::max(pending_.empty() ? 0 : pending_.rbegin()->first, stats_.head_seq);
      if (!stats_.primary_changed && known >= next_) {
        if (gap_since_ms_ < 0) {
          gap_since_ms_ = now_ms;
          stats_.gaps++;
        }
        need_catch_up = now_ms - gap_since_ms_ >= options_.gap_wait_ms && now_ms >= next_catch_up_ms_;
      } else {
        gap_since_ms_ = -1;
        gap_logged_ = false;
      }
    }
    for (Pending& p : ready) {
      twin::Event& e = p.event;
      advance_chain(e);
      {
        std::lock_guard lock(mu_);  // counted first: a reader of the queue may look at once
        stats_.from_stream++;
        stats_.applied_seq = e.seq;
      }
      if (options_.on_origin) options_.on_origin(e.seq, p.origin);
      if (!out_.push(stream_message(std::move(e)))) break;
    }
    if (need_catch_up) catch_up(now_ms);
  }
}

StreamFollowerStats StreamFollower::stats() const {
  StreamFollowerStats s;
  {
    std::lock_guard lock(mu_);
    s = stats_;
    s.pending = pending_.size();
    if (heard_ms_ >= 0)
      s.silent_ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0_).count() - heard_ms_;
  }
  s.client = client_.stats();
  return s;
}

}  // namespace connectors
