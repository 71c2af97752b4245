// The telemetry/position fast path. See position_fast.h: every "return std::nullopt"
// hands the message to the full decoder, which speaks for it (error or result).
#include "connectors/codec/position_fast.h"

#include "connectors/codec/utc_time.h"
#include "twin/geo.h"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>

namespace connectors {

namespace {

constexpr double kPi = 3.14159265358979323846;  // as event_json.cpp

// The keys this path reads; any other key with a scalar value is skipped, as the full
// decoder skips it. "time" and "container" are left to the full decoder.
enum Key : int { V, Src, Seq, Session, TMs, UtcMs, Entity, Id, Plate, X, Y, Lat, Lon, HeadingRad, HeadingDeg, KeyCount };
constexpr const char* kKeys[KeyCount] = {"v",     "src", "seq", "session", "t_ms", "utc_ms", "entity",      "id",
                                          "plate", "x",   "y",   "lat",     "lon",  "heading_rad", "heading_deg"};

struct Value {
  std::string_view text;  // a string's characters (no quotes), or a number's token
  bool is_string = false, is_number = false;
};

class Scanner {
 public:
  Scanner(std::string_view s) : p_(s.data()), end_(s.data() + s.size()) {}
  void ws() {
    while (p_ < end_ && (*p_ == ' ' || *p_ == '\t' || *p_ == '\n' || *p_ == '\r')) ++p_;
  }
  bool eat(char c) {
    ws();
    if (p_ < end_ && *p_ == c) {
      ++p_;
      return true;
    }
    return false;
  }
  bool at_end() {
    ws();
    return p_ == end_;
  }
  // A string of printable ASCII without escapes; false for anything else.
  bool string(std::string_view& out) {
    ws();
    if (p_ >= end_ || *p_ != '"') return false;
    const char* s = ++p_;
    while (p_ < end_ && *p_ != '"') {
      const unsigned char c = static_cast<unsigned char>(*p_);
      if (c < 0x20 || c > 0x7e || c == '\\') return false;
      ++p_;
    }
    if (p_ >= end_) return false;
    out = std::string_view(s, static_cast<size_t>(p_ - s));
    ++p_;
    return true;
  }
  // A scalar value: a string, a number (JSON's grammar), true, false or null.
  bool value(Value& v) {
    ws();
    if (p_ >= end_) return false;
    if (*p_ == '"') {
      v.is_string = true;
      return string(v.text);
    }
    if (*p_ == '-' || (*p_ >= '0' && *p_ <= '9')) {
      v.is_number = true;
      return number(v.text);
    }
    for (const char* word : {"true", "false", "null"}) {
      const size_t n = std::strlen(word);
      if (static_cast<size_t>(end_ - p_) >= n && std::memcmp(p_, word, n) == 0) {
        p_ += n;
        return true;
      }
    }
    return false;  // an object or a list (or not JSON)
  }

