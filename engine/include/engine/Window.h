// Window: a GLFW window for Vulkan (no client API), its surface, and the input state the
// app and ImGui read. It must not render or own any Vulkan object besides the surface.
#pragma once

#include <engine/CameraController.h>

#include <vulkan/vulkan.h>

#include <cstdint>
#include <string>
#include <vector>

struct GLFWwindow;

namespace engine {

class Window {
 public:
  Window(uint32_t width, uint32_t height, const std::string& title);
  ~Window();
  Window(const Window&) = delete;
  Window& operator=(const Window&) = delete;

  // Instance extensions GLFW needs for surfaces.
  static std::vector<const char*> requiredInstanceExtensions();

  void createSurface(VkInstance instance);
  void destroySurface(VkInstance instance);
  VkSurfaceKHR surface() const { return surface_; }

  GLFWwindow* handle() const { return window_; }
  bool shouldClose() const;
  void pollEvents();
  // Framebuffer size in pixels; 0x0 while minimised.
  VkExtent2D framebufferSize() const;
  bool minimised() const;
  // True once after the framebuffer size changed.
  bool takeResized();
  // Cursor, buttons and the wheel notches since the last call (framebuffer pixels).
  PointerInput pointer();
  void setSize(uint32_t width, uint32_t height);
  void iconify();
  void restore();

 private:
  GLFWwindow* window_ = nullptr;
  VkSurfaceKHR surface_ = VK_NULL_HANDLE;
  bool resized_ = false;
  float wheel_ = 0.0f;
  friend void onFramebufferSize(GLFWwindow*, int, int);
  friend void onScroll(GLFWwindow*, double, double);
};

}  // namespace engine
