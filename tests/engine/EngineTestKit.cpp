// EngineTestKit: shared scenes and golden comparison for the engine tests. No assertions.
#include "EngineTestKit.h"

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>

namespace enginetest {

using engine::Instance;
using engine::rgba8;

const char* const kMeshNames[6] = {"truck", "reefer", "guide_vehicle", "scanner_portal", "booth",
                                   "barrier"};

engine::RendererConfig testConfig(uint32_t width, uint32_t height) {
  engine::RendererConfig cfg;
  cfg.width = width;
  cfg.height = height;
  cfg.windowed = false;
  cfg.device.validation = true;
  cfg.lod_detail_pixels = 60.0f;  // full detail for the golden scenes' small images
  const char* env = std::getenv("GATETWIN_VK_DEVICE");
  cfg.device.device_name = env && *env ? env : "llvmpipe";
  return cfg;
}

std::string sourcePath(const std::string& rel) { return std::string(GATETWIN_SOURCE_DIR) + "/" + rel; }

std::string outputDir() {
  std::string d = std::string(GATETWIN_BINARY_DIR) + "/test-output/engine";
  std::filesystem::create_directories(d);
  return d;
}

MeshScene loadMeshScene(engine::Renderer& r) {
  MeshScene s;
  for (const char* n : kMeshNames)
    s.ids.push_back(r.meshes().load(sourcePath(std::string("assets/meshes/") + n + ".gltf")));
  auto place = [&](const char* mesh, glm::vec3 pos, float yaw_deg, uint32_t colour, uint32_t id,
                   uint32_t flags, glm::vec3 local_probe) {
    Instance in = Instance::at(pos, glm::radians(yaw_deg), colour, engine::InstanceId{id}, flags);
    glm::vec3 probe(glm::dot(glm::vec3(in.rows[0]), local_probe) + in.rows[0].w,
                    glm::dot(glm::vec3(in.rows[1]), local_probe) + in.rows[1].w,
                    glm::dot(glm::vec3(in.rows[2]), local_probe) + in.rows[2].w);
    s.placed.push_back({mesh, in, probe});
  };
  // A lane along X: the portal straddles it, a truck drives through, a reefer waits beside.
  place("truck", {2.0f, 0, 0}, 0.0f, rgba8(0.20f, 0.45f, 0.85f), 1, 0, {-2.0f, 2.6f, 0.0f});
  place("reefer", {0.0f, 0, 9.0f}, 0.0f, rgba8(1, 1, 1), 2, 0, {0.0f, 1.3f, 0.0f});
  place("guide_vehicle", {14.0f, 0, 4.5f}, 180.0f, rgba8(0.95f, 0.85f, 0.30f), 3, 0, {0.0f, 0.5f, 0.0f});
  place("scanner_portal", {-12.0f, 0, 0}, 0.0f, rgba8(0.85f, 0.88f, 0.92f), 4, 0, {0.0f, 3.0f, 3.15f});
  place("booth", {-12.0f, 0, -7.0f}, 0.0f, rgba8(0.95f, 0.95f, 0.90f), 5, 0, {0.0f, 0.6f, 0.0f});
  place("barrier", {-20.0f, 0, -2.5f}, 0.0f, rgba8(1, 1, 1), 6, 0, {0.0f, 0.5f, 0.0f});
  place("truck", {3.0f, 0, -9.0f}, 0.0f, rgba8(0.80f, 0.25f, 0.20f), 7, engine::kInstanceHighlight,
        {-2.0f, 2.6f, 0.0f});
  place("truck", {24.0f, 0, -3.0f}, 90.0f, rgba8(0.30f, 0.70f, 0.35f), 8, engine::kInstanceDim,
        {0.0f, 2.6f, 0.0f});
  engine::CameraPose pose;
  pose.target = {1.0f, 0.0f, 0.0f};
  pose.yaw_deg = 30.0f;
  pose.pitch_deg = 32.0f;
  pose.distance_m = 48.0f;
  s.camera.setPose(pose);
  return s;
}

void drawMeshScene(engine::Renderer& r, const MeshScene& s) {
  r.setCamera(s.camera);
  for (size_t m = 0; m < s.ids.size(); ++m)
    for (const Placed& p : s.placed)
      if (p.mesh == kMeshNames[m]) r.drawInstances(s.ids[m], {&p.instance, 1});
}

void drawOverlayScene(engine::Renderer& r) {
  // Lane edges (white) and centre line (yellow), a closed yard outline (orange), the border
  // line (red) with a kink.
  for (float z : {-2.0f, 2.0f})
    r.drawLine({-30.0f, 0.0f, z}, {30.0f, 0.0f, z}, 0.25f, rgba8(0.95f, 0.95f, 0.95f));
  for (int i = 0; i < 10; ++i) {
    float x = -30.0f + i * 6.0f;
    r.drawLine({x, 0.0f, 0.0f}, {x + 3.0f, 0.0f, 0.0f}, 0.2f, rgba8(1.0f, 0.85f, 0.1f));
  }
  const glm::vec3 yard[] = {{-8, 0, 5}, {10, 0, 5}, {12, 0, 13}, {-6, 0, 14}};
  r.drawPolyline(yard, 0.4f, rgba8(1.0f, 0.55f, 0.1f), true);
  const glm::vec3 border[] = {{-20, 0, -16}, {-5, 0, -13}, {5, 0, -15}, {22, 0, -11}};
  r.drawPolyline(border, 0.8f, rgba8(0.85f, 0.1f, 0.1f));
  r.drawLabel({-12.0f, 6.6f, 0.0f}, "Portal A", rgba8(1, 1, 1));
  r.drawLabel({2.0f, 4.2f, 0.0f}, "TRK-0001", rgba8(1.0f, 0.9f, 0.4f));
  ImGui::SetNextWindowPos(ImVec2(282, 172), ImGuiCond_Always);
  ImGui::SetNextWindowSize(ImVec2(190, 90), ImGuiCond_Always);
  ImGui::Begin("Status", nullptr, ImGuiWindowFlags_NoCollapse);
  ImGui::Text("Vehicles: %d", 42);
  ImGui::Text("Lane 1: open");
  ImGui::ProgressBar(0.6f, ImVec2(-1, 0), "60%");
  ImGui::End();
}

GoldenTolerance goldenTolerance(const std::string& name) {
  // Measured in tests/golden/README.md; keep the two in step.
  struct Entry {
    const char* name;
    GoldenTolerance tol;
  };
  static const Entry kTable[] = {
      {"meshes", {2, 8}},
      {"overlay", {2, 8}},
      {"crowd_lod", {2, 8}},
      {"app_both_sites", {2, 16}},
      {"app_window_both", {2, 16}},
      {"app_guide_vehicles", {2, 16}},
      {"app_wall_1080", {2, 32}},
      {"app_wall_2160", {2, 64}},
      {"console_en", {2, 24}},
      {"console_vi", {2, 24}},
  };
  for (const Entry& e : kTable)
    if (name == e.name) return e.tol;
  return {};
}

CompareResult compareGolden(const engine::RgbaImage& img, const std::string& name) {
  CompareResult res;
  const std::string ref_path = sourcePath("tests/golden/" + name + ".png");
  const char* update = std::getenv("GATETWIN_UPDATE_GOLDEN");
  if (update && std::string(update) == "1") {
    res.ok = engine::Screenshot::savePng(ref_path, img);
    res.updated = true;
    res.message = "rewrote " + ref_path;
    return res;
  }
  engine::RgbaImage ref = engine::Screenshot::loadPng(ref_path);
  const std::string out = outputDir();
  if (ref.width != img.width || ref.height != img.height) {
    engine::Screenshot::savePng(out + "/" + name + "_actual.png", img);
    res.message = "reference " + ref_path + " missing or of another size (" +
                  std::to_string(ref.width) + "x" + std::to_string(ref.height) + " vs " +
                  std::to_string(img.width) + "x" + std::to_string(img.height) + ")";
    return res;
  }
  engine::RgbaImage diff = img;
  res.tolerance = goldenTolerance(name);
  res.total = size_t(img.width) * img.height;
  for (size_t i = 0; i < res.total; ++i) {
    int worst = 0;
    for (int c = 0; c < 3; ++c)
      worst = std::max(worst, std::abs(int(img.pixels[i * 4 + c]) - int(ref.pixels[i * 4 + c])));
    res.max_channel_diff = std::max(res.max_channel_diff, worst);
    if (worst > 0) ++res.differing_any;
    uint8_t* d = &diff.pixels[i * 4];
    if (worst > res.tolerance.channel) {
      ++res.differing;
      d[0] = 255, d[1] = 0, d[2] = 0;
    } else {
      for (int c = 0; c < 3; ++c) d[c] = static_cast<uint8_t>(d[c] / 4);
    }
    d[3] = 255;
  }
  res.ok = res.differing <= res.tolerance.max_pixels;
  res.message = name + ": " + std::to_string(res.differing) + " of " + std::to_string(res.total) +
                " pixels differ by more than " + std::to_string(res.tolerance.channel) + " (at most " +
                std::to_string(res.tolerance.max_pixels) + " may); " + std::to_string(res.differing_any) +
                " differ at all, max channel difference " + std::to_string(res.max_channel_diff);
  std::printf("golden %s\n", res.message.c_str());
  if (!res.ok) {
    engine::Screenshot::savePng(out + "/" + name + "_actual.png", img);
    engine::Screenshot::savePng(out + "/" + name + "_diff.png", diff);
    res.message += "; wrote " + out + "/" + name + "_actual.png and _diff.png";
  }
  return res;
}

}  // namespace enginetest
