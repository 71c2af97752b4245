// Renderer: frame orchestration. Sections: construction and shutdown, the frame
// (begin, submissions, build, record, submit/present), size, picking and screenshots.
// It must not contain domain knowledge; everything drawn comes from the app's calls.
#include <engine/Renderer.h>

#include <engine/Window.h>

#include "FrameData.h"
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

namespace engine {

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
  target_ = std::make_unique<OffscreenTarget>(*device_, extent);
  pipelines_ = std::make_unique<PipelineSet>(*device_, target_->scenePass());
  meshes_ = std::make_unique<MeshPool>(*device_);
  picker_ = std::make_unique<Picker>(*device_);
  imgui_ = std::make_unique<ImGuiLayer>(*device_, target_->overlayPass(),
                                        window_ ? window_->handle() : nullptr, kFramesInFlight);

  VkDevice d = device_->device();
  VkDescriptorPoolSize ps{VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER, kFramesInFlight};
  VkDescriptorPoolCreateInfo pci{VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO};
  pci.maxSets = kFramesInFlight;
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
    f.uniforms = GpuBuffer(*device_, sizeof(FrameUniforms), VK_BUFFER_USAGE_UNIFORM_BUFFER_BIT, true);
    VkDescriptorSetLayout sl = pipelines_->setLayout();
    VkDescriptorSetAllocateInfo dai{VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO};
    dai.descriptorPool = descriptor_pool_;
    dai.descriptorSetCount = 1;
    dai.pSetLayouts = &sl;
    VK_CHECK(vkAllocateDescriptorSets(d, &dai, &f.set));
    VkDescriptorBufferInfo bi{f.uniforms.buffer(), 0, sizeof(FrameUniforms)};
    VkWriteDescriptorSet w{VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET};
    w.dstSet = f.set;
    w.dstBinding = 0;
    w.descriptorCount = 1;
    w.descriptorType = VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER;
    w.pBufferInfo = &bi;
    vkUpdateDescriptorSets(d, 1, &w, 0, nullptr);
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
  pipelines_.reset();
  target_.reset();
  swapchain_.reset();
  if (window_) window_->destroySurface(device_->instance());
  device_.reset();
  window_.reset();
}

VkExtent2D Renderer::extent() const { return target_->extent(); }
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
  has_frame_ = false;
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
  // Horizontal unit normal of segment i (from pts[i] to pts[i+1]).
  auto side = [&](size_t i) {
    glm::vec3 d = pts[(i + 1) % n] - pts[i];
    glm::vec3 s(-d.z, 0.0f, d.x);
    float len = glm::length(s);
    return len > 1e-6f ? s / len : glm::vec3(1, 0, 0);
  };
  size_t segments = closed ? n : n - 1;
  // Offsets at each point: mitred between neighbouring segments, limited to 4x the width.
  std::vector<glm::vec3>& offset = polyline_offsets_;  // scratch kept between calls
  offset.resize(closed ? n + 1 : n);
  for (size_t i = 0; i < offset.size(); ++i) {
    size_t p = i % n;
    bool has_prev = closed || i > 0;
    bool has_next = closed || i + 1 < n;
    glm::vec3 s_prev = has_prev ? side((p + n - 1) % n) : side(p);
    glm::vec3 s_next = has_next ? side(p) : s_prev;
    glm::vec3 m = s_prev + s_next;
    float ml = glm::length(m);
    m = ml > 1e-6f ? m / ml : s_next;
    float scale = 1.0f / std::max(glm::dot(m, s_next), 0.25f);
    offset[i] = m * half * scale;
  }
  for (size_t i = 0; i < segments; ++i) {
    glm::vec3 a = pts[i], b = pts[(i + 1) % n];
    glm::vec3 oa = offset[i], ob = offset[i + 1];
    LineVertex q[4] = {{a - oa, colour}, {a + oa, colour}, {b + ob, colour}, {b - ob, colour}};
    for (int k : {0, 1, 2, 0, 2, 3}) line_vertices_.push_back(q[k]);
  }
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
  FrameUniforms u{};
  u.view_proj = camera_.viewProj(viewport());
  u.camera_pos = glm::vec4(camera_.eye(), 1.0f);
  const Lighting& l = cfg_.lighting;
  u.light_dir = glm::vec4(glm::normalize(l.direction), 0.0f);
  u.light_colour = glm::vec4(l.colour, l.intensity);
  u.ambient = glm::vec4(l.ambient, 0.0f);
  const GroundStyle& g = cfg_.ground;
  u.ground_colour = glm::vec4(g.colour, g.grid_darkening);
  u.ground_params = glm::vec4(g.half_size_m, g.grid_spacing_m, g.grid_line_m, g.height_m);
  u.fog = glm::vec4(l.fog_colour, l.fog_density_per_m);
  std::memcpy(f.uniforms.mapped(), &u, sizeof(u));
}

