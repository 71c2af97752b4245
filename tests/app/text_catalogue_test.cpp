// Tests the control room's text catalogue (controlroom/ui/text_catalogue.h): every entry has
// its English key and its Vietnamese text, neither empty, no key twice, and the same printf
// conversions in the same order in both (a format key is printf'ed in either language);
// tr() answers in the language set, --lang's parser takes vi and en only; and a scan of the
// control room's sources (controlroom/, read from the source tree) finds no ImGui call that
// shows a bare string literal with words in it: every such text goes through tr() / trf()
// (literals that are only IDs "##x" or formats "%s: %d" are allowed; a line marked
// "i18n:" says why it is not translated); the core's alert phrasings are shown in the
// language set with their data kept. No engine, no display; never skips.
#include "controlroom/ui/alert_text.h"
#include "controlroom/ui/text_catalogue.h"
#include "controlroom/ui/vda_vehicle_text.h"

#include <catch2/catch.hpp>

#include <cstring>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

using namespace controlroom::ui;

namespace {

std::vector<std::string> conversions(const std::string& s) {
  static const std::regex conv(R"(%[-+ #0']*(\*|\d+)?(\.(\*|\d+))?(hh|h|ll|l|j|z|t|L)?[diouxXeEfFgGaAcspn%])");
  std::vector<std::string> out;
  for (auto it = std::sregex_iterator(s.begin(), s.end(), conv); it != std::sregex_iterator(); ++it) out.push_back(it->str());
  return out;
}

// The span of a call's arguments from the '(' at open: up to its matching ')', skipping
// string and character literals.
size_t closing(const std::string& s, size_t open) {
  int depth = 0;
  for (size_t i = open; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '"' || c == '\'') {
      for (++i; i < s.size() && s[i] != c; ++i)
        if (s[i] == '\\') ++i;
    } else if (c == '(') ++depth;
    else if (c == ')' && --depth == 0) return i;
  }
  return std::string::npos;
}

// The arguments' text with every tr(...) / trf(...) / tr_data(...) / window_title(...) call
// blanked out: what is left is shown as written.
std::string untranslated(std::string args) {
  static const std::regex call(R"(\b(tr|trf|tr_data|window_title)\s*\()");
  std::smatch m;
  while (std::regex_search(args, m, call)) {
    const size_t open = static_cast<size_t>(m.position(0) + m.length(0) - 1);
    const size_t close = closing(args, open);
    if (close == std::string::npos) break;
    args.replace(static_cast<size_t>(m.position(0)), close + 1 - static_cast<size_t>(m.position(0)), " ");
  }
  return args;
}

// Literals (without quotes) in text.
std::vector<std::string> literals(const std::string& s) {
  std::vector<std::string> out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\'') {  // a character literal: skip
      for (++i; i < s.size() && s[i] != '\''; ++i)
        if (s[i] == '\\') ++i;
      continue;
    }
    if (s[i] != '"') continue;
    std::string lit;
    for (++i; i < s.size() && s[i] != '"'; ++i) {
      if (s[i] == '\\') lit += s[i++];
      lit += s[i];
    }
    out.push_back(lit);
  }
  return out;
}

// True when a literal shows no words: an ID ("##x"), a format ("%s: %d"), signs, digits.
bool shows_no_words(std::string lit) {
  if (const size_t id = lit.find("##"); id != std::string::npos) lit.erase(id);
  static const std::regex conv(R"(%[-+ #0']*(\*|\d+)?(\.(\*|\d+))?(hh|h|ll|l|j|z|t|L)?[diouxXeEfFgGaAcspn%])");
  lit = std::regex_replace(lit, conv, "");
  for (unsigned char c : lit)
    if (std::isalpha(c) || c >= 0x80) return false;
  return true;
}

// Every ImGui call that shows text given as a literal, in the control room's sources,
// as "file:line: literal".
std::vector<std::string> bare_literals(const std::string& dir) {
  static const std::regex shows(
      R"((ImGui::(Text|TextColored|TextDisabled|TextWrapped|TextUnformatted|BulletText|LabelText|Button|SmallButton|Selectable|Checkbox|RadioButton|CollapsingHeader|TreeNode|BeginCombo|Combo|InputText|InputTextWithHint|InputInt|SliderInt|SliderFloat|Begin|BeginPopupModal|OpenPopup|MenuItem|BeginMenu|TableSetupColumn|SetTooltip|PlotLines|PlotHistogram)|->AddText|begin_fixed|why_line)\s*\()");
  std::vector<std::string> found;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
    const std::string path = e.path().string();
    if (!e.is_regular_file() || (e.path().extension() != ".cpp" && e.path().extension() != ".h")) continue;
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    const std::string src = ss.str();
    for (auto it = std::sregex_iterator(src.begin(), src.end(), shows); it != std::sregex_iterator(); ++it) {
      const size_t open = static_cast<size_t>(it->position(0) + it->length(0) - 1);
      const size_t close = closing(src, open);
      if (close == std::string::npos) continue;
      const size_t line_start = src.rfind('\n', static_cast<size_t>(it->position(0))) + 1;
      const size_t line_end = src.find('\n', close);
      if (src.substr(line_start, line_end - line_start).find("i18n:") != std::string::npos) continue;
      for (const std::string& lit : literals(untranslated(src.substr(open, close - open + 1))))
        if (!shows_no_words(lit)) {
          const long line = std::count(src.begin(), src.begin() + static_cast<long>(open), '\n') + 1;
          found.push_back(std::filesystem::relative(path, dir).string() + ":" + std::to_string(line) + ": \"" + lit + "\"");
        }
    }
  }
  return found;
}

}  // namespace

