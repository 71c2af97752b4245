// ImagePass: a full-screen pass that reads one image (a sampler, linear filter, clamped) with
// a fragment shader: the scene's anti-aliasing (shaders/fxaa.frag) and a scaled scene's
// scale-up (shaders/upscale.frag). It owns the pipeline, the sampler and the descriptor set,
// and records one triangle (shaders/fxaa.vert) scissored to an area, into a render pass the
// OffscreenTarget owns. Labels, ImGui and pick ids never go through it. It must not own
// images or render passes. Private to the engine (engine/src).
#pragma once

#include <vulkan/vulkan.h>

namespace engine {

class Device;

class ImagePass {
 public:
  // fragment: the embedded SPIR-V's name (e.g. "fxaa.frag.spv").
  ImagePass(const Device& dev, VkRenderPass pass, const char* fragment);
  ~ImagePass();
  ImagePass(const ImagePass&) = delete;
  ImagePass& operator=(const ImagePass&) = delete;

  // The image the pass reads (in SHADER_READ_ONLY_OPTIMAL when recorded); call again after
  // the target's images were rebuilt, while the GPU does not use the set.
  void setSource(VkImageView source);
  // Inside the render pass: draws area (target pixels; the pass's framebuffer is extent). The
  // shader gets texel = 1 / (extent) and clamp_uv = area's outermost texel centres, in uv.
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
