// ground.frag: lit ground colour with an anti-aliased metre grid and distance fog. Not
// drawn when picking (the ground is "nothing", the pick image's clear value).
#version 450
#include "frame.glsl"

layout(location = 0) in vec3 v_world;
layout(location = 0) out vec4 out_colour;

void main() {
  float spacing = frame.ground_params.y;
  vec2 p = v_world.xz / spacing;
  vec2 w = fwidth(p) + vec2(frame.ground_params.z / spacing);
  vec2 g = abs(fract(p - 0.5) - 0.5) / w;
  float line = 1.0 - min(min(g.x, g.y), 1.0);
  // Fade the grid where it would alias (far away).
  line *= clamp(1.0 - max(fwidth(p).x, fwidth(p).y) * 2.0, 0.0, 1.0);
  float diffuse = max(-frame.light_dir.y, 0.0);
  vec3 base = frame.ground_colour.rgb * (frame.ambient.rgb + frame.light_colour.rgb * frame.light_colour.w * diffuse);
  vec3 c = base * (1.0 - frame.ground_colour.w * line);
  float d = length(v_world - frame.camera_pos.xyz);
  float f = 1.0 - exp(-frame.fog.w * d);
  out_colour = vec4(mix(c, frame.fog.rgb, f), 1.0);
}
