// gatetwin --follow: a console or wall display of a control room (docs/control-room.md).
// It folds the primary's event stream (StreamFollower) into its own core through the
// same FrameLoop the primary runs, catches up from the primary's recording (--catch-up),
// and publishes only console commands (TwinLink console_only): never decisions, never
// health. With hooks it is the windowed control room; without, headless. It must not
// subscribe to the field topics or sequence field messages itself.
#pragma once
#include "runner/headless_loop.h"
#include "runner/twin_args.h"

#include "connectors/mqtt/stream_follower.h"
#include "connectors/mqtt/stream_publisher.h"

#include <nlohmann/json.hpp>

namespace runner {

// Runs a follower until --run-for, --until-applied, a signal or the window closes.
// Returns the exit code: 0, 1 (set-up or I/O failed), 2 (bad configuration), 3 (the
// primary restarted with a new run: restart the follower to follow it).
int run_follower(const TwinArgs& args, TwinLoopHooks* hooks = nullptr);

// The follower's own counters (the "follow" object of its --stats), and the primary's
// stream counters (the "stream" object of the primary's --stats).
nlohmann::json follower_stats_json(const connectors::StreamFollowerStats& s);
nlohmann::json stream_stats_json(const connectors::StreamPublisherStats& s);

}  // namespace runner
