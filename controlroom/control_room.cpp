// ControlRoom. See control_room.h. Sections: set-up, the frame, input, panels, wall.
#include "controlroom/control_room.h"

#include "twin/clock_text.h"

#include "controlroom/ui/panels.h"
#include "controlroom/ui/ui_fonts.h"
#include "controlroom/ui/ui_map.h"
#include "controlroom/ui/text_catalogue.h"
#include "controlroom/scene/scene_builder.h"

#include "connectors/files/site_file.h"

#include <engine/Window.h>
#include <imgui.h>
#include <imgui_internal.h>

#include <algorithm>
#include <chrono>
#include <cmath>

using namespace pipeline;

namespace controlroom {

// [SECTION] set-up -------------------------------------------------------------------------

ControlRoom::ControlRoom(twin::Core& core, FrameLoop& loop, connectors::IngestQueue& queue, connectors::TwinLink* link,
                         engine::Renderer& renderer, ControlRoomOptions options)
    : core_(core), loop_(loop), queue_(queue), link_(link), renderer_(renderer), options_(std::move(options)),
      layout_(core.sites().size()) {
  std::vector<std::string> ids;
  for (const auto& s : core.sites()) ids.push_back(s.id);
  for (const auto& s : core.sites()) roads_.emplace_back(s);
  views_ = standard_views(ids, layout_);
  for (const View& v : views_) camera_.setPreset(v.name, v.pose);
  set_view(options_.wall ? "wall" : options_.view);
  const std::string meshes = std::string(GATETWIN_SOURCE_DIR) + "/assets/meshes/";
  for (int k = 0; k < static_cast<int>(MeshKind::Count); ++k)
    meshes_.push_back(renderer_.meshes().load(meshes + mesh_file(static_cast<MeshKind>(k)) + ".gltf"));
  loop_.set_after_apply([this](const pipeline::SequencedEvent& e, const twin::Decisions& d) { after_apply(e, d); });
  // Command ids must not repeat when the console restarts (the primary keeps the answers
  // it gave): each run's ids start with its start time.
  console_run_ = std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(
                                    std::chrono::system_clock::now().time_since_epoch()).count());
  if (options_.lang) ui::set_lang(*options_.lang);
  ui::apply_console_fonts(renderer_, {}, ids);
  fonts_for_height_ = renderer_.viewport().y;
  session_ = options_.login;
  show_feeds_ = options_.show_feeds;
}

void ControlRoom::set_view(const std::string& name) {
  auto v = find_view(views_, name);
  if (!v) v = find_view(views_, "both");
  view_ = *v;
  camera_.applyPreset(view_.name);
  // The panels cover the right column and the bottom band: frame the view in the rest.
  if (!options_.wall) {
    const float d = camera_.pose().distance_m;
    camera_.pan(0.2f * d, -0.12f * d);
  }
  for (size_t i = 0; i < view_.show_site.size(); ++i)
    if (view_.show_site[i] && std::count(view_.show_site.begin(), view_.show_site.end(), true) == 1) panel_site_ = static_cast<uint8_t>(i);
}

void ControlRoom::set_site_preset(uint8_t site, SitePreset preset) {
  if (site >= core_.sites().size()) return;
  if (options_.wall) set_wall(false);
  set_view(core_.sites()[site].id);
  panel_site_ = site;
  const glm::vec2 vp = renderer_.viewport();
  camera_.setPose(site_preset_pose(layout_, core_.sites()[site], site, preset, vp, glm::vec4(free_.x, free_.y, free_.w, free_.h),
                                   camera_.fovYDeg()));
}

void ControlRoom::set_wall(bool on) {
  if (on == options_.wall) return;
  if (on) view_before_wall_ = view_.name;
  options_.wall = on;
  set_view(on ? "wall" : view_before_wall_);
}

