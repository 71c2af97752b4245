// ground.vert: one square ground plane centred under the camera target, generated from
// gl_VertexIndex (6 vertices, no vertex buffer). It must not read any buffer but Frame.
#version 450
#include "frame.glsl"

layout(location = 0) out vec3 v_world;

const vec2 kCorners[6] = vec2[](vec2(-1, -1), vec2(1, -1), vec2(1, 1),
                                vec2(-1, -1), vec2(1, 1), vec2(-1, 1));

void main() {
  vec2 c = kCorners[gl_VertexIndex] * frame.ground_params.x;
  vec3 world = vec3(c.x, frame.ground_params.w, c.y);
  v_world = world;
  gl_Position = frame.view_proj * vec4(world, 1.0);
}
