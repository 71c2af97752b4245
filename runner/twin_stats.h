// The twin's counters as JSON: the --stats file at exit and the health topic each
// second. Formatting only: it reads the link, sequencer, frame loop and core, changes none.
#pragma once
#include "pipeline/frame_loop.h"

#include "pipeline/sequencer.h"
#include "pipeline/wall_ticks.h"
#include "runner/field_feeds.h"
#include "connectors/mqtt/twin_link.h"
#include "twin/core.h"

#include <nlohmann/json.hpp>

namespace runner {

// The field's time for the stats: the session epoch and the wall-clock ticks (may be null).
struct TwinTimeInfo {
  SessionEpoch epoch;
  const pipeline::WallTickSource* ticks = nullptr;
};

// link may be null (no broker). wall_s: how long the twin has run. time: null leaves out
// "time" (a follower, a test without a field clock).
nlohmann::json twin_stats_json(const twin::Core& core, const connectors::TwinLink* link, const pipeline::Sequencer& sequencer,
                               const pipeline::FrameLoop& loop, double wall_s, const TwinTimeInfo* time = nullptr);

// This process's resident memory from /proc/self/status: {"rss_kib", "rss_peak_kib"}
// (Linux; zeros where it cannot be read).
nlohmann::json process_memory_json();

}  // namespace runner