uint64_t ControlRoom::submit(uint8_t site, const twin::OperatorCommand& command) {
  connectors::FieldMessage m;
  m.source = options_.console_source + ":" + command.actor;
  m.source_seq = ++console_seq_;
  m.time_ms = core_.state().now_ms;
  m.site = site;
  m.body = command;
  m.cls = connectors::MessageClass::Command;
  m.command_id = console_run_ + "-" + std::to_string(console_seq_);
  m.topic = "(console)";
  const bool sent = link_ && link_->publish_event(twin::Event{0, m.time_ms, site, command}, m.source, m.source_seq, m.command_id);
  if (options_.publish_only) return sent ? console_seq_ : 0;  // the primary sequences it; the stream brings the outcome
  if (!queue_.push(std::move(m))) return 0;
  return console_seq_;
}

uint64_t ControlRoom::inject(uint8_t site, twin::EventBody incident) {
  if (session_.role != twin::Role::Supervisor || std::holds_alternative<twin::OperatorCommand>(incident)) return 0;
  connectors::FieldMessage m("instructor:" + session_.user, instructor_seq_ + 1, core_.state().now_ms, site, std::move(incident),
                             connectors::MessageClass::Ordered, "(instructor)");
  if (!queue_.push(std::move(m))) return 0;
  return ++instructor_seq_;
}

void ControlRoom::after_apply(const pipeline::SequencedEvent& e, const twin::Decisions& d) {
  last_input_wall_ms_ = wall_ms_;
  alerts_.collect(d, core_, layout_);
  if (e.source.rfind(options_.console_source + ":", 0) == 0) {
    ticket_to_seq_[e.source_seq] = e.event.seq;
    if (ticket_to_seq_.size() > 1024) ticket_to_seq_.erase(ticket_to_seq_.begin());
  }
}

// [SECTION] the frame ----------------------------------------------------------------------

twin::SimTime ControlRoom::display_time(int64_t wall_ms) const {
  if (stale_) return core_.state().now_ms;
  // Between events, time runs on at the speed the stream has been arriving at, but never
  // more than a minute of simulated time past the last event.
  const double ahead = (wall_ms - now_changed_wall_ms_) * sim_per_wall_;
  return core_.state().now_ms + static_cast<twin::SimTime>(std::clamp(ahead, 0.0, 60000.0));
}

void ControlRoom::update_staleness(int64_t wall_ms) {
  const twin::SimTime now = core_.state().now_ms;
  if (now != last_now_ms_) {
    if (last_now_ms_ >= 0 && wall_ms > now_changed_wall_ms_) {
      const double rate = static_cast<double>(now - last_now_ms_) / static_cast<double>(wall_ms - now_changed_wall_ms_);
      sim_per_wall_ = 0.8 * sim_per_wall_ + 0.2 * std::clamp(rate, 0.0, 10000.0);
    }
    last_now_ms_ = now;
    now_changed_wall_ms_ = wall_ms;
  }
  const bool broker_down = link_ && !link_->connected();
  stale_ = wall_ms - last_input_wall_ms_ > options_.stale_after_ms || broker_down;
  banner_.clear();
  const std::string as_of = twin::clock_text(now, twin::ClockStyle::DayAndTime);
  if (broker_down) banner_ = ui::trf("BROKER CONNECTION LOST - data shown as of %s, not live", as_of.c_str());
  else if (stale_)
    banner_ = ui::trf("TELEMETRY STALE - no data for %lld s; shown as of %s, not live",
                      static_cast<long long>((wall_ms - last_input_wall_ms_) / 1000), as_of.c_str());
}

void ControlRoom::select(const PickTarget& t) {
  selected_ = t;
  selected_shipment_ = {};
  if (t.kind != PickKind::Shipment) return;
  const auto& sites = core_.state().sites;
  if (t.site < sites.size() && sites[t.site].shipments.contains(t.shipment()))
    selected_shipment_ = sites[t.site].shipments[t.shipment()].id;
  else selected_ = {};
}

void ControlRoom::follow_selection() {
  if (selected_.kind != PickKind::Shipment) return;
  const auto& by_id = core_.state().sites[selected_.site].by_id;  // checked by select()
  auto it = by_id.find(selected_shipment_);
  if (it == by_id.end()) selected_ = {};  // retired
  else selected_ = PickTarget::of_shipment(selected_.site, it->second);
}

