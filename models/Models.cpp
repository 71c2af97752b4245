// Models: truck, reefer container, guide vehicle, scanner portal, booth, barrier, built from
// boxes and cylinders. Vertex colours are near white where the app's instance colour should
// show (bodies, containers) and dark for tyres, glass and machinery.
#include "models/Models.h"

#include "models/MeshBuilder.h"

namespace models {
namespace {

const Vec3 kBody{0.95f, 0.95f, 0.95f};
const Vec3 kTyre{0.10f, 0.10f, 0.11f};
const Vec3 kChassis{0.22f, 0.22f, 0.24f};
const Vec3 kGlass{0.12f, 0.17f, 0.24f};
const Vec3 kSteel{0.55f, 0.57f, 0.60f};
const Vec3 kAmber{1.00f, 0.72f, 0.10f};
const Vec3 kRed{0.85f, 0.10f, 0.08f};

void wheelsAt(MeshBuilder& m, float x, float half_track, float r) {
  m.cylinderZ({x, r, half_track}, r, 0.16f, kTyre);
  m.cylinderZ({x, r, -half_track}, r, 0.16f, kTyre);
}

// Tractor unit with a 40 ft container on a skeletal trailer: 16.5 m x 2.5 m x 4.0 m.
std::string truck() {
  MeshBuilder m;
  const float r = 0.52f;
  m.box({-8.25f, 0.95f, -1.05f}, {6.2f, 1.25f, 1.05f}, kChassis);       // trailer + tractor frame
  m.box({-8.25f, 1.25f, -1.22f}, {3.95f, 3.85f, 1.22f}, kBody);         // 40 ft container
  for (int i = 0; i < 11; ++i) {                                         // container ribs
    float x = -7.75f + i * 1.1f;
    m.box({x, 1.35f, -1.26f}, {x + 0.12f, 3.75f, 1.26f}, {0.80f, 0.80f, 0.80f});
  }
  m.box({5.75f, 1.05f, -1.25f}, {8.25f, 3.95f, 1.25f}, kBody);          // cab
  m.box({8.25f, 2.55f, -1.10f}, {8.30f, 3.55f, 1.10f}, kGlass);         // windscreen
  m.box({6.2f, 2.55f, -1.27f}, {7.6f, 3.45f, 1.27f}, kGlass);           // side windows
  m.box({8.25f, 0.55f, -1.25f}, {8.40f, 1.05f, 1.25f}, kChassis);       // bumper
  m.box({4.6f, 1.25f, -1.0f}, {5.7f, 1.45f, 1.0f}, kSteel);             // fifth wheel
  for (float x : {-7.1f, -5.95f, -4.8f}) wheelsAt(m, x, 1.0f, r);       // trailer axles
  for (float x : {4.2f, 5.35f, 7.4f}) wheelsAt(m, x, 1.0f, r);          // tractor axles
  MeshBuilder s;  // middle distance: no ribs, wheels as blocks
  s.box({-8.25f, 0.95f, -1.05f}, {6.2f, 1.25f, 1.05f}, kChassis);
  s.box({-8.25f, 1.25f, -1.22f}, {3.95f, 3.85f, 1.22f}, kBody);
  s.box({5.75f, 1.05f, -1.25f}, {8.25f, 3.95f, 1.25f}, kBody);
  s.box({8.25f, 2.55f, -1.10f}, {8.30f, 3.55f, 1.10f}, kGlass);
  s.box({-7.62f, 0.0f, -1.16f}, {-4.28f, 1.04f, 1.16f}, kTyre);
  s.box({3.68f, 0.0f, -1.16f}, {7.92f, 1.04f, 1.16f}, kTyre);
  return m.gltf("truck", &s);
}

// 40 ft reefer container (12.19 x 2.44 x 2.59 m) with its refrigeration unit at the +X end.
std::string reefer() {
  MeshBuilder m;
  m.box({-6.095f, 0.0f, -1.22f}, {6.0f, 2.59f, 1.22f}, kBody);
  for (int i = 0; i < 14; ++i) {
    float x = -5.7f + i * 0.82f;
    m.box({x, 0.12f, -1.25f}, {x + 0.1f, 2.47f, 1.25f}, {0.85f, 0.85f, 0.85f});
  }
  m.box({6.0f, 0.0f, -1.22f}, {6.095f, 2.59f, 1.22f}, kSteel);          // unit frame
  m.box({6.095f, 0.9f, -0.9f}, {6.13f, 2.2f, 0.9f}, kChassis);          // condenser grille
  m.box({6.095f, 0.2f, 0.95f}, {6.14f, 0.7f, 1.15f}, kAmber);           // control panel
  MeshBuilder s;  // middle distance: body and unit
  s.box({-6.095f, 0.0f, -1.22f}, {6.0f, 2.59f, 1.22f}, kBody);
  s.box({6.0f, 0.0f, -1.22f}, {6.095f, 2.59f, 1.22f}, kSteel);
  return m.gltf("reefer", &s);
}

// Unmanned guide vehicle: a low 3.0 x 1.6 m platform with a sensor mast and light bar.
std::string guideVehicle() {
  MeshBuilder m;
  const float r = 0.28f;
  m.box({-1.5f, 0.22f, -0.8f}, {1.5f, 0.75f, 0.8f}, kBody);
  m.box({0.9f, 0.75f, -0.6f}, {1.4f, 1.05f, 0.6f}, kChassis);           // sensor housing
  m.box({1.4f, 0.35f, -0.7f}, {1.52f, 0.6f, 0.7f}, kGlass);             // front lidar
  m.cylinderY({-0.9f, 0.75f, 0.0f}, 0.08f, 0.75f, kSteel);               // mast
  m.box({-1.2f, 1.5f, -0.5f}, {-0.6f, 1.62f, 0.5f}, kAmber);            // light bar
  for (float x : {-1.0f, 1.0f}) wheelsAt(m, x, 0.7f, r);
  MeshBuilder s;  // middle distance: body, housing, light bar, wheels as a block
  s.box({-1.5f, 0.22f, -0.8f}, {1.5f, 0.75f, 0.8f}, kBody);
  s.box({0.9f, 0.75f, -0.6f}, {1.4f, 1.05f, 0.6f}, kChassis);
  s.box({-1.2f, 1.5f, -0.5f}, {-0.6f, 1.62f, 0.5f}, kAmber);
  s.box({-1.28f, 0.0f, -0.86f}, {1.28f, 0.5f, 0.86f}, kTyre);
  return m.gltf("guide_vehicle", &s);
}

// Drive-through scanner portal: two columns and a beam, 7.2 m wide, 6.5 m high, lane along X.
std::string scannerPortal() {
  MeshBuilder m;
  m.box({-0.8f, 0.0f, 2.7f}, {0.8f, 6.0f, 3.6f}, kBody);                // column +Z
  m.box({-0.8f, 0.0f, -3.6f}, {0.8f, 6.0f, -2.7f}, kBody);              // column -Z
  m.box({-0.8f, 6.0f, -3.6f}, {0.8f, 6.5f, 3.6f}, kBody);               // beam
  m.box({-0.82f, 5.6f, -2.7f}, {0.82f, 6.0f, 2.7f}, kChassis);          // detector array
  m.box({-0.85f, 6.1f, -3.0f}, {0.85f, 6.35f, 3.0f}, kAmber);           // warning band
  m.box({-0.4f, 0.0f, 3.6f}, {0.4f, 2.4f, 4.4f}, kSteel);               // source housing
  return m.gltf("scanner_portal");
}

// Control booth: 2.5 x 2.0 m cabin, windows all round, flat roof with an overhang.
std::string booth() {
  MeshBuilder m;
  m.box({-1.25f, 0.0f, -1.0f}, {1.25f, 2.6f, 1.0f}, kBody);
  m.box({-1.27f, 1.2f, -0.85f}, {1.27f, 2.2f, 0.85f}, kGlass);          // windows X sides
  m.box({-1.1f, 1.2f, -1.02f}, {1.1f, 2.2f, 1.02f}, kGlass);            // windows Z sides
  m.box({-1.55f, 2.6f, -1.3f}, {1.55f, 2.8f, 1.3f}, kSteel);            // roof
  m.box({-0.35f, 0.0f, 1.0f}, {0.35f, 2.0f, 1.03f}, kChassis);          // door
  return m.gltf("booth");
}

// Boom barrier: a post with a motor housing and a 5 m striped arm along +Z.
std::string barrier() {
  MeshBuilder m;
  m.box({-0.25f, 0.0f, -0.25f}, {0.25f, 1.1f, 0.25f}, kBody);           // housing
  m.box({-0.3f, 0.0f, -0.3f}, {0.3f, 0.08f, 0.3f}, kChassis);           // base plate
  for (int i = 0; i < 10; ++i) {
    float z = 0.25f + i * 0.5f;
    m.box({-0.06f, 0.92f, z}, {0.06f, 1.04f, z + 0.5f}, i % 2 ? kBody : kRed);
  }
  m.box({-0.1f, 0.0f, 5.0f}, {0.1f, 0.92f, 5.12f}, kSteel);              // rest post
  return m.gltf("barrier");
}

// Canopy over a checkpoint's lane: a flat roof 10 m along the lane (X) and 4.6 m across
// (Z) at 5.6 m on four columns, with a fascia band; one per server, side by side.
std::string canopy() {
  MeshBuilder m;
  m.box({-5.0f, 5.6f, -2.3f}, {5.0f, 6.0f, 2.3f}, kSteel);             // roof
  m.box({-5.05f, 5.45f, -2.32f}, {5.05f, 5.6f, 2.32f}, kAmber);          // fascia
  for (float x : {-4.6f, 4.6f})
    for (float z : {-2.0f, 2.0f}) m.box({x - 0.15f, 0.0f, z - 0.15f}, {x + 0.15f, 5.45f, z + 0.15f}, kChassis);  // columns
  return m.gltf("canopy");
}

}  // namespace

std::map<std::string, std::string> generateAll() {
  return {{"truck.gltf", truck()},
          {"reefer.gltf", reefer()},
          {"guide_vehicle.gltf", guideVehicle()},
          {"scanner_portal.gltf", scannerPortal()},
          {"booth.gltf", booth()},
          {"barrier.gltf", barrier()},
          {"canopy.gltf", canopy()}};
}

}  // namespace models
