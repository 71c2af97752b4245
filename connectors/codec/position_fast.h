// The hot path of the codec: one telemetry/position message as GNSS units and gatesim send
// it (a flat JSON object of plain ASCII strings and numbers), decoded without building a
// JSON tree. At one MQTT message per position the tree (nlohmann::json) was most of the
// twin's decode time on the receive thread (docs/mqtt.md, Speed).
//
// It must never decide differently from the full decoder: it returns a message only when
// the full decoder would accept the same bytes and produce the same FieldMessage, and
// nothing (not an error) for everything else: any problem, an escape or a byte outside
// printable ASCII in a string, a duplicate key, a nested value, "time" (RFC 3339),
// "container". decode_messages then runs the full decoder,
// which gives the error or the result. tests/connectors/position_fast_test.cpp checks
// the two agree on every accepted payload and on mutations of them.
//
// Supports: gatetwin/v1/<site>/telemetry/position and its account-bound form
// .../telemetry/position/<account> (src the account or "<account>/..."); v, src, seq, session, t_ms or utc_ms,
// entity, id, plate, x / y or lat / lon, heading_rad or heading_deg; other keys with
// scalar values are ignored, as the full decoder ignores them.
#pragma once
#include "connectors/codec/event_json.h"

#include <optional>
#include <string_view>
#include <vector>

namespace connectors {

std::optional<FieldMessage> decode_position_fast(std::string_view topic, std::string_view payload,
                                                 const std::vector<twin::SiteSpec>& sites, const DecodeOptions& options);

}  // namespace connectors
