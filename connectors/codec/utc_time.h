// Real time as field systems send it: RFC 3339 text ("2026-05-01T08:30:00.250Z",
// "2026-05-01T15:30:00+07:00") and Unix epoch milliseconds, both ways, and the gate's
// local midnight (UTC+7, Viet Nam and the partner side's Guangxi share no daylight
// saving). Pure functions of their arguments: they never read the clock; the caller
// passes "now" in. Must not know about MQTT, the core or the session epoch's policy.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace connectors {

constexpr int kGateUtcOffsetMinutes = 7 * 60;                // Huu Nghi / Youyi Guan: UTC+7
constexpr int64_t kMaxUtcMs = 253402300799999;               // 9999-12-31T23:59:59.999Z

// Unix epoch milliseconds of an RFC 3339 date-time: YYYY-MM-DDTHH:MM:SS, an optional
// fraction of 1 to 9 digits (kept to the millisecond, truncated), then Z or +hh:mm /
// -hh:mm ('t' and 'z' also accepted; a leap second :60 counts as :59.999). Years 1970 to
// 9999. On failure sets *why (when given) to what is wrong, for the log.
std::optional<int64_t> parse_rfc3339_ms(std::string_view text, std::string* why = nullptr);

// The value of an --epoch flag (run time 0 as an RFC 3339 time), the same for every
// program; on failure sets *message to the line a user reads.
std::optional<int64_t> parse_epoch_flag(std::string_view text, std::string* message);

// RFC 3339 with milliseconds at the given offset from UTC: "...Z" for 0, else "+07:00".
std::string format_rfc3339_ms(int64_t utc_ms, int offset_minutes = 0);

// The UTC instant of 00:00 local time at the gate (UTC+7) of the day that contains utc_ms.
int64_t gate_midnight_utc_ms(int64_t utc_ms);

}  // namespace connectors
