// fxaa.vert: one triangle that covers the whole target (from gl_VertexIndex, no vertex
// buffer), for the anti-aliasing pass (fxaa.frag); the scissor limits it to the scene's
// render area. It must not read any buffer.
#version 450

void main() {
  vec2 p = vec2((gl_VertexIndex << 1) & 2, gl_VertexIndex & 2);
  gl_Position = vec4(p * 2.0 - 1.0, 0.0, 1.0);
}
