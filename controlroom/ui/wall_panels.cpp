// The wall's panels. See wall_panels.h. Sections: text helpers, header, sites, legend, ticker.
#include "controlroom/ui/wall_panels.h"

#include "controlroom/scene/palette.h"
#include "controlroom/ui/text_catalogue.h"
#include "controlroom/ui/alert_text.h"
#include "controlroom/ui/ui_map.h"

#include <imgui.h>
#include <imgui_internal.h>  // ImTextCharFromUtf8

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace controlroom {

using ui::tr;

TileStatus rate_status(double per_day, double target_min) {
  if (target_min <= 0) return TileStatus::Neutral;
  if (per_day >= target_min) return TileStatus::Met;
  return per_day >= 0.75 * target_min ? TileStatus::Close : TileStatus::Short;
}

namespace {

// [SECTION] text helpers --------------------------------------------------------------------

constexpr ImU32 kPanel = IM_COL32(18, 22, 30, 255);
constexpr ImU32 kFrame = IM_COL32(70, 82, 100, 255);
constexpr ImU32 kText = IM_COL32(235, 238, 242, 255);
constexpr ImU32 kDim = IM_COL32(160, 170, 185, 255);

ImU32 status_colour(TileStatus s) {
  switch (s) {
    case TileStatus::Met: return IM_COL32(30, 120, 55, 255);
    case TileStatus::Close: return IM_COL32(150, 105, 10, 255);
    case TileStatus::Short: return IM_COL32(150, 35, 30, 255);
    default: return IM_COL32(40, 48, 62, 255);
  }
}

ImU32 severity_colour(Severity s) {
  switch (s) {
    case Severity::Critical: return IM_COL32(255, 95, 80, 255);
    case Severity::Warning: return IM_COL32(255, 190, 60, 255);
    default: return IM_COL32(170, 200, 255, 255);
  }
}

// The Vietnamese of a catalogue key whatever the language: the wall names sites and the
// gate in both languages.
std::string vi_of(const std::string& en) {
  for (const ui::CatalogueEntry& e : ui::catalogue())
    if (en == e.en) return e.vi;
  return en;
}

ImU32 im(uint32_t rgba8) { return rgba8; }  // engine::rgba8 packs like IM_COL32

// Whether the font has every character of t (a size class may load only some ranges).
bool has_glyphs(ImFont* f, const std::string& t) {
  const char* p = t.c_str();
  const char* end = p + t.size();
  while (p < end) {
    unsigned int c = 0;
    const int n = ImTextCharFromUtf8(&c, p, end);
    if (n <= 0) break;
    p += n;
    if (c >= 0x20 && !f->FindGlyphNoFallback(static_cast<ImWchar>(c))) return false;
  }
  return true;
}

// The atlas font that draws t best at px: among those with all its glyphs, the smallest at
// least about px high (scaled down a little rather than blown up), else the largest.
ImFont* font_for(float px, const std::string& t) {
  ImFont* best = nullptr;
  ImFont* largest = nullptr;
  for (ImFont* f : ImGui::GetIO().Fonts->Fonts) {
    if (!has_glyphs(f, t)) continue;
    if (!largest || f->FontSize > largest->FontSize) largest = f;
    if (f->FontSize >= px * 0.9f && (!best || f->FontSize < best->FontSize)) best = f;
  }
  return best ? best : largest ? largest : ImGui::GetFont();
}

ImVec2 text_size(float px, const std::string& t) { return font_for(px, t)->CalcTextSizeA(px, 1e9f, 0, t.c_str()); }

// Text of size px at (x, y), made smaller until it fits max_w: never clipped.
float text(ImDrawList* dl, float px, float x, float y, ImU32 col, const std::string& t, float max_w = 1e9f) {
  ImFont* font = font_for(px, t);  // once per size: it checks the text's glyphs in every font
  ImVec2 s = font->CalcTextSizeA(px, 1e9f, 0, t.c_str());
  if (s.x > max_w && s.x > 0) {
    px = std::floor(px * max_w / s.x);
    font = font_for(px, t);
    s = font->CalcTextSizeA(px, 1e9f, 0, t.c_str());
  }
  dl->AddText(font, px, ImVec2(std::floor(x), std::floor(y)), col, t.c_str());
  return s.x;
}

std::string thousands(double v) {
  const long long n = std::llround(v);
  std::string digits = std::to_string(n < 0 ? -n : n), out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return n < 0 ? "-" + out : out;
}

// Where square-cornered opaque backgrounds go while wall_panels() draws (null: ImGui).
const PanelFill* g_fill = nullptr;

void panel(ImDrawList* dl, const PanelRect& r, ImU32 fill, float rounding = 0) {
  if (g_fill && rounding == 0 && (fill >> IM_COL32_A_SHIFT) == 255) (*g_fill)(r, fill);
  else dl->AddRectFilled(ImVec2(r.x, r.y), ImVec2(r.x + r.w, r.y + r.h), fill, rounding);
}

// [SECTION] header --------------------------------------------------------------------------

void header(ImDrawList* dl, const WallLayout& l, const WallClock& clock) {
  const PanelRect& h = l.header;
  panel(dl, h, kPanel);
  const float pad = 12 * l.scale;
  // The clock at the right: time large, date and zone beside it.
  const std::string zone = clock.date + "  UTC+7";
  const float zone_w = text_size(l.text_px, zone).x, time_w = text_size(l.clock_px, clock.time).x;
  const float clock_x = h.x + h.w - pad - zone_w - pad - time_w;
  text(dl, l.clock_px, clock_x, h.y + (h.h - l.clock_px) / 2, kText, clock.time);
  text(dl, l.text_px, h.x + h.w - pad - zone_w, h.y + (h.h - l.text_px) / 2, kDim, zone);
  ui_map::rect("wall/clock", clock_x, h.y, h.x + h.w, h.y + h.h);
  // The REPLAY marker left of the clock: red block, white capitals, the replayed moment.
  float right = clock_x - 2 * pad;
  if (clock.replay) {
    const std::string mark = std::string(tr("REPLAY")) + "  " + tr("replayed moment") + " " + clock.date + " " + clock.time;
    const float w = text_size(l.title_px, mark).x + 2 * pad;
    const PanelRect m{right - w, h.y + 4 * l.scale, w, h.h - 8 * l.scale};
    panel(dl, m, IM_COL32(200, 20, 30, 255), 6 * l.scale);
    dl->AddRect(ImVec2(m.x, m.y), ImVec2(m.x + m.w, m.y + m.h), IM_COL32(255, 255, 255, 255), 6 * l.scale, 0, 3 * l.scale);
    text(dl, l.title_px, m.x + pad, m.y + (m.h - l.title_px) / 2, IM_COL32(255, 255, 255, 255), mark);
    ui_map::rect("wall/REPLAY", m.x, m.y, m.x + m.w, m.y + m.h);
    right = m.x - pad;
  }
  // The gate at the left, in Vietnamese and English; the note under it.
  const float left_w = right - (h.x + pad);
  const float name_px = clock.note.empty() ? l.title_px : std::round(l.title_px * 0.8f);
  const std::string gate = "Huu Nghi border gate";
  tr(gate.c_str());  // in the catalogue like every string shown
  text(dl, name_px, h.x + pad, h.y + 6 * l.scale, kText, vi_of(gate) + "  -  " + gate + "  -  " + tr("control room wall"), left_w);
  if (!clock.note.empty()) text(dl, l.text_px * 0.9f, h.x + pad, h.y + h.h - l.text_px - 4 * l.scale, IM_COL32(255, 210, 120, 255), clock.note, left_w);
}

// [SECTION] sites ---------------------------------------------------------------------------

struct Tile {
  std::string label, figure, unit, line1, line2;
  TileStatus status = TileStatus::Neutral;
  ImU32 line1_col = kDim, line2_col = kDim;
};

void draw_tile(ImDrawList* dl, const WallLayout& l, const PanelRect& r, const Tile& t) {
  panel(dl, r, status_colour(t.status), 6 * l.scale);
  const float pad = 8 * l.scale, w = r.w - 2 * pad;
  float y = r.y + pad * 0.5f;
  text(dl, l.text_px, r.x + pad, y, IM_COL32(225, 230, 238, 255), t.label, w);
  y += l.text_px * 1.1f;
  const float fw = text(dl, l.figure_px, r.x + pad, y, IM_COL32(255, 255, 255, 255), t.figure, w * 0.7f);
  if (!t.unit.empty()) text(dl, l.text_px, r.x + pad + fw + pad * 0.6f, y + l.figure_px - l.text_px, kText, t.unit, w - fw - pad);
  y += l.figure_px + pad * 0.3f;
  text(dl, l.text_px * 0.9f, r.x + pad, y, t.line1_col, t.line1, w);
  if (!t.line2.empty()) {
    const float x2 = r.x + pad + text_size(l.text_px * 0.9f, t.line1).x + pad;
    text(dl, l.text_px * 0.9f, x2, y, t.line2_col, t.line2, r.x + r.w - pad - x2);
  }
}

const char* status_word(TileStatus s) {
  switch (s) {
    case TileStatus::Met: return tr("met");
    case TileStatus::Close: return tr("close");
    case TileStatus::Short: return tr("short");
    default: return "";
  }
}

void site_cell(ImDrawList* dl, const WallLayout& l, const WallSiteCell& c, const twin::Core& core, size_t i,
               const KpiHistory& kpis) {
  const twin::SiteSpec& spec = core.sites()[i];
  const float border = std::max(2.0f, std::round(3 * l.scale)), pad = 10 * l.scale;
  // The tiles' band and the title share the cell's background; the frame goes over them
  // (backgrounds first: they may be fills made before every ImGui draw).
  panel(dl, c.title, kPanel);
  if (!c.tiles.empty())
    panel(dl, {c.title.x, c.tiles.front().y - 8 * l.scale, c.title.w, c.frame.y + c.frame.h - border - (c.tiles.front().y - 8 * l.scale)}, kPanel);
  dl->AddRect(ImVec2(c.frame.x + border / 2, c.frame.y + border / 2), ImVec2(c.frame.x + c.frame.w - border / 2, c.frame.y + c.frame.h - border / 2),
              kFrame, 0, 0, border);
  tr(spec.name.c_str());  // the site's name is a catalogue key: its Vietnamese is there
  text(dl, l.title_px, c.title.x + pad, c.title.y + pad * 0.6f, kText, vi_of(spec.name), c.title.w - 2 * pad);
  text(dl, l.text_px, c.title.x + pad, c.title.y + pad * 0.6f + l.title_px * 1.05f, kDim, spec.name + "   (" + spec.id + ")", c.title.w - 2 * pad);
  ui_map::rect("wall/site/" + spec.id, c.frame.x, c.frame.y, c.frame.x + c.frame.w, c.frame.y + c.frame.h);

  twin::SiteKpis k;
  if (i < kpis.sites().size()) k = kpis.sites()[i].latest;
  const twin::Targets& tg = spec.targets;
  int64_t queued = k.lane_queue_now;
  for (const auto& cp : k.checkpoints) queued += cp.queue_now;
  char buf[128];
  std::vector<Tile> tiles;
  for (int year : {2027, 2030}) {
    const double lo = year == 2027 ? tg.per_day_2027_min : tg.per_day_2030_min, hi = year == 2027 ? tg.per_day_2027_max : tg.per_day_2030_max;
    Tile t;
    std::snprintf(buf, sizeof buf, tr("Cleared a day vs %d"), year);
    t.label = buf;
    t.figure = thousands(k.cleared_per_day);
    t.unit = tr("a day");
    t.status = rate_status(k.cleared_per_day, lo);
    t.line1 = std::string(tr("target")) + " " + thousands(lo) + "-" + thousands(hi);
    t.line2 = status_word(t.status);
    t.line2_col = IM_COL32(255, 255, 255, 255);
    tiles.push_back(t);
  }
  {
    Tile t;
    t.label = tr("Dwell p50 / p95");
    std::snprintf(buf, sizeof buf, "%.0f / %.0f", k.dwell_min_p50, k.dwell_min_p95);
    t.figure = buf;
    t.unit = tr("min");
    t.line1 = std::string(tr("cleared")) + " " + thousands(static_cast<double>(k.cleared[0])) + " " + tr("export") + ", " +
              thousands(static_cast<double>(k.cleared[1])) + " " + tr("import");
    tiles.push_back(t);
  }
  {
    Tile t;
    t.label = tr("Queued now");
    t.figure = thousands(static_cast<double>(queued));
    t.unit = tr("vehicles");
    t.status = queued > 3 * spec.queue_alert_vehicles ? TileStatus::Short : queued > spec.queue_alert_vehicles ? TileStatus::Close : TileStatus::Met;
    std::snprintf(buf, sizeof buf, "%s %.0f%%", tr("lanes busy"), 100 * k.lane_utilisation);
    t.line1 = buf;
    tiles.push_back(t);
  }
  for (size_t t = 0; t < c.tiles.size() && t < tiles.size(); ++t) {
    draw_tile(dl, l, c.tiles[t], tiles[t]);
    ui_map::rect("wall/tile/" + spec.id + "/" + std::to_string(t), c.tiles[t].x, c.tiles[t].y, c.tiles[t].x + c.tiles[t].w,
                 c.tiles[t].y + c.tiles[t].h);
  }
}

// [SECTION] legend --------------------------------------------------------------------------

// A lane signal as on the ground: an arrow (open), a cross (closed) in its colour.
void signal_icon(ImDrawList* dl, float x, float y, float s, uint32_t colour, bool cross) {
  const float t = std::max(2.0f, s * 0.18f);
  if (cross) {
    dl->AddLine(ImVec2(x, y), ImVec2(x + s, y + s), im(colour), t);
    dl->AddLine(ImVec2(x + s, y), ImVec2(x, y + s), im(colour), t);
    return;
  }
  dl->AddLine(ImVec2(x, y + s / 2), ImVec2(x + s * 0.8f, y + s / 2), im(colour), t);
  dl->AddTriangleFilled(ImVec2(x + s, y + s / 2), ImVec2(x + s * 0.5f, y), ImVec2(x + s * 0.5f, y + s), im(colour));
}

void legend(ImDrawList* dl, const PanelRect& band, float text_px) {
  panel(dl, band, kPanel);
  const float scale = text_px / 18.0f;
  const float px = text_px * 0.9f, sw = px, gap = 10 * scale;
  struct Item {
    const char* text;
    uint32_t colour;
    int icon;  // 0 swatch, 1 arrow, 2 cross
  };
  const Item items[] = {
      {tr("not yet scanned"), palette::kNotYetScanned, 0}, {tr("green channel"), palette::kGreen, 0},
      {tr("yellow channel"), palette::kYellow, 0},          {tr("red channel"), palette::kRed, 0},
      {tr("held"), palette::kHeld, 0},                      {tr("diverted"), palette::kDiverted, 0},
      {tr("guide vehicle"), palette::kGuideVehicle, 0},     {tr("lane open"), palette::kSignalGo, 1},
      {tr("tidal lane reversed"), palette::kLaneReversed, 1}, {tr("lane closed"), palette::kSignalStop, 2},
  };
  float total = 0;
  for (const Item& it : items) total += sw + gap * 0.5f + text_size(px, it.text).x + 2 * gap;
  const float title_w = text_size(px, tr("Legend:")).x + gap;
  // Shrink the whole line when the display is narrow: every item stays readable and inside.
  const float k = std::min(1.0f, (band.w - 2 * gap) / (total + title_w));
  const float p = std::floor(px * k), s = sw * k, g = gap * k, y = band.y + (band.h - p) / 2;
  float x = band.x + gap;
  x += text(dl, p, x, y, kDim, tr("Legend:")) + g;
  for (const Item& it : items) {
    if (it.icon == 0) dl->AddRectFilled(ImVec2(x, y), ImVec2(x + s, y + s), im(it.colour), 3 * scale);
    else signal_icon(dl, x, y, s, it.colour, it.icon == 2);
    x += s + g * 0.5f;
    x += text(dl, p, x, y, kText, it.text) + 2 * g;
  }
}

// [SECTION] ticker --------------------------------------------------------------------------

void ticker(ImDrawList* dl, const WallLayout& l, const AlertLog& alerts) {
  const PanelRect& r = l.ticker;
  panel(dl, r, IM_COL32(10, 12, 16, 255));
  const float pad = 10 * l.scale, line_h = l.text_px * 1.15f;
  char buf[160];
  std::snprintf(buf, sizeof buf, tr("ALERTS: %llu not acknowledged"), static_cast<unsigned long long>(alerts.unacknowledged()));
  const ImU32 head_col = alerts.unacknowledged() ? severity_colour(Severity::Critical) : kDim;
  const float head_w = std::min(r.w * 0.28f, text_size(l.text_px, buf).x);
  text(dl, l.text_px, r.x + pad, r.y + pad, head_col, buf, r.w * 0.28f);
  ui_map::rect("wall/ticker", r.x, r.y, r.x + r.w, r.y + r.h);
  // The newest alerts by severity (critical first), as many as fit on two lines.
  std::vector<const Alert*> shown;
  for (const Alert& a : alerts.items()) {
    shown.push_back(&a);
    if (shown.size() >= 40) break;
  }
  std::stable_sort(shown.begin(), shown.end(), [](const Alert* a, const Alert* b) { return a->severity < b->severity; });
  if (shown.empty()) {
    text(dl, l.text_px, r.x + 2 * pad + head_w, r.y + pad, kDim, tr("no alerts"));
    return;
  }
  float x = r.x + 2 * pad + head_w, y = r.y + pad;
  const float x0 = x, right = r.x + r.w - pad;
  int line = 0;
  for (const Alert* a : shown) {
    std::string t = std::string("[") + tr(to_string(a->severity)) + "] " + ui::alert_text(a->text);
    const float w = text_size(l.text_px, t).x;
    if (x + w > right) {
      if (++line >= 2) break;
      x = x0;
      y += line_h;
      if (w > right - x) continue;
    }
    x += text(dl, l.text_px, x, y, severity_colour(a->severity), t, right - x) + 2 * pad;
  }
}

}  // namespace

void legend_strip(const PanelRect& r, float text_px) { legend(ImGui::GetBackgroundDrawList(), r, text_px); }

void wall_panels(const WallLayout& l, const twin::Core& core, const KpiHistory& kpis, const AlertLog& alerts,
                 const WallClock& clock, const PanelFill& fill) {
  ImDrawList* dl = ImGui::GetBackgroundDrawList();
  g_fill = fill ? &fill : nullptr;
  header(dl, l, clock);
  for (size_t i = 0; i < l.sites.size() && i < core.sites().size(); ++i) site_cell(dl, l, l.sites[i], core, i, kpis);
  legend(dl, l.legend, l.text_px);
  ticker(dl, l, alerts);
  g_fill = nullptr;
}

}  // namespace controlroom