// Culls instances and sorts them by level of detail into the frame's instance buffer, so
// each mesh kind needs at most three draws whatever the count. Each kind gets a region of
// twice its instance count: full detail fills the first half from the front, the middle
// level from the back, boxes fill the second half from the front.
// ranges: {mesh, first full, full, first mid, mid, first box, box}.
size_t Renderer::buildInstances(FrameData& f, std::vector<std::array<uint32_t, 7>>& ranges) {
  per_mesh_.assign(meshes_->size(), 0);
  size_t total = 0;
  for (const Submission& s : submissions_) {
    per_mesh_[s.mesh.value] += static_cast<uint32_t>(s.instances.size());
    total += s.instances.size();
  }
  stats_.instances_submitted = static_cast<uint32_t>(total);
  ensureCapacity(f, 2 * total * sizeof(Instance), line_vertices_.size() * sizeof(LineVertex));
  stats_.instances_full = stats_.instances_mid = stats_.instances_lod = 0;
  stats_.instances_culled = 0;
  if (total == 0) return 0;

  const glm::mat4 vp = camera_.viewProj(viewport());
  auto row = [&](int i) { return glm::vec4(vp[0][i], vp[1][i], vp[2][i], vp[3][i]); };
  glm::vec4 planes[6] = {row(3) + row(0), row(3) - row(0), row(3) + row(1),
                         row(3) - row(1), row(2) /* near, depth 0..1 */, row(3) - row(2)};
  for (glm::vec4& p : planes) p /= glm::length(glm::vec3(p));
  const glm::vec3 eye = camera_.eye();
  // A sphere of radius R at distance d spans about R * k / d pixels across, k below.
  const float k = viewport().y / std::tan(glm::radians(camera_.fovYDeg()) * 0.5f);
  const float detail_px = std::max(cfg_.lod_detail_pixels, cfg_.lod_min_pixels);
  const float min_px = std::max(cfg_.lod_min_pixels, 0.0f);

  Instance* out = static_cast<Instance*>(f.instances.mapped());
  uint32_t base = 0;
  for (uint32_t m = 0; m < per_mesh_.size(); ++m) {
    const uint32_t n = per_mesh_[m];
    if (!n) continue;
    const Mesh& mesh = meshes_->mesh(MeshId{m});
    // Squared distances (for a unit-scale instance) beyond which a level is too small.
    const float full_d = mesh.radius_m * k / detail_px, box_d = mesh.radius_m * k / std::max(min_px, 1e-3f);
    const float full_d2 = full_d * full_d, box_d2 = box_d * box_d;
    uint32_t front = base, back = base + n, box = base + n;
    for (const Submission& s : submissions_) {
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
    ranges.push_back({m, base, full, back, mid, base + n, boxes});
    stats_.instances_full += full;
    stats_.instances_mid += mid;
    stats_.instances_lod += boxes;
    base += 2 * n;
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

void Renderer::emitLabels() {
  stats_.labels = 0;
  stats_.labels_under_panels = 0;
  label_boxes_.clear();
  if (labels_.empty()) return;
  ImDrawList* dl = ImGui::GetBackgroundDrawList();
  ImFont* font = imgui_->labelFont();
  const float size = font->FontSize;
  const glm::vec2 vpx = viewport();
  const std::vector<ImRect> panels = windowRects();
  for (const Label& l : labels_) {
    auto p = camera_.project(l.anchor, vpx);
    if (!p || p->z < 0.0f || p->z > 1.0f) continue;
    ImVec2 ts = font->CalcTextSizeA(size, 1e9f, 0.0f, l.text.c_str());
    float x = std::floor(p->x - ts.x * 0.5f), y = std::floor(p->y - ts.y - 8.0f);
    if (x > vpx.x || y > vpx.y || x + ts.x < 0 || y + ts.y < 0) continue;
    const ImRect box(x - 4, y - 2, x + ts.x + 4, std::max(y + ts.y + 2, p->y));
    bool under = false;
    for (const ImRect& r : panels) under = under || r.Overlaps(box);
    if (under) {
      ++stats_.labels_under_panels;
      continue;
    }
    label_boxes_.push_back({box.Min.x, box.Min.y, box.Max.x, box.Max.y, l.text});
    dl->AddLine(ImVec2(p->x, p->y), ImVec2(p->x, y + ts.y + 2.0f), IM_COL32(20, 20, 20, 200), 2.0f);
    dl->AddRectFilled(ImVec2(x - 4, y - 2), ImVec2(x + ts.x + 4, y + ts.y + 2),
                      IM_COL32(20, 24, 30, 190), 3.0f);
    dl->AddText(font, size, ImVec2(x, y), l.colour, l.text.c_str());
    ++stats_.labels;
  }
}

void Renderer::record(FrameData& f, const std::vector<std::array<uint32_t, 7>>& ranges, int image) {
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
  VkClearValue clears[3]{};
  clears[0].color = {{cfg_.clear_colour.r, cfg_.clear_colour.g, cfg_.clear_colour.b, 1.0f}};
  clears[1].color.uint32[0] = kNoPickId.value;
  clears[2].depthStencil = {1.0f, 0};
  VkRenderPassBeginInfo rp{VK_STRUCTURE_TYPE_RENDER_PASS_BEGIN_INFO};
  rp.renderPass = target_->scenePass();
  rp.framebuffer = target_->sceneFramebuffer();
  rp.renderArea = {{0, 0}, e};
  rp.clearValueCount = 3;
  rp.pClearValues = clears;
  vkCmdBeginRenderPass(cmd, &rp, VK_SUBPASS_CONTENTS_INLINE);
  VkViewport vp{0, 0, float(e.width), float(e.height), 0.0f, 1.0f};
  VkRect2D sc{{0, 0}, e};
  vkCmdSetViewport(cmd, 0, 1, &vp);
  vkCmdSetScissor(cmd, 0, 1, &sc);
  vkCmdBindDescriptorSets(cmd, VK_PIPELINE_BIND_POINT_GRAPHICS, pipelines_->layout(), 0, 1, &f.set,
                          0, nullptr);
  uint32_t draws = 0;
  if (!ranges.empty()) {
    vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_GRAPHICS, pipelines_->mesh());
    for (const auto& [m, first_full, full, first_mid, mid, first_box, boxes] : ranges) {
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
  if (!line_vertices_.empty()) {
    vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_GRAPHICS, pipelines_->line());
    VkDeviceSize off = 0;
    VkBuffer lb = f.lines.buffer();
    vkCmdBindVertexBuffers(cmd, 0, 1, &lb, &off);
    vkCmdDraw(cmd, static_cast<uint32_t>(line_vertices_.size()), 1, 0, 0);
    ++draws;
  }
  // The ground goes last: the depth test then skips shading it under everything above it
  // (lines win through their depth bias), which matters on CPU rasterisers.
  if (cfg_.ground.visible) {
    vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_GRAPHICS, pipelines_->ground());
    vkCmdDraw(cmd, 6, 1, 0, 0);
    ++draws;
  }
  vkCmdEndRenderPass(cmd);

  rp.renderPass = target_->overlayPass();
  rp.framebuffer = target_->overlayFramebuffer();
  rp.clearValueCount = 0;
  rp.pClearValues = nullptr;
  vkCmdBeginRenderPass(cmd, &rp, VK_SUBPASS_CONTENTS_INLINE);
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

  std::vector<std::array<uint32_t, 7>>& ranges = ranges_;  // kept: no allocation per frame
  ranges.clear();
  buildInstances(f, ranges);
  if (!line_vertices_.empty())
    std::memcpy(f.lines.mapped(), line_vertices_.data(), line_vertices_.size() * sizeof(LineVertex));
  fillUniforms(f);
  emitLabels();
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
  has_frame_ = false;
}

std::optional<InstanceId> Renderer::pick(int x, int y) {
  if (!has_frame_ || in_frame_) return std::nullopt;
  device_->waitIdle();
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
