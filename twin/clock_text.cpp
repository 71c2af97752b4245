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

}  // namespace twin
