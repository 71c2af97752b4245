// Renderer: the engine's front door. It owns the device, the window and swapchain (when
// windowed), the offscreen target every frame is drawn into, the pipelines, the meshes,
// ImGui, picking and screenshots, and the two frames in flight. The app calls, per frame:
//
//   if (r.beginFrame()) {            // false while minimised: skip the frame
//     r.setCamera(camera);
//     r.drawInstances(mesh, spans);  // one draw per mesh kind and level of detail
//     r.drawPolyline(points, width_m, colour);
//     r.drawLabel(anchor, "text");
//     ImGui::Begin(...); ... ImGui::End();
//     r.endFrame();                  // records, submits, presents
//   }
//
// Several views in one frame (a wall with one viewport per place): r.beginView(camera, rect)
// before each view's draws; each view is drawn with its own camera into its own rectangle
// (viewport and scissor). Labels are decluttered: one that would overlap an earlier label,
// leave its view's rectangle or lie under an occluder rectangle (a panel drawn over the
// scene) is moved below its anchor or a row further away, or dropped when that does not help.
//
// It must not know what is drawn: no domain types, only meshes, instances, lines, labels.
#pragma once

#include <engine/Camera.h>
#include <engine/Device.h>
#include <engine/Instance.h>
#include <engine/MeshPool.h>
#include <engine/Screenshot.h>
#include <engine/UiFonts.h>

#include <glm/glm.hpp>

#include <array>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

struct ImFont;

namespace engine {

class Window;
class Swapchain;
class OffscreenTarget;
class PipelineSet;
class ImGuiLayer;
class ImagePass;
class Picker;
struct FrameData;

struct Lighting {
  glm::vec3 direction{-0.45f, -1.0f, -0.35f};  // the way the light travels
  glm::vec3 colour{1.0f, 0.97f, 0.90f};
  float intensity = 0.85f;
  glm::vec3 ambient{0.34f, 0.37f, 0.42f};
  glm::vec3 fog_colour{0.70f, 0.77f, 0.85f};
  float fog_density_per_m = 0.0006f;
};

struct GroundStyle {
  bool visible = true;
  glm::vec3 colour{0.52f, 0.55f, 0.50f};
  float grid_darkening = 0.25f;  // 0: no grid
  float half_size_m = 3000.0f;
  float grid_spacing_m = 10.0f;
  float grid_line_m = 0.12f;
  float height_m = 0.0f;
};

struct RendererConfig {
  uint32_t width = 1280, height = 720;
  bool windowed = false;  // false: offscreen only (no display needed)
  std::string title = "engine";
  bool vsync = true;
  DeviceConfig device;
  // Level of detail by projected size (the bounding sphere's diameter in pixels): the full
  // mesh above lod_detail_pixels, the middle level above lod_min_pixels, else the box.
  float lod_detail_pixels = 160.0f;
  float lod_min_pixels = 28.0f;
  glm::vec3 clear_colour{0.70f, 0.77f, 0.85f};
  // Anti-aliasing: samples per pixel of the scene (1, 2, 4 or 8; lowered to what the
  // device supports for colour, integer ids and depth). Labels and ImGui are drawn after.
  uint32_t msaa_samples = 1;
  // Post-process anti-aliasing (FXAA, shaders/fxaa.frag): after the scene pass (and its MSAA
  // resolve, if any) one full-screen pass over the scene's render area only, at the scene's
  // size (before a scaled scene's scale-up), smooths the 3D scene's edges. Labels, ImGui and
  // pick ids are not filtered. On lavapipe it costs a fraction of MSAA x4.
  bool fxaa = false;
  // Pixel budget of the 3D scene (0: none). A target larger than this draws its scene at
  // 1/k of its size (k the smallest whole number that fits: a 3840x2160 target with a
  // budget of 2560x1440 draws it at 1920x1080) and scales it up (linear filter, a draw at
  // the start of the overlay pass); labels and ImGui are drawn after, at full size. On a CPU rasteriser the scene's cost follows
  // its pixels (and samples); text and panels are what must stay sharp on a large wall.
  uint32_t scene_pixels_max = 0;
  Lighting lighting;
  GroundStyle ground;
};

struct FrameStats {
  double cpu_build_ms = 0.0;   // endFrame: culling, buffers, recording, submit
  double gpu_ms = -1.0;        // the most recent finished frame (timestamps); -1: unknown
  uint32_t draw_calls = 0;     // scene draws (ground, meshes, lines)
  uint32_t imgui_draw_calls = 0;
  uint32_t instances_submitted = 0;
  uint32_t instances_full = 0;  // drawn with the full mesh
  uint32_t instances_mid = 0;   // drawn with the middle level of detail
  uint32_t instances_lod = 0;   // drawn as a box
  uint32_t instances_culled = 0;
  uint32_t labels = 0;
  uint32_t labels_dropped = 0;  // decluttered away (overlap, occluder, panel, outside the view)
  uint32_t labels_under_panels = 0;  // of those, the ones an ImGui window stood in the way of
  float scene_area_share = 1.0f;  // the scene pass's render area / the target (panels cut it)
  uint32_t scene_divisor = 1;     // the scene drawn at 1/scene_divisor of the target's size
};

// A label as drawn in the last frame: its box in target pixels (x, y, w, h) and its view.
struct PlacedLabel {
  glm::vec4 rect{0};
  std::string text;
  uint32_t view = 0;
};

// The same box as corners (x0, y0)-(x1, y1), for tests of overlap and occlusion.
struct LabelBox {
  float x0, y0, x1, y1;
  std::string text;
};

class Renderer {
 public:
  static constexpr uint32_t kFramesInFlight = 2;
  static constexpr uint32_t kMaxViews = 8;

