// The lean field of gatebench mqtt --field lean: positions pre-generated as lines for
// mosquitto_pub -l (one process per publisher, each its own client id and topic), fed
// from a file as fast as they go or through a pipe at a paced rate, and the reference
// reader, mosquitto_sub, counting what the broker delivers.
#pragma once

#include "bench/mqtt_support.h"

#include <atomic>
#include <cstdint>
#include <string>
#include <thread>
#include <vector>

namespace bench {

// Message i is a position of entity i % E, reported by that entity's one source (so that
// latest-wins by source seq holds); source s publishes through publisher s % P, publisher
// p sends to site p % sites (one topic per mosquitto_pub), and each source numbers its
// messages 1, 2, 3...
struct LeanPlan {
  std::vector<std::string> sources;           // src values, "lean-<s>"
  std::vector<std::string> topics;            // per publisher
  std::vector<std::string> text;              // per publisher: its lines, each ending in '\n'
  std::vector<std::vector<uint32_t>> line_end;    // per publisher: end of each line in text
  std::vector<std::vector<uint32_t>> line_index;  // per publisher: message index i of each line
  std::vector<std::vector<uint32_t>> line_slot;   // per publisher: slot_of(source, seq) of each line
  std::vector<size_t> slot_base;              // per source: slot of its seq 0 (seq 1 is +1)
  size_t slots = 0;
  size_t messages = 0;                        // lines in all
  size_t sources_used = 0;                    // sources with at least one vehicle
  size_t slot_of(size_t source, uint64_t seq) const { return slot_base[source] + seq; }
};
LeanPlan make_lean_plan(const std::vector<twin::SiteSpec>& sites, const std::vector<Entity>& entities, size_t sources,
                        size_t publishers, size_t messages, twin::SimTime t0_ms, double rate);

// mosquitto_pub -l for publisher p of the plan: client id gatebench-lean-<p>, QoS 0.
// nodelay: without Nagle's algorithm (--nodelay), as a field gateway that reports in real
// time should send (docs/mqtt.md): with it, a small publish can wait up to 40 ms for the
// broker's delayed ACK, which is the publisher's latency, not the twin's.
std::vector<std::string> mosquitto_pub_argv(const LeanPlan& plan, size_t p, int port, bool nodelay);

// Waits until mosquitto_pub (process pid) waits for a line on its stdin pipe (its wchan in
// /proc), up to timeout_ms. mosquitto_pub -l reads no line before its broker acknowledged it,
// and polls for that every 100 ms: a paced line written before then would wait out the
// process's start, connect and poll, which is not the twin's latency. Where the kernel does
// not tell (wchan "0"), waits 200 ms and returns false.
bool wait_reading_stdin(pid_t pid, int timeout_ms);

// mosquitto_sub on every site's telemetry/position, printing one short line per message
// into a pipe that a thread counts. start() returns once a probe message has come through
// (the subscription is in place).
class SubCounter {
 public:
  bool start(int port);
  void mark();                                   // what has arrived so far does not count
  bool wait_for(size_t n, double timeout_s);     // n messages after mark()
  size_t count() const { return count_ - base_; }
  int64_t last_ns() const { return last_ns_; }   // when the latest line was read
  ~SubCounter();

 private:
  pid_t pid_ = -1;
  int fd_ = -1;
  std::thread reader_;
  std::atomic<size_t> count_{0};
  size_t base_ = 0;
  std::atomic<int64_t> last_ns_{0};
};

}  // namespace bench
