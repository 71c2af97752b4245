// Simulation time: integer milliseconds since the epoch of a run (00:00 of day 0).
// The core never reads a clock; time only advances through events.
#pragma once
#include <cstdint>

namespace twin {

using SimTime = int64_t;  // ms

constexpr SimTime kSecond = 1000;
constexpr SimTime kMinute = 60 * kSecond;
constexpr SimTime kHour = 60 * kMinute;
constexpr SimTime kDay = 24 * kHour;

constexpr SimTime seconds(double s) { return static_cast<SimTime>(s * 1000.0 + (s >= 0 ? 0.5 : -0.5)); }
constexpr double to_seconds(SimTime t) { return static_cast<double>(t) / 1000.0; }
constexpr int hour_of_day(SimTime t) { return static_cast<int>((t % kDay) / kHour); }

}  // namespace twin
