// The twin's MQTT link. See twin_link.h.
#include "connectors/mqtt/twin_link.h"

#include "connectors/codec/log_text.h"

#include <algorithm>
#include <chrono>

namespace connectors {

namespace {

MqttClientOptions client_options(const std::vector<twin::SiteSpec>& sites, const TwinLinkOptions& o) {
  MqttClientOptions c;
  c.broker = o.broker;
  c.clean_session = false;
  c.max_inflight = o.max_inflight;
  if (o.console_only) return c;
  for (const auto& s : sites)
    for (auto& f : site_subscriptions(s.id)) c.subscriptions.push_back(f);
  for (auto& f : command_subscriptions()) c.subscriptions.push_back(f);
  c.will_topic = health_topic();
  c.will_payload = R"({"v":1,"src":"twin","status":"offline"})";
  return c;
}

}  // namespace

TwinLink::TwinLink(std::vector<twin::SiteSpec> sites, TwinLinkOptions options, MqttClient::LogHandler log)
    : sites_(std::move(sites)),
      options_(std::move(options)),
      log_(std::move(log)),
      queue_(options_.queue_capacity),
      clock_(options_.time),
      feeds_(options_.max_feed_sources),
      client_(client_options(sites_, options_), [this](const std::string& t, const std::string& p, const MqttClient::Delivery& how) { on_message(t, p, how.retained); },
              log_),
      outbox_(BoundedOutboxOptions{options_.outbox_capacity, 1024, kTrimAfter},
              [this](Outbox::Round& round) { publish_round(round); }) {
  silent_ = options_.silent;
  partner_keys_.resize(sites_.size());
  partner_key_bad_.resize(sites_.size());
  std::string unpinned;
  for (size_t i = 0; i < sites_.size() && !options_.console_only; ++i) {
    const twin::SiteSpec& s = sites_[i];
    if (s.partner_public_key.empty()) {
      unpinned += (unpinned.empty() ? "" : ", ") + s.id;
      continue;
    }
    auto v = PartnerVerifier::from_base64(s.partner_public_key);
    if (auto* f = std::get_if<Failure>(&v)) {
      partner_key_bad_[i] = f->text;
      partner_trust_.push_back("mqtt: site " + s.id + ": " + f->text + "; all its partner data will be refused");
      continue;
    }
    partner_keys_[i] = std::get<std::shared_ptr<const PartnerVerifier>>(v);
    partner_trust_.push_back("mqtt: site " + s.id + ": partner data must be signed by the pinned partner key (" + s.partner_key_source + ")");
  }
  if (!unpinned.empty())
    partner_trust_.push_back("mqtt: partner customs data of " + unpinned + " is NOT authenticated: no partner key pinned in the site "
                             "file (\"partner\"), so any partner or sim account can forge it (docs/security.md)");
}

std::variant<std::string, DecodeError> TwinLink::open_partner(const std::string& topic, const std::string& site,
                                                              const std::string& payload) const {
  size_t i = 0;
  while (i < sites_.size() && sites_[i].id != site) ++i;
  if (i == sites_.size()) return payload;  // the decoder refuses it (unknown_site)
  if (partner_keys_[i]) return partner_keys_[i]->open(topic, payload);
  if (!partner_key_bad_[i].empty())
    return DecodeError{RejectReason::PartnerBadSignature, "the site's pinned partner key is unusable: " + partner_key_bad_[i]};
  return partner_body_unchecked(payload);
}

TwinLink::~TwinLink() { stop(); }

void TwinLink::start() {
  if (log_)
    for (const std::string& line : partner_trust_) log_(line);
  client_.start();
  outbox_.start();
}

void TwinLink::stop() {
  queue_.close();  // a producer waiting for room must not hold up the client's shutdown
  outbox_.stop();  // no drain: what is waiting stays counted in the outbox
  client_.stop();
}

int64_t TwinLink::wall_utc_ms() const {
  if (options_.wall_utc_ms) return options_.wall_utc_ms();
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

void TwinLink::on_message(const std::string& topic, const std::string& payload, bool retained) {
  received_++;
  const int64_t wall = wall_utc_ms();
  // A retained message was stored by the broker before the twin subscribed: a command or
  // an event from the past (or planted there), replayed to every twin that starts. Never
  // applied; counted and logged like any refusal.
  if (retained) {
    const DecodeError e{RejectReason::Retained, "published with the retain flag; the twin takes only messages sent "
                                                "now (clear it: mosquitto_pub -r -n -t <topic>)"};
    reject(topic, e, wall, true);
    refuse_command(topic, payload, e);
    return;
  }
  // Partner data: its signature checked (and the envelope taken off) before anything reads it.
  std::string opened;
  const std::string* body = &payload;
  if (auto site = partner_topic_site(topic); site && !options_.console_only) {
    auto o = open_partner(topic, *site, payload);
    if (auto* e = std::get_if<DecodeError>(&o)) {
      reject(topic, *e, wall, true);
      return;
    }
    opened = std::move(std::get<std::string>(o));
    body = &opened;
  }
  DecodeManyResult r = decode_messages(topic, *body, sites_, DecodeOptions{options_.require_account_topics});
  if (auto* e = std::get_if<DecodeError>(&r)) {
    reject(topic, *e, wall, true);
    refuse_command(topic, payload, *e);
    return;
  }
  DecodedMessages& d = std::get<DecodedMessages>(r);
  // A batch's positions are counted one by one: each is accepted or rejected on its own.
  if (d.batch) batch_positions_ += d.messages.size() + d.rejected_items.size();
  // One time for the whole message (a batch shares its envelope): checked once.
  std::optional<int64_t> offset;
  if (!d.messages.empty() && d.messages.front().utc) {
    if (auto e = clock_.stamp(d.messages.front(), wall)) {
      for (size_t i = 0; i < d.messages.size(); ++i) reject(topic, *e, wall, i == 0);
      refuse_command(topic, payload, *e);
      return;
    }
    offset = d.messages.front().utc_ms - wall;
    for (FieldMessage& m : d.messages) m.time_ms = d.messages.front().time_ms;
    utc_messages_++;
  }
  for (const DecodeError& e : d.rejected_items) reject(topic, e, wall, false);
  if (!d.messages.empty()) feeds_.seen(d.messages.front(), wall, offset);
  for (FieldMessage& m : d.messages) {
    // The twin's own console command, back from the broker: dropped before anything else
    // (with --command-accounts it would otherwise look forged: it came on no account).
    if (m.cls == MessageClass::Command && desk_.own_echo(CommandName{m.account, m.source, m.command_id}.key())) continue;
    if (m.cls == MessageClass::Command && m.command_at_utc_ms >= 0) {
      if (auto e = set_due_time(m)) {
        reject(topic, *e, wall, true);
        refuse_command(topic, payload, *e);
        continue;
      }
    }
    if (m.cls == MessageClass::Command && !options_.command_roles.empty()) {
      if (auto forged = check_identity(m)) {
        reject(topic, *forged, wall, true);
        refuse_command(topic, payload, *forged);
        audit_forged(std::move(m), forged->detail);
        continue;
      }
    }
    if (m.cls == MessageClass::Command) {
      CommandDesk::Admission a = desk_.admit(CommandName{m.account, m.source, m.command_id}.key());
      if (a.arrival == CommandDesk::Arrival::Answered) send_answer(std::move(a.answer));  // a retry: the first answer again
      if (a.arrival != CommandDesk::Arrival::New) continue;  // applied once only
    }
    if (queue_.push(std::move(m))) accepted_++;
  }
}

std::optional<DecodeError> TwinLink::check_identity(const FieldMessage& m) const {
  const auto& oc = std::get<twin::OperatorCommand>(m.body);
  auto refuse = [&](std::string why) { return DecodeError{RejectReason::ForgedIdentity, std::move(why), m.source}; };
  if (m.account.empty())
    return refuse("this twin takes commands only on gatetwin/v1/<site>/command/<your broker account>: who asks is the "
                  "account the broker logged in, not what the message says");
  auto it = options_.command_roles.find(m.account);
  if (it == options_.command_roles.end())
    return refuse("broker account \"" + m.account + "\" may not command (not in --command-accounts)");
  if (oc.actor != m.account)
    return refuse("the command says actor \"" + oc.actor.substr(0, 64) + "\" but was sent by broker account \"" + m.account +
                  "\": an account commands as itself only");
  if (oc.role != it->second)
    return refuse("the command claims role " + std::string(twin::to_string(oc.role)) + "; account \"" + m.account + "\" is " +
                  twin::to_string(it->second));
  return std::nullopt;
}

std::optional<DecodeError> TwinLink::set_due_time(FieldMessage& m) const {
  auto& oc = std::get<twin::OperatorCommand>(m.body);
  const int64_t run_ms = m.command_at_utc_ms - options_.time.epoch_utc_ms;
  if (run_ms > kMaxTime_ms)
    return DecodeError{RejectReason::BadValue, "\"at\" is more than 400 days of run time after the session epoch", m.source};
  oc.at_ms = run_ms < 0 ? 0 : run_ms;  // before the session began: due now
  return std::nullopt;
}

void TwinLink::audit_forged(FieldMessage m, const std::string& why) {
  // Into the core as what it is: the command of the account that really sent it, with what
  // it claimed. The core refuses it (forged_identity set) and records it, so the recording's
  // audit trail holds it. Answered above by reason; no id, so the core's refusal is not
  // a second answer to the sender's id.
  auto& oc = std::get<twin::OperatorCommand>(m.body);
  const std::string claimed = "it claimed actor \"" + oc.actor.substr(0, 64) + "\", role " + twin::to_string(oc.role);
  auto it = options_.command_roles.find(m.account);
  oc.forged_identity = why + " (" + claimed + ")";
  oc.actor = m.account.empty() ? std::string("(no broker account)") : m.account;
  oc.role = it == options_.command_roles.end() ? twin::Role::Viewer : it->second;
  oc.at_ms = -1;
  m.command_id.clear();
  if (queue_.push(std::move(m))) forged_audited_++;
}

void TwinLink::refuse_command(const std::string& topic, const std::string& payload, const DecodeError& e) {
  if (options_.console_only || silent_) return;  // a standby: the primary answers
  const std::optional<std::string> site = command_topic_site(topic);
  if (!site) return;
  // Who asked and the command's id, as far as they can be read.
  std::string source, id;
  const nlohmann::json j = nlohmann::json::parse(payload, nullptr, /*allow_exceptions=*/false);
  auto text = [&](const char* key) {
    auto it = j.is_object() ? j.find(key) : j.end();
    if (it == j.end() || !it->is_string()) return std::string();
    const std::string& v = it->get_ref<const std::string&>();
    return v.size() <= kMaxIdChars && std::all_of(v.begin(), v.end(), [](char c) { return c > 0x20 && c < 0x7f; }) ? v : std::string();
  };
  if (j.is_object()) {
    source = text("src");
    id = text("id");
    auto seq = j.find("seq");
    if (id.empty() && seq != j.end() && seq->is_number_unsigned()) id = "seq-" + std::to_string(seq->get<uint64_t>());
  }
  // Not booked by its id: the same bytes sent again are refused again for the same reason,
  // and a message refused unread (a retained one, one with a forged "src") must not
  // answer in advance a command its id's owner has not sent yet.
  nlohmann::json r;
  r["v"] = kSchemaVersion;
  r["src"] = "twin";
  r["kind"] = "command_refused";
  r["reason"] = to_string(e.reason);
  r["text"] = printable(e.message());
  if (!id.empty()) r["command_id"] = id;
  if (!source.empty()) r["command_src"] = source;
  EncodedMessage m{site_topic_prefix(*site) + "twin/command_result", r.dump(), 1, false};
  desk_.note_refused_unread();
  send_answer(std::move(m));
}

void TwinLink::send_answer(EncodedMessage m) {
  if (silent_) return;
  {
    std::lock_guard lock(side_mu_);
    commands_.push_back(std::move(m));  // not bounded by kMaxCommandsWaiting: every command gets its answer
  }
  outbox_.poke();
}

void TwinLink::command_applied(uint64_t twin_seq, const std::string& account, const std::string& source,
                               const std::string& command_id) {
  desk_.bind(twin_seq, CommandName{account, source, command_id});
}

void TwinLink::reject(const std::string& topic, const DecodeError& e, int64_t wall_ms, bool whole_message) {
  uint64_t nth = ++rejected_[static_cast<size_t>(e.reason)];
  rejected_total_++;
  feeds_.rejected(e.source, topic, to_string(e.reason), wall_ms, whole_message);
  log_reject(topic, e, nth);
}

void TwinLink::log_reject(const std::string& topic, const DecodeError& e, uint64_t nth) {
  // The first 10 of each reason, then the 100th, 1000th, 10000th...: a flood of bad
  // messages must not flood the log.
  bool power_of_ten = false;
  for (uint64_t p = 100; p && p <= nth; p *= 10) power_of_ten |= p == nth;
  if (!log_ || (nth > 10 && !power_of_ten)) return;
  std::string t = topic.size() > 120 ? topic.substr(0, 120) + "..." : topic;
  log_(printable("mqtt: rejected a message on " + t + ": " + e.message() + " (" + std::to_string(nth) + " so far for this reason)"));
}

void TwinLink::publish_decisions(const twin::Decisions& decisions) {
  if (!options_.publish_decisions || options_.console_only || decisions.empty()) return;
  std::vector<EncodedMessage> encoded;
  encoded.reserve(decisions.size());
  for (const twin::Decision& d : decisions) {
    encoded.push_back(encode_decision(d, ++decision_seq_, sites_));
    if (d.kind != twin::DecisionKind::CommandAccepted && d.kind != twin::DecisionKind::CommandRefused) continue;
    const std::optional<CommandName> name = desk_.take(static_cast<uint64_t>(d.value));
    if (!name) continue;  // a command with no id (a scenario's, a test's)
    // The answer names the command as its sender did: its id and source.
    nlohmann::json j = decision_to_json(d, decision_seq_, sites_);
    j["command_src"] = name->source;
    j["command_id"] = name->id;
    encoded.back().payload = j.dump();
    desk_.answered(name->key(), encoded.back());
  }
  if (silent_) return;  // a standby: the answers are booked, the primary published them
  outbox_.push_all(std::move(encoded));  // a full outbox drops the oldest (counted)
}

void TwinLink::flush_outbox() { outbox_.wake(); }

void TwinLink::publish_health(const std::string& json) {
  if (options_.console_only || silent_) return;
  {
    std::lock_guard lock(side_mu_);
    health_ = json;
    has_health_ = true;
  }
  outbox_.poke();
}

bool TwinLink::publish_event(const twin::Event& e, const std::string& source, uint64_t source_seq, const std::string& command_id) {
  // With a broker login, on the topic bound to that account (.../command/<user>, "src"
  // <user>/<source>): the only way a twin with --command-accounts takes a command, and
  // what the shipped ACL lets an operator account publish (docs/control-room.md).
  const std::string& user = options_.broker.user;
  const std::string src = user.empty() ? source : (user + "/" + source).substr(0, kMaxIdChars);
  EncodedMessage m = encode_event(e, src, source_seq, sites_, command_id);
  if (!user.empty()) m.topic = account_topic(m.topic, user);
  if (!command_id.empty() && !options_.console_only) desk_.expect_echo(CommandName{user, src, command_id}.key());
  {
    std::lock_guard lock(side_mu_);
    if (commands_.size() >= kMaxCommandsWaiting) {
      commands_refused_++;
      return false;
    }
    commands_.push_back(std::move(m));
  }
  outbox_.poke();
  return true;
}

PublishStatus TwinLink::hand_over(const EncodedMessage& m, const Outbox::Round& round) {
  for (;;) {
    PublishStatus st = client_.publish(m.topic, m.payload, m.qos, m.retain, std::chrono::milliseconds(50));
    if (st != PublishStatus::Busy) return st;
    if (round.abandoning()) return st;  // window full: wait again, in order, unless stopping
  }
}

void TwinLink::publish_round(Outbox::Round& round) {
  std::string health;
  bool send_health;
  std::vector<EncodedMessage> commands;
  {
    std::lock_guard lock(side_mu_);
    send_health = has_health_;
    if (send_health) health.swap(health_);
    has_health_ = false;
    commands.swap(commands_);
  }
  if (send_health) client_.publish(health_topic(), health, 0, true, std::chrono::milliseconds(0));
  for (const EncodedMessage& c : commands) {
    const PublishStatus st = hand_over(c, round);
    std::lock_guard lock(side_mu_);
    (st == PublishStatus::Ok ? commands_published_ : commands_refused_)++;
  }
  for (const EncodedMessage& d : round.items()) {
    const PublishStatus st = hand_over(d, round);
    if (st == PublishStatus::Busy || st == PublishStatus::Stopped) return;  // stays in the outbox, counted
    if (st == PublishStatus::Ok) round.published();
    else round.failed();  // Failed: the client's offline buffer is full
  }
}

TwinLinkStats TwinLink::stats() const {
  TwinLinkStats s;
  s.received = received_;
  s.batch_positions = batch_positions_;
  s.accepted = accepted_;
  s.forged_audited = forged_audited_;
  for (size_t i = 0; i < s.rejected.size(); ++i) s.rejected[i] = rejected_[i];
  s.rejected_total = rejected_total_;
  s.utc_messages = utc_messages_;
  const BoundedOutboxStats o = outbox_.stats();
  s.decisions_published = o.published;
  s.outbox_dropped = o.dropped + o.failed;
  s.outbox = o.waiting + o.in_hand;
  s.outbox_high_water = o.high_water;
  {
    std::lock_guard lock(side_mu_);
    s.commands_published = commands_published_;
    s.commands_refused = commands_refused_;
  }
  s.queue = queue_.stats();
  s.client = client_.stats();
  return s;
}

}  // namespace connectors