void ControlRoom::update(int64_t wall_ms) {
  wall_ms_ = wall_ms;
  loop_.run_frame(wall_ms);
  follow_selection();
  if (ticket_to_seq_.count(form_.ticket)) form_.last_seq = ticket_to_seq_[form_.ticket];
  update_staleness(wall_ms);
  kpis_.sample(core_, core_.state().now_ms, 0);
  if (options_.inspect_shipment != twin::ShipmentId{} && selected_.kind == PickKind::None)
    for (size_t i = 0; i < core_.sites().size(); ++i) {
      auto it = core_.state().sites[i].by_id.find(options_.inspect_shipment);
      if (it == core_.state().sites[i].by_id.end()) continue;
      select(PickTarget::of_shipment(static_cast<uint8_t>(i), it->second));
      panel_site_ = static_cast<uint8_t>(i);
    }
}

bool ControlRoom::frame(int64_t wall_ms) {
  if (engine::Window* w = renderer_.window()) {
    w->pollEvents();
    if (w->shouldClose()) return false;
  }
  update(wall_ms);
  if (options_.wall && options_.tour) camera_.orbit(0.02f, 0.0f);
  if (renderer_.viewport().y != fonts_for_height_) {  // the text follows the framebuffer's size
    fonts_for_height_ = renderer_.viewport().y;
    std::vector<std::string> ids;
    for (const auto& site : core_.sites()) ids.push_back(site.id);
    ui::apply_console_fonts(renderer_, {}, ids);
  }
  if (!renderer_.beginFrame()) return true;  // minimised
  ui_map::begin_frame(!options_.ui_map_path.empty());
  handle_keys();
  handle_pointer();
  renderer_.setCamera(camera_);
  if (options_.wall) {
    draw_wall_scene(wall_ms);
    draw_wall();
    if (overlay_) overlay_();
    renderer_.endFrame();
    ++frames_;
    if (ui_map::on()) ui_map::write(options_.ui_map_path, map_state(), draw_list_, camera_, renderer_.viewport());
    return true;
  }
  SceneOptions so;
  so.show_site = view_.show_site;
  so.lane_labels = view_.lane_labels;
  so.display_ms = display_time(wall_ms);
  so.motion = !stale_;
  so.selected = selected_;
  so.roads = &roads_;
  build_scene(core_, layout_, so, draw_list_);
  for (size_t k = 0; k < draw_list_.instances.size(); ++k) renderer_.drawInstances(meshes_[k], draw_list_.instances[k]);
  for (const Ribbon& rb : draw_list_.ribbons) renderer_.drawPolyline(rb.points, rb.width_m, rb.colour, rb.closed);
  for (const Label& l : draw_list_.labels) renderer_.drawLabel(l.anchor, l.text, l.colour);
  draw_panels();
  if (overlay_) overlay_();
  renderer_.endFrame();
  ++frames_;
  resolve_pick();  // draw_list_ is still the one the finished frame drew
  if (ui_map::on()) ui_map::write(options_.ui_map_path, map_state(), draw_list_, camera_, renderer_.viewport());
  return true;
}

// What the UI map says of the window as a whole (GATETWIN_UI_MAP; the console and the wall alike).
UiMapState ControlRoom::map_state() const {
  UiMapState ms{frames_, session_.user, session_.logged_in() ? twin::to_string(session_.role) : "", -1, 0,
                form_.confirm.has_value(), picks_, last_pick_, form_.reason,
                panel_site_ < core_.sites().size() ? core_.sites()[panel_site_].id : "", view_.name, ui::lang_code(ui::lang()),
                !banner_.empty(), {free_.x, free_.y, free_.w, free_.h}};
  const ImGuiContext& g = *ImGui::GetCurrentContext();
  if (g.HoveredWindow) ms.hovered_window = g.HoveredWindow->Name;
  if (g.ActiveId) ms.active_item = std::to_string(g.ActiveId);
  if (selected_.kind == PickKind::Shipment) {
    ms.selected_site = selected_.site;
    ms.selected_shipment = selected_shipment_.value;
  }
  return ms;
}

