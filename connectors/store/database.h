// One SQLite connection owned by RAII, with SQLite result codes turned into StoreErrors
// that name the file. Used by Schema, Recorder and RecordingReader; it decides nothing
// about the recording format and must not throw.
#pragma once
#include "connectors/store/statement.h"
#include "connectors/store/store_error.h"

#include <sqlite3.h>

#include <memory>
#include <string>

namespace connectors {

class Database {
 public:
  enum class Mode { ReadOnly, ReadWrite, ReadWriteCreate };

  static StoreResult<Database> open(const std::string& path, Mode mode);

  Database() = default;
  ~Database();
  Database(Database&& o) noexcept : db_(o.db_), path_(std::move(o.path_)) { o.db_ = nullptr; }
  Database& operator=(Database&& o) noexcept;
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  sqlite3* handle() const { return db_; }
  const std::string& path() const { return path_; }

  // Runs one or more statements that return no rows we need.
  StoreStatus exec(const std::string& sql);
  StoreResult<Statement> prepare(const std::string& sql);
  // First column of the first row as an integer (for PRAGMAs); error if no row.
  StoreResult<int64_t> query_int(const std::string& sql);

  // The StoreError for SQLite result rc, with the connection's message and what was being done.
  StoreError error(int rc, const std::string& doing) const;

 private:
  sqlite3* db_ = nullptr;
  std::string path_;
};

// Maps an SQLite primary result code to the store's error code.
StoreErrorCode code_for_sqlite(int rc);

}  // namespace connectors
