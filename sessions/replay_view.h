// What the command line needs from a renderer to draw a replayed state: the control room's
// view of a core, offscreen, saved as PNG. The engine build implements it
// (tools/gatetwin/replay_app); without the engine there is none and --screenshot / --frames
// are refused. Interface only.
#pragma once
#include "connectors/result.h"
#include "twin/core.h"
#include "twin/decision.h"

#include <string>
#include <vector>

namespace sessions {

class ReplayView {
 public:
  virtual ~ReplayView() = default;
  // Draws `core` as the control room shows it at `time_ms` (recent: decisions for the alert
  // log since the last call) and saves a PNG; what went wrong, or nothing. history (may be
  // null): the recording's events; the alerts and plots are then rebuilt from them up to
  // time_ms (a moment reached by a seek), and recent is not needed.
  virtual connectors::Status render(const twin::Core& core, const twin::Decisions& recent, twin::SimTime time_ms,
                                    const std::string& png_path, const std::vector<twin::Event>* history = nullptr) = 0;
};

}  // namespace sessions
