// SiteRoads: the road network of one site, from its spec: a trunk from the holding yard past
// gate-in and the scanners to the lanes, a loop off it to each station that stands aside, a
// spur to each yard; and the routes vehicles drive on it from one place to the next (a
// truck leaves its server through the gap between the booths, goes along the trunk, and
// reaches the next place by that place's way in). The scene draws the ribbons and moves
// vehicles along the routes. Pure geometry in site metres: it must not read the state.
#pragma once
#include "twin/site.h"

#include <glm/vec2.hpp>

#include <cstddef>
#include <vector>

namespace controlroom {

struct RoadRibbon {
  std::vector<glm::vec2> points;
  float width_m = 12;
  float height_m = 0.025f;
};

// A checkpoint as the roads see it: its column of servers and where its queue forms.
struct StationRoads {
  float x = 0, mid = 0;          // the servers' column and its middle
  float lo = 0, hi = 0;          // the column's ends (y)
  float spacing = 8;             // between neighbouring servers (y)
  bool on_trunk = true;          // stands across the trunk (gate-in, scanners)
  glm::vec2 head{0};             // the queue's head, as the scene draws it
  glm::vec2 dir{1, 0};           // the way its queue faces (release: west)
  float edge = 20;               // the trunk's edge on the station's side (loops start there)
  bool booths = false;           // a booth stands 6 m ahead of each server (all but scanner portals)
  float pass_y = 0;              // on the trunk: where a truck passes the station between its booths
};

class SiteRoads {
 public:
  static constexpr float kTrunkY = 0, kTrunkHalfWidth = 20, kWestX = -240, kEastX = 390;
  static constexpr float kOutsideM = 60;  // where vehicles come from and go to, beyond the trunk's ends

  explicit SiteRoads(const twin::SiteSpec& spec);

  const std::vector<RoadRibbon>& ribbons() const { return ribbons_; }
  const twin::SiteSpec& spec() const { return spec_; }  // the site these roads were built for
  const StationRoads& station(size_t k) const { return stations_[k]; }

  // The ways between a place and the trunk, both written from the place to a point on the
  // trunk's centre line (y = kTrunkY), in driving order for leaving; a way in is driven in
  // reverse. Appended to out.
  void way_out_of_server(size_t k, glm::vec2 server, std::vector<glm::vec2>& out) const;
  void way_from_queue_to_server(size_t k, glm::vec2 spot, glm::vec2 server, std::vector<glm::vec2>& out) const;
  void way_of_spot(glm::vec2 spot, std::vector<glm::vec2>& out) const;  // a queue spot, staging, yard slot, lane end
  // A spot of checkpoint k's queue: by the station's loop when it stands aside.
  void way_of_queue_spot(size_t k, glm::vec2 spot, std::vector<glm::vec2>& out) const;

  // The route from a place to another (each given by its way to the trunk, from the place
  // outwards): a's way, the trunk between the two joins (passing a station that stands across
  // it between its booths), b's way reversed. Appended to out.
  void join(const std::vector<glm::vec2>& a_way, const std::vector<glm::vec2>& b_way, std::vector<glm::vec2>& out) const;

 private:
  const twin::SiteSpec& spec_;
  std::vector<StationRoads> stations_;
  std::vector<RoadRibbon> ribbons_;
};

// Length of a polyline, and the point and heading a distance along it (clamped to its ends).
float polyline_length(const std::vector<glm::vec2>& pts);
glm::vec2 point_along(const std::vector<glm::vec2>& pts, float distance_m, float* yaw_rad);

}  // namespace controlroom
