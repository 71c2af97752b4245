// The last-lane rule of operator commands: a lane command that would leave a direction
// (export or import at a site) with no lane for trucks, or with no open lane at all
// (manned or unmanned), needs a supervisor. The core refuses it from anyone else
// (command_rules.cpp); the control room asks a supervisor to confirm it and disables it
// for the other roles, from this same function. Pure: reads state, changes nothing.
#pragma once
#include "twin/command.h"
#include "twin/site.h"
#include "twin/state.h"

#include <string>

namespace twin {

// Why the command needs a supervisor ("it is the last open lane for export ..."), or ""
// when anyone allowed to command may give it. Only CloseLane, ReverseLane and
// ReserveLaneForUnmanned can take a lane away from its direction; a lane out of range
// gives "" (the command's own check refuses it).
std::string last_lane_rule(const SiteSpec& spec, const SiteState& s, const Command& cmd);

}  // namespace twin
