// The twin without a window: loads the sites, connects to the broker and runs the frame
// loop until --run-for, --until-applied or a signal; writes --stats at exit. It must not
// draw anything; the windowed app runs the same FrameLoop and adds drawing.
#pragma once
#include "runner/lost_messages.h"
#include "runner/twin_args.h"

#include "pipeline/frame_loop.h"

#include "connectors/mqtt/twin_link.h"
#include "connectors/vda5050/vehicle_view.h"

#include <chrono>
#include <cstdint>
#include <string>

namespace runner {

// A fail-over a follower saw (docs/control-room.md): the newer epoch, who sequences the run
// now, since when (Unix ms) and from which seq.
struct FailOverNote {
  uint32_t epoch = 0;
  std::string primary;
  int64_t since_utc_ms = 0;
  uint64_t from_seq = 0;
};

// What the windowed app (or the headless screenshot) adds to the loop. The loop owns the
// core, the link and the recording; the hooks see them from start() to finish().
class TwinLoopHooks {
 public:
  virtual ~TwinLoopHooks() = default;
  // After set-up, before the first frame. A non-zero return stops with that exit code.
  virtual int start(twin::Core& core, pipeline::FrameLoop& loop, connectors::IngestQueue& queue, connectors::TwinLink& link) = 0;
  // Runs one frame in place of FrameLoop::run_frame; false stops the loop (window closed).
  virtual bool frame(int64_t now_ms) = 0;
  // After the last frame, before the link stops. Returns an exit code (0: fine).
  virtual int finish(int64_t now_ms) = 0;
  // How long a frame may wait for the first input (a window is paced by its display).
  virtual std::chrono::microseconds input_wait() const { return std::chrono::microseconds(0); }
  // A follower's run failed over to a standby (called once per fail-over, between frames).
  virtual void fail_over(const FailOverNote&) {}
  // Ordered messages of a source never arrived and were skipped (about once a second at
  // most per source, between frames): the twin may differ from the field.
  virtual void messages_lost(const LostMessages&) {}
  // --vda5050: how to read a VDA 5050 guide vehicle's own report (the link's book; any
  // thread). Called before start(), only when the link runs.
  virtual void vda5050(connectors::vda5050::VehicleLookup) {}
};

// Runs the twin: headless, or with hooks (may be null). Returns the process exit code.
int run_headless(const TwinArgs& args, TwinLoopHooks* hooks = nullptr);

}  // namespace runner
