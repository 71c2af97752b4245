// StoreError naming. See store_error.h.
#include "connectors/store/store_error.h"

namespace connectors {

const char* to_string(StoreErrorCode c) {
  switch (c) {
    case StoreErrorCode::NotFound: return "not found";
    case StoreErrorCode::NotSqlite: return "not an SQLite file";
    case StoreErrorCode::Truncated: return "truncated";
    case StoreErrorCode::Corrupt: return "corrupt";
    case StoreErrorCode::NotARecording: return "not a Gate Twin recording";
    case StoreErrorCode::NewerSchema: return "newer schema";
    case StoreErrorCode::BadRecord: return "bad record";
    case StoreErrorCode::NoSuchSession: return "no such session";
    case StoreErrorCode::DiskFull: return "disk full";
    case StoreErrorCode::Io: return "I/O error";
    case StoreErrorCode::Busy: return "busy";
    case StoreErrorCode::CannotOpen: return "cannot open";
    case StoreErrorCode::InvalidArgument: return "invalid argument";
    case StoreErrorCode::Sqlite: return "SQLite error";
  }
  return "unknown";
}

std::string StoreError::message() const {
  std::string m;
  if (!path.empty()) m = path + ": ";
  m += to_string(code);
  if (!detail.empty()) m += ": " + detail;
  return m;
}

}  // namespace connectors
