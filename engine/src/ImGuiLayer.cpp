// ImGuiLayer: ImGui context, backends, font atlas (built from the app's font files, or
// ImGui's own), upload, frame begin/end. No UI of its own.
#include "ImGuiLayer.h"

#include <engine/Device.h>
#include "VkCheck.h"

#include <imgui.h>
#include <imgui_impl_glfw.h>
#include <imgui_impl_vulkan.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <vector>

namespace engine {
namespace {
void checkVk(VkResult r) {
  if (r != VK_SUCCESS) vkFail(r, "ImGui Vulkan backend", __FILE__, __LINE__);
}

// The ranges (0-terminated pairs, ImGui's form) of `ranges` and the characters of `text`.
std::vector<ImWchar> glyphRanges(const std::vector<std::pair<uint32_t, uint32_t>>& ranges, const std::string& text) {
  ImFontGlyphRangesBuilder b;
  for (const auto& [lo, hi] : ranges)
    for (uint32_t c = lo; c <= hi && c <= 0xFFFF; ++c) b.AddChar(static_cast<ImWchar>(c));
  if (!text.empty()) b.AddText(text.c_str());
  ImVector<ImWchar> built;
  b.BuildRanges(&built);
  return std::vector<ImWchar>(built.begin(), built.end());
}

std::vector<char> readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::vector<char>(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}
}  // namespace

ImGuiLayer::ImGuiLayer(const Device& dev, VkRenderPass overlay_pass, GLFWwindow* window,
                       uint32_t frames_in_flight)
    : dev_(dev), overlay_pass_(overlay_pass), frames_in_flight_(frames_in_flight) {
  VkDescriptorPoolSize sizes[] = {{VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER, 4}};
  VkDescriptorPoolCreateInfo pci{VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO};
  pci.flags = VK_DESCRIPTOR_POOL_CREATE_FREE_DESCRIPTOR_SET_BIT;
  pci.maxSets = 4;
  pci.poolSizeCount = 1;
  pci.pPoolSizes = sizes;
  VK_CHECK(vkCreateDescriptorPool(dev.device(), &pci, nullptr, &pool_));

  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  ImGuiIO& io = ImGui::GetIO();
  io.IniFilename = nullptr;  // no imgui.ini next to the program; the app stores its layout
  buildAtlas(fonts_);
  ImGui::StyleColorsDark();

  if (window) {
    ImGui_ImplGlfw_InitForVulkan(window, true);
    glfw_ = true;
  }
  initBackend();
  uploadAtlas();
}

void ImGuiLayer::initBackend() {
  ImGui_ImplVulkan_InitInfo ii{};
  ii.Instance = dev_.instance();
  ii.PhysicalDevice = dev_.physical();
  ii.Device = dev_.device();
  ii.QueueFamily = dev_.queueFamily();
  ii.Queue = dev_.queue();
  ii.DescriptorPool = pool_;
  ii.Subpass = 0;
  ii.MinImageCount = frames_in_flight_;
  ii.ImageCount = frames_in_flight_;
  ii.MSAASamples = VK_SAMPLE_COUNT_1_BIT;
  ii.CheckVkResultFn = checkVk;
  ImGui_ImplVulkan_Init(&ii, overlay_pass_);
}

void ImGuiLayer::uploadAtlas() {
  dev_.runOnce([](VkCommandBuffer cmd) { ImGui_ImplVulkan_CreateFontsTexture(cmd); });
  ImGui_ImplVulkan_DestroyFontUploadObjects();
  ImFontAtlas* atlas = ImGui::GetIO().Fonts;
  atlas_size_ = {atlas->TexWidth, atlas->TexHeight};
  atlas->ClearInputData();  // the glyphs are in the texture: the font files' bytes can go
  atlas->ClearTexData();
  ranges_.clear();
  font_bytes_.clear();
}

// [SECTION] the atlas: one ImFont per size class, each the files merged in order.
void ImGuiLayer::buildAtlas(const UiFonts& f) {
  ImFontAtlas* atlas = ImGui::GetIO().Fonts;
  atlas->Clear();
  if (f.files.empty()) {  // ImGui's built-in font; labels rasterised larger
    ImFont* body = atlas->AddFontDefault();
    ImFontConfig label_cfg;
    label_cfg.SizePixels = 13.0f * 1.5f;
    label_cfg.OversampleH = label_cfg.OversampleV = 1;
    label_cfg.PixelSnapH = true;
    ImFont* label = atlas->AddFontDefault(&label_cfg);
    fonts_by_role_ = {body, body, body, label};
    return;
  }
  ranges_.clear();
  font_bytes_.clear();
  for (const UiFontFile& file : f.files) font_bytes_.push_back(readFile(file.path));
  const float sizes[4] = {f.body_px, f.heading_px, f.figure_px, f.label_px};
  for (size_t role = 0; role < 4; ++role) {
    ImFont* font = nullptr;
    for (size_t i = 0; i < f.files.size(); ++i) {
      const UiFontFile& file = f.files[i];
      const bool figure = role == static_cast<size_t>(UiFontRole::Figure);
      if (figure && i > 0) continue;  // large figures: the first face's digits and Latin only
      ranges_.push_back(figure ? glyphRanges(f.figure_ranges, {}) : glyphRanges(file.ranges, file.glyphs_utf8));
      ImFontConfig cfg;
      cfg.FontDataOwnedByAtlas = false;
      cfg.FontNo = file.face_index;
      cfg.MergeMode = i > 0;
      cfg.OversampleH = cfg.OversampleV = 1;
      cfg.PixelSnapH = true;
      std::snprintf(cfg.Name, sizeof cfg.Name, "role %zu %.0f px", role, static_cast<double>(sizes[role]));
      ImFont* added = atlas->AddFontFromMemoryTTF(font_bytes_[i].data(), static_cast<int>(font_bytes_[i].size()),
                                                  std::round(sizes[role] * (i > 0 ? file.size_scale : 1.0f)), &cfg,
                                                  ranges_.back().data());
      if (!font) font = added;
    }
    fonts_by_role_[role] = font;
  }
}

std::string ImGuiLayer::setFonts(const UiFonts& fonts) {
  for (const UiFontFile& file : fonts.files) {
    std::ifstream in(file.path, std::ios::binary);
    char magic[4] = {};
    if (!in || !in.read(magic, 4)) return "cannot read the font file " + file.path;
  }
  if (fonts == fonts_ && !pending_) return {};
  pending_ = fonts;
  return {};
}

ImGuiLayer::~ImGuiLayer() {
  dev_.waitIdleQuietly();
  if (in_frame_) ImGui::EndFrame();
  ImGui_ImplVulkan_Shutdown();
  if (glfw_) ImGui_ImplGlfw_Shutdown();
  ImGui::DestroyContext();
  vkDestroyDescriptorPool(dev_.device(), pool_, nullptr);
}

void ImGuiLayer::newFrame(VkExtent2D extent) {
  if (pending_) {  // a new atlas: nothing in flight may still sample the old one
    dev_.waitIdleQuietly();
    ImGui_ImplVulkan_Shutdown();
    VK_CHECK(vkResetDescriptorPool(dev_.device(), pool_, 0));
    fonts_ = *pending_;
    pending_.reset();
    buildAtlas(fonts_);
    ImGui::GetIO().FontDefault = fonts_by_role_[0];
    initBackend();
    uploadAtlas();
  }
  ImGui_ImplVulkan_NewFrame();
  if (glfw_) {
    ImGui_ImplGlfw_NewFrame();
  } else {
    ImGuiIO& io = ImGui::GetIO();
    io.DisplaySize = ImVec2(float(extent.width), float(extent.height));
    io.DisplayFramebufferScale = ImVec2(1, 1);
    io.DeltaTime = 1.0f / 60.0f;
  }
  ImGui::NewFrame();
  in_frame_ = true;
}

int ImGuiLayer::render(VkCommandBuffer cmd) {
  ImGui::Render();
  in_frame_ = false;
  ImDrawData* dd = ImGui::GetDrawData();
  int draws = 0;
  for (int i = 0; i < dd->CmdListsCount; ++i) draws += dd->CmdLists[i]->CmdBuffer.Size;
  ImGui_ImplVulkan_RenderDrawData(dd, cmd);
  return draws;
}

void ImGuiLayer::discardFrame() {
  if (in_frame_) ImGui::EndFrame();
  in_frame_ = false;
}

}  // namespace engine
