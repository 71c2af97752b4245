// line.vert: lines and polylines, already expanded on the CPU into world-space ribbons
// (metres). It must not expand or light anything.
#version 450
#include "frame.glsl"

layout(location = 0) in vec3 in_pos;
layout(location = 1) in vec4 in_colour;  // R8G8B8A8_UNORM

layout(location = 0) out vec4 v_colour;

void main() {
  v_colour = in_colour;
  gl_Position = frame.view_proj * vec4(in_pos, 1.0);
}
