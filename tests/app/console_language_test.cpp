// Tests the console in both languages (issue 14), offscreen on lavapipe at 1920x1080: every
// panel drawn in Vietnamese and English (top bar, login, lanes with a selected lane and the
// supervisor's confirmation, the vehicle inspector on a truck and on a guide vehicle, alerts,
// KPI plots, the stale banner, feeds, the instructor, the scenario's briefing, bar and score,
// the wall) asks the catalogue for no key it lacks; the fonts are DejaVu Sans and Noto Sans
// CJK from Debian, sized by the framebuffer, and write "Hữu Nghị" and "友谊关" (glyphs, not the
// fallback) with an atlas that stays small; a missing font file gives a warning and the
// fonts that remain; the console matches its reference in each language (console_en.png,
// console_vi.png); 3D labels are never drawn under a panel. Needs the fonts-dejavu-core and
// fonts-noto-cjk packages: fails naming them (never skips).
#include "EngineTestKit.h"
#include "controlroom/control_room.h"
#include "controlroom/replay/scenario_panel.h"
#include "controlroom/ui/instructor_panel.h"
#include "controlroom/ui/ui_fonts.h"
#include "connectors/vda5050/fleet_dispatch.h"

#include "tests/support/live_twin.h"
#include "twin/run.h"

#include <catch2/catch.hpp>
#include <imgui.h>
#include <imgui_internal.h>

#include <filesystem>

using namespace controlroom;
using namespace pipeline;

namespace {

// The twin's side of one console, fed a seeded stretch of the 2030 load.
struct Console {
  twin::Core core{testsupport::shipped_sites()};
  connectors::IngestQueue queue{1 << 17};
  pipeline::Sequencer sequencer{pipeline::SequencerLimits{}};
  FrameLoop loop{core, queue, sequencer, nullptr, nullptr};
  std::vector<twin::Event> events;  // what was fed, as a recording would hold it
  void feed(twin::SimTime until) {
    twin::SimOptions opt;
    opt.seed = 7;
    for (const auto& s : core.sites()) opt.vehicles_per_day.push_back(s.arrivals.per_day_2030);
    twin::Core field(core.sites());
    twin::Simulator sim(field.sites(), opt);
    twin::run_until(field, sim, until, [&](const twin::Event& e, const twin::Decisions&) {
      events.push_back(e);
      REQUIRE(queue.push(connectors::FieldMessage{"field-sim", e.seq, e.time_ms, e.site, e.body, connectors::MessageClass::Ordered, "test"}));
    });
  }
};

void require_fonts() {
  const ui::FontFiles f;
  if (!std::filesystem::exists(f.latin)) FAIL(f.latin << " is missing: install the Debian package fonts-dejavu-core");
  if (!std::filesystem::exists(f.cjk)) FAIL(f.cjk << " is missing: install the Debian package fonts-noto-cjk");
}

bool has_glyphs(ImFont* font, const char* utf8) {
  for (const char* p = utf8; *p;) {
    unsigned int c = 0;
    p += ImTextCharFromUtf8(&c, p, nullptr);
    if (c > ' ' && !font->FindGlyphNoFallback(static_cast<ImWchar>(c))) return false;
  }
  return true;
}

// Every panel, once in the language set: the console's own frames, then the panels the
// console shows only in other modes (drawn in an overlay of a frame).
void draw_everything(ControlRoom& room, engine::Renderer& r, Console& c, int64_t& wall_ms) {
  const size_t site = 1;  // m1119
  room.log_in("sup1", twin::Role::Supervisor);
  room.set_view("m1119");
  room.frame(wall_ms += 16);
  // A truck and a guide vehicle in the inspector; the last-lane confirmation.
  const auto& shipments = c.core.state().sites[site].shipments;
  REQUIRE_FALSE(shipments.empty());
  room.select(PickTarget::of_shipment(site, twin::ShipmentIndex{static_cast<uint32_t>(shipments.size() - 1)}));
  room.frame(wall_ms += 16);
  PickTarget guide;
  guide.kind = PickKind::GuideVehicle;
  guide.site = site;
  guide.index = 0;
  room.select(guide);
  twin::Command close;
  close.kind = twin::CommandKind::CloseLane;
  room.form().confirm = PendingConfirm{static_cast<uint8_t>(site), close, "Close E3", "it is the last open lane for export trucks; only a supervisor may do that"};
  room.frame(wall_ms += 16);
  room.form().confirm.reset();
  // The other modes' panels.
  const twin::Scenario sc{"s1", "A morning", "Two paragraphs.\nThe second.", {"m1119"}};
  twin::ScenarioScore score;
  score.verdict = "as without intervention";
  score.kpis.push_back(twin::KpiScore{"cleared", "vehicles cleared", "veh", true, 10, 9});
  InstructorForm instructor;
  ScenarioBarUi bar;
  bool feeds_open = true;
  connectors::FeedsSnapshot feeds;  // one source with every column filled
  connectors::FeedStatus lossy;
  lossy.name = "lane-ctl-7";
  lossy.messages = 9;
  lossy.restarts = 1;
  lossy.rejected = {{"time_ahead", 1}};
  lossy.rejected_total = 1;
  lossy.never_arrived = {{"missing", 3}, {"before_join", 39}};
  lossy.never_arrived_total = 42;
  feeds.sources.push_back(lossy);
  room.set_overlay([&] {
    feeds_panel({0, 60, 900, 300}, connectors::FeedsSnapshot{}, c.core, &feeds_open);
    feeds_panel({0, 60, 900, 300}, feeds, c.core, &feeds_open);
    instructor_panel({0, 380, 600, 140}, c.core, site, room.session(), instructor);
    briefing_panel(1920, 1080, sc, 60);
    scenario_bar(0, 540, 900, 90, sc, twin::kHour, bar);
    score_panel(1920, 1080, sc, twin::kHour, score);
  });
  room.frame(wall_ms += 16);
  room.set_overlay({});
  // The wall, and back; the stale banner (no input for far longer than stale_after).
  room.set_wall(true);
  room.frame(wall_ms += 16);
  room.set_wall(false);
  room.frame(wall_ms += 60000);
  CHECK_FALSE(room.banner().empty());
  (void)r;
}

}  // namespace

