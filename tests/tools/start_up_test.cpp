// Tests of how every program starts: the one command-line reader (cli/flag_reader.h),
// the one clock text (twin/clock_text.h), and the one twin set-up (runner/twin_setup.h):
// what each accepts, what it refuses and with which exit code. No broker, no GPU: a
// set-up is only prepared, never run, but for one gatetwin run against a port where no
// broker listens. Nothing here skips itself.
#include "cli/flag_reader.h"
#include "runner/twin_setup.h"
#include "twin/clock_text.h"

#include <catch2/catch.hpp>

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <string>
#include <vector>

namespace {

// argv for a reader, from strings that outlive it.
struct Argv {
  std::vector<std::string> words;
  std::vector<char*> ptrs;
  explicit Argv(std::vector<std::string> w) : words(std::move(w)) {
    for (auto& s : words) ptrs.push_back(s.data());
  }
  int argc() { return static_cast<int>(ptrs.size()); }
  char** argv() { return ptrs.data(); }
};

runner::TwinArgs twin_args(const std::vector<std::string>& words) {
  Argv a(words);
  int code = -1;
  auto parsed = runner::parse_twin_args(a.argc(), a.argv(), code);
  REQUIRE(parsed);
  REQUIRE(code == 0);
  return *parsed;
}

}  // namespace

TEST_CASE("the flag reader walks flags, takes values and refuses a missing one") {
  Argv a({"prog", "--json", "--days", "2", "--seed"});
  cli::FlagReader r(a.argc(), a.argv(), "prog", "prog --help", "help text\n");
  REQUIRE(r.next());
  CHECK(r.is("--json"));
  REQUIRE(r.next());
  CHECK(r.flag() == "--days");
  CHECK(r.value() == std::optional<std::string>("2"));
  REQUIRE(r.next());
  CHECK(r.is("--seed"));
  CHECK_FALSE(r.value());  // the last flag has no value: refused, not read past argv
  CHECK_FALSE(r.next());

  int code = -1;
  CHECK_FALSE(r.help_anywhere(code));
  CHECK(code == -1);
}

TEST_CASE("numbers and sizes are read whole, within their bounds") {
  double n = 0;
  CHECK(cli::parse_number("2.5", n));
  CHECK(n == 2.5);
  for (const char* bad : {"", "2x", "x", "1.5.2"}) CHECK_FALSE(cli::parse_number(bad, n));
  uint32_t w = 1, h = 1;
  CHECK(cli::parse_size("1920x1080", w, h));
  CHECK((w == 1920 && h == 1080));
  for (const char* bad : {"319x240", "320x239", "7681x4320", "7680x4321", "1920", "axb"}) {
    uint32_t w2 = 7, h2 = 7;
    CHECK_FALSE(cli::parse_size(bad, w2, h2));
    CHECK((w2 == 7 && h2 == 7));  // untouched when refused
  }
}

