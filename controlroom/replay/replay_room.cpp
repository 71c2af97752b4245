// ReplayRoom. See replay_room.h.
#include "controlroom/replay/replay_room.h"

using namespace pipeline;

namespace controlroom {

ControlRoomOptions replay_room_options(const std::string& view, std::optional<int64_t> epoch_utc_ms) {
  ControlRoomOptions o;
  o.epoch_utc_ms = epoch_utc_ms;
  o.view = view;
  o.wall = view == "wall";   // the wall display, not the console (issue 14)
  o.replay = true;           // the wall shows the REPLAY marker and the replayed moment
  o.stale_after_ms = INT64_MAX / 4;   // a replay is never "stale": it is not live
  o.console_source = "replay";
  o.login = {"trainee", twin::Role::Supervisor};
  return o;
}

ReplayRoom::ReplayRoom(const std::vector<twin::SiteSpec>& sites, engine::Renderer& renderer, ControlRoomOptions options)
    : shown_(sites),
      loop_(shown_, input_queue_, sequencer_, nullptr, nullptr),
      room_(shown_, loop_, ui_queue_, nullptr, renderer, std::move(options)) {}

void ReplayRoom::show(const twin::Core& core, const twin::Decisions& recent) {
  shown_ = core;
  if (!recent.empty()) room_.observe(recent);
}

std::vector<connectors::FieldMessage> ReplayRoom::take_commands() {
  std::vector<connectors::FieldMessage> out;
  ui_queue_.drain(out, 1024, std::chrono::microseconds(0));
  return out;
}

}  // namespace controlroom