// [SECTION] input --------------------------------------------------------------------------

// Function keys (never typed into a name or a reason; not while a text box has the
// keyboard either): F1, F2, F3 (F4)... the views in the top bar's order, F5-F8 the camera
// presets of the site the panels work on (overview, gate-in and lanes, inspection, yards),
// F11 the wall display on / off, F12 the language (docs/gatetwin.md). GLFW's key codes,
// which ImGui's GLFW backend uses for its key array.
void ControlRoom::handle_keys() {
  constexpr int kF1 = 290, kF5 = 294, kF11 = 300, kF12 = 301;  // GLFW_KEY_F1, _F5, _F11, _F12
  const ImGuiIO& io = ImGui::GetIO();
  if (io.WantTextInput || !renderer_.window()) return;
  int n = 0;
  for (const View& v : views_) {
    if (v.name == "wall") continue;
    if (++n <= 4 && ImGui::IsKeyPressed(kF1 + n - 1, false)) {
      if (options_.wall) set_wall(false);
      set_view(v.name);
    }
  }
  for (int p = 0; p < kSitePresets; ++p)
    if (ImGui::IsKeyPressed(kF5 + p, false)) set_site_preset(panel_site_, static_cast<SitePreset>(p));
  if (ImGui::IsKeyPressed(kF11, false)) set_wall(!options_.wall);
  if (ImGui::IsKeyPressed(kF12, false)) ui::set_lang(ui::lang() == ui::Lang::Vi ? ui::Lang::En : ui::Lang::Vi);
}

void ControlRoom::handle_pointer() {
  engine::Window* w = renderer_.window();
  if (!w) return;
  engine::PointerInput in = w->pointer();
  if (renderer_.uiWantsPointer() || options_.wall) {
    controller_.reset();
    was_left_down_ = in.left;
    return;
  }
  if (in.left && !was_left_down_) press_at_ = in.cursor_px;
  // A click (press and release without a drag) picks; a drag orbits.
  if (!in.left && was_left_down_ && glm::length(in.cursor_px - press_at_) < 4.0f) pick_at_ = in.cursor_px;
  was_left_down_ = in.left;
  controller_.update(camera_, in, renderer_.viewport());
}

void ControlRoom::resolve_pick() {
  if (!pick_at_) return;
  const glm::vec2 at = *pick_at_;
  pick_at_.reset();
  ++picks_;
  last_pick_ = "nothing";
  if (auto id = renderer_.pick(static_cast<int>(at.x), static_cast<int>(at.y)))
    if (const PickTarget* t = draw_list_.target(*id)) {
      select(*t);
      panel_site_ = t->site;
      last_pick_ = "kind " + std::to_string(static_cast<int>(t->kind)) + " index " + std::to_string(t->index);
    }
}

// [SECTION] panels -------------------------------------------------------------------------

// Run time ("d0 10:02:46") for a field on run time (gatesim); the gate's date and local
// time once the field sends UTC (its clock then runs from the session epoch).
std::string ControlRoom::time_text(twin::SimTime t) const {
  if (options_.epoch_utc_ms) return twin::gate_time_text(*options_.epoch_utc_ms, t);  // a replayed live recording
  const bool utc = link_ && link_->utc_messages() > 0;  // the link maps UTC through the session epoch
  return utc ? twin::gate_time_text(link_->time_options().epoch_utc_ms, t) : twin::clock_text(t, twin::ClockStyle::DayAndTime);
}

