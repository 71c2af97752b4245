// mesh.frag: directional + ambient light, state-flag tints, distance fog; writes the colour
// (the pick id is drawn by mesh_pick.frag, only when a pick asks). It must not discard.
#version 450
#include "frame.glsl"

layout(location = 0) in vec3 v_world;
layout(location = 1) in vec3 v_normal;
layout(location = 2) in vec3 v_colour;
layout(location = 3) flat in uvec2 v_flags_id;  // x: flags, y: pick id

layout(location = 0) out vec4 out_colour;

const uint FLAG_HIGHLIGHT = 1u;
const uint FLAG_DIM = 2u;

void main() {
  vec3 n = normalize(v_normal);
  float diffuse = max(dot(n, -frame.light_dir.xyz), 0.0);
  // A little sky light from above so faces away from the sun are not flat.
  float sky = 0.5 + 0.5 * n.y;
  vec3 lit = v_colour * (frame.ambient.rgb * sky + frame.light_colour.rgb * frame.light_colour.w * diffuse);
  if ((v_flags_id.x & FLAG_DIM) != 0u) lit = mix(lit, vec3(dot(lit, vec3(0.333))), 0.8) * 0.6;
  if ((v_flags_id.x & FLAG_HIGHLIGHT) != 0u) lit = mix(lit, vec3(1.0, 0.85, 0.2), 0.45);
  float d = length(v_world - frame.camera_pos.xyz);
  float f = 1.0 - exp(-frame.fog.w * d);
  out_colour = vec4(mix(lit, frame.fog.rgb, f), 1.0);
}
