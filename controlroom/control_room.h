// ControlRoom: the live twin on screen. Each frame: the FrameLoop's three steps (drain
// inputs -> apply to core -> publish decisions), then alerts and KPI samples from what
// was applied, then the draw list from state, the panels, and the engine's render. The
// UI commands through submit(), which puts the command on the same input path as MQTT
// commands (and publishes it). It never blocks on MQTT or SQLite: both sit behind
// bounded queues owned by others.
#pragma once
#include "pipeline/frame_loop.h"

#include "controlroom/ui/alert_log.h"
#include "controlroom/scene/draw_list.h"
#include "controlroom/scene/site_roads.h"
#include "controlroom/ui/kpi_history.h"
#include "controlroom/ui/operator_session.h"
#include "controlroom/ui/ui_map.h"
#include "controlroom/ui/wall_layout.h"
#include "controlroom/ui/wall_panels.h"
#include "controlroom/ui/panels.h"
#include "controlroom/ui/text_catalogue.h"
#include "controlroom/scene/view_presets.h"
#include "controlroom/scene/world_layout.h"

#include "connectors/accounts/accounts.h"

#include <engine/CameraController.h>
#include <engine/Renderer.h>

#include <functional>
#include <map>
#include <optional>
#include <string>

namespace controlroom {

// Anti-aliasing of every control-room renderer (window, screenshots, replay, bench): the
// post-process pass (engine::RendererConfig::fxaa) and no MSAA. On lavapipe MSAA x4 made the
// frame about 2.6 times slower; FXAA costs a few ms (gatetwin --aa / --msaa choose others).
constexpr uint32_t kAppMsaaSamples = 1;
constexpr bool kAppFxaa = true;
// Pixel budget of the 3D scene of every control-room renderer (engine::RendererConfig::
// scene_pixels_max): up to 2560x1440 the scene is drawn at full size; a 3840x2160 wall draws
// it at 1920x1080 (a 7680x2160 one at 2560x720) and scales it up, its text and tiles at
// full size (gatebench frame: on lavapipe the wall's frame costs about half as much).
constexpr uint32_t kAppScenePixelsMax = 2560 * 1440;

struct ControlRoomOptions {
  std::string view = "both";         // m1119 | m1088 | both | wall
  bool wall = false;                 // wall display: a framed viewport per site, clock, KPI tiles, alert ticker
  int wall_columns = 0;              // site cells per row on the wall; 0: from the site count and aspect
  bool replay = false;               // a replayed moment: the wall shows the REPLAY marker
  std::string start_note;            // shown under the gate's name on the wall (e.g. the busy start)
  bool tour = false;                 // wall: slow camera tour
  int64_t stale_after_ms = 5000;     // wall time with no input before data is shown as stale
  std::string console_source = "console";
  bool publish_only = false;         // a follower: commands go to the primary only (docs/control-room.md)
  std::optional<connectors::Accounts> accounts;
  twin::ShipmentId inspect_shipment;  // select this shipment once it is known (--inspect); 0: none
  bool show_feeds = false;            // the Feeds panel open at start (--feeds)
  OperatorSession login;   // logged in at start (automation: GATETWIN_USER / GATETWIN_PASSWORD)
  std::optional<int64_t> epoch_utc_ms;  // a replayed live recording's session epoch: times as the gate's date
  std::string ui_map_path;  // GATETWIN_UI_MAP: where controls and trucks are on screen, each frame (ui/ui_map.h)
  std::optional<ui::Lang> lang;  // --lang: set at start (else the language stays as it is)
  bool show_fps = true;          // the frame rate in the top bar (a test's golden image in a window: off, it varies)
};

class ControlRoom {
 public:
  ControlRoom(twin::Core& core, pipeline::FrameLoop& loop, connectors::IngestQueue& queue, connectors::TwinLink* link,
              engine::Renderer& renderer, ControlRoomOptions options);

