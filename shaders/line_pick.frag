// line_pick.frag: the pick pass's line shader: id 0 ("nothing"); lines are drawn there only
// so that a ribbon in front of a mesh hides it from a pick, as it hides it on screen.
#version 450

layout(location = 0) in vec4 v_colour;  // line.vert's output
layout(location = 0) out uint out_id;

void main() { out_id = v_colour.a > 2.0 ? 1u : 0u; }  // always 0 (alpha <= 1); read to keep the interface
