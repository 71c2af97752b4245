// EngineTestKit: what the engine tests share: a validated lavapipe offscreen config, the
// two fixed golden scenes, and the golden-image comparison (tolerance, diff images,
// GATETWIN_UPDATE_GOLDEN=1 to rewrite references). It must not assert; tests do.
#pragma once

#include <engine/Renderer.h>

#include <string>
#include <vector>

namespace enginetest {

// Golden tolerance, per image (tests/golden/README.md has the measurements behind each):
// a pixel differs when any channel differs by more than `channel` (of 255); a comparison
// fails when more than `max_pixels` pixels differ. An image without an entry gets the
// strictest one (channel 0, no pixel).
struct GoldenTolerance {
  int channel = 0;
  size_t max_pixels = 0;
};
GoldenTolerance goldenTolerance(const std::string& name);

// Offscreen, validation on, on lavapipe ("llvmpipe") unless GATETWIN_VK_DEVICE names another.
engine::RendererConfig testConfig(uint32_t width, uint32_t height);

// Paths.
std::string sourcePath(const std::string& rel);  // under the source tree
std::string outputDir();                         // build/test-output/engine, created

// The instances of the mesh scene, with the id each carries and a world point on it that
// is visible in the golden camera view (for picking).
struct Placed {
  std::string mesh;
  engine::Instance instance;
  glm::vec3 probe;  // world point expected to show this instance
};

struct MeshScene {
  std::vector<engine::MeshId> ids;  // by name order of kMeshNames
  std::vector<Placed> placed;
  engine::Camera camera;
};

extern const char* const kMeshNames[6];

// Loads the six project meshes into r and lays out one of each plus a highlighted and a
// dimmed truck.
MeshScene loadMeshScene(engine::Renderer& r);
// Submits the mesh scene (between beginFrame and endFrame).
void drawMeshScene(engine::Renderer& r, const MeshScene& s);
// Submits the overlay scene: lanes, a closed polyline, a border line, two labels and an
// ImGui window.
void drawOverlayScene(engine::Renderer& r);

struct CompareResult {
  bool ok = false;
  bool updated = false;  // reference rewritten (GATETWIN_UPDATE_GOLDEN=1)
  size_t differing = 0;       // pixels beyond the image's channel tolerance
  size_t differing_any = 0;   // pixels with any channel different at all
  size_t total = 0;
  int max_channel_diff = 0;
  GoldenTolerance tolerance;
  std::string message;
};
// Compares img with tests/golden/<name>.png; on failure writes <name>_actual.png and
// <name>_diff.png (differing pixels red over a dimmed copy) into outputDir().
CompareResult compareGolden(const engine::RgbaImage& img, const std::string& name);

}  // namespace enginetest
