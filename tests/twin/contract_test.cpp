// Tests that the core's contracts (twin/contract.h) hold in every build type: an event
// out of seq or time order, or a state that breaks the invariants at a snapshot, stops
// the run with SIGABRT and a message naming the event (seq, time, kind) and the run
// (the simulator's seed, or that the core does not know one). Each violation runs in a
// forked child process; the parent reads its stderr. Must not rely on NDEBUG or assert().
#include "core_driver.h"
#include "twin/run.h"

#include <catch2/catch.hpp>

#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <functional>
#include <string>

using namespace twin;

namespace {

struct ChildResult {
  bool aborted = false;  // killed by SIGABRT
  int exit_code = -1;    // when it exited instead
  std::string err;       // everything it wrote to stderr
};

// Runs `body` in a forked child with stderr captured; the child exits 0 if body returns.
ChildResult run_in_child(const std::function<void()>& body) {
  int fds[2];
  REQUIRE(pipe(fds) == 0);
  std::fflush(nullptr);
  const pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    signal(SIGABRT, SIG_DFL);  // not Catch2's handler: the child dies of the abort, silently
    rlimit no_core{0, 0};
    setrlimit(RLIMIT_CORE, &no_core);  // an abort here is expected: no core file
    close(fds[0]);
    dup2(fds[1], STDERR_FILENO);
    dup2(fds[1], STDOUT_FILENO);
    close(fds[1]);
    body();
    _exit(0);
  }
  close(fds[1]);
  ChildResult r;
  char buf[4096];
  for (ssize_t n; (n = read(fds[0], buf, sizeof buf)) > 0;) r.err.append(buf, static_cast<size_t>(n));
  close(fds[0]);
  int status = 0;
  REQUIRE(waitpid(pid, &status, 0) == pid);
  r.aborted = WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT;
  if (WIFEXITED(status)) r.exit_code = WEXITSTATUS(status);
  return r;
}

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("an event out of seq order stops the run, naming the event and the simulator's seed") {
  auto r = run_in_child([] {
    Core core({testing::shipped_site("m1088"), testing::shipped_site("m1119")});
    SimOptions opt;
    opt.seed = 4321;
    for (const auto& s : core.sites()) opt.vehicles_per_day.push_back(s.arrivals.per_day_2030);
    Simulator sim(core.sites(), opt);
    run_until(core, sim, kHour);  // some thousands of events: seq 77 is long past
    Decisions d;
    core.apply(Event{77, kHour, 1, HandoverCompleted{ShipmentId{5}}}, d);
  });
  INFO(r.err);
  CHECK(r.aborted);
  CHECK(has(r.err, "twin: contract violated at twin/core.cpp:"));
  CHECK(has(r.err, "events must arrive in seq order: event seq 77 after seq "));
  CHECK(has(r.err, "while folding event seq 77, time 3600000 ms (d0 01:00:00.000), site 1 (m1119), kind handover_completed"));
  CHECK(has(r.err, "run: simulator seed 4321, sites m1088,m1119"));
}

TEST_CASE("an event earlier than the last one stops the run; without a simulator the core says it knows no seed") {
  auto r = run_in_child([] {
    testing::CoreDriver d({testing::shipped_site("m1119")});
    d.send(ClockTick{}, 5000);  // seq 1 at 5 s
    d.now = 0;
    d.send(StepCompleted{ShipmentId{3}, CheckpointKind::Scanner}, 1234);  // seq 2 at 1.234 s
  });
  INFO(r.err);
  CHECK(r.aborted);
  CHECK(has(r.err, "events must arrive in time order: event seq 2 at 1234 ms after seq 1 (clock_tick) at 5000 ms"));
  CHECK(has(r.err, "while folding event seq 2, time 1234 ms (d0 00:00:01.234), site 0 (m1119), kind step_completed"));
  CHECK(has(r.err, "run: seed not known to the core"));
}

TEST_CASE("a program can name the run; events in order do not stop it") {
  auto r = run_in_child([] {
    testing::CoreDriver d({testing::shipped_site("m1119")});
    d.core.set_run_label("session 4 of test.db");
    d.send(ClockTick{}, 1000);
    d.send(ClockTick{}, 0);  // same time, next seq: in order
    d.core.require_invariants("a snapshot");
    std::fputs("still running\n", stderr);
    d.send(ClockTick{}, 0);
    d.seq = 1;
    d.send(ClockTick{}, 0);  // seq 2 again
  });
  INFO(r.err);
  CHECK(r.aborted);
  CHECK(has(r.err, "still running\n"));
  CHECK(has(r.err, "event seq 2 after seq 3 (clock_tick)"));
  CHECK(has(r.err, "run: session 4 of test.db, sites m1119"));
}

TEST_CASE("a state that breaks the invariants stops the run at a snapshot, naming the last event") {
  auto r = run_in_child([] {
    Core core({testing::shipped_site("m1119")});
    SimOptions opt;
    opt.seed = 99;
    opt.vehicles_per_day = {core.sites()[0].arrivals.per_day_2030};
    Simulator sim(core.sites(), opt);
    run_until(core, sim, 2 * kHour);
    core.require_invariants("a snapshot");  // sound: goes on
    std::fputs("sound at two hours\n", stderr);
    // Break the state behind the core's back, as a bug in the fold would.
    const_cast<WorldState&>(core.state()).sites[0].counters.arrived[0] += 1;
    core.require_invariants("a snapshot");
  });
  INFO(r.err);
  CHECK(r.aborted);
  CHECK(has(r.err, "sound at two hours\n"));
  CHECK(has(r.err, "state invariants violated at a snapshot (1;"));
  CHECK(has(r.err, "m1119: arrival counter disagrees"));
  CHECK(has(r.err, "after event seq "));
  CHECK(has(r.err, "time 7200000 ms (d0 02:00:00.000), kind "));
  CHECK(has(r.err, "run: simulator seed 99, sites m1119"));
}
