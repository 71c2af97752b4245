// A moment of a recorded session worth jumping to: an alert or an operator command (found
// while the replay loads) or a trainer's own note (stored by BookmarkStore). Plain data.
#pragma once
#include "twin/time.h"

#include <cstdint>
#include <string>

namespace sessions {

struct Bookmark {
  enum class Kind : uint8_t { Alert = 0, Command, User };
  Kind kind = Kind::Alert;
  uint64_t seq = 0;          // the event after which the moment is shown
  twin::SimTime time_ms = 0;
  uint8_t site = 0;
  std::string text;
};

inline const char* to_string(Bookmark::Kind k) {
  return k == Bookmark::Kind::Alert ? "alert" : k == Bookmark::Kind::Command ? "command" : "note";
}

}  // namespace sessions
