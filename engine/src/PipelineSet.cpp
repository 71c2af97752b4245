// PipelineSet: pipeline creation from embedded SPIR-V. No command recording.
#include "PipelineSet.h"

#include <engine/Device.h>
#include <engine/Instance.h>
#include <engine/MeshPool.h>
#include "GraphicsPipeline.h"
#include "VkCheck.h"

#include <cstddef>
#include <stdexcept>
#include <string>
#include <vector>

namespace engine {

namespace {

struct LineVertexLayout {
  float pos[3];
  uint32_t colour;
};

}  // namespace

VkShaderModule PipelineSet::module(const char* name) { return shaderModule(dev_.device(), name); }

PipelineSet::PipelineSet(const Device& dev, VkRenderPass scene_pass, VkRenderPass pick_pass, VkSampleCountFlagBits samples)
    : dev_(dev) {
  VkDevice d = dev.device();
  VkDescriptorSetLayoutBinding b{};
  b.binding = 0;
  b.descriptorType = VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER;
  b.descriptorCount = 1;
  b.stageFlags = VK_SHADER_STAGE_VERTEX_BIT | VK_SHADER_STAGE_FRAGMENT_BIT;
  VkDescriptorSetLayoutCreateInfo sci{VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO};
  sci.bindingCount = 1;
  sci.pBindings = &b;
  VK_CHECK(vkCreateDescriptorSetLayout(d, &sci, nullptr, &set_layout_));
  VkPipelineLayoutCreateInfo lci{VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO};
  lci.setLayoutCount = 1;
  lci.pSetLayouts = &set_layout_;
  VK_CHECK(vkCreatePipelineLayout(d, &lci, nullptr, &layout_));

  VkShaderModule mv = module("mesh.vert.spv"), mf = module("mesh.frag.spv");
  VkShaderModule lv = module("line.vert.spv"), lf = module("line.frag.spv");
  VkShaderModule gv = module("ground.vert.spv"), gf = module("ground.frag.spv");
  VkShaderModule mp = module("mesh_pick.frag.spv"), lp = module("line_pick.frag.spv");

  PipelineDesc mesh{mv, mf};
  mesh.bindings = {{0, sizeof(MeshVertex), VK_VERTEX_INPUT_RATE_VERTEX},
                   {1, sizeof(Instance), VK_VERTEX_INPUT_RATE_INSTANCE}};
  mesh.attributes = {
      {0, 0, VK_FORMAT_R32G32B32_SFLOAT, offsetof(MeshVertex, pos)},
      {1, 0, VK_FORMAT_R32G32B32_SFLOAT, offsetof(MeshVertex, normal)},
      {2, 0, VK_FORMAT_R32G32B32_SFLOAT, offsetof(MeshVertex, colour)},
      {3, 1, VK_FORMAT_R32G32B32A32_SFLOAT, offsetof(Instance, rows) + 0},
      {4, 1, VK_FORMAT_R32G32B32A32_SFLOAT, offsetof(Instance, rows) + 16},
      {5, 1, VK_FORMAT_R32G32B32A32_SFLOAT, offsetof(Instance, rows) + 32},
      {6, 1, VK_FORMAT_R8G8B8A8_UNORM, offsetof(Instance, colour)},
      {7, 1, VK_FORMAT_R32G32_UINT, offsetof(Instance, flags)},
  };
  mesh.samples = samples;
  mesh_ = buildPipeline(d, scene_pass, layout_, mesh);
  PipelineDesc mesh_pick = mesh;
  mesh_pick.frag = mp;
  mesh_pick.samples = VK_SAMPLE_COUNT_1_BIT;
  mesh_pick_ = buildPipeline(d, pick_pass, layout_, mesh_pick);

  PipelineDesc line{lv, lf};
  line.bindings = {{0, sizeof(LineVertexLayout), VK_VERTEX_INPUT_RATE_VERTEX}};
  line.attributes = {{0, 0, VK_FORMAT_R32G32B32_SFLOAT, 0},
                     {1, 0, VK_FORMAT_R8G8B8A8_UNORM, offsetof(LineVertexLayout, colour)}};
  line.cull = VK_CULL_MODE_NONE;
  line.depth_bias = true;  // lines lie on the ground: pull them in front of it
  line.samples = samples;
  line_ = buildPipeline(d, scene_pass, layout_, line);
  PipelineDesc line_pick = line;
  line_pick.frag = lp;
  line_pick.samples = VK_SAMPLE_COUNT_1_BIT;
  line_pick_ = buildPipeline(d, pick_pass, layout_, line_pick);

  PipelineDesc ground{gv, gf};
  ground.cull = VK_CULL_MODE_NONE;
  ground.samples = samples;
  ground_ = buildPipeline(d, scene_pass, layout_, ground);

  for (VkShaderModule m : {mv, mf, lv, lf, gv, gf, mp, lp}) vkDestroyShaderModule(d, m, nullptr);
}

PipelineSet::~PipelineSet() {
  VkDevice d = dev_.device();
  for (VkPipeline p : {mesh_, line_, ground_, mesh_pick_, line_pick_}) vkDestroyPipeline(d, p, nullptr);
  vkDestroyPipelineLayout(d, layout_, nullptr);
  vkDestroyDescriptorSetLayout(d, set_layout_, nullptr);
}

}  // namespace engine
