// Lane plans: which of a site file's lanes a run uses, so the same file answers
// "today", "after expansion", "with or without the unmanned lanes". Pure SiteSpec edits.
#pragma once
#include "twin/site.h"

#include <optional>
#include <string>

namespace twin {

enum class LanePlan : uint8_t {
  Expanded = 0,        // every lane in the file (the pilot's 8)
  Today,               // only lanes that exist today
};
enum class UnmannedPlan : uint8_t {
  On = 0,              // unmanned lanes carry guide vehicles
  Off,                 // unmanned lanes unused, fleet parked
  AsManned,            // unmanned lanes run as manned lanes
};

std::optional<LanePlan> parse_lane_plan(const std::string& s);
std::optional<UnmannedPlan> parse_unmanned_plan(const std::string& s);
SiteSpec with_plan(SiteSpec site, LanePlan lanes, UnmannedPlan unmanned);

// The vehicles a day a load name gives for a site: "baseline" (today), "2027", "2030"
// (upper targets) or a multiplier of today's volume ("x3", "x0.5"). Empty if malformed.
std::optional<double> load_per_day(const SiteSpec& site, const std::string& load);

}  // namespace twin
