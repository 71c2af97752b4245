// WindowHooks and ScreenshotHooks. See app_hooks.h.
#include "controlroom/app_hooks.h"
#include "controlroom/ui/instructor_panel.h"
#include "controlroom/ui/text_catalogue.h"

#include <imgui.h>

#include "controlroom/scene/scene_builder.h"
#include "controlroom/scene/scene_json.h"
#include "connectors/codec/kpi_json.h"
#include "twin/kpi.h"

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>

using namespace pipeline;
using namespace runner;

namespace controlroom {

connectors::Result<ControlRoomOptions> control_room_options(const TwinArgs& args) {
  ControlRoomOptions o;
  o.view = args.view;
  o.wall = args.wall || args.view == "wall";
  o.tour = args.tour;
  o.wall_columns = args.wall_columns;
  ui::Lang lang = ui::Lang::En;
  if (ui::parse_lang(args.lang, lang)) {
    o.lang = lang;
    ui::set_lang(lang);  // the notes below are made in it
  }
  if (!args.busy_start.empty()) {  // README command 1: the field fast-forwarded to a busy hour
    char note[200];
    std::snprintf(note, sizeof note, ui::tr("Busy start: the day was fast-forwarded (and recorded) from 00:00 to %s"), args.busy_start.c_str());
    o.start_note = note;
  }
  o.stale_after_ms = static_cast<int64_t>(args.stale_after_s * 1000);
  o.console_source = "console-" + args.client_id;
  if (args.follow) {
    // A follower's commands go to the primary, whose sequencer orders them per source:
    // a new source per start, so that a restarted console's seq 1 is not taken as stale.
    o.publish_only = true;
    o.console_source += "-" + std::to_string(std::time(nullptr));
  }
  o.inspect_shipment = twin::ShipmentId{args.inspect_shipment};
  o.show_feeds = args.show_feeds;
  if (const char* map = std::getenv("GATETWIN_UI_MAP")) o.ui_map_path = map;  // tests driving the window (docs/gatetwin.md)
  if (!args.accounts_path.empty()) {
    auto a = connectors::Accounts::load(args.accounts_path);
    if (auto* e = std::get_if<connectors::AccountsError>(&a)) return e->message();
    o.accounts = std::get<connectors::Accounts>(std::move(a));
    // Automation logs in from the environment, never from the command line.
    const char* user = std::getenv("GATETWIN_USER");
    const char* password = std::getenv("GATETWIN_PASSWORD");
    if (user && password) {
      auto who = o.accounts->login(user, password);
      if (!who) return std::string("GATETWIN_USER / GATETWIN_PASSWORD do not match an account in ") + args.accounts_path;
      o.login = {who->user, who->role};
    }
  }
  return o;
}

static engine::RendererConfig renderer_config(const TwinArgs& args, bool windowed) {
  engine::RendererConfig rc;
  rc.width = args.width;
  rc.height = args.height;
  rc.windowed = windowed;
  rc.title = args.wall ? "Gate Twin - wall" : "Gate Twin - control room";
  rc.msaa_samples = static_cast<uint32_t>(args.msaa);
  rc.fxaa = args.fxaa;
  rc.scene_pixels_max = kAppScenePixelsMax;
  return rc;
}

// --instructor: the instructor's panel over the view, under the top bar (window and offscreen).
static void add_instructor_overlay(ControlRoom& room) {
  auto form = std::make_shared<InstructorForm>();
  room.set_overlay([&room, form] {
    const PanelRect free = room.free_area();
    const float em = ImGui::GetFontSize() / 13.0f;
    if (auto i = instructor_panel({free.x, free.y, std::min(620.0f * em, free.w), 130.0f * em}, room.core(), room.panel_site(),
                                  room.session(), *form))
      if (!room.inject(i->site, i->body)) form->status = ui::tr("not injected: supervisors only, or the input queue is full");
  });
}

int WindowHooks::start(twin::Core& core, FrameLoop& loop, connectors::IngestQueue& queue, connectors::TwinLink& link) {
  auto opt = control_room_options(args_);
  if (auto* e = std::get_if<connectors::Failure>(&opt)) {
    std::fprintf(stderr, "gatetwin: %s\n", e->message().c_str());
    return 1;
  }
  try {
    renderer_ = std::make_unique<engine::Renderer>(renderer_config(args_, true));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "gatetwin: cannot open the window: %s (no display? use --headless --screenshot)\n", e.what());
    return 1;
  }
  room_ = std::make_unique<ControlRoom>(core, loop, queue, &link, *renderer_, std::get<ControlRoomOptions>(std::move(opt)));
  room_->set_vda5050(vda_);
  if (args_.instructor) add_instructor_overlay(*room_);
  return 0;
}

