// mesh.vert: instanced meshes. Per vertex: position, normal, colour (metres, mesh space).
// Per instance: a 3x4 row-major transform, an RGBA8 colour, state flags and the pick id.
// It must not do lighting; mesh.frag does.
#version 450
#include "frame.glsl"

layout(location = 0) in vec3 in_pos;
layout(location = 1) in vec3 in_normal;
layout(location = 2) in vec3 in_colour;
layout(location = 3) in vec4 in_row0;
layout(location = 4) in vec4 in_row1;
layout(location = 5) in vec4 in_row2;
layout(location = 6) in vec4 in_inst_colour;  // R8G8B8A8_UNORM
layout(location = 7) in uvec2 in_flags_id;    // x: flags, y: pick id

layout(location = 0) out vec3 v_world;
layout(location = 1) out vec3 v_normal;
layout(location = 2) out vec3 v_colour;
layout(location = 3) flat out uvec2 v_flags_id;  // x: flags, y: pick id

void main() {
  mat4x3 m = transpose(mat3x4(in_row0, in_row1, in_row2));
  vec3 world = m * vec4(in_pos, 1.0);
  // Normals: the instance transform is rotation times scale; renormalise in the fragment.
  v_normal = mat3(m) * in_normal;
  v_world = world;
  v_colour = in_colour * in_inst_colour.rgb;
  v_flags_id = in_flags_id;
  gl_Position = frame.view_proj * vec4(world, 1.0);
}
