// SessionSource names as stored in sessions.source. See session.h.
#include "connectors/store/session.h"

namespace connectors {

const char* to_string(SessionSource s) {
  switch (s) {
    case SessionSource::Sim: return "sim";
    case SessionSource::Live: return "live";
    case SessionSource::Replay: return "replay";
    case SessionSource::Fork: return "fork";
  }
  return "sim";
}

std::optional<SessionSource> session_source(const std::string& s) {
  if (s == "sim") return SessionSource::Sim;
  if (s == "live") return SessionSource::Live;
  if (s == "replay") return SessionSource::Replay;
  if (s == "fork") return SessionSource::Fork;
  return std::nullopt;
}

}  // namespace connectors
