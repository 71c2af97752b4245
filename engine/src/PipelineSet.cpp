// PipelineSet: pipeline creation from embedded SPIR-V. No command recording.
#include "PipelineSet.h"

#include <engine/Device.h>
#include <engine/Instance.h>
#include <engine/MeshPool.h>
#include "VkCheck.h"

#include <cstddef>
#include <stdexcept>
#include <string>
#include <vector>

namespace engine {

// Defined in the generated shaders/spirv_embedded.cpp.
const std::uint32_t* spirvModule(const char* name, std::size_t* size_bytes);

namespace {

struct LineVertexLayout {
  float pos[3];
  uint32_t colour;
};

struct PipelineDesc {
  VkShaderModule vert, frag;
  std::vector<VkVertexInputBindingDescription> bindings;
  std::vector<VkVertexInputAttributeDescription> attributes;
  VkCullModeFlags cull = VK_CULL_MODE_BACK_BIT;
  bool depth_write = true;
  bool depth_bias = false;
  VkSampleCountFlagBits samples = VK_SAMPLE_COUNT_1_BIT;
};

VkPipeline build(VkDevice dev, VkRenderPass pass, VkPipelineLayout layout, const PipelineDesc& d) {
  VkPipelineShaderStageCreateInfo stages[2]{};
  stages[0] = {VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO};
  stages[0].stage = VK_SHADER_STAGE_VERTEX_BIT;
  stages[0].module = d.vert;
  stages[0].pName = "main";
  stages[1] = stages[0];
  stages[1].stage = VK_SHADER_STAGE_FRAGMENT_BIT;
  stages[1].module = d.frag;

  VkPipelineVertexInputStateCreateInfo vi{VK_STRUCTURE_TYPE_PIPELINE_VERTEX_INPUT_STATE_CREATE_INFO};
  vi.vertexBindingDescriptionCount = static_cast<uint32_t>(d.bindings.size());
  vi.pVertexBindingDescriptions = d.bindings.data();
  vi.vertexAttributeDescriptionCount = static_cast<uint32_t>(d.attributes.size());
  vi.pVertexAttributeDescriptions = d.attributes.data();

  VkPipelineInputAssemblyStateCreateInfo ia{VK_STRUCTURE_TYPE_PIPELINE_INPUT_ASSEMBLY_STATE_CREATE_INFO};
  ia.topology = VK_PRIMITIVE_TOPOLOGY_TRIANGLE_LIST;

  VkPipelineViewportStateCreateInfo vp{VK_STRUCTURE_TYPE_PIPELINE_VIEWPORT_STATE_CREATE_INFO};
  vp.viewportCount = 1;
  vp.scissorCount = 1;

  VkPipelineRasterizationStateCreateInfo rs{VK_STRUCTURE_TYPE_PIPELINE_RASTERIZATION_STATE_CREATE_INFO};
  rs.polygonMode = VK_POLYGON_MODE_FILL;
  rs.cullMode = d.cull;
  // Counter-clockwise front faces; the projection's y flip keeps that true on screen.
  rs.frontFace = VK_FRONT_FACE_COUNTER_CLOCKWISE;
  rs.lineWidth = 1.0f;
  rs.depthBiasEnable = d.depth_bias ? VK_TRUE : VK_FALSE;
  rs.depthBiasConstantFactor = d.depth_bias ? -2.0f : 0.0f;
  rs.depthBiasSlopeFactor = d.depth_bias ? -2.0f : 0.0f;

  VkPipelineMultisampleStateCreateInfo ms{VK_STRUCTURE_TYPE_PIPELINE_MULTISAMPLE_STATE_CREATE_INFO};
  ms.rasterizationSamples = d.samples;

  VkPipelineDepthStencilStateCreateInfo ds{VK_STRUCTURE_TYPE_PIPELINE_DEPTH_STENCIL_STATE_CREATE_INFO};
  ds.depthTestEnable = VK_TRUE;
  ds.depthWriteEnable = d.depth_write ? VK_TRUE : VK_FALSE;
  ds.depthCompareOp = VK_COMPARE_OP_LESS_OR_EQUAL;

  VkPipelineColorBlendAttachmentState blend{};
  blend.colorWriteMask = VK_COLOR_COMPONENT_R_BIT | VK_COLOR_COMPONENT_G_BIT |
                         VK_COLOR_COMPONENT_B_BIT | VK_COLOR_COMPONENT_A_BIT;
  VkPipelineColorBlendStateCreateInfo cb{VK_STRUCTURE_TYPE_PIPELINE_COLOR_BLEND_STATE_CREATE_INFO};
  cb.attachmentCount = 1;  // the scene's colour, or the pick pass's ids
  cb.pAttachments = &blend;

  VkDynamicState dyn[] = {VK_DYNAMIC_STATE_VIEWPORT, VK_DYNAMIC_STATE_SCISSOR};
  VkPipelineDynamicStateCreateInfo dy{VK_STRUCTURE_TYPE_PIPELINE_DYNAMIC_STATE_CREATE_INFO};
  dy.dynamicStateCount = 2;
  dy.pDynamicStates = dyn;

  VkGraphicsPipelineCreateInfo ci{VK_STRUCTURE_TYPE_GRAPHICS_PIPELINE_CREATE_INFO};
  ci.stageCount = 2;
  ci.pStages = stages;
  ci.pVertexInputState = &vi;
  ci.pInputAssemblyState = &ia;
  ci.pViewportState = &vp;
  ci.pRasterizationState = &rs;
  ci.pMultisampleState = &ms;
  ci.pDepthStencilState = &ds;
  ci.pColorBlendState = &cb;
  ci.pDynamicState = &dy;
  ci.layout = layout;
  ci.renderPass = pass;
  VkPipeline p = VK_NULL_HANDLE;
  VK_CHECK(vkCreateGraphicsPipelines(dev, VK_NULL_HANDLE, 1, &ci, nullptr, &p));
  return p;
}

}  // namespace

VkShaderModule PipelineSet::module(const char* name) {
  std::size_t size = 0;
  const std::uint32_t* code = spirvModule(name, &size);
  if (!code) throw std::runtime_error(std::string("engine: shader not embedded: ") + name);
  VkShaderModuleCreateInfo ci{VK_STRUCTURE_TYPE_SHADER_MODULE_CREATE_INFO};
  ci.codeSize = size;
  ci.pCode = code;
  VkShaderModule m = VK_NULL_HANDLE;
  VK_CHECK(vkCreateShaderModule(dev_.device(), &ci, nullptr, &m));
  return m;
}

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
  mesh_ = build(d, scene_pass, layout_, mesh);
  PipelineDesc mesh_pick = mesh;
  mesh_pick.frag = mp;
  mesh_pick.samples = VK_SAMPLE_COUNT_1_BIT;
  mesh_pick_ = build(d, pick_pass, layout_, mesh_pick);

