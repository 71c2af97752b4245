// ScenarioWindow and gatetwin --scenario's window. See scenario_window.h.
#include "controlroom/replay/scenario_window.h"

#include "sessions/replay_cli.h"
#include "controlroom/ui/text_catalogue.h"
#include "sessions/scenario_session.h"
#include "sessions/score_table.h"

#include "connectors/codec/kpi_json.h"
#include "twin/clock_text.h"

#include <engine/Window.h>
#include <imgui.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>

using namespace sessions;

namespace controlroom {

static ControlRoomOptions scenario_room_options(const std::string& view) {
  ControlRoomOptions o = replay_room_options(view);
  o.console_source = "scenario";
  o.replay = false;  // a scenario runs live: no REPLAY marker
  o.login = {kScenarioTrainee, twin::Role::Supervisor};   // the trainee, who is also the instructor here
  return o;
}

ScenarioWindow::ScenarioWindow(twin::ScenarioRun& run, engine::Renderer& renderer, ScenarioWindowOptions options)
    : run_(run), renderer_(renderer), options_(std::move(options)),
      room_(run.core().sites(), renderer, scenario_room_options(options_.view)) {
  bar_.speed = options_.speed;
  room_.show(run_.core(), {});
  room_.room().set_overlay([this] { draw_overlay(); });
}

// [SECTION] the frame ----------------------------------------------------------------------

// Due script lines are typed into the console: the reason into the reason box, the
// command through CommandForm::submit into ControlRoom::submit, what the buttons call.
void ScenarioWindow::type_due_script() {
  ControlRoom& room = room_.room();
  while (next_script_ < options_.script.size() && options_.script[next_script_].at_ms <= run_.now()) {
    const ScriptCommand& line = options_.script[next_script_++];
    uint8_t site = 0;
    auto oc = script_command(line, run_.core().sites(), room.session().user, room.session().role, site);
    if (auto* f = std::get_if<connectors::Failure>(&oc)) {
      script_error_ = f->message();
      bar_.status = ui::trf("script: %s", script_error_.c_str());
      continue;
    }
    CommandForm& form = room.form();
    std::snprintf(form.reason, sizeof form.reason, "%s", line.reason.c_str());
    form.submit(room.session(), site, std::get<twin::OperatorCommand>(oc).command,
                [&room](uint8_t s, const twin::OperatorCommand& c) { return room.submit(s, c); });
  }
}

// Whatever the console sent since the last frame is given to the run now.
void ScenarioWindow::give_console_commands() {
  for (auto& m : room_.take_commands()) {
    auto* cmd = std::get_if<twin::OperatorCommand>(&m.body);
    if (!cmd || run_.finished()) continue;
    commands_at_submit_ = run_.core().state().commands.size();
    outcome_pending_ = true;
    run_.command(m.site, *cmd);
    bar_.status = ui::trf("command %s given at %s", ui::tr_data(twin::to_string(cmd->command.kind)).c_str(), twin::clock_text(run_.now()).c_str());
  }
  for (auto& i : injections_) {
    if (run_.finished()) break;
    bar_.status = run_.inject(i.site, i.body) ? ui::trf("instructor: %s at %s", i.what.c_str(), twin::clock_text(run_.now()).c_str())
                                              : std::string(ui::tr("instructor: not injected, the session has its maximum of incidents"));
  }
  injections_.clear();
}

void ScenarioWindow::advance(double dt_s) {
  if (!started_ || bar_.paused || run_.finished()) return;
  twin::SimTime target = run_.now() + std::max<twin::SimTime>(1, static_cast<twin::SimTime>(dt_s * bar_.speed * 1000));
  // Never past the script's next command: it is typed at exactly its time.
  if (next_script_ < options_.script.size()) target = std::min(target, std::max(run_.now(), options_.script[next_script_].at_ms));
  recent_.clear();
  run_.advance_to(target, [this](const twin::Event& e, const twin::Decisions& d) {
    if (options_.writer) options_.writer->append(e, d, run_.core());
    if (recent_.size() < 20000) recent_.insert(recent_.end(), d.begin(), d.end());
  });
}

bool ScenarioWindow::frame(int64_t wall_ms) {
  const double dt_s = last_wall_ms_ < 0 ? 0 : static_cast<double>(wall_ms - last_wall_ms_) / 1000.0;
  last_wall_ms_ = wall_ms;
  // A script presses Start once the briefing has been on screen.
  if (!started_ && !options_.script.empty() && frames_ >= 3) start();
  if (started_ && !score_) {
    type_due_script();
    give_console_commands();
    advance(dt_s);
    if (outcome_pending_ && run_.core().state().commands.size() > commands_at_submit_) {
      room_.room().form().last_seq = run_.core().state().commands[commands_at_submit_].seq;
      outcome_pending_ = false;
    }
    room_.show(run_.core(), recent_);
    if (run_.finished()) {
      score_ = twin::score_against_baseline(run_);
      bar_.status = ui::trf("finished: score %d", static_cast<int>(score_->score + 0.5));
    }
  }
  ++frames_;
  const bool open = room_.room().frame(wall_ms);
  if (score_ && ++frames_done_ > 3 && options_.quit_when_done) return false;
  return open;
}

void ScenarioWindow::draw_overlay() {
  const glm::vec2 vp = renderer_.viewport();
  const PanelRect free = room_.room().free_area();
  const float em = ImGui::GetFontSize() / 13.0f;
  if (!started_) {
    if (briefing_panel(vp.x, vp.y, run_.scenario(), bar_.speed)) start();
    return;
  }
  const float bar_h = 3 * ImGui::GetFrameHeightWithSpacing() + 2 * ImGui::GetStyle().WindowPadding.y;
  scenario_bar(free.x, free.y, free.w, bar_h, run_.scenario(), run_.now(), bar_);
  if (auto i = instructor_panel({free.x, free.y + bar_h + 4, std::min(620.0f * em, free.w), 130.0f * em}, run_.core(), room_.room().panel_site(),
                                room_.room().session(), instructor_))
    inject(*i);
  if (score_ && !score_closed_) score_closed_ = score_panel(vp.x, vp.y, run_.scenario(), run_.now(), *score_);
}

// [SECTION] the program --------------------------------------------------------------------

int run_scenario_window(const ReplayArgs& args) {
  int code = 0;
  auto loaded = load_scenario_session(args, code);
  if (auto* f = std::get_if<connectors::Failure>(&loaded)) {
    std::fprintf(stderr, "gatetwin: %s\n", f->message().c_str());
    return code;
  }
  ScenarioSession& ss = std::get<ScenarioSession>(loaded);
  auto opened = open_scenario_recording(args, ss);
  if (auto* f = std::get_if<connectors::Failure>(&opened)) {
    std::fprintf(stderr, "gatetwin: %s\n", f->message().c_str());
    return 1;
  }
  auto writer = std::move(std::get<std::unique_ptr<SessionWriter>>(opened));
  twin::ScenarioRun run(ss.loaded.sites, ss.loaded.scenario,
                        args.with_model_answer ? twin::ScenarioMode::ModelAnswer : twin::ScenarioMode::Session);
  engine::RendererConfig rc;
  rc.width = args.width;
  rc.height = args.height;
  rc.windowed = true;
  rc.msaa_samples = kAppMsaaSamples;
  rc.fxaa = kAppFxaa;
  rc.scene_pixels_max = kAppScenePixelsMax;
  rc.title = "Gate Twin - scenario " + run.scenario().id;
  std::unique_ptr<engine::Renderer> renderer;
  try {
    renderer = std::make_unique<engine::Renderer>(rc);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "gatetwin: cannot open the window: %s (no display? use --headless)\n", e.what());
    return 1;
  }
  ScenarioWindowOptions o;
  o.view = args.view;
  o.speed = args.speed;
  o.script = ss.script;
  o.quit_when_done = args.quit_when_done;
  o.writer = writer.get();
  std::optional<twin::ScenarioScore> score;
  std::string script_error;
  {
    ScenarioWindow window(run, *renderer, o);
    const auto start = std::chrono::steady_clock::now();
    while (window.frame(std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count())) {
    }
    renderer->finish();
    score = window.score();
    script_error = window.script_error();
    if (score && !args.screenshot_path.empty()) {
      if (!renderer->saveScreenshot(args.screenshot_path)) {
        std::fprintf(stderr, "gatetwin: cannot write the screenshot %s\n", args.screenshot_path.c_str());
        return 1;
      }
    }
  }
  if (writer) {
    writer->snapshot(run.core(), run.now());
    if (auto why = writer->close()) {
      std::fprintf(stderr, "gatetwin: the recording is incomplete: %s\n", why->message().c_str());
      return 1;
    }
  }
  if (!script_error.empty()) std::fprintf(stderr, "gatetwin: console script: %s\n", script_error.c_str());
  if (!score) score = twin::score_against_baseline(run);  // closed early: scored at the moment it stopped
  std::printf("gatetwin  scenario %s  \"%s\"  in the window  seed %llu  00:00-%s  %llu events, %zu incidents injected\n",
              run.scenario().id.c_str(), run.scenario().title.c_str(), static_cast<unsigned long long>(run.scenario().seed),
              twin::clock_text(run.now()).c_str(), static_cast<unsigned long long>(run.events()), run.injected().size());
  std::printf("%s", score_table_text(*score).c_str());
  std::printf("score %.1f  %s\nstate hash %s\n", score->score, score->verdict.c_str(), connectors::hash_hex(run.core().state_hash()).c_str());
  if (!args.score_path.empty()) {
    std::ofstream out(args.score_path);
    out << scenario_score_json(args, run, *score, writer.get());
    if (!out) {
      std::fprintf(stderr, "gatetwin: cannot write %s\n", args.score_path.c_str());
      return 1;
    }
  }
  return script_error.empty() ? 0 : 2;
}

}  // namespace controlroom
