// Window: GLFW window + surface + resize flag. No rendering.
#include <engine/Window.h>

#include "VkCheck.h"

#define GLFW_INCLUDE_VULKAN
#include <GLFW/glfw3.h>

#include <cstdio>
#include <stdexcept>

namespace engine {

void onFramebufferSize(GLFWwindow* w, int, int) {
  static_cast<Window*>(glfwGetWindowUserPointer(w))->resized_ = true;
}

void onScroll(GLFWwindow* w, double, double dy) {
  static_cast<Window*>(glfwGetWindowUserPointer(w))->wheel_ += static_cast<float>(dy);
}

namespace {
int g_glfw_users = 0;

void glfwErrorPrinter(int code, const char* what) {
  std::fprintf(stderr, "engine: GLFW error %d: %s\n", code, what);
}

void initGlfw() {
  if (g_glfw_users++ == 0) {
    glfwSetErrorCallback(glfwErrorPrinter);
    if (!glfwInit()) {
      g_glfw_users = 0;
      throw std::runtime_error("engine: glfwInit failed (no display? set DISPLAY or run offscreen)");
    }
    if (!glfwVulkanSupported()) {
      glfwTerminate();
      g_glfw_users = 0;
      throw std::runtime_error("engine: GLFW found no Vulkan loader");
    }
  }
}
}  // namespace

std::vector<const char*> Window::requiredInstanceExtensions() {
  initGlfw();
  uint32_t n = 0;
  const char** names = glfwGetRequiredInstanceExtensions(&n);
  std::vector<const char*> out(names, names + n);
  if (--g_glfw_users == 0) glfwTerminate();
  return out;
}

Window::Window(uint32_t width, uint32_t height, const std::string& title) {
  initGlfw();
  glfwWindowHint(GLFW_CLIENT_API, GLFW_NO_API);
  glfwWindowHint(GLFW_RESIZABLE, GLFW_TRUE);
  window_ = glfwCreateWindow(static_cast<int>(width), static_cast<int>(height), title.c_str(),
                             nullptr, nullptr);
  if (!window_) {
    if (--g_glfw_users == 0) glfwTerminate();
    throw std::runtime_error("engine: glfwCreateWindow failed");
  }
  glfwSetWindowUserPointer(window_, this);
  glfwSetFramebufferSizeCallback(window_, onFramebufferSize);
  // Installed before ImGui's GLFW backend, which chains to it.
  glfwSetScrollCallback(window_, onScroll);
}

Window::~Window() {
  if (window_) glfwDestroyWindow(window_);
  if (--g_glfw_users == 0) glfwTerminate();
}

void Window::createSurface(VkInstance instance) {
  VK_CHECK(glfwCreateWindowSurface(instance, window_, nullptr, &surface_));
}

void Window::destroySurface(VkInstance instance) {
  if (surface_) vkDestroySurfaceKHR(instance, surface_, nullptr);
  surface_ = VK_NULL_HANDLE;
}

bool Window::shouldClose() const { return glfwWindowShouldClose(window_); }
void Window::pollEvents() { glfwPollEvents(); }

VkExtent2D Window::framebufferSize() const {
  int w = 0, h = 0;
  glfwGetFramebufferSize(window_, &w, &h);
  return {static_cast<uint32_t>(w), static_cast<uint32_t>(h)};
}

bool Window::minimised() const {
  VkExtent2D e = framebufferSize();
  return e.width == 0 || e.height == 0 || glfwGetWindowAttrib(window_, GLFW_ICONIFIED);
}

bool Window::takeResized() {
  bool r = resized_;
  resized_ = false;
  return r;
}

PointerInput Window::pointer() {
  PointerInput p;
  double x = 0, y = 0;
  glfwGetCursorPos(window_, &x, &y);
  int ww = 0, wh = 0;
  glfwGetWindowSize(window_, &ww, &wh);
  VkExtent2D fb = framebufferSize();
  float sx = ww > 0 ? float(fb.width) / float(ww) : 1.0f, sy = wh > 0 ? float(fb.height) / float(wh) : 1.0f;
  p.cursor_px = {float(x) * sx, float(y) * sy};
  p.left = glfwGetMouseButton(window_, GLFW_MOUSE_BUTTON_LEFT) == GLFW_PRESS;
  p.right = glfwGetMouseButton(window_, GLFW_MOUSE_BUTTON_RIGHT) == GLFW_PRESS;
  p.middle = glfwGetMouseButton(window_, GLFW_MOUSE_BUTTON_MIDDLE) == GLFW_PRESS;
  p.wheel = wheel_;
  wheel_ = 0.0f;
  return p;
}

void Window::setSize(uint32_t width, uint32_t height) {
  glfwSetWindowSize(window_, static_cast<int>(width), static_cast<int>(height));
}

void Window::iconify() { glfwIconifyWindow(window_); }
void Window::restore() { glfwRestoreWindow(window_); }

}  // namespace engine
