// ImagePass: pipeline, sampler and descriptor of a full-screen pass over one image; records one draw.
#include "ImagePass.h"

#include <engine/Device.h>
#include "GraphicsPipeline.h"
#include "VkCheck.h"

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>

namespace engine {

namespace {

struct Push {
  float clamp_uv[4];
  float texel[2];
};


}  // namespace

ImagePass::ImagePass(const Device& dev, VkRenderPass pass, const char* fragment) : dev_(dev) {
  VkDevice d = dev.device();
  VkSamplerCreateInfo si{VK_STRUCTURE_TYPE_SAMPLER_CREATE_INFO};
  si.magFilter = si.minFilter = VK_FILTER_LINEAR;
  si.mipmapMode = VK_SAMPLER_MIPMAP_MODE_NEAREST;
  si.addressModeU = si.addressModeV = si.addressModeW = VK_SAMPLER_ADDRESS_MODE_CLAMP_TO_EDGE;
  VK_CHECK(vkCreateSampler(d, &si, nullptr, &sampler_));

  VkDescriptorSetLayoutBinding b{};
  b.binding = 0;
  b.descriptorType = VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER;
  b.descriptorCount = 1;
  b.stageFlags = VK_SHADER_STAGE_FRAGMENT_BIT;
  VkDescriptorSetLayoutCreateInfo lci{VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO};
  lci.bindingCount = 1;
  lci.pBindings = &b;
  VK_CHECK(vkCreateDescriptorSetLayout(d, &lci, nullptr, &set_layout_));
  VkDescriptorPoolSize ps{VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER, 1};
  VkDescriptorPoolCreateInfo pci{VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO};
  pci.maxSets = 1;
  pci.poolSizeCount = 1;
  pci.pPoolSizes = &ps;
  VK_CHECK(vkCreateDescriptorPool(d, &pci, nullptr, &pool_));
  VkDescriptorSetAllocateInfo ai{VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO};
  ai.descriptorPool = pool_;
  ai.descriptorSetCount = 1;
  ai.pSetLayouts = &set_layout_;
  VK_CHECK(vkAllocateDescriptorSets(d, &ai, &set_));

  VkPushConstantRange pr{VK_SHADER_STAGE_FRAGMENT_BIT, 0, sizeof(Push)};
  VkPipelineLayoutCreateInfo pli{VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO};
  pli.setLayoutCount = 1;
  pli.pSetLayouts = &set_layout_;
  pli.pushConstantRangeCount = 1;
  pli.pPushConstantRanges = &pr;
  VK_CHECK(vkCreatePipelineLayout(d, &pli, nullptr, &layout_));

  VkShaderModule vert = shaderModule(d, "fxaa.vert.spv"), frag = shaderModule(d, fragment);
  PipelineDesc desc{vert, frag, {}, {}};  // no vertex buffer: one triangle from gl_VertexIndex
  desc.cull = VK_CULL_MODE_NONE;
  desc.depth_test = desc.depth_write = false;
  pipeline_ = buildPipeline(d, pass, layout_, desc);
  vkDestroyShaderModule(d, vert, nullptr);
  vkDestroyShaderModule(d, frag, nullptr);
}

ImagePass::~ImagePass() {
  VkDevice d = dev_.device();
  vkDestroyPipeline(d, pipeline_, nullptr);
  vkDestroyPipelineLayout(d, layout_, nullptr);
  vkDestroyDescriptorPool(d, pool_, nullptr);
  vkDestroyDescriptorSetLayout(d, set_layout_, nullptr);
  vkDestroySampler(d, sampler_, nullptr);
}

void ImagePass::setSource(VkImageView source) {
  VkDescriptorImageInfo ii{sampler_, source, VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL};
  VkWriteDescriptorSet w{VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET};
  w.dstSet = set_;
  w.dstBinding = 0;
  w.descriptorCount = 1;
  w.descriptorType = VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER;
  w.pImageInfo = &ii;
  vkUpdateDescriptorSets(dev_.device(), 1, &w, 0, nullptr);
}

void ImagePass::record(VkCommandBuffer cmd, VkRect2D area, VkExtent2D extent) const {
  const float tx = 1.0f / float(extent.width), ty = 1.0f / float(extent.height);
  Push p{{(float(area.offset.x) + 0.5f) * tx, (float(area.offset.y) + 0.5f) * ty,
          (float(area.offset.x + int32_t(area.extent.width)) - 0.5f) * tx,
          (float(area.offset.y + int32_t(area.extent.height)) - 0.5f) * ty},
         {tx, ty}};
  VkViewport vp{0.0f, 0.0f, float(extent.width), float(extent.height), 0.0f, 1.0f};
  vkCmdSetViewport(cmd, 0, 1, &vp);
  vkCmdSetScissor(cmd, 0, 1, &area);
  vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_GRAPHICS, pipeline_);
  vkCmdBindDescriptorSets(cmd, VK_PIPELINE_BIND_POINT_GRAPHICS, layout_, 0, 1, &set_, 0, nullptr);
  vkCmdPushConstants(cmd, layout_, VK_SHADER_STAGE_FRAGMENT_BIT, 0, sizeof(p), &p);
  vkCmdDraw(cmd, 3, 1, 0, 0);
}

}  // namespace engine