int write_scene_json_file(const twin::Core& core, const std::string& path) {
  WorldLayout layout(core.sites().size());
  SceneOptions so;
  so.display_ms = core.state().now_ms;
  so.field_delay_ms = 0;
  DrawList list;
  build_scene(core, layout, so, list);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << scene_json(core, list) << "\n";
  out.close();
  if (!out) {
    std::fprintf(stderr, "gatetwin: cannot write the scene to %s\n", path.c_str());
    return 1;
  }
  std::fprintf(stderr, "gatetwin: scene of %zu vehicles written to %s\n", list.vehicles.size(), path.c_str());
  return 0;
}

bool SceneJsonHooks::frame(int64_t now_ms) {
  loop_->run_frame(now_ms);
  return true;
}

int SceneJsonHooks::finish(int64_t) { return write_scene_json_file(*core_, args_.scene_json_path); }

int WindowHooks::finish(int64_t) {
  if (room_ && !args_.scene_json_path.empty()) write_scene_json_file(room_->core(), args_.scene_json_path);
  if (renderer_) renderer_->finish();
  room_.reset();
  renderer_.reset();
  return 0;
}

int ScreenshotHooks::start(twin::Core& core, FrameLoop& loop, connectors::IngestQueue& queue, connectors::TwinLink& link) {
  auto opt = control_room_options(args_);
  if (auto* e = std::get_if<connectors::Failure>(&opt)) {
    std::fprintf(stderr, "gatetwin: %s\n", e->message().c_str());
    return 1;
  }
  try {
    renderer_ = std::make_unique<engine::Renderer>(renderer_config(args_, false));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "gatetwin: cannot render offscreen: %s\n", e.what());
    return 1;
  }
  room_ = std::make_unique<ControlRoom>(core, loop, queue, &link, *renderer_, std::get<ControlRoomOptions>(std::move(opt)));
  room_->set_vda5050(vda_);
  if (args_.instructor) add_instructor_overlay(*room_);
  return 0;
}

bool ScreenshotHooks::frame(int64_t now_ms) {
  room_->update(now_ms);  // alerts and KPI plots fill as the run goes; nothing is drawn yet
  return true;
}

int ScreenshotHooks::finish(int64_t now_ms) {
  int code = 0;
  // A few frames, so that ImGui lays its windows out; the data is what was folded.
  for (int i = 0; i < 3; ++i) room_->frame(now_ms + i * 16);
  renderer_->finish();
  if (!renderer_->saveScreenshot(args_.screenshot_path)) {
    std::fprintf(stderr, "gatetwin: cannot write the screenshot %s\n", args_.screenshot_path.c_str());
    code = 1;
  } else {
    std::fprintf(stderr, "gatetwin: screenshot of the %s view written to %s\n", args_.view.c_str(), args_.screenshot_path.c_str());
  }
  const twin::Core& core = room_->core();
  if (!args_.scene_json_path.empty() && write_scene_json_file(core, args_.scene_json_path) != 0) code = 1;
  for (size_t i = 0; i < core.sites().size(); ++i)
    std::printf("%s\n", connectors::kpis_to_text(twin::compute_kpis(core, i, std::max<twin::SimTime>(twin::kMinute, core.state().now_ms)),
                                                 core.sites()[i].name).c_str());
  room_.reset();
  renderer_.reset();
  return code;
}

}  // namespace controlroom
