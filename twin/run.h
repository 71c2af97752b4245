// Drives the built-in simulator and the core together: the loop every in-process run
// uses (gatesim, gatebench, tests). Pure: no clock, no I/O.
#pragma once
#include "twin/core.h"
#include "twin/simulator.h"

#include <functional>

namespace twin {

// Called after each event is folded, with the decisions it produced.
using AfterEvent = std::function<void(const Event&, const Decisions&)>;

// Folds simulator events with time <= end_ms into the core; returns how many.
uint64_t run_until(Core& core, Simulator& sim, SimTime end_ms, const AfterEvent& after = {});

}  // namespace twin
