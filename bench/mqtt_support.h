// What gatebench's MQTT benches share: a private mosquitto on a free loopback port, the
// vehicles in the area of a core (the 2030 peak), a child process that dies with the
// bench, and percentiles. Used by bench_mqtt.cpp (the own publisher) and
// bench_mqtt_lean.cpp (mosquitto_pub as the field).
#pragma once

#include "pipeline/sequencer.h"
#include "twin/core.h"
#include "twin/simulator.h"

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace bench {

int64_t now_ns();  // steady clock

// A private mosquitto on a free loopback port, for the length of the bench.
class Broker {
 public:
  bool start();
  ~Broker();
  std::string uri() const { return "tcp://127.0.0.1:" + std::to_string(port_); }
  int port() const { return port_; }
  // CPU time (user + system) the broker process has used so far, from /proc/<pid>/stat;
  // negative where that cannot be read. mosquitto runs its network loop on one thread, so
  // its CPU seconds per message bound what it can forward on this machine.
  double cpu_seconds() const;

 private:
  std::string dir_;
  int port_ = 0;
  pid_t pid_ = -1;
};

struct Entity {
  uint8_t site;
  twin::EntityKind kind;
  uint32_t id;
};

// Vehicles in the area: trucks that have arrived and not yet left or cleared, plus the
// unmanned guide vehicles (always in the area).
std::vector<Entity> vehicles_in_area(const twin::Core& core);

// The busiest simulated minute of the day (most vehicles in the area).
// The shipped sites and the simulation options of the mqtt benches (seed, the 2030 load);
// nothing when a site file does not load (said on stderr).
struct BenchSites {
  std::vector<twin::SiteSpec> sites;
  twin::SimOptions opt;
};
std::optional<BenchSites> load_bench_sites(uint64_t seed);

struct Peak {
  size_t vehicles = 0;
  twin::SimTime at_ms = 0;
};
Peak find_peak(const std::vector<twin::SiteSpec>& sites, const twin::SimOptions& opt);
// A core run by the simulator up to at_ms.
std::unique_ptr<twin::Core> core_at(const std::vector<twin::SiteSpec>& sites, const twin::SimOptions& opt, twin::SimTime at_ms);

// A sequencer numbers from 1, but a core loaded by the simulator has folded its events
// already, and the core takes only later seqs (twin/core.cpp's contract): number on from
// the core's last seq (the twin's own events, discarded, take the seqs before).
void number_after(pipeline::Sequencer& sequencer, const twin::Core& core);

// Starts argv[0] (a path) with stdin / stdout from the given descriptors (-1: /dev/null)
// and stderr the bench's (or /dev/null); the child gets SIGTERM when the bench dies
// (unless it changes its user). Returns its pid, or -1.
pid_t spawn(const std::vector<std::string>& argv, int stdin_fd, int stdout_fd, bool quiet_stderr = false);

double percentile(std::vector<double>& v, double p);

}  // namespace bench
