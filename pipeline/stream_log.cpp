// The primary's EventLog: recording, then stream. See stream_log.h.
#include "pipeline/stream_log.h"

namespace pipeline {

bool StreamLog::append(const twin::Event& e, const twin::Decisions& d) {
  // Recorded first: a follower that finds a gap in the stream reads it from the recording.
  const bool recorded = next_ ? next_->append(e, d) : true;
  const bool streamed = publisher_.append(e);
  return recorded && streamed;
}

}  // namespace pipeline
