// AlertLog. See alert_log.h.
#include "controlroom/ui/alert_log.h"

#include "sessions/operator_alert.h"

#include <cstdio>

namespace controlroom {

Severity severity_of(const std::string& text) {
  for (const char* word : {"fail", "power", "undeclared", "lost"})
    if (text.find(word) != std::string::npos) return Severity::Critical;
  if (text.find("queue") != std::string::npos) return Severity::Notice;
  return Severity::Warning;
}

const char* to_string(Severity s) {
  switch (s) {
    case Severity::Critical: return "critical";
    case Severity::Warning: return "warning";
    default: return "notice";
  }
}

void AlertLog::add(Alert a) {
  items_.push_front(std::move(a));
  if (items_.size() > kMax) items_.pop_back();
  ++total_;
}

void AlertLog::collect(const twin::Decisions& decisions, const twin::Core& core, const WorldLayout& layout) {
  for (const twin::Decision& d : decisions) {
    if (d.site >= core.sites().size()) continue;
    auto text = sessions::operator_alert_text(d);  // the same rule as a replay's bookmarks
    if (!text) continue;
    const twin::SiteSpec& spec = core.sites()[d.site];
    Alert a{d.time_ms, d.site, spec.id + ": " + *text, layout.site_centre(d.site), severity_of(*text)};
    if (d.kind == twin::DecisionKind::Alert) {
      // Locate it: checkpoint queues and equipment by resource, reefer power by yard.
      if (d.text.rfind("queue at ", 0) == 0 && d.resource < spec.checkpoints.size())
        a.where = layout.world(d.site, spec.checkpoints[d.resource].positions.front());
      else if (d.text.find("reefer power") != std::string::npos && d.resource < spec.yards.size())
        a.where = layout.world(d.site, (spec.yards[d.resource].min + spec.yards[d.resource].max) * 0.5f);
      else if (d.value == static_cast<int64_t>(twin::EquipmentRef::Kind::CheckpointServer) && d.resource < spec.checkpoints.size() &&
               d.unit < spec.checkpoints[d.resource].positions.size())
        a.where = layout.world(d.site, spec.checkpoints[d.resource].positions[d.unit]);
      else if (d.value == static_cast<int64_t>(twin::EquipmentRef::Kind::LaneBarrier) && d.resource < spec.lanes.size())
        a.where = layout.world(d.site, spec.lanes[d.resource].polyline.front());
      else if (d.value == static_cast<int64_t>(twin::EquipmentRef::Kind::GuideVehicle))
        a.where = layout.world(d.site, spec.fleet.depot);
    } else {  // a declaration mismatch: at gate-in
      int gate = spec.checkpoint_index(twin::CheckpointKind::GateIn);
      if (gate >= 0) a.where = layout.world(d.site, spec.checkpoints[gate].positions.front());
    }
    add(std::move(a));
  }
}

}  // namespace controlroom