// The top bar: the views (with their keys), the Feeds button, the wall and language
// switches, the clock, the frame rate and the site the panels work on. The panel-site
// radio buttons live in their own ID scope: their labels are the view buttons' too.
void ControlRoom::draw_top_bar(float width) {
  ImGui::SetNextWindowPos(ImVec2(0, 0));
  ImGui::SetNextWindowSize(ImVec2(width, 0));
  ImGui::Begin("##views", nullptr, ImGuiWindowFlags_NoTitleBar | ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoScrollbar);
  ImGui::TextUnformatted(ui::kGateNames);  // the gate, as each side names it
  ImGui::SameLine();
  ImGui::PushID("view");
  int n = 0;
  for (const View& v : views_) {
    if (v.name == "wall") continue;
    ++n;
    const std::string key = n <= 4 ? " [F" + std::to_string(n) + "]" : "";  // i18n: a key's name
    const std::string label = (v.name == "both" ? std::string(ui::tr("both")) : v.name) + key + "##" + v.name;
    if (ImGui::Button(label.c_str())) set_view(v.name);
    ui_map::item("view/" + v.name);
    if (ImGui::IsItemHovered()) ImGui::SetTooltip(ui::tr("Show this view (key F%d)"), n);
    ImGui::SameLine(0, 1);
    for (size_t i = 0; i < core_.sites().size(); ++i)  // a site's view: the arrow beside it opens its camera presets
      if (core_.sites()[i].id == v.name) draw_camera_menu(static_cast<uint8_t>(i));
    ImGui::SameLine();
  }
  ImGui::PopID();
  if (ImGui::Button((std::string(ui::tr("wall")) + " [F11]##wall").c_str())) set_wall(true);  // i18n: a key's name
  ui_map::item("view/wall");
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", ui::tr("The wall display: large type, no editing; F11 again returns to the console"));
  ImGui::SameLine();
  if (link_) {  // the field's sources: only a twin with a link to the broker has them
    const std::string feeds = std::string(show_feeds_ ? ui::tr("Feeds (open)") : ui::tr("Feeds")) + "##feeds";
    if (ImGui::Button(feeds.c_str())) show_feeds_ = !show_feeds_;
    ImGui::SameLine();
  }
  // The language switch: the other language's name, in that language.
  const bool vi = ui::lang() == ui::Lang::Vi;
  if (ImGui::Button(vi ? "English [F12]##lang" : "Tiếng Việt [F12]##lang")) ui::set_lang(vi ? ui::Lang::En : ui::Lang::Vi);  // i18n: each language by its own name
  ui_map::item("lang");
  ImGui::SameLine();
  const std::string clock = time_text(core_.state().now_ms);
  if (options_.show_fps)
    ImGui::TextDisabled("%s", ui::trf("|  %s  |  %.0f fps  |", clock.c_str(), static_cast<double>(ImGui::GetIO().Framerate)).c_str());
  else ImGui::TextDisabled("|  %s  |", clock.c_str());
  ImGui::SameLine();
  ImGui::TextDisabled("%s", ui::tr("panels for"));
  ImGui::PushID("panels");
  for (size_t i = 0; i < core_.sites().size(); ++i) {
    ImGui::SameLine();
    if (ImGui::RadioButton(core_.sites()[i].id.c_str(), panel_site_ == i)) panel_site_ = static_cast<uint8_t>(i);
    ui_map::item("panels/" + core_.sites()[i].id);
  }
  if (!options_.start_note.empty()) {  // the busy start (README command 1)
    ImGui::SameLine();
    // The whole note where it fits, else a short one with the note as its tooltip; where
    // not even that fits (the bar is full, in Vietnamese say), the whole note on a line of
    // its own under the bar (the 3D view starts below it): never cut off.
    const char* note = options_.start_note.c_str();
    const char* brief = ui::tr("busy start");
    const float avail = ImGui::GetContentRegionAvail().x, bar = ImGui::CalcTextSize("|  ").x;
    const bool fits = bar + ImGui::CalcTextSize(note).x <= avail, brief_fits = bar + ImGui::CalcTextSize(brief).x <= avail;
    if (!fits && !brief_fits) ImGui::NewLine();
    const ImVec4 amber(1.0f, 0.82f, 0.45f, 1.0f);
    ImGui::PushTextWrapPos(0.0f);  // on a line of its own, it wraps at the bar's edge
    if (fits || !brief_fits) ImGui::TextColored(amber, fits ? "|  %s" : "%s", note);
    else ImGui::TextColored(amber, "|  %s", brief);
    ImGui::PopTextWrapPos();
    ui_map::item(fits ? "top/start_note" : brief_fits ? "top/start_note_brief" : "top/start_note_own_line");
    if (!fits && brief_fits && ImGui::IsItemHovered()) ImGui::SetTooltip("%s", note);
  }
  ImGui::PopID();
  free_.y = ImGui::GetWindowHeight();
  ImGui::End();
}

