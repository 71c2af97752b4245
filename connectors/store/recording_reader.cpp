// RecordingReader: read-only queries over a recording. Every column read from the file
// is checked (ranges, enums, blob agrees with its columns) before it becomes a twin type.
#include "connectors/store/recording_reader.h"

#include "connectors/codec/event_binary.h"
#include "connectors/codec/event_json.h"  // kMaxTime_ms
#include "connectors/store/file_probe.h"
#include "connectors/store/schema.h"

#include <algorithm>

namespace connectors {

namespace {

bool in_range(int64_t v, int64_t lo, int64_t hi) { return v >= lo && v <= hi; }

}  // namespace

// [SECTION] Open

StoreResult<std::unique_ptr<RecordingReader>> RecordingReader::open(const std::string& path, ReaderOptions options) {
  auto probe = FileProbe::check(path);
  if (auto* e = std::get_if<StoreError>(&probe)) {
    if (!(options.salvage && e->code == StoreErrorCode::Truncated)) return *e;
    probe = FileProbe::Kind::Sqlite;  // salvage: read what is there
  }
  switch (std::get<FileProbe::Kind>(probe)) {
    case FileProbe::Kind::Missing:
      return StoreError{StoreErrorCode::NotFound, path, "no such file; check the path"};
    case FileProbe::Kind::Empty:
      return StoreError{StoreErrorCode::NotARecording, path, "the file is empty (0 bytes)"};
    case FileProbe::Kind::Sqlite: break;
  }
  auto opened = Database::open(path, Database::Mode::ReadOnly);
  if (auto* e = std::get_if<StoreError>(&opened)) return *e;
  Database db = std::move(std::get<Database>(opened));
  // A file cut short: SQLite refuses a header that claims more pages than the file holds
  // unless writable_schema is on, and then reads the pages that are there (the
  // connection is still read-only).
  if (options.salvage) db.exec("PRAGMA writable_schema = ON");
  if (auto s = Schema::check(db, options.quick_check && !options.salvage); is_error(s)) return std::get<StoreError>(s);
  auto v = db.query_int("PRAGMA user_version");
  if (auto* e = std::get_if<StoreError>(&v)) return *e;
  return std::unique_ptr<RecordingReader>(new RecordingReader(std::move(db), options, std::get<int64_t>(v)));
}

StoreError RecordingReader::bad_record(int64_t session, const std::string& what, const std::string& why) const {
  return StoreError{StoreErrorCode::BadRecord, db_.path(), "session " + std::to_string(session) + " " + what + ": " + why};
}

// [SECTION] Sessions

StoreResult<std::vector<Session>> RecordingReader::sessions() {
  auto st = db_.prepare(
      "SELECT id, started_utc, ended_utc, sites, seed, source, parent_session, fork_seq, notes, events, "
      "dropped_events, event_codec FROM sessions ORDER BY id");
  if (auto* e = std::get_if<StoreError>(&st)) return *e;
  Statement& s = std::get<Statement>(st);
  std::vector<Session> out;
  int rc = SQLITE_DONE;
  while ((rc = s.step()) == SQLITE_ROW) {
    Session x;
    x.id = s.int64(0);
    x.started_utc = s.text(1);
    x.ended_utc = s.is_null(2) ? "" : s.text(2);
    x.info.sites = s.text(3);
    x.info.seed = static_cast<uint64_t>(s.int64(4));
    auto src = session_source(s.text(5));
    if (!src) return bad_record(x.id, "row in sessions", "unknown source \"" + s.text(5) + "\"");
    x.info.source = *src;
    if (!s.is_null(6)) x.info.parent_session = s.int64(6);
    if (!s.is_null(7)) x.info.fork_seq = static_cast<uint64_t>(s.int64(7));
    x.info.notes = s.text(8);
    x.events = static_cast<uint64_t>(s.int64(9));
    x.dropped_events = static_cast<uint64_t>(s.int64(10));
    x.event_codec = static_cast<int>(s.int64(11));
    out.push_back(std::move(x));
  }
  if (rc != SQLITE_DONE) return db_.error(rc, "reading sessions");
  return out;
}

StoreResult<Session> RecordingReader::session(int64_t id) {
  auto all = sessions();
  if (auto* e = std::get_if<StoreError>(&all)) return *e;
  for (auto& s : std::get<std::vector<Session>>(all))
    if (s.id == id) return s;
  return StoreError{StoreErrorCode::NoSuchSession, db_.path(), "session " + std::to_string(id) + " is not in the file"};
}

StoreStatus RecordingReader::require_session(int64_t session) {
  auto n = db_.query_int("SELECT count(*) FROM sessions WHERE id = " + std::to_string(session));
  if (auto* e = std::get_if<StoreError>(&n)) return *e;
  if (std::get<int64_t>(n) == 0)
    return StoreError{StoreErrorCode::NoSuchSession, db_.path(),
                      "session " + std::to_string(session) + " is not in the file"};
  return std::monostate{};
}

// [SECTION] Events

StoreResult<uint64_t> RecordingReader::for_each_event(int64_t session, uint64_t from_seq, const EventVisitor& visit) {
  if (auto s = require_session(session); is_error(s)) return std::get<StoreError>(s);
  auto st = db_.prepare(
      "SELECT seq, time_ms, site, type, body FROM events WHERE session = ? AND seq >= ? ORDER BY seq");
  if (auto* e = std::get_if<StoreError>(&st)) return *e;
  Statement& s = std::get<Statement>(st);
  s.bind(1, session);
  s.bind(2, static_cast<int64_t>(std::min<uint64_t>(from_seq, INT64_MAX)));
  uint64_t visited = 0;
  int rc = SQLITE_DONE;
  twin::SimTime last_time = 0;  // a recording's times run from 0 and never go back (Core::apply's contract)
  while ((rc = s.step()) == SQLITE_ROW) {
    ++visited;
    const int64_t seq = s.int64(0);
    const std::string what = "event seq " + std::to_string(seq);
    StoreResult<twin::Event> item = StoreError{};
    if (s.type(4) != SQLITE_BLOB) {
      item = bad_record(session, what, "body is not a blob");
    } else {
      auto decoded = decode_event(s.blob(4), s.bytes(4));
      if (auto* de = std::get_if<EventDecodeError>(&decoded)) {
        item = bad_record(session, what, de->message());
      } else {
        twin::Event& ev = std::get<twin::Event>(decoded);
        if (static_cast<int64_t>(ev.seq) != seq || ev.time_ms != s.int64(1) || ev.site != s.int64(2) ||
            static_cast<int64_t>(ev.body.index()) != s.int64(3))
          item = bad_record(session, what, "the blob disagrees with its seq/time_ms/site/type columns");
        else if (ev.time_ms < 0 || ev.time_ms > kMaxTime_ms)
          item = bad_record(session, what, "time " + std::to_string(ev.time_ms) + " ms is outside a run (0 to 400 days)");
        else if (ev.time_ms < last_time)
          item = bad_record(session, what, "time " + std::to_string(ev.time_ms) + " ms goes back before the event before it (" +
                                               std::to_string(last_time) + " ms)");
        else
          last_time = ev.time_ms, item = std::move(ev);
      }
    }
    if (!visit(item)) break;
  }
  if (rc != SQLITE_DONE && rc != SQLITE_ROW) return db_.error(rc, "reading events");
  return visited;
}

StoreResult<std::vector<twin::Event>> RecordingReader::read_events(int64_t session, uint64_t from_seq, size_t max) {
  max = std::min(max, options_.max_rows);
  std::vector<twin::Event> out;
  std::optional<StoreError> first_error;
  auto visited = for_each_event(session, from_seq, [&](const StoreResult<twin::Event>& r) {
    if (auto* e = std::get_if<StoreError>(&r)) {
      first_error = *e;
      return false;
    }
    out.push_back(std::get<twin::Event>(r));
    return out.size() < max;
  });
  if (auto* e = std::get_if<StoreError>(&visited)) return *e;
  if (first_error) return *first_error;
  return out;
}

StoreResult<std::optional<uint64_t>> RecordingReader::seq_at_time(int64_t session, twin::SimTime time_ms) {
  if (auto s = require_session(session); is_error(s)) return std::get<StoreError>(s);
  // The (session, time_ms) index carries seq as its suffix, so this is one index seek.
  // Time never decreases along seq in a log, so the first in time order is the lowest seq.
  auto st = db_.prepare(
      "SELECT seq FROM events WHERE session = ? AND time_ms >= ? ORDER BY time_ms, seq LIMIT 1");
  if (auto* e = std::get_if<StoreError>(&st)) return *e;
  Statement& s = std::get<Statement>(st);
  s.bind(1, session);
  s.bind(2, time_ms);
  const int rc = s.step();
  if (rc == SQLITE_DONE) return std::optional<uint64_t>{};
  if (rc != SQLITE_ROW) return db_.error(rc, "seeking by time");
  return std::optional<uint64_t>{static_cast<uint64_t>(s.int64(0))};
}

// [SECTION] Decisions, commands, snapshots

StoreResult<std::vector<twin::Decision>> RecordingReader::read_decisions(int64_t session, uint64_t from_seq,
                                                                         size_t max) {
  if (auto s = require_session(session); is_error(s)) return std::get<StoreError>(s);
  max = std::min(max, options_.max_rows);
  auto st = db_.prepare(
      "SELECT cause_seq, idx, time_ms, site, kind, shipment, resource, unit, value, text FROM decisions "
      "WHERE session = ? AND cause_seq >= ? ORDER BY cause_seq, idx");
  if (auto* e = std::get_if<StoreError>(&st)) return *e;
  Statement& s = std::get<Statement>(st);
  s.bind(1, session);
  s.bind(2, static_cast<int64_t>(std::min<uint64_t>(from_seq, INT64_MAX)));
  std::vector<twin::Decision> out;
  int rc = SQLITE_DONE;
  while (out.size() < max && (rc = s.step()) == SQLITE_ROW) {
    const std::string what = "decision " + std::to_string(s.int64(1)) + " of event seq " + std::to_string(s.int64(0));
    if (!in_range(s.int64(3), 0, 255) || !in_range(s.int64(4), 0, static_cast<int64_t>(twin::DecisionKind::Count) - 1) ||
        !in_range(s.int64(5), 0, UINT32_MAX) || !in_range(s.int64(6), 0, UINT16_MAX) ||
        !in_range(s.int64(7), 0, UINT16_MAX) || s.int64(0) < 0)
      return bad_record(session, what, "a column is out of range");
    twin::Decision d;
    d.cause_seq = static_cast<uint64_t>(s.int64(0));
    d.time_ms = s.int64(2);
    d.site = static_cast<uint8_t>(s.int64(3));
    d.kind = static_cast<twin::DecisionKind>(s.int64(4));
    d.shipment = twin::ShipmentId{static_cast<uint32_t>(s.int64(5))};
    d.resource = static_cast<uint16_t>(s.int64(6));
    d.unit = static_cast<uint16_t>(s.int64(7));
    d.value = s.int64(8);
    d.text = s.text(9);
    out.push_back(std::move(d));
  }
  if (out.size() < max && rc != SQLITE_DONE) return db_.error(rc, "reading decisions");
  return out;
}

StoreResult<std::vector<twin::CommandRecord>> RecordingReader::read_commands(int64_t session) {
  if (auto s = require_session(session); is_error(s)) return std::get<StoreError>(s);
  auto st = db_.prepare(
      "SELECT seq, time_ms, site, actor, role, reason, kind, lane, shipment, equipment_kind, equipment_index, "
      "equipment_server, goods, accepted, outcome FROM commands WHERE session = ? ORDER BY seq");
  if (auto* e = std::get_if<StoreError>(&st)) return *e;
  Statement& s = std::get<Statement>(st);
  s.bind(1, session);
  std::vector<twin::CommandRecord> out;
  int rc = SQLITE_DONE;
  while (out.size() < options_.max_rows && (rc = s.step()) == SQLITE_ROW) {
    const std::string what = "command seq " + std::to_string(s.int64(0));
    if (s.int64(0) < 0 || !in_range(s.int64(2), 0, 255) || !in_range(s.int64(4), 0, 2) ||
        !in_range(s.int64(6), 0, static_cast<int64_t>(twin::CommandKind::Count) - 1) ||
        !in_range(s.int64(7), 0, UINT16_MAX) || !in_range(s.int64(8), 0, UINT32_MAX) ||
        !in_range(s.int64(9), 0, 2) || !in_range(s.int64(10), 0, UINT16_MAX) ||
        !in_range(s.int64(11), 0, UINT16_MAX) || !in_range(s.int64(12), 0, UINT16_MAX))
      return bad_record(session, what, "a column is out of range");
    twin::CommandRecord c;
    c.seq = static_cast<uint64_t>(s.int64(0));
    c.time_ms = s.int64(1);
    c.site = static_cast<uint8_t>(s.int64(2));
    c.actor = s.text(3);
    c.role = static_cast<twin::Role>(s.int64(4));
    c.reason = s.text(5);
    c.command.kind = static_cast<twin::CommandKind>(s.int64(6));
    c.command.lane = static_cast<uint16_t>(s.int64(7));
    c.command.shipment = twin::ShipmentId{static_cast<uint32_t>(s.int64(8))};
    c.command.equipment.kind = static_cast<twin::EquipmentRef::Kind>(s.int64(9));
    c.command.equipment.index = static_cast<uint16_t>(s.int64(10));
    c.command.equipment.server = static_cast<uint16_t>(s.int64(11));
    c.command.goods = static_cast<uint16_t>(s.int64(12));
    c.accepted = !s.is_null(13) && s.int64(13) == 1;
    c.outcome = s.text(14);
    out.push_back(std::move(c));
  }
  if (out.size() < options_.max_rows && rc != SQLITE_DONE) return db_.error(rc, "reading commands");
  return out;
}

StoreResult<std::vector<Snapshot>> RecordingReader::read_snapshots(int64_t session) {
  if (auto s = require_session(session); is_error(s)) return std::get<StoreError>(s);
  auto st = db_.prepare("SELECT seq, time_ms, state_hash, kpis FROM snapshots WHERE session = ? ORDER BY seq");
  if (auto* e = std::get_if<StoreError>(&st)) return *e;
  Statement& s = std::get<Statement>(st);
  s.bind(1, session);
  std::vector<Snapshot> out;
  int rc = SQLITE_DONE;
  while (out.size() < options_.max_rows && (rc = s.step()) == SQLITE_ROW) {
    if (s.int64(0) < 0) return bad_record(session, "snapshot", "negative seq");
    Snapshot x;
    x.seq = static_cast<uint64_t>(s.int64(0));
    x.time_ms = s.int64(1);
    x.state_hash = static_cast<uint64_t>(s.int64(2));
    x.kpis_json = s.text(3);
    out.push_back(std::move(x));
  }
  if (out.size() < options_.max_rows && rc != SQLITE_DONE) return db_.error(rc, "reading snapshots");
  return out;
}

}  // namespace connectors
