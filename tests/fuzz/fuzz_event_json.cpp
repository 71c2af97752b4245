// libFuzzer target: the MQTT payload decoder (connectors/codec/event_json). Input: the
// topic, a newline, the payload (the format of tests/connectors/bad_payloads/*.msg).
// Every input must give decoded messages (a batch: some positions, some rejected) or a DecodeError: no crash, no sanitizer report,
// nothing thrown. A decoded event must encode again without failing. Seeds:
// tests/fuzz/corpus/event_json (valid messages of every kind, and the bad payloads).
#include "connectors/codec/event_json.h"
#include "connectors/files/site_file.h"

#include <cstdint>
#include <cstdlib>
#include <string_view>

namespace {
const std::vector<twin::SiteSpec>& sites() {
  static const std::vector<twin::SiteSpec> s = [] {
    auto r = connectors::load_sites("all", connectors::default_sites_dir());
    if (!std::holds_alternative<std::vector<twin::SiteSpec>>(r)) std::abort();  // the shipped sites must load
    return std::get<std::vector<twin::SiteSpec>>(r);
  }();
  return s;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  const size_t nl = in.find('\n');
  std::string_view topic = nl == std::string_view::npos ? in : in.substr(0, nl);
  std::string_view payload = nl == std::string_view::npos ? std::string_view() : in.substr(nl + 1);
  connectors::DecodeManyResult r = connectors::decode_messages(topic, payload, sites());
  if (auto* d = std::get_if<connectors::DecodedMessages>(&r)) {
    for (const auto& e : d->rejected_items) (void)e.message();
    if (!d->batch && d->messages.size() != 1) std::abort();  // one message is one event
    if (d->batch && !d->messages.empty()) {
      // The accepted positions of a batch encode into a batch that decodes whole.
      std::vector<twin::PositionReport> pos;
      for (const auto& m : d->messages) pos.push_back(std::get<twin::PositionReport>(m.body));
      const auto& m = d->messages.front();
      connectors::EncodedMessage again = connectors::encode_position_batch(m.site, m.time_ms, pos, m.source, m.source_seq, sites());
      auto back = connectors::decode_messages(again.topic, again.payload, sites());
      auto* bd = std::get_if<connectors::DecodedMessages>(&back);
      // Re-encoded floats may be longer than the input's; only an oversized batch may fail.
      if (!bd ? std::get<connectors::DecodeError>(back).reason != connectors::RejectReason::Oversized
              : (bd->messages.size() != pos.size() || !bd->rejected_items.empty()))
        std::abort();
    }
    for (const auto& m : d->messages) {
      if (d->batch) break;
      twin::Event e{1, m.time_ms, m.site, m.body};
      connectors::EncodedMessage again = connectors::encode_event(e, m.source, m.source_seq, sites());
      // What decoded must decode again from its own encoding (the codec is its own inverse).
      if (!std::holds_alternative<connectors::FieldMessage>(connectors::decode_message(again.topic, again.payload, sites())))
        std::abort();
    }
  } else {
    (void)std::get<connectors::DecodeError>(r).message();
  }
  return 0;
}
