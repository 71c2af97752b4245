// Keeps the core's clock moving with the wall clock when the field stamps in UTC and
// sends no clock_tick: wraps the live input source and, once a wall second has passed
// (mapped to run time through the session epoch), adds a ClockTick from the twin's own
// source "twin-clock" (seq 1, 2, 3...), an ordinary ordered message that the sequencer
// numbers, the core applies and the recording keeps, so a replay needs no wall clock.
// Ticking is on, off, or automatic: from the first UTC-stamped message the link accepts
// (a field on run time "t_ms", gatesim, keeps its exact in-process sequence). The wall
// clock is passed in. It must not sequence, apply or decode anything.
#pragma once
#include "pipeline/frame_ports.h"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

namespace pipeline {

enum class WallTicks : uint8_t { Off = 0, On, Auto };
std::optional<WallTicks> parse_wall_ticks(const std::string& s);  // off | on | auto
const char* to_string(WallTicks t);

struct WallTickOptions {
  WallTicks mode = WallTicks::Auto;
  int64_t epoch_utc_ms = 0;                 // the UTC instant of run time 0
  std::function<int64_t()> wall_utc_ms;     // the twin's wall clock, Unix epoch ms
  std::function<bool()> utc_seen;           // Auto: true once the field has sent a UTC stamp
  uint8_t site = 0;                         // ticks concern the whole world; sent as the first site's
};

class WallTickSource final : public InputSource {
 public:
  static constexpr const char* kSource = "twin-clock";
  WallTickSource(InputSource& inner, WallTickOptions options) : inner_(inner), o_(std::move(options)) {}
  size_t drain(std::vector<connectors::FieldMessage>& out, size_t max, std::chrono::microseconds wait) override;
  uint64_t ticks() const { return seq_; }     // ticks inserted so far
  // A standby that takes over goes on after the old primary's last tick seq.
  void resume_after(uint64_t seq) { seq_ = seq; }
  bool ticking() const { return ticking_; }
  const WallTickOptions& options() const { return o_; }

 private:
  InputSource& inner_;
  WallTickOptions o_;
  uint64_t seq_ = 0;
  int64_t last_second_ = -1;
  bool ticking_ = false;
};

}  // namespace pipeline
