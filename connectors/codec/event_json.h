// The MQTT payload codec: twin::Event <-> topic + JSON payload, and the twin's own
// outputs (decisions, command results) -> topic + JSON. Topic tree and payloads are
// documented in docs/mqtt.md; names come from twin/names.cpp and the site files.
// Decoding trusts nothing: every problem is a DecodeError with a typed reason and a
// message a person can act on; nothing here throws past its boundary or guesses.
// It must not sequence, queue or apply anything: that is the sequencer's and the core's.
//
// Supports: schema "v": 1 under gatetwin/v1/; every alternative of twin::EventBody;
// entities named as in the site files (lane "E1", checkpoint "scanner", yard
// "transfer", goods "fruit"); guide vehicles by fleet index; trucks by shipment id, or in
// positions by plate and / or ISO 6346 container number (check digit verified everywhere
// a container appears). Time as run time "t_ms", or UTC "utc_ms" / "time" (RFC 3339),
// exactly one; a UTC stamp is decoded, not mapped (the link maps it through the session
// epoch and checks it against the wall clock). An optional "session" (the source's run).
// Positions in site metres or WGS84 "lat" / "lon" (through the site's geo-reference),
// heading in site radians or compass "heading_deg". Topics bound to a broker account:
// a last level ".../<kind>/<account>" whose account must own "src" (docs/mqtt.md).
// Position batches: one message from a GNSS gateway carrying up to kMaxBatchPositions
// positions (telemetry/positions); a bad item is rejected alone, the others are kept.
// Does not support: binary payloads, batches of ordered events, MQTT 5 properties.
#pragma once
#include "connectors/result.h"
#include "connectors/codec/field_message.h"
#include "twin/decision.h"
#include "twin/event.h"
#include "twin/site.h"

#include <nlohmann/json.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace connectors {

constexpr int kSchemaVersion = 1;
constexpr const char* kTopicRoot = "gatetwin/v1";
constexpr size_t kMaxPayloadBytes = 16 * 1024;  // a real message is under 1 KiB
constexpr size_t kMaxTopicBytes = 256;
constexpr size_t kMaxIdChars = 64;              // ids, plates, containers, actor, source
constexpr size_t kMaxTextChars = 512;           // a command's reason
constexpr int kMaxJsonDepth = 8;
constexpr size_t kMaxBatchPositions = 128;     // positions in one telemetry/positions message
constexpr double kMaxCoordinate_m = 1.0e6;      // positions are local metres
constexpr double kMaxHeading_rad = 4 * 3.14159265358979;  // any angle a receiver may send unwrapped
constexpr int64_t kMaxTime_ms = 400LL * 24 * 3600 * 1000;  // run time "t_ms": 400 days at most (gatesim runs up to 366)
constexpr size_t kMaxSessionChars = 64;         // "session"
constexpr size_t kMaxAccountChars = 64;         // a topic's account level: letters, digits, . _ - (as make-certs.sh)

enum class RejectReason : uint8_t {
  Oversized = 0,       // payload or topic longer than the limits above
  BadTopic,            // not gatetwin/v1/<site>/<known kind>
  UnknownSite,         // site id not in the twin's site files
  MalformedJson,       // not JSON, or nested too deep
  UnsupportedVersion,  // "v" is not kSchemaVersion
  MissingField,
  WrongType,
  BadValue,            // negative time, NaN or out-of-range number, unknown enum name
  StringTooLong,
  UnknownEntity,       // lane / checkpoint / yard / goods id not in the site, vehicle index out of range
  BadContainer,        // a container number that is not ISO 6346 (form or check digit)
  NoGeoReference,      // WGS84 lat / lon or heading_deg for a site file without "geo"
  SrcNotAccount,       // "src" is not the topic's account nor "<account>/..."
  UnboundTopic,        // no account level in the topic while the twin requires one
  TimeAhead,           // a UTC stamp more than max_ahead ahead of the twin's wall clock (the link's check)
  TimeTooOld,          // a UTC stamp older than max_age, or before the session epoch (the link's check)
  Retained,            // delivered from the broker's retained store, not sent now (the link's check)
  ForgedIdentity,      // a command whose actor or role is not its broker account's (the link's check, --command-accounts)
  PartnerUnsigned,     // partner data of a site with a pinned partner key, without a signature envelope (the link's check)
  PartnerBadSignature, // partner data whose signature does not hold for the site's pinned key (the link's check)
  Count
};
const char* to_string(RejectReason r);

