// OffscreenTarget: images, render passes and framebuffers of the frame. No draws.
#include "OffscreenTarget.h"

#include <engine/Device.h>
#include "VkCheck.h"

namespace engine {

OffscreenTarget::OffscreenTarget(const Device& dev, VkExtent2D extent, VkSampleCountFlagBits samples,
                                 uint32_t scene_pixels_max, bool fxaa)
    : dev_(dev), extent_(extent), scene_pixels_max_(scene_pixels_max), fxaa_(fxaa), samples_(samples) {
  createPasses();
  createImages();
}

OffscreenTarget::~OffscreenTarget() {
  destroyImages();
  vkDestroyRenderPass(dev_.device(), scene_pass_, nullptr);
  vkDestroyRenderPass(dev_.device(), overlay_pass_, nullptr);
  vkDestroyRenderPass(dev_.device(), pick_pass_, nullptr);
  vkDestroyRenderPass(dev_.device(), aa_pass_, nullptr);
}

void OffscreenTarget::resize(VkExtent2D extent) {
  destroyImages();
  extent_ = extent;
  createImages();
}

void OffscreenTarget::createPasses() {
  // Scene: clear colour and depth; colour stays an attachment for the overlay pass.
  const bool ms = samples_ != VK_SAMPLE_COUNT_1_BIT;
  VkAttachmentDescription att[3]{};
  att[0].format = kColourFormat;
  att[0].samples = VK_SAMPLE_COUNT_1_BIT;
  att[0].loadOp = VK_ATTACHMENT_LOAD_OP_CLEAR;
  att[0].storeOp = VK_ATTACHMENT_STORE_OP_STORE;
  att[0].stencilLoadOp = VK_ATTACHMENT_LOAD_OP_DONT_CARE;
  att[0].stencilStoreOp = VK_ATTACHMENT_STORE_OP_DONT_CARE;
  att[0].initialLayout = VK_IMAGE_LAYOUT_UNDEFINED;
  att[0].finalLayout = VK_IMAGE_LAYOUT_COLOR_ATTACHMENT_OPTIMAL;
  att[1] = att[0];
  att[1].format = kDepthFormat;
  att[1].storeOp = VK_ATTACHMENT_STORE_OP_DONT_CARE;
  att[1].finalLayout = VK_IMAGE_LAYOUT_DEPTH_STENCIL_ATTACHMENT_OPTIMAL;
  if (ms) {  // 0, 1 multisampled and not kept; 2 the resolved colour
    att[2] = att[0];
    att[2].loadOp = VK_ATTACHMENT_LOAD_OP_DONT_CARE;
    for (int i = 0; i < 2; ++i) {
      att[i].samples = samples_;
      att[i].storeOp = VK_ATTACHMENT_STORE_OP_DONT_CARE;
    }
  }

  VkAttachmentReference colour_ref{0, VK_IMAGE_LAYOUT_COLOR_ATTACHMENT_OPTIMAL};
  VkAttachmentReference depth_ref{1, VK_IMAGE_LAYOUT_DEPTH_STENCIL_ATTACHMENT_OPTIMAL};
  VkSubpassDescription sub{};
  sub.pipelineBindPoint = VK_PIPELINE_BIND_POINT_GRAPHICS;
  sub.colorAttachmentCount = 1;
  sub.pColorAttachments = &colour_ref;
  sub.pDepthStencilAttachment = &depth_ref;
  VkAttachmentReference resolve_ref{2, VK_IMAGE_LAYOUT_COLOR_ATTACHMENT_OPTIMAL};
  if (ms) sub.pResolveAttachments = &resolve_ref;

  // The images are shared by both frames in flight: the previous frame's copies out and
  // attachment writes must finish before this frame writes them again.
  VkSubpassDependency deps[2]{};
  deps[0].srcSubpass = VK_SUBPASS_EXTERNAL;
  deps[0].dstSubpass = 0;
  // (and the previous frame's AA pass reads of the scene colour: fragment shader).
  deps[0].srcStageMask = VK_PIPELINE_STAGE_COLOR_ATTACHMENT_OUTPUT_BIT | VK_PIPELINE_STAGE_FRAGMENT_SHADER_BIT |
                         VK_PIPELINE_STAGE_LATE_FRAGMENT_TESTS_BIT | VK_PIPELINE_STAGE_TRANSFER_BIT;
  deps[0].dstStageMask = VK_PIPELINE_STAGE_COLOR_ATTACHMENT_OUTPUT_BIT |
                         VK_PIPELINE_STAGE_EARLY_FRAGMENT_TESTS_BIT;
  deps[0].srcAccessMask = VK_ACCESS_COLOR_ATTACHMENT_WRITE_BIT |
                          VK_ACCESS_DEPTH_STENCIL_ATTACHMENT_WRITE_BIT | VK_ACCESS_TRANSFER_READ_BIT;
  deps[0].dstAccessMask = VK_ACCESS_COLOR_ATTACHMENT_WRITE_BIT | VK_ACCESS_COLOR_ATTACHMENT_READ_BIT |
                          VK_ACCESS_DEPTH_STENCIL_ATTACHMENT_WRITE_BIT |
                          VK_ACCESS_DEPTH_STENCIL_ATTACHMENT_READ_BIT;
  deps[1].srcSubpass = 0;
  deps[1].dstSubpass = VK_SUBPASS_EXTERNAL;
  deps[1].srcStageMask = VK_PIPELINE_STAGE_COLOR_ATTACHMENT_OUTPUT_BIT;
  deps[1].dstStageMask = VK_PIPELINE_STAGE_COLOR_ATTACHMENT_OUTPUT_BIT | VK_PIPELINE_STAGE_TRANSFER_BIT;
  deps[1].srcAccessMask = VK_ACCESS_COLOR_ATTACHMENT_WRITE_BIT;
  deps[1].dstAccessMask = VK_ACCESS_COLOR_ATTACHMENT_READ_BIT | VK_ACCESS_COLOR_ATTACHMENT_WRITE_BIT |
                          VK_ACCESS_TRANSFER_READ_BIT;

  VkRenderPassCreateInfo ci{VK_STRUCTURE_TYPE_RENDER_PASS_CREATE_INFO};
  ci.attachmentCount = ms ? 3 : 2;
  ci.pAttachments = att;
  ci.subpassCount = 1;
  ci.pSubpasses = &sub;
  ci.dependencyCount = 2;
  ci.pDependencies = deps;
  VK_CHECK(vkCreateRenderPass(dev_.device(), &ci, nullptr, &scene_pass_));

  // Overlay: load the scene's colour, draw labels and ImGui, end ready to be copied.
  VkAttachmentDescription o = att[ms ? 2 : 0];
  o.loadOp = VK_ATTACHMENT_LOAD_OP_LOAD;
  o.initialLayout = VK_IMAGE_LAYOUT_COLOR_ATTACHMENT_OPTIMAL;
  o.finalLayout = VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL;
  VkSubpassDescription osub{};
  osub.pipelineBindPoint = VK_PIPELINE_BIND_POINT_GRAPHICS;
  osub.colorAttachmentCount = 1;
  osub.pColorAttachments = &colour_ref;
  VkSubpassDependency odeps[2]{};
  odeps[0].srcSubpass = VK_SUBPASS_EXTERNAL;
  odeps[0].dstSubpass = 0;
  odeps[0].srcStageMask = VK_PIPELINE_STAGE_COLOR_ATTACHMENT_OUTPUT_BIT;
  odeps[0].dstStageMask = VK_PIPELINE_STAGE_COLOR_ATTACHMENT_OUTPUT_BIT;
  odeps[0].srcAccessMask = VK_ACCESS_COLOR_ATTACHMENT_WRITE_BIT;
  odeps[0].dstAccessMask = VK_ACCESS_COLOR_ATTACHMENT_READ_BIT | VK_ACCESS_COLOR_ATTACHMENT_WRITE_BIT;
  odeps[1].srcSubpass = 0;
  odeps[1].dstSubpass = VK_SUBPASS_EXTERNAL;
  odeps[1].srcStageMask = VK_PIPELINE_STAGE_COLOR_ATTACHMENT_OUTPUT_BIT;
  odeps[1].dstStageMask = VK_PIPELINE_STAGE_TRANSFER_BIT;
  odeps[1].srcAccessMask = VK_ACCESS_COLOR_ATTACHMENT_WRITE_BIT;
  odeps[1].dstAccessMask = VK_ACCESS_TRANSFER_READ_BIT;
  VkRenderPassCreateInfo oci{VK_STRUCTURE_TYPE_RENDER_PASS_CREATE_INFO};
  oci.attachmentCount = 1;
  oci.pAttachments = &o;
  oci.subpassCount = 1;
  oci.pSubpasses = &osub;
  oci.dependencyCount = 2;
  oci.pDependencies = odeps;
  VK_CHECK(vkCreateRenderPass(dev_.device(), &oci, nullptr, &overlay_pass_));

  // Pick: clear ids and depth (single sample), draw, end with the ids ready to be copied.
  VkAttachmentDescription pa[2] = {att[0], att[0]};
  pa[0].format = kIdFormat;
  pa[0].samples = pa[1].samples = VK_SAMPLE_COUNT_1_BIT;
  pa[0].storeOp = VK_ATTACHMENT_STORE_OP_STORE;
  pa[0].finalLayout = VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL;
  pa[1].format = kDepthFormat;
  pa[1].storeOp = VK_ATTACHMENT_STORE_OP_DONT_CARE;
  pa[1].finalLayout = VK_IMAGE_LAYOUT_DEPTH_STENCIL_ATTACHMENT_OPTIMAL;
  VkSubpassDescription psub = sub;
  psub.pResolveAttachments = nullptr;
  VkRenderPassCreateInfo pci = ci;
  pci.attachmentCount = 2;
  pci.pAttachments = pa;
  pci.pSubpasses = &psub;
  VK_CHECK(vkCreateRenderPass(dev_.device(), &pci, nullptr, &pick_pass_));

  if (!fxaa_) return;
  // AA: every pixel of its area is written, so nothing is loaded; it ends as the scene pass
  // does (colour attachment), for the overlay pass or the scale-up.
  VkAttachmentDescription a = att[ms ? 2 : 0];
  a.samples = VK_SAMPLE_COUNT_1_BIT;
  a.loadOp = VK_ATTACHMENT_LOAD_OP_DONT_CARE;
  VkSubpassDescription asub = osub;
  VkRenderPassCreateInfo aci = ci;
  aci.attachmentCount = 1;
  aci.pAttachments = &a;
  aci.pSubpasses = &asub;
  VK_CHECK(vkCreateRenderPass(dev_.device(), &aci, nullptr, &aa_pass_));
}

void OffscreenTarget::createImages() {
  scene_divisor_ = 1;
  auto scaled = [&](uint32_t k) { return VkExtent2D{(extent_.width + k - 1) / k, (extent_.height + k - 1) / k}; };
  while (scene_pixels_max_ > 0 && uint64_t(scaled(scene_divisor_).width) * scaled(scene_divisor_).height > scene_pixels_max_)
    ++scene_divisor_;
  scene_extent_ = scaled(scene_divisor_);
  const bool scaled_scene = scene_divisor_ > 1;
  const VkImageUsageFlags attach_copy =
      VK_IMAGE_USAGE_COLOR_ATTACHMENT_BIT | VK_IMAGE_USAGE_TRANSFER_SRC_BIT;
  colour_ = GpuImage(dev_, extent_, kColourFormat, attach_copy, VK_IMAGE_ASPECT_COLOR_BIT);
  // Sampled: read by the AA pass (fxaa) or the scale-up (a scaled scene).
  if (scaled_scene || fxaa_)
    scene_colour_ = GpuImage(dev_, scene_extent_, kColourFormat, attach_copy | VK_IMAGE_USAGE_SAMPLED_BIT,
                             VK_IMAGE_ASPECT_COLOR_BIT);
  if (scaled_scene && fxaa_)
    aa_colour_ = GpuImage(dev_, scene_extent_, kColourFormat, attach_copy | VK_IMAGE_USAGE_SAMPLED_BIT, VK_IMAGE_ASPECT_COLOR_BIT);
  const GpuImage& scene = sceneColour();
  depth_ = GpuImage(dev_, scene_extent_, kDepthFormat, VK_IMAGE_USAGE_DEPTH_STENCIL_ATTACHMENT_BIT,
                    VK_IMAGE_ASPECT_DEPTH_BIT, samples_);
  const bool ms = samples_ != VK_SAMPLE_COUNT_1_BIT;
  if (ms) {
    const VkImageUsageFlags transient = VK_IMAGE_USAGE_COLOR_ATTACHMENT_BIT | VK_IMAGE_USAGE_TRANSIENT_ATTACHMENT_BIT;
    ms_colour_ = GpuImage(dev_, scene_extent_, kColourFormat, transient, VK_IMAGE_ASPECT_COLOR_BIT, samples_);
  }
  VkImageView plain[2] = {scene.view(), depth_.view()};
  VkImageView multi[3] = {ms ? ms_colour_.view() : VK_NULL_HANDLE, depth_.view(), scene.view()};
  VkFramebufferCreateInfo fi{VK_STRUCTURE_TYPE_FRAMEBUFFER_CREATE_INFO};
  fi.renderPass = scene_pass_;
  fi.attachmentCount = ms ? 3 : 2;
  fi.pAttachments = ms ? multi : plain;
  fi.width = scene_extent_.width;
  fi.height = scene_extent_.height;
  fi.layers = 1;
  VK_CHECK(vkCreateFramebuffer(dev_.device(), &fi, nullptr, &scene_fb_));
  plain[0] = colour_.view();
  fi.width = extent_.width;
  fi.height = extent_.height;
  fi.renderPass = overlay_pass_;
  fi.attachmentCount = 1;
  fi.pAttachments = plain;
  VK_CHECK(vkCreateFramebuffer(dev_.device(), &fi, nullptr, &overlay_fb_));
  if (!fxaa_) return;
  plain[0] = scaled_scene ? aa_colour_.view() : colour_.view();
  fi.width = scene_extent_.width;
  fi.height = scene_extent_.height;
  fi.renderPass = aa_pass_;
  VK_CHECK(vkCreateFramebuffer(dev_.device(), &fi, nullptr, &aa_fb_));
}

VkFramebuffer OffscreenTarget::pickFramebuffer() {
  if (pick_fb_) return pick_fb_;
  ids_ = GpuImage(dev_, extent_, kIdFormat, VK_IMAGE_USAGE_COLOR_ATTACHMENT_BIT | VK_IMAGE_USAGE_TRANSFER_SRC_BIT,
                  VK_IMAGE_ASPECT_COLOR_BIT);
  pick_depth_ = GpuImage(dev_, extent_, kDepthFormat, VK_IMAGE_USAGE_DEPTH_STENCIL_ATTACHMENT_BIT, VK_IMAGE_ASPECT_DEPTH_BIT);
  VkImageView views[2] = {ids_.view(), pick_depth_.view()};
  VkFramebufferCreateInfo fi{VK_STRUCTURE_TYPE_FRAMEBUFFER_CREATE_INFO};
  fi.renderPass = pick_pass_;
  fi.attachmentCount = 2;
  fi.pAttachments = views;
  fi.width = extent_.width;
  fi.height = extent_.height;
  fi.layers = 1;
  VK_CHECK(vkCreateFramebuffer(dev_.device(), &fi, nullptr, &pick_fb_));
  return pick_fb_;
}

void OffscreenTarget::destroyImages() {
  vkDestroyFramebuffer(dev_.device(), scene_fb_, nullptr);
  vkDestroyFramebuffer(dev_.device(), overlay_fb_, nullptr);
  vkDestroyFramebuffer(dev_.device(), pick_fb_, nullptr);
  vkDestroyFramebuffer(dev_.device(), aa_fb_, nullptr);
  scene_fb_ = overlay_fb_ = pick_fb_ = aa_fb_ = VK_NULL_HANDLE;
  colour_ = GpuImage();
  ids_ = GpuImage();
  depth_ = GpuImage();
  ms_colour_ = GpuImage();
  pick_depth_ = GpuImage();
  scene_colour_ = GpuImage();
  aa_colour_ = GpuImage();
}

}  // namespace engine
