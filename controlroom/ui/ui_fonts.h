// The control room's fonts: DejaVu Sans (Latin with every Vietnamese letter, Debian package
// fonts-dejavu-core) merged with Noto Sans CJK SC (the Chinese names such as 友谊关,
// fonts-noto-cjk), at sizes set by the framebuffer's height (1080 px: 18 px body text), and
// only the glyphs the console can show: the catalogue in both languages, the gate's names,
// the sites' ids. Missing files: a warning on stderr and the fonts that remain (ImGui's
// built-in font, ASCII only, when DejaVu Sans is missing). Must not: draw or translate.
#pragma once

#include <engine/Renderer.h>
#include <engine/UiFonts.h>

#include <string>
#include <vector>

namespace controlroom::ui {

struct FontFiles {
  std::string latin = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
  std::string cjk = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc";
  int cjk_face = 2;  // Noto Sans CJK SC in the collection
};

// The gate's name in Vietnamese and Chinese, as shown in the top bar (data, the same in
// both languages; the part each side calls it).
inline constexpr const char* kGateNames = "Hữu Nghị · 友谊关";

// Body text size for a framebuffer height: 18 px at 1080, in proportion, 13 px at least.
float body_px_for_height(float framebuffer_h_px);
// Every character the console may show (catalogue in both languages, kGateNames, extra).
std::string console_glyph_text(const std::vector<std::string>& extra);
// The fonts for a framebuffer height; files that do not exist are left out, each with a
// line in *warnings.
engine::UiFonts console_fonts(float framebuffer_h_px, const FontFiles& files, const std::vector<std::string>& extra_text,
                              std::vector<std::string>* warnings);
// Sets them on the renderer (rebuilt only when the sizes change) and scales ImGui's style
// to the body size; prints each warning once on stderr ("gatetwin: warning: ...").
void apply_console_fonts(engine::Renderer& renderer, const FontFiles& files, const std::vector<std::string>& extra_text);

}  // namespace controlroom::ui
