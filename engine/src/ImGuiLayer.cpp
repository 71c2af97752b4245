// ImGuiLayer: ImGui context, backends, font upload, frame begin/end. No UI of its own.
#include "ImGuiLayer.h"

#include <engine/Device.h>
#include "VkCheck.h"

#include <imgui.h>
#include <imgui_impl_glfw.h>
#include <imgui_impl_vulkan.h>

namespace engine {
namespace {
void checkVk(VkResult r) {
  if (r != VK_SUCCESS) vkFail(r, "ImGui Vulkan backend", __FILE__, __LINE__);
}
}  // namespace

ImGuiLayer::ImGuiLayer(const Device& dev, VkRenderPass overlay_pass, GLFWwindow* window,
                       uint32_t frames_in_flight)
    : dev_(dev) {
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
  io.Fonts->AddFontDefault();
  ImFontConfig label_cfg;
  label_cfg.SizePixels = 13.0f * 1.5f;  // labels: the default font, rasterised larger
  label_cfg.OversampleH = label_cfg.OversampleV = 1;
  label_cfg.PixelSnapH = true;
  label_font_ = io.Fonts->AddFontDefault(&label_cfg);
  ImGui::StyleColorsDark();

  if (window) {
    ImGui_ImplGlfw_InitForVulkan(window, true);
    glfw_ = true;
  }
  ImGui_ImplVulkan_InitInfo ii{};
  ii.Instance = dev.instance();
  ii.PhysicalDevice = dev.physical();
  ii.Device = dev.device();
  ii.QueueFamily = dev.queueFamily();
  ii.Queue = dev.queue();
  ii.DescriptorPool = pool_;
  ii.Subpass = 0;
  ii.MinImageCount = frames_in_flight;
  ii.ImageCount = frames_in_flight;
  ii.MSAASamples = VK_SAMPLE_COUNT_1_BIT;
  ii.CheckVkResultFn = checkVk;
  ImGui_ImplVulkan_Init(&ii, overlay_pass);
  dev.runOnce([](VkCommandBuffer cmd) { ImGui_ImplVulkan_CreateFontsTexture(cmd); });
  ImGui_ImplVulkan_DestroyFontUploadObjects();
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
