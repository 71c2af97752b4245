// SiteSpec helpers: derived geometry and look-ups. No loading here (connectors/files).
#include "twin/site.h"

#include <glm/geometric.hpp>

#include <cmath>

namespace twin {

void derive(SiteSpec& site) {
  for (LaneSpec& lane : site.lanes) {
    double len = 0;
    for (size_t i = 1; i < lane.polyline.size(); ++i) len += glm::length(lane.polyline[i] - lane.polyline[i - 1]);
    lane.length_m = len;
    const double seg = site.fleet.segment_length_m > 0 ? site.fleet.segment_length_m : 100.0;
    lane.segments = std::max(1, static_cast<int>(std::ceil(len / seg - 1e-9)));
  }
}

int SiteSpec::checkpoint_index(CheckpointKind k) const {
  for (size_t i = 0; i < checkpoints.size(); ++i)
    if (checkpoints[i].kind == k) return static_cast<int>(i);
  return -1;
}

int SiteSpec::yard_index(YardKind k) const {
  for (size_t i = 0; i < yards.size(); ++i)
    if (yards[i].kind == k) return static_cast<int>(i);
  return -1;
}

int SiteSpec::goods_index(const std::string& gid) const {
  for (size_t i = 0; i < goods.size(); ++i)
    if (goods[i].id == gid) return static_cast<int>(i);
  return -1;
}

int SiteSpec::lane_index(const std::string& lid) const {
  for (size_t i = 0; i < lanes.size(); ++i)
    if (lanes[i].id == lid) return static_cast<int>(i);
  return -1;
}

}  // namespace twin