// A site's camera presets: a small arrow beside its view button opens them (with their keys
// F5-F8 when the panels work on that site).
void ControlRoom::draw_camera_menu(uint8_t site) {
  const std::string id = core_.sites()[site].id;
  const float h = ImGui::GetFrameHeight();  // narrow: the top bar is full in Vietnamese
  if (ImGui::ArrowButtonEx(("##camera_" + id).c_str(), ImGuiDir_Down, ImVec2(std::round(h * 0.6f), h)))
    ImGui::OpenPopup(("##camera_menu_" + id).c_str());
  ui_map::item("camera/" + id);
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", ui::tr("Camera presets: F5 overview, F6 gate-in and lanes, F7 inspection, F8 yards, of the site the panels work on"));
  if (!ImGui::BeginPopup(("##camera_menu_" + id).c_str())) return;
  ImGui::TextDisabled("%s  %s", ui::tr("Camera"), id.c_str());
  for (int p = 0; p < kSitePresets; ++p) {
    const std::string item = std::string(ui::tr(site_preset_name(static_cast<SitePreset>(p)))) + "##" + id + std::to_string(p);
    const std::string key = site == panel_site_ ? "F" + std::to_string(5 + p) : "";  // i18n: a key's name
    if (ImGui::MenuItem(item.c_str(), key.c_str())) set_site_preset(site, static_cast<SitePreset>(p));
    ui_map::item("camera/" + id + "/" + std::to_string(p));
  }
  ImGui::EndPopup();
}

void ControlRoom::draw_panels() {
  const glm::vec2 vp = renderer_.viewport();
  const float em = ImGui::GetFontSize() / 13.0f;  // panel sizes follow the text
  const float side = std::clamp(vp.x * 0.3f, std::min(400.0f * em, vp.x * 0.45f), 600.0f * std::max(1.0f, em * 0.8f));
  const CommandSink sink = [this](uint8_t site, const twin::OperatorCommand& c) { return submit(site, c); };
  draw_top_bar(vp.x - side);
  // Right column: login, lanes, vehicle. Bottom: alerts and KPIs. Nothing here moves when
  // a banner comes or goes: the banner lies over the 3D view, above the bottom band.
  float y = 0;
  const float line = ImGui::GetFrameHeightWithSpacing();
  const float pad = 2 * ImGui::GetStyle().WindowPadding.y;
  // The login window: its title bar, user, password, Log in and the message line.
  const float login_h = options_.accounts ? ImGui::GetFrameHeight() + 4 * line + pad : ImGui::GetFrameHeight() + pad;
  const float lanes_h = std::max(300.0f * em, vp.y * 0.5f);
  if (options_.accounts) {
    if (login_panel({vp.x - side, y, side, login_h}, *options_.accounts, session_)) form_.clear();  // a new user
  } else status_banner({vp.x - side, y, side, login_h},
                       session_.logged_in() ? session_.user : ui::tr("view only: start with --accounts FILE to log in"), false, "##who");
  y += login_h;
  lane_panel({vp.x - side, y, side, lanes_h}, core_, panel_site_, session_, form_, sink);
  y += lanes_h;
  std::optional<connectors::vda5050::VehicleView> vda;  // one vehicle's copy under the link's lock, each frame
  if (vda_lookup_ && selected_.kind == PickKind::GuideVehicle) vda = vda_lookup_(selected_.site, static_cast<uint16_t>(selected_.index));
  inspector_panel({vp.x - side, y, side, vp.y - y}, core_, selected_, session_, form_, sink, vda ? &*vda : nullptr);
  const float bottom_h = std::clamp(vp.y * 0.34f, 200.0f * em, 460.0f * em);
  alerts_panel({0, vp.y - bottom_h, (vp.x - side) * 0.4f, bottom_h}, alerts_, [this](const Alert& a) {
    engine::CameraPose p = camera_.pose();
    p.target = a.where;
    p.distance_m = 180;
    camera_.setPose(p);
  }, [this](twin::SimTime t) { return time_text(t); });
  kpi_panel({(vp.x - side) * 0.4f, vp.y - bottom_h, (vp.x - side) * 0.6f, bottom_h}, core_, kpis_);
  // The legend along the bottom of the 3D view, the banner (when there is one) above it;
  // labels keep off them and off every panel.
  const float legend_h = std::round(24.0f * em);
  const PanelRect legend{0, vp.y - bottom_h - legend_h, vp.x - side, legend_h};
  legend_strip(legend, 16.0f * em);
  free_ = {0, free_.y, vp.x - side, legend.y - free_.y};
  const float banner_h = banner_.empty() ? 0.0f : ImGui::GetFrameHeight() + pad;
  status_banner({0, legend.y - banner_h, vp.x - side, banner_h}, banner_, true);
  renderer_.addLabelOccluder({legend.x, legend.y, legend.w, legend.h});
  renderer_.addLabelOccluder({vp.x - side, 0, side, vp.y});
  renderer_.addLabelOccluder({0, vp.y - bottom_h, vp.x - side, bottom_h});
  renderer_.addLabelOccluder({0, 0, vp.x - side, free_.y});  // the top bar
  if (banner_h > 0) renderer_.addLabelOccluder({0, legend.y - banner_h, vp.x - side, banner_h});
  renderer_.setLabelScale(1.0f);
  if (show_feeds_ && link_) {  // over the 3D view, under the top bar
    if (feeds_at_ms_ < 0 || wall_ms_ - feeds_at_ms_ >= 500) {
      feeds_ = link_->feeds();
      feeds_at_ms_ = wall_ms_;
    }
    const float top = free_.y + 4;
    feeds_panel({0, top, (vp.x - side) * 0.75f, std::max(200.0f, legend.y - banner_h - top - 10)}, feeds_, core_, &show_feeds_);
  }
}

