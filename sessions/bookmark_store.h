// A trainer's bookmarks (a note at a moment of a session), kept in the recording file
// itself in a side table, `replay_bookmarks`, outside the recording schema (docs/replay.md).
// Reading never writes: list() opens the file read-only and finds no table in a file
// nobody bookmarked. add() is the only write: it opens the file read-write, creates the
// table if needed and inserts one row in one transaction; the recorded sessions, events
// and decisions are never touched. It must not be used on a damaged file (Replay refuses).
#pragma once
#include "connectors/result.h"
#include "sessions/bookmark.h"

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

namespace sessions {

class BookmarkStore {
 public:
  explicit BookmarkStore(std::string path) : path_(std::move(path)) {}

  // The session's user bookmarks in seq order, or an error message.
  connectors::Result<std::vector<Bookmark>> list(int64_t session) const;
  // Stores one note at (seq, time); what went wrong, or nothing.
  connectors::Status add(int64_t session, const Bookmark& b) const;

 private:
  std::string path_;
};

}  // namespace sessions
