// A follower's catch-up (StreamFollower's CatchUpFunction): reads the primary's events
// from the primary's recording (--catch-up FILE, the file the primary writes with
// --record, on a shared disk), from a seq on, up to what the primary has committed. It
// opens the file read-only for each catch-up (RecordingReader: it never writes, migrates
// or repairs it) so that each read sees the newest commit. It must not apply events.
#pragma once
#include "connectors/mqtt/stream_follower.h"

#include <string>

namespace runner {

class RecordingCatchUp {
 public:
  explicit RecordingCatchUp(std::string path) : path_(std::move(path)) {}
  // session <= 0: the newest session in the file.
  connectors::CatchUpResult operator()(int64_t session, uint64_t from_seq, const connectors::CatchUpSink& sink) const;

 private:
  std::string path_;
};

// --catch-up FILE[,FILE2...]: one file as above; several (the primary's and a standby's
// recordings, after a fail-over) are read in turn, each from its newest session, until one
// gives events.
connectors::CatchUpFunction make_catch_up(const std::string& paths);

}  // namespace runner
