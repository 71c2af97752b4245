// Test support for the store tests (tests/connectors: store, audit): a temporary folder
// removed with everything in it at the end of the test, and raw SQL against a file
// (to damage or fake a recording the way a foreign tool or a bad disk would). Header
// only, with Catch2: it REQUIREs that the folder is made and the SQL runs. It must not
// open a recording through the store itself: tests do.
#pragma once
#include <catch2/catch.hpp>
#include <sqlite3.h>
#include <stdlib.h>

#include <filesystem>
#include <string>
#include <system_error>

namespace testsupport {

class TempDir {
 public:
  explicit TempDir(const std::string& prefix = "gatetwin_test") {
    std::string t = (std::filesystem::temp_directory_path() / (prefix + "_XXXXXX")).string();
    REQUIRE(mkdtemp(t.data()) != nullptr);
    path = t;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::string file(const std::string& name) const { return (path / name).string(); }

  std::filesystem::path path;
};

// Runs sql on the SQLite file at path (made if missing); REQUIREs that it succeeds.
inline void raw_sql(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  char* msg = nullptr;
  const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &msg);
  INFO((msg ? msg : ""));
  sqlite3_free(msg);
  sqlite3_close(db);
  REQUIRE(rc == SQLITE_OK);
}

}  // namespace testsupport