// [SECTION] wall ---------------------------------------------------------------------------

// Each site in its own framed viewport with its own camera; labels scaled for the room and
// kept off every panel (the engine declutters them against the layout's rectangles).
void ControlRoom::draw_wall_scene(int64_t wall_ms) {
  const glm::vec2 vp = renderer_.viewport();
  const size_t n = core_.sites().size();
  WallLayoutOptions wo;
  wo.sites = n;
  wo.columns = options_.wall_columns;
  wo.banner = !banner_.empty();
  wo.controls_h = overlay_band_h_;
  wall_layout_ = controlroom::wall_layout(vp, wo);
  draw_list_.clear();
  wall_lists_.resize(n);
  // Labels about 24 px high per 1080 px of wall, whatever size the label font was loaded at.
  const ImFont* label_font = renderer_.uiFont(engine::UiFontRole::Label);
  const float label_px = 19.5f * 1.25f * wall_layout_.scale;
  renderer_.setLabelScale(label_font && label_font->FontSize > 0 ? label_px / label_font->FontSize : std::max(1.0f, wall_layout_.scale * 1.25f));
  for (const PanelRect& r : wall_layout_.panels()) renderer_.addLabelOccluder(glm::vec4(r.x, r.y, r.w, r.h));
  for (size_t i = 0; i < n && i < wall_layout_.sites.size(); ++i) {
    const PanelRect& r = wall_layout_.sites[i].view;
    engine::Camera cam;
    // Framed to fill the site's viewport; found again only when the viewport's size changes.
    wall_poses_.resize(n, {glm::vec2(-1), engine::CameraPose{}});
    if (wall_poses_[i].first != glm::vec2(r.w, r.h))
      wall_poses_[i] = {glm::vec2(r.w, r.h), site_overview_pose(layout_, core_.sites()[i], i, r.w / std::max(1.0f, r.h), cam.fovYDeg())};
    cam.setPose(wall_poses_[i].second);
    if (options_.tour) cam.orbit(static_cast<float>(std::fmod(wall_ms * 0.002, 360.0)), 0.0f);
    SceneOptions so;
    so.show_site.assign(n, false);
    so.show_site[i] = true;
    so.lane_labels = true;
    so.display_ms = display_time(wall_ms);
    so.motion = !stale_;
    so.roads = &roads_;
    build_scene(core_, layout_, so, wall_lists_[i]);
    renderer_.beginView(cam, glm::vec4(r.x, r.y, r.w, r.h));
    const DrawList& dl = wall_lists_[i];
    for (size_t k = 0; k < dl.instances.size(); ++k) renderer_.drawInstances(meshes_[k], dl.instances[k]);
    for (const Ribbon& rb : dl.ribbons) renderer_.drawPolyline(rb.points, rb.width_m, rb.colour, rb.closed);
    for (const Label& l : dl.labels) renderer_.drawLabel(l.anchor, l.text, l.colour);
  }
}

