// Statement helpers. See statement.h.
#include "connectors/store/statement.h"

namespace connectors {

Statement& Statement::operator=(Statement&& o) noexcept {
  if (this != &o) {
    sqlite3_finalize(stmt_);
    stmt_ = o.stmt_;
    o.stmt_ = nullptr;
  }
  return *this;
}

std::string Statement::text(int col) const {
  const unsigned char* t = sqlite3_column_text(stmt_, col);
  if (!t) return {};
  return std::string(reinterpret_cast<const char*>(t), static_cast<size_t>(sqlite3_column_bytes(stmt_, col)));
}

}  // namespace connectors
