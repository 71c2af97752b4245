// The closed loop's lock-step. See closed_loop.h.
#include "sessions/closed_loop.h"

#include "connectors/codec/event_binary.h"

#include <algorithm>
#include <vector>

namespace sessions {

namespace {

using Clock = std::chrono::steady_clock;
constexpr std::chrono::milliseconds kStopPoll{200};  // how soon a stop is seen while waiting

// The site and body bytes, without seq and time.
std::vector<uint8_t> body_bytes(twin::Event e) {
  e.seq = 0;
  e.time_ms = 0;
  std::vector<uint8_t> out;
  connectors::encode_event(e, out);
  return out;
}

}  // namespace

const char* to_string(ClosedLoopEnd e) {
  switch (e) {
    case ClosedLoopEnd::Done: return "done";
    case ClosedLoopEnd::Stopped: return "stopped";
    case ClosedLoopEnd::PublishFailed: return "publish failed";
    case ClosedLoopEnd::NoEcho: return "no echo";
    case ClosedLoopEnd::StreamFailed: return "stream failed";
  }
  return "?";
}

bool is_echo(const twin::Event& streamed, const twin::Event& published) {
  return streamed.site == published.site && streamed.body.index() == published.body.index() &&
         body_bytes(streamed) == body_bytes(published);
}

ClosedLoopResult run_closed_loop(twin::Core& core, twin::Simulator& sim, twin::SimTime end_ms, ClosedLoopPort& port,
                                 const ClosedLoopOptions& options, const twin::AfterEvent& after) {
  if (core.run_label().empty()) core.set_run_label("closed-loop simulator seed " + std::to_string(sim.seed()));
  ClosedLoopResult r;
  twin::Decisions decisions;
  auto stopped = [&] { return options.stop && options.stop->load(); };
  auto fold = [&](twin::Event& e) {  // with the twin's seq and time
    decisions.clear();
    core.apply(e, decisions);
    sim.observe(decisions);
    if (after) after(e, decisions);
  };
  auto fail = [&](ClosedLoopEnd end, std::string message) {
    r.end = end;
    r.message = std::move(message);
    return r;
  };

  for (;;) {
    while (sim.next_time() <= end_ms) {
      if (stopped()) return fail(ClosedLoopEnd::Stopped, "stopped");
      twin::Event mine = sim.next();
      const std::vector<uint8_t> mine_bytes = body_bytes(mine);
      if (!port.publish(mine)) return fail(ClosedLoopEnd::PublishFailed, "could not publish event " + std::to_string(mine.seq));
      const auto sent = Clock::now();
      const auto deadline = sent + options.echo_timeout;
      bool resent = false;
      for (;;) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
        StreamRead read = port.next(std::clamp(left, std::chrono::milliseconds(0), kStopPoll));
        if (auto* f = std::get_if<StreamFailure>(&read)) return fail(ClosedLoopEnd::StreamFailed, f->message);
        if (std::holds_alternative<StreamTimeout>(read)) {
          if (stopped()) return fail(ClosedLoopEnd::Stopped, "stopped");
          if (!resent && Clock::now() - sent >= options.resend_after) {
            resent = true;
            ++r.resent;
            if (!port.publish(mine)) return fail(ClosedLoopEnd::PublishFailed, "could not publish event " + std::to_string(mine.seq));
          }
          if (Clock::now() < deadline) continue;
          return fail(ClosedLoopEnd::NoEcho,
                      "the twin did not fold the simulator's event " + std::to_string(mine.seq) + " (" +
                          twin::event_name(mine.body) + ") within " + std::to_string(options.echo_timeout.count()) + " ms");
        }
        twin::Event& e = std::get<twin::Event>(read);
        const bool own = e.site == mine.site && body_bytes(e) == mine_bytes;
        fold(e);
        if (!own) {
          ++r.foreign;
          continue;
        }
        ++r.own;
        const double ms = std::chrono::duration<double, std::milli>(Clock::now() - sent).count();
        r.round_trip_ms_total += ms;
        r.round_trip_ms_max = std::max(r.round_trip_ms_max, ms);
        break;
      }
    }
    // The simulator has nothing left up to the end: fold what the twin still applies
    // (late commands) until the stream is quiet; their decisions may give the simulator
    // more events up to the end, which go round the loop again.
    for (;;) {
      if (stopped()) return fail(ClosedLoopEnd::Stopped, "stopped");
      StreamRead read = port.next(options.idle);
      if (auto* f = std::get_if<StreamFailure>(&read)) return fail(ClosedLoopEnd::StreamFailed, f->message);
      if (std::holds_alternative<StreamTimeout>(read)) break;
      fold(std::get<twin::Event>(read));
      ++r.foreign;
    }
    if (sim.next_time() > end_ms) return r;
  }
}

}  // namespace sessions
