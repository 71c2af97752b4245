// The partner customs' signature on its data. See partner_seal.h.
#include "connectors/mqtt/partner_seal.h"

#include <nlohmann/json.hpp>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <array>
#include <cstdio>

namespace connectors {

namespace {

constexpr const char* kLabel = "gatetwin-partner/1";
constexpr std::array<const char*, 3> kPartnerKinds = {"partner_declaration", "receipt_confirmed", "partner_link"};

}  // namespace

std::string partner_signed_bytes(std::string_view topic, std::string_view body) {
  std::string m = kLabel;
  m += '\n';
  m += topic;
  m += '\n';
  m += body;
  return m;
}

std::optional<std::string> partner_topic_site(std::string_view topic) {
  const std::string root = std::string(kTopicRoot) + "/";
  if (topic.size() > kMaxTopicBytes || topic.substr(0, root.size()) != root) return std::nullopt;
  std::string_view rest = topic.substr(root.size());
  const size_t slash = rest.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  std::string_view kind = rest.substr(slash + 1);
  if (kind.substr(0, 6) != "event/") return std::nullopt;
  kind.remove_prefix(6);
  kind = kind.substr(0, kind.find('/'));  // an account level after the name
  for (const char* k : kPartnerKinds)
    if (kind == k) return std::string(rest.substr(0, slash));
  return std::nullopt;
}

std::string base64_encode(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), reinterpret_cast<const unsigned char*>(bytes.data()),
                                static_cast<int>(bytes.size()));
  out.resize(n > 0 ? static_cast<size_t>(n) : 0);
  return out;
}

std::optional<std::string> base64_decode(std::string_view text) {
  if (text.empty() || text.size() % 4 || text.size() > 4096) return std::nullopt;
  std::string out(3 * text.size() / 4, '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()), reinterpret_cast<const unsigned char*>(text.data()),
                                static_cast<int>(text.size()));
  if (n < 0) return std::nullopt;
  size_t pad = 0;  // EVP_DecodeBlock counts the padding as zero bytes
  if (text.back() == '=') ++pad;
  if (text.size() > 1 && text[text.size() - 2] == '=') ++pad;
  out.resize(static_cast<size_t>(n) - pad);
  return out;
}

namespace {

struct PartnerEnvelope {
  std::string body, sig;
};

// The envelope's two strings, or why the payload is none.
std::variant<PartnerEnvelope, std::string> read_partner_envelope(const std::string& payload) {
  const nlohmann::json j = nlohmann::json::parse(payload, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object() || !j.contains("body") || !j.contains("sig"))
    return std::string("no signature envelope {\"body\": \"<message>\", \"sig\": \"<base64>\"}");
  if (j.size() != 2) return std::string("the envelope takes only \"body\" and \"sig\"");
  if (!j["body"].is_string() || !j["sig"].is_string()) return std::string("\"body\" and \"sig\" must be JSON strings");
  return PartnerEnvelope{j["body"].get<std::string>(), j["sig"].get<std::string>()};
}

}  // namespace

std::string partner_body_unchecked(const std::string& payload) {
  auto e = read_partner_envelope(payload);
  if (auto* env = std::get_if<PartnerEnvelope>(&e)) return env->body;
  return payload;
}

Result<std::shared_ptr<const PartnerSigner>> PartnerSigner::load(const std::string& private_key_path) {
  FILE* f = std::fopen(private_key_path.c_str(), "r");
  if (!f) return Failure{private_key_path + ": cannot open the partner key file"};
  EVP_PKEY* k = PEM_read_PrivateKey(f, nullptr, nullptr, nullptr);
  std::fclose(f);
  if (!k) return Failure{private_key_path + ": not a PEM private key (make one: openssl genpkey -algorithm ed25519 -out FILE)"};
  if (EVP_PKEY_id(k) != EVP_PKEY_ED25519) {
    EVP_PKEY_free(k);
    return Failure{private_key_path + ": the partner key must be Ed25519 (openssl genpkey -algorithm ed25519)"};
  }
  return std::shared_ptr<const PartnerSigner>(new PartnerSigner(k));
}

PartnerSigner::~PartnerSigner() { EVP_PKEY_free(key_); }

std::string PartnerSigner::seal(const std::string& topic, const std::string& body) const {
  const std::string msg = partner_signed_bytes(topic, body);
  unsigned char sig[64];
  size_t len = sizeof sig;
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  const bool ok = ctx && EVP_DigestSignInit(ctx, nullptr, nullptr, nullptr, key_) == 1 &&
                  EVP_DigestSign(ctx, sig, &len, reinterpret_cast<const unsigned char*>(msg.data()), msg.size()) == 1;
  EVP_MD_CTX_free(ctx);
  nlohmann::json j;
  j["body"] = body;
  j["sig"] = ok ? base64_encode(std::string_view(reinterpret_cast<const char*>(sig), len)) : std::string();
  return j.dump();
}

std::string PartnerSigner::public_key_base64() const {
  unsigned char* der = nullptr;
  const int n = i2d_PUBKEY(key_, &der);
  std::string out = n > 0 ? base64_encode(std::string_view(reinterpret_cast<const char*>(der), static_cast<size_t>(n))) : std::string();
  OPENSSL_free(der);
  return out;
}

Result<std::shared_ptr<const PartnerVerifier>> PartnerVerifier::from_base64(const std::string& public_key_base64) {
  const auto der = base64_decode(public_key_base64);
  if (!der) return Failure{"the pinned partner key is not base64"};
  const auto* p = reinterpret_cast<const unsigned char*>(der->data());
  EVP_PKEY* k = d2i_PUBKEY(nullptr, &p, static_cast<long>(der->size()));
  if (!k) return Failure{"the pinned partner key is not a public key's DER (openssl pkey -in PARTNER.key -pubout)"};
  if (EVP_PKEY_id(k) != EVP_PKEY_ED25519) {
    EVP_PKEY_free(k);
    return Failure{"the pinned partner key must be Ed25519"};
  }
  return std::shared_ptr<const PartnerVerifier>(new PartnerVerifier(k));
}

PartnerVerifier::~PartnerVerifier() { EVP_PKEY_free(key_); }

std::variant<std::string, DecodeError> PartnerVerifier::open(std::string_view topic, const std::string& payload) const {
  auto e = read_partner_envelope(payload);
  if (auto* why = std::get_if<std::string>(&e))
    return DecodeError{RejectReason::PartnerUnsigned, *why + ": this site pins the partner's key, so its partner data must be "
                                                             "signed (docs/mqtt.md, Signed partner data)"};
  PartnerEnvelope& env = std::get<PartnerEnvelope>(e);
  const auto sig = base64_decode(env.sig);
  if (!sig || sig->size() != 64)
    return DecodeError{RejectReason::PartnerBadSignature, "\"sig\" is not a base64 Ed25519 signature (64 bytes)"};
  const std::string msg = partner_signed_bytes(topic, env.body);
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  const bool ok = ctx && EVP_DigestVerifyInit(ctx, nullptr, nullptr, nullptr, key_) == 1 &&
                  EVP_DigestVerify(ctx, reinterpret_cast<const unsigned char*>(sig->data()), sig->size(),
                                   reinterpret_cast<const unsigned char*>(msg.data()), msg.size()) == 1;
  EVP_MD_CTX_free(ctx);
  if (!ok)
    return DecodeError{RejectReason::PartnerBadSignature,
                       "the signature does not hold for the site's pinned partner key over this topic and body: forged, "
                       "altered, sent on another topic, or signed by another key"};
  return std::move(env.body);
}

}  // namespace connectors
