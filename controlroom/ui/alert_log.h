// AlertLog: the alerts an operator sees, newest first: equipment failures, declaration
// mismatches, reefer power loss, queues over their threshold (all from the core's
// decisions), and telemetry gone stale (from the app). Bounded; each alert knows where
// it is in the world so a click can fly the camera there. Knows no ImGui.
#pragma once
#include "controlroom/scene/world_layout.h"

#include "twin/core.h"

#include <deque>
#include <string>

namespace controlroom {

// How bad: equipment or power lost and unknown vehicles are critical, anything that
// diverts or delays a shipment a warning, the rest (queues over their threshold) a notice.
enum class Severity : uint8_t { Critical = 0, Warning, Notice };
Severity severity_of(const std::string& text);
const char* to_string(Severity s);

struct Alert {
  twin::SimTime time_ms = 0;
  uint8_t site = 0;
  std::string text;
  glm::vec3 where{0};
  Severity severity = Severity::Warning;
};

class AlertLog {
 public:
  static constexpr size_t kMax = 500;
  // Reads the decisions of one folded event (after Core::apply).
  void collect(const twin::Decisions& decisions, const twin::Core& core, const WorldLayout& layout);
  void add(Alert a);
  const std::deque<Alert>& items() const { return items_; }
  uint64_t total() const { return total_; }
  // Alerts not yet acknowledged (all of them until acknowledge_all()).
  uint64_t unacknowledged() const { return total_ - acknowledged_; }
  void acknowledge_all() { acknowledged_ = total_; }

 private:
  std::deque<Alert> items_;
  uint64_t total_ = 0;
  uint64_t acknowledged_ = 0;
};


}  // namespace controlroom
