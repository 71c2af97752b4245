// The control room over a replayed (or forked) state: a ControlRoom whose core is a copy
// the replay hands it, whose FrameLoop reads an always-empty queue, and whose UI commands
// land in a queue the replay window drains (a command is refused in a replay and goes to
// the fork after take-over). Owns the room, not the renderer; it never folds an event.
#pragma once
#include "controlroom/control_room.h"

#include "connectors/mqtt/ingest_queue.h"
#include "pipeline/sequencer.h"

#include <vector>

namespace controlroom {

class ReplayRoom {
 public:
  ReplayRoom(const std::vector<twin::SiteSpec>& sites, engine::Renderer& renderer, ControlRoomOptions options);

  // The state to draw next, and the decisions that led to it (for the alert log).
  void show(const twin::Core& core, const twin::Decisions& recent);
  ControlRoom& room() { return room_; }
  // The UI's commands since the last call (OperatorCommand bodies only).
  std::vector<connectors::FieldMessage> take_commands();

 private:
  twin::Core shown_;
  connectors::IngestQueue ui_queue_{1024};
  connectors::IngestQueue input_queue_{16};
  pipeline::Sequencer sequencer_;
  pipeline::FrameLoop loop_;
  ControlRoom room_;
};

// Control-room options for replay: no staleness banner (nothing is live), logged in as the
// trainee supervisor so the forms work after take-over; a live recording's epoch (Replay::
// epoch_utc_ms) makes the panels show the gate's date and local time.
ControlRoomOptions replay_room_options(const std::string& view, std::optional<int64_t> epoch_utc_ms = {});

}  // namespace controlroom
