// fxaa.frag: post-process anti-aliasing of the 3D scene, after FXAA's idea, cut down to what a
// CPU rasteriser affords (written for this engine): five unfiltered texel reads (the pixel and
// its four side neighbours; filtered reads cost lavapipe about twice as much). Where their
// luma spread passes a threshold, the edge's direction is taken perpendicular to the luma
// gradient and the pixel is blended with its neighbours along that direction (the mean of
// two samples a sixth of a span each way, at most a texel; the samples interpolated linearly
// along each axis between the pixel and its side neighbours). A staircase edge's steps then
// take up to half the colour across the edge; flat areas and straight axis-aligned edges
// keep their colour.
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
const float kReduceMin = 1.0 / 128.0;
const float kSpanMax = 6.0;          // texels along the edge, at most (a sixth of it is used)

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
  // Along the edge: perpendicular to the luma gradient (e - w, s - n).
  vec2 dir = vec2(ls - ln, lw - le);
  float scale = 1.0 / (min(abs(dir.x), abs(dir.y)) + max((ln + ls + lw + le) * (0.25 / 8.0), kReduceMin));
  vec2 d = abs(clamp(dir * scale, vec2(-kSpanMax), vec2(kSpanMax))) * (1.0 / 6.0);
  d /= max(d.x + d.y, 1.0);  // the weights below stay within 0..1
  // The mean of the samples at +d and -d, each interpolated along x and y from m, n, s, w, e.
  vec3 a = m * (1.0 - d.x - d.y) + 0.5 * (d.x * (w + e) + d.y * (n + s));
  bool edge = lmax - lmin >= max(kEdgeMin, lmax * kEdgeRel);
  out_colour = vec4(edge ? a : m, 1.0);
}
