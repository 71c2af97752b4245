// The twin's counters as JSON: the --stats file at exit and the health topic each
// second. Formatting only: it reads the link, sequencer, frame loop and core, changes none.
#pragma once
#include "pipeline/frame_loop.h"

#include "pipeline/sequencer.h"
#include "connectors/mqtt/twin_link.h"
#include "twin/core.h"

#include <nlohmann/json.hpp>

namespace runner {

// link may be null (no broker). wall_s: how long the twin has run.
nlohmann::json twin_stats_json(const twin::Core& core, const connectors::TwinLink* link, const pipeline::Sequencer& sequencer,
                               const pipeline::FrameLoop& loop, double wall_s);

// This process's resident memory from /proc/self/status: {"rss_kib", "rss_peak_kib"}
// (Linux; zeros where it cannot be read).
nlohmann::json process_memory_json();

}  // namespace runner
