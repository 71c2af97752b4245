// The lean field (lean_field.h): the plan of lines, mosquitto_pub's command line, and
// mosquitto_sub as the reference reader.
#include "bench/lean_field.h"

#include "bench/lean_payload.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <cmath>

namespace bench {

LeanPlan make_lean_plan(const std::vector<twin::SiteSpec>& sites, const std::vector<Entity>& entities, size_t sources,
                        size_t publishers, size_t messages, twin::SimTime t0_ms, double rate) {
  LeanPlan plan;
  const size_t P = publishers, S = sources, nsites = sites.size();
  for (size_t p = 0; p < P; ++p) plan.topics.push_back("gatetwin/v1/" + sites[p % nsites].id + "/telemetry/position");
  for (size_t s = 0; s < S; ++s) plan.sources.push_back("lean-" + std::to_string(s));
  // The sources of each site, and each entity's source (round-robin within its site).
  std::vector<std::vector<size_t>> of_site(nsites);
  for (size_t s = 0; s < S; ++s) of_site[(s % P) % nsites].push_back(s);
  std::vector<int64_t> source_of(entities.size(), -1);
  std::vector<size_t> seen(nsites, 0);
  for (size_t e = 0; e < entities.size(); ++e) {
    const auto& list = of_site[entities[e].site];
    if (!list.empty()) source_of[e] = static_cast<int64_t>(list[seen[entities[e].site]++ % list.size()]);
  }
  std::vector<bool> used(S, false);
  for (int64_t s : source_of)
    if (s >= 0) used[static_cast<size_t>(s)] = true;
  for (bool u : used) plan.sources_used += u;
  // Vehicles with a source only (a site without sources when S < sites).
  std::vector<size_t> reported;
  for (size_t e = 0; e < entities.size(); ++e)
    if (source_of[e] >= 0) reported.push_back(e);
  std::vector<uint64_t> seq(S, 0);
  std::vector<std::pair<size_t, uint64_t>> msg(messages);  // (source, seq) of message i
  for (size_t i = 0; i < messages && !reported.empty(); ++i) {
    const size_t s = static_cast<size_t>(source_of[reported[i % reported.size()]]);
    msg[i] = {s, ++seq[s]};
  }
  plan.slot_base.resize(S + 1, 0);
  for (size_t s = 0; s < S; ++s) plan.slot_base[s + 1] = plan.slot_base[s] + seq[s] + 1;
  plan.slots = plan.slot_base[S];
  plan.text.resize(P);
  plan.line_end.resize(P);
  plan.line_index.resize(P);
  plan.line_slot.resize(P);
  for (size_t i = 0; i < messages && !reported.empty(); ++i) {
    const Entity& en = entities[reported[i % reported.size()]];
    const auto [s, q] = msg[i];
    const size_t p = s % P;
    const float a = static_cast<float>(i) * 1e-3f;  // a circle, as bench_mqtt.cpp's own publisher
    const LeanPosition pos{&plan.sources[s], q, t0_ms + static_cast<twin::SimTime>(i * 1000.0 / rate), en.kind, en.id,
                           100.f + std::cos(a) * 50.f, std::sin(a) * 50.f, std::remainder(a, 6.2831853f),
                           sites[en.site].geo ? &*sites[en.site].geo : nullptr};
    plan.text[p] += lean_position_payload(pos);
    plan.text[p] += '\n';
    plan.line_end[p].push_back(static_cast<uint32_t>(plan.text[p].size()));
    plan.line_index[p].push_back(static_cast<uint32_t>(i));
    plan.line_slot[p].push_back(static_cast<uint32_t>(plan.slot_of(s, q)));
    ++plan.messages;
  }
  return plan;
}

std::vector<std::string> mosquitto_pub_argv(const LeanPlan& plan, size_t p, int port, bool nodelay) {
  std::vector<std::string> argv{"/usr/bin/mosquitto_pub", "-h", "127.0.0.1", "-p", std::to_string(port), "-i",
                                "gatebench-lean-" + std::to_string(p), "-q", "0", "-t", plan.topics[p], "-l"};
  if (nodelay) argv.push_back("--nodelay");
  return argv;
}

bool wait_reading_stdin(pid_t pid, int timeout_ms) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  const std::string path = "/proc/" + std::to_string(pid) + "/wchan";
  do {
    std::string wchan;
    std::getline(std::ifstream(path), wchan);
    if (wchan.find("pipe_read") != std::string::npos) return true;  // anon_pipe_read, pipe_read
    if (wchan == "0") {  // the kernel hides it: mosquitto_pub's 100 ms poll and a margin
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  } while (std::chrono::steady_clock::now() < until);
  return false;
}

bool SubCounter::start(int port) {
  int fds[2];
  if (pipe(fds) != 0) return false;
  // %l: the payload's length, one short line per message (the payload itself is not printed).
  pid_ = spawn({"/usr/bin/mosquitto_sub", "-h", "127.0.0.1", "-p", std::to_string(port), "-i", "gatebench-reference", "-q", "0",
                "-t", "gatetwin/v1/+/telemetry/position", "-F", "%l"},
               -1, fds[1]);
  close(fds[1]);
  fd_ = fds[0];
  if (pid_ < 0) return false;
  reader_ = std::thread([this] {
    char buf[65536];
    for (;;) {
      const ssize_t n = read(fd_, buf, sizeof buf);
      if (n <= 0) break;
      size_t lines = 0;
      for (ssize_t k = 0; k < n; ++k) lines += buf[k] == '\n';
      if (lines) {
        last_ns_ = now_ns();
        count_ += lines;
      }
    }
  });
  // Probe until one comes through: the subscription is then in place.
  for (int i = 0; i < 100 && count_ == 0; ++i) {
    const pid_t probe = spawn({"/usr/bin/mosquitto_pub", "-h", "127.0.0.1", "-p", std::to_string(port), "-q", "0", "-t",
                               "gatetwin/v1/probe/telemetry/position", "-m", "probe"},
                              -1, -1);
    if (probe > 0) waitpid(probe, nullptr, 0);
    for (int k = 0; k < 10 && count_ == 0; ++k) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(200));  // stragglers of the probes
  mark();
  return count_ > 0 || base_ > 0;
}

void SubCounter::mark() { base_ = count_; }

bool SubCounter::wait_for(size_t n, double timeout_s) {
  const int64_t until = now_ns() + static_cast<int64_t>(timeout_s * 1e9);
  while (count() < n && now_ns() < until) std::this_thread::sleep_for(std::chrono::microseconds(200));
  return count() >= n;
}

SubCounter::~SubCounter() {
  if (pid_ > 0) {
    kill(pid_, SIGTERM);
    waitpid(pid_, nullptr, 0);
  }
  if (reader_.joinable()) reader_.join();
  if (fd_ >= 0) close(fd_);
}

}  // namespace bench
