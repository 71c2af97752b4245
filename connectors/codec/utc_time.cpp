// RFC 3339 <-> Unix epoch ms, and the gate's local midnight. See utc_time.h.
#include "connectors/codec/utc_time.h"

#include <cstdio>

namespace connectors {

namespace {

constexpr int64_t kDayMs = 86400000;

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

void civil_from_days(int64_t z, int64_t& y, unsigned& m, unsigned& d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y += m <= 2;
}

bool leap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }
unsigned days_in_month(int64_t y, unsigned m) {
  static const unsigned n[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && leap(y) ? 29 : n[m - 1];
}

// Reads exactly n digits at s[at...]; false when they are not all digits.
bool digits(std::string_view s, size_t at, size_t n, int64_t& out) {
  if (at + n > s.size()) return false;
  out = 0;
  for (size_t i = at; i < at + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    out = out * 10 + (s[i] - '0');
  }
  return true;
}

std::optional<int64_t> fail(std::string* why, const std::string& text) {
  if (why) *why = text;
  return std::nullopt;
}

}  // namespace

std::optional<int64_t> parse_rfc3339_ms(std::string_view s, std::string* why) {
  const char* form = " (RFC 3339: YYYY-MM-DDTHH:MM:SS[.fff]Z or +hh:mm)";
  int64_t y, mo, d, h, mi, sec;
  if (!digits(s, 0, 4, y) || s.size() < 19 || s[4] != '-' || !digits(s, 5, 2, mo) || s[7] != '-' || !digits(s, 8, 2, d) ||
      (s[10] != 'T' && s[10] != 't') || !digits(s, 11, 2, h) || s[13] != ':' || !digits(s, 14, 2, mi) || s[16] != ':' ||
      !digits(s, 17, 2, sec))
    return fail(why, std::string("not a date-time") + form);
  if (y < 1970) return fail(why, "year " + std::to_string(y) + " is before 1970");
  if (mo < 1 || mo > 12) return fail(why, "month " + std::to_string(mo) + " is not 1-12");
  if (d < 1 || d > days_in_month(y, static_cast<unsigned>(mo))) return fail(why, "day " + std::to_string(d) + " is not in that month");
  if (h > 23 || mi > 59 || sec > 60) return fail(why, "time of day out of range");
  size_t at = 19;
  int64_t ms = 0;
  if (at < s.size() && s[at] == '.') {
    size_t n = 0;
    while (at + 1 + n < s.size() && s[at + 1 + n] >= '0' && s[at + 1 + n] <= '9') ++n;
    if (n < 1 || n > 9) return fail(why, std::string("the fraction of a second has 1 to 9 digits") + form);
    for (size_t i = 0; i < 3; ++i) ms = ms * 10 + (i < n ? s[at + 1 + i] - '0' : 0);
    at += 1 + n;
  }
  if (sec == 60) { sec = 59; ms = 999; }  // a leap second: the last millisecond before it
  int64_t offset_min = 0;
  if (at < s.size() && (s[at] == 'Z' || s[at] == 'z')) {
    ++at;
  } else if (at < s.size() && (s[at] == '+' || s[at] == '-')) {
    int64_t oh, om;
    if (!digits(s, at + 1, 2, oh) || at + 3 >= s.size() || s[at + 3] != ':' || !digits(s, at + 4, 2, om) || oh > 23 || om > 59)
      return fail(why, std::string("the offset is not +hh:mm or -hh:mm") + form);
    offset_min = (oh * 60 + om) * (s[at] == '-' ? -1 : 1);
    at += 6;
  } else {
    return fail(why, std::string("no time zone: end with Z or an offset") + form);
  }
  if (at != s.size()) return fail(why, std::string("text after the time zone") + form);
  const int64_t local_ms = days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d)) * kDayMs +
                           ((h * 60 + mi) * 60 + sec) * 1000 + ms;
  const int64_t utc = local_ms - offset_min * 60000;
  if (utc < 0 || utc > kMaxUtcMs) return fail(why, "the instant is before 1970 or after 9999 in UTC");
  return utc;
}

std::optional<int64_t> parse_epoch_flag(std::string_view text, std::string* message) {
  std::string why;
  auto t = parse_rfc3339_ms(text, &why);
  if (!t && message) *message = "--epoch takes an RFC 3339 time such as 2026-05-01T00:00:00+07:00: " + why;
  return t;
}

std::string format_rfc3339_ms(int64_t utc_ms, int offset_minutes) {
  const int64_t local = utc_ms + static_cast<int64_t>(offset_minutes) * 60000;
  int64_t days = local / kDayMs, rest = local % kDayMs;
  if (rest < 0) { rest += kDayMs; --days; }
  int64_t y;
  unsigned m, d;
  civil_from_days(days, y, m, d);
  char zone[16] = "Z";
  const int off = (offset_minutes < 0 ? -offset_minutes : offset_minutes) % (24 * 60);
  if (offset_minutes) std::snprintf(zone, sizeof zone, "%c%02d:%02d", offset_minutes < 0 ? '-' : '+', off / 60, off % 60);
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02lld:%02lld:%02lld.%03lld%s", static_cast<long long>(y), m, d,
                static_cast<long long>(rest / 3600000), static_cast<long long>(rest / 60000 % 60),
                static_cast<long long>(rest / 1000 % 60), static_cast<long long>(rest % 1000), zone);
  return buf;
}

int64_t gate_midnight_utc_ms(int64_t utc_ms) {
  const int64_t off = static_cast<int64_t>(kGateUtcOffsetMinutes) * 60000;
  int64_t local_day = (utc_ms + off) / kDayMs;
  if ((utc_ms + off) % kDayMs < 0) --local_day;
  return local_day * kDayMs - off;
}

}  // namespace connectors
