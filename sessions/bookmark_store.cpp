// BookmarkStore: the replay_bookmarks side table. See bookmark_store.h.
#include "sessions/bookmark_store.h"

#include "connectors/store/database.h"

namespace sessions {

using connectors::Database;
using connectors::StoreError;

connectors::Result<std::vector<Bookmark>> BookmarkStore::list(int64_t session) const {
  auto opened = Database::open(path_, Database::Mode::ReadOnly);
  if (auto* e = std::get_if<StoreError>(&opened)) return e->message();
  Database& db = std::get<Database>(opened);
  auto has = db.query_int("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'replay_bookmarks'");
  if (auto* e = std::get_if<StoreError>(&has)) return e->message();
  std::vector<Bookmark> out;
  if (std::get<int64_t>(has) == 0) return out;
  auto st = db.prepare("SELECT seq, time_ms, site, note FROM replay_bookmarks WHERE session = ? ORDER BY seq, id");
  if (auto* e = std::get_if<StoreError>(&st)) return e->message();
  auto& s = std::get<connectors::Statement>(st);
  s.bind(1, session);
  int rc = SQLITE_DONE;
  while ((rc = s.step()) == SQLITE_ROW) {
    Bookmark b;
    b.kind = Bookmark::Kind::User;
    b.seq = static_cast<uint64_t>(s.int64(0));
    b.time_ms = s.int64(1);
    b.site = static_cast<uint8_t>(s.int64(2));
    b.text = s.text(3);
    out.push_back(std::move(b));
  }
  if (rc != SQLITE_DONE) return db.error(rc, "reading replay_bookmarks").message();
  return out;
}

connectors::Status BookmarkStore::add(int64_t session, const Bookmark& b) const {
  if (b.text.size() > 4096) return "a bookmark's note is at most 4096 bytes";
  auto opened = Database::open(path_, Database::Mode::ReadWrite);
  if (auto* e = std::get_if<StoreError>(&opened)) return e->message() + " (a bookmark needs write access to the recording)";
  Database& db = std::get<Database>(opened);
  if (auto s = db.exec("BEGIN IMMEDIATE;"
                       "CREATE TABLE IF NOT EXISTS replay_bookmarks(id INTEGER PRIMARY KEY, session INTEGER NOT NULL,"
                       " seq INTEGER NOT NULL, time_ms INTEGER NOT NULL, site INTEGER NOT NULL, note TEXT NOT NULL,"
                       " created_utc TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')));");
      connectors::is_error(s))
    return std::get<StoreError>(s).message();
  auto st = db.prepare("INSERT INTO replay_bookmarks(session, seq, time_ms, site, note) VALUES (?, ?, ?, ?, ?)");
  if (auto* e = std::get_if<StoreError>(&st)) {
    db.exec("ROLLBACK");
    return e->message();
  }
  auto& s = std::get<connectors::Statement>(st);
  s.bind(1, session);
  s.bind(2, static_cast<int64_t>(b.seq));
  s.bind(3, b.time_ms);
  s.bind(4, static_cast<int64_t>(b.site));
  s.bind(5, std::string_view(b.text));
  if (int rc = s.step(); rc != SQLITE_DONE) {
    std::string why = db.error(rc, "adding a bookmark").message();
    db.exec("ROLLBACK");
    return why;
  }
  if (auto c = db.exec("COMMIT"); connectors::is_error(c)) return std::get<StoreError>(c).message();
  return std::nullopt;
}

}  // namespace sessions
