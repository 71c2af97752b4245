// PipelineSet: the scene's graphics pipelines (instanced meshes, lines, ground; and the
// pick pass's meshes and lines, which write pick ids), their
// shared layout and descriptor-set layout, built from the embedded SPIR-V. Private to the
// engine. It must not record commands or own buffers.
#pragma once

#include <vulkan/vulkan.h>

namespace engine {

class Device;

class PipelineSet {
 public:
  PipelineSet(const Device& dev, VkRenderPass scene_pass, VkRenderPass pick_pass,
              VkSampleCountFlagBits samples = VK_SAMPLE_COUNT_1_BIT);
  ~PipelineSet();
  PipelineSet(const PipelineSet&) = delete;
  PipelineSet& operator=(const PipelineSet&) = delete;

  VkDescriptorSetLayout setLayout() const { return set_layout_; }
  VkPipelineLayout layout() const { return layout_; }
  VkPipeline mesh() const { return mesh_; }
  VkPipeline line() const { return line_; }
  VkPipeline ground() const { return ground_; }
  VkPipeline meshPick() const { return mesh_pick_; }
  VkPipeline linePick() const { return line_pick_; }

 private:
  VkShaderModule module(const char* name);
  const Device& dev_;
  VkDescriptorSetLayout set_layout_ = VK_NULL_HANDLE;
  VkPipelineLayout layout_ = VK_NULL_HANDLE;
  VkPipeline mesh_ = VK_NULL_HANDLE, line_ = VK_NULL_HANDLE, ground_ = VK_NULL_HANDLE;
  VkPipeline mesh_pick_ = VK_NULL_HANDLE, line_pick_ = VK_NULL_HANDLE;
};

}  // namespace engine
