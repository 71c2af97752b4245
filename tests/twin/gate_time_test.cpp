// The gate's local date and time of a live run (twin/clock_text.h gate_time_text): run time
// through the session epoch, UTC+7, across midnight, before 1970 and on a leap day.
#include "twin/clock_text.h"

#include <catch2/catch.hpp>

using namespace twin;

TEST_CASE("the gate's date and local time from a session epoch (UTC+7)") {
  // 2026-11-29T17:00:00Z is 00:00 of 2026-11-30 at the gate: a live twin's default epoch.
  const int64_t epoch = 1795971600000;
  CHECK(gate_time_text(epoch, 0) == "2026-11-30 00:00:00 UTC+7");
  CHECK(gate_time_text(epoch, 10 * kHour + 2 * kMinute + 46 * kSecond) == "2026-11-30 10:02:46 UTC+7");
  CHECK(gate_time_text(epoch, 24 * kHour + 1000) == "2026-12-01 00:00:01 UTC+7");
  CHECK(gate_time_text(0, 0) == "1970-01-01 07:00:00 UTC+7");
  CHECK(gate_time_text(0, -8 * kHour) == "1969-12-31 23:00:00 UTC+7");
  CHECK(gate_time_text(951782400000 - 7 * kHour, 0) == "2000-02-29 00:00:00 UTC+7");  // a leap day
}
