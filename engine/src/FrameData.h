// FrameData: everything one frame in flight owns (two exist): command pool and buffer,
// fence, the acquire semaphore, timestamp queries, the frame's uniform, instance and line
// buffers and its descriptor set. Private to the engine; it must hold no logic.
#pragma once

#include <engine/GpuBuffer.h>

#include <glm/glm.hpp>
#include <vulkan/vulkan.h>

namespace engine {

// Mirrors shaders/frame.glsl (std140: vec4s and a mat4 only).
struct FrameUniforms {
  glm::mat4 view_proj;
  glm::vec4 camera_pos;
  glm::vec4 light_dir;
  glm::vec4 light_colour;
  glm::vec4 ambient;
  glm::vec4 ground_colour;
  glm::vec4 ground_params;
  glm::vec4 fog;
};

// Views' uniforms lie this far apart (the largest minUniformBufferOffsetAlignment allowed).
constexpr size_t kUniformStride = 256;
static_assert(sizeof(FrameUniforms) <= kUniformStride);

struct FrameData {
  VkCommandPool pool = VK_NULL_HANDLE;
  VkCommandBuffer cmd = VK_NULL_HANDLE;
  VkFence fence = VK_NULL_HANDLE;       // signalled when this frame's GPU work is done
  VkSemaphore acquired = VK_NULL_HANDLE;  // swapchain image ready (windowed only)
  VkQueryPool queries = VK_NULL_HANDLE;   // 2 timestamps: start, end
  bool queries_pending = false;
  GpuBuffer uniforms;   // one FrameUniforms per view, kUniformStride apart
  VkDescriptorSet sets[8] = {};  // one per view (Renderer::kMaxViews), each at its uniforms
  GpuBuffer instances;  // grown (never shrunk) after this frame's fence has been waited on
  GpuBuffer lines;
};

}  // namespace engine
