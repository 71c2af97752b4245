// Schema: identity checks and migrations. Each migration is one step from version N to
// N + 1 and runs inside the same transaction as the user_version update, so a crash leaves
// either the old or the new version. Never edit a shipped step: add a new one.
#include "connectors/store/schema.h"

#include <cstdio>

namespace connectors {

namespace {

// [SECTION] Migrations: kMigrations[i] takes a file from version i to i + 1.
const char* const kMigrations[] = {
    // 0 -> 1: the first recording format.
    R"sql(
CREATE TABLE meta(
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE sessions(
  id             INTEGER PRIMARY KEY,
  started_utc    TEXT NOT NULL,
  ended_utc      TEXT,
  sites          TEXT NOT NULL,
  seed           INTEGER NOT NULL,
  source         TEXT NOT NULL CHECK (source IN ('sim', 'live', 'replay', 'fork')),
  parent_session INTEGER REFERENCES sessions(id),
  fork_seq       INTEGER,
  notes          TEXT NOT NULL DEFAULT '',
  events         INTEGER NOT NULL DEFAULT 0,
  dropped_events INTEGER NOT NULL DEFAULT 0,
  event_codec    INTEGER NOT NULL
);
CREATE TABLE events(
  session INTEGER NOT NULL,
  seq     INTEGER NOT NULL,
  time_ms INTEGER NOT NULL,
  site    INTEGER NOT NULL,
  type    INTEGER NOT NULL,
  body    BLOB NOT NULL,
  PRIMARY KEY (session, seq)
) WITHOUT ROWID;
CREATE INDEX events_by_time ON events(session, time_ms);
CREATE TABLE decisions(
  session   INTEGER NOT NULL,
  cause_seq INTEGER NOT NULL,
  idx       INTEGER NOT NULL,
  time_ms   INTEGER NOT NULL,
  site      INTEGER NOT NULL,
  kind      INTEGER NOT NULL,
  shipment  INTEGER NOT NULL,
  resource  INTEGER NOT NULL,
  unit      INTEGER NOT NULL,
  value     INTEGER NOT NULL,
  text      TEXT NOT NULL,
  PRIMARY KEY (session, cause_seq, idx)
) WITHOUT ROWID;
CREATE TABLE commands(
  session          INTEGER NOT NULL,
  seq              INTEGER NOT NULL,
  time_ms          INTEGER NOT NULL,
  site             INTEGER NOT NULL,
  actor            TEXT NOT NULL,
  role             INTEGER NOT NULL,
  reason           TEXT NOT NULL,
  kind             INTEGER NOT NULL,
  lane             INTEGER NOT NULL,
  shipment         INTEGER NOT NULL,
  equipment_kind   INTEGER NOT NULL,
  equipment_index  INTEGER NOT NULL,
  equipment_server INTEGER NOT NULL,
  goods            INTEGER NOT NULL,
  accepted         INTEGER,
  outcome          TEXT NOT NULL,
  PRIMARY KEY (session, seq)
) WITHOUT ROWID;
CREATE TABLE snapshots(
  session    INTEGER NOT NULL,
  seq        INTEGER NOT NULL,
  time_ms    INTEGER NOT NULL,
  state_hash INTEGER NOT NULL,
  kpis       TEXT NOT NULL,
  PRIMARY KEY (session, seq)
) WITHOUT ROWID;
INSERT INTO meta(key, value) VALUES ('magic', 'gatetwin-recording'), ('created_by', 'gatetwin connectors/store');
)sql",
    // 1 -> 2: the tamper-evident audit chain over operator commands (audit_chain.h).
    // Rows of version 1 keep NULL chain columns ("unchained"); a version 1 reader refuses
    // the file as newer, so it is never written by a build that does not chain.
    R"sql(
ALTER TABLE commands ADD COLUMN chain_index INTEGER;
ALTER TABLE commands ADD COLUMN prev_hash TEXT;
ALTER TABLE commands ADD COLUMN hash TEXT;
CREATE INDEX commands_by_chain ON commands(chain_index);
)sql",
};
constexpr int64_t kMigrationCount = sizeof kMigrations / sizeof kMigrations[0];
static_assert(kMigrationCount == Schema::kVersion, "one migration per schema version");

std::string hex32(int64_t v) {
  char b[16];
  std::snprintf(b, sizeof b, "0x%08x", static_cast<unsigned>(static_cast<uint32_t>(v)));
  return b;
}

}  // namespace

