// Where the frame loop writes what it folds: each event with the decisions the core made
// for it, right after it is applied and before the frame publishes anything. An
// interface so the frame loop does not depend on a storage library; the SQLite recorder
// (connectors/store) sits behind it (RecordingLog). Implementations must not block for
// long: they run on the core's thread.
#pragma once
#include "twin/decision.h"
#include "twin/event.h"

#include <string>

namespace pipeline {

struct SequencedEvent;  // pipeline/sequencer.h

class EventLog {
 public:
  virtual ~EventLog() = default;
  // False when the event could not be taken (the implementation counts why).
  virtual bool append(const twin::Event& e, const twin::Decisions& d) = 0;
  // What the frame loop calls: the event with where it came from (its source, seq,
  // account, command id). By default the origin is not kept (the recording keeps events);
  // the stream keeps it, for a standby (docs/control-room.md "Fail-over").
  virtual bool append_sequenced(const SequencedEvent& e, const twin::Decisions& d);
};

}  // namespace pipeline