  // One frame at wall time wall_ms (ms since start): update(), then draw. Returns false
  // when the window closes.
  bool frame(int64_t wall_ms);
  // The frame without drawing: inputs folded, alerts and KPI samples taken, staleness.
  void update(int64_t wall_ms);
  // The UI's command path (a CommandSink); see operator_session.h.
  uint64_t submit(uint8_t site, const twin::OperatorCommand& command);
  // An instructor's incident (controlroom/ui/instructor_panel.h) on the same input path as
  // the field's events, source "instructor:<user>": sequenced, folded and recorded like any
  // other. Supervisors only (0 otherwise, or when the queue is full); else its seq.
  uint64_t inject(uint8_t site, twin::EventBody incident);
  // Replay (tools/gatetwin/replay_app): decisions folded outside the FrameLoop, for the
  // alert log; and extra ImGui drawn after the panels, inside the frame (the timeline).
  void observe(const twin::Decisions& decisions) { alerts_.collect(decisions, core_, layout_); }
  // The run failed over to a standby (a follower's stream said so): a critical alert, and a
  // line under the gate's name on the wall for the rest of the run, saying who and when.
  void note_fail_over(uint32_t epoch, const std::string& primary, int64_t since_utc_ms, uint64_t from_seq);
  // Ordered messages of `source` never arrived (seq first..last, count in all) and the twin
  // went on without them: a critical alert, in the window's language.
  void note_messages_lost(const std::string& source, uint64_t count, uint64_t first, uint64_t last);
  const std::string& fail_over_note() const { return fail_over_note_; }
  void set_overlay(std::function<void()> draw) { overlay_ = std::move(draw); }
  // --vda5050: where the inspector reads a VDA 5050 guide vehicle's own report (the link's
  // book, read-only, docs/vda5050.md); empty: no VDA 5050 vehicles.
  void set_vda5050(connectors::vda5050::VehicleLookup lookup) { vda_lookup_ = std::move(lookup); }
  // On the wall: the height of the band under the header kept for the overlay (the replay
  // timeline); the band is wall_layout().controls.
  void set_overlay_band(float height_px) { overlay_band_h_ = height_px; }
  // A replay after a seek: the KPI plots' history rebuilt from the recording's events up
  // to the moment shown (KpiHistory::rebuild).
  void rebuild_kpis(const std::vector<twin::Event>& events, twin::SimTime up_to_ms) { kpis_.rebuild(core_.sites(), events, up_to_ms); }
  // The same fold also rebuilds the alert log as it stood at up_to_ms (a replayed moment
  // shows the alerts that led to it, not an empty ticker; a seek back drops later ones).
  void rebuild_history(const std::vector<twin::Event>& events, twin::SimTime up_to_ms);
  const KpiHistory& kpis() const { return kpis_; }

  void set_view(const std::string& name);
  // The wall display on or off from the window (the F11 key): on shows the "wall" view.
  void set_wall(bool on);
  bool wall() const { return options_.wall; }
  // A site's camera preset (keys F5-F8 for the site the panels work on, and the arrow beside
  // the site's view button in the top bar): that site's view, the camera framing the preset's stations in the part of
  // the window the panels leave free (docs/gatetwin.md).
  void set_site_preset(uint8_t site, SitePreset preset);
  const engine::Camera& camera() const { return camera_; }
  const View& view() const { return view_; }
  // The part of the 3D view the console's panels leave free (under the top bar, left of
  // the right column, above the bottom band) as of the last frame: where overlays go.
  const PanelRect& free_area() const { return free_; }
  // What the inspector shows. A shipment is followed by its id: its index moves when
  // retention removes older shipments, and the selection clears when it is removed.
  void select(const PickTarget& t);
  const PickTarget& selected() const { return selected_; }
  void log_in(const std::string& user, twin::Role role) {
    session_ = {user, role};
    form_.clear();  // nothing of the last user's form carries over
  }
  CommandForm& form() { return form_; }
  const DrawList& draw_list() const { return draw_list_; }
  const AlertLog& alerts() const { return alerts_; }
  AlertLog& alerts() { return alerts_; }
  // The wall's layout as last drawn (empty before the first wall frame), and its clock.
  const WallLayout& wall_layout() const { return wall_layout_; }
  const WallClock& wall_clock() const { return wall_clock_; }
  bool stale() const { return stale_; }
  const std::string& banner() const { return banner_; }
  uint8_t panel_site() const { return panel_site_; }
  const twin::Core& core() const { return core_; }
  const OperatorSession& session() const { return session_; }
  // An instant of run time as the panels show it: the gate's date and local time once the
  // field sends UTC or for a replayed live recording, else the run's day and time.
  std::string time_text(twin::SimTime t) const;

