// Clock text of a run. See clock_text.h.
#include "twin/clock_text.h"

#include <cstdio>

namespace twin {

std::optional<SimTime> parse_clock(std::string_view s) {
  auto two_digits = [&](size_t at, int& out) {
    if (at + 2 > s.size() || s[at] < '0' || s[at] > '9' || s[at + 1] < '0' || s[at + 1] > '9') return false;
    out = (s[at] - '0') * 10 + (s[at + 1] - '0');
    return true;
  };
  int h = 0, m = 0, sec = 0;
  if (s.size() != 5 && s.size() != 8) return std::nullopt;
  if (!two_digits(0, h) || s[2] != ':' || !two_digits(3, m)) return std::nullopt;
  if (s.size() == 8 && (s[5] != ':' || !two_digits(6, sec))) return std::nullopt;
  if (h > 47 || m > 59 || sec > 59) return std::nullopt;
  return h * kHour + m * kMinute + sec * kSecond;
}

std::string clock_text(SimTime t, ClockStyle style) {
  if (t < 0) t = 0;
  const long long day = t / kDay;
  const long long s = (style == ClockStyle::DayAndTime ? t % kDay : t) / kSecond;
  const long long h = s / 3600, m = s / 60 % 60, sec = s % 60;
  char buf[48];
  switch (style) {
    case ClockStyle::Seconds: std::snprintf(buf, sizeof buf, "%02lld:%02lld:%02lld", h, m, sec); break;
    case ClockStyle::Minutes:
      if (sec) std::snprintf(buf, sizeof buf, "%02lld:%02lld:%02lld", h, m, sec);
      else std::snprintf(buf, sizeof buf, "%02lld:%02lld", h, m);
      break;
    case ClockStyle::DayAndTime: std::snprintf(buf, sizeof buf, "d%lld %02lld:%02lld:%02lld", day, h, m, sec); break;
  }
  return buf;
}

std::string gate_time_text(int64_t epoch_utc_ms, SimTime t) {
  constexpr int64_t kGateOffsetMs = 7 * kHour;
  const int64_t ms = epoch_utc_ms + t + kGateOffsetMs;
  int64_t days = ms / kDay, in_day = ms % kDay;
  if (in_day < 0) { in_day += kDay; --days; }
  // Civil date from days since 1970-01-01 (H. Hinnant's algorithm).
  const int64_t z = days + 719468, era = (z >= 0 ? z : z - 146096) / 146097, doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365, doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153, d = doy - (153 * mp + 2) / 5 + 1, m = mp < 10 ? mp + 3 : mp - 9;
  const int64_t y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04lld-%02lld-%02lld %02lld:%02lld:%02lld UTC+7", static_cast<long long>(y),
                static_cast<long long>(m), static_cast<long long>(d), static_cast<long long>(in_day / kHour),
                static_cast<long long>(in_day / kMinute % 60), static_cast<long long>(in_day / kSecond % 60));
  return buf;
}

}  // namespace twin
