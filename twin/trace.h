// The core's trace: one line per folded event and the decisions it produced, so that
// two runs can be compared with diff. Format in docs/core.md. Formatting only.
#pragma once
#include "twin/decision.h"
#include "twin/event.h"
#include "twin/site.h"

#include <string>
#include <vector>

namespace twin {

std::string trace_line(const Event& e, const Decisions& decisions, const std::vector<SiteSpec>& sites);

}  // namespace twin
