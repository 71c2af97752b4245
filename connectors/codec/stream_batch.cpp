// The primary's event stream codec. See stream_batch.h.
#include "connectors/codec/stream_batch.h"

#include "connectors/codec/event_binary.h"

#include <algorithm>

namespace connectors {

namespace {

constexpr size_t kHeaderBytes = 3 + 1 + 8 + 8 + 4 + 2;

void put_le(std::string& out, uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

uint64_t get_le(const std::string& in, size_t at, int bytes) {
  uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v |= static_cast<uint64_t>(static_cast<uint8_t>(in[at + i])) << (8 * i);
  return v;
}

}  // namespace

std::string stream_batch_header(uint64_t stream_id, int64_t session, uint16_t count, uint32_t epoch) {
  std::string h = "GTS";
  h.push_back(static_cast<char>(kStreamBatchVersion));
  put_le(h, stream_id, 8);
  put_le(h, static_cast<uint64_t>(session), 8);
  put_le(h, epoch, 4);
  put_le(h, count, 2);
  return h;
}

static void put_text(std::string& out, const std::string& s) {
  const size_t n = std::min<size_t>(s.size(), 255);
  out.push_back(static_cast<char>(n));
  out.append(s, 0, n);
}

void append_stream_event(std::string& payload, const std::vector<uint8_t>& binary_event, const EventOrigin& origin) {
  put_le(payload, binary_event.size(), 2);
  payload.append(reinterpret_cast<const char*>(binary_event.data()), binary_event.size());
  payload.push_back(static_cast<char>(origin.cls));
  put_le(payload, origin.source_seq, 8);
  put_text(payload, origin.source);
  put_text(payload, origin.session);
  put_text(payload, origin.account);
  put_text(payload, origin.command_id);
}

StreamDecodeResult decode_stream_batch(const std::string& payload) {
  auto fail = [](std::string why) { return StreamDecodeError{std::move(why)}; };
  if (payload.size() > kStreamBatchMaxBytes)
    return fail(std::to_string(payload.size()) + " bytes, above the " + std::to_string(kStreamBatchMaxBytes) + "-byte limit");
  if (payload.size() < kHeaderBytes || payload.compare(0, 3, "GTS") != 0)
    return fail("not a Gate Twin stream batch (no \"GTS\" header); is something else publishing on the stream topic?");
  if (static_cast<uint8_t>(payload[3]) != kStreamBatchVersion)
    return fail("version " + std::to_string(static_cast<uint8_t>(payload[3])) + " is not " +
                std::to_string(kStreamBatchVersion) + "; the primary and this follower are different builds");
  StreamBatch b;
  b.stream_id = get_le(payload, 4, 8);
  b.session = static_cast<int64_t>(get_le(payload, 12, 8));
  b.epoch = static_cast<uint32_t>(get_le(payload, 20, 4));
  const size_t count = get_le(payload, 24, 2);
  if (b.epoch == 0) return fail("epoch 0");
  if (b.stream_id == 0) return fail("stream id 0");
  if (count == 0 || count > kStreamBatchMaxEvents) return fail("event count " + std::to_string(count) + " out of 1.." + std::to_string(kStreamBatchMaxEvents));
  b.events.reserve(count);
  size_t at = kHeaderBytes;
  for (size_t i = 0; i < count; ++i) {
    if (at + 2 > payload.size()) return fail("ends inside the length of event " + std::to_string(i));
    const size_t len = get_le(payload, at, 2);
    at += 2;
    if (len == 0 || len > kEventBinaryMaxBytes || at + len > payload.size())
      return fail("event " + std::to_string(i) + " has length " + std::to_string(len) + ", beyond the payload or the limit");
    EventDecodeResult r = decode_event(reinterpret_cast<const uint8_t*>(payload.data()) + at, len);
    if (auto* e = std::get_if<EventDecodeError>(&r)) return fail("event " + std::to_string(i) + ": " + e->message());
    twin::Event ev = std::get<twin::Event>(std::move(r));
    if (ev.seq == 0) return fail("event " + std::to_string(i) + " has seq 0");
    if (!b.events.empty() && ev.seq != b.events.back().seq + 1)
      return fail("seqs not consecutive: " + std::to_string(b.events.back().seq) + " then " + std::to_string(ev.seq));
    b.events.push_back(std::move(ev));
    at += len;
    EventOrigin o;
    if (at + 9 > payload.size()) return fail("ends inside the origin of event " + std::to_string(i));
    o.cls = static_cast<uint8_t>(payload[at]);
    if (o.cls > 2) return fail("event " + std::to_string(i) + " has origin class " + std::to_string(o.cls) + ", not 0..2");
    o.source_seq = get_le(payload, at + 1, 8);
    at += 9;
    for (std::string* text : {&o.source, &o.session, &o.account, &o.command_id}) {
      if (at + 1 > payload.size()) return fail("ends inside the origin of event " + std::to_string(i));
      const size_t n = static_cast<uint8_t>(payload[at]);
      if (at + 1 + n > payload.size()) return fail("the origin of event " + std::to_string(i) + " runs past the payload");
      text->assign(payload, at + 1, n);
      at += 1 + n;
    }
    b.origins.push_back(std::move(o));
  }
  if (at != payload.size()) return fail(std::to_string(payload.size() - at) + " trailing bytes");
  return b;
}

}  // namespace connectors
