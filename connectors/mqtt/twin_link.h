// The twin's side of MQTT: subscribes to every site's field topics, decodes each message
// on the MQTT thread (rejects are counted by reason and logged with their topic, rate
// limited), hands accepted ones to the bounded IngestQueue, and publishes the core's
// decisions, command results and the twin's health. It must not sequence or apply
// events (Sequencer and the frame loop do) and never blocks the core's thread: decisions
// and health go through a bounded outbox (BoundedOutbox) whose publishing thread hands
// them to the client. The core's thread never calls into the client library for them:
// the library's receiving thread holds the library's lock while it waits in
// IngestQueue::push on a full queue, and only the core's thread, by draining the queue,
// can let it go on.
//
// Field time and feeds: a UTC-stamped message is checked against the twin's wall clock
// and mapped to run time through the session epoch (FieldClock); every message and
// rejection is booked per source (FeedBook: feeds(), the Feeds panel, --stats). The wall
// clock is an option (a function), so tests are deterministic.
//
// Supports: the topic tree of docs/mqtt.md (gatetwin/v1), topics bound to a broker
// account, QoS 1 subscriptions, a retained health topic with a last will ("offline"), TLS
// through MosquittoClient (ssl://; libmosquitto, the library of mosquitto_sub), partner
// data signed by the partner's key pinned in the site file (partner_seal.h: refused before
// decoding when the signature does not hold; a site without a pinned key takes it
// unsigned, said in one line at start()).
// Does not support: MQTT 5.
#pragma once
#include "connectors/codec/event_json.h"
#include "connectors/mqtt/bounded_outbox.h"
#include "connectors/mqtt/command_desk.h"
#include "connectors/mqtt/feed_book.h"
#include "connectors/mqtt/field_clock.h"
#include "connectors/mqtt/ingest_queue.h"
#include "connectors/mqtt/mosquitto_client.h"
#include "connectors/mqtt/mqtt_client.h"
#include "connectors/mqtt/partner_seal.h"
#include "twin/decision.h"
#include "twin/site.h"

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace connectors {

struct TwinLinkOptions {
  BrokerConfig broker;
  size_t queue_capacity = 65536;     // IngestQueue
  size_t outbox_capacity = 262144;   // decisions waiting to be handed to the client
  int max_inflight = 4096;           // QoS 1 decisions awaiting PUBACK (the client's window)
  bool publish_decisions = true;
  // A follower's link (docs/control-room.md): it only publishes console commands; no
  // field subscriptions, no decisions, no health and no last will (the primary owns them).
  bool console_only = false;
  // A standby's link (docs/control-room.md "Fail-over"): subscribed like the primary's, but
  // it publishes nothing (no decisions, answers, refusals or health) until set_silent(false)
  // when it takes over. Answers to commands are still booked (a retry after the take-over
  // gets the first answer again).
  bool silent = false;
  // Field time: the session epoch and the bounds of a UTC stamp against the wall clock.
  FieldClockOptions time;
  // The twin's wall clock, Unix epoch ms (empty: the system clock). Only the UTC checks,
  // the feeds' times and their log summaries read it.
  std::function<int64_t()> wall_utc_ms;
  bool require_account_topics = false;  // --require-account-topics: refuse unbound topics
  // --command-accounts: who may command, by broker account, with the role each has. When
  // set, a command must come on .../command/<account> of a listed account, and its actor
  // must be that account and its role the account's (forged_identity otherwise): the
  // identity is the broker's login, never the payload's word. Empty: not checked.
  std::map<std::string, twin::Role> command_roles;
  size_t max_feed_sources = 1024;       // sources booked one by one in feeds()
};

struct TwinLinkStats {
  uint64_t received = 0;                 // messages from the broker
  uint64_t batch_positions = 0;          // positions carried in telemetry/positions batches (each accepted or rejected)
  uint64_t accepted = 0;                 // decoded and queued
  uint64_t forged_audited = 0;           // forged commands (rejected, counted there) passed to the core to be recorded
  std::array<uint64_t, static_cast<size_t>(RejectReason::Count)> rejected{};
  uint64_t rejected_total = 0;
  uint64_t utc_messages = 0;             // accepted messages stamped in UTC ("utc_ms" / "time")
  uint64_t decisions_published = 0;
  uint64_t outbox_dropped = 0;           // decisions lost because the outbox was full
  uint64_t commands_published = 0;       // publish_event()s handed to the client
  uint64_t commands_refused = 0;         // publish_event()s refused (too many waiting) or failed
  size_t outbox = 0;
  size_t outbox_high_water = 0;          // most decisions waiting at once (memory: ~0.55 KiB each)
  IngestQueueStats queue;
  MqttClientStats client;
};

class TwinLink {
 public:
  TwinLink(std::vector<twin::SiteSpec> sites, TwinLinkOptions options, MqttClient::LogHandler log);
  ~TwinLink();

  void start();
  void stop();
  bool wait_connected(std::chrono::milliseconds timeout) { return client_.wait_connected(timeout); }
  bool connected() const { return client_.connected(); }

  IngestQueue& queue() { return queue_; }

  // Core thread: encodes decisions into the outbox and wakes the publishing thread, which
  // hands them to the client, in order, as fast as the client's in-flight window allows.
  // Never waits and never calls the client library.
  void publish_decisions(const twin::Decisions& decisions);
  // Wakes the publishing thread (it also runs on its own); kept for the frame loops.
  void flush_outbox();
  // Core thread: the twin's health (JSON), retained, QoS 0; published by the publishing
  // thread before the decisions waiting then (latest wins). Never waits.
  void publish_health(const std::string& json);
  // Core thread: an event this twin originates (a console's operator command), published
  // as a field message from `source` so that other consoles and the audit see it. QoS 1.
  // Queued for the publishing thread, which sends it ahead of waiting decisions; never
  // waits and never calls the client library (whose lock the receiving thread may hold
  // while it waits for this thread to drain the ingest queue). False only when
  // kMaxCommandsWaiting commands are already waiting (the broker long away).
  // A command of this twin's own console carries command_id; the twin expects its echo
  // from the broker and does not apply it twice.
  bool publish_event(const twin::Event& e, const std::string& source, uint64_t source_seq, const std::string& command_id = {});
  // Core thread: a command was applied as event twin_seq; the core's answer to it (a
  // CommandAccepted / CommandRefused decision with value twin_seq) carries its id.
  void command_applied(uint64_t twin_seq, const std::string& account, const std::string& source, const std::string& command_id);
  // A standby that takes over speaks from now on (any thread).
  void set_silent(bool silent) { silent_ = silent; }
  bool silent() const { return silent_; }
  // The commands by id: how many were answered, repeated, echoed (any thread).
  CommandDeskStats command_stats() const { return desk_.stats(); }
  static constexpr size_t kMaxCommandsWaiting = 1024;

  TwinLinkStats stats() const;

  // Per source: messages, age, rate, rejections by reason, clock offset, session,
  // restarts (a copy; any thread). The Feeds panel and --stats read it.
  FeedsSnapshot feeds() const { return feeds_.snapshot(wall_utc_ms()); }
  // The book itself, for the sequencer's rejections and restarts (the core's thread).
  FeedBook& feed_book() { return feeds_; }
  // Rate-limited log lines of the rejections per source (call about once a second; at
  // the end with interval 0, so that no rejection goes unsaid).
  std::vector<std::string> feed_summaries(int64_t interval_ms = 10000) { return feeds_.summaries(wall_utc_ms(), interval_ms); }
  // The twin's wall clock (the option, or the system clock), Unix epoch ms.
  int64_t wall_utc_ms() const;
  const FieldClockOptions& time_options() const { return options_.time; }
  uint64_t utc_messages() const { return utc_messages_; }  // accepted UTC-stamped messages so far

  // What start() logs of the partner keys: the sites whose partner data must be signed,
  // and one line naming those whose partner data is not authenticated (no key pinned).
  const std::vector<std::string>& partner_trust() const { return partner_trust_; }

  // What the client calls for each message; public so tests can inject raw messages.
  void on_message(const std::string& topic, const std::string& payload, bool retained = false);

 private:
  void reject(const std::string& topic, const DecodeError& e, int64_t wall_ms, bool whole_message);  // counts, books and logs
  void log_reject(const std::string& topic, const DecodeError& e, uint64_t nth);
  // A command that will not reach the core (unreadable, unknown site, bad time, retained):
  // refused on command_result with the reason, once per name (MQTT thread).
  void refuse_command(const std::string& topic, const std::string& payload, const DecodeError& e);
  void send_answer(EncodedMessage m);  // queued for the publishing thread
  // A command's "at" in UTC: its due time in run time (the session epoch's).
  std::optional<DecodeError> set_due_time(FieldMessage& m) const;
  // A forged command, answered already: passed to the core as the account's, refused
  // there and recorded (the audit trail keeps what was forged, by whom, and why).
  void audit_forged(FieldMessage m, const std::string& why);
  // --command-accounts: why a command's identity is not its account's (none when it is).
  std::optional<DecodeError> check_identity(const FieldMessage& m) const;

  // The partner data's payload to decode: the envelope's body when its signature holds
  // for the site's pinned key (or, with no key pinned, the body unchecked or the payload
  // itself); otherwise why it is refused.
  std::variant<std::string, DecodeError> open_partner(const std::string& topic, const std::string& site,
                                                      const std::string& payload) const;

  const std::vector<twin::SiteSpec> sites_;
  TwinLinkOptions options_;
  MqttClient::LogHandler log_;
  IngestQueue queue_;
  FieldClock clock_;
  FeedBook feeds_;
  // libmosquitto, not Paho: it reads one message per position as fast as mosquitto_sub
  // does (docs/mqtt.md, Speed); same interface and behaviour as MqttClient.
  MosquittoClient client_;
  // Per site (sites_' order): the pinned partner key; null when none is pinned, or when
  // the pinned one could not be read (partner_key_bad_: then all its partner data is refused).
  std::vector<std::shared_ptr<const PartnerVerifier>> partner_keys_;
  std::vector<std::string> partner_key_bad_;
  std::vector<std::string> partner_trust_;
  std::atomic<uint64_t> received_{0}, batch_positions_{0}, accepted_{0}, rejected_total_{0}, utc_messages_{0};
  std::atomic<uint64_t> forged_audited_{0};
  std::atomic<bool> silent_{false};
  std::array<std::atomic<uint64_t>, static_cast<size_t>(RejectReason::Count)> rejected_{};
  using Outbox = BoundedOutbox<EncodedMessage>;
  // The publishing thread, once per round: the health, then the waiting commands, then
  // the round's decisions, waiting (there, not on the core's thread) while the client's
  // in-flight window is full.
  void publish_round(Outbox::Round& round);
  // Publishing thread: hands one message to the client, waiting while its window is full.
  // Returns the client's answer (Busy only when stopping).
  PublishStatus hand_over(const EncodedMessage& m, const Outbox::Round& round);

  uint64_t decision_seq_ = 0;     // core thread only
  mutable std::mutex side_mu_;    // guards what follows: what goes out ahead of the decisions
  std::vector<EncodedMessage> commands_;  // publish_event()s and answers given outside the core, sent before decisions
  CommandDesk desk_;
  std::string health_;            // latest health not yet published
  bool has_health_ = false;
  uint64_t commands_published_ = 0, commands_refused_ = 0;
  static constexpr size_t kTrimAfter = 4096;  // a drained backlog of this many gives its memory back
  Outbox outbox_;                 // decisions; last, so that its thread ends before the rest goes
};

}  // namespace connectors
