// Anti-aliasing (RendererConfig::fxaa): a white ribbon tilted across a black target, seen from
// straight above, is drawn with exactly two colours without the pass and with in-between
// shades along its edges with it, its inside and the background far from it unchanged; the
// same at a scaled scene (scene_pixels_max) and with a panel over the view; labels are drawn
// after the pass and are not filtered. Offscreen on lavapipe, validation on.
#include "EngineTestKit.h"

#include <catch2/catch.hpp>

#include <imgui.h>

#include <cmath>
#include <set>

using namespace enginetest;

namespace {

constexpr uint32_t kSize = 256;

struct Counts {
  int distinct = 0;     // distinct RGB values in columns [0, width) (left of the panel, if any)
  int between = 0;      // pixels neither black nor white (an edge's in-between shade)
  int changed_far = 0;  // pixels more than 3 px from the ribbon's edges that are not pure
};

// Renders the ribbon (and, when label, a label in the black corner) and counts colours in
// columns [0, width). dist(x, y): the pixel centre's distance to the ribbon's nearer edge.
struct Rendered {
  engine::RgbaImage img;
  glm::vec4 label{0};  // the label's box (x, y, w, h), when one was drawn
};

// Saved under build/test-output/engine/aa_<name>.png to look at.
Rendered render(engine::RendererConfig cfg, bool panel, bool label, const std::string& name) {
  cfg.clear_colour = glm::vec3(0.0f);
  cfg.ground.visible = false;
  engine::Renderer r(cfg);
  engine::Camera cam(engine::CameraPose{glm::vec3(0.0f), 0.0f, 89.0f, 40.0f});
  r.setCamera(cam);
  for (int frame = 0; frame < 2; ++frame) {
    REQUIRE(r.beginFrame());
    const float a = glm::radians(17.0f);
    const glm::vec3 dir(std::cos(a), 0.0f, std::sin(a));
    const glm::vec3 pts[2] = {-40.0f * dir, 40.0f * dir};
    r.drawPolyline(pts, 6.0f, engine::rgba8(1, 1, 1));
    if (label) r.drawLabel(glm::vec3(-6.0f, 0.0f, 8.0f), "Label 42");
    if (panel) {
      ImGui::SetNextWindowPos(ImVec2(192, 0));
      ImGui::SetNextWindowSize(ImVec2(64, 256));
      ImGui::Begin("panel", nullptr, ImGuiWindowFlags_NoDecoration);
      ImGui::End();
    }
    REQUIRE(r.endFrame());
  }
  Rendered out{r.screenshot()};
  engine::Screenshot::savePng(outputDir() + "/aa_" + name + ".png", out.img);
  if (label) {
    REQUIRE(r.placedLabels().size() == 1);
    out.label = r.placedLabels()[0].rect;
  }
  return out;
}

Counts count(const engine::RgbaImage& img, uint32_t width, float near_px = 3.0f) {
  // The ribbon's edges in pixels: project through the same camera as render().
  engine::Camera cam(engine::CameraPose{glm::vec3(0.0f), 0.0f, 89.0f, 40.0f});
  const glm::vec2 vp(float(img.width), float(img.height));
  const float a = glm::radians(17.0f);
  auto px = [&](glm::vec3 w) { return *cam.project(w, vp); };
  const glm::vec2 p0 = glm::vec2(px(glm::vec3(0.0f)));
  const glm::vec2 along = glm::normalize(glm::vec2(px(glm::vec3(std::cos(a), 0, std::sin(a)))) - p0);
  const glm::vec2 normal(-along.y, along.x);
  const float half_px = glm::length(glm::vec2(px(3.0f * glm::vec3(-std::sin(a), 0, std::cos(a)))) - p0);  // 6 m wide
  Counts c;
  std::set<uint32_t> values;
  for (uint32_t y = 0; y < img.height; ++y)
    for (uint32_t x = 0; x < width; ++x) {
      const uint8_t* p = img.at(x, y);
      values.insert(uint32_t(p[0]) << 16 | uint32_t(p[1]) << 8 | p[2]);
      const bool pure = (p[0] == 0 && p[1] == 0 && p[2] == 0) || (p[0] == 255 && p[1] == 255 && p[2] == 255);
      if (!pure) ++c.between;
      const float across = std::abs(glm::dot(glm::vec2(x + 0.5f, y + 0.5f) - p0, normal));
      if (!pure && std::abs(across - half_px) > near_px) ++c.changed_far;
    }
  c.distinct = int(values.size());
  return c;
}

}  // namespace

