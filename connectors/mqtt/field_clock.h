// Maps a field message's UTC stamp ("utc_ms" / "time") to the core's run time through the
// session epoch (the UTC instant of run time 0), after checking it against the twin's wall
// clock: more than max_ahead ahead is time_ahead, older than max_age (or before the epoch)
// is time_too_old. Run-time ("t_ms") messages pass unchanged. The wall clock is passed in,
// so tests are deterministic. It must not sequence, queue or count anything.
#pragma once
#include "connectors/codec/event_json.h"
#include "connectors/codec/field_message.h"

#include <cstdint>
#include <optional>

namespace connectors {

struct FieldClockOptions {
  int64_t epoch_utc_ms = 0;         // UTC instant of run time 0 (default: the gate's midnight of the start day)
  int64_t max_ahead_ms = 5000;      // --max-ahead-ms
  int64_t max_age_ms = 86400000;    // --max-age-s, in ms
};

class FieldClock {
 public:
  explicit FieldClock(FieldClockOptions o = {}) : o_(o) {}
  // For a UTC-stamped message: checks it and sets m.time_ms. wall_utc_ms: the twin's wall
  // clock now. Returns the error that rejects the message, or nothing.
  std::optional<DecodeError> stamp(FieldMessage& m, int64_t wall_utc_ms) const;
  const FieldClockOptions& options() const { return o_; }

 private:
  FieldClockOptions o_;
};

}  // namespace connectors
