// PartnerWatch: a silent partner-customs feed becomes "partner link down". See partner_watch.h.
#include "pipeline/partner_watch.h"

#include <variant>

namespace pipeline {

namespace {
bool is_partner_data(const twin::EventBody& b) {
  return std::holds_alternative<twin::PartnerDeclarationReceived>(b) || std::holds_alternative<twin::PartnerReceiptConfirmed>(b);
}
}  // namespace

FieldMessage PartnerWatch::make(twin::SimTime t, uint8_t site, bool up) {
  FieldMessage f;
  f.source = kSource;
  f.source_seq = ++seq_;
  f.time_ms = t;
  f.site = site;
  f.body = twin::PartnerLinkStatus{up};
  f.cls = MessageClass::Ordered;
  f.topic = "(twin: partner feed watch)";
  return f;
}

std::optional<FieldMessage> PartnerWatch::before(const FieldMessage& m) {
  if (o_.silence_ms <= 0 || m.cls != MessageClass::Ordered || m.source == kSource) return std::nullopt;
  if (!started_) {
    started_ = true;
    last_partner_ms_ = m.time_ms;  // the feed is given silence_ms from the first message
  }
  if (std::holds_alternative<twin::PartnerLinkStatus>(m.body)) {
    // The field reports the link itself: stand down and start counting afresh.
    stale_ = false;
    resumed_at_ms_ = -1;
    last_partner_ms_ = m.time_ms;
    return std::nullopt;
  }
  if (is_partner_data(m.body) || stale_ || m.time_ms - last_partner_ms_ <= o_.silence_ms) return std::nullopt;
  stale_ = true;
  resumed_at_ms_ = -1;
  ++down_;
  return make(m.time_ms, m.site, false);
}

std::optional<FieldMessage> PartnerWatch::after(const FieldMessage& m) {
  if (o_.silence_ms <= 0 || m.cls != MessageClass::Ordered || m.source == kSource) return std::nullopt;
  if (is_partner_data(m.body)) {
    if (m.time_ms > last_partner_ms_) last_partner_ms_ = m.time_ms;
    if (stale_ && resumed_at_ms_ < 0) resumed_at_ms_ = m.time_ms;
  }
  if (!stale_ || resumed_at_ms_ < 0 || m.time_ms - resumed_at_ms_ < o_.resume_ms) return std::nullopt;
  // Partner data has flowed for resume_ms: the backlog is in, the link counts as back.
  // (If it went silent again meanwhile, the next check marks it stale again.)
  stale_ = false;
  resumed_at_ms_ = -1;
  ++up_;
  return make(m.time_ms, m.site, true);
}

}  // namespace pipeline