  explicit Renderer(const RendererConfig& cfg);
  ~Renderer();
  Renderer(const Renderer&) = delete;
  Renderer& operator=(const Renderer&) = delete;

  Device& device() { return *device_; }
  MeshPool& meshes() { return *meshes_; }
  Window* window() { return window_.get(); }  // null offscreen
  VkExtent2D extent() const;
  uint32_t msaaSamples() const;  // as used (after the device's limits)
  bool fxaa() const { return cfg_.fxaa; }
  glm::vec2 viewport() const;

  // [SECTION] the frame
  bool beginFrame();
  void setCamera(const Camera& cam) { camera_ = cam; }
  const Camera& camera() const { return camera_; }
  void setLighting(const Lighting& l) { cfg_.lighting = l; }
  void setGround(const GroundStyle& g) { cfg_.ground = g; }
  // The span's memory must stay valid until endFrame() returns.
  void drawInstances(MeshId mesh, std::span<const Instance> instances);
  void drawLine(glm::vec3 a, glm::vec3 b, float width_m, uint32_t colour);
  // A ribbon width_m wide through the points, lying flat (its width is horizontal).
  void drawPolyline(std::span<const glm::vec3> points, float width_m, uint32_t colour,
                    bool closed = false);
  // Text centred above the anchor's projection; hidden when the anchor is behind the eye.
  // Earlier labels win when two would overlap (submit the important ones first); a label
  // never lies under an ImGui window drawn this frame (it moves or is dropped).
  void drawLabel(glm::vec3 anchor, const std::string& text, uint32_t colour = rgba8(1, 1, 1));
  // Starts a view: the draws after it are drawn with cam into rect_px (x, y, w, h, target
  // pixels). At most kMaxViews a frame. Without it the frame is one view: the whole target
  // with setCamera()'s camera (draws made before the first beginView also go there).
  void beginView(const Camera& cam, glm::vec4 rect_px);
  // An opaque rectangle (x, y, w, h, target pixels) filled with colour (rgba8) at the start
  // of the overlay pass, before ImGui and labels: a clear, the cheapest fill there is (no
  // shading, no blending; on a CPU rasteriser a 4K wall's panel backgrounds cost about 17 ms
  // a frame as ImGui rectangles). Fills the pixels whose centres lie inside, as ImGui fills a
  // rectangle, so the picture is the same. Panels' backgrounds under their ImGui text.
  void fillRect(glm::vec4 rect_px, uint32_t colour);
  // A rectangle (x, y, w, h) that labels must not cover this frame (a panel over the scene).
  void addLabelOccluder(glm::vec4 rect_px) { occluders_.push_back(rect_px); }
  // Label text size as a multiple of the label font's size (a wall reads from afar).
  void setLabelScale(float scale) { label_scale_ = scale; }
  // The labels the last finished frame drew, after decluttering.
  const std::vector<PlacedLabel>& placedLabels() const { return placed_labels_; }
  // Returns false when the frame was dropped (swapchain out of date; it is rebuilt).
  bool endFrame();

