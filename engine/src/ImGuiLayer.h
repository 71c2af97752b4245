// ImGuiLayer: Dear ImGui on top of the frame, with the Vulkan and GLFW backends Debian
// ships. Owns the ImGui context, its descriptor pool and the font atlas: ImGui's built-in
// font until the app names font files (UiFonts); a new set is built and uploaded at the
// start of the next frame (after the GPU is idle), so the app may change it when the
// framebuffer's size changes. Offscreen it feeds ImGui a fixed display size and time step
// so frames are reproducible. It must not draw anything itself; the app (and the
// renderer's labels) add to ImGui between beginFrame and endFrame.
// Private to the engine (engine/src): apps call ImGui:: directly.
#pragma once

#include <engine/UiFonts.h>

#include <imgui.h>
#include <vulkan/vulkan.h>

#include <array>
#include <deque>
#include <optional>
#include <string>
#include <vector>

struct GLFWwindow;

namespace engine {

class Device;

class ImGuiLayer {
 public:
  // window may be null (offscreen); frames_in_flight >= 2.
  ImGuiLayer(const Device& dev, VkRenderPass overlay_pass, GLFWwindow* window,
             uint32_t frames_in_flight);
  ~ImGuiLayer();
  ImGuiLayer(const ImGuiLayer&) = delete;
  ImGuiLayer& operator=(const ImGuiLayer&) = delete;

  // Checks the files exist and can be read; "" when they can, else why not (the fonts are
  // then left as they are). The atlas is rebuilt at the next newFrame.
  std::string setFonts(const UiFonts& fonts);
  const UiFonts& fonts() const { return fonts_; }
  void newFrame(VkExtent2D extent);
  // Ends the ImGui frame and records its draw data into cmd (inside the overlay pass).
  // Returns the number of ImGui draw commands.
  int render(VkCommandBuffer cmd);
  // Ends the ImGui frame without drawing (a frame that was skipped).
  void discardFrame();
  ImFont* labelFont() const { return font(UiFontRole::Label); }
  ImFont* font(UiFontRole role) const { return fonts_by_role_[static_cast<size_t>(role)]; }
  // Width and height of the font atlas in texels (for tests and benchmarks).
  std::array<int, 2> atlasSize() const { return atlas_size_; }

 private:
  void buildAtlas(const UiFonts& fonts);
  void uploadAtlas();
  void initBackend();

  const Device& dev_;
  VkRenderPass overlay_pass_;
  uint32_t frames_in_flight_;
  VkDescriptorPool pool_ = VK_NULL_HANDLE;
  bool glfw_ = false;
  bool in_frame_ = false;
  UiFonts fonts_;
  std::optional<UiFonts> pending_;
  std::array<ImFont*, 4> fonts_by_role_{};
  std::array<int, 2> atlas_size_{};
  // What ImGui reads when it builds the atlas (at upload): kept until then.
  std::deque<std::vector<ImWchar>> ranges_;
  std::vector<std::vector<char>> font_bytes_;
};

}  // namespace engine
