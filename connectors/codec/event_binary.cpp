// The binary event codec. See event_binary.h for the layout. Decoding never reads past
// the end of its input and never trusts a length or an enum value.
#include "connectors/codec/event_binary.h"

#include <cstring>
#include <limits>
#include <type_traits>

namespace connectors {

std::string EventDecodeError::message() const {
  return "binary event, byte " + std::to_string(offset) + ": " + why;
}

namespace {

// [SECTION] Writer

class Writer {
 public:
  explicit Writer(std::vector<uint8_t>& out) : out_(out) {}
  void u8(uint8_t v) { out_.push_back(v); }
  void uvar(uint64_t v) {
    while (v >= 0x80) {
      out_.push_back(static_cast<uint8_t>(v | 0x80));
      v >>= 7;
    }
    out_.push_back(static_cast<uint8_t>(v));
  }
  void svar(int64_t v) { uvar((static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63)); }
  void shipment(twin::ShipmentId id) { uvar(id.value); }  // as a varint of its number
  void boolean(bool b) { u8(b ? 1 : 0); }
  void f32(float f) {
    uint32_t bits;
    std::memcpy(&bits, &f, 4);
    for (int i = 0; i < 4; ++i) out_.push_back(static_cast<uint8_t>(bits >> (8 * i)));
  }
  bool str(const std::string& s) {
    if (s.size() > kEventBinaryMaxString) return false;
    uvar(s.size());
    out_.insert(out_.end(), s.begin(), s.end());
    return true;
  }
  void equipment(const twin::EquipmentRef& e) {
    u8(static_cast<uint8_t>(e.kind));
    uvar(e.index);
    uvar(e.server);
  }

 private:
  std::vector<uint8_t>& out_;
};

// [SECTION] Reader: every accessor checks bounds and sets an error instead of reading on.

class Reader {
 public:
  Reader(const uint8_t* data, size_t size) : p_(data), size_(size) {}
  bool ok() const { return why_.empty(); }
  size_t pos() const { return pos_; }
  size_t left() const { return size_ - pos_; }
  const std::string& why() const { return why_; }
  size_t error_at() const { return error_at_; }
  uint8_t version() const { return version_; }
  void set_version(uint8_t v) { version_ = v; }

  void fail(const std::string& why) {
    if (why_.empty()) {
      why_ = why;
      error_at_ = pos_;
    }
  }
  uint8_t u8(const char* what) {
    if (!ok()) return 0;
    if (pos_ >= size_) {
      fail(std::string("ends before ") + what);
      return 0;
    }
    return p_[pos_++];
  }
  uint64_t uvar(const char* what) {
    uint64_t v = 0;
    for (int shift = 0; ok(); shift += 7) {
      if (shift > 63) {
        fail(std::string("varint too long in ") + what);
        return 0;
      }
      const uint8_t b = u8(what);
      if (!ok()) return 0;
      if (shift == 63 && (b & 0x7E)) {
        fail(std::string("varint overflows 64 bits in ") + what);
        return 0;
      }
      v |= static_cast<uint64_t>(b & 0x7F) << shift;
      if (!(b & 0x80)) return v;
    }
    return 0;
  }
  int64_t svar(const char* what) {
    const uint64_t u = uvar(what);
    return static_cast<int64_t>((u >> 1) ^ (~(u & 1) + 1));
  }
  template <class T>
  T uint(const char* what) {
    const uint64_t v = uvar(what);
    if (v > std::numeric_limits<T>::max()) {
      fail(std::string(what) + " out of range (" + std::to_string(v) + ")");
      return 0;
    }
    return static_cast<T>(v);
  }
  twin::ShipmentId shipment(const char* what) { return twin::ShipmentId{uint<uint32_t>(what)}; }
  bool boolean(const char* what) {
    const uint8_t b = u8(what);
    if (b > 1) fail(std::string(what) + " is not a bool (" + std::to_string(b) + ")");
    return b == 1;
  }
  // An enum stored as one byte, valid values [0, count).
  template <class E>
  E enumeration(const char* what, unsigned count) {
    const uint8_t b = u8(what);
    if (ok() && b >= count) fail(std::string(what) + " has no value " + std::to_string(b));
    return ok() ? static_cast<E>(b) : E{};
  }
  float f32(const char* what) {
    uint32_t bits = 0;
    if (left() < 4) {
      fail(std::string("ends inside ") + what);
      return 0;
    }
    for (int i = 0; i < 4; ++i) bits |= static_cast<uint32_t>(p_[pos_ + i]) << (8 * i);
    pos_ += 4;
    float f;
    std::memcpy(&f, &bits, 4);
    return f;
  }
  std::string str(const char* what) {
    const uint64_t n = uvar(what);
    if (!ok()) return {};
    if (n > kEventBinaryMaxString) {
      fail(std::string(what) + " length " + std::to_string(n) + " exceeds the limit of " +
           std::to_string(kEventBinaryMaxString));
      return {};
    }
    if (n > left()) {
      fail(std::string(what) + " length " + std::to_string(n) + " runs past the end (" + std::to_string(left()) +
           " bytes left)");
      return {};
    }
    std::string s(reinterpret_cast<const char*>(p_ + pos_), static_cast<size_t>(n));
    pos_ += static_cast<size_t>(n);
    return s;
  }
  twin::EquipmentRef equipment() {
    twin::EquipmentRef e;
    e.kind = enumeration<twin::EquipmentRef::Kind>("equipment kind", 3);
    e.index = uint<uint16_t>("equipment index");
    e.server = uint<uint16_t>("equipment server");
    return e;
  }

