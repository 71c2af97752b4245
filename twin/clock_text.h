// Clock times of a run as people type and read them: the one parser and formatter of
// "HH:MM[:SS]" (scenario files, gatetwin's replay flags, reports, panels). Pure text over
// SimTime (twin/time.h): no clock is read here, nothing is printed.
#pragma once
#include "twin/time.h"

#include <optional>
#include <string>
#include <string_view>

namespace twin {

// "HH:MM" or "HH:MM:SS" from the start of the run's day 0: two digits each, HH 00 to 47
// (a run's first two days), MM and SS 00 to 59. Empty when malformed ("9:00", "10:0",
// "10:00:", "48:00").
std::optional<SimTime> parse_clock(std::string_view text);

enum class ClockStyle {
  Seconds,      // "25:00:30": hours since the start of day 0, always with seconds
  Minutes,      // "10:05", "25:00:30": seconds only when they are not zero
  DayAndTime,   // "d1 01:00:30": the day, then the time within it
};
// The clock text of t (negative times read as 0).
std::string clock_text(SimTime t, ClockStyle style = ClockStyle::Seconds);

// Local time at the gate (UTC+7, no daylight saving in Viet Nam) of run time t, for a run
// whose time 0 is the UTC instant epoch_utc_ms (a live twin's session epoch):
// "2026-11-30 10:02:46 UTC+7". Pure date arithmetic (proleptic Gregorian calendar).
std::string gate_time_text(int64_t epoch_utc_ms, SimTime t);

}  // namespace twin
