// mesh_pick.frag: the pick pass's mesh shader: writes the instance's pick id, nothing else.
// It must not discard (picking relies on every covered pixel).
#version 450

// mesh.vert's outputs, read so that the interfaces match.
layout(location = 0) in vec3 v_world;
layout(location = 1) in vec3 v_normal;
layout(location = 2) in vec3 v_colour;
layout(location = 3) flat in uvec2 v_flags_id;  // x: flags, y: pick id
layout(location = 0) out uint out_id;

void main() {
  // Always the id (every input is finite); reading the other inputs keeps them in the
  // interface, which the optimiser would otherwise strip.
  out_id = v_world.y + v_normal.y + v_colour.r > -1e30 ? v_flags_id.y : 0u;
}