// The wall's clock: the gate's local time (UTC+7) of the moment shown, split into date and time.
static void split_clock(const std::string& text, std::string& date, std::string& time) {
  // "2026-11-30 10:02:46 UTC+7" or "d0 10:02:46"
  const size_t sp = text.find(' ');
  if (sp == std::string::npos) {
    date.clear();
    time = text;
    return;
  }
  date = text.substr(0, sp);
  time = text.substr(sp + 1);
  if (const size_t z = time.find(' '); z != std::string::npos) time.resize(z);
  if (date.size() > 1 && date[0] == 'd') date = std::string(ui::tr("day")) + " " + date.substr(1);
}

void ControlRoom::note_fail_over(uint32_t epoch, const std::string& primary, int64_t since_utc_ms, uint64_t from_seq) {
  const std::string when = since_utc_ms > 0 ? twin::gate_time_text(since_utc_ms, 0) : time_text(core_.state().now_ms);
  fail_over_note_ = ui::trf("FAIL-OVER at %s: %s sequences the run from seq %llu (epoch %u)", when.c_str(),
                            primary.empty() ? ui::tr("a standby") : primary.c_str(), static_cast<unsigned long long>(from_seq), epoch);
  Alert a;
  a.time_ms = core_.state().now_ms;
  a.site = panel_site_;
  a.text = fail_over_note_;
  a.severity = Severity::Critical;
  alerts_.add(std::move(a));
}

void ControlRoom::rebuild_history(const std::vector<twin::Event>& events, twin::SimTime up_to_ms) {
  alerts_ = AlertLog();
  kpis_.rebuild(core_.sites(), events, up_to_ms,
                [this](const twin::Core& at, const twin::Decisions& d) { alerts_.collect(d, at, layout_); });
}

void ControlRoom::note_messages_lost(const std::string& source, uint64_t count, uint64_t first, uint64_t last) {
  Alert a;
  a.time_ms = core_.state().now_ms;
  a.site = panel_site_;
  a.text = ui::trf("MESSAGES LOST from %s: %llu never arrived (seq %llu-%llu); the twin may differ from the field",
                   source.c_str(), static_cast<unsigned long long>(count), static_cast<unsigned long long>(first),
                   static_cast<unsigned long long>(last));
  a.severity = Severity::Critical;
  alerts_.add(std::move(a));
}

void ControlRoom::draw_wall() {
  split_clock(time_text(display_time(wall_ms_)), wall_clock_.date, wall_clock_.time);
  wall_clock_.replay = options_.replay;
  wall_clock_.note = options_.start_note;
  if (!fail_over_note_.empty()) wall_clock_.note += (wall_clock_.note.empty() ? "" : "   |   ") + fail_over_note_;
  wall_panels(wall_layout_, core_, kpis_, alerts_, wall_clock_, [this](const PanelRect& r, uint32_t colour) {
    renderer_.fillRect(glm::vec4(r.x, r.y, r.w, r.h), colour);
  });
  const PanelRect& b = wall_layout_.banner;
  status_banner(b, banner_, true);
}

}  // namespace controlroom
