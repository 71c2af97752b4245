// FxaaPass: the post-process anti-aliasing of the 3D scene (shaders/fxaa.vert, fxaa.frag):
// its pipeline, sampler and the descriptor set that reads the scene's colour image. It
// records one full-screen triangle, scissored to the scene's render area, into a render pass
// the OffscreenTarget owns. Labels, ImGui and pick ids never go through it. It must not own
// images or render passes. Private to the engine (engine/src).
#pragma once

#include <vulkan/vulkan.h>

namespace engine {

class Device;

class FxaaPass {
 public:
  FxaaPass(const Device& dev, VkRenderPass pass);
  ~FxaaPass();
  FxaaPass(const FxaaPass&) = delete;
  FxaaPass& operator=(const FxaaPass&) = delete;

  // The image the pass reads (in SHADER_READ_ONLY_OPTIMAL when recorded); call again after
  // the target's images were rebuilt, while the GPU does not use the set.
  void setSource(VkImageView scene_colour);
  // Inside the target's AA render pass: filters area (scene pixels) of a source of size extent.
  void record(VkCommandBuffer cmd, VkRect2D area, VkExtent2D extent) const;

 private:
  const Device& dev_;
  VkSampler sampler_ = VK_NULL_HANDLE;
  VkDescriptorSetLayout set_layout_ = VK_NULL_HANDLE;
  VkDescriptorPool pool_ = VK_NULL_HANDLE;
  VkDescriptorSet set_ = VK_NULL_HANDLE;
  VkPipelineLayout layout_ = VK_NULL_HANDLE;
  VkPipeline pipeline_ = VK_NULL_HANDLE;
};

}  // namespace engine