TEST_CASE("the fonts write Hữu Nghị and 友谊关 at a size set by the display, with a small atlas") {
  require_fonts();
  CHECK(ui::body_px_for_height(1080) == 18);
  CHECK(ui::body_px_for_height(2160) == 36);
  CHECK(ui::body_px_for_height(360) == 13);
  std::vector<std::string> warnings;
  const engine::UiFonts f = ui::console_fonts(1080, {}, {"m1119"}, &warnings);
  CHECK(warnings.empty());
  REQUIRE(f.files.size() == 2);
  CHECK(f.body_px == 18);
  CHECK(f.figure_px > 40);
  // A missing file: a warning naming the package, and the fonts that remain.
  ui::FontFiles missing;
  missing.cjk = "/nonexistent/NotoSansCJK-Regular.ttc";
  warnings.clear();
  CHECK(ui::console_fonts(1080, missing, {}, &warnings).files.size() == 1);
  REQUIRE(warnings.size() == 1);
  CHECK_THAT(warnings[0], Catch::Contains("fonts-noto-cjk"));
  missing.latin = "/nonexistent/DejaVuSans.ttf";
  warnings.clear();
  CHECK(ui::console_fonts(1080, missing, {}, &warnings).files.empty());
  CHECK_THAT(warnings.front(), Catch::Contains("fonts-dejavu-core"));

  engine::Renderer r(enginetest::testConfig(1920, 1080));
  CHECK_FALSE(r.setUiFonts(engine::UiFonts{{engine::UiFontFile{"/nonexistent.ttf"}}}).empty());
  ui::apply_console_fonts(r, {}, {"m1119"});
  REQUIRE(r.beginFrame());  // the atlas is built here
  for (auto role : {engine::UiFontRole::Body, engine::UiFontRole::Heading, engine::UiFontRole::Label}) {
    ImFont* font = r.uiFont(role);
    REQUIRE(font != nullptr);
    CHECK(has_glyphs(font, "Hữu Nghị"));
    CHECK(has_glyphs(font, "友谊关"));
    CHECK(has_glyphs(font, "Cửa khẩu kiểm dịch thông quan biên phòng bãi làn xe tự hành"));
  }
  CHECK(r.uiFont(engine::UiFontRole::Body)->FontSize == 18);
  CHECK(has_glyphs(r.uiFont(engine::UiFontRole::Figure), "1234 / 5678 %"));
  r.endFrame();
  const auto atlas = r.uiFontAtlasSize();
  INFO("font atlas " << atlas[0] << "x" << atlas[1]);
  CHECK(atlas[0] * atlas[1] <= 2048 * 2048);
}

