// Database: the SQLite connection wrapper. See database.h.
#include "connectors/store/database.h"

namespace connectors {

StoreErrorCode code_for_sqlite(int rc) {
  switch (rc & 0xFF) {
    case SQLITE_FULL: return StoreErrorCode::DiskFull;
    case SQLITE_IOERR: return StoreErrorCode::Io;
    case SQLITE_CORRUPT: return StoreErrorCode::Corrupt;
    case SQLITE_NOTADB: return StoreErrorCode::NotSqlite;
    case SQLITE_BUSY:
    case SQLITE_LOCKED: return StoreErrorCode::Busy;
    case SQLITE_CANTOPEN:
    case SQLITE_PERM:
    case SQLITE_READONLY: return StoreErrorCode::CannotOpen;
    case SQLITE_TOOBIG:
    case SQLITE_CONSTRAINT:
    case SQLITE_MISUSE: return StoreErrorCode::InvalidArgument;
    default: return StoreErrorCode::Sqlite;
  }
}

StoreResult<Database> Database::open(const std::string& path, Mode mode) {
  int flags = SQLITE_OPEN_NOMUTEX;  // each connection is used by one thread at a time
  switch (mode) {
    case Mode::ReadOnly: flags |= SQLITE_OPEN_READONLY; break;
    case Mode::ReadWrite: flags |= SQLITE_OPEN_READWRITE; break;
    case Mode::ReadWriteCreate: flags |= SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE; break;
  }
  Database d;
  d.path_ = path;
  const int rc = sqlite3_open_v2(path.c_str(), &d.db_, flags, nullptr);
  if (rc != SQLITE_OK) return d.error(rc, "opening the file");
  sqlite3_extended_result_codes(d.db_, 1);
  sqlite3_busy_timeout(d.db_, 2000);
  return d;
}

Database::~Database() { sqlite3_close_v2(db_); }

Database& Database::operator=(Database&& o) noexcept {
  if (this != &o) {
    sqlite3_close_v2(db_);
    db_ = o.db_;
    path_ = std::move(o.path_);
    o.db_ = nullptr;
  }
  return *this;
}

StoreError Database::error(int rc, const std::string& doing) const {
  std::string why = doing + " failed: ";
  why += db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
  why += " (SQLite code " + std::to_string(rc) + ")";
  const StoreErrorCode c = code_for_sqlite(rc);
  if (c == StoreErrorCode::DiskFull) why += "; free disk space, the recorder keeps its queue and retries";
  if (c == StoreErrorCode::Busy) why += "; another program holds the recording locked";
  return StoreError{c, path_, why};
}

StoreStatus Database::exec(const std::string& sql) {
  char* msg = nullptr;
  const int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &msg);
  sqlite3_free(msg);
  if (rc != SQLITE_OK) return error(rc, "running \"" + sql.substr(0, 60) + "\"");
  return std::monostate{};
}

StoreResult<Statement> Database::prepare(const std::string& sql) {
  sqlite3_stmt* s = nullptr;
  const int rc = sqlite3_prepare_v2(db_, sql.c_str(), static_cast<int>(sql.size()), &s, nullptr);
  if (rc != SQLITE_OK) {
    sqlite3_finalize(s);
    return error(rc, "preparing \"" + sql.substr(0, 60) + "\"");
  }
  return Statement(s);
}

StoreResult<int64_t> Database::query_int(const std::string& sql) {
  auto st = prepare(sql);
  if (auto* e = std::get_if<StoreError>(&st)) return *e;
  auto& s = std::get<Statement>(st);
  const int rc = s.step();
  if (rc == SQLITE_ROW) return s.int64(0);
  if (rc == SQLITE_DONE) return StoreError{StoreErrorCode::Sqlite, path_, "\"" + sql + "\" returned no row"};
  return error(rc, "running \"" + sql + "\"");
}

}  // namespace connectors
