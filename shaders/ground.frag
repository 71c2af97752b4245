// ground.frag: the lit ground colour (from ground.vert) with an anti-aliased grid, faded
// where it would alias, under the distance fog (per vertex). Kept small: on a CPU rasteriser
// the ground is most of the frame's pixels. Not drawn when picking (the ground is "nothing",
// the pick image's clear value).
#version 450
#include "frame.glsl"

layout(location = 0) in vec2 v_grid;
layout(location = 1) in float v_fog;
layout(location = 2) flat in vec3 v_lit;
layout(location = 0) out vec4 out_colour;

void main() {
  vec2 fw = fwidth(v_grid);
  vec2 g = abs(fract(v_grid - 0.5) - 0.5) / (fw + vec2(frame.ground_params.z / frame.ground_params.y));
  float line = (1.0 - min(min(g.x, g.y), 1.0)) * clamp(1.0 - max(fw.x, fw.y) * 2.0, 0.0, 1.0);
  vec3 c = v_lit * (1.0 - frame.ground_colour.w * line);
  out_colour = vec4(mix(c, frame.fog.rgb, v_fog), 1.0);
}
