// Renderer: frame orchestration. Sections: construction and shutdown, the frame
// (begin, submissions, build, record, submit/present), size, picking and screenshots.
// It must not contain domain knowledge; everything drawn comes from the app's calls.
#include <engine/Renderer.h>

#include <engine/Window.h>

#include "FrameData.h"
#include "ImagePass.h"
#include "ImGuiLayer.h"
#include "OffscreenTarget.h"
#include "Picker.h"
#include "PipelineSet.h"
#include "Swapchain.h"
#include "VkCheck.h"

#include <imgui.h>
#include <imgui_internal.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <iterator>
#include <optional>

namespace engine {

// The ground is drawn as kGroundCells x kGroundCells squares (shaders/ground.vert), so that
// its fog can be computed per vertex.
constexpr uint32_t kGroundCells = 32;

// [SECTION] construction and shutdown

Renderer::Renderer(const RendererConfig& cfg) : cfg_(cfg) {
  DeviceConfig dc = cfg.device;
  if (cfg.windowed) {
    auto exts = Window::requiredInstanceExtensions();
    dc.instance_extensions.insert(dc.instance_extensions.end(), exts.begin(), exts.end());
    dc.presentation = true;
    window_ = std::make_unique<Window>(cfg.width, cfg.height, cfg.title);
  }
  device_ = std::make_unique<Device>(dc);
  VkExtent2D extent{cfg.width, cfg.height};
  if (window_) {
    window_->createSurface(device_->instance());
    VkExtent2D fb = window_->framebufferSize();
    if (fb.width && fb.height) extent = fb;
    requested_ = extent;
    swapchain_ = std::make_unique<Swapchain>(*device_, window_->surface(), extent, cfg.vsync);
    extent = swapchain_->extent();
  }
  // Anti-aliasing: the most samples up to the asked that colour, ids and depth all support.
  const VkPhysicalDeviceLimits& lim = device_->properties().limits;
  const VkSampleCountFlags ok = lim.framebufferColorSampleCounts & lim.framebufferDepthSampleCounts &
                                lim.sampledImageIntegerSampleCounts;
  VkSampleCountFlagBits samples = VK_SAMPLE_COUNT_1_BIT;
  for (VkSampleCountFlagBits s : {VK_SAMPLE_COUNT_2_BIT, VK_SAMPLE_COUNT_4_BIT, VK_SAMPLE_COUNT_8_BIT})
    if (static_cast<uint32_t>(s) <= cfg.msaa_samples && (ok & s)) samples = s;
  target_ = std::make_unique<OffscreenTarget>(*device_, extent, samples, cfg.scene_pixels_max, cfg.fxaa);
  pipelines_ = std::make_unique<PipelineSet>(*device_, target_->scenePass(), target_->pickPass(), samples);
  if (cfg.fxaa) fxaa_ = std::make_unique<ImagePass>(*device_, target_->aaPass(), "fxaa.frag.spv");
  upscale_ = std::make_unique<ImagePass>(*device_, target_->overlayPass(), "upscale.frag.spv");
  bindImagePasses();
  meshes_ = std::make_unique<MeshPool>(*device_);
  picker_ = std::make_unique<Picker>(*device_);
  imgui_ = std::make_unique<ImGuiLayer>(*device_, target_->overlayPass(),
                                        window_ ? window_->handle() : nullptr, kFramesInFlight);

  VkDevice d = device_->device();
  static_assert(kMaxViews == sizeof(FrameData::sets) / sizeof(VkDescriptorSet));
  VkDescriptorPoolSize ps{VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER, kFramesInFlight * kMaxViews};
  VkDescriptorPoolCreateInfo pci{VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO};
  pci.maxSets = kFramesInFlight * kMaxViews;
  pci.poolSizeCount = 1;
  pci.pPoolSizes = &ps;
  VK_CHECK(vkCreateDescriptorPool(d, &pci, nullptr, &descriptor_pool_));

  for (auto& fp : frames_) {
    fp = std::make_unique<FrameData>();
    FrameData& f = *fp;
    VkCommandPoolCreateInfo cpi{VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO};
    cpi.flags = VK_COMMAND_POOL_CREATE_TRANSIENT_BIT;
    cpi.queueFamilyIndex = device_->queueFamily();
    VK_CHECK(vkCreateCommandPool(d, &cpi, nullptr, &f.pool));
    VkCommandBufferAllocateInfo ai{VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO};
    ai.commandPool = f.pool;
    ai.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY;
    ai.commandBufferCount = 1;
    VK_CHECK(vkAllocateCommandBuffers(d, &ai, &f.cmd));
    VkFenceCreateInfo fi{VK_STRUCTURE_TYPE_FENCE_CREATE_INFO};
    fi.flags = VK_FENCE_CREATE_SIGNALED_BIT;
    VK_CHECK(vkCreateFence(d, &fi, nullptr, &f.fence));
    VkSemaphoreCreateInfo si{VK_STRUCTURE_TYPE_SEMAPHORE_CREATE_INFO};
    VK_CHECK(vkCreateSemaphore(d, &si, nullptr, &f.acquired));
    if (device_->timestampsSupported()) {
      VkQueryPoolCreateInfo qi{VK_STRUCTURE_TYPE_QUERY_POOL_CREATE_INFO};
      qi.queryType = VK_QUERY_TYPE_TIMESTAMP;
      qi.queryCount = 2;
      VK_CHECK(vkCreateQueryPool(d, &qi, nullptr, &f.queries));
    }
    f.uniforms = GpuBuffer(*device_, kUniformStride * kMaxViews, VK_BUFFER_USAGE_UNIFORM_BUFFER_BIT, true);
    VkDescriptorSetLayout layouts[kMaxViews];
    std::fill(std::begin(layouts), std::end(layouts), pipelines_->setLayout());
    VkDescriptorSetAllocateInfo dai{VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO};
    dai.descriptorPool = descriptor_pool_;
    dai.descriptorSetCount = kMaxViews;
    dai.pSetLayouts = layouts;
    VK_CHECK(vkAllocateDescriptorSets(d, &dai, f.sets));
    for (uint32_t v = 0; v < kMaxViews; ++v) {
      VkDescriptorBufferInfo bi{f.uniforms.buffer(), v * kUniformStride, sizeof(FrameUniforms)};
      VkWriteDescriptorSet w{VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET};
      w.dstSet = f.sets[v];
      w.dstBinding = 0;
      w.descriptorCount = 1;
      w.descriptorType = VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER;
      w.pBufferInfo = &bi;
      vkUpdateDescriptorSets(d, 1, &w, 0, nullptr);
    }
  }
}

Renderer::~Renderer() {
  if (!device_) return;
  device_->waitIdleQuietly();
  if (in_frame_) imgui_->discardFrame();
  VkDevice d = device_->device();
  for (auto& fp : frames_) {
    if (!fp) continue;
    vkDestroyCommandPool(d, fp->pool, nullptr);
    vkDestroyFence(d, fp->fence, nullptr);
    vkDestroySemaphore(d, fp->acquired, nullptr);
    if (fp->queries) vkDestroyQueryPool(d, fp->queries, nullptr);
    fp.reset();
  }
  vkDestroyDescriptorPool(d, descriptor_pool_, nullptr);
  // Reverse order of creation.
  imgui_.reset();
  picker_.reset();
  meshes_.reset();
  fxaa_.reset();
  upscale_.reset();
  pipelines_.reset();
  target_.reset();
  swapchain_.reset();
  if (window_) window_->destroySurface(device_->instance());
  device_.reset();
  window_.reset();
}

void Renderer::bindImagePasses() {
  if (fxaa_) fxaa_->setSource(target_->sceneColour().view());
  if (target_->sceneDivisor() > 1) upscale_->setSource(target_->sceneOutput().view());
}

VkExtent2D Renderer::extent() const { return target_->extent(); }
uint32_t Renderer::msaaSamples() const { return static_cast<uint32_t>(target_->samples()); }
glm::vec2 Renderer::viewport() const {
  return {float(target_->extent().width), float(target_->extent().height)};
}

// [SECTION] the frame

void Renderer::collectTimings(FrameData& f) {
  if (!f.queries_pending) return;
  uint64_t ts[2] = {0, 0};
  VkResult r = vkGetQueryPoolResults(device_->device(), f.queries, 0, 2, sizeof(ts), ts,
                                     sizeof(uint64_t), VK_QUERY_RESULT_64_BIT);
  if (r == VK_SUCCESS) {
    // Queues may keep fewer than 64 valid bits; the difference wraps within them.
    const uint32_t bits = device_->timestampValidBits();
    const uint64_t mask = bits >= 64 ? ~0ull : (1ull << bits) - 1;
    stats_.gpu_ms = double((ts[1] - ts[0]) & mask) * device_->timestampPeriodNs() * 1e-6;
  } else if (r != VK_NOT_READY) {
    VK_CHECK(r);
  }
  f.queries_pending = false;
}

void Renderer::finish() {
  device_->waitIdle();
  // Oldest first so the newest frame's time is the one left in the stats.
  for (uint32_t i = 1; i <= kFramesInFlight; ++i)
    collectTimings(*frames_[(frame_index_ + i) % kFramesInFlight]);
}

void Renderer::recreateSwapchain() {
  VkExtent2D fb = window_->framebufferSize();
  requested_ = fb;
  swapchain_->recreate(fb);  // waits for the device to be idle
  target_->resize(swapchain_->extent());
  bindImagePasses();
  has_frame_ = false;
  picked_frame_ = ~0ull;
  swapchain_dirty_ = false;
}

bool Renderer::beginFrame() {
  if (in_frame_) throw std::logic_error("engine: beginFrame called twice without endFrame");
  if (window_) {
    if (window_->takeResized()) swapchain_dirty_ = true;
    if (window_->minimised()) return false;
    // Compare with the size last asked for, not the swapchain's extent: a surface may
    // settle on another extent, and that must not rebuild the swapchain every frame.
    VkExtent2D fb = window_->framebufferSize();
    if (fb.width != requested_.width || fb.height != requested_.height) swapchain_dirty_ = true;
    if (swapchain_dirty_) recreateSwapchain();
  }
  FrameData& f = *frames_[frame_index_];
  VK_CHECK(vkWaitForFences(device_->device(), 1, &f.fence, VK_TRUE, UINT64_MAX));
  collectTimings(f);
  submissions_.clear();
  line_vertices_.clear();
  labels_.clear();
  views_.clear();
  occluders_.clear();
  fills_.clear();
  imgui_->newFrame(target_->extent());
  in_frame_ = true;
  return true;
}

void Renderer::drawInstances(MeshId mesh, std::span<const Instance> instances) {
  if (mesh.value >= meshes_->size()) throw std::out_of_range("engine: drawInstances: no such mesh");
  if (!instances.empty()) submissions_.push_back({mesh, instances});
}

void Renderer::drawLine(glm::vec3 a, glm::vec3 b, float width_m, uint32_t colour) {
  glm::vec3 pts[2] = {a, b};
  drawPolyline(pts, width_m, colour, false);
}

void Renderer::drawPolyline(std::span<const glm::vec3> pts, float width_m, uint32_t colour,
                            bool closed) {
  size_t n = pts.size();
  if (n < 2) return;
  const float half = width_m * 0.5f;
  // Horizontal unit normal of each segment i (from pts[i] to pts[i+1], the last one back to
  // pts[0]), once each: the scene sends some 400 polylines a frame. Scratch kept between calls.
  std::vector<glm::vec3>& sides = polyline_sides_;
  sides.resize(n);
  for (size_t i = 0; i < n; ++i) {
    glm::vec3 d = pts[(i + 1) % n] - pts[i];
    glm::vec3 s(-d.z, 0.0f, d.x);
    float len = glm::length(s);
    sides[i] = len > 1e-6f ? s / len : glm::vec3(1, 0, 0);
  }
  size_t segments = closed ? n : n - 1;
  // Offsets at each point: mitred between neighbouring segments, limited to 4x the width.
  std::vector<glm::vec3>& offset = polyline_offsets_;
  offset.resize(closed ? n + 1 : n);
  for (size_t i = 0; i < offset.size(); ++i) {
    size_t p = i % n;
    bool has_prev = closed || i > 0;
    bool has_next = closed || i + 1 < n;
    glm::vec3 s_prev = has_prev ? sides[(p + n - 1) % n] : sides[p];
    glm::vec3 s_next = has_next ? sides[p] : s_prev;
    glm::vec3 m = s_prev + s_next;
    float ml = glm::length(m);
    m = ml > 1e-6f ? m / ml : s_next;
    float scale = 1.0f / std::max(glm::dot(m, s_next), 0.25f);
    offset[i] = m * half * scale;
  }
  const size_t first = line_vertices_.size();
  line_vertices_.resize(first + 6 * segments);
  LineVertex* out = line_vertices_.data() + first;
  for (size_t i = 0; i < segments; ++i) {
    glm::vec3 a = pts[i], b = pts[(i + 1) % n];
    glm::vec3 oa = offset[i], ob = offset[i + 1];
    const LineVertex q[4] = {{a - oa, colour}, {a + oa, colour}, {b + ob, colour}, {b - ob, colour}};
    for (int k : {0, 1, 2, 0, 2, 3}) *out++ = q[k];
  }
}

void Renderer::beginView(const Camera& cam, glm::vec4 rect_px) {
  if (views_.size() >= kMaxViews) throw std::length_error("engine: more than kMaxViews views in a frame");
  if (rect_px.z < 1 || rect_px.w < 1) throw std::invalid_argument("engine: beginView with an empty rectangle");
  views_.push_back({cam, rect_px, submissions_.size(), line_vertices_.size(), labels_.size()});
}

// The frame's views: without beginView one view of the whole target; draws made before the
// first beginView go to such a view in front of the others. Rectangles are clamped to the target.
void Renderer::settleViews() {
  const glm::vec2 t = viewport();
  if (views_.empty() || views_.front().submissions || views_.front().lines || views_.front().labels)
    views_.insert(views_.begin(), ViewSlot{camera_, glm::vec4(0, 0, t.x, t.y), 0, 0, 0});
  for (ViewSlot& v : views_) {
    const float x0 = std::clamp(std::floor(v.rect.x), 0.0f, t.x - 1), y0 = std::clamp(std::floor(v.rect.y), 0.0f, t.y - 1);
    const float x1 = std::clamp(std::floor(v.rect.x + v.rect.z), x0 + 1, t.x), y1 = std::clamp(std::floor(v.rect.y + v.rect.w), y0 + 1, t.y);
    v.rect = glm::vec4(x0, y0, x1 - x0, y1 - y0);
  }
}

void Renderer::fillRect(glm::vec4 r, uint32_t colour) {
  // Pixel i is inside when its centre i + 0.5 lies in [x, x + w): i from ceil(x - 0.5).
  const glm::vec2 t = viewport();
  const float x0 = std::clamp(std::ceil(r.x - 0.5f), 0.0f, t.x), y0 = std::clamp(std::ceil(r.y - 0.5f), 0.0f, t.y);
  const float x1 = std::clamp(std::ceil(r.x + r.z - 0.5f), 0.0f, t.x), y1 = std::clamp(std::ceil(r.y + r.w - 0.5f), 0.0f, t.y);
  if (x1 <= x0 || y1 <= y0) return;
  fills_.push_back({{{{int32_t(x0), int32_t(y0)}, {uint32_t(x1 - x0), uint32_t(y1 - y0)}}, 0, 1}, colour});
}

void Renderer::drawLabel(glm::vec3 anchor, const std::string& text, uint32_t colour) {
  labels_.push_back({anchor, text, colour});
}

void Renderer::ensureCapacity(FrameData& f, size_t instance_bytes, size_t line_bytes) {
  // Safe to replace: this frame's fence was waited on in beginFrame.
  auto grow = [&](GpuBuffer& b, size_t need, VkBufferUsageFlags usage) {
    if (need == 0 || (b && b.size() >= need)) return;
    size_t cap = std::max<size_t>(need + need / 2, 64 * 1024);
    b = GpuBuffer(*device_, cap, usage, true);
  };
  grow(f.instances, instance_bytes, VK_BUFFER_USAGE_VERTEX_BUFFER_BIT);
  grow(f.lines, line_bytes, VK_BUFFER_USAGE_VERTEX_BUFFER_BIT);
}

void Renderer::fillUniforms(FrameData& f) {
  for (size_t v = 0; v < views_.size(); ++v) {
  const Camera& cam = views_[v].camera;
  FrameUniforms u{};
  u.view_proj = cam.viewProj(glm::vec2(views_[v].rect.z, views_[v].rect.w));
  u.camera_pos = glm::vec4(cam.eye(), 1.0f);
  const Lighting& l = cfg_.lighting;
  u.light_dir = glm::vec4(glm::normalize(l.direction), 0.0f);
  u.light_colour = glm::vec4(l.colour, l.intensity);
  u.ambient = glm::vec4(l.ambient, 0.0f);
  const GroundStyle& g = cfg_.ground;
  u.ground_colour = glm::vec4(g.colour, g.grid_darkening);
  u.ground_params = glm::vec4(g.half_size_m, g.grid_spacing_m, g.grid_line_m, g.height_m);
  u.fog = glm::vec4(l.fog_colour, l.fog_density_per_m);
  std::memcpy(static_cast<char*>(f.uniforms.mapped()) + v * kUniformStride, &u, sizeof(u));
  }
}

// Culls instances and sorts them by level of detail into the frame's instance buffer, so
// each mesh kind needs at most three draws whatever the count. Each kind gets a region of
// twice its instance count: full detail fills the first half from the front, the middle
// level from the back, boxes fill the second half from the front.
// Each view is culled with its own camera, its kinds one after another in the buffer.
// ranges: {mesh, first full, full, first mid, mid, first box, box, view}.
size_t Renderer::buildInstances(FrameData& f, std::vector<std::array<uint32_t, 8>>& ranges) {
  size_t total = 0;
  for (const Submission& s : submissions_) total += s.instances.size();
  stats_.instances_submitted = static_cast<uint32_t>(total);
  ensureCapacity(f, 2 * total * sizeof(Instance), line_vertices_.size() * sizeof(LineVertex));
  stats_.instances_full = stats_.instances_mid = stats_.instances_lod = 0;
  stats_.instances_culled = 0;
  if (total == 0) return 0;
  uint32_t base = 0;
  Instance* out = static_cast<Instance*>(f.instances.mapped());
  for (size_t view = 0; view < views_.size(); ++view) {
  const size_t sub_begin = views_[view].submissions;
  const size_t sub_end = view + 1 < views_.size() ? views_[view + 1].submissions : submissions_.size();
  per_mesh_.assign(meshes_->size(), 0);
  for (size_t i = sub_begin; i < sub_end; ++i) per_mesh_[submissions_[i].mesh.value] += static_cast<uint32_t>(submissions_[i].instances.size());
  const Camera& cam = views_[view].camera;
  const glm::vec2 view_px(views_[view].rect.z, views_[view].rect.w);
  const glm::mat4 vp = cam.viewProj(view_px);
  auto row = [&](int i) { return glm::vec4(vp[0][i], vp[1][i], vp[2][i], vp[3][i]); };
  glm::vec4 planes[6] = {row(3) + row(0), row(3) - row(0), row(3) + row(1),
                         row(3) - row(1), row(2) /* near, depth 0..1 */, row(3) - row(2)};
  for (glm::vec4& p : planes) p /= glm::length(glm::vec3(p));
  const glm::vec3 eye = cam.eye();
  // A sphere of radius R at distance d spans about R * k / d pixels across, k below.
  const float k = view_px.y / std::tan(glm::radians(cam.fovYDeg()) * 0.5f);
  const float detail_px = std::max(cfg_.lod_detail_pixels, cfg_.lod_min_pixels);
  const float min_px = std::max(cfg_.lod_min_pixels, 0.0f);

  for (uint32_t m = 0; m < per_mesh_.size(); ++m) {
    const uint32_t n = per_mesh_[m];
    if (!n) continue;
    const Mesh& mesh = meshes_->mesh(MeshId{m});
    // Squared distances (for a unit-scale instance) beyond which a level is too small.
    const float full_d = mesh.radius_m * k / detail_px, box_d = mesh.radius_m * k / std::max(min_px, 1e-3f);
    const float full_d2 = full_d * full_d, box_d2 = box_d * box_d;
    uint32_t front = base, back = base + n, box = base + n;
    for (size_t si = sub_begin; si < sub_end; ++si) {
      const Submission& s = submissions_[si];
      if (s.mesh != MeshId{m}) continue;
      for (const Instance& in : s.instances) {
        if (in.flags & kInstanceHidden) continue;
        const glm::vec4 &r0 = in.rows[0], &r1 = in.rows[1], &r2 = in.rows[2];
        const glm::vec3& mc = mesh.centre;
        glm::vec3 c(r0.x * mc.x + r0.y * mc.y + r0.z * mc.z + r0.w,
                    r1.x * mc.x + r1.y * mc.y + r1.z * mc.z + r1.w,
                    r2.x * mc.x + r2.y * mc.y + r2.z * mc.z + r2.w);
        float sx = r0.x * r0.x + r1.x * r1.x + r2.x * r2.x;
        float sy = r0.y * r0.y + r1.y * r1.y + r2.y * r2.y;
        float sz = r0.z * r0.z + r1.z * r1.z + r2.z * r2.z;
        float scale2 = std::max(sx, std::max(sy, sz));
        float radius = mesh.radius_m * std::sqrt(scale2);
        bool visible = true;
        for (const glm::vec4& p : planes)
          if (p.x * c.x + p.y * c.y + p.z * c.z + p.w < -radius) {
            visible = false;
            break;
          }
        if (!visible) continue;
        glm::vec3 d = c - eye;
        float dist2 = glm::dot(d, d);
        if (dist2 <= full_d2 * scale2)
          out[front++] = in;
        else if (dist2 <= box_d2 * scale2)
          out[--back] = in;
        else
          out[box++] = in;
      }
    }
    const uint32_t full = front - base, mid = base + n - back, boxes = box - (base + n);
    ranges.push_back({m, base, full, back, mid, base + n, boxes, static_cast<uint32_t>(view)});
    stats_.instances_full += full;
    stats_.instances_mid += mid;
    stats_.instances_lod += boxes;
    base += 2 * n;
  }
  }
  stats_.instances_culled = static_cast<uint32_t>(total) - stats_.instances_full -
                            stats_.instances_mid - stats_.instances_lod;
  return total;
}

std::string Renderer::setUiFonts(const UiFonts& fonts) { return imgui_->setFonts(fonts); }
const UiFonts& Renderer::uiFonts() const { return imgui_->fonts(); }
ImFont* Renderer::uiFont(UiFontRole role) const { return imgui_->font(role); }
std::array<int, 2> Renderer::uiFontAtlasSize() const { return imgui_->atlasSize(); }

// The rectangles of the ImGui windows drawn this frame (panels, popups, tooltips): labels
// under them are not drawn, since the background draw list shows through a panel's
// translucent background. A window without a background (ImGuiWindowFlags_NoBackground:
// a frame or a caption over the view) hides nothing, nor does ImGui's implicit "Debug##Default"
// window.
static std::vector<ImRect> windowRects() {
  std::vector<ImRect> out;
  ImGuiContext& g = *ImGui::GetCurrentContext();
  for (ImGuiWindow* w : g.Windows)
    if (w->Active && !w->Hidden && !w->IsFallbackWindow && !(w->Flags & (ImGuiWindowFlags_ChildWindow | ImGuiWindowFlags_NoBackground))) out.push_back(w->Rect());
  return out;
}

// Each label in submission order: above its anchor, else below it, else a row further up or
// down, placed where its box (text plus padding) overlaps no placed label, no occluder and
// no ImGui window drawn this frame (labels never show through a panel) and lies in its
// view; else dropped (counted as under a panel when a window was what stood in the way).
void Renderer::emitLabels() {
  stats_.labels = 0;
  stats_.labels_dropped = 0;
  stats_.labels_under_panels = 0;
  placed_labels_.clear();
  label_boxes_.clear();
  if (labels_.empty()) return;
  ImDrawList* dl = ImGui::GetBackgroundDrawList();
  ImFont* font = imgui_->labelFont();
  const float size = font->FontSize * label_scale_;
  const float pad_x = 4.0f * label_scale_, pad_y = 2.0f * label_scale_, lift = 8.0f * label_scale_;
  const std::vector<ImRect> panels = windowRects();
  auto overlaps = [](const glm::vec4& a, const glm::vec4& b) {
    return a.x < b.x + b.z && b.x < a.x + a.z && a.y < b.y + b.w && b.y < a.y + a.w;
  };
  for (size_t v = 0; v < views_.size(); ++v) {
    const ViewSlot& view = views_[v];
    const size_t end = v + 1 < views_.size() ? views_[v + 1].labels : labels_.size();
    const glm::vec2 view_px(view.rect.z, view.rect.w);
    for (size_t i = view.labels; i < end; ++i) {
      const Label& l = labels_[i];
      auto p = view.camera.project(l.anchor, view_px);
      if (!p || p->z < 0.0f || p->z > 1.0f) continue;
      const glm::vec2 at(view.rect.x + p->x, view.rect.y + p->y);
      if (at.x < view.rect.x || at.y < view.rect.y || at.x > view.rect.x + view.rect.z || at.y > view.rect.y + view.rect.w) continue;
      const ImVec2 ts = font->CalcTextSizeA(size, 1e9f, 0.0f, l.text.c_str());
      const float x = std::floor(at.x - ts.x * 0.5f);
      std::optional<glm::vec4> box;
      bool panel_in_way = false;
      // Above the anchor, below it, then a row further up, a row further down.
      const float row = ts.y + 2 * pad_y + 2;
      const float tops[4] = {at.y - ts.y - lift, at.y + lift, at.y - ts.y - lift - row, at.y + lift + row};
      for (int step = 0; step < 4 && !box; ++step) {
        const float y = std::floor(tops[step]);
        const glm::vec4 b(x - pad_x, y - pad_y, ts.x + 2 * pad_x, ts.y + 2 * pad_y);
        bool free = b.x >= view.rect.x && b.y >= view.rect.y && b.x + b.z <= view.rect.x + view.rect.z &&
                    b.y + b.w <= view.rect.y + view.rect.w;
        bool under_panel = false;  // an occluder or an ImGui window: both are panels
        for (const glm::vec4& o : occluders_) under_panel = under_panel || overlaps(b, o);
        for (const ImRect& r : panels) under_panel = under_panel || r.Overlaps(ImRect(b.x, b.y, b.x + b.z, b.y + b.w));
        for (const PlacedLabel& pl : placed_labels_) free = free && !overlaps(b, pl.rect);
        panel_in_way = panel_in_way || under_panel;
        free = free && !under_panel;
        if (free) box = b;
      }
      if (!box) {
        ++stats_.labels_dropped;
        if (panel_in_way) ++stats_.labels_under_panels;
        continue;
      }
      const float end_y = box->y > at.y ? box->y : box->y + box->w;  // the box's near edge
      dl->AddLine(ImVec2(at.x, at.y), ImVec2(at.x, end_y), IM_COL32(20, 20, 20, 200), std::max(2.0f, label_scale_ * 1.5f));
      dl->AddRectFilled(ImVec2(box->x, box->y), ImVec2(box->x + box->z, box->y + box->w), IM_COL32(20, 24, 30, 190), 3.0f);
      dl->AddText(font, size, ImVec2(box->x + pad_x, box->y + pad_y), l.colour, l.text.c_str());
      placed_labels_.push_back({*box, l.text, static_cast<uint32_t>(v)});
      label_boxes_.push_back({box->x, box->y, box->x + box->z, box->y + box->w, l.text});
      ++stats_.labels;
    }
  }
}

// Each view's parts not under a panel (an ImGui window with a background, drawn this frame,
// or an occluder): the scene is drawn only there, and the scene pass (its clears, its
// multisample resolve) only covers their bounds. A CPU rasteriser pays for every pixel, and
// a console's panels cover most of the target. A panel's background hides the scene under
// it (labels already never show through one); a window that holds other windows is taken
// for a host with a clear background and hides nothing. Each view is cut into at most 8
// parts (past that the remaining panels are ignored); parts under 2 px wide are dropped.
void Renderer::settleVisibleParts() {
  const std::vector<ImRect> windows = windowRects();
  std::vector<glm::vec4> panels(occluders_.begin(), occluders_.end());
  for (const ImRect& w : windows) {
    // A window that holds another is a host for panels (its background is often clear): skip it.
    bool host = false;
    for (const ImRect& o : windows)
      host = host || (&o != &w && w.Contains(o) && (o.GetWidth() < w.GetWidth() || o.GetHeight() < w.GetHeight()));
    if (!host) panels.push_back({w.Min.x, w.Min.y, w.Max.x - w.Min.x, w.Max.y - w.Min.y});
  }
  const glm::vec2 t = viewport();
  glm::vec2 lo(t), hi(0.0f);
  std::vector<glm::vec4> next;
  for (ViewSlot& v : views_) {
    v.visible.assign(1, v.rect);
    for (const glm::vec4& p : panels) {
      // Whole pixels the panel covers, less one on each side (ImGui may leave a window's
      // last row or column undrawn; a part's edges stay on pixel borders).
      const float px0 = std::ceil(p.x), py0 = std::ceil(p.y), px1 = std::floor(p.x + p.z), py1 = std::floor(p.y + p.w);
      if (px1 <= px0 || py1 <= py0) continue;
      next.clear();
      for (const glm::vec4& r : v.visible) {
        const float x0 = r.x, y0 = r.y, x1 = r.x + r.z, y1 = r.y + r.w;
        const float ix0 = std::max(x0, px0), iy0 = std::max(y0, py0), ix1 = std::min(x1, px1), iy1 = std::min(y1, py1);
        if (ix1 <= ix0 || iy1 <= iy0) {
          next.push_back(r);
          continue;
        }
        if (iy0 > y0) next.push_back({x0, y0, x1 - x0, iy0 - y0});     // above the panel
        if (iy1 < y1) next.push_back({x0, iy1, x1 - x0, y1 - iy1});     // below it
        if (ix0 > x0) next.push_back({x0, iy0, ix0 - x0, iy1 - iy0});   // left of it
        if (ix1 < x1) next.push_back({ix1, iy0, x1 - ix1, iy1 - iy0});  // right of it
      }
      // A sliver of one pixel between panels is not worth a part (it shows the clear colour).
      next.erase(std::remove_if(next.begin(), next.end(), [](const glm::vec4& r) { return r.z < 2 || r.w < 2; }), next.end());
      if (next.size() > 8) break;
      v.visible.swap(next);
    }
    for (const glm::vec4& r : v.visible) {
      lo = glm::min(lo, glm::vec2(r.x, r.y));
      hi = glm::max(hi, glm::vec2(r.x + r.z, r.y + r.w));
    }
  }
  if (hi.x <= lo.x || hi.y <= lo.y) lo = glm::vec2(0.0f), hi = glm::vec2(1.0f);  // nothing visible: one pixel
  scene_area_ = {{int32_t(lo.x), int32_t(lo.y)}, {uint32_t(hi.x - lo.x), uint32_t(hi.y - lo.y)}};
  stats_.scene_area_share = float(scene_area_.extent.width) * float(scene_area_.extent.height) / (t.x * t.y);
  stats_.scene_divisor = target_->sceneDivisor();
}

VkRect2D Renderer::sceneRect(glm::vec4 r) const {
  const float k = float(target_->sceneDivisor());
  const VkExtent2D se = target_->sceneExtent();
  const float x0 = std::floor(r.x / k), y0 = std::floor(r.y / k);
  const float x1 = std::min(std::ceil((r.x + r.z) / k), float(se.width)), y1 = std::min(std::ceil((r.y + r.w) / k), float(se.height));
  return {{int32_t(x0), int32_t(y0)}, {uint32_t(std::max(x1 - x0, 1.0f)), uint32_t(std::max(y1 - y0, 1.0f))}};
}

// The views' draws: meshes (each kind and level of detail), lines, then the ground. For a
// pick (pick = true) the id pipelines, and no ground (its id is the clear value).
uint32_t Renderer::drawViews(VkCommandBuffer cmd, FrameData& f, const std::vector<std::array<uint32_t, 8>>& ranges,
                             bool pick) {
  uint32_t draws = 0;
  const float k = pick ? 1.0f : float(target_->sceneDivisor());  // the pick pass is full size
  for (size_t v = 0; v < views_.size(); ++v) {
  const glm::vec4 r = views_[v].rect;
  VkViewport vp{r.x / k, r.y / k, r.z / k, r.w / k, 0.0f, 1.0f};
  vkCmdSetViewport(cmd, 0, 1, &vp);
  // A pick draws the whole view; a frame each of its visible parts (settleVisibleParts).
  const size_t parts = pick ? 1 : views_[v].visible.size();
  for (size_t part = 0; part < parts; ++part) {
  const glm::vec4 s = pick ? r : views_[v].visible[part];
  const VkRect2D sc = pick ? VkRect2D{{int32_t(s.x), int32_t(s.y)}, {uint32_t(s.z), uint32_t(s.w)}} : sceneRect(s);
  vkCmdSetScissor(cmd, 0, 1, &sc);
  vkCmdBindDescriptorSets(cmd, VK_PIPELINE_BIND_POINT_GRAPHICS, pipelines_->layout(), 0, 1, &f.sets[v],
                          0, nullptr);
  if (!ranges.empty()) {
    vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_GRAPHICS, pick ? pipelines_->meshPick() : pipelines_->mesh());
    for (const auto& [m, first_full, full, first_mid, mid, first_box, boxes, view] : ranges) {
      if (view != v) continue;
      const Mesh& mesh = meshes_->mesh(MeshId{m});
      const uint32_t counts[3] = {full, mid, boxes};
      const uint32_t firsts[3] = {first_full, first_mid, first_box};
      for (int level = 0; level < 3; ++level) {
        if (!counts[level]) continue;
        const MeshLod& l = mesh.lod[level];
        VkBuffer vbs[2] = {l.vertices.buffer(), f.instances.buffer()};
        VkDeviceSize offs[2] = {0, 0};
        vkCmdBindVertexBuffers(cmd, 0, 2, vbs, offs);
        vkCmdBindIndexBuffer(cmd, l.indices.buffer(), 0, VK_INDEX_TYPE_UINT32);
        vkCmdDrawIndexed(cmd, l.index_count, counts[level], 0, 0, firsts[level]);
        ++draws;
      }
    }
  }
  const size_t line_end = v + 1 < views_.size() ? views_[v + 1].lines : line_vertices_.size();
  if (line_end > views_[v].lines) {
    vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_GRAPHICS, pick ? pipelines_->linePick() : pipelines_->line());
    VkDeviceSize off = 0;
    VkBuffer lb = f.lines.buffer();
    vkCmdBindVertexBuffers(cmd, 0, 1, &lb, &off);
    vkCmdDraw(cmd, static_cast<uint32_t>(line_end - views_[v].lines), 1, static_cast<uint32_t>(views_[v].lines), 0);
    ++draws;
  }
  // The ground goes last: the depth test then skips shading it under everything above it
  // (lines win through their depth bias), which matters on CPU rasterisers.
  if (cfg_.ground.visible && !pick) {
    vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_GRAPHICS, pipelines_->ground());
    vkCmdDraw(cmd, 6 * kGroundCells * kGroundCells, 1, 0, 0);
    ++draws;
  }
  }
  }
  return draws;
}

