// ImGuiLayer: Dear ImGui on top of the frame, with the Vulkan and GLFW backends Debian
// ships. Owns the ImGui context and its descriptor pool. Offscreen it feeds ImGui a fixed
// display size and time step so frames are reproducible. It must not draw anything itself;
// the app (and the renderer's labels) add to ImGui between beginFrame and endFrame.
// Private to the engine (engine/src): apps call ImGui:: directly.
#pragma once

#include <vulkan/vulkan.h>

struct GLFWwindow;
struct ImFont;

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

  void newFrame(VkExtent2D extent);
  // Ends the ImGui frame and records its draw data into cmd (inside the overlay pass).
  // Returns the number of ImGui draw commands.
  int render(VkCommandBuffer cmd);
  // Ends the ImGui frame without drawing (a frame that was skipped).
  void discardFrame();
  ImFont* labelFont() const { return label_font_; }

 private:
  const Device& dev_;
  VkDescriptorPool pool_ = VK_NULL_HANDLE;
  bool glfw_ = false;
  bool in_frame_ = false;
  ImFont* label_font_ = nullptr;
};

}  // namespace engine