struct DecodeError {
  DecodeError() = default;
  DecodeError(RejectReason r, std::string d, std::string src = {}) : reason(r), detail(std::move(d)), source(std::move(src)) {}
  RejectReason reason = RejectReason::MalformedJson;
  std::string detail;   // which field and why
  std::string source;   // the message's "src" when it was read before the problem ("" otherwise)
  std::string message() const;  // "<reason>: <detail>"
};

using DecodeResult = Result<FieldMessage, DecodeError>;

struct EncodedMessage {
  std::string topic;
  std::string payload;
  int qos = 1;
  bool retain = false;
};

// gatetwin/v1/<site>/ for a site id.
std::string site_topic_prefix(const std::string& site_id);
// The subscriptions the twin makes for one site's field: event/+, telemetry/+ (and their
// account-bound forms).
std::vector<std::string> site_subscriptions(const std::string& site_id);
// The twin's command subscriptions, for every site id (so that a command to a site it does
// not run is answered): gatetwin/v1/+/command and .../command/+.
std::vector<std::string> command_subscriptions();
// The site id of a command topic (gatetwin/v1/<site>/command[/<account>]); none for any
// other topic. The site is not checked against the twin's sites.
std::optional<std::string> command_topic_site(std::string_view topic);
// gatetwin/v1/twin/health: the twin's own health, retained, QoS 0.
std::string health_topic();

// A field message for an event. source/source_seq are the sender's identity and counter;
// a command's command_id (when not empty) goes in its "id".
EncodedMessage encode_event(const twin::Event& e, const std::string& source, uint64_t source_seq,
                            const std::vector<twin::SiteSpec>& sites, const std::string& command_id = {});
// The same as JSON, without the topic (for logs and tests).
nlohmann::json event_to_json(const twin::Event& e, const std::string& source, uint64_t source_seq,
                             const std::vector<twin::SiteSpec>& sites, const std::string& command_id = {});

// How strict decoding is; the default accepts what gatesim and the docs' examples send.
struct DecodeOptions {
  bool require_account = false;  // refuse topics without an account level (unbound_topic)
  // telemetry/position through decode_position_fast first (position_fast.h: the same
  // result, without a JSON tree); false only to test the two against each other.
  bool fast_positions = true;
};

// A topic bound to a broker account: "<topic>/<account>" (docs/mqtt.md).
std::string account_topic(const std::string& topic, const std::string& account);

// Decodes and validates one MQTT message against the twin's sites. A position batch
// (telemetry/positions) is refused here (bad_topic): decode it with decode_messages.
DecodeResult decode_message(std::string_view topic, std::string_view payload, const std::vector<twin::SiteSpec>& sites);

// What one MQTT message decodes to: one field message, or, for a position batch, one per
// accepted position (all with the batch's source, seq and time) and an error for each
// position rejected on its own (its "detail" names the item: "positions[3]: ...").
struct DecodedMessages {
  std::vector<FieldMessage> messages;
  std::vector<DecodeError> rejected_items;
  bool batch = false;  // a telemetry/positions message
};
using DecodeManyResult = Result<DecodedMessages, DecodeError>;
// Any message: the error rejects the whole message (bad topic, envelope, or not a list).
DecodeManyResult decode_messages(std::string_view topic, std::string_view payload, const std::vector<twin::SiteSpec>& sites,
                                 const DecodeOptions& options = {});

// One gateway's positions of one site as a single QoS 0 message on telemetry/positions.
// positions.size() must be 1..kMaxBatchPositions.
EncodedMessage encode_position_batch(uint8_t site, twin::SimTime t_ms, const std::vector<twin::PositionReport>& positions,
                                     const std::string& source, uint64_t source_seq, const std::vector<twin::SiteSpec>& sites);

// One decision of the core as JSON; twin_seq is the twin's counter of published decisions.
nlohmann::json decision_to_json(const twin::Decision& d, uint64_t twin_seq, const std::vector<twin::SiteSpec>& sites);
// Topic + payload: command results (accepted / refused) go to .../twin/command_result,
// every other decision to .../twin/decision. QoS 1.
EncodedMessage encode_decision(const twin::Decision& d, uint64_t twin_seq, const std::vector<twin::SiteSpec>& sites);

}  // namespace connectors
