// UTC stamps -> run time. See field_clock.h.
#include "connectors/mqtt/field_clock.h"

#include "connectors/codec/utc_time.h"

#include <string>

namespace connectors {

std::optional<DecodeError> FieldClock::stamp(FieldMessage& m, int64_t wall_utc_ms) const {
  if (!m.utc) return std::nullopt;
  auto when = [&m] { return format_rfc3339_ms(m.utc_ms); };  // only for a refusal: formatting costs more than the check
  if (m.utc_ms - wall_utc_ms > o_.max_ahead_ms)
    return DecodeError{RejectReason::TimeAhead,
                       "stamped " + when() + ", " + std::to_string((m.utc_ms - wall_utc_ms) / 1000) + " s ahead of the twin's clock " +
                           format_rfc3339_ms(wall_utc_ms) + " (limit " + std::to_string(o_.max_ahead_ms) +
                           " ms, --max-ahead-ms): check the sender's clock (NTP)",
                       m.source};
  if (wall_utc_ms - m.utc_ms > o_.max_age_ms)
    return DecodeError{RejectReason::TimeTooOld,
                       "stamped " + when() + ", " + std::to_string((wall_utc_ms - m.utc_ms) / 1000) + " s behind the twin's clock " +
                           format_rfc3339_ms(wall_utc_ms) + " (limit " + std::to_string(o_.max_age_ms / 1000) + " s, --max-age-s)",
                       m.source};
  if (m.utc_ms < o_.epoch_utc_ms)
    return DecodeError{RejectReason::TimeTooOld,
                       "stamped " + when() + ", before the session epoch " + format_rfc3339_ms(o_.epoch_utc_ms) +
                           " (run time 0; --epoch sets it)",
                       m.source};
  m.time_ms = m.utc_ms - o_.epoch_utc_ms;
  if (m.time_ms > kMaxTime_ms)
    return DecodeError{RejectReason::TimeAhead,
                       "stamped " + when() + ", more than 400 days of run time after the session epoch " +
                           format_rfc3339_ms(o_.epoch_utc_ms) + " (--epoch is too far back)",
                       m.source};
  return std::nullopt;
}

}  // namespace connectors
