// UiFonts: the fonts the app asks the engine's ImGui layer to use, by file path and size,
// in four size classes (body text, headings, large figures, 3D labels). Files are merged in
// order into each size: the first gives most glyphs, later ones fill in what it lacks (a CJK
// face for a few names). Each file covers the code-point ranges and the characters of the
// text it is given, so an app can keep the atlas small (only the glyphs it will show).
// Must not: know what the text means; it is paths, sizes and code points.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace engine {

enum class UiFontRole { Body, Heading, Figure, Label };

struct UiFontFile {
  std::string path;          // .ttf, .otf or .ttc
  int face_index = 0;        // the face in a collection (.ttc)
  std::vector<std::pair<uint32_t, uint32_t>> ranges;  // inclusive code-point ranges to load
  std::string glyphs_utf8;   // and every code point of this text
  float size_scale = 1.0f;   // its glyphs this much larger than the size class (a face that draws small)
  bool operator==(const UiFontFile&) const = default;
};

struct UiFonts {
  std::vector<UiFontFile> files;  // empty: ImGui's built-in font (ASCII only)
  float body_px = 13, heading_px = 18, figure_px = 32, label_px = 19.5f;
  // The figure size loads only these ranges of the files (digits, Latin, a few signs):
  // large glyphs are what fills an atlas.
  std::vector<std::pair<uint32_t, uint32_t>> figure_ranges{{0x20, 0x7E}, {0xB0, 0xB0}};
  bool operator==(const UiFonts&) const = default;
};

}  // namespace engine
