// gatebench frame: the control room's whole frame (drain inputs, apply, publish, KPI
// samples, scene, panels, render) offscreen on lavapipe, with both sites at 2030 load from
// 10:00 plus a harvest-season queue of 3,000 waiting fruit trucks: the console at
// 1920x1080 and the wall at 3840x2160 (or one of them: --view V --size WxH). Prints frames
// per second, frame time p50 / p99, the CPU time to build a frame (this thread's CPU in
// the frame: scene, panels, culling, recording; not the rasteriser's threads), and the
// longest input step (the part that would block on MQTT or SQLite if anything did: both
// sit behind bounded queues). Anti-aliasing as the app draws (kAppFxaa, kAppMsaaSamples)
// unless --aa fxaa|msaa|off / --msaa N say otherwise (as gatetwin's flags). --screenshot
// FILE.png writes each case's last frame to FILE-<view>.png, to see what was measured.
#include "bench/benches.h"

#include "controlroom/control_room.h"

#include "connectors/files/site_file.h"
#include "twin/run.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <sys/resource.h>
#include <time.h>

using namespace controlroom;
using namespace pipeline;

namespace bench {

namespace {

double thread_cpu_ms() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

// User plus system CPU of the whole process (every thread: lavapipe's rasteriser too), in
// ms: what the frame costs the machine, which other processes competing for the cores
// change far less than the wall-clock rate.
double process_cpu_ms() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  auto ms = [](const timeval& t) { return t.tv_sec * 1e3 + t.tv_usec / 1e3; };
  return ms(ru.ru_utime) + ms(ru.ru_stime);
}

// FILE.png -> FILE-<view>.png (empty: none).
std::string screenshot_path(const std::string& given, const std::string& view) {
  if (given.empty()) return {};
  const std::string stem = given.size() > 4 && given.compare(given.size() - 4, 4, ".png") == 0 ? given.substr(0, given.size() - 4) : given;
  return stem + "-" + view + ".png";
}

int frame_case(const std::string& view, int width, int height, int frames, int queue_trucks, uint32_t msaa,
               bool fxaa, uint32_t scene_pixels_max, const std::string& screenshot) {
  auto loaded = connectors::load_sites("all", connectors::default_sites_dir());
  if (auto* err = std::get_if<connectors::SiteFileError>(&loaded)) {
    std::fprintf(stderr, "gatebench: %s\n", err->message().c_str());
    return 1;
  }
  const auto sites = std::get<std::vector<twin::SiteSpec>>(loaded);
  // The field: a seeded 2030 day, with 3,000 fruit trucks arriving at m1119 at 10:00.
  twin::Core field(sites);
  twin::SimOptions opt;
  opt.seed = 7;
  for (const auto& s : field.sites()) opt.vehicles_per_day.push_back(s.arrivals.per_day_2030);
  twin::Simulator sim(field.sites(), opt);
  const uint8_t harvest_site = static_cast<uint8_t>(sites.size() - 1);
  const uint16_t fruit = static_cast<uint16_t>(std::max(0, sites[harvest_site].goods_index("fruit")));
  for (int i = 0; i < queue_trucks; ++i) {
    const twin::ShipmentId id{static_cast<uint32_t>(5000000 + i)};
    const std::string plate = "HV-" + std::to_string(i), container = "HRVU" + std::to_string(1000000 + i);
    const twin::SimTime t = 10 * twin::kHour - 30 * twin::kMinute + i * 100;
    sim.inject(t, harvest_site, twin::DeclarationFiled{id, twin::Direction::Export, fruit, true, true, plate, container});
    sim.inject(t, harvest_site, twin::PartnerDeclarationReceived{id, fruit, plate, container});
    sim.inject(t + 20 * twin::kMinute, harvest_site, twin::VehicleArrived{twin::Direction::Export, plate, container});
  }

  twin::Core core(sites);
  connectors::IngestQueue queue(1 << 18);
  pipeline::Sequencer sequencer{pipeline::SequencerLimits{}};
  FrameLoop loop(core, queue, sequencer, nullptr, nullptr);
  engine::RendererConfig rc;
  rc.width = width;
  rc.height = height;
  rc.msaa_samples = msaa;
  rc.fxaa = fxaa;
  rc.scene_pixels_max = scene_pixels_max;
  engine::Renderer renderer(rc);
  ControlRoomOptions ro;
  ro.view = view;
  ro.wall = view == "wall";  // as gatetwin (controlroom/app_hooks.cpp): the wall display
  ControlRoom room(core, loop, queue, nullptr, renderer, ro);
  auto feed_until = [&](twin::SimTime t) {
    twin::run_until(field, sim, t, [&](const twin::Event& e, const twin::Decisions&) {
      queue.push(connectors::FieldMessage{"field-sim", e.seq, e.time_ms, e.site, e.body, connectors::MessageClass::Ordered, "bench"});
    });
  };
  feed_until(10 * twin::kHour + 5 * twin::kMinute);
  room.update(0);  // fold the morning before timing frames
  // Untimed warm-up frames: lavapipe compiles its shader variants on first use.
  for (int f = 0; f < 3; ++f) room.frame(1);
  renderer.finish();

  using clock = std::chrono::steady_clock;
  std::vector<double> frame_ms, update_ms, build_cpu_ms;
  twin::SimTime sim_t = core.state().now_ms;
  const auto start = clock::now();
  const double cpu_start = process_cpu_ms();
  for (int f = 0; f < frames; ++f) {
    sim_t += 2 * twin::kSecond;  // the field runs at x60 against 30 frames a second
    feed_until(sim_t);
    const auto t0 = clock::now();
    room.update(f * 33);
    const auto t1 = clock::now();
    const double c0 = thread_cpu_ms();
    room.frame(f * 33 + 1);
    build_cpu_ms.push_back(thread_cpu_ms() - c0);
    const auto t2 = clock::now();
    update_ms.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
    frame_ms.push_back(std::chrono::duration<double, std::milli>(t2 - t0).count());
  }
  renderer.finish();
  const double total_s = std::chrono::duration<double>(clock::now() - start).count();
  const double process_ms_per_frame = (process_cpu_ms() - cpu_start) / frames;
  auto pct = [](std::vector<double> v, double p) {
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, static_cast<size_t>(p * v.size()))];
  };
  size_t vehicles = 0, queued = 0;
  for (const auto& s : core.state().sites)
    for (const auto& cp : s.checkpoints) queued += cp.queue.size();
  for (const auto& v : room.draw_list().instances) vehicles += v.size();
  if (room.wall()) vehicles = renderer.stats().instances_submitted;
  std::printf("bench frame: %dx%d offscreen (%s, MSAA x%u, FXAA %s), view %s, %d frames, both sites at 2030 load + %d queued trucks\n",
              width, height, renderer.device().name().c_str(), renderer.msaaSamples(), renderer.fxaa() ? "on" : "off",
              view.c_str(), frames, queue_trucks);
  std::printf("  instances drawn    %zu (checkpoint queues now %zu vehicles)\n", vehicles, queued);
  std::printf("  frames per second  %.1f\n", frames / total_s);
  std::printf("  frame time         p50 %.1f ms  p99 %.1f ms  (whole frame, update included)\n", pct(frame_ms, 0.5), pct(frame_ms, 0.99));
  std::printf("  frame build CPU    p50 %.2f ms  p99 %.2f ms  (this thread: scene, panels, culling, recording)\n",
              pct(build_cpu_ms, 0.5), pct(build_cpu_ms, 0.99));
  std::printf("  input step         p50 %.2f ms  p99 %.2f ms  max %.2f ms (drain, apply, KPI sample)\n", pct(update_ms, 0.5),
              pct(update_ms, 0.99), pct(update_ms, 1.0));
  std::printf("  GPU frame time     %.1f ms (last frame)\n", renderer.stats().gpu_ms);
  const engine::FrameStats& st = renderer.stats();
  std::printf("  process CPU        %.1f ms per frame (all threads, user+sys: field feed, frame build, rasteriser)\n",
              process_ms_per_frame);
  std::printf("  drawn              %u scene draws, %u ImGui draws; instances %u full, %u mid, %u box, %u culled; %u labels\n",
              st.draw_calls, st.imgui_draw_calls, st.instances_full, st.instances_mid, st.instances_lod, st.instances_culled,
              st.labels);
  std::printf("  scene pixels       %ux%u (1/%u of the target's size), render area %.0f %% of the target (panels cut out)\n",
              (width + st.scene_divisor - 1) / st.scene_divisor, (height + st.scene_divisor - 1) / st.scene_divisor,
              st.scene_divisor, 100.0 * st.scene_area_share);
  if (!screenshot.empty()) {
    if (!renderer.saveScreenshot(screenshot)) {
      std::fprintf(stderr, "gatebench frame: could not write the screenshot %s\n", screenshot.c_str());
      return 1;
    }
    std::printf("  screenshot         %s (the last frame)\n", screenshot.c_str());
  }
  return 0;
}

}  // namespace

