// The partner customs' signature on its data (issue 19; docs/mqtt.md "Signed partner
// data"): a partner message (partner_declaration, receipt_confirmed, partner_link) is
// sent as an envelope {"body": "<the message, as a JSON string>", "sig": "<base64>"},
// the signature an Ed25519 signature by the partner's key over
//     "gatetwin-partner/1" LF topic LF body
// (the exact bytes of the body string, the topic it is published on). The twin pins the
// partner's public key per site (site file "partner.public_key") and refuses partner data
// of that site that is not in an envelope or whose signature does not hold; only the
// body then goes to the decoder. Bytes and keys only: it must not decode, order or apply
// the message, and it never decides what a site without a key accepts (twin_link.cpp).
#pragma once
#include "connectors/codec/event_json.h"
#include "connectors/result.h"

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

typedef struct evp_pkey_st EVP_PKEY;

namespace connectors {

// The bytes a partner signs for a body published on topic.
std::string partner_signed_bytes(std::string_view topic, std::string_view body);

// The site of a partner data topic (gatetwin/v1/<site>/event/<partner_declaration |
// receipt_confirmed | partner_link>[/<account>]); none for any other topic.
std::optional<std::string> partner_topic_site(std::string_view topic);

// Base64 (RFC 4648, with padding), as the envelope and the site file write it.
std::string base64_encode(std::string_view bytes);
std::optional<std::string> base64_decode(std::string_view text);

// The body of an envelope, unchecked (a site without a pinned key, where the envelope
// is optional); the payload itself when it is no envelope.
std::string partner_body_unchecked(const std::string& payload);

class PartnerSigner {
 public:
  // The partner's private Ed25519 key in PEM (openssl genpkey -algorithm ed25519).
  static Result<std::shared_ptr<const PartnerSigner>> load(const std::string& private_key_path);
  ~PartnerSigner();
  PartnerSigner(const PartnerSigner&) = delete;
  PartnerSigner& operator=(const PartnerSigner&) = delete;
  // The envelope carrying body, signed for topic.
  std::string seal(const std::string& topic, const std::string& body) const;
  // The public key as a site file pins it (base64 of its DER).
  std::string public_key_base64() const;

 private:
  explicit PartnerSigner(EVP_PKEY* key) : key_(key) {}
  EVP_PKEY* key_;
};

class PartnerVerifier {
 public:
  // A pinned key as the site file holds it (base64 of an Ed25519 public key's DER).
  static Result<std::shared_ptr<const PartnerVerifier>> from_base64(const std::string& public_key_base64);
  ~PartnerVerifier();
  PartnerVerifier(const PartnerVerifier&) = delete;
  PartnerVerifier& operator=(const PartnerVerifier&) = delete;
  // The body when payload is an envelope whose signature holds for this key and topic;
  // otherwise partner_unsigned or partner_bad_signature, saying what to fix.
  std::variant<std::string, DecodeError> open(std::string_view topic, const std::string& payload) const;

 private:
  explicit PartnerVerifier(EVP_PKEY* key) : key_(key) {}
  EVP_PKEY* key_;
};

}  // namespace connectors