TEST_CASE("every panel in Vietnamese and in English asks the catalogue for no missing key; the console's goldens") {
  require_fonts();
  Console c;
  engine::Renderer r(enginetest::testConfig(1920, 1080));
  ControlRoomOptions o;
  o.stale_after_ms = 30000;
  ControlRoom room(c.core, c.loop, c.queue, nullptr, r, o);
  // Guide vehicle 0 of m1119 is a VDA 5050 vehicle: its own report in the inspector, read
  // from the VDA 5050 book (FleetDispatch, both sites, as gatetwin --vda5050 makes it) after
  // a state message written as the specification says.
  auto schemas = connectors::vda5050::load_schemas(connectors::vda5050::default_schemas_dir());
  REQUIRE(std::holds_alternative<connectors::vda5050::Schemas>(schemas));
  connectors::vda5050::FleetDispatch vda(c.core.sites(), std::get<connectors::vda5050::Schemas>(schemas), "test");
  {
    const nlohmann::json state = {
        {"headerId", 7}, {"timestamp", "2026-11-30T08:02:15.000Z"}, {"version", "2.0.0"}, {"manufacturer", "GateFleet"},
        {"serialNumber", "GV-m1119-01"}, {"orderId", "m1119-v0-27"}, {"orderUpdateId", 5}, {"lastNodeId", "m1119-E4-n04"},
        {"lastNodeSequenceId", 8}, {"nodeStates", nlohmann::json::array({{{"nodeId", "m1119-E4-n05"}, {"sequenceId", 10}, {"released", true}}})},
        {"edgeStates", nlohmann::json::array({{{"edgeId", "m1119-E4-e04"}, {"sequenceId", 9}, {"released", true}}})},
        {"driving", true}, {"actionStates", nlohmann::json::array()}, {"batteryState", {{"batteryCharge", 87.5}, {"charging", false}}},
        {"operatingMode", "AUTOMATIC"},
        {"errors", nlohmann::json::array({{{"errorType", "lidarDirty"}, {"errorLevel", "WARNING"}, {"errorDescription", "clean the front scanner"}}})},
        {"safetyState", {{"eStop", "AUTOACK"}, {"fieldViolation", false}}}};
    std::vector<connectors::FieldMessage> emitted;
    std::vector<std::string> log;
    vda.receive("uagv/v2/GateFleet/GV-m1119-01/state", state.dump(), false, emitted, log);
    REQUIRE(vda.stats().accepted == 1);
  }
  REQUIRE(vda.vehicle(1, 0).has_value());
  CHECK(vda.vehicle(1, 0)->battery_charge == 87.5);
  REQUIRE(vda.vehicle(0, 0).has_value());  // m1088's slot 0: another vehicle, never heard
  CHECK(vda.vehicle(0, 0)->serial_number == "GV-m1088-01");
  CHECK_FALSE(vda.vehicle(0, 0)->has_state);
  CHECK_FALSE(vda.vehicle(1, 40).has_value());  // a slot no vehicle is mapped to
  room.set_vda5050([&vda](uint8_t s, uint16_t slot) { return vda.vehicle(s, slot); });
  c.feed(9 * twin::kHour);
  int64_t wall_ms = 0;
  room.frame(wall_ms);
  // The plots' history, as a replay rebuilds it after a seek: sampled each minute from the start.
  room.rebuild_kpis(c.events, c.core.state().now_ms);
  REQUIRE(room.kpis().sites().size() == 2);
  CHECK(room.kpis().sites()[1].at_h.size() >= 9 * 60);
  CHECK(room.kpis().sites()[1].cleared_per_hour.size() >= 8);
  CHECK(room.kpis().sites()[1].at_h.back() == Approx(9.0).margin(0.02));
  for (ui::Lang lang : {ui::Lang::Vi, ui::Lang::En}) {
    ui::set_lang(lang);
    draw_everything(room, r, c, wall_ms);
    INFO("language " << ui::lang_code(lang));
    const auto missing = ui::missing_keys();
    std::string list;
    for (const auto& k : missing) list += "\n  \"" + k + "\"";
    INFO("asked of the catalogue but missing:" << list);
    CHECK(missing.empty());
  }
  // The goldens: the same moment in each language, a truck in the inspector.
  const auto& shipments = c.core.state().sites[1].shipments;
  for (ui::Lang lang : {ui::Lang::En, ui::Lang::Vi}) {
    ui::set_lang(lang);
    room.log_in("op1", twin::Role::Operator);
    room.set_view("both");
    room.select(PickTarget::of_shipment(1, twin::ShipmentIndex{static_cast<uint32_t>(shipments.size() - 1)}));
    for (int i = 0; i < 3; ++i) room.frame(wall_ms);  // the banner stays: the input stopped long ago
    CHECK_FALSE(room.banner().empty());
    r.finish();
    const std::string name = lang == ui::Lang::Vi ? "console_vi" : "console_en";
    const auto img = r.screenshot();
    r.saveScreenshot(enginetest::outputDir() + "/" + name + "_seen.png");
    auto cmp = enginetest::compareGolden(img, name);
    INFO(cmp.message);
    CHECK(cmp.ok);
    // No label under a panel: each drawn label's box clear of every window drawn.
    CHECK(r.stats().labels > 0);
    CHECK(r.stats().labels_under_panels > 0);  // there were some to hide (at the panels' edges)
    for (const engine::LabelBox& b : r.labelBoxes())
      for (ImGuiWindow* w : ImGui::GetCurrentContext()->Windows) {
        if (!w->Active || w->Hidden || w->IsFallbackWindow || (w->Flags & ImGuiWindowFlags_ChildWindow)) continue;
        INFO("label \"" << b.text << "\" at " << b.x0 << "," << b.y0 << " under the window " << w->Name);
        CHECK_FALSE((b.x0 < w->Pos.x + w->Size.x && w->Pos.x < b.x1 && b.y0 < w->Pos.y + w->Size.y && w->Pos.y < b.y1));
      }
  }
  // The VDA 5050 vehicle in the inspector, to look at (no golden: the 3D view behind moves).
  PickTarget guide;
  guide.kind = PickKind::GuideVehicle;
  guide.site = 1;
  for (ui::Lang lang : {ui::Lang::En, ui::Lang::Vi}) {
    ui::set_lang(lang);
    room.select(guide);
    for (int i = 0; i < 3; ++i) room.frame(wall_ms);
    r.finish();
    r.saveScreenshot(enginetest::outputDir() + "/console_vda5050_" + ui::lang_code(lang) + "_seen.png");
  }
  ui::set_lang(ui::Lang::En);
}