 private:
  bool digits() {
    const char* s = p_;
    while (p_ < end_ && *p_ >= '0' && *p_ <= '9') ++p_;
    return p_ > s;
  }
  bool number(std::string_view& out) {
    const char* s = p_;
    if (*p_ == '-') ++p_;
    if (p_ >= end_) return false;
    if (*p_ == '0') ++p_;
    else if (!digits()) return false;
    if (p_ < end_ && *p_ == '.') {
      ++p_;
      if (!digits()) return false;
    }
    if (p_ < end_ && (*p_ == 'e' || *p_ == 'E')) {
      ++p_;
      if (p_ < end_ && (*p_ == '+' || *p_ == '-')) ++p_;
      if (!digits()) return false;
    }
    out = std::string_view(s, static_cast<size_t>(p_ - s));
    return true;
  }
  const char* p_;
  const char* end_;
};

// A whole non-negative number (what the full decoder calls unsigned), up to max.
bool whole(const Value& v, uint64_t max, uint64_t& out) {
  if (!v.is_number || v.text.empty() || v.text.size() > 19) return false;
  uint64_t n = 0;
  for (char c : v.text) {
    if (c < '0' || c > '9') return false;  // a sign, a fraction or an exponent
    n = n * 10 + static_cast<uint64_t>(c - '0');
  }
  if (n > max) return false;
  out = n;
  return true;
}

// Any number, finite and within +-limit (the full decoder's Reader::number).
bool real(const Value& v, double limit, double& out) {
  if (!v.is_number) return false;
  double d = 0;
  const auto r = std::from_chars(v.text.data(), v.text.data() + v.text.size(), d);
  if (r.ec != std::errc() || r.ptr != v.text.data() + v.text.size()) return false;
  if (!std::isfinite(d) || std::fabs(d) > limit) return false;
  out = d;
  return true;
}

// A string of 1..max characters.
bool text(const Value& v, size_t max, std::string_view& out) {
  if (!v.is_string || v.text.empty() || v.text.size() > max) return false;
  out = v.text;
  return true;
}

}  // namespace

std::optional<FieldMessage> decode_position_fast(std::string_view topic, std::string_view payload,
                                                 const std::vector<twin::SiteSpec>& sites, const DecodeOptions& options) {
  // gatetwin/v1/<site>/telemetry/position[/<account>]
  constexpr std::string_view kRoot = "gatetwin/v1/", kKind = "/telemetry/position";
  if (topic.size() > kMaxTopicBytes || payload.size() > kMaxPayloadBytes) return std::nullopt;
  if (topic.substr(0, kRoot.size()) != kRoot) return std::nullopt;
  const std::string_view rest = topic.substr(kRoot.size());
  const size_t kind_at = rest.find(kKind);
  if (kind_at == std::string_view::npos || kind_at == 0) return std::nullopt;
  const std::string_view site_id = rest.substr(0, kind_at), after = rest.substr(kind_at + kKind.size());
  if (site_id.find('/') != std::string_view::npos) return std::nullopt;
  std::string_view account;
  if (!after.empty()) {
    // A topic bound to a broker account (split_account in event_json.cpp): 1-64 of
    // letters, digits, . _ -; "src" must then be the account or "<account>/...".
    if (after.front() != '/') return std::nullopt;
    account = after.substr(1);
    if (account.empty() || account.size() > kMaxAccountChars) return std::nullopt;
    for (char c : account)
      if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-'))
        return std::nullopt;
  }
  if (account.empty() && options.require_account) return std::nullopt;
  size_t site = 0;
  while (site < sites.size() && sites[site].id != site_id) ++site;
  if (site == sites.size()) return std::nullopt;
  const twin::SiteSpec& spec = sites[site];

  // The object: each known key once, other keys scalar.
  Value got[KeyCount];
  bool has[KeyCount] = {};
  Scanner s(payload);
  if (!s.eat('{')) return std::nullopt;
  if (!s.eat('}')) {
    do {
      std::string_view key;
      Value v;
      if (!s.string(key) || !s.eat(':') || !s.value(v)) return std::nullopt;
      if (key == "time" || key == "container") return std::nullopt;
      int k = 0;
      while (k < KeyCount && key != kKeys[k]) ++k;
      if (k == KeyCount) {
        // Skipped, but nlohmann refuses a number that overflows a double ("number
        // overflow"): so must we, for any key.
        double ignored = 0;
        if (v.is_number && !real(v, HUGE_VAL, ignored)) return std::nullopt;
        continue;
      }
      if (has[k]) return std::nullopt;  // a duplicate key: the full decoder decides
      has[k] = true;
      got[k] = v;
    } while (s.eat(','));
    if (!s.eat('}')) return std::nullopt;
  }
  if (!s.at_end()) return std::nullopt;

  // The envelope (read_envelope).
  uint64_t v = 0, seq = 0;
  if (!has[V] || !whole(got[V], ~0ull, v) || v != static_cast<uint64_t>(kSchemaVersion)) return std::nullopt;
  std::string_view src, session;
  if (!has[Src] || !text(got[Src], kMaxIdChars, src)) return std::nullopt;
  if (src == "twin" || src.substr(0, 5) == "twin-") return std::nullopt;
  if (!account.empty() && src != account &&
      !(src.size() > account.size() && src.substr(0, account.size()) == account && src[account.size()] == '/'))
    return std::nullopt;
  if (!has[Seq] || !whole(got[Seq], ~0ull, seq) || seq == 0) return std::nullopt;
  if (has[Session] && !text(got[Session], kMaxSessionChars, session)) return std::nullopt;
  if (has[TMs] == has[UtcMs]) return std::nullopt;  // none, or both
  FieldMessage m;
  if (has[TMs]) {
    uint64_t t = 0;
    if (!whole(got[TMs], static_cast<uint64_t>(kMaxTime_ms), t)) return std::nullopt;
    m.time_ms = static_cast<twin::SimTime>(t);
  } else {
    uint64_t t = 0;
    if (!whole(got[UtcMs], static_cast<uint64_t>(kMaxUtcMs), t)) return std::nullopt;
    m.utc = true;
    m.utc_ms = static_cast<int64_t>(t);
  }

  // The body (read_position).
  twin::PositionReport b;
  std::string_view entity;
  if (!has[Entity] || !got[Entity].is_string) return std::nullopt;
  entity = got[Entity].text;
  if (entity == "guide_vehicle") {
    uint64_t id = 0;
    if (!has[Id] || !whole(got[Id], 0xFFFF, id) || id >= static_cast<uint64_t>(spec.fleet.guide_vehicles)) return std::nullopt;
    b.entity = twin::EntityKind::GuideVehicle;
    b.id = static_cast<uint32_t>(id);
  } else if (entity == "truck" || entity == "vehicle") {
    b.entity = twin::EntityKind::Truck;
    std::string_view plate;
    if (has[Plate] && !text(got[Plate], kMaxIdChars, plate)) return std::nullopt;
    b.plate = std::string(plate);
    b.has_id = has[Id] || plate.empty();
    if (b.has_id) {
      uint64_t id = 0;
      if (!has[Id] || !whole(got[Id], 0xFFFFFFFFu, id)) return std::nullopt;
      b.id = static_cast<uint32_t>(id);
    }
  } else {
    return std::nullopt;
  }
  if (has[HeadingRad] && has[HeadingDeg]) return std::nullopt;
  const bool wgs84 = has[Lat] || has[Lon];
  if (wgs84 && (has[X] || has[Y])) return std::nullopt;
  if (!wgs84) {
    double x = 0, y = 0;
    if (!has[X] || !has[Y] || !real(got[X], kMaxCoordinate_m, x) || !real(got[Y], kMaxCoordinate_m, y)) return std::nullopt;
    b.position = {static_cast<float>(x), static_cast<float>(y)};
  } else {
    double lat = 0, lon = 0;
    if (!has[Lat] || !has[Lon] || !real(got[Lat], 90, lat) || !real(got[Lon], 180, lon) || !spec.geo) return std::nullopt;
    const glm::dvec2 xy = twin::site_from_wgs84(*spec.geo, twin::LatLon{lat, lon});
    if (!(std::fabs(xy.x) <= kMaxCoordinate_m && std::fabs(xy.y) <= kMaxCoordinate_m)) return std::nullopt;
    b.position = {static_cast<float>(xy.x), static_cast<float>(xy.y)};
  }
  if (!has[HeadingDeg]) {
    double h = 0;
    if (!has[HeadingRad] || !real(got[HeadingRad], kMaxHeading_rad, h)) return std::nullopt;
    b.heading_rad = static_cast<float>(h);
  } else {
    double deg = 0;
    if (!real(got[HeadingDeg], 720, deg) || !spec.geo) return std::nullopt;
    b.heading_rad = static_cast<float>(std::remainder((spec.geo->x_bearing_deg - deg) * kPi / 180.0, 2 * kPi));
  }

  m.source = std::string(src);
  m.source_seq = seq;
  m.session = std::string(session);
  m.site = static_cast<uint8_t>(site);
  m.topic = std::string(topic);
  m.account = std::string(account);
  m.body = std::move(b);
  m.cls = MessageClass::Telemetry;
  return m;
}

}  // namespace connectors