  PipelineDesc line{lv, lf};
  line.bindings = {{0, sizeof(LineVertexLayout), VK_VERTEX_INPUT_RATE_VERTEX}};
  line.attributes = {{0, 0, VK_FORMAT_R32G32B32_SFLOAT, 0},
                     {1, 0, VK_FORMAT_R8G8B8A8_UNORM, offsetof(LineVertexLayout, colour)}};
  line.cull = VK_CULL_MODE_NONE;
  line.depth_bias = true;  // lines lie on the ground: pull them in front of it
  line.samples = samples;
  line_ = build(d, scene_pass, layout_, line);
  PipelineDesc line_pick = line;
  line_pick.frag = lp;
  line_pick.samples = VK_SAMPLE_COUNT_1_BIT;
  line_pick_ = build(d, pick_pass, layout_, line_pick);

  PipelineDesc ground{gv, gf};
  ground.cull = VK_CULL_MODE_NONE;
  ground.samples = samples;
  ground_ = build(d, scene_pass, layout_, ground);

  for (VkShaderModule m : {mv, mf, lv, lf, gv, gf, mp, lp}) vkDestroyShaderModule(d, m, nullptr);
}

PipelineSet::~PipelineSet() {
  VkDevice d = dev_.device();
  for (VkPipeline p : {mesh_, line_, ground_, mesh_pick_, line_pick_}) vkDestroyPipeline(d, p, nullptr);
  vkDestroyPipelineLayout(d, layout_, nullptr);
  vkDestroyDescriptorSetLayout(d, set_layout_, nullptr);
}

}  // namespace engine
