// The closed loop between a simulated field and a live twin (gatesim --closed-loop,
// docs/gatesim.md): the simulator's core folds exactly what the twin folds, in the twin's
// order, so the twin's decisions and the operator commands it applied reach the simulator
// (a closed lane gets no trucks, a held truck waits, a forced inspection is done).
//
// Lock-step: take the simulator's next event e, publish it, then read the twin's event
// stream until e comes back (matched by site and body; the stream carries the twin's seq
// and time): every event before it that is not the simulator's own (commands, other
// sources, the twin's partner watch) is applied first, in stream order, and its decisions
// observed by the simulator; then e with the twin's seq and time. Only then is the
// simulator asked for its next event. After the last event up to `end`, the stream is
// folded until it is idle for `idle` (late commands).
//
// It waits only through its port (the broker side lives in connectors/mqtt and in
// gatesim's main); it must not publish, subscribe or sleep itself, and reads the steady
// clock only to bound the wait for an echo and to measure round trips.
#pragma once
#include "twin/core.h"
#include "twin/run.h"
#include "twin/simulator.h"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <variant>

namespace sessions {

// What reading the twin's stream gave: an event (twin seq and time), nothing within the
// wait, or an error that ends the loop (a gap, the twin restarted with a new run).
struct StreamTimeout {};
struct StreamFailure {
  std::string message;   // what happened, for a person
};
using StreamRead = std::variant<twin::Event, StreamTimeout, StreamFailure>;

// The loop's two ends. Both may wait (pacing, the broker's window, the stream).
class ClosedLoopPort {
 public:
  virtual ~ClosedLoopPort() = default;
  // Publishes the simulator's event (its own seq is the message's source seq). False:
  // publishing failed for good (the port has said why).
  virtual bool publish(const twin::Event& e) = 0;
  // The twin's next applied event, waiting up to `wait`.
  virtual StreamRead next(std::chrono::milliseconds wait) = 0;
};

struct ClosedLoopOptions {
  std::chrono::milliseconds echo_timeout{10000};  // the twin must fold a published event within this
  // Published again (same source seq) when no echo came within this: a twin that had not
  // yet subscribed never saw it; one that did drops the copy as stale (docs/mqtt.md "Order").
  std::chrono::milliseconds resend_after{2000};
  std::chrono::milliseconds idle{1000};           // after the end: fold until the stream is this quiet
  const std::atomic<bool>* stop = nullptr;        // set (by a signal handler) to stop after the event in hand
};

enum class ClosedLoopEnd : uint8_t {
  Done = 0,      // every simulator event up to `end` came back, and the stream went quiet
  Stopped,       // *options.stop was set
  PublishFailed, // the port could not publish
  NoEcho,        // a published event did not come back within echo_timeout
  StreamFailed,  // the port reported a failure (a gap it cannot fill, a new twin run)
};
const char* to_string(ClosedLoopEnd e);

struct ClosedLoopResult {
  ClosedLoopEnd end = ClosedLoopEnd::Done;
  std::string message;          // why, when not Done
  uint64_t own = 0;             // simulator events published and folded
  uint64_t foreign = 0;         // stream events from elsewhere folded (commands, other sources)
  uint64_t resent = 0;          // events published a second time (no echo within resend_after)
  double round_trip_ms_total = 0;  // publish to echo, summed over `own`
  double round_trip_ms_max = 0;
};

// Runs the loop until the simulator has nothing left up to end_ms (and the stream is
// idle), or until it stops. `after` sees every folded event (own and foreign) with its
// decisions, like twin::run_until's. The core must start where the twin's stream starts
// (a fresh core and a twin that has folded nothing yet).
ClosedLoopResult run_closed_loop(twin::Core& core, twin::Simulator& sim, twin::SimTime end_ms, ClosedLoopPort& port,
                                 const ClosedLoopOptions& options, const twin::AfterEvent& after = {});

// True when a stream event is the echo of the simulator's event: same site and body
// (seq and time are the twin's).
bool is_echo(const twin::Event& streamed, const twin::Event& published);

}  // namespace sessions