 private:
  void after_apply(const pipeline::SequencedEvent& e, const twin::Decisions& d);
  void update_staleness(int64_t wall_ms);
  void follow_selection();
  void handle_pointer();
  void resolve_pick();
  void draw_panels();
  UiMapState map_state() const;
  void draw_top_bar(float width);
  void draw_wall();
  void draw_wall_scene(int64_t wall_ms);
  void handle_keys();
  void draw_camera_menu(uint8_t site);
  twin::SimTime display_time(int64_t wall_ms) const;

  twin::Core& core_;
  pipeline::FrameLoop& loop_;
  connectors::IngestQueue& queue_;
  connectors::TwinLink* link_;
  bool show_feeds_ = false;
  connectors::FeedsSnapshot feeds_;   // taken at most twice a second for the Feeds panel
  int64_t feeds_at_ms_ = -1;
  connectors::vda5050::VehicleLookup vda_lookup_;  // the selected guide vehicle's VDA 5050 view, each frame
  engine::Renderer& renderer_;
  ControlRoomOptions options_;

  WorldLayout layout_;
  std::vector<SiteRoads> roads_;  // per site, for every scene this room builds (SceneOptions::roads)
  std::vector<View> views_;
  View view_;
  engine::Camera camera_;
  engine::CameraController controller_;
  std::vector<engine::MeshId> meshes_;
  DrawList draw_list_;
  std::vector<DrawList> wall_lists_;   // the wall: one per site view
  std::vector<std::pair<glm::vec2, engine::CameraPose>> wall_poses_;  // per site: its view's size and the overview framed in it
  WallLayout wall_layout_;
  WallClock wall_clock_;
  float overlay_band_h_ = 0;
  AlertLog alerts_;
  KpiHistory kpis_;
  OperatorSession session_;
  CommandForm form_;
  PickTarget selected_;
  twin::ShipmentId selected_shipment_;  // the id of selected_ when it is a shipment
  uint8_t panel_site_ = 0;
  std::string view_before_wall_ = "both";
  float fonts_for_height_ = -1;   // the framebuffer height the fonts were last sized for
  PanelRect free_{0, 40, 800, 400};

  uint64_t console_seq_ = 0;
  uint64_t instructor_seq_ = 0;
  std::string console_run_;   // this run of the console (its start time): command ids are "<run>-<seq>"
  std::map<uint64_t, uint64_t> ticket_to_seq_;   // console seq -> twin seq, bounded
  int64_t last_input_wall_ms_ = 0;
  twin::SimTime last_now_ms_ = -1;
  int64_t now_changed_wall_ms_ = 0;
  double sim_per_wall_ = 1.0;                    // estimated playback speed
  int64_t wall_ms_ = 0;
  bool stale_ = false;
  std::string banner_;
  std::string fail_over_note_;  // the last fail-over, as the wall says it ("" for none)
  std::function<void()> overlay_;
  bool was_left_down_ = false;
  glm::vec2 press_at_{0};
  // A click on the 3D view, picked once the frame it was made on is finished: the engine
  // picks from the last finished frame, never from one in progress.
  std::optional<glm::vec2> pick_at_;
  uint64_t frames_ = 0;
  uint64_t picks_ = 0;
  std::string last_pick_;   // for the UI map
};

}  // namespace controlroom