TEST_CASE("anti-aliasing: FXAA gives a tilted edge in-between shades, off it has two colours", "[engine][aa]") {
  engine::Device::resetValidationMessageCount();
  {
    engine::RendererConfig cfg = testConfig(kSize, kSize);
    const Counts off = count(render(cfg, false, false, cfg.fxaa ? "fxaa" : "off").img, kSize);
    INFO("off: " << off.distinct << " colours, " << off.between << " in between");
    CHECK(off.distinct == 2);
    CHECK(off.between == 0);
    cfg.fxaa = true;
    const Counts on = count(render(cfg, false, false, cfg.fxaa ? "fxaa" : "off").img, kSize);
    INFO("fxaa: " << on.distinct << " colours, " << on.between << " in between, " << on.changed_far << " far from an edge");
    CHECK(on.distinct >= 3);       // black, white and in-between shades
    CHECK(on.between > 60);        // the two edges cross the 256 px target: steps on both
    CHECK(on.changed_far == 0);    // only the edges are touched
  }
  CHECK(engine::Device::validationMessageCount() == 0);
}

TEST_CASE("anti-aliasing: FXAA at a scaled scene and beside a panel; labels stay sharp", "[engine][aa]") {
  engine::Device::resetValidationMessageCount();
  {
    engine::RendererConfig cfg = testConfig(kSize, kSize);
    cfg.scene_pixels_max = 128 * 128;  // the scene at 1/2, scaled up after the pass
    const Counts off = count(render(cfg, true, false, cfg.fxaa ? "scaled_fxaa" : "scaled_off").img, 184, 5.0f);
    cfg.fxaa = true;
    const Counts on = count(render(cfg, true, false, cfg.fxaa ? "scaled_fxaa" : "scaled_off").img, 184, 5.0f);
    INFO("scaled: off " << off.between << ", fxaa " << on.between << " in between; far from an edge: off "
                        << off.changed_far << ", fxaa " << on.changed_far);
    CHECK(on.between > off.between + 20);  // the scale-up's filter shades some; the pass more
    CHECK(on.changed_far == 0);
  }
  {
    // A label (white text, dark outline) away from the ribbon: the same pixels with the pass
    // and without it (filtered, its glyphs' edges would change).
    engine::RendererConfig cfg = testConfig(kSize, kSize);
    const Rendered off = render(cfg, false, true, cfg.fxaa ? "label_fxaa" : "label_off");
    cfg.fxaa = true;
    const Rendered on = render(cfg, false, true, cfg.fxaa ? "label_fxaa" : "label_off");
    REQUIRE(on.label == off.label);
    int label_pixels = 0, differ = 0;
    for (uint32_t y = uint32_t(off.label.y); y < uint32_t(off.label.y + off.label.w) && y < kSize; ++y)
      for (uint32_t x = uint32_t(off.label.x); x < uint32_t(off.label.x + off.label.z) && x < kSize; ++x) {
        const uint8_t* a = off.img.at(x, y);
        const uint8_t* b = on.img.at(x, y);
        if (a[0] || a[1] || a[2]) ++label_pixels;
        if (a[0] != b[0] || a[1] != b[1] || a[2] != b[2]) ++differ;
      }
    INFO(label_pixels << " label pixels in its box, " << differ << " differ");
    CHECK(label_pixels > 20);
    CHECK(differ == 0);
  }
  CHECK(engine::Device::validationMessageCount() == 0);
}
