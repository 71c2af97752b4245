// The simulator-core loop. See run.h.
#include "twin/run.h"

namespace twin {

uint64_t run_until(Core& core, Simulator& sim, SimTime end_ms, const AfterEvent& after) {
  if (core.run_label().empty()) core.set_run_label("simulator seed " + std::to_string(sim.seed()));
  uint64_t n = 0;
  Decisions decisions;
  while (sim.next_time() <= end_ms) {
    Event e = sim.next();
    decisions.clear();
    core.apply(e, decisions);
    sim.observe(decisions);
    if (after) after(e, decisions);
    ++n;
  }
  return n;
}

}  // namespace twin
