// frame.glsl: the per-frame uniform block shared by every scene shader. Keep it in step
// with engine/src/FrameData.h (FrameUniforms). Nothing scene-specific beyond light and ground.
layout(set = 0, binding = 0) uniform Frame {
  mat4 view_proj;
  vec4 camera_pos;     // xyz: eye in world metres
  vec4 light_dir;      // xyz: direction the light travels (normalised), w: unused
  vec4 light_colour;   // rgb, w: intensity
  vec4 ambient;        // rgb, w: unused
  vec4 ground_colour;  // rgb: base, w: grid line darkening 0..1
  vec4 ground_params;  // x: half size m, y: grid spacing m, z: grid line width m, w: ground y
  vec4 fog;            // rgb: fog colour, w: fog density per metre
} frame;
