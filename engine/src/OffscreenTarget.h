// OffscreenTarget: where every frame is drawn, windowed or not: a colour image (RGBA8),
// a pick-id image (R32_UINT), a depth image, the two render passes that use them (scene:
// colour+id+depth; overlay: colour only, for labels and ImGui) and their framebuffers.
// After a frame the colour and id images are in TRANSFER_SRC layout, ready to be copied
// to a swapchain image, a screenshot or a pick. With more than one sample (anti-aliasing)
// the scene pass draws into multisampled colour, id and depth images and resolves colour
// and ids into the single-sample images at its end (ids: one sample's value, as integer
// images resolve). It must not record draws. Private to the engine (engine/src).
#pragma once

#include "GpuImage.h"

#include <vulkan/vulkan.h>

namespace engine {

class Device;

class OffscreenTarget {
 public:
  static constexpr VkFormat kColourFormat = VK_FORMAT_R8G8B8A8_UNORM;
  static constexpr VkFormat kIdFormat = VK_FORMAT_R32_UINT;
  static constexpr VkFormat kDepthFormat = VK_FORMAT_D32_SFLOAT;

  OffscreenTarget(const Device& dev, VkExtent2D extent, VkSampleCountFlagBits samples = VK_SAMPLE_COUNT_1_BIT);
  VkSampleCountFlagBits samples() const { return samples_; }
  ~OffscreenTarget();
  OffscreenTarget(const OffscreenTarget&) = delete;
  OffscreenTarget& operator=(const OffscreenTarget&) = delete;

  // Rebuilds images and framebuffers; the caller makes sure the GPU is not using them.
  void resize(VkExtent2D extent);

  VkExtent2D extent() const { return extent_; }
  VkRenderPass scenePass() const { return scene_pass_; }
  VkRenderPass overlayPass() const { return overlay_pass_; }
  VkFramebuffer sceneFramebuffer() const { return scene_fb_; }
  VkFramebuffer overlayFramebuffer() const { return overlay_fb_; }
  const GpuImage& colour() const { return colour_; }
  const GpuImage& ids() const { return ids_; }

 private:
  void createPasses();
  void createImages();
  void destroyImages();
  const Device& dev_;
  VkExtent2D extent_;
  VkRenderPass scene_pass_ = VK_NULL_HANDLE;
  VkRenderPass overlay_pass_ = VK_NULL_HANDLE;
  VkSampleCountFlagBits samples_;
  GpuImage colour_, ids_, depth_;
  GpuImage ms_colour_, ms_ids_;  // multisampled (samples_ > 1 only); depth_ is then multisampled
  VkFramebuffer scene_fb_ = VK_NULL_HANDLE;
  VkFramebuffer overlay_fb_ = VK_NULL_HANDLE;
};

}  // namespace engine