void Renderer::record(FrameData& f, const std::vector<std::array<uint32_t, 8>>& ranges, int image) {
  VkCommandBuffer cmd = f.cmd;
  VK_CHECK(vkResetCommandPool(device_->device(), f.pool, 0));
  VkCommandBufferBeginInfo bi{VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
  bi.flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT;
  VK_CHECK(vkBeginCommandBuffer(cmd, &bi));
  if (f.queries) {
    vkCmdResetQueryPool(cmd, f.queries, 0, 2);
    vkCmdWriteTimestamp(cmd, VK_PIPELINE_STAGE_TOP_OF_PIPE_BIT, f.queries, 0);
  }

  const VkExtent2D e = target_->extent();
  VkClearValue clears[2]{};
  clears[0].color = {{cfg_.clear_colour.r, cfg_.clear_colour.g, cfg_.clear_colour.b, 1.0f}};
  clears[1].depthStencil = {1.0f, 0};
  VkRenderPassBeginInfo rp{VK_STRUCTURE_TYPE_RENDER_PASS_BEGIN_INFO};
  rp.renderPass = target_->scenePass();
  rp.framebuffer = target_->sceneFramebuffer();
  const VkRect2D scene_rect = sceneRect(glm::vec4(scene_area_.offset.x, scene_area_.offset.y, scene_area_.extent.width,
                                                 scene_area_.extent.height));
  rp.renderArea = scene_rect;
  if (target_->sceneDivisor() > 1) {
    // One more scene pixel around, cleared: the scale-up's linear filter reads it at the edges.
    const VkExtent2D se = target_->sceneExtent();
    const int32_t x0 = std::max(scene_rect.offset.x - 1, 0), y0 = std::max(scene_rect.offset.y - 1, 0);
    const int32_t x1 = std::min(scene_rect.offset.x + int32_t(scene_rect.extent.width) + 1, int32_t(se.width));
    const int32_t y1 = std::min(scene_rect.offset.y + int32_t(scene_rect.extent.height) + 1, int32_t(se.height));
    rp.renderArea = {{x0, y0}, {uint32_t(x1 - x0), uint32_t(y1 - y0)}};
  }
  rp.clearValueCount = 2;
  rp.pClearValues = clears;
  vkCmdBeginRenderPass(cmd, &rp, VK_SUBPASS_CONTENTS_INLINE);
  const uint32_t draws = drawViews(cmd, f, ranges, false);
  vkCmdEndRenderPass(cmd);
  if (fxaa_) {
    // Anti-aliasing: filter the scene's render area (its cleared border included) from the
    // scene colour into the colour image, or into the scene-size image the scale-up reads.
    // The overlay pass's scale-up draw sets its own viewport and scissor.
    VkImageMemoryBarrier b{VK_STRUCTURE_TYPE_IMAGE_MEMORY_BARRIER};
    b.srcAccessMask = VK_ACCESS_COLOR_ATTACHMENT_WRITE_BIT;
    b.dstAccessMask = VK_ACCESS_SHADER_READ_BIT;
    b.oldLayout = VK_IMAGE_LAYOUT_COLOR_ATTACHMENT_OPTIMAL;
    b.newLayout = VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL;
    b.srcQueueFamilyIndex = b.dstQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED;
    b.image = target_->sceneColour().image();
    b.subresourceRange = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 1, 0, 1};
    vkCmdPipelineBarrier(cmd, VK_PIPELINE_STAGE_COLOR_ATTACHMENT_OUTPUT_BIT, VK_PIPELINE_STAGE_FRAGMENT_SHADER_BIT, 0, 0,
                         nullptr, 0, nullptr, 1, &b);
    VkRenderPassBeginInfo ap{VK_STRUCTURE_TYPE_RENDER_PASS_BEGIN_INFO};
    ap.renderPass = target_->aaPass();
    ap.framebuffer = target_->aaFramebuffer();
    ap.renderArea = rp.renderArea;
    vkCmdBeginRenderPass(cmd, &ap, VK_SUBPASS_CONTENTS_INLINE);
    fxaa_->record(cmd, rp.renderArea, target_->sceneExtent());
    vkCmdEndRenderPass(cmd);
  }
  if (target_->sceneDivisor() > 1) {
    // The scaled scene is read by the scale-up in the overlay pass; the colour image is all
    // written there (scale-up, then clears around the scene's area), so its contents go.
    VkImageMemoryBarrier b[2]{};
    for (VkImageMemoryBarrier& x : b) {
      x = {VK_STRUCTURE_TYPE_IMAGE_MEMORY_BARRIER};
      x.srcQueueFamilyIndex = x.dstQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED;
      x.subresourceRange = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 1, 0, 1};
    }
    b[0].srcAccessMask = VK_ACCESS_COLOR_ATTACHMENT_WRITE_BIT;
    b[0].dstAccessMask = VK_ACCESS_SHADER_READ_BIT;
    b[0].oldLayout = VK_IMAGE_LAYOUT_COLOR_ATTACHMENT_OPTIMAL;
    b[0].newLayout = VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL;
    b[0].image = target_->sceneOutput().image();
    b[1].srcAccessMask = VK_ACCESS_TRANSFER_READ_BIT;  // the previous frame's copies out
    b[1].dstAccessMask = VK_ACCESS_COLOR_ATTACHMENT_READ_BIT | VK_ACCESS_COLOR_ATTACHMENT_WRITE_BIT;
    b[1].oldLayout = VK_IMAGE_LAYOUT_UNDEFINED;
    b[1].newLayout = VK_IMAGE_LAYOUT_COLOR_ATTACHMENT_OPTIMAL;
    b[1].image = target_->colour().image();
    vkCmdPipelineBarrier(cmd, VK_PIPELINE_STAGE_COLOR_ATTACHMENT_OUTPUT_BIT | VK_PIPELINE_STAGE_TRANSFER_BIT,
                         VK_PIPELINE_STAGE_FRAGMENT_SHADER_BIT | VK_PIPELINE_STAGE_COLOR_ATTACHMENT_OUTPUT_BIT, 0, 0,
                         nullptr, 0, nullptr, 2, b);
  }

  rp.renderPass = target_->overlayPass();
  rp.framebuffer = target_->overlayFramebuffer();
  rp.renderArea = {{0, 0}, e};
  rp.clearValueCount = 0;
  rp.pClearValues = nullptr;
  vkCmdBeginRenderPass(cmd, &rp, VK_SUBPASS_CONTENTS_INLINE);
  if (target_->sceneDivisor() > 1) {
    // Scale the scene's area up: a draw over its k-times rectangle (cheaper than a blit on
    // lavapipe), each pixel one linear read of the scene at 1/k.
    const uint32_t k = target_->sceneDivisor();
    const VkExtent2D se = target_->sceneExtent();
    const int32_t x0 = scene_rect.offset.x * int32_t(k), y0 = scene_rect.offset.y * int32_t(k);
    const int32_t x1 = std::min((scene_rect.offset.x + int32_t(scene_rect.extent.width)) * int32_t(k), int32_t(e.width));
    const int32_t y1 = std::min((scene_rect.offset.y + int32_t(scene_rect.extent.height)) * int32_t(k), int32_t(e.height));
    upscale_->record(cmd, {{x0, y0}, {uint32_t(x1 - x0), uint32_t(y1 - y0)}}, {se.width * k, se.height * k});
  }
  {
    // Outside the scene's render area (under panels) the target still holds an older
    // frame: clear it, so that panels are drawn over the clear colour.
    const VkRect2D a = scene_area_;
    const int32_t ax1 = a.offset.x + int32_t(a.extent.width), ay1 = a.offset.y + int32_t(a.extent.height);
    VkClearRect bands[4]{};
    uint32_t n = 0;
    auto band = [&](int32_t x0, int32_t y0, int32_t x1, int32_t y1) {
      if (x1 > x0 && y1 > y0) bands[n++] = {{{x0, y0}, {uint32_t(x1 - x0), uint32_t(y1 - y0)}}, 0, 1};
    };
    band(0, 0, int32_t(e.width), a.offset.y);           // above
    band(0, ay1, int32_t(e.width), int32_t(e.height));  // below
    band(0, a.offset.y, a.offset.x, ay1);               // left
    band(ax1, a.offset.y, int32_t(e.width), ay1);       // right
    if (n) {
      VkClearAttachment ca{VK_IMAGE_ASPECT_COLOR_BIT, 0, {}};
      ca.clearValue.color = clears[0].color;
      vkCmdClearAttachments(cmd, 1, &ca, n, bands);
    }
  }
  for (const Fill& fill : fills_) {  // panels' backgrounds, in the order given
    VkClearAttachment ca{VK_IMAGE_ASPECT_COLOR_BIT, 0, {}};
    for (int c = 0; c < 4; ++c) ca.clearValue.color.float32[c] = float((fill.colour >> (8 * c)) & 0xff) / 255.0f;
    vkCmdClearAttachments(cmd, 1, &ca, 1, &fill.rect);
  }
  stats_.imgui_draw_calls = static_cast<uint32_t>(imgui_->render(cmd));
  vkCmdEndRenderPass(cmd);
  stats_.draw_calls = draws;

  if (image >= 0) {
    VkImage dst = swapchain_->images()[image];
    VkImageMemoryBarrier b{VK_STRUCTURE_TYPE_IMAGE_MEMORY_BARRIER};
    b.srcAccessMask = 0;
    b.dstAccessMask = VK_ACCESS_TRANSFER_WRITE_BIT;
    b.oldLayout = VK_IMAGE_LAYOUT_UNDEFINED;
    b.newLayout = VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL;
    b.srcQueueFamilyIndex = b.dstQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED;
    b.image = dst;
    b.subresourceRange = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 1, 0, 1};
    vkCmdPipelineBarrier(cmd, VK_PIPELINE_STAGE_TRANSFER_BIT, VK_PIPELINE_STAGE_TRANSFER_BIT, 0, 0,
                         nullptr, 0, nullptr, 1, &b);
    VkExtent2D se = swapchain_->extent();
    VkImageBlit blit{};
    blit.srcSubresource = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 0, 1};
    blit.srcOffsets[1] = {int32_t(e.width), int32_t(e.height), 1};
    blit.dstSubresource = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 0, 1};
    blit.dstOffsets[1] = {int32_t(se.width), int32_t(se.height), 1};
    vkCmdBlitImage(cmd, target_->colour().image(), VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL, dst,
                   VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL, 1, &blit, VK_FILTER_NEAREST);
    b.srcAccessMask = VK_ACCESS_TRANSFER_WRITE_BIT;
    b.dstAccessMask = 0;
    b.oldLayout = VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL;
    b.newLayout = VK_IMAGE_LAYOUT_PRESENT_SRC_KHR;
    vkCmdPipelineBarrier(cmd, VK_PIPELINE_STAGE_TRANSFER_BIT, VK_PIPELINE_STAGE_BOTTOM_OF_PIPE_BIT,
                         0, 0, nullptr, 0, nullptr, 1, &b);
  }
  if (f.queries) vkCmdWriteTimestamp(cmd, VK_PIPELINE_STAGE_BOTTOM_OF_PIPE_BIT, f.queries, 1);
  VK_CHECK(vkEndCommandBuffer(cmd));
}

