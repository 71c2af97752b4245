// ground.vert: one square ground plane (frame.ground_params: half size, height) as a grid of
// kCells x kCells squares generated from gl_VertexIndex (6 vertices a square, no vertex
// buffer; engine/src/Renderer.cpp draws kGroundCells^2 * 6). The lit colour and the fog are
// computed here, per vertex (fog over a square of at most 6000/32 m differs from the
// per-pixel value by well under one 8-bit level), so that the fragment shader only draws the
// grid. It must not read any buffer but Frame.
#version 450
#include "frame.glsl"

layout(location = 0) out vec2 v_grid;            // world xz in grid spacings
layout(location = 1) out float v_fog;            // 0: none, 1: all fog
layout(location = 2) flat out vec3 v_lit;        // the ground's lit colour

const int kCells = 32;  // keep in step with kGroundCells (engine/src/Renderer.cpp)
const ivec2 kCorners[6] = ivec2[](ivec2(0, 0), ivec2(1, 0), ivec2(1, 1),
                                  ivec2(0, 0), ivec2(1, 1), ivec2(0, 1));

void main() {
  int cell = gl_VertexIndex / 6;
  ivec2 at = ivec2(cell % kCells, cell / kCells) + kCorners[gl_VertexIndex % 6];
  vec2 c = (vec2(at) * (2.0 / float(kCells)) - 1.0) * frame.ground_params.x;
  vec3 world = vec3(c.x, frame.ground_params.w, c.y);
  v_grid = world.xz / frame.ground_params.y;
  float d = length(world - frame.camera_pos.xyz);
  v_fog = 1.0 - exp(-frame.fog.w * d);
  float diffuse = max(-frame.light_dir.y, 0.0);
  v_lit = frame.ground_colour.rgb * (frame.ambient.rgb + frame.light_colour.rgb * frame.light_colour.w * diffuse);
  gl_Position = frame.view_proj * vec4(world, 1.0);
}
