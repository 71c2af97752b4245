// Looks at a file's raw bytes before SQLite is allowed near it, so that a file that is
// not SQLite at all, or an SQLite file cut short, each gets its own clear error. It only
// reads (stat and the first 100 bytes); it must never create, lock or write the file.
#pragma once
#include "connectors/store/store_error.h"

#include <string>

namespace connectors {

class FileProbe {
 public:
  enum class Kind { Missing, Empty, Sqlite };

  // Missing, Empty (0 bytes) or Sqlite (a header that SQLite would accept and a size that
  // covers the page count the header claims). NotSqlite or Truncated otherwise.
  static StoreResult<Kind> check(const std::string& path);
};

}  // namespace connectors