bool Renderer::endFrame() {
  if (!in_frame_) throw std::logic_error("engine: endFrame without a successful beginFrame");
  auto t0 = std::chrono::steady_clock::now();
  FrameData& f = *frames_[frame_index_];
  VkDevice d = device_->device();

  int image = -1;
  if (swapchain_) {
    uint32_t idx = 0;
    VkResult r = vkAcquireNextImageKHR(d, swapchain_->handle(), UINT64_MAX, f.acquired,
                                       VK_NULL_HANDLE, &idx);
    if (r == VK_ERROR_OUT_OF_DATE_KHR) {
      imgui_->discardFrame();
      in_frame_ = false;
      swapchain_dirty_ = true;
      return false;
    }
    if (r != VK_SUBOPTIMAL_KHR) VK_CHECK(r);
    if (r == VK_SUBOPTIMAL_KHR) swapchain_dirty_ = true;
    image = static_cast<int>(idx);
  }

  settleViews();
  std::vector<std::array<uint32_t, 8>>& ranges = ranges_;  // kept: no allocation per frame
  ranges.clear();
  buildInstances(f, ranges);
  if (!line_vertices_.empty())
    std::memcpy(f.lines.mapped(), line_vertices_.data(), line_vertices_.size() * sizeof(LineVertex));
  fillUniforms(f);
  emitLabels();
  settleVisibleParts();
  record(f, ranges, image);

  VK_CHECK(vkResetFences(d, 1, &f.fence));
  VkSubmitInfo si{VK_STRUCTURE_TYPE_SUBMIT_INFO};
  VkPipelineStageFlags wait_stage = VK_PIPELINE_STAGE_TRANSFER_BIT;
  VkSemaphore present_sem = VK_NULL_HANDLE;
  if (image >= 0) {
    present_sem = swapchain_->presentSemaphore(uint32_t(image));
    si.waitSemaphoreCount = 1;
    si.pWaitSemaphores = &f.acquired;
    si.pWaitDstStageMask = &wait_stage;
    si.signalSemaphoreCount = 1;
    si.pSignalSemaphores = &present_sem;
  }
  si.commandBufferCount = 1;
  si.pCommandBuffers = &f.cmd;
  VK_CHECK(vkQueueSubmit(device_->queue(), 1, &si, f.fence));
  f.queries_pending = f.queries != VK_NULL_HANDLE;

  if (image >= 0) {
    VkPresentInfoKHR pi{VK_STRUCTURE_TYPE_PRESENT_INFO_KHR};
    pi.waitSemaphoreCount = 1;
    pi.pWaitSemaphores = &present_sem;
    pi.swapchainCount = 1;
    VkSwapchainKHR sc = swapchain_->handle();
    pi.pSwapchains = &sc;
    uint32_t idx = uint32_t(image);
    pi.pImageIndices = &idx;
    VkResult r = vkQueuePresentKHR(device_->queue(), &pi);
    if (r == VK_ERROR_OUT_OF_DATE_KHR || r == VK_SUBOPTIMAL_KHR)
      swapchain_dirty_ = true;
    else
      VK_CHECK(r);
  }
  stats_.cpu_build_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  in_frame_ = false;
  has_frame_ = true;
  ++frames_finished_;
  frame_index_ = (frame_index_ + 1) % kFramesInFlight;
  return true;
}

