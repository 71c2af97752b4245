// upscale.frag: a scaled scene's scale-up into the full-size target (engine/src/Renderer.cpp,
// record): one filtered read (linear) per target pixel, at the target pixel's centre mapped
// to the scene image (push.texel = 1 / (the scene's size x its divisor)). The scene pass left
// one cleared scene pixel around its area for the filter's edge. It must not read anything
// but the scene's colour.
#version 450

layout(set = 0, binding = 0) uniform sampler2D scene;
layout(push_constant) uniform Push {
  vec4 clamp_uv;  // unused here (the layout is shared with fxaa.frag)
  vec2 texel;     // 1 / (the scene's size x its divisor)
} push;
layout(location = 0) out vec4 out_colour;

void main() {
  out_colour = vec4(texture(scene, gl_FragCoord.xy * push.texel).rgb, 1.0);
}