TEST_CASE("gatetwin's flags: one reader, the same refusals and exit codes") {
  auto a = twin_args({"gatetwin", "--broker", "tcp://127.0.0.1:1883", "--size", "3840x2160", "--run-for", "5"});
  CHECK(a.width == 3840);
  CHECK(a.height == 2160);
  CHECK(a.run_for_s == 5);
  auto w = twin_args({"gatetwin", "--broker", "tcp://h:1", "--wall", "--wall-columns", "3", "--busy-start", "08:00", "--msaa", "1"});
  CHECK(w.wall_columns == 3);
  CHECK(w.busy_start == "08:00");
  CHECK(w.msaa == 1);
  CHECK_FALSE(w.fxaa);  // --msaa N alone: MSAA with N samples, as before (1: no anti-aliasing)
  // Anti-aliasing: FXAA by default; --aa picks the method; --msaa N sets MSAA's samples.
  auto d = twin_args({"gatetwin", "--broker", "tcp://h:1"});
  CHECK(d.fxaa);
  CHECK(d.msaa == 1);
  auto m4 = twin_args({"gatetwin", "--broker", "tcp://h:1", "--msaa", "4"});
  CHECK((!m4.fxaa && m4.msaa == 4 && m4.aa == "msaa"));
  auto am = twin_args({"gatetwin", "--broker", "tcp://h:1", "--aa", "msaa"});
  CHECK((!am.fxaa && am.msaa == 4));
  auto both = twin_args({"gatetwin", "--broker", "tcp://h:1", "--aa", "fxaa", "--msaa", "4"});
  CHECK((both.fxaa && both.msaa == 4));
  auto off = twin_args({"gatetwin", "--broker", "tcp://h:1", "--aa", "off"});
  CHECK((!off.fxaa && off.msaa == 1));
  for (std::vector<std::string> bad : {std::vector<std::string>{"gatetwin", "--broker", "tcp://h:1", "--size", "10x10"},
                                       {"gatetwin", "--broker", "tcp://h:1", "--busy-start", "8:00"},
                                       {"gatetwin", "--broker", "tcp://h:1", "--wall-columns", "0"},
                                       {"gatetwin", "--broker", "tcp://h:1", "--msaa", "3"},
                                       {"gatetwin", "--broker", "tcp://h:1", "--aa", "smaa"},
                                       {"gatetwin", "--broker", "tcp://h:1", "--aa", "off", "--msaa", "4"},
                                       {"gatetwin", "--broker"},
                                       {"gatetwin", "--broker", "tcp://h:1", "--nonsense"},
                                       {"gatetwin", "--run-for", "5"},
                                       {"gatetwin", "--headless", "--broker", "tcp://h:1", "--standby", "--client-id", "gatetwin-b", "--vda5050"},
                                       {"gatetwin", "--headless", "--broker", "tcp://h:1", "--follow", "--client-id", "wall-1", "--vda5050"},
                                       {"gatetwin", "--headless", "--broker", "tcp://h:1", "--vda5050-schemas", "/tmp"}}) {
    Argv v(bad);
    int code = -1;
    CHECK_FALSE(runner::parse_twin_args(v.argc(), v.argv(), code));
    CHECK(code == 2);
  }
  Argv help({"gatetwin", "--help"});
  int code = -1;
  CHECK_FALSE(runner::parse_twin_args(help.argc(), help.argv(), code));
  CHECK(code == 0);
}

TEST_CASE("clock text: one grammar for every time typed, three ways to write one") {
  CHECK(twin::parse_clock("10:00") == 10 * twin::kHour);
  CHECK(twin::parse_clock("47:59:59") == 47 * twin::kHour + 59 * twin::kMinute + 59 * twin::kSecond);
  for (const char* bad : {"48:00", "9:00", "7:5", "10:0", "10:00:", "10:60", "ab:cd", ""}) CHECK_FALSE(twin::parse_clock(bad));
  const twin::SimTime t = 25 * twin::kHour + 30 * twin::kSecond;
  CHECK(twin::clock_text(t) == "25:00:30");
  CHECK(twin::clock_text(t, twin::ClockStyle::Minutes) == "25:00:30");
  CHECK(twin::clock_text(25 * twin::kHour, twin::ClockStyle::Minutes) == "25:00");
  CHECK(twin::clock_text(t, twin::ClockStyle::DayAndTime) == "d1 01:00:30");
  CHECK(twin::clock_text(-5) == "00:00:00");
  CHECK(twin::parse_clock(twin::clock_text(t)) == t);
}

