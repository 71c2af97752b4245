// GraphicsPipeline: what the engine's pipelines differ in (PipelineDesc), the one function
// that builds a graphics pipeline from it (triangle lists, one colour attachment written
// whole, dynamic viewport and scissor), and loading an embedded SPIR-V module. Used by
// PipelineSet (meshes, lines, picks) and ImagePass (full-screen passes). Private to the
// engine (engine/src); it must not record commands.
#pragma once

#include <vulkan/vulkan.h>

#include <vector>

namespace engine {

struct PipelineDesc {
  VkShaderModule vert, frag;
  std::vector<VkVertexInputBindingDescription> bindings;
  std::vector<VkVertexInputAttributeDescription> attributes;
  VkCullModeFlags cull = VK_CULL_MODE_BACK_BIT;
  bool depth_test = true;  // false: a full-screen pass over an image (no depth attachment read)
  bool depth_write = true;
  bool depth_bias = false;
  VkSampleCountFlagBits samples = VK_SAMPLE_COUNT_1_BIT;
};

VkPipeline buildPipeline(VkDevice dev, VkRenderPass pass, VkPipelineLayout layout, const PipelineDesc& d);
// The embedded shader `name` (shaders/, compiled by the build) as a module; throws if absent.
VkShaderModule shaderModule(VkDevice dev, const char* name);

}  // namespace engine