StoreStatus Schema::check(Database& db, bool quick_check) {
  const std::string& path = db.path();
  if (quick_check) {
    auto st = db.prepare("PRAGMA quick_check(20)");
    if (auto* e = std::get_if<StoreError>(&st)) {
      if (e->code == StoreErrorCode::NotSqlite) e->code = StoreErrorCode::Corrupt;
      return *e;
    }
    auto& s = std::get<Statement>(st);
    std::string problems;
    int rc = SQLITE_DONE;
    while ((rc = s.step()) == SQLITE_ROW) {
      std::string line = s.text(0);
      if (line == "ok") continue;
      if (!problems.empty()) problems += "; ";
      problems += line;
    }
    if (rc != SQLITE_DONE) {
      StoreError e = db.error(rc, "PRAGMA quick_check");
      if (e.code == StoreErrorCode::NotSqlite || e.code == StoreErrorCode::Sqlite) e.code = StoreErrorCode::Corrupt;
      if (e.code == StoreErrorCode::Corrupt)
        e.detail += "; restore the file from a copy (recordings are append-only, an older copy is a valid prefix)";
      return e;
    }
    if (!problems.empty())
      return StoreError{StoreErrorCode::Corrupt, path,
                        "PRAGMA quick_check found damage: " + problems.substr(0, 500) +
                            "; restore the file from a copy (recordings are append-only, an older copy is a valid prefix)"};
  }
  auto app = db.query_int("PRAGMA application_id");
  if (auto* e = std::get_if<StoreError>(&app)) return *e;
  if (std::get<int64_t>(app) != kApplicationId)
    return StoreError{StoreErrorCode::NotARecording, path,
                      "SQLite application id " + hex32(std::get<int64_t>(app)) + " is not Gate Twin's (" +
                          hex32(kApplicationId) + "); this database was written by another program"};
  auto has_meta = db.query_int("SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'meta'");
  if (auto* e = std::get_if<StoreError>(&has_meta)) return *e;
  if (std::get<int64_t>(has_meta) != 1)
    return StoreError{StoreErrorCode::NotARecording, path, "no meta table: the Gate Twin application id is set but the "
                                                           "recording tables are missing"};
  auto magic = db.prepare("SELECT value FROM meta WHERE key = 'magic'");
  if (auto* e = std::get_if<StoreError>(&magic)) return *e;
  auto& m = std::get<Statement>(magic);
  if (m.step() != SQLITE_ROW || m.text(0) != kMagic)
    return StoreError{StoreErrorCode::NotARecording, path, std::string("meta.magic is not \"") + kMagic + "\""};
  auto version = db.query_int("PRAGMA user_version");
  if (auto* e = std::get_if<StoreError>(&version)) return *e;
  const int64_t v = std::get<int64_t>(version);
  if (v > kVersion)
    return StoreError{StoreErrorCode::NewerSchema, path,
                      "schema version " + std::to_string(v) + " is newer than this build understands (" +
                          std::to_string(kVersion) + "); read it with a newer Gate Twin. The file was not changed"};
  if (v < 1)
    return StoreError{StoreErrorCode::Corrupt, path,
                      "the recording magic is present but the schema version is " + std::to_string(v)};
  return std::monostate{};
}

StoreStatus Schema::migrate(Database& db) {
  auto version = db.query_int("PRAGMA user_version");
  if (auto* e = std::get_if<StoreError>(&version)) return *e;
  const int64_t from = std::get<int64_t>(version);
  if (from > kVersion)
    return StoreError{StoreErrorCode::NewerSchema, db.path(), "will not migrate a newer file (version " +
                                                                  std::to_string(from) + ")"};
  if (from == kVersion) return std::monostate{};
  if (auto s = db.exec("BEGIN IMMEDIATE"); is_error(s)) return s;
  for (int64_t v = from; v < kVersion; ++v) {
    if (auto s = db.exec(kMigrations[v]); is_error(s)) {
      db.exec("ROLLBACK");
      return s;
    }
  }
  const std::string finish = "PRAGMA application_id = " + std::to_string(kApplicationId) +
                             "; PRAGMA user_version = " + std::to_string(kVersion) +
                             "; INSERT OR REPLACE INTO meta(key, value) VALUES ('schema_version', '" +
                             std::to_string(kVersion) + "')";
  if (auto s = db.exec(finish); is_error(s)) {
    db.exec("ROLLBACK");
    return s;
  }
  return db.exec("COMMIT");
}

}  // namespace connectors
