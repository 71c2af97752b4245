// What a recording says about one session (one run of the twin): written when a Recorder
// opens, read back by RecordingReader. Plain data; no SQLite here.
#pragma once
#include <cstdint>
#include <optional>
#include <string>

namespace connectors {

enum class SessionSource : uint8_t { Sim = 0, Live, Replay, Fork };
const char* to_string(SessionSource s);                 // "sim", "live", "replay", "fork"
std::optional<SessionSource> session_source(const std::string& s);

// What the app knows when it starts recording.
struct SessionInfo {
  std::string sites;                      // site ids, comma-separated: "m1119,m1088"
  uint64_t seed = 0;
  SessionSource source = SessionSource::Sim;
  std::optional<int64_t> parent_session;  // fork: the session it branched from
  std::optional<uint64_t> fork_seq;       // fork: the last parent event it kept
  std::string notes;
};

// A session as stored.
struct Session {
  int64_t id = 0;
  SessionInfo info;
  std::string started_utc;   // ISO 8601, wall clock of the recording machine
  std::string ended_utc;     // empty while recording or after a crash
  uint64_t events = 0;       // events committed
  uint64_t dropped_events = 0;  // appends refused because the queue was full (gaps)
  int event_codec = 0;       // connectors::kEventBinaryVersion that wrote the blobs
};

}  // namespace connectors
