// The wall display's panels, drawn where WallLayout puts them: the header (gate name, the
// clock at the gate, the REPLAY marker and the replayed moment), each site's title and KPI
// tiles against the 2027 and 2030 targets, the legend and the alert ticker. Draws with
// ImGui's draw lists at the layout's text sizes; reads state, changes nothing.
#pragma once
#include "controlroom/ui/alert_log.h"
#include "controlroom/ui/kpi_history.h"
#include "controlroom/ui/wall_layout.h"

#include "twin/core.h"

#include <cstdint>
#include <functional>
#include <string>

namespace controlroom {

struct WallClock {
  std::string date;    // "2026-11-30" or "day 0"
  std::string time;    // "08:15:30"
  bool replay = false; // a replayed moment: the REPLAY marker
  std::string note;    // a line under the gate's name ("" for none), e.g. the busy start
};

// How a tile's figure stands against its target: met (green), close (amber), short (red),
// or no target (neutral).
enum class TileStatus : uint8_t { Met, Close, Short, Neutral };
// A site's cleared-per-day rate against a target's lower bound: met at or above it, close
// from 75 % of it, short below.
TileStatus rate_status(double per_day, double target_min);

// The legend (vehicle colours, lane signals) on one line in r, text text_px high (smaller
// when the line would not fit): the wall's band, and the console's strip over the 3D view.
void legend_strip(const PanelRect& r, float text_px);

// Square-cornered opaque backgrounds go to fill (when given: engine::Renderer::fillRect, a
// clear before ImGui, the same pixels for a fraction of the cost on a CPU rasteriser), the
// rest to ImGui's background draw list.
using PanelFill = std::function<void(const PanelRect&, uint32_t colour)>;
void wall_panels(const WallLayout& layout, const twin::Core& core, const KpiHistory& kpis, const AlertLog& alerts,
                 const WallClock& clock, const PanelFill& fill = {});

}  // namespace controlroom