int bench_frame(int argc, char** argv) {
  int frames = 0, width = 0, height = 0, queue_trucks = 3000;
  uint32_t msaa = kAppMsaaSamples;
  bool fxaa = kAppFxaa;
  std::string aa;
  int msaa_given = 0;
  uint32_t scene_pixels_max = kAppScenePixelsMax;
  std::string view, screenshot;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string f = argv[i];
    if (f == "--frames") frames = std::atoi(argv[i + 1]);
    else if (f == "--queue") queue_trucks = std::atoi(argv[i + 1]);
    else if (f == "--view") view = argv[i + 1];
    else if (f == "--msaa") msaa_given = std::atoi(argv[i + 1]);
    else if (f == "--aa") aa = argv[i + 1];
    else if (f == "--scene-pixels") scene_pixels_max = static_cast<uint32_t>(std::atol(argv[i + 1]));
    else if (f == "--screenshot") screenshot = argv[i + 1];
    else if (f == "--size" && std::sscanf(argv[i + 1], "%dx%d", &width, &height) != 2) {
      std::fprintf(stderr, "gatebench frame: --size takes WxH\n");
      return 2;
    }
  }
  // As gatetwin: --aa picks the method, --msaa N alone means --aa msaa with N samples.
  if (!aa.empty() && aa != "fxaa" && aa != "msaa" && aa != "off") {
    std::fprintf(stderr, "gatebench frame: --aa takes fxaa, msaa or off\n");
    return 2;
  }
  if (aa.empty() && msaa_given) aa = "msaa";
  if (!aa.empty()) {
    fxaa = aa == "fxaa";
    msaa = aa == "off" ? 1 : msaa_given ? uint32_t(msaa_given) : aa == "msaa" ? 4 : 1;
  }
  if (!view.empty())
    return frame_case(view, width ? width : view == "wall" ? 3840 : 1920, height ? height : view == "wall" ? 2160 : 1080,
                      frames ? frames : 300, queue_trucks, msaa, fxaa, scene_pixels_max, screenshot_path(screenshot, view));
  // The two cases (issue 14): the console at 1920x1080, the wall at 3840x2160.
  int code = frame_case("both", 1920, 1080, frames ? frames : 300, queue_trucks, msaa, fxaa, scene_pixels_max, screenshot_path(screenshot, "both"));
  return code ? code : frame_case("wall", 3840, 2160, frames ? frames : 150, queue_trucks, msaa, fxaa, scene_pixels_max,
                                  screenshot_path(screenshot, "wall"));
}

}  // namespace bench