bool Renderer::uiWantsPointer() const { return ImGui::GetIO().WantCaptureMouse; }

// [SECTION] size, picking, screenshots

void Renderer::resize(uint32_t width, uint32_t height) {
  if (in_frame_) throw std::logic_error("engine: resize inside a frame");
  if (window_) {
    window_->setSize(width, height);
    swapchain_dirty_ = true;
    return;
  }
  if (width == 0 || height == 0) throw std::invalid_argument("engine: resize to zero size");
  device_->waitIdle();
  target_->resize({width, height});
  bindImagePasses();
  has_frame_ = false;
  picked_frame_ = ~0ull;
}

// Redraws the last finished frame's meshes and lines into the pick-id image (single sample,
// with its own depth), from that frame's buffers, which stay untouched until its slot's next
// beginFrame; then reads one texel. Only on a pick: the frame itself draws no ids.
std::optional<InstanceId> Renderer::pick(int x, int y) {
  if (!has_frame_ || in_frame_) return std::nullopt;
  device_->waitIdle();
  if (picked_frame_ != frames_finished_) {
    FrameData& f = *frames_[(frame_index_ + kFramesInFlight - 1) % kFramesInFlight];
    VkFramebuffer fb = target_->pickFramebuffer();
    device_->runOnce([&](VkCommandBuffer cmd) {
      VkClearValue clears[2]{};
      clears[0].color.uint32[0] = kNoPickId.value;
      clears[1].depthStencil = {1.0f, 0};
      VkRenderPassBeginInfo rp{VK_STRUCTURE_TYPE_RENDER_PASS_BEGIN_INFO};
      rp.renderPass = target_->pickPass();
      rp.framebuffer = fb;
      rp.renderArea = {{0, 0}, target_->extent()};
      rp.clearValueCount = 2;
      rp.pClearValues = clears;
      vkCmdBeginRenderPass(cmd, &rp, VK_SUBPASS_CONTENTS_INLINE);
      drawViews(cmd, f, ranges_, true);
      vkCmdEndRenderPass(cmd);
    });
    picked_frame_ = frames_finished_;
  }
  return picker_->pick(*target_, x, y);
}

RgbaImage Renderer::screenshot() {
  if (!has_frame_ || in_frame_) return {};
  device_->waitIdle();
  return Screenshot::capture(*device_, *target_);
}

bool Renderer::saveScreenshot(const std::string& png_path) {
  RgbaImage img = screenshot();
  return img.width && Screenshot::savePng(png_path, img);
}

}  // namespace engine
