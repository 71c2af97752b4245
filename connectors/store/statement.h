// A prepared SQLite statement owned by RAII: bind, step, read columns, reset. A thin
// wrapper for the store's own classes; it must not hide an error code or throw.
#pragma once
#include <sqlite3.h>

#include <cstdint>
#include <string>
#include <string_view>

namespace connectors {

class Statement {
 public:
  Statement() = default;
  explicit Statement(sqlite3_stmt* s) : stmt_(s) {}
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(Statement&& o) noexcept : stmt_(o.stmt_) { o.stmt_ = nullptr; }
  Statement& operator=(Statement&& o) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  explicit operator bool() const { return stmt_ != nullptr; }
  sqlite3_stmt* get() const { return stmt_; }

  // Binding: index from 1, as in SQLite. Text and blobs are copied (SQLITE_TRANSIENT)
  // unless bind_blob_static is used, whose buffer must outlive the next step().
  void bind(int i, int64_t v) { sqlite3_bind_int64(stmt_, i, v); }
  void bind(int i, std::string_view s) { sqlite3_bind_text(stmt_, i, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT); }
  void bind_null(int i) { sqlite3_bind_null(stmt_, i); }
  void bind_blob_static(int i, const void* p, size_t n) { sqlite3_bind_blob(stmt_, i, p, static_cast<int>(n), SQLITE_STATIC); }

  int step() { return sqlite3_step(stmt_); }      // SQLITE_ROW, SQLITE_DONE or an error
  void reset() { sqlite3_reset(stmt_); sqlite3_clear_bindings(stmt_); }

  int64_t int64(int col) const { return sqlite3_column_int64(stmt_, col); }
  bool is_null(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }
  int type(int col) const { return sqlite3_column_type(stmt_, col); }
  std::string text(int col) const;
  const uint8_t* blob(int col) const { return static_cast<const uint8_t*>(sqlite3_column_blob(stmt_, col)); }
  size_t bytes(int col) const { return static_cast<size_t>(sqlite3_column_bytes(stmt_, col)); }

 private:
  sqlite3_stmt* stmt_ = nullptr;
};

}  // namespace connectors
