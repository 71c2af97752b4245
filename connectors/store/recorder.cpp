// Recorder: the bounded queue, the writer thread and its batched transactions. See
// recorder.h for the contract and docs/store.md for what a crash or a full disk costs.
#include "connectors/store/recorder.h"

#include "connectors/codec/event_binary.h"
#include "connectors/store/audit_chain.h"
#include "connectors/store/database.h"
#include "connectors/store/file_probe.h"
#include "connectors/store/schema.h"

#include <algorithm>
#include <ctime>
#include <optional>

namespace connectors {

// [SECTION] Queue items and statements

struct RecorderItem {
  bool is_snapshot = false;
  uint64_t seq = 0;
  twin::SimTime time_ms = 0;
  uint8_t site = 0;
  uint8_t type = 0;
  std::vector<uint8_t> blob;                  // the encoded event
  twin::Decisions decisions;
  std::optional<twin::OperatorCommand> command;
  Snapshot snapshot;
};

struct RecorderStatements {
  Statement begin, commit, rollback, event, decision, command, snapshot, session;
};

namespace {

constexpr size_t kMaxDecisionText = 4096;

std::string now_utc() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char b[32];
  std::strftime(b, sizeof b, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return b;
}

// Steps a write statement and resets it; the error if it did not finish.
std::optional<StoreError> step_once(Database& db, Statement& s, const char* what) {
  const int rc = s.step();
  s.reset();
  if (rc == SQLITE_DONE || rc == SQLITE_ROW) return std::nullopt;
  return db.error(rc, what);
}

struct BatchCounts {
  uint64_t events = 0, decisions = 0, commands = 0, snapshots = 0;
  std::optional<AuditHead> head;  // the audit chain's head after this batch, when it added commands
};

// One transaction: items [first, first + n). All or nothing.
std::optional<StoreError> write_batch(Database& db, RecorderStatements& st, int64_t session,
                                      const std::vector<RecorderItem>& items, size_t first, size_t n,
                                      uint64_t dropped, BatchCounts& counts) {
  if (auto e = step_once(db, st.begin, "BEGIN")) return e;
  auto fail = [&](StoreError e) {
    step_once(db, st.rollback, "ROLLBACK");
    return std::optional<StoreError>(std::move(e));
  };
  BatchCounts c;
  bool chain_read = false;
  AuditHead chain;
  for (size_t i = first; i < first + n; ++i) {
    const RecorderItem& it = items[i];
    if (it.is_snapshot) {
      Statement& s = st.snapshot;
      s.bind(1, session);
      s.bind(2, static_cast<int64_t>(it.snapshot.seq));
      s.bind(3, it.snapshot.time_ms);
      s.bind(4, static_cast<int64_t>(it.snapshot.state_hash));
      s.bind(5, it.snapshot.kpis_json);
      if (auto e = step_once(db, s, "storing a snapshot")) return fail(*e);
      ++c.snapshots;
      continue;
    }
    Statement& s = st.event;
    s.bind(1, session);
    s.bind(2, static_cast<int64_t>(it.seq));
    s.bind(3, it.time_ms);
    s.bind(4, it.site);
    s.bind(5, it.type);
    s.bind_blob_static(6, it.blob.data(), it.blob.size());
    if (auto e = step_once(db, s, "storing an event")) return fail(*e);
    ++c.events;
    for (size_t k = 0; k < it.decisions.size(); ++k) {
      const twin::Decision& d = it.decisions[k];
      Statement& q = st.decision;
      q.bind(1, session);
      q.bind(2, static_cast<int64_t>(it.seq));
      q.bind(3, static_cast<int64_t>(k));
      q.bind(4, d.time_ms);
      q.bind(5, d.site);
      q.bind(6, static_cast<int64_t>(d.kind));
      q.bind(7, d.shipment.value);
      q.bind(8, d.resource);
      q.bind(9, d.unit);
      q.bind(10, d.value);
      q.bind(11, std::string_view(d.text).substr(0, kMaxDecisionText));
      if (auto e = step_once(db, q, "storing a decision")) return fail(*e);
      ++c.decisions;
    }
    if (it.command) {
      // The audit chain's head is read inside this transaction (commands are rare), so a
      // retried batch or a second writer of the same file cannot fork the chain.
      if (!chain_read) {
        auto h = AuditChain::head(db);
        if (auto* e = std::get_if<StoreError>(&h)) return fail(*e);
        chain = std::get<AuditHead>(h);
        chain_read = true;
      }
      // The core's verdict on the command is the CommandAccepted / CommandRefused decision
      // whose value is the command event's seq.
      const twin::Decision* verdict = nullptr;
      for (const auto& d : it.decisions)
        if ((d.kind == twin::DecisionKind::CommandAccepted || d.kind == twin::DecisionKind::CommandRefused) &&
            d.value == static_cast<int64_t>(it.seq))
          verdict = &d;
      const twin::OperatorCommand& oc = *it.command;
      Statement& q = st.command;
      q.bind(1, session);
      q.bind(2, static_cast<int64_t>(it.seq));
      q.bind(3, it.time_ms);
      q.bind(4, it.site);
      q.bind(5, oc.actor);
      q.bind(6, static_cast<int64_t>(oc.role));
      q.bind(7, oc.reason);
      q.bind(8, static_cast<int64_t>(oc.command.kind));
      q.bind(9, oc.command.lane);
      q.bind(10, oc.command.shipment.value);
      q.bind(11, static_cast<int64_t>(oc.command.equipment.kind));
      q.bind(12, oc.command.equipment.index);
      q.bind(13, oc.command.equipment.server);
      q.bind(14, oc.command.goods);
      if (verdict) q.bind(15, verdict->kind == twin::DecisionKind::CommandAccepted ? 1 : 0);
      else q.bind_null(15);
      q.bind(16, verdict ? std::string_view(verdict->text).substr(0, kMaxDecisionText) : std::string_view());
      AuditRecord ar;
      ar.session = session;
      ar.seq = static_cast<int64_t>(it.seq);
      ar.time_ms = it.time_ms;
      ar.site = it.site;
      ar.actor = oc.actor;
      ar.role = static_cast<int64_t>(oc.role);
      ar.reason = oc.reason;
      ar.kind = static_cast<int64_t>(oc.command.kind);
      ar.lane = oc.command.lane;
      ar.shipment = oc.command.shipment.value;
      ar.equipment_kind = static_cast<int64_t>(oc.command.equipment.kind);
      ar.equipment_index = oc.command.equipment.index;
      ar.equipment_server = oc.command.equipment.server;
      ar.goods = oc.command.goods;
      if (verdict) ar.accepted = verdict->kind == twin::DecisionKind::CommandAccepted;
      ar.outcome = verdict ? std::string(std::string_view(verdict->text).substr(0, kMaxDecisionText)) : std::string();
      const std::string hash = AuditChain::link_hash(chain.index + 1, chain.hash, ar);
      q.bind(17, chain.index + 1);
      q.bind(18, chain.hash);
      q.bind(19, hash);
      chain = AuditHead{chain.index + 1, hash};
      if (auto e = step_once(db, q, "storing a command")) return fail(*e);
      ++c.commands;
    }
  }
  Statement& u = st.session;
  u.bind(1, static_cast<int64_t>(c.events));
  u.bind(2, static_cast<int64_t>(dropped));
  u.bind(3, session);
  if (auto e = step_once(db, u, "updating the session's counters")) return fail(*e);
  if (auto e = step_once(db, st.commit, "COMMIT")) return fail(*e);
  if (chain_read) c.head = chain;
  counts = c;
  return std::nullopt;
}

}  // namespace

// [SECTION] Open

StoreResult<std::unique_ptr<Recorder>> Recorder::open(const std::string& path, const SessionInfo& info,
                                                      RecorderOptions options) {
  options.queue_max_items = std::max<size_t>(options.queue_max_items, 1);
  options.batch_max_items = std::max<size_t>(options.batch_max_items, 1);
  if (info.sites.size() > 4096 || info.notes.size() > 64 * 1024)
    return StoreError{StoreErrorCode::InvalidArgument, path, "session sites or notes too long (limits 4 KiB, 64 KiB)"};
  if (info.seed > static_cast<uint64_t>(INT64_MAX))
    return StoreError{StoreErrorCode::InvalidArgument, path, "seed above 2^63-1 cannot be stored"};

  auto probe = FileProbe::check(path);
  if (auto* e = std::get_if<StoreError>(&probe)) return *e;
  const bool fresh = std::get<FileProbe::Kind>(probe) != FileProbe::Kind::Sqlite;

  auto opened = Database::open(path, fresh ? Database::Mode::ReadWriteCreate : Database::Mode::ReadWrite);
  if (auto* e = std::get_if<StoreError>(&opened)) return *e;
  auto db = std::make_unique<Database>(std::move(std::get<Database>(opened)));
  // Nothing is written until the file is known to be ours.
  if (!fresh)
    if (auto s = Schema::check(*db, options.quick_check_on_open); is_error(s)) return std::get<StoreError>(s);

  {
    auto mode = db->prepare("PRAGMA journal_mode = WAL");
    if (auto* e = std::get_if<StoreError>(&mode)) return *e;
    Statement& m = std::get<Statement>(mode);
    if (m.step() != SQLITE_ROW || m.text(0) != "wal")
      return StoreError{StoreErrorCode::CannotOpen, path, "could not switch the file to WAL mode (a network file system?)"};
  }  // finalized here: a live statement would block the migration's COMMIT
  if (auto s = db->exec("PRAGMA synchronous = NORMAL"); is_error(s)) return std::get<StoreError>(s);
  if (options.max_page_count > 0)
    if (auto s = db->exec("PRAGMA max_page_count = " + std::to_string(options.max_page_count)); is_error(s))
      return std::get<StoreError>(s);
  if (auto s = Schema::migrate(*db); is_error(s)) return std::get<StoreError>(s);

  if (info.parent_session) {
    auto n = db->query_int("SELECT count(*) FROM sessions WHERE id = " + std::to_string(*info.parent_session));
    if (auto* e = std::get_if<StoreError>(&n)) return *e;
    if (std::get<int64_t>(n) != 1)
      return StoreError{StoreErrorCode::InvalidArgument, path,
                        "parent session " + std::to_string(*info.parent_session) + " is not in this recording"};
  }
  auto ins = db->prepare(
      "INSERT INTO sessions(started_utc, sites, seed, source, parent_session, fork_seq, notes, event_codec) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
  if (auto* e = std::get_if<StoreError>(&ins)) return *e;
  {
    Statement& s = std::get<Statement>(ins);
    s.bind(1, now_utc());
    s.bind(2, info.sites);
    s.bind(3, static_cast<int64_t>(info.seed));
    s.bind(4, to_string(info.source));
    if (info.parent_session) s.bind(5, *info.parent_session); else s.bind_null(5);
    if (info.fork_seq) s.bind(6, static_cast<int64_t>(*info.fork_seq)); else s.bind_null(6);
    s.bind(7, info.notes);
    s.bind(8, kEventBinaryVersion);
    if (auto e = step_once(*db, s, "creating the session")) return *e;
  }
  const int64_t session = sqlite3_last_insert_rowid(db->handle());

  auto st = std::make_unique<RecorderStatements>();
  struct Spec { Statement* out; const char* sql; };
  const Spec specs[] = {
      {&st->begin, "BEGIN IMMEDIATE"},
      {&st->commit, "COMMIT"},
      {&st->rollback, "ROLLBACK"},
      {&st->event, "INSERT INTO events(session, seq, time_ms, site, type, body) VALUES (?, ?, ?, ?, ?, ?)"},
      {&st->decision, "INSERT INTO decisions(session, cause_seq, idx, time_ms, site, kind, shipment, resource, unit, "
                      "value, text) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"},
      {&st->command, "INSERT INTO commands(session, seq, time_ms, site, actor, role, reason, kind, lane, shipment, "
                     "equipment_kind, equipment_index, equipment_server, goods, accepted, outcome, chain_index, prev_hash, hash) "
                     "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"},
      {&st->snapshot, "INSERT OR REPLACE INTO snapshots(session, seq, time_ms, state_hash, kpis) VALUES (?, ?, ?, ?, ?)"},
      {&st->session, "UPDATE sessions SET events = events + ?, dropped_events = ? WHERE id = ?"},
  };
  for (const Spec& sp : specs) {
    auto p = db->prepare(sp.sql);
    if (auto* e = std::get_if<StoreError>(&p)) return *e;
    *sp.out = std::move(std::get<Statement>(p));
  }
  return std::unique_ptr<Recorder>(new Recorder(path, std::move(db), std::move(st), session, options));
}

Recorder::Recorder(std::string path, std::unique_ptr<Database> db, std::unique_ptr<RecorderStatements> statements,
                   int64_t session, RecorderOptions options)
    : path_(std::move(path)), db_(std::move(db)), statements_(std::move(statements)), session_(session),
      options_(options) {
  queue_.reserve(std::min<size_t>(options_.batch_max_items, options_.queue_max_items));
  thread_ = std::thread([this] { run(); });
}

Recorder::~Recorder() { close(); }

// [SECTION] Producer side

void Recorder::reject(StoreError e) {
  std::lock_guard lk(mutex_);
  ++stats_.rejected;
  stats_.last_error = std::move(e);
  stats_.has_error = true;
}

bool Recorder::push(RecorderItem&& item) {
  std::lock_guard lk(mutex_);
  if (closed_) {
    ++stats_.rejected;
    stats_.last_error = StoreError{StoreErrorCode::InvalidArgument, path_, "append after close"};
    stats_.has_error = true;
    return false;
  }
  if (held_ >= options_.queue_max_items) {
    ++stats_.dropped;
    return false;
  }
  if (!item.is_snapshot) {
    if (has_last_seq_ && item.seq <= last_seq_) {
      ++stats_.rejected;
      stats_.last_error = StoreError{StoreErrorCode::InvalidArgument, path_,
                                     "event seq " + std::to_string(item.seq) + " after seq " +
                                         std::to_string(last_seq_) + ": seqs must strictly increase in a session"};
      stats_.has_error = true;
      return false;
    }
    has_last_seq_ = true;
    last_seq_ = item.seq;
  }
  queue_.push_back(std::move(item));
  ++held_;
  ++stats_.accepted;
  if (queue_.size() >= options_.batch_max_items) wake_writer_.notify_one();
  return true;
}

bool Recorder::append(const twin::Event& event, const twin::Decisions& decisions) {
  if (event.seq > static_cast<uint64_t>(INT64_MAX)) {
    reject(StoreError{StoreErrorCode::InvalidArgument, path_, "event seq above 2^63-1 cannot be stored"});
    return false;
  }
  if (decisions.size() > options_.decisions_max_per_event) {
    reject(StoreError{StoreErrorCode::InvalidArgument, path_,
                      "event seq " + std::to_string(event.seq) + " has " + std::to_string(decisions.size()) +
                          " decisions, above the limit of " + std::to_string(options_.decisions_max_per_event)});
    return false;
  }
  RecorderItem item;
  if (auto err = encode_event(event, item.blob)) {
    reject(StoreError{StoreErrorCode::InvalidArgument, path_, err->why});
    return false;
  }
  item.seq = event.seq;
  item.time_ms = event.time_ms;
  item.site = event.site;
  item.type = static_cast<uint8_t>(event.body.index());
  item.decisions = decisions;
  if (auto* oc = std::get_if<twin::OperatorCommand>(&event.body)) item.command = *oc;
  return push(std::move(item));
}

bool Recorder::snapshot(Snapshot s) {
  if (s.kpis_json.size() > kSnapshotMaxKpiBytes || s.seq > static_cast<uint64_t>(INT64_MAX)) {
    reject(StoreError{StoreErrorCode::InvalidArgument, path_,
                      "snapshot at seq " + std::to_string(s.seq) + " is too large or its seq is out of range"});
    return false;
  }
  RecorderItem item;
  item.is_snapshot = true;
  item.snapshot = std::move(s);
  return push(std::move(item));
}

RecorderStats Recorder::stats() const {
  std::lock_guard lk(mutex_);
  RecorderStats s = stats_;
  s.queued = held_;
  return s;
}

// [SECTION] Writer thread

void Recorder::run() {
  std::vector<RecorderItem> pending;   // taken from the queue, not yet committed
  std::vector<RecorderItem> incoming;  // the queue as swapped out under the lock
  size_t first = 0;
  bool failing = false;
  for (;;) {
    bool stopping = false;
    uint64_t dropped = 0;
    {
      std::unique_lock lk(mutex_);
      if (failing) {
        wake_writer_.wait_for(lk, options_.retry_interval, [&] { return stop_; });
      } else {
        wake_writer_.wait_for(lk, options_.flush_interval, [&] {
          return stop_ || flush_requested_ || queue_.size() >= options_.batch_max_items;
        });
      }
      incoming.clear();
      incoming.swap(queue_);  // O(1) under the lock; the producer gets an empty vector back
      flush_requested_ = false;
      stopping = stop_;
      dropped = stats_.dropped;
    }
    if (pending.empty()) {
      pending.swap(incoming);
      first = 0;
    } else {
      for (auto& it : incoming) pending.push_back(std::move(it));
    }
    failing = false;
    while (first < pending.size()) {
      const size_t n = std::min(options_.batch_max_items, pending.size() - first);
      BatchCounts c;
      auto err = write_batch(*db_, *statements_, session_, pending, first, n, dropped, c);
      Status signed_head;
      if (!err && c.head && options_.audit_signer) signed_head = options_.audit_signer->write_signed_head(path_, *c.head);
      std::lock_guard lk(mutex_);
      if (signed_head) {
        ++stats_.audit_sign_failures;
        stats_.last_error = StoreError{StoreErrorCode::Io, path_, signed_head->message()};
        stats_.has_error = true;
      }
      if (err) {
        ++stats_.write_errors;
        stats_.last_error = *err;
        stats_.has_error = true;
        failing = true;
        progress_.notify_all();
        break;
      }
      first += n;
      held_ -= n;
      committed_items_ += n;
      stats_.committed_events += c.events;
      stats_.committed_decisions += c.decisions;
      stats_.committed_commands += c.commands;
      stats_.committed_snapshots += c.snapshots;
      ++stats_.committed_batches;
      progress_.notify_all();
    }
    if (first == pending.size()) {
      pending.clear();
      first = 0;
    } else if (first > options_.batch_max_items) {
      pending.erase(pending.begin(), pending.begin() + static_cast<std::ptrdiff_t>(first));
      first = 0;
    }
    if (stopping) {
      // That was the last try: what is left is lost, and close() says so.
      std::lock_guard lk(mutex_);
      lost_items_ = pending.size() - first;
      held_ -= lost_items_;
      writer_done_ = true;
      progress_.notify_all();
      return;
    }
  }
}

// [SECTION] Flush and close

StoreStatus Recorder::flush(std::chrono::milliseconds timeout) {
  std::unique_lock lk(mutex_);
  const uint64_t target = stats_.accepted;
  const uint64_t errors = stats_.write_errors;
  flush_requested_ = true;
  wake_writer_.notify_one();
  progress_.wait_for(lk, timeout, [&] {
    return committed_items_ >= target || stats_.write_errors > errors || writer_done_;
  });
  if (committed_items_ >= target) return std::monostate{};
  if (stats_.write_errors > errors) return stats_.last_error;
  return StoreError{StoreErrorCode::Busy, path_,
                    "flush timed out with " + std::to_string(held_) + " items still queued"};
}

StoreStatus Recorder::close() {
  {
    std::lock_guard lk(mutex_);
    if (closed_) return close_status_;
    closed_ = true;
    stop_ = true;
    wake_writer_.notify_one();
  }
  if (thread_.joinable()) thread_.join();

  StoreStatus status = std::monostate{};
  uint64_t dropped = 0;
  {
    std::lock_guard lk(mutex_);
    dropped = stats_.dropped;
    if (lost_items_ > 0)
      status = StoreError{stats_.last_error.code, path_,
                          std::to_string(lost_items_) + " queued items could not be written before close (" +
                              stats_.last_error.detail + ")"};
  }
  // The session's end; then fold the WAL back so the closed file stands alone. Both are
  // best effort on a failing disk: the committed data is already safe.
  auto end = db_->prepare("UPDATE sessions SET ended_utc = ?, dropped_events = ? WHERE id = ?");
  if (auto* s = std::get_if<Statement>(&end)) {
    s->bind(1, now_utc());
    s->bind(2, static_cast<int64_t>(dropped));
    s->bind(3, session_);
    if (auto e = step_once(*db_, *s, "stamping the session's end"); e && !is_error(status)) status = *e;
  }
  statements_.reset();
  db_->exec("PRAGMA wal_checkpoint(TRUNCATE)");
  db_->exec("PRAGMA journal_mode = DELETE");  // fails harmlessly while a reader has the file open
  db_.reset();
  std::lock_guard lk(mutex_);
  close_status_ = status;
  return status;
}

}  // namespace connectors
