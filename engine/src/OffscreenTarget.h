// OffscreenTarget: where every frame is drawn, windowed or not: a colour image (RGBA8),
// a depth image, the two render passes that use them (scene: colour+depth; overlay: colour
// only, for labels and ImGui) and their framebuffers; and, made on the first pick only, the
// pick pass: a pick-id image (R32_UINT) and its own single-sample depth, into which a pick
// redraws the last frame's meshes (ids are not drawn every frame: on a CPU rasteriser a
// second multisampled attachment, its clear and its resolve cost about a third of the frame).
// After a frame the colour image is in TRANSFER_SRC layout, ready to be copied to a
// swapchain image or a screenshot; after a pick pass the id image is. With more than one
// sample (anti-aliasing) the scene pass draws into multisampled colour and depth images and
// resolves colour into the single-sample image at its end. It must not record draws.
// With a pixel budget for the scene (scene_pixels_max), a large target's scene is drawn
// at 1/k of its size (k the smallest whole number that fits the budget) into a scene colour
// image (sampled), which the overlay pass's first draw scales up into the colour image;
// labels and ImGui stay at full size.
// With post-process anti-aliasing (fxaa), the scene is drawn (or resolved) into the scene
// colour image, which the AA pass reads (sampled) and filters into the colour image (full
// size) or, for a scaled scene, into a second scene-size image that is then scaled up.
// Private to the engine (engine/src).
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

  OffscreenTarget(const Device& dev, VkExtent2D extent, VkSampleCountFlagBits samples = VK_SAMPLE_COUNT_1_BIT,
                  uint32_t scene_pixels_max = 0, bool fxaa = false);
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
  VkRenderPass pickPass() const { return pick_pass_; }
  // The AA pass (fxaa only; else null): one colour attachment, its inside not loaded.
  bool fxaa() const { return fxaa_; }
  VkRenderPass aaPass() const { return aa_pass_; }
  VkFramebuffer aaFramebuffer() const { return aa_fb_; }
  // The pick pass's framebuffer; makes its images on first use (and after a resize).
  VkFramebuffer pickFramebuffer();
  const GpuImage& colour() const { return colour_; }
  // The scene's size and divisor (1: the scene is drawn into colour() at full size; k > 1:
  // into sceneColour() at 1/k, to be scaled up).
  VkExtent2D sceneExtent() const { return scene_extent_; }
  uint32_t sceneDivisor() const { return scene_divisor_; }
  // The image the scene pass draws (or resolves) into; the AA pass reads it.
  const GpuImage& sceneColour() const { return scene_divisor_ > 1 || fxaa_ ? scene_colour_ : colour_; }
  // The finished scene at scene size (what a scaled scene's scale-up reads).
  const GpuImage& sceneOutput() const { return fxaa_ && scene_divisor_ > 1 ? aa_colour_ : sceneColour(); }
  const GpuImage& ids() const { return ids_; }  // empty before the first pickFramebuffer()

 private:
  void createPasses();
  void createImages();
  void destroyImages();
  const Device& dev_;
  VkExtent2D extent_;
  uint32_t scene_pixels_max_ = 0;
  uint32_t scene_divisor_ = 1;
  bool fxaa_ = false;
  VkExtent2D scene_extent_{};
  VkRenderPass scene_pass_ = VK_NULL_HANDLE;
  VkRenderPass overlay_pass_ = VK_NULL_HANDLE;
  VkRenderPass pick_pass_ = VK_NULL_HANDLE;
  VkRenderPass aa_pass_ = VK_NULL_HANDLE;
  VkSampleCountFlagBits samples_;
  GpuImage colour_, ids_, depth_;
  GpuImage ms_colour_;  // multisampled (samples_ > 1 only); depth_ is then multisampled
  GpuImage pick_depth_;  // single-sample, with ids_ (pick pass only)
  GpuImage scene_colour_;  // the scene at 1/k (scene_divisor_ > 1), or at full size to be filtered (fxaa_)
  GpuImage aa_colour_;     // the filtered scene at 1/k (fxaa_ and scene_divisor_ > 1 only)
  VkFramebuffer scene_fb_ = VK_NULL_HANDLE;
  VkFramebuffer overlay_fb_ = VK_NULL_HANDLE;
  VkFramebuffer pick_fb_ = VK_NULL_HANDLE;
  VkFramebuffer aa_fb_ = VK_NULL_HANDLE;
};

}  // namespace engine
