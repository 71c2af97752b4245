// OffscreenReplayView. See offscreen_replay_view.h.
#include "controlroom/replay/offscreen_replay_view.h"

using namespace pipeline;
using namespace sessions;

namespace controlroom {

OffscreenReplayView::~OffscreenReplayView() {
  if (renderer_) renderer_->finish();
  room_.reset();
  renderer_.reset();
}

connectors::Status OffscreenReplayView::render(const twin::Core& core, const twin::Decisions& recent, twin::SimTime time_ms,
                                               const std::string& png_path, const std::vector<twin::Event>* history) {
  if (!renderer_) {
    engine::RendererConfig rc;
    rc.width = width_;
    rc.height = height_;
    rc.windowed = false;
    rc.msaa_samples = kAppMsaaSamples;
    rc.fxaa = kAppFxaa;
    rc.scene_pixels_max = kAppScenePixelsMax;
    try {
      renderer_ = std::make_unique<engine::Renderer>(rc);
    } catch (const std::exception& e) {
      return connectors::Failure{std::string("cannot render offscreen: ") + e.what()};
    }
    room_ = std::make_unique<ReplayRoom>(sites_, *renderer_, replay_room_options(view_, epoch_utc_ms_));
  }
  if (history) {
    room_->show(core, {});
    room_->room().rebuild_history(*history, time_ms);
  } else {
    room_->show(core, recent);
  }
  // A few frames, so that ImGui lays its windows out; the state is the same in each.
  for (int i = 0; i < 3; ++i) room_->room().frame(wall_ms_ += 16);
  renderer_->finish();
  if (!renderer_->saveScreenshot(png_path)) return connectors::Failure{"cannot write the screenshot " + png_path};
  return std::nullopt;
}

}  // namespace controlroom
