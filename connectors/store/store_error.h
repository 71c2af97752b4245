// The typed error of the recording store: what went wrong, with which file, in words a
// person can act on. Every store call returns one of these instead of throwing; nothing
// here touches SQLite or the file system.
#pragma once
#include "connectors/result.h"
#include <cstdint>
#include <string>
#include <variant>

namespace connectors {

enum class StoreErrorCode : uint8_t {
  NotFound = 0,      // the file does not exist (reading)
  NotSqlite,         // the file is not an SQLite database at all
  Truncated,         // an SQLite file shorter than its own header says
  Corrupt,           // SQLite reports corruption (quick_check failed, malformed page)
  NotARecording,     // a valid SQLite database, but not a Gate Twin recording (no magic)
  NewerSchema,       // a recording written by a newer Gate Twin; this build cannot read it
  BadRecord,         // one row could not be decoded (its blob or a column is invalid)
  NoSuchSession,     // the session id is not in the file
  DiskFull,          // SQLITE_FULL: the disk (or the page limit) is full
  Io,                // SQLITE_IOERR and friends
  Busy,              // another process holds a lock for too long
  CannotOpen,        // permissions, a directory, a missing parent folder
  InvalidArgument,   // a caller error: out-of-order seq, oversized record, closed recorder
  Sqlite,            // any other SQLite failure
};

const char* to_string(StoreErrorCode c);

struct StoreError {
  StoreErrorCode code = StoreErrorCode::Sqlite;
  std::string path;     // the recording file, empty when not about a file
  std::string detail;   // why, and what to do
  std::string message() const;  // "path: code name: detail"
};

template <class T>
using StoreResult = Result<T, StoreError>;

// A result with no value: std::monostate on success.
using StoreStatus = std::variant<std::monostate, StoreError>;

template <class T>
bool is_error(const std::variant<T, StoreError>& r) { return std::holds_alternative<StoreError>(r); }

}  // namespace connectors