// Issue 14, camera presets: in the console at 1920x1080, each site's four presets (the
// keys F5-F8 and the arrow beside a site's view button call set_site_preset) show that site alone and put the
// stations the preset names inside the part of the window the panels leave free, through
// the room's own camera; each preset's picture is written to the test output to look at.
TEST_CASE("each site's camera presets frame its stations in the console's free 3D area", "[presets]") {
  require_fonts();
  Console c;
  engine::Renderer r(enginetest::testConfig(1920, 1080));
  ControlRoomOptions o;
  o.stale_after_ms = 30000;
  ControlRoom room(c.core, c.loop, c.queue, nullptr, r, o);
  c.feed(9 * twin::kHour);
  int64_t wall_ms = 0;
  room.frame(wall_ms);  // the panels lay out the free area
  for (uint8_t site = 0; site < c.core.sites().size(); ++site)
    for (int p = 0; p < kSitePresets; ++p) {
      const auto preset = static_cast<SitePreset>(p);
      room.set_site_preset(site, preset);
      room.frame(wall_ms);
      const twin::SiteSpec& spec = c.core.sites()[site];
      INFO(spec.id << " " << site_preset_name(preset));
      CHECK(room.view().name == spec.id);  // that site alone
      r.finish();
      r.saveScreenshot(enginetest::outputDir() + "/preset_" + spec.id + "_" + std::to_string(p) + ".png");
      const PanelRect f = room.free_area();
      const WorldLayout layout(c.core.sites().size());
      int inside = 0, outside = 0;
      for (glm::vec2 q : site_preset_points(spec, preset)) {
        const auto px = room.camera().project(layout.world(site, q), r.viewport());
        const bool in = px && px->x >= f.x && px->x <= f.x + f.w && px->y >= f.y && px->y <= f.y + f.h;
        (in ? inside : outside)++;
      }
      CHECK(inside > 0);
      CHECK(outside == 0);
    }
}
