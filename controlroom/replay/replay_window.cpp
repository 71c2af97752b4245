// ReplayWindow and the replay program's entry. See replay_window.h.
#include "controlroom/replay/replay_window.h"

#include "controlroom/replay/offscreen_replay_view.h"
#include "controlroom/replay/scenario_window.h"
#include "sessions/replay_cli.h"

#include <engine/Window.h>
#include <imgui.h>

#include <chrono>
#include <cstdio>

using namespace pipeline;
using namespace sessions;

namespace controlroom {

ReplayWindow::ReplayWindow(ReplayController& controller, engine::Renderer& renderer, const std::string& view)
    : controller_(controller), renderer_(renderer), room_(controller.replay().sites(), renderer, replay_room_options(view, controller.replay().epoch_utc_ms())) {
  // On the wall the timeline gets its own band under the header (nothing drawn under it).
  if (room_.room().wall()) room_.room().set_overlay_band(136);
  room_.room().set_overlay([this] {
    if (room_.room().wall()) {
      const PanelRect& band = room_.room().wall_layout().controls;
      timeline_panel(band.x, band.y + 4, band.w, band.h - 8, controller_, ui_, dt_s_);
      return;
    }
    const PanelRect free = room_.room().free_area();
    const float em = ImGui::GetFontSize() / 13.0f;
    const float h = 4 * ImGui::GetFrameHeightWithSpacing() + 2 * ImGui::GetStyle().WindowPadding.y;
    timeline_panel(free.x, free.y, free.w, h, controller_, ui_, dt_s_);
    if (controller_.fork())  // below the fork-vs-original panel, at the left of the view
      if (auto i = instructor_panel({free.x, free.y + h + 390 * em, std::min(620.0f * em, free.w), 130.0f * em}, room_.room().core(),
                                    room_.room().panel_site(), room_.room().session(), instructor_)) {
        const connectors::Status why = controller_.inject(i->site, i->body);
        ui_.status = why ? why->message() : ui::trf("instructor: %s in the fork", i->what.c_str());
      }
  });
}

bool ReplayWindow::frame(int64_t wall_ms) {
  dt_s_ = last_wall_ms_ < 0 ? 0 : static_cast<double>(wall_ms - last_wall_ms_) / 1000.0;
  last_wall_ms_ = wall_ms;
  controller_.update(dt_s_);
  if (controller_.version() != shown_version_) {
    const bool first = shown_version_ == UINT64_MAX;
    room_.show(controller_.shown(), controller_.recent());
    shown_version_ = controller_.version();
    // At the start and after a seek the plots and the alerts show the recording's history up to the moment
    // shown (not from the moment on); after take-over the fork's run goes on from there. A
    // seek is the timeline's, or any move that playing does not explain (back, or further on
    // than the speed carries it in this frame, with a minute to spare).
    const twin::SimTime shown = controller_.shown_ms();
    const double carried_ms = controller_.playing() ? dt_s_ * controller_.speed() * 1000.0 : 0.0;
    const bool jumped = shown < shown_ms_ || static_cast<double>(shown - shown_ms_) > carried_ms + twin::kMinute;
    if ((first || ui_.seeked || jumped) && !controller_.forked())
      room_.room().rebuild_history(controller_.replay().events(), shown);
    shown_ms_ = shown;
    ui_.seeked = false;
  }
  for (auto& m : room_.take_commands())
    if (auto* cmd = std::get_if<twin::OperatorCommand>(&m.body)) {
      const connectors::Status why = controller_.command(m.site, *cmd);
      ui_.status = why ? why->message() : ui::trf("command %s given to the fork", twin::to_string(cmd->command.kind));
    }
  return room_.room().frame(wall_ms);
}

int run_replay_main(int argc, char** argv) {
  int code = 0;
  auto args = parse_replay_args(argc, argv, code);
  if (!args) return code;
  ui::Lang lang = ui::Lang::En;
  if (ui::parse_lang(args->lang, lang)) ui::set_lang(lang);
  if (!args->scenario_path.empty()) return args->headless ? run_scenario_cli(*args) : run_scenario_window(*args);
  if (args->headless) {
    if (args->screenshot_path.empty() && args->frames_dir.empty()) return run_replay_cli(*args, nullptr);
    // The sites are the replay's: read them from the recording's first open in the CLI.
    ReplayOptions ro;
    ro.sites_dir = args->sites_dir;
    auto probe = Replay::open(args->replay_path, args->session, ro);
    if (auto* e = std::get_if<connectors::Failure>(&probe)) {
      std::fprintf(stderr, "gatetwin: %s\n", e->message().c_str());
      return 1;
    }
    const auto& opened = *std::get<std::unique_ptr<Replay>>(probe);
    OffscreenReplayView view(opened.sites(), args->view, args->width, args->height, opened.epoch_utc_ms());
    probe = std::unique_ptr<Replay>();
    return run_replay_cli(*args, &view);
  }
  ReplayOptions ro;
  ro.sites_dir = args->sites_dir;
  auto opened = Replay::open(args->replay_path, args->session, ro);
  if (auto* e = std::get_if<connectors::Failure>(&opened)) {
    std::fprintf(stderr, "gatetwin: %s\n", e->message().c_str());
    return 1;
  }
  auto replay = std::move(std::get<std::unique_ptr<Replay>>(opened));
  if (replay->damaged()) std::fprintf(stderr, "gatetwin: warning: %s\n", replay->warning().c_str());
  if (auto why = seek_text(*replay, args->seek.empty() ? "00:00:00" : args->seek)) {
    std::fprintf(stderr, "gatetwin: --seek: %s\n", why->message().c_str());
    return 2;
  }
  ForkOptions fo;
  fo.record_path = args->fork_record_path();
  fo.sites_dir = args->sites_dir;
  fo.live_load = args->live_load;
  ReplayController controller(std::move(replay), fo);
  engine::RendererConfig rc;
  rc.width = args->width;
  rc.height = args->height;
  rc.windowed = true;
  rc.msaa_samples = kAppMsaaSamples;
  rc.fxaa = kAppFxaa;
  rc.scene_pixels_max = kAppScenePixelsMax;
  rc.title = "Gate Twin - replay " + args->replay_path;
  std::unique_ptr<engine::Renderer> renderer;
  try {
    renderer = std::make_unique<engine::Renderer>(rc);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "gatetwin: cannot open the window: %s (no display? use --headless)\n", e.what());
    return 1;
  }
  {
    ReplayWindow window(controller, *renderer, args->view);
    const auto start = std::chrono::steady_clock::now();
    while (window.frame(std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count())) {
    }
    renderer->finish();
  }
  if (auto why = controller.leave_fork()) std::fprintf(stderr, "gatetwin: %s\n", why->message().c_str());
  return 0;
}

}  // namespace controlroom