TEST_CASE("one twin set-up: sites, both broker configurations and the recording, or why not") {
  const std::string sites = std::string(GATETWIN_SOURCE_DIR) + "/assets/sites";
  SECTION("a good set-up has both sites with the plan, both client ids and no recording") {
    auto a = twin_args({"gatetwin", "--headless", "--broker", "tcp://127.0.0.1:1883", "--sites-dir", sites, "--client-id", "wall-1"});
    auto p = runner::prepare_twin(a);
    REQUIRE(std::holds_alternative<runner::TwinSetup>(p));
    const auto& s = std::get<runner::TwinSetup>(p);
    CHECK(s.sites.size() == 2);
    CHECK(s.site_ids.find(',') != std::string::npos);
    CHECK(s.field.client_id == "wall-1");
    CHECK(s.stream.client_id == "wall-1-stream");
    CHECK_FALSE(s.recording);
  }
  SECTION("an unknown site: exit code 1, with the site file's message") {
    auto a = twin_args({"gatetwin", "--headless", "--broker", "tcp://127.0.0.1:1883", "--sites-dir", sites, "--site", "m9999"});
    auto p = runner::prepare_twin(a);
    REQUIRE(std::holds_alternative<runner::SetupFailure>(p));
    CHECK(std::get<runner::SetupFailure>(p).exit_code == 1);
    CHECK_THAT(std::get<runner::SetupFailure>(p).message, Catch::Contains("m9999"));
  }
  SECTION("a broker URL that is not one: exit code 2") {
    auto a = twin_args({"gatetwin", "--headless", "--broker", "http://127.0.0.1:1883", "--sites-dir", sites});
    auto p = runner::prepare_twin(a);
    REQUIRE(std::holds_alternative<runner::SetupFailure>(p));
    CHECK(std::get<runner::SetupFailure>(p).exit_code == 2);
  }
  SECTION("a view that names no site of this twin: exit code 2, before anything starts") {
    auto a = twin_args({"gatetwin", "--headless", "--broker", "tcp://127.0.0.1:1883", "--sites-dir", sites, "--view", "m9999"});
    auto p = runner::prepare_twin(a);
    REQUIRE(std::holds_alternative<runner::SetupFailure>(p));
    CHECK(std::get<runner::SetupFailure>(p).exit_code == 2);
    CHECK_THAT(std::get<runner::SetupFailure>(p).message, Catch::Contains("--view m9999: not a site of this twin (m1088,m1119)"));
    auto ok = twin_args({"gatetwin", "--headless", "--broker", "tcp://127.0.0.1:1883", "--sites-dir", sites, "--view", "m1119"});
    CHECK(std::holds_alternative<runner::TwinSetup>(runner::prepare_twin(ok)));
  }
  SECTION("an output path in a folder that does not exist: exit code 2, before the run") {
    for (const char* flag : {"--screenshot", "--stats", "--scene-json"}) {
      auto a = twin_args({"gatetwin", "--headless", "--broker", "tcp://127.0.0.1:1883", "--sites-dir", sites, flag, "/nonexistent-dir/out"});
      auto p = runner::prepare_twin(a);
      REQUIRE(std::holds_alternative<runner::SetupFailure>(p));
      CHECK(std::get<runner::SetupFailure>(p).exit_code == 2);
      CHECK_THAT(std::get<runner::SetupFailure>(p).message, Catch::Contains(std::string(flag) + " /nonexistent-dir/out: the folder /nonexistent-dir does not exist"));
    }
  }
  SECTION("a recording that cannot be opened: exit code 1, 'cannot record'") {
    auto a = twin_args({"gatetwin", "--headless", "--broker", "tcp://127.0.0.1:1883", "--sites-dir", sites, "--record",
                        "/nonexistent-dir/x.db"});
    auto p = runner::prepare_twin(a);
    REQUIRE(std::holds_alternative<runner::SetupFailure>(p));
    CHECK(std::get<runner::SetupFailure>(p).exit_code == 1);
    CHECK_THAT(std::get<runner::SetupFailure>(p).message, Catch::StartsWith("cannot record: "));
  }
}

namespace {
struct Ran {
  int code = -1;
  std::string out;
};
Ran run_twin(const std::string& flags) {
  const std::string cmd = std::string(GATETWIN_BINARY_DIR) + "/tools/gatetwin/gatetwin " + flags + " 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  REQUIRE(p);
  Ran r;
  std::array<char, 4096> buf{};
  while (size_t n = fread(buf.data(), 1, buf.size(), p)) r.out.append(buf.data(), n);
  const int status = pclose(p);
  REQUIRE(WIFEXITED(status));
  r.code = WEXITSTATUS(status);
  return r;
}
}  // namespace

TEST_CASE("an unknown flag names itself, also as the last argument", "[start-up]") {
  for (const char* flags : {"--bogus", "--broker tcp://127.0.0.1:1 --bogus", "--replay x.db --bogus"}) {
    Ran r = run_twin(flags);
    INFO(flags << ": " << r.out);
    CHECK(r.code == 2);
    CHECK_THAT(r.out, Catch::Contains("unknown flag --bogus"));
  }
  Ran v = run_twin("--broker");
  CHECK_THAT(v.out, Catch::Contains("--broker needs a value"));
}

TEST_CASE("with --run-for, a broker that cannot be reached ends the run with exit code 4 and says so", "[start-up]") {
  // Port 1 on the loopback: nothing listens there. A 2 s run ends at its end, not 10 s.
  Ran r = run_twin(std::string("--headless --quiet --broker tcp://127.0.0.1:1 --sites-dir ") + GATETWIN_SOURCE_DIR +
                   "/assets/sites --run-for 2");
  INFO(r.out);
  CHECK(r.code == runner::kExitBrokerUnreachable);
  CHECK_THAT(r.out, Catch::Contains("cannot reach the broker tcp://127.0.0.1:1"));
}
