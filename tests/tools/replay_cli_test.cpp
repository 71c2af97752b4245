// The command lines of issue 6, run as a user runs them (build/tools/gatetwin/gatetwin and
// gatesim as child processes, files in a temporary folder): every shipped scenario runs
// headless to its end with a score and a recording that replays to the same state hash;
// gatesim --record then gatetwin --headless --replay --seek --stats gives gatesim's own
// state hash at that moment; a fork from the command line is recorded and compared; a
// truncated file is replayed to its last good moment with a warning and left unchanged;
// the scenario's score table has column headers, --bookmarks lists every alert the Alerts
// panel showed (declaration mismatches too), and a bad console script is refused.
// Nothing skips: the programs are dependencies of this test.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

namespace fs = std::filesystem;

namespace {

const std::string kBin = GATETWIN_BINARY_DIR;
const std::string kSrc = GATETWIN_SOURCE_DIR;
const std::string kTwin = kBin + "/tools/gatetwin/gatetwin";
const std::string kSim = kBin + "/tools/gatesim/gatesim";

struct Run {
  int code = 0;
  std::string out;   // stdout and stderr
};

Run run(const std::string& cmd) {
  Run r;
  FILE* p = popen((cmd + " 2>&1").c_str(), "r");
  REQUIRE(p);
  std::array<char, 4096> buf{};
  while (size_t n = fread(buf.data(), 1, buf.size(), p)) r.out.append(buf.data(), n);
  const int status = pclose(p);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128;
  return r;
}

nlohmann::json read_json(const fs::path& p) {
  std::ifstream in(p);
  REQUIRE(in);
  return nlohmann::json::parse(in);
}

std::string bytes(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

fs::path temp_dir(const std::string& name) {
  fs::path d = fs::temp_directory_path() / ("gatetwin_replay_cli_" + name + "_" + std::to_string(::getpid()));
  fs::remove_all(d);
  fs::create_directories(d);
  // Removed when the test program exits (kept while it runs, for a look after a failure).
  static std::vector<fs::path> made;
  static struct Cleanup { ~Cleanup() { for (const auto& m : made) { std::error_code ec; fs::remove_all(m, ec); } } } cleanup;
  made.push_back(d);
  return d;
}

}  // namespace

TEST_CASE("every shipped scenario runs headless in gatetwin to its end, scores, records and replays", "[replay][scenario]") {
  const fs::path dir = temp_dir("scenarios");
  int n = 0;
  for (const auto& f : fs::directory_iterator(kSrc + "/assets/scenarios")) {
    if (f.path().extension() != ".json") continue;
    ++n;
    const std::string name = f.path().stem().string();
    INFO(name);
    const fs::path db = dir / (name + ".db"), score = dir / (name + ".score.json"), stats = dir / (name + ".stats.json");
    Run r = run(kTwin + " --headless --scenario " + f.path().string() + " --record " + db.string() + " --score " + score.string());
    INFO(r.out);
    REQUIRE(r.code == 0);
    CHECK(r.out.find("score ") != std::string::npos);
    const auto j = read_json(score);
    CHECK(j["finished"] == true);
    CHECK(j["score"].get<double>() >= 0);
    CHECK(j["score"].get<double>() <= 100);
    CHECK(j["kpis"].size() >= 5);
    // The recording replays to the run's final state hash.
    Run rp = run(kTwin + " --headless --replay " + db.string() + " --stats " + stats.string());
    INFO(rp.out);
    REQUIRE(rp.code == 0);
    const auto s = read_json(stats);
    CHECK(s["state_hash"] == j["state_hash"]);
    CHECK(s["snapshots_mismatched"] == 0);
    CHECK(s["snapshots_checked"].get<int>() > 10);
  }
  CHECK(n >= 6);
}

TEST_CASE("gatesim --record, then gatetwin --headless --replay --seek --stats: gatesim's own hash at that moment", "[replay][cli]") {
  const fs::path dir = temp_dir("seek");
  const fs::path db = dir / "day.db";
  Run rec = run(kSim + " --site all --load 2030 --hours 12 --seed 5 --no-progress --record " + db.string());
  INFO(rec.out);
  REQUIRE(rec.code == 0);
  Run at = run(kSim + " --site all --load 2030 --hours 10.5 --seed 5 --no-progress --json > " + (dir / "sim.json").string());
  REQUIRE(at.code == 0);
  const auto sim = read_json(dir / "sim.json");
  Run rp = run(kTwin + " --headless --replay " + db.string() + " --seek 10:30:00 --stats " + (dir / "at.json").string());
  INFO(rp.out);
  REQUIRE(rp.code == 0);
  const auto st = read_json(dir / "at.json");
  CHECK(st["state_hash"] == sim["state_hash"]);
  CHECK(st["time"] == "10:30:00");
  CHECK(st["sites"].size() == 2);
  // A moment after the end is refused with the recording's end named.
  Run late = run(kTwin + " --headless --replay " + db.string() + " --seek 13:00:00");
  CHECK(late.code == 2);
  CHECK(late.out.find("the recording ends at") != std::string::npos);

  SECTION("fork from the command line: recorded, compared, and the original file untouched") {
    const std::string before = bytes(db);
    const fs::path forks = dir / "forks.db", cmp = dir / "cmp.json";
    Run f = run(kTwin + " --headless --replay " + db.string() + " --fork-at 08:00:00 --fork-until 11:00:00 --command 08:30:00,m1119,close_lane,0 --fork-record " +
                forks.string() + " --compare " + cmp.string());
    INFO(f.out);
    REQUIRE(f.code == 0);
    const auto c = read_json(cmp);
    CHECK(c["identical"] == false);
    CHECK(c["fork"]["exact"] == true);
    CHECK(c["fork"]["parent_session"] == 1);
    CHECK(c["fork"]["recorded_session"] == 2);
    CHECK(bytes(db) == before);
    Run l = run(kTwin + " --headless --replay " + forks.string() + " --list");
    CHECK(l.out.find("fork of 1 after seq") != std::string::npos);
    // The same fork without a command is the original at 11:00.
    Run same = run(kTwin + " --headless --replay " + db.string() + " --fork-at 08:00:00 --fork-until 11:00:00 --compare " + cmp.string());
    REQUIRE(same.code == 0);
    CHECK(read_json(cmp)["identical"] == true);
  }
  SECTION("a truncated copy replays to its last good moment with a warning and is not changed") {
    const std::string whole = bytes(db);
    const fs::path cut = dir / "cut.db";
    { std::ofstream(cut, std::ios::binary) << whole.substr(0, whole.size() / 2); }
    Run t = run(kTwin + " --headless --replay " + cut.string() + " --stats " + (dir / "cut.json").string());
    INFO(t.out);
    REQUIRE(t.code == 0);
    CHECK(t.out.find("warning") != std::string::npos);
    CHECK(t.out.find("last good moment") != std::string::npos);
    const auto s = read_json(dir / "cut.json");
    CHECK(s.contains("warning"));
    CHECK(s["events"].get<int>() > 0);
    CHECK(bytes(cut) == whole.substr(0, whole.size() / 2));
    Run b = run(kTwin + " --headless --replay " + cut.string() + " --add-bookmark note");
    CHECK(b.code == 1);
    CHECK(b.out.find("read-only") != std::string::npos);
  }
  SECTION("exports: KPI CSV and PNG plots") {
    Run e = run(kTwin + " --headless --replay " + db.string() + " --every 30 --export-csv " + (dir / "k.csv").string() + " --export-plots " +
                (dir / "plots").string());
    INFO(e.out);
    REQUIRE(e.code == 0);
    std::ifstream csv(dir / "k.csv");
    std::string header, line;
    std::getline(csv, header);
    int rows = 0;
    while (std::getline(csv, line)) ++rows;
    CHECK(header.rfind("time_s,time,site,", 0) == 0);
    CHECK(rows == 24 * 2);   // 12 h every 30 min, two sites
    for (const char* p : {"cleared.png", "in_flow.png", "dwell_p95.png", "queues.png"}) {
      const std::string png = bytes(dir / "plots" / p);
      CHECK(png.size() > 5000);
      CHECK(png.substr(1, 3) == "PNG");
    }
  }
}

TEST_CASE("a scenario's model-answer session forks exactly: with no new command the fork ends as the original", "[replay][scenario]") {
  const fs::path dir = temp_dir("model");
  const fs::path db = dir / "ma.db", cmp = dir / "cmp.json";
  Run r = run(kTwin + " --headless --scenario " + kSrc + "/assets/scenarios/scanner-outage.json --with-model-answer --record " + db.string());
  INFO(r.out);
  REQUIRE(r.code == 0);
  Run b = run(kTwin + " --headless --replay " + db.string() + " --bookmarks");
  CHECK(b.out.find("command accepted") != std::string::npos);   // the model answer's commands are bookmarks
  Run f = run(kTwin + " --headless --replay " + db.string() + " --fork-at 10:20:00 --compare " + cmp.string());
  INFO(f.out);
  REQUIRE(f.code == 0);
  const auto c = read_json(cmp);
  CHECK(c["fork"]["exact"] == true);
  CHECK(c["identical"] == true);
  CHECK(c["at"] == "20:00:00");                                  // a scenario's fork runs to its end
  CHECK(c["fork"]["score"]["score"].get<double>() >= 0);
}

TEST_CASE("gatetwin --scenario: the score table has column headers; --bookmarks lists the declaration-mismatch alerts; a bad script is refused",
          "[replay][scenario]") {
  const fs::path dir = temp_dir("scenario_table");
  const fs::path db = dir / "dm.db";
  Run r = run(kTwin + " --headless --scenario " + kSrc + "/assets/scenarios/declaration-mismatch.json --record " + db.string());
  INFO(r.out);
  REQUIRE(r.code == 0);
  CHECK_THAT(r.out, Catch::Contains("KPI (unit)") && Catch::Contains("session") && Catch::Contains("baseline") &&
                        Catch::Contains("better by") && Catch::Contains("weight"));
  // The Alerts panel shows each vehicle diverted for a declaration mismatch: so does --bookmarks.
  Run b = run(kTwin + " --headless --replay " + db.string() + " --bookmarks");
  INFO(b.out);
  REQUIRE(b.code == 0);
  size_t mismatches = 0;
  for (size_t at = b.out.find("alert   declaration mismatch"); at != std::string::npos; at = b.out.find("alert   declaration mismatch", at + 1))
    ++mismatches;
  CHECK(mismatches >= 7);
  {
    std::ofstream s(dir / "bad.txt");
    s << "10:05,m1119,prioritise_goods,fruit,ok\n25:99,m1119,close_lane,E2,not a time\n";
  }
  Run bad = run(kTwin + " --headless --scenario " + kSrc + "/assets/scenarios/scanner-outage.json --console-script " + (dir / "bad.txt").string());
  CHECK(bad.code == 2);
  CHECK_THAT(bad.out, Catch::Contains("bad.txt:2") && Catch::Contains("25:99"));
  {
    std::ofstream s(dir / "lane.txt");
    s << "10:05,m1119,close_lane,E9,no such lane\n";
  }
  Run lane = run(kTwin + " --headless --scenario " + kSrc + "/assets/scenarios/scanner-outage.json --console-script " + (dir / "lane.txt").string());
  CHECK(lane.code == 2);
  CHECK_THAT(lane.out, Catch::Contains("no lane \"E9\""));
}