 private:
  const uint8_t* p_;
  size_t size_;
  size_t pos_ = 0;
  std::string why_;
  size_t error_at_ = 0;
  uint8_t version_ = 0;
};

constexpr unsigned kDirections = 2, kChannels = 4, kEntityKinds = 2, kRoles = 3;

// [SECTION] Bodies: one encode and one decode per alternative, in EventBody order.

bool put(Writer&, const twin::ClockTick&) { return true; }
bool put(Writer& w, const twin::DeclarationFiled& b) {
  w.shipment(b.shipment);
  w.u8(static_cast<uint8_t>(b.direction));
  w.uvar(b.goods);
  w.boolean(b.reefer);
  w.boolean(b.unmanned_eligible);
  return w.str(b.plate) && w.str(b.container);
}
bool put(Writer& w, const twin::PartnerDeclarationReceived& b) {
  w.shipment(b.shipment);
  w.uvar(b.goods);
  return w.str(b.plate) && w.str(b.container);
}
bool put(Writer& w, const twin::VehicleArrived& b) {
  w.u8(static_cast<uint8_t>(b.direction));
  return w.str(b.plate) && w.str(b.container);
}
bool put(Writer& w, const twin::StepCompleted& b) {
  w.shipment(b.shipment);
  w.u8(static_cast<uint8_t>(b.checkpoint));
  w.u8(static_cast<uint8_t>(b.channel));
  w.boolean(b.passed);
  return true;
}
bool put(Writer& w, const twin::HandoverCompleted& b) { w.shipment(b.shipment); return true; }
bool put(Writer& w, const twin::PartnerReceiptConfirmed& b) { w.shipment(b.shipment); return true; }
bool put(Writer& w, const twin::TransferCompleted& b) { w.shipment(b.shipment); return true; }
bool put(Writer& w, const twin::VehicleLeft& b) { w.shipment(b.shipment); return true; }
bool put(Writer& w, const twin::GuideVehicleStepCompleted& b) { w.uvar(b.vehicle); return true; }
bool put(Writer& w, const twin::EquipmentStatus& b) {
  w.equipment(b.equipment);
  w.boolean(b.ok);
  return true;
}
bool put(Writer& w, const twin::PartnerLinkStatus& b) { w.boolean(b.up); return true; }
bool put(Writer& w, const twin::ReeferPower& b) {
  w.uvar(b.yard);
  w.boolean(b.on);
  return true;
}
bool put(Writer& w, const twin::PositionReport& b) {
  w.u8(static_cast<uint8_t>(b.entity));
  w.uvar(b.id);
  w.f32(b.position.x);
  w.f32(b.position.y);
  w.f32(b.heading_rad);
  w.boolean(b.has_id);  // version 2 on
  return w.str(b.plate) && w.str(b.container);
}
bool put(Writer& w, const twin::OperatorCommand& b) {
  if (!w.str(b.actor)) return false;
  w.u8(static_cast<uint8_t>(b.role));
  if (!w.str(b.reason)) return false;
  w.u8(static_cast<uint8_t>(b.command.kind));
  w.uvar(b.command.lane);
  w.shipment(b.command.shipment);
  w.equipment(b.command.equipment);
  w.uvar(b.command.goods);
  w.svar(b.at_ms);  // version 3 on
  return w.str(b.forged_identity);
}

void get(Reader&, twin::ClockTick&) {}
void get(Reader& r, twin::DeclarationFiled& b) {
  b.shipment = r.shipment("shipment");
  b.direction = r.enumeration<twin::Direction>("direction", kDirections);
  b.goods = r.uint<uint16_t>("goods");
  b.reefer = r.boolean("reefer");
  b.unmanned_eligible = r.boolean("unmanned_eligible");
  b.plate = r.str("plate");
  b.container = r.str("container");
}
void get(Reader& r, twin::PartnerDeclarationReceived& b) {
  b.shipment = r.shipment("shipment");
  b.goods = r.uint<uint16_t>("goods");
  b.plate = r.str("plate");
  b.container = r.str("container");
}
void get(Reader& r, twin::VehicleArrived& b) {
  b.direction = r.enumeration<twin::Direction>("direction", kDirections);
  b.plate = r.str("plate");
  b.container = r.str("container");
}
void get(Reader& r, twin::StepCompleted& b) {
  b.shipment = r.shipment("shipment");
  b.checkpoint = r.enumeration<twin::CheckpointKind>("checkpoint", static_cast<unsigned>(twin::CheckpointKind::Count));
  b.channel = r.enumeration<twin::Channel>("channel", kChannels);
  b.passed = r.boolean("passed");
}
void get(Reader& r, twin::HandoverCompleted& b) { b.shipment = r.shipment("shipment"); }
void get(Reader& r, twin::PartnerReceiptConfirmed& b) { b.shipment = r.shipment("shipment"); }
void get(Reader& r, twin::TransferCompleted& b) { b.shipment = r.shipment("shipment"); }
void get(Reader& r, twin::VehicleLeft& b) { b.shipment = r.shipment("shipment"); }
void get(Reader& r, twin::GuideVehicleStepCompleted& b) { b.vehicle = r.uint<uint16_t>("vehicle"); }
void get(Reader& r, twin::EquipmentStatus& b) {
  b.equipment = r.equipment();
  b.ok = r.boolean("ok");
}
void get(Reader& r, twin::PartnerLinkStatus& b) { b.up = r.boolean("up"); }
void get(Reader& r, twin::ReeferPower& b) {
  b.yard = r.uint<uint16_t>("yard");
  b.on = r.boolean("on");
}
void get(Reader& r, twin::PositionReport& b) {
  b.entity = r.enumeration<twin::EntityKind>("entity", kEntityKinds);
  b.id = r.uint<uint32_t>("id");
  b.position.x = r.f32("position.x");
  b.position.y = r.f32("position.y");
  b.heading_rad = r.f32("heading_rad");
  if (r.version() < 2) return;  // version 1: a truck was always named by its shipment id
  b.has_id = r.boolean("has_id");
  b.plate = r.str("plate");
  b.container = r.str("container");
}
void get(Reader& r, twin::OperatorCommand& b) {
  b.actor = r.str("actor");
  b.role = r.enumeration<twin::Role>("role", kRoles);
  b.reason = r.str("reason");
  b.command.kind = r.enumeration<twin::CommandKind>("command kind", static_cast<unsigned>(twin::CommandKind::Count));
  b.command.lane = r.uint<uint16_t>("command lane");
  b.command.shipment = r.shipment("command shipment");
  b.command.equipment = r.equipment();
  b.command.goods = r.uint<uint16_t>("command goods");
  if (r.version() < 3) return;  // before version 3: no order for later, no forged identity
  b.at_ms = r.svar("at_ms");
  b.forged_identity = r.str("forged_identity");
}

// Builds the alternative with index i of EventBody and decodes into it.
template <size_t I = 0>
bool get_body(Reader& r, size_t index, twin::EventBody& body) {
  if constexpr (I < std::variant_size_v<twin::EventBody>) {
    if (index == I) {
      auto& alt = body.emplace<I>();
      get(r, alt);
      return true;
    }
    return get_body<I + 1>(r, index, body);
  } else {
    return false;
  }
}

}  // namespace

std::optional<EventEncodeError> encode_event(const twin::Event& e, std::vector<uint8_t>& out) {
  const size_t start = out.size();
  Writer w(out);
  w.u8(kEventBinaryVersion);
  w.u8(static_cast<uint8_t>(e.body.index()));
  w.uvar(e.seq);
  w.svar(e.time_ms);
  w.u8(e.site);
  const bool ok = std::visit([&](const auto& b) { return put(w, b); }, e.body);
  if (!ok) {
    out.resize(start);
    return EventEncodeError{std::string("a string field of ") + twin::event_name(e.body) + " event seq " +
                            std::to_string(e.seq) + " is longer than " + std::to_string(kEventBinaryMaxString) +
                            " bytes"};
  }
  if (out.size() - start > kEventBinaryMaxBytes) {
    out.resize(start);
    return EventEncodeError{"event seq " + std::to_string(e.seq) + " encodes to more than " +
                            std::to_string(kEventBinaryMaxBytes) + " bytes"};
  }
  return std::nullopt;
}

EventDecodeResult decode_event(const uint8_t* data, size_t size) {
  if (size > kEventBinaryMaxBytes)
    return EventDecodeError{0, std::to_string(size) + " bytes exceed the limit of " +
                                   std::to_string(kEventBinaryMaxBytes)};
  if (size == 0 || data == nullptr) return EventDecodeError{0, "empty input"};
  Reader r(data, size);
  const uint8_t version = r.u8("version");
  if (version < kEventBinaryOldestVersion || version > kEventBinaryVersion)
    return EventDecodeError{0, "unknown format version " + std::to_string(version) + " (this build reads " +
                                   std::to_string(kEventBinaryOldestVersion) + " to " +
                                   std::to_string(kEventBinaryVersion) + ")"};
  r.set_version(version);
  const uint8_t type = r.u8("event type");
  if (!r.ok()) return EventDecodeError{r.error_at(), r.why()};
  if (type >= std::variant_size_v<twin::EventBody>)
    return EventDecodeError{1, "unknown event type " + std::to_string(type)};
  twin::Event e;
  e.seq = r.uvar("seq");
  e.time_ms = r.svar("time_ms");
  e.site = r.u8("site");
  get_body(r, type, e.body);
  if (!r.ok()) return EventDecodeError{r.error_at(), r.why()};
  if (r.left() != 0)
    return EventDecodeError{r.pos(), std::to_string(r.left()) + " trailing bytes after a " +
                                         twin::event_name(e.body) + " event"};
  return e;
}

}  // namespace connectors
