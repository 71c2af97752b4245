// fxaa.frag: post-process anti-aliasing of the 3D scene, after FXAA's sub-pixel idea, cut
// down to what a CPU rasteriser affords (written for this engine): five unfiltered texel
// reads (the pixel and its four side neighbours; filtered reads cost lavapipe about twice as
// much). Where their luma spread passes a threshold (an edge), the pixel is blended with the
// neighbour across the edge (the one whose luma differs most) by how far the pixel stands out
// of its neighbours' mean: a staircase's corner pixels (two neighbours across) by a half, the
// pixels along a run of the edge (one across) by an eighth, flat areas not at all. The
// steps of a slanted edge then turn into in-between shades on both sides.
// Source and target have the same size (the scene's); push.clamp_uv keeps every read inside
// the scene's render area, so pixels outside it (under panels, stale) never bleed in.
// It must not read anything but the scene's colour.
#version 450

layout(set = 0, binding = 0) uniform sampler2D scene;
layout(push_constant) uniform Push {
  vec4 clamp_uv;  // xy: lowest texel centre of the render area, zw: highest (uv)
  vec2 texel;     // 1 / the scene's size
} push;
layout(location = 0) out vec4 out_colour;

const float kEdgeMin = 1.0 / 16.0;   // below this luma spread: no edge
const float kEdgeRel = 1.0 / 8.0;    // ... nor below this share of the local maximum

float luma(vec3 c) { return dot(c, vec3(0.299, 0.587, 0.114)); }

void main() {
  ivec2 size = textureSize(scene, 0);
  ivec2 lo = ivec2(push.clamp_uv.xy * vec2(size)), hi = ivec2(push.clamp_uv.zw * vec2(size));
  ivec2 p = ivec2(gl_FragCoord.xy);
  vec3 m = texelFetch(scene, p, 0).rgb;
  vec3 n = texelFetch(scene, clamp(p + ivec2(0, -1), lo, hi), 0).rgb;
  vec3 s = texelFetch(scene, clamp(p + ivec2(0, 1), lo, hi), 0).rgb;
  vec3 w = texelFetch(scene, clamp(p + ivec2(-1, 0), lo, hi), 0).rgb;
  vec3 e = texelFetch(scene, clamp(p + ivec2(1, 0), lo, hi), 0).rgb;
  float lm = luma(m), ln = luma(n), ls = luma(s), lw = luma(w), le = luma(e);
  float lmin = min(lm, min(min(ln, ls), min(lw, le)));
  float lmax = max(lm, max(max(ln, ls), max(lw, le)));
  float range = lmax - lmin;
  // The neighbour across the edge: the one whose luma differs most from the pixel's.
  vec3 across = n;
  float most = abs(ln - lm);
  if (abs(ls - lm) > most) { across = s; most = abs(ls - lm); }
  if (abs(lw - lm) > most) { across = w; most = abs(lw - lm); }
  if (abs(le - lm) > most) { across = e; }
  // How far the pixel stands out of its neighbours' mean: 1/4 along a run, 1/2 at a corner.
  float stand_out = abs(0.25 * (ln + ls + lw + le) - lm) / max(range, 1e-4);
  float blend = clamp(stand_out * 1.5 - 0.25, 0.0, 0.5);
  bool edge = range >= max(kEdgeMin, lmax * kEdgeRel);
  out_colour = vec4(edge ? mix(m, across, blend) : m, 1.0);
}
