// gatebench render: frame cost of the engine with 1,000 / 10,000 / 100,000 vehicle
// instances, offscreen. Prints per count: CPU time to build the frame (Renderer::endFrame:
// culling, level of detail, buffer fill, recording, submit), GPU frame time (timestamp
// queries), whole-frame wall time and rate, and the draw-call count. No thresholds: the
// goals (docs/engine.md) are read from the figures.
#include "bench/benches.h"

#include <engine/Renderer.h>

#include <imgui.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

namespace bench {
namespace {

void usageRender() {
  std::printf(
      "usage: gatebench render [options]\n"
      "  --counts A,B,..  vehicle counts (default 1000,10000,100000)\n"
      "  --frames N       measured frames per count (default 40)\n"
      "  --size WxH       offscreen size (default 1280x720)\n"
      "  --device NAME    Vulkan device name substring (default: env GATETWIN_VK_DEVICE,\n"
      "                   else the first discrete GPU, else lavapipe)\n"
      "  --validation     enable the validation layer (slower; for checking, not timing)\n"
      "  --png PATH       save the last frame of each count as PATH-<count>.png\n"
      "  --assets DIR     folder with the .gltf meshes (default: assets/meshes here or\n"
      "                   above the executable)\n"
      "  --distance M     camera distance from the yard centre (default 260; larger sees more)\n");
}

// assets/meshes under the working directory, else under a parent of the executable's
// folder (build/tools/gatebench/gatebench -> the source tree), so it runs from anywhere.
std::string findAssets() {
  namespace fs = std::filesystem;
  if (fs::exists("assets/meshes/truck.gltf")) return "assets/meshes";
  std::error_code ec;
  fs::path dir = fs::read_symlink("/proc/self/exe", ec).parent_path();
  for (int up = 0; up < 5 && !ec && !dir.empty(); ++up, dir = dir.parent_path())
    if (fs::exists(dir / "assets/meshes/truck.gltf")) return (dir / "assets/meshes").string();
  return "assets/meshes";
}

double mean(const std::vector<double>& v) {
  double s = 0;
  for (double x : v) s += x;
  return v.empty() ? 0.0 : s / double(v.size());
}

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0.0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, size_t(p * double(v.size() - 1) + 0.5))];
}

}  // namespace