TEST_CASE("every catalogue entry has both languages, once, with the same printf conversions") {
  std::set<std::string> keys;
  REQUIRE(catalogue().size() > 150);
  for (const CatalogueEntry& e : catalogue()) {
    INFO("entry \"" << e.en << "\" / \"" << e.vi << "\"");
    REQUIRE(e.en != nullptr);
    REQUIRE(e.vi != nullptr);
    CHECK(std::string(e.en).size() > 0);
    CHECK(std::string(e.vi).size() > 0);
    CHECK(keys.insert(e.en).second);
    CHECK(conversions(e.en) == conversions(e.vi));
  }
}

TEST_CASE("tr() answers in the language set; --lang takes vi and en") {
  Lang l = Lang::En;
  CHECK(parse_lang("vi", l));
  CHECK(l == Lang::Vi);
  CHECK(parse_lang("en", l));
  CHECK(l == Lang::En);
  CHECK_FALSE(parse_lang("fr", l));
  CHECK_FALSE(parse_lang("VI", l));
  set_lang(Lang::Vi);
  CHECK(std::string(tr("Alerts")) == "Cảnh báo");
  CHECK(trf("%s  cleared %lld / %lld (exp/imp)  = %.0f a day", "m1119", 3LL, 4LL, 5.0) == "m1119  đã thông quan 3 / 4 (xuất/nhập)  = 5 một ngày");
  CHECK(tr_data("close_lane") == "đóng làn");
  CHECK(tr_data("E4") == "E4");  // data the catalogue does not know stays as it is
  set_lang(Lang::En);
  CHECK(std::string(tr("Alerts")) == "Alerts");
  CHECK(missing_keys().empty());
}

// tr() remembers what it found by the address of the text asked for (a frame asks for the
// same literals hundreds of times); an address that holds other text now must not get the
// entry found for the old one.
TEST_CASE("tr() asked at an address that now holds other text answers for that text") {
  set_lang(Lang::Vi);
  char text[64];
  std::strcpy(text, "Alerts");
  CHECK(std::string(tr(text)) == "Cảnh báo");
  CHECK(std::string(tr(text)) == "Cảnh báo");  // remembered
  std::strcpy(text, "log in to command");
  CHECK(std::string(tr(text)) == "đăng nhập để ra lệnh");
  std::strcpy(text, "Alerts");
  CHECK(std::string(tr(text)) == "Cảnh báo");
  set_lang(Lang::En);
  CHECK(std::string(tr(text)) == "Alerts");
  CHECK(missing_keys().empty());
}

TEST_CASE("no ImGui call in the control room shows a bare literal with words: all text goes through tr()") {
  // The scan itself: it must see a bare literal, and let an ID or a format pass.
  CHECK_FALSE(shows_no_words("Close"));
  CHECK_FALSE(shows_no_words("Tiếng Việt"));
  CHECK(shows_no_words("##views"));
  CHECK(shows_no_words("%s: %.1f %s"));
  CHECK(shows_no_words("|<"));
  CHECK(literals(untranslated(R"((tr("Alerts"), "%s", trf("a %d", 3), "Open"))")) == std::vector<std::string>{"%s", "Open"});
  const std::vector<std::string> bare = bare_literals(std::string(GATETWIN_SOURCE_DIR) + "/controlroom");
  std::string list;
  for (const std::string& b : bare) list += "\n  " + b;
  INFO("text shown without the catalogue:" << list);
  CHECK(bare.empty());
}

TEST_CASE("the core's alerts are shown in the language set, their data kept") {
  set_lang(Lang::Vi);
  CHECK(alert_text("m1119: queue at scanner over 30") == "m1119: hàng chờ tại máy soi vượt 30");
  CHECK(alert_text("m1088: declaration mismatch, shipment 1639 diverted") == "m1088: tờ khai không khớp, lô hàng 1639 bị chuyển khỏi luồng");
  CHECK(alert_text("m1119: link to partner customs down") == "m1119: mất kết nối với hải quan phía bạn");
  CHECK(alert_text("m1119: something the catalogue does not know") == "m1119: something the catalogue does not know");
  set_lang(Lang::En);
  CHECK(alert_text("m1119: queue at scanner over 30") == "m1119: queue at scanner over 30");
  CHECK(missing_keys().empty());
}

