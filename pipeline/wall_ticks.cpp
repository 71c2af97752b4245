// Wall-clock ticks for a UTC field. See wall_ticks.h.
#include "pipeline/wall_ticks.h"

#include "connectors/codec/event_json.h"  // kMaxTime_ms

namespace pipeline {

std::optional<WallTicks> parse_wall_ticks(const std::string& s) {
  if (s == "off") return WallTicks::Off;
  if (s == "on") return WallTicks::On;
  if (s == "auto") return WallTicks::Auto;
  return std::nullopt;
}

const char* to_string(WallTicks t) { return t == WallTicks::Off ? "off" : t == WallTicks::On ? "on" : "auto"; }

size_t WallTickSource::drain(std::vector<connectors::FieldMessage>& out, size_t max, std::chrono::microseconds wait) {
  size_t n = inner_.drain(out, max, wait);
  if (!ticking_) ticking_ = o_.mode == WallTicks::On || (o_.mode == WallTicks::Auto && o_.utc_seen && o_.utc_seen());
  if (!ticking_ || !o_.wall_utc_ms) return n;
  const int64_t run_ms = o_.wall_utc_ms() - o_.epoch_utc_ms;
  if (run_ms < 0 || run_ms > connectors::kMaxTime_ms) return n;  // outside run time: nothing to say
  const int64_t second = run_ms / 1000;
  if (second <= last_second_) return n;
  last_second_ = second;
  connectors::FieldMessage m;
  m.source = kSource;
  m.source_seq = ++seq_;
  m.time_ms = second * 1000;
  m.site = o_.site;
  m.body = twin::ClockTick{};
  m.cls = connectors::MessageClass::Ordered;
  m.topic = "(twin wall clock)";
  out.push_back(std::move(m));
  return n + 1;
}

}  // namespace pipeline
