// The last-lane rule. See lane_rules.h. Must not change state or depend on anything
// outside the site's spec and state: the core and the window both ask it.
#include "twin/lane_rules.h"

namespace twin {

namespace {

// A lane that takes traffic of direction d now: open, barrier working, running that way.
bool open_for(const SiteSpec& spec, const SiteState& s, uint16_t l, Direction d) {
  (void)spec;
  const LaneState& lane = s.lanes[l];
  return lane.open && !lane.barrier_failed && lane.direction == d;
}

// The same, for trucks (the scheduler's truck_lane_usable).
bool open_for_trucks(const SiteSpec& spec, const SiteState& s, uint16_t l, Direction d) {
  return open_for(spec, s, l, d) && spec.lanes[l].kind == LaneKind::Manned && !s.lanes[l].reserved_unmanned;
}

template <class Pred>
int count_lanes(const SiteSpec& spec, const SiteState& s, Direction d, Pred pred) {
  int n = 0;
  for (uint16_t l = 0; l < spec.lanes.size(); ++l) n += pred(spec, s, l, d) ? 1 : 0;
  return n;
}

}  // namespace

std::string last_lane_rule(const SiteSpec& spec, const SiteState& s, const Command& cmd) {
  if (cmd.lane >= spec.lanes.size() || cmd.lane >= s.lanes.size()) return {};
  const bool takes_lane_away = cmd.kind == CommandKind::CloseLane || cmd.kind == CommandKind::ReverseLane;
  if (!takes_lane_away && cmd.kind != CommandKind::ReserveLaneForUnmanned) return {};
  const Direction d = s.lanes[cmd.lane].direction;
  const std::string tail = "; only a supervisor may do that";
  if (open_for_trucks(spec, s, cmd.lane, d) && count_lanes(spec, s, d, open_for_trucks) == 1)
    return std::string("it is the last open lane for ") + to_string(d) + " trucks" + tail;
  // Reserving keeps the lane open (for guide vehicles): only closing or reversing can
  // leave the direction with no open lane of either kind.
  if (takes_lane_away && open_for(spec, s, cmd.lane, d) && count_lanes(spec, s, d, open_for) == 1)
    return std::string("it is the last open lane for ") + to_string(d) + " (manned or unmanned)" + tail;
  return {};
}

}  // namespace twin
