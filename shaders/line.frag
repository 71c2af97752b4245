// line.frag: unlit line colour; pick id 0 (lines are not pickable).
#version 450

layout(location = 0) in vec4 v_colour;
layout(location = 0) out vec4 out_colour;
layout(location = 1) out uint out_id;

void main() {
  out_colour = v_colour;
  out_id = 0u;
}