// The inspector's report of a VDA 5050 guide vehicle (docs/vda5050.md "For the inspector"):
// connection and planning, driving / paused, battery, operating mode, safety, errors by
// level (the worst first), the order's ids and progress; in both languages from the
// catalogue (no key missing), the vehicle's data kept as sent.
TEST_CASE("a VDA 5050 vehicle's report in the inspector, in both languages") {
  connectors::vda5050::VehicleView v;
  v.manufacturer = "GateFleet", v.serial_number = "GV-m1119-02", v.site = "m1119", v.slot = 1;
  v.connection = "ONLINE";
  v.available = false, v.unavailable_why = "a FATAL error";
  v.has_state = true;
  v.order_id = "m1119-v1-31", v.order_update_id = 3, v.twin_order_id = "m1119-v1-31", v.twin_order_update_id = 4;
  v.last_node_id = "m1119-E4-n03", v.last_node_sequence_id = 6;
  v.nodes_done = 4, v.edges_done = 3, v.nodes_to_go = 13, v.edges_to_go = 13;
  v.driving = true, v.paused = true;
  v.battery_charge = 87.5, v.charging = false;
  v.operating_mode = "SEMIAUTOMATIC";
  v.e_stop = "REMOTE", v.field_violation = true;
  v.errors = {{"WARNING", "lidarDirty: clean me"}, {"FATAL", "localizationLost: no position"}};
  auto text = [](const std::vector<VdaLine>& lines) {
    std::string all;
    for (const VdaLine& l : lines) all += l.text + "\n";
    return all;
  };
  auto tone_of = [](const std::vector<VdaLine>& lines, const std::string& part) {
    for (const VdaLine& l : lines)
      if (l.text.find(part) != std::string::npos) return l.tone;
    FAIL("no line with " << part);
    return VdaLine::Tone::Normal;
  };
  set_lang(Lang::En);
  const auto before = missing_keys().size();
  auto en = vda_vehicle_lines(v);
  const std::string e = text(en);
  INFO(e);
  CHECK_THAT(e, Catch::Contains("VDA 5050 vehicle GateFleet / GV-m1119-02"));
  CHECK_THAT(e, Catch::Contains("connection: ONLINE"));
  CHECK_THAT(e, Catch::Contains("NOT PLANNED WITH: a FATAL error"));
  CHECK_THAT(e, Catch::Contains("motion: driving, PAUSED"));
  CHECK_THAT(e, Catch::Contains("battery: 88 %"));
  CHECK_THAT(e, Catch::Contains("operating mode: SEMIAUTOMATIC"));
  CHECK_THAT(e, Catch::Contains("E-STOP: REMOTE"));
  CHECK_THAT(e, Catch::Contains("PROTECTIVE FIELD VIOLATED"));
  CHECK_THAT(e, Catch::Contains("errors: 1 fatal, 1 warning"));
  CHECK(e.find("FATAL: localizationLost: no position") < e.find("WARNING: lidarDirty: clean me"));  // the worst first
  CHECK_THAT(e, Catch::Contains("vehicle's order: m1119-v1-31, update 3"));
  CHECK_THAT(e, Catch::Contains("twin's order: m1119-v1-31, update 4"));
  CHECK_THAT(e, Catch::Contains("nodes: 4 done, 13 to go   edges: 3 done, 13 to go"));
  CHECK_THAT(e, Catch::Contains("last node: m1119-E4-n03 (sequence 6)"));
  CHECK(tone_of(en, "E-STOP") == VdaLine::Tone::Alarm);
  CHECK(tone_of(en, "PROTECTIVE") == VdaLine::Tone::Alarm);
  CHECK(tone_of(en, "NOT PLANNED") == VdaLine::Tone::Alarm);
  CHECK(tone_of(en, "connection") == VdaLine::Tone::Good);
  set_lang(Lang::Vi);
  const std::string vi = text(vda_vehicle_lines(v));
  INFO(vi);
  CHECK_THAT(vi, Catch::Contains("kết nối: TRỰC TUYẾN"));
  CHECK_THAT(vi, Catch::Contains("pin: 88 %"));
  CHECK_THAT(vi, Catch::Contains("DỪNG KHẨN CẤP: TỪ XA"));
  CHECK_THAT(vi, Catch::Contains("NGHIÊM TRỌNG: localizationLost: no position"));
  CHECK_THAT(vi, Catch::Contains("m1119-v1-31"));
  CHECK(vi.find("battery") == std::string::npos);
  // Safe and sound, and a vehicle never heard: the other lines.
  v.e_stop = "NONE", v.field_violation = false, v.errors.clear(), v.paused = false, v.available = true;
  const std::string fine = text(vda_vehicle_lines(v));
  CHECK_THAT(fine, Catch::Contains("vùng bảo vệ trống"));
  CHECK_THAT(fine, Catch::Contains("lỗi: không có"));
  connectors::vda5050::VehicleView never;
  const std::string none = text(vda_vehicle_lines(never));
  CHECK_THAT(none, Catch::Contains("chưa nhận được trạng thái"));
  set_lang(Lang::En);
  CHECK(missing_keys().size() == before);
}
