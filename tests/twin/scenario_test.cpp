// Tests the scenarios: every shipped file loads, runs to its end headless and gets a
// score with its breakdown; each incident kind changes the state as it should, at the
// times it should; each model answer does at least as well as no intervention on the
// KPIs its scenario is about; same scenario and seed give the same state hash; the
// simulator without overrides is unchanged; every kind of broken file gets its own
// error naming the field. Runs in a few seconds; never skips itself.
#include "connectors/files/scenario_file.h"
#include "twin/clock_text.h"
#include "connectors/files/scenario_text.h"
#include "connectors/files/site_file.h"
#include "twin/scenario_run.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

using namespace twin;

namespace {

const std::string kScenarios = std::string(GATETWIN_SOURCE_DIR) + "/assets/scenarios";
const std::string kSites = std::string(GATETWIN_SOURCE_DIR) + "/assets/sites";

connectors::LoadedScenario shipped(const std::string& id) {
  auto r = connectors::load_scenario_file(kScenarios + "/" + id + ".json", kSites);
  if (auto* e = std::get_if<connectors::ScenarioFileError>(&r)) FAIL(e->message());
  return std::get<connectors::LoadedScenario>(std::move(r));
}

std::string read(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

SimTime hm(int h, int m) { return h * kHour + m * kMinute; }

const SiteState& site0(const ScenarioRun& r) { return r.core().state().sites[0]; }

}  // namespace

TEST_CASE("every shipped scenario loads, runs to its end headless and gets a score with its breakdown") {
  auto paths = connectors::scenario_paths(kScenarios);
  REQUIRE(paths.size() >= 6);
  std::set<std::string> ids;
  for (const auto& path : paths) {
    INFO(path);
    auto r = connectors::load_scenario_file(path, kSites);
    if (auto* e = std::get_if<connectors::ScenarioFileError>(&r)) FAIL(e->message());
    auto& ls = std::get<connectors::LoadedScenario>(r);
    ids.insert(ls.scenario.id);
    CHECK(path.ends_with("/" + ls.scenario.id + ".json"));
    CHECK(!ls.scenario.briefing.empty());
    CHECK(!ls.scenario.incidents.empty());
    CHECK(check_scenario(ls.scenario, ls.sites).empty());

    const ScenarioMode mode = ls.scenario.model_answer.empty() ? ScenarioMode::Session : ScenarioMode::ModelAnswer;
    ScenarioRun run(ls.sites, ls.scenario, mode);
    CHECK(run.run_to_end() > 10000);
    CHECK(run.finished());
    CHECK(run.core().check_invariants().empty());
    const ScenarioKpis base = baseline_kpis(ls.sites, ls.scenario);
    const ScenarioScore score = score_against_baseline(run, base);
    CHECK(score.score >= 0);
    CHECK(score.score <= 100);
    CHECK(score.verdict.rfind("score ", 0) == 0);
    REQUIRE(score.kpis.size() == scenario_kpi_ids().size());
    for (const KpiScore& k : score.kpis) {
      CHECK(k.score >= 0);
      CHECK(k.score <= 100);
      CHECK(!k.label.empty());
    }
    CHECK(score.baseline.cleared > 1000);
    CHECK(score.session.arrived == score.baseline.arrived);  // common random numbers: the same vehicles came
    if (mode == ScenarioMode::ModelAnswer) {
      CHECK(score.session.commands_accepted == static_cast<int64_t>(ls.scenario.model_answer.size()));
      CHECK(score.session.commands_refused == 0);
    }
    // Doing nothing scores exactly 50 on every KPI.
    ScenarioRun idle(ls.sites, ls.scenario);
    idle.run_to_end();
    const ScenarioScore none = score_against_baseline(idle, base);
    CHECK(none.score == Approx(50));
    CHECK(none.verdict.find("about the same") != std::string::npos);
  }
  for (const char* id : {"scanner-outage", "harvest-surge", "guide-vehicle-breakdown", "partner-link-drop",
                         "declaration-mismatch", "reefer-power-loss"})
    CHECK(ids.count(id) == 1);
}

TEST_CASE("scanner outage: portals 2 and 3 are failed from 10:00 to 12:00 and restored after") {
  auto ls = shipped("scanner-outage");
  ScenarioRun run(ls.sites, ls.scenario);
  const int scanner = ls.sites[0].checkpoint_index(CheckpointKind::Scanner);
  auto failed = [&] {
    const auto& srv = site0(run).checkpoints[scanner].servers;
    CHECK(srv[1].failed == srv[2].failed);
    CHECK_FALSE(srv[0].failed);
    CHECK_FALSE(srv[3].failed);
    return srv[1].failed;
  };
  run.advance_to(hm(9, 59));
  CHECK_FALSE(failed());
  run.advance_to(hm(10, 0) + 1);
  CHECK(failed());
  run.advance_to(hm(11, 59));
  CHECK(failed());
  // Nothing new starts on the failed portals while they are down, and the queue grows.
  CHECK(site0(run).checkpoints[scanner].servers[1].shipment == kNone);
  CHECK(site0(run).checkpoints[scanner].queue.size() > 30);
  run.advance_to(hm(12, 0) + 1);
  CHECK_FALSE(failed());
  for (const auto& srv : site0(run).checkpoints[scanner].servers) CHECK_FALSE(srv.failed);
}

TEST_CASE("harvest surge: fruit arrivals triple inside the window and nothing else changes before it") {
  auto ls = shipped("harvest-surge");
  Scenario calm = ls.scenario;
  calm.incidents.clear();
  ScenarioRun surge(ls.sites, ls.scenario), plain(ls.sites, calm);
  surge.run_to_end();
  plain.run_to_end();
  const int fruit = ls.sites[0].goods_index("fruit");
  const int electronics = ls.sites[0].goods_index("electronics");
  auto count = [&](const ScenarioRun& r, int goods, SimTime from, SimTime to) {
    int64_t n = 0;
    for (const Shipment& sh : site0(r).shipments)
      if (sh.goods == goods && sh.arrived_ms >= from && sh.arrived_ms < to) ++n;
    return n;
  };
  const double fruit_in = static_cast<double>(count(surge, fruit, hm(6, 0), hm(18, 0)));
  const double fruit_plain = static_cast<double>(count(plain, fruit, hm(6, 0), hm(18, 0)));
  INFO("fruit arrivals 06:00-18:00: surge " << fruit_in << ", plain " << fruit_plain);
  REQUIRE(fruit_plain > 200);
  CHECK(fruit_in / fruit_plain > 2.6);
  CHECK(fruit_in / fruit_plain < 3.4);
  // Electronics keep their rate (within Poisson noise).
  const double el_in = static_cast<double>(count(surge, electronics, hm(6, 0), hm(18, 0)));
  const double el_plain = static_cast<double>(count(plain, electronics, hm(6, 0), hm(18, 0)));
  CHECK(el_in / el_plain > 0.85);
  CHECK(el_in / el_plain < 1.15);
  // Before the window the two days are the same vehicles (own arrival stream).
  CHECK(count(surge, fruit, 0, hm(6, 0)) == count(plain, fruit, 0, hm(6, 0)));
  CHECK(count(surge, electronics, 0, hm(6, 0)) == count(plain, electronics, 0, hm(6, 0)));
}

TEST_CASE("declaration mismatch: a share of vehicles arriving in the window is diverted for disagreeing data") {
  auto ls = shipped("declaration-mismatch");
  ScenarioRun run(ls.sites, ls.scenario);
  run.run_to_end();
  auto share = [&](SimTime from, SimTime to) {
    double arrived = 0, disagree = 0;
    for (const Shipment& sh : site0(run).shipments) {
      if (sh.arrived_ms < from || sh.arrived_ms >= to) continue;
      ++arrived;
      if (sh.outcome == Outcome::Diverted && sh.divert_reason == "partner data disagrees") ++disagree;
    }
    REQUIRE(arrived > 100);
    return disagree / arrived;
  };
  const double inside = share(hm(8, 5), hm(12, 0));   // 08:05: partner data of earlier vehicles is pre-window
  const double before = share(hm(0, 0), hm(7, 55));
  const double after = share(hm(12, 10), hm(20, 0));
  INFO("disagreeing share: before " << before << ", inside " << inside << ", after " << after);
  CHECK(inside > 0.24);
  CHECK(inside < 0.36);
  CHECK(before < 0.04);
  CHECK(after < 0.04);
}

TEST_CASE("partner link drop: vehicles are held at the gate while it is down and go on when it returns") {
  auto ls = shipped("partner-link-drop");
  ScenarioRun run(ls.sites, ls.scenario);
  auto waiting = [&] {
    return std::count_if(site0(run).shipments.begin(), site0(run).shipments.end(),
                         [](const Shipment& s) { return s.phase == Phase::WaitingPartnerData; });
  };
  run.advance_to(hm(9, 29));
  CHECK(run.core().state().partner_link_up);
  CHECK(waiting() == 0);
  // Partner data comes declaration_lead_s - partner_delay_s (25 min) before its vehicle,
  // so the first 25 minutes of the drop hold nobody; then arrivals wait at the gate.
  run.advance_to(hm(9, 50));
  CHECK_FALSE(run.core().state().partner_link_up);
  CHECK(waiting() == 0);
  run.advance_to(hm(9, 59) + 59 * kSecond);
  CHECK_FALSE(run.core().state().partner_link_up);
  const auto held = waiting();
  CHECK(held >= 3);
  int64_t missing_data = 0;  // declared vehicles due in the next half hour have no partner data yet
  for (const Shipment& sh : site0(run).shipments) missing_data += sh.declared && !sh.partner_received ? 1 : 0;
  CHECK(missing_data > 30);
  auto diverted_no_data = [&] {
    return std::count_if(site0(run).shipments.begin(), site0(run).shipments.end(),
                         [](const Shipment& s) { return s.divert_reason == "no partner declaration"; });
  };
  const auto diverted_before = diverted_no_data();
  run.advance_to(hm(10, 0) + 1);
  CHECK(run.core().state().partner_link_up);
  CHECK(waiting() == 0);
  // They went on (the partner data came with the link), not out.
  CHECK(diverted_no_data() - diverted_before < held);
}

TEST_CASE("reefer power loss: the transfer yard is unpowered for three hours and reefers count only then") {
  auto ls = shipped("reefer-power-loss");
  ScenarioRun run(ls.sites, ls.scenario);
  const int transfer = ls.sites[0].yard_index(YardKind::Transfer);
  auto yard = [&]() -> const YardState& { return site0(run).yards[transfer]; };
  run.advance_to(hm(10, 59));
  CHECK(yard().power_on);
  CHECK(yard().reefer_unpowered_ticks == 0);
  run.advance_to(hm(11, 0) + 1);
  CHECK_FALSE(yard().power_on);
  run.advance_to(hm(13, 59));
  CHECK_FALSE(yard().power_on);
  CHECK(yard().reefer_unpowered_ticks > 60);
  run.advance_to(hm(14, 0) + 1);
  CHECK(yard().power_on);
  const int64_t at_restore = yard().reefer_unpowered_ticks;
  run.run_to_end();
  CHECK(yard().reefer_unpowered_ticks == at_restore);
  CHECK(run.kpis().reefer_unpowered_container_min == Approx(static_cast<double>(at_restore)));
}

TEST_CASE("guide vehicle breakdown: the vehicle stops on its lane and holds its block section until recovered") {
  auto ls = shipped("guide-vehicle-breakdown");
  ScenarioRun run(ls.sites, ls.scenario);
  const int e4 = ls.sites[0].lane_index("E4");
  run.advance_to(hm(9, 5) + 1);
  const GuideVehicle& g = site0(run).fleet[2];  // guide vehicle 3 in the file
  REQUIRE(g.failed);
  REQUIRE(g.lane == e4);                        // broken down in its lane, as the briefing says
  const int16_t section = g.segment;
  REQUIRE(section >= 0);
  run.advance_to(hm(11, 0));
  CHECK(site0(run).fleet[2].failed);
  CHECK(site0(run).fleet[2].segment == section);
  CHECK(site0(run).lanes[e4].segment[section] == 2);
  run.advance_to(hm(12, 5) + 1);
  CHECK_FALSE(site0(run).fleet[2].failed);
  run.advance_to(hm(13, 0));
  CHECK(site0(run).fleet[2].trips > 0);
}

TEST_CASE("each model answer does at least as well as no intervention on the KPIs its scenario is about") {
  for (const auto& path : connectors::scenario_paths(kScenarios)) {
    auto r = connectors::load_scenario_file(path, kSites);
    REQUIRE(std::holds_alternative<connectors::LoadedScenario>(r));
    auto& ls = std::get<connectors::LoadedScenario>(r);
    if (ls.scenario.model_answer.empty()) continue;
    INFO(ls.scenario.id);
    REQUIRE(!ls.scenario.focus.empty());
    ScenarioRun run(ls.sites, ls.scenario, ScenarioMode::ModelAnswer);
    std::vector<std::string> bad;  // the scheduler invariants, every 10th event (all of them is slow)
    run.run_to_end([&](const Event& e, const Decisions&) {
      if (e.seq % 10 == 0 && bad.empty()) bad = run.core().check_invariants();
    });
    for (const auto& b : bad) UNSCOPED_INFO(b);
    CHECK(bad.empty());
    const ScenarioScore score = score_against_baseline(run);
    for (const KpiScore& k : score.kpis) {
      if (k.weight <= 1) continue;  // not a focus KPI
      INFO(k.id << ": model answer " << k.session << ", no intervention " << k.baseline);
      CHECK(k.improvement > 0);
      CHECK(k.score > 50);
    }
  }
}

TEST_CASE("a trainee's command is folded at the current time and recorded with actor and reason") {
  auto ls = shipped("reefer-power-loss");
  ScenarioRun session(ls.sites, ls.scenario);
  session.advance_to(hm(11, 2));
  OperatorCommand c;
  c.actor = "trainee.1";
  c.role = Role::Operator;
  c.reason = "power lost: fruit first";
  c.command.kind = CommandKind::PrioritiseGoods;
  c.command.goods = static_cast<uint16_t>(ls.sites[0].goods_index("fruit"));
  session.command(0, c);
  session.advance_to(hm(11, 3));
  REQUIRE(session.core().state().commands.size() == 1);
  const CommandRecord& rec = session.core().state().commands[0];
  CHECK(rec.accepted);
  CHECK(rec.time_ms == hm(11, 2));
  CHECK(rec.actor == "trainee.1");
  CHECK(site0(session).priority_goods == c.command.goods);
  session.run_to_end();
  const ScenarioScore score = score_against_baseline(session);
  CHECK(score.session.commands_accepted == 1);
  CHECK(score.kpis.back().id == "reefer_unpowered");
  // The command took effect. Whether fruit priority alone helps is left to chance: it has the
  // guide vehicles take fruit out of the yard first but also brings fruit to the yard sooner
  // (seed 7: worse; seeds 1-10: -12% on average). The model answer is judged below.
  CHECK(score.kpis.back().session != score.kpis.back().baseline);
}

TEST_CASE("the reefer-power-loss model answer keeps reefers out of the dark yard on every seed, not one lucky draw") {
  // Its lever (a fourth manned export lane, so fewer export reefers go through the
  // unpowered transfer yard; fruit first for the guide vehicles) is a mechanism, not a
  // draw: it must lower the reefer time without power under each of seeds 1..10 (measured:
  // -61% on average, seed 7 -38%), and score better than no intervention on average.
  auto ls = shipped("reefer-power-loss");
  double score_sum = 0;
  for (uint64_t seed = 1; seed <= 10; ++seed) {
    Scenario sc = ls.scenario;
    sc.seed = seed;
    ScenarioRun run(ls.sites, sc, ScenarioMode::ModelAnswer);
    run.run_to_end();
    const ScenarioScore score = score_against_baseline(run);
    CHECK(score.session.commands_refused == 0);
    INFO("seed " << seed << ": model answer " << score.session.reefer_unpowered_container_min << ", no intervention "
                 << score.baseline.reefer_unpowered_container_min);
    CHECK(score.session.reefer_unpowered_container_min < score.baseline.reefer_unpowered_container_min);
    score_sum += score.score;
  }
  CHECK(score_sum / 10 >= 55);  // "better than no intervention"
}

TEST_CASE("same scenario and seed give the same state hash; another seed another") {
  auto ls = shipped("scanner-outage");
  auto hash = [&](const Scenario& sc, ScenarioMode mode) {
    ScenarioRun r(ls.sites, sc, mode);
    r.run_to_end();
    return r.core().state_hash();
  };
  CHECK(hash(ls.scenario, ScenarioMode::ModelAnswer) == hash(ls.scenario, ScenarioMode::ModelAnswer));
  CHECK(hash(ls.scenario, ScenarioMode::Session) == hash(ls.scenario, ScenarioMode::Session));
  CHECK(hash(ls.scenario, ScenarioMode::Session) != hash(ls.scenario, ScenarioMode::ModelAnswer));
  Scenario other = ls.scenario;
  other.seed = 8;
  CHECK(hash(other, ScenarioMode::Session) != hash(ls.scenario, ScenarioMode::Session));
  // Advancing in small steps folds the same events as one big step.
  ScenarioRun stepped(ls.sites, ls.scenario);
  for (SimTime t = 0; !stepped.finished(); t += 7 * kMinute) stepped.advance_to(t);
  CHECK(stepped.core().state_hash() == hash(ls.scenario, ScenarioMode::Session));
}

TEST_CASE("the simulator without overrides is unchanged (gatesim --site all --load 2030 --days 1 --seed 7)") {
  auto loaded = connectors::load_sites("all", kSites);
  REQUIRE(std::holds_alternative<std::vector<SiteSpec>>(loaded));
  Core core(std::get<std::vector<SiteSpec>>(loaded));
  SimOptions opt;
  opt.seed = 7;
  for (const auto& s : core.sites()) opt.vehicles_per_day.push_back(*load_per_day(s, "2030"));
  Simulator sim(core.sites(), opt);
  for (SimTime t = 0; t < kDay;) run_until(core, sim, t = std::min(kDay, t + kHour));
  CHECK(core.state_hash() == 0x4b2d0d08b30d44a0ull);
}

TEST_CASE("each kind of broken scenario file gets its own error naming the field") {
  const std::string good = read(kScenarios + "/scanner-outage.json");
  REQUIRE(!good.empty());
  auto parse = [&](const std::string& text) {
    auto r = connectors::parse_scenario(text, "broken.json", kSites);
    REQUIRE(std::holds_alternative<connectors::ScenarioFileError>(r));
    return std::get<connectors::ScenarioFileError>(r);
  };
  auto with = [&](const std::string& from, const std::string& to) {
    std::string t = good;
    auto at = t.find(from);
    REQUIRE(at != std::string::npos);
    t.replace(at, from.size(), to);
    return t;
  };
  struct Case {
    const char* what;
    std::string text;
    std::string field;
    std::string why;
  };
  const std::string incident = R"({"kind": "equipment_failure", "at": "10:00", "until": "12:00", "checkpoint": "scanner", "server": 2,)";
  auto replace_incident = [&](const std::string& by) { return with(incident, by); };
  const std::vector<Case> cases = {
      {"not JSON", "{\"format\": ", "", "not valid JSON"},
      {"another format", with("gatetwin-scenario/1", "gatetwin-scenario/9"), "format", "this build reads gatetwin-scenario/1"},
      {"no briefing", with("\"briefing\"", "\"brief\""), "brief", "unknown field"},
      {"unknown site", with("\"sites\": [\"m1119\"]", "\"sites\": [\"m9999\"]"), "sites[0]", "does not load"},
      {"bad load", with("\"load\": \"2027\"", "\"load\": \"2031\""), "load", "is not a load"},
      {"bad time", with("\"end\": \"20:00\"", "\"end\": \"20h\""), "end", "expected HH:MM or HH:MM:SS"},
      {"minutes out of range", with("\"at\": \"10:00\", \"until\"", "\"at\": \"10:60\", \"until\""), "incidents[0].at", "not a time of day"},
      {"unknown KPI in focus", with("\"focus\": [\"perishable_dwell_p95\"]", "\"focus\": [\"happiness\"]"), "focus[0]", "is not a KPI"},
      {"unknown incident kind", with("\"kind\": \"equipment_failure\"", "\"kind\": \"earthquake\""), "incidents[0].kind", "not an incident kind"},
      {"unknown checkpoint", with("\"checkpoint\": \"scanner\"", "\"checkpoint\": \"xray\""), "incidents[0].checkpoint", "no checkpoint \"xray\""},
      {"server out of range", with("\"server\": 2", "\"server\": 5"), "incidents[0].server", "servers 1..4"},
      {"server zero", with("\"server\": 2", "\"server\": 0"), "incidents[0].server", "servers 1..4"},
      {"two pieces of equipment", with("\"server\": 2,", "\"server\": 2, \"lane\": \"E1\","), "incidents[0]", "exactly one piece of equipment"},
      {"until before at", with("\"until\": \"12:00\"", "\"until\": \"09:00\""), "incidents[0].until", "must be after"},
      {"incident after the end", with("\"at\": \"10:00\", \"until\": \"12:00\"", "\"at\": \"21:00\", \"until\": \"22:00\""), "incidents[0].at", "after the scenario's end"},
      {"typo in a key", with("\"until\": \"12:00\"", "\"untill\": \"12:00\""), "incidents[0].untill", "unknown field"},
      {"unknown lane", replace_incident(R"({"kind": "equipment_failure", "at": "10:00", "lane": "E9",)"), "incidents[0].lane", "no lane \"E9\""},
      {"guide vehicle out of range", replace_incident(R"({"kind": "equipment_failure", "at": "10:00", "guide_vehicle": 7,)"), "incidents[0].guide_vehicle", "vehicles 1..6"},
      {"unknown yard", replace_incident(R"({"kind": "reefer_power_loss", "at": "10:00", "yard": "freezer",)"), "incidents[0].yard", "no yard \"freezer\""},
      {"yard without plugs", replace_incident(R"({"kind": "reefer_power_loss", "at": "10:00", "yard": "holding",)"), "incidents[0].yard", "no reefer plugs"},
      {"unknown goods", replace_incident(R"({"kind": "surge", "at": "10:00", "until": "11:00", "factor": 3, "goods": "durian",)"), "incidents[0].goods", "no goods class \"durian\""},
      {"surge without end", replace_incident(R"({"kind": "surge", "at": "10:00", "factor": 3,)"), "incidents[0].until", "missing (required)"},
      {"share above 1", replace_incident(R"({"kind": "declaration_mismatch", "at": "10:00", "until": "11:00", "share": 1.5,)"), "incidents[0].share", "at most 1"},
      {"incident site not in the scenario", replace_incident(R"({"kind": "partner_link_down", "at": "10:00", "site": "m1088",)"), "incidents[0].site", "not in the scenario's sites"},
      {"unknown command", with("\"command\": \"clear_priority\"", "\"command\": \"panic\""), "model_answer.commands[1].command", "is not a command"},
      {"command without reason", with("\"reason\": \"scanner queue back to normal\"", "\"note\": \"x\""), "model_answer.commands[1].note", "unknown field"},
      {"empty reason", with("\"reason\": \"scanner queue back to normal\"", "\"reason\": \"\""), "model_answer.commands[1].reason", "needs a reason"},
      {"bad role", with("\"role\": \"supervisor\",\n       \"reason\": \"scanner queue", "\"role\": \"boss\",\n       \"reason\": \"scanner queue"), "model_answer.commands[1].role", "not one of: operator"},
  };
  std::set<std::string> messages;
  for (const Case& c : cases) {
    INFO(c.what);
    const auto e = parse(c.text);
    INFO(e.message());
    CHECK(e.file == "broken.json");
    CHECK(e.field == c.field);
    CHECK(e.why.find(c.why) != std::string::npos);
    CHECK(e.message().rfind("broken.json: ", 0) == 0);
    messages.insert(e.message());
  }
  CHECK(messages.size() == cases.size());  // each its own error
  auto missing = connectors::load_scenario_file("/nonexistent/none.json", kSites);
  REQUIRE(std::holds_alternative<connectors::ScenarioFileError>(missing));
  CHECK(std::get<connectors::ScenarioFileError>(missing).why.find("cannot open") != std::string::npos);
}

TEST_CASE("times of day parse and print both ways") {
  CHECK(twin::parse_clock("10:00") == hm(10, 0));
  CHECK(twin::parse_clock("00:00:30") == 30 * kSecond);
  CHECK(twin::parse_clock("47:59:59") == 47 * kHour + 59 * kMinute + 59 * kSecond);
  for (const char* bad : {"48:00", "9:00", "10:0", "10-00", "10:00:", "ab:cd", ""}) CHECK_FALSE(twin::parse_clock(bad));
  CHECK(twin::clock_text(hm(10, 5), twin::ClockStyle::Minutes) == "10:05");
  CHECK(twin::clock_text(hm(25, 0) + 30 * kSecond, twin::ClockStyle::Minutes) == "25:00:30");
}

TEST_CASE("a lane barrier failure, a surge of every class and a scenario command, built in code") {
  auto ls = shipped("scanner-outage");
  Scenario sc = ls.scenario;
  sc.incidents.clear();
  sc.model_answer.clear();
  const SiteSpec& spec = ls.sites[0];
  const uint16_t e1 = static_cast<uint16_t>(spec.lane_index("E1"));
  const uint16_t i2 = static_cast<uint16_t>(spec.lane_index("I2"));
  Incident barrier;
  barrier.kind = IncidentKind::EquipmentFailure;
  barrier.equipment = {EquipmentRef::Kind::LaneBarrier, e1, 0};
  barrier.at_ms = hm(10, 0);
  barrier.until_ms = hm(11, 0);
  Incident surge;
  surge.kind = IncidentKind::Surge;
  surge.goods = -1;
  surge.factor = 2;
  surge.at_ms = hm(3, 0);
  surge.until_ms = hm(6, 0);
  Incident close;
  close.kind = IncidentKind::Command;
  close.at_ms = hm(13, 0);
  close.command.actor = "scenario";
  close.command.role = Role::Supervisor;
  close.command.reason = "road works";
  close.command.command.kind = CommandKind::CloseLane;
  close.command.command.lane = i2;
  sc.incidents = {barrier, surge, close};
  REQUIRE(check_scenario(sc, ls.sites).empty());

  ScenarioRun run(ls.sites, sc);
  run.advance_to(hm(9, 59));
  CHECK_FALSE(site0(run).lanes[e1].barrier_failed);
  run.advance_to(hm(10, 0) + 1);
  CHECK(site0(run).lanes[e1].barrier_failed);
  CHECK(site0(run).lanes[e1].queue.empty());  // its waiting trucks went to other lanes
  run.advance_to(hm(11, 0) + 1);
  CHECK_FALSE(site0(run).lanes[e1].barrier_failed);
  run.advance_to(hm(13, 0) + 1);
  CHECK_FALSE(site0(run).lanes[i2].open);
  REQUIRE(run.core().state().commands.size() == 1);
  CHECK(run.core().state().commands[0].accepted);
  run.run_to_end();

  // The command is part of the scenario: the baseline has it too, so it scores 50.
  const ScenarioScore score = score_against_baseline(run);
  CHECK(score.baseline.commands_accepted == 1);
  CHECK(score.score == Approx(50));

  Scenario calm = sc;
  calm.incidents.clear();
  ScenarioRun plain(ls.sites, calm);
  plain.run_to_end();
  auto arrivals = [](const ScenarioRun& r, SimTime from, SimTime to) {
    double n = 0;
    for (const Shipment& sh : r.core().state().sites[0].shipments) n += sh.arrived_ms >= from && sh.arrived_ms < to ? 1 : 0;
    return n;
  };
  const double ratio = arrivals(run, hm(3, 0), hm(6, 0)) / arrivals(plain, hm(3, 0), hm(6, 0));
  INFO("arrivals 03:00-06:00, surge x2 of every class: ratio " << ratio);
  CHECK(ratio > 1.7);
  CHECK(ratio < 2.3);
}

TEST_CASE("check_scenario names what does not fit the sites") {
  auto ls = shipped("scanner-outage");
  Scenario sc = ls.scenario;
  sc.incidents[0].equipment.server = 9;
  sc.incidents[1].until_ms = sc.incidents[1].at_ms;
  sc.load = "2031";
  auto bad = check_scenario(sc, ls.sites);
  REQUIRE(bad.size() == 3);
  CHECK(bad[0].find("not a load name") != std::string::npos);
  CHECK(bad[1] == "incidents[0]: no server 9 at scanner");
  CHECK(bad[2] == "incidents[1]: ends before it starts");
}

TEST_CASE("the score formula: 50 when equal, +-50% saturates, floors, focus weight 3, verdict") {
  ScenarioKpis base;
  base.cleared = 1000;
  base.dwell_min_p95 = 100;
  base.perishable_dwell_min_p95 = 80;
  base.queue_max = 40;
  base.diverted_refused = 2;        // below its floor of 5
  base.reefer_unpowered_container_min = 0;
  ScenarioScore same = score_session(base, base, {});
  CHECK(same.score == Approx(50));
  for (const KpiScore& k : same.kpis) CHECK(k.score == Approx(50));
  CHECK(same.verdict == "score 50/100: about the same as no intervention (vehicles cleared +0%)");

  ScenarioKpis s = base;
  s.dwell_min_p95 = 75;             // 25% better -> 75
  s.perishable_dwell_min_p95 = 160; // 100% worse -> clamped to 0
  s.diverted_refused = 3;           // 1 more against a floor of 5: -20% -> 30
  s.reefer_unpowered_container_min = 15;  // against a floor of 30: -50% -> 0
  s.cleared = 1100;                 // +10% -> 60
  ScenarioScore sc = score_session(s, base, {"dwell_p95"});
  auto k = [&](const std::string& id) {
    for (const KpiScore& x : sc.kpis)
      if (x.id == id) return x;
    FAIL("no KPI " << id);
    return KpiScore{};
  };
  CHECK(k("dwell_p95").score == Approx(75));
  CHECK(k("dwell_p95").weight == 3);
  CHECK(k("perishable_dwell_p95").score == Approx(0));
  CHECK(k("diverted_refused").score == Approx(30));
  CHECK(k("reefer_unpowered").score == Approx(0));
  CHECK(k("cleared").score == Approx(60));
  CHECK(k("queue_max").score == Approx(50));
  // (60 + 3*75 + 0 + 50 + 30 + 0) / 8
  CHECK(sc.score == Approx(365.0 / 8));
  CHECK(sc.verdict == "score 46/100: about the same as no intervention (dwell p95 -25%)");
  ScenarioScore worse = score_session(s, base, {"perishable_dwell_p95"});
  CHECK(worse.score < 45);
  CHECK(worse.verdict.find("worse than no intervention (perishable dwell p95 +100%)") != std::string::npos);
}

TEST_CASE("incidents and commands read as one line each for the trainer's timeline") {
  auto ls = shipped("scanner-outage");
  CHECK(connectors::describe_incident(ls.scenario.incidents[0], ls.sites[0]) == "10:00-12:00  m1119  scanner server 2 fails");
  CHECK(connectors::describe_command(ls.scenario.model_answer[0], ls.sites[0]) ==
        "10:05  m1119  prioritise_goods fruit  (supervisor model.answer: scanner portals 2 and 3 down: perishable goods first)");
  auto gv = shipped("guide-vehicle-breakdown");
  CHECK(connectors::describe_incident(gv.scenario.incidents[0], gv.sites[0]) == "09:05-12:05  m1119  guide vehicle 3 breaks down");
  CHECK(connectors::describe_command(gv.scenario.model_answer[0], gv.sites[0]).rfind("09:06  m1119  close_lane E4  (", 0) == 0);
  auto hs = shipped("harvest-surge");
  CHECK(connectors::describe_incident(hs.scenario.incidents[0], hs.sites[0]) == "06:00-18:00  m1119  fruit arrivals x3");
  auto dm = shipped("declaration-mismatch");
  CHECK(connectors::describe_incident(dm.scenario.incidents[0], dm.sites[0]) ==
        "08:00-12:00  m1119  30% of partner declarations disagree");
}

TEST_CASE("a session stopped early is scored against the baseline at the same moment") {
  auto ls = shipped("reefer-power-loss");
  ScenarioRun idle(ls.sites, ls.scenario);
  idle.advance_to(hm(12, 30));
  REQUIRE_FALSE(idle.finished());
  const ScenarioScore none = score_against_baseline(idle);
  CHECK(none.score == Approx(50));
  CHECK(none.baseline.elapsed_ms == hm(12, 30));
  CHECK(none.baseline.reefer_unpowered_container_min == Approx(none.session.reefer_unpowered_container_min));
  CHECK(none.session.reefer_unpowered_container_min > 0);  // the outage began at 11:00
  const ScenarioKpis full = baseline_kpis(ls.sites, ls.scenario);
  CHECK(full.elapsed_ms == ls.scenario.end_ms);
  CHECK(full.cleared > none.baseline.cleared);
}

TEST_CASE("a scenario's commands may re-route a truck and close or reopen the crossing") {
  std::string text = read(kScenarios + "/scanner-outage.json");
  auto replace = [&](const std::string& from, const std::string& to) {
    auto at = text.find(from);
    REQUIRE(at != std::string::npos);
    text.replace(at, from.size(), to);
  };
  replace(R"("command": "prioritise_goods", "goods": "fruit")", R"("command": "reroute_vehicle", "shipment": 41, "lane": "E2")");
  replace(R"("command": "clear_priority")", R"("command": "close_crossing")");
  auto r = connectors::parse_scenario(text, "reroute.json", kSites);
  if (auto* e = std::get_if<connectors::ScenarioFileError>(&r)) FAIL(e->message());
  const auto& loaded = std::get<connectors::LoadedScenario>(r);
  const auto& answer = loaded.scenario.model_answer;
  REQUIRE(answer.size() == 2);
  CHECK(answer[0].command.command.kind == CommandKind::RerouteVehicle);
  CHECK(answer[0].command.command.shipment.value == 41);
  CHECK(loaded.sites[0].lanes[answer[0].command.command.lane].id == "E2");
  CHECK(answer[1].command.command.kind == CommandKind::CloseCrossing);
  // a re-route names its lane
  std::string no_lane = text;
  no_lane.replace(no_lane.find(R"(, "lane": "E2")"), 14, "");
  auto bad = connectors::parse_scenario(no_lane, "reroute.json", kSites);
  REQUIRE(std::holds_alternative<connectors::ScenarioFileError>(bad));
  CHECK(std::get<connectors::ScenarioFileError>(bad).field == "model_answer.commands[0].lane");
}
