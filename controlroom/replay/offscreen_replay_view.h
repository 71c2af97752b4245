// ReplayView for the command line: the control room's view of a replayed state rendered
// offscreen (lavapipe or a GPU) and saved as PNG, for --screenshot and --frames. The
// renderer is created on the first render. It never folds events and never writes the
// recording.
#pragma once
#include "controlroom/replay/replay_room.h"
#include "sessions/replay_view.h"

#include <memory>

namespace controlroom {

class OffscreenReplayView : public sessions::ReplayView {
 public:
  OffscreenReplayView(std::vector<twin::SiteSpec> sites, std::string view, uint32_t width, uint32_t height,
                      std::optional<int64_t> epoch_utc_ms = {})
      : sites_(std::move(sites)), view_(std::move(view)), width_(width), height_(height), epoch_utc_ms_(epoch_utc_ms) {}
  ~OffscreenReplayView() override;
  connectors::Status render(const twin::Core& core, const twin::Decisions& recent, twin::SimTime time_ms, const std::string& png_path,
                            const std::vector<twin::Event>* history = nullptr) override;

 private:
  std::vector<twin::SiteSpec> sites_;
  std::string view_;
  uint32_t width_, height_;
  std::optional<int64_t> epoch_utc_ms_;
  int64_t wall_ms_ = 0;
  std::unique_ptr<engine::Renderer> renderer_;
  std::unique_ptr<ReplayRoom> room_;
};

}  // namespace controlroom
