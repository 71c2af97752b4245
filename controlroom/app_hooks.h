// The control room's hooks into the twin's loop (headless_loop.h): WindowHooks runs the
// ControlRoom in a GLFW window every frame; ScreenshotHooks runs headless and, at the
// end, renders the chosen view offscreen, saves a PNG and prints the KPI summary; both
// write --scene-json at the end when asked, as SceneJsonHooks does without a renderer.
// They own the renderer; the loop owns the core, the link and the recording.
#pragma once
#include "connectors/result.h"
#include "controlroom/control_room.h"
#include "runner/headless_loop.h"
#include "runner/twin_args.h"

#include <memory>

namespace controlroom {

class WindowHooks : public runner::TwinLoopHooks {
 public:
  explicit WindowHooks(const runner::TwinArgs& args) : args_(args) {}
  int start(twin::Core& core, pipeline::FrameLoop& loop, connectors::IngestQueue& queue, connectors::TwinLink& link) override;
  bool frame(int64_t now_ms) override { return room_->frame(now_ms); }
  int finish(int64_t) override;
  void fail_over(const runner::FailOverNote& f) override { room_->note_fail_over(f.epoch, f.primary, f.since_utc_ms, f.from_seq); }
  void messages_lost(const runner::LostMessages& l) override { room_->note_messages_lost(l.source, l.count, l.first, l.last); }
  void vda5050(connectors::vda5050::VehicleLookup l) override { vda_ = std::move(l); }

 private:
  const runner::TwinArgs& args_;
  std::unique_ptr<engine::Renderer> renderer_;
  std::unique_ptr<ControlRoom> room_;
  connectors::vda5050::VehicleLookup vda_;  // --vda5050: the inspector's VDA 5050 view
};

class ScreenshotHooks : public runner::TwinLoopHooks {
 public:
  explicit ScreenshotHooks(const runner::TwinArgs& args) : args_(args) {}
  int start(twin::Core& core, pipeline::FrameLoop& loop, connectors::IngestQueue& queue, connectors::TwinLink& link) override;
  bool frame(int64_t now_ms) override;
  int finish(int64_t now_ms) override;
  std::chrono::microseconds input_wait() const override { return std::chrono::microseconds(2000); }
  void fail_over(const runner::FailOverNote& f) override { room_->note_fail_over(f.epoch, f.primary, f.since_utc_ms, f.from_seq); }
  void messages_lost(const runner::LostMessages& l) override { room_->note_messages_lost(l.source, l.count, l.first, l.last); }
  void vda5050(connectors::vda5050::VehicleLookup l) override { vda_ = std::move(l); }

 private:
  const runner::TwinArgs& args_;
  std::unique_ptr<engine::Renderer> renderer_;
  std::unique_ptr<ControlRoom> room_;
  connectors::vda5050::VehicleLookup vda_;  // --vda5050: the inspector's VDA 5050 view
};

// Headless without a renderer: runs the loop and, at the end, writes --scene-json.
class SceneJsonHooks : public runner::TwinLoopHooks {
 public:
  explicit SceneJsonHooks(const runner::TwinArgs& args) : args_(args) {}
  int start(twin::Core& core, pipeline::FrameLoop& loop, connectors::IngestQueue&, connectors::TwinLink&) override {
    core_ = &core;
    loop_ = &loop;
    return 0;
  }
  bool frame(int64_t now_ms) override;
  int finish(int64_t now_ms) override;

 private:
  const runner::TwinArgs& args_;
  twin::Core* core_ = nullptr;
  pipeline::FrameLoop* loop_ = nullptr;
};

// Builds the scene of the core's state as it stands (every vehicle at its last report,
// no display delay) and writes it as JSON (scene_json.h) to path. 0, or 1 with a message.
int write_scene_json_file(const twin::Core& core, const std::string& path);

// The options of the ControlRoom from the command line; an error message if the
// accounts file does not load.
connectors::Result<ControlRoomOptions> control_room_options(const runner::TwinArgs& args);

}  // namespace controlroom
