// The console's fonts. See ui_fonts.h.
#include "controlroom/ui/ui_fonts.h"

#include "controlroom/ui/text_catalogue.h"

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <set>

namespace controlroom::ui {

float body_px_for_height(float h) { return std::clamp(std::round(h * 18.0f / 1080.0f), 13.0f, 96.0f); }

std::string console_glyph_text(const std::vector<std::string>& extra) {
  std::string text = kGateNames;
  for (const CatalogueEntry& e : catalogue()) (text += e.en) += e.vi;
  for (const std::string& s : extra) text += s;
  return text;
}

static bool readable(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return static_cast<bool>(in);
}

engine::UiFonts console_fonts(float h, const FontFiles& files, const std::vector<std::string>& extra,
                              std::vector<std::string>* warnings) {
  engine::UiFonts f;
  const float body = body_px_for_height(h);
  f.body_px = body;
  f.heading_px = std::round(body * 1.35f);
  f.figure_px = std::round(body * 2.4f);
  f.label_px = std::round(body * 1.05f);
  const std::string glyphs = console_glyph_text(extra);
  if (!readable(files.latin)) {
    if (warnings)
      warnings->push_back("the font " + files.latin + " is missing (Debian package fonts-dejavu-core): ImGui's built-in font, "
                          "without Vietnamese letters, is used");
    return f;  // no files: the built-in font
  }
  engine::UiFontFile latin;
  latin.path = files.latin;
  // Latin, Latin-1, Latin Extended A and B, combining marks, Vietnamese, punctuation,
  // arrows, geometric shapes; and whatever else the text has that DejaVu Sans covers.
  latin.ranges = {{0x20, 0x24F}, {0x300, 0x323}, {0x1EA0, 0x1EF9}, {0x2010, 0x2044}, {0x2190, 0x2193}, {0x25A0, 0x25CF}};
  latin.glyphs_utf8 = glyphs;
  f.files.push_back(latin);
  f.figure_ranges = {{0x20, 0x7E}, {0xB0, 0xB0}, {0xC0, 0x1B0}, {0x1EA0, 0x1EF9}};
  if (!readable(files.cjk)) {
    if (warnings)
      warnings->push_back("the font " + files.cjk + " is missing (Debian package fonts-noto-cjk): Chinese names show as '?'");
    return f;
  }
  engine::UiFontFile cjk;
  cjk.path = files.cjk;
  cjk.face_index = files.cjk_face;
  cjk.glyphs_utf8 = glyphs;  // only what DejaVu Sans lacks is taken from it
  cjk.size_scale = 1.15f;    // its ideographs fill less of the em than DejaVu's capitals
  f.files.push_back(cjk);
  return f;
}

void apply_console_fonts(engine::Renderer& renderer, const FontFiles& files, const std::vector<std::string>& extra) {
  static std::set<std::string> warned;
  std::vector<std::string> warnings;
  const engine::UiFonts fonts = console_fonts(renderer.viewport().y, files, extra, &warnings);
  for (const std::string& w : warnings)
    if (warned.insert(w).second) std::fprintf(stderr, "gatetwin: warning: %s\n", w.c_str());
  if (fonts == renderer.uiFonts()) return;
  const std::string why = renderer.setUiFonts(fonts);
  if (!why.empty()) {
    if (warned.insert(why).second) std::fprintf(stderr, "gatetwin: warning: %s\n", why.c_str());
    return;
  }
  // Spacing and rounding follow the text size (ImGui's sizes are for its 13 px font).
  ImGuiStyle style;
  ImGui::StyleColorsDark(&style);
  style.ScaleAllSizes(std::max(1.0f, fonts.body_px / 15.0f));
  ImGui::GetStyle() = style;
}

}  // namespace controlroom::ui