int bench_render(int argc, char** argv) {
  std::vector<int> counts = {1000, 10000, 100000};
  int frames = 40;
  uint32_t width = 1280, height = 720;
  std::string png, assets = findAssets();
  float distance_m = 260.0f;
  engine::RendererConfig cfg;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "gatebench render: %s needs a value\n", a.c_str());
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--help" || a == "-h") {
      usageRender();
      return 0;
    } else if (a == "--counts") {
      counts.clear();
      std::string s = next();
      for (size_t p = 0; p < s.size();) {
        size_t q = s.find(',', p);
        counts.push_back(std::atoi(s.substr(p, q - p).c_str()));
        p = q == std::string::npos ? s.size() : q + 1;
      }
    } else if (a == "--frames") {
      frames = std::max(1, std::atoi(next().c_str()));
    } else if (a == "--size") {
      std::string s = next();
      if (std::sscanf(s.c_str(), "%ux%u", &width, &height) != 2) {
        usageRender();
        return 2;
      }
    } else if (a == "--device") {
      cfg.device.device_name = next();
    } else if (a == "--validation") {
      cfg.device.validation = true;
    } else if (a == "--png") {
      png = next();
    } else if (a == "--assets") {
      assets = next();
    } else if (a == "--distance") {
      distance_m = float(std::atof(next().c_str()));
    } else {
      std::fprintf(stderr, "gatebench render: unknown option %s\n", a.c_str());
      usageRender();
      return 2;
    }
  }
  cfg.width = width;
  cfg.height = height;
  cfg.vsync = false;

  engine::Renderer r(cfg);
  const char* kinds[] = {"truck", "reefer", "guide_vehicle"};
  std::vector<engine::MeshId> mesh;
  for (const char* k : kinds) mesh.push_back(r.meshes().load(assets + "/" + k + ".gltf"));
  const engine::MeshId portal = r.meshes().load(assets + "/scanner_portal.gltf");

  std::printf("gatebench render: device %s, %ux%u offscreen, %d frames per count%s\n",
              r.device().name().c_str(), width, height, frames,
              r.device().validationEnabled() ? ", validation ON (timings not representative)" : "");

  // One fixed camera over the middle of the yard; the yard grows with the count, so larger
  // crowds are mostly distant (box level of detail) or outside the view (culled).
  engine::Camera cam;
  engine::CameraPose pose;
  pose.target = {0, 0, 0};
  pose.yaw_deg = 20.0f;
  pose.pitch_deg = 30.0f;
  pose.distance_m = distance_m;
  cam.setPose(pose);
  std::printf("camera: target at the yard centre, yaw %.0f, pitch %.0f, distance %.0f m\n",
              pose.yaw_deg, pose.pitch_deg, cam.pose().distance_m);
  std::printf("%9s %9s %9s %9s %9s %7s %6s %7s %7s %7s %7s\n", "vehicles", "cpu_ms", "cpu_p95",
              "gpu_ms", "frame_ms", "fps", "draws", "full", "mid", "box", "culled");

  for (int count : counts) {
    // Vehicles in lanes along X, 20 m apart, lanes 6 m apart, a mix of the three kinds.
    const int cols = std::max(1, int(std::ceil(std::sqrt(double(count) * 4.0))));
    std::vector<engine::Instance> per_kind[3];
    for (int i = 0; i < count; ++i) {
      int c = i % cols, row = i / cols;
      int rows = (count + cols - 1) / cols;
      glm::vec3 p((c - cols * 0.5f) * 20.0f, 0.0f, (row - rows * 0.5f) * 6.0f);
      int kind = (i * 7 + row) % 10 < 6 ? 0 : (i % 10 < 8 ? 1 : 2);
      float hue = float((i * 37) % 100) / 100.0f;
      uint32_t colour = engine::rgba8(0.3f + 0.6f * hue, 0.4f, 0.9f - 0.6f * hue);
      const engine::InstanceId id{uint32_t(i + 1)};
      per_kind[kind].push_back(engine::Instance::at(p, 0.0f, colour, id,
                                                    i % 97 == 0 ? uint32_t(engine::kInstanceHighlight) : 0u));
    }
    std::vector<engine::Instance> portals;
    for (int i = 0; i < 8; ++i)
      portals.push_back(engine::Instance::at({-70.0f + i * 20.0f, 0, 40.0f}, 0.0f,
                                             engine::rgba8(0.9f, 0.9f, 0.9f),
                                             engine::InstanceId{uint32_t(count + 1 + i)}));
    const glm::vec3 border[] = {{-400, 0, 60}, {0, 0, 70}, {400, 0, 55}};

    std::vector<double> cpu, gpu, wall;
    engine::FrameStats last{};
    const int warmup = 3;
    for (int f = 0; f < warmup + frames; ++f) {
      auto t0 = std::chrono::steady_clock::now();
      if (!r.beginFrame()) continue;
      r.setCamera(cam);
      for (int k = 0; k < 3; ++k) r.drawInstances(mesh[k], per_kind[k]);
      r.drawInstances(portal, portals);
      r.drawPolyline(border, 1.0f, engine::rgba8(0.85f, 0.1f, 0.1f));
      r.drawLabel({0, 8, 40}, "portals");
      ImGui::Begin("bench");
      ImGui::Text("%d vehicles", count);
      ImGui::End();
      r.endFrame();
      auto t1 = std::chrono::steady_clock::now();
      if (f >= warmup) {
        cpu.push_back(r.stats().cpu_build_ms);
        wall.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
        // gpu_ms is the most recent finished frame (two frames behind); -1 before the first.
        if (r.stats().gpu_ms >= 0) gpu.push_back(r.stats().gpu_ms);
      }
      last = r.stats();
    }
    r.finish();
    double frame_ms = mean(wall);
    std::printf("%9d %9.3f %9.3f %9.2f %9.2f %7.1f %6u %7u %7u %7u %7u\n", count, mean(cpu),
                percentile(cpu, 0.95), gpu.empty() ? -1.0 : mean(gpu), frame_ms,
                frame_ms > 0 ? 1000.0 / frame_ms : 0.0, last.draw_calls, last.instances_full,
                last.instances_mid, last.instances_lod, last.instances_culled);
    std::fflush(stdout);
    if (!png.empty()) r.saveScreenshot(png + "-" + std::to_string(count) + ".png");
  }
  if (r.device().validationEnabled())
    std::printf("validation messages so far: %d\n", engine::Device::validationMessageCount());
  std::printf("(cpu_ms: Renderer::endFrame on the CPU; gpu_ms: timestamp queries around the "
              "frame's commands; frame_ms: beginFrame to endFrame wall time incl. waiting for the "
              "GPU; draws: scene draw calls, ImGui not counted)\n");
  return 0;
}

}  // namespace bench