  // [SECTION] fonts (ImGui's; engine/UiFonts.h)
  // The font files and sizes ImGui draws with from the next beginFrame on (the atlas is
  // rebuilt then, only when they changed). "" when the files can be read, else why not, and
  // the fonts stay as they were (ImGui's built-in font until a set is accepted).
  std::string setUiFonts(const UiFonts& fonts);
  const UiFonts& uiFonts() const;
  // The font of a size class, for ImGui::PushFont(); labels use UiFontRole::Label.
  ImFont* uiFont(UiFontRole role) const;
  std::array<int, 2> uiFontAtlasSize() const;
  const FrameStats& stats() const { return stats_; }
  // The labels the last frame drew, with their boxes (for tests of overlap and occlusion).
  const std::vector<LabelBox>& labelBoxes() const { return label_boxes_; }
  // True while ImGui wants the mouse (over a window, dragging a slider): leave the camera be.
  bool uiWantsPointer() const;
  // Waits for all frames and collects their GPU timings.
  void finish();

  // [SECTION] size, picking, screenshots (all read the last finished frame)
  void resize(uint32_t width, uint32_t height);
  std::optional<InstanceId> pick(int x, int y);
  RgbaImage screenshot();
  bool saveScreenshot(const std::string& png_path);

 private:
  void recreateSwapchain();
  void bindImagePasses();  // after the target's images were (re)made
  void collectTimings(FrameData& f);
  void ensureCapacity(FrameData& f, size_t instance_bytes, size_t line_bytes);
  void fillUniforms(FrameData& f);
  void settleViews();
  size_t buildInstances(FrameData& f, std::vector<std::array<uint32_t, 8>>& ranges);
  void emitLabels();
  void settleVisibleParts();
  void record(FrameData& f, const std::vector<std::array<uint32_t, 8>>& ranges, int image);
  uint32_t drawViews(VkCommandBuffer cmd, FrameData& f, const std::vector<std::array<uint32_t, 8>>& ranges, bool pick);
  VkRect2D sceneRect(glm::vec4 rect_px) const;  // a target rectangle in scene pixels, rounded outwards

  RendererConfig cfg_;
  std::unique_ptr<Window> window_;
  std::unique_ptr<Device> device_;
  std::unique_ptr<Swapchain> swapchain_;
  std::unique_ptr<OffscreenTarget> target_;
  std::unique_ptr<PipelineSet> pipelines_;
  std::unique_ptr<ImagePass> fxaa_;     // null without post-process anti-aliasing
  std::unique_ptr<ImagePass> upscale_;  // a scaled scene's scale-up (overlay pass)
  std::unique_ptr<MeshPool> meshes_;
  std::unique_ptr<ImGuiLayer> imgui_;
  std::unique_ptr<Picker> picker_;
  VkDescriptorPool descriptor_pool_ = VK_NULL_HANDLE;
  std::unique_ptr<FrameData> frames_[kFramesInFlight];
  uint32_t frame_index_ = 0;
  bool in_frame_ = false;
  bool has_frame_ = false;  // a finished frame exists in the target
  uint64_t frames_finished_ = 0;
  uint64_t picked_frame_ = ~0ull;  // the frame whose ids the pick image holds
  bool swapchain_dirty_ = false;
  VkExtent2D requested_{};  // window framebuffer size the swapchain was last built for

  Camera camera_;
  struct Submission {
    MeshId mesh;
    std::span<const Instance> instances;
  };
  std::vector<Submission> submissions_;
  std::vector<uint32_t> per_mesh_;  // instance count per mesh kind this frame
  std::vector<std::array<uint32_t, 8>> ranges_;  // draw ranges this frame
  std::vector<glm::vec3> polyline_offsets_, polyline_sides_;  // drawPolyline scratch
  struct LineVertex {
    glm::vec3 pos;
    uint32_t colour;
  };
  std::vector<LineVertex> line_vertices_;
  struct Label {
    glm::vec3 anchor;
    std::string text;
    uint32_t colour;
  };
  std::vector<Label> labels_;
  // A view: its camera and rectangle, and where its submissions, line vertices and labels
  // start in this frame's lists (each ends where the next view starts).
  struct ViewSlot {
    Camera camera;
    glm::vec4 rect;
    size_t submissions = 0, lines = 0, labels = 0;
    // The parts of rect not under a panel (x, y, w, h): the scene is drawn only there.
    std::vector<glm::vec4> visible;
  };
  VkRect2D scene_area_{};  // the scene pass's render area: the views' visible parts' bounds
  std::vector<ViewSlot> views_;
  std::vector<glm::vec4> occluders_;
  struct Fill {
    VkClearRect rect;
    uint32_t colour;
  };
  std::vector<Fill> fills_;  // fillRect this frame
  std::vector<PlacedLabel> placed_labels_;
  float label_scale_ = 1.0f;
  std::vector<LabelBox> label_boxes_;
  FrameStats stats_;
};

}  // namespace engine
