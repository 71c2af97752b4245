// The primary's signature on the event stream. See stream_seal.h.
#include "connectors/mqtt/stream_seal.h"

#include <openssl/evp.h>
#include <openssl/pem.h>

#include <cstdio>
#include <cstring>

namespace connectors {

namespace {

constexpr char kMarker[] = "GTSEAL01";
constexpr size_t kMarkerSize = 8, kSigSize = 64, kChainSize = 32, kSealSize = kChainSize + kSigSize + kMarkerSize;

std::string signed_bytes(const std::string& topic, const std::string& payload, const StreamChainHash& chain) {
  std::string m = "gatetwin-stream/1";
  m += '\0';
  m += topic;
  m += '\0';
  m += payload;
  m.append(reinterpret_cast<const char*>(chain.data()), chain.size());
  return m;
}

EVP_PKEY* read_key(const std::string& path, bool is_private, std::string& why) {
  FILE* f = std::fopen(path.c_str(), "r");
  if (!f) {
    why = path + ": cannot open the stream key file";
    return nullptr;
  }
  EVP_PKEY* k = is_private ? PEM_read_PrivateKey(f, nullptr, nullptr, nullptr) : PEM_read_PUBKEY(f, nullptr, nullptr, nullptr);
  std::fclose(f);
  if (!k) {
    why = path + (is_private ? ": not a PEM private key: the primary signs its stream with its private key (openssl genpkey -algorithm ed25519 -out FILE)"
                             : ": not a PEM public key: a follower pins the primary's public key (openssl pkey -in PRIVATE -pubout -out FILE)");
    return nullptr;
  }
  if (EVP_PKEY_id(k) != EVP_PKEY_ED25519) {
    EVP_PKEY_free(k);
    why = path + ": the stream key must be Ed25519 (openssl genpkey -algorithm ed25519)";
    return nullptr;
  }
  return k;
}

}  // namespace

StreamChainHash stream_chain_next(const StreamChainHash& prev, const std::vector<uint8_t>& binary_event) {
  StreamChainHash out{};
  EVP_MD_CTX* c = EVP_MD_CTX_new();
  unsigned int n = 0;
  const bool ok = c && EVP_DigestInit_ex(c, EVP_sha256(), nullptr) == 1 && EVP_DigestUpdate(c, prev.data(), prev.size()) == 1 &&
                  EVP_DigestUpdate(c, binary_event.data(), binary_event.size()) == 1 && EVP_DigestFinal_ex(c, out.data(), &n) == 1;
  EVP_MD_CTX_free(c);
  if (!ok) out.fill(0xff);  // never matches a primary's chain: the follower refuses rather than trusts
  return out;
}

std::string chain_hex(const StreamChainHash& h) {
  static const char* hex = "0123456789abcdef";
  std::string s;
  for (uint8_t b : h) {
    s += hex[b >> 4];
    s += hex[b & 15];
  }
  return s;
}

Result<std::shared_ptr<const StreamSigner>> StreamSigner::load(const std::string& private_key_path) {
  std::string why;
  EVP_PKEY* k = read_key(private_key_path, true, why);
  if (!k) return Failure{why};
  return std::shared_ptr<const StreamSigner>(new StreamSigner(k));
}

StreamSigner::~StreamSigner() { EVP_PKEY_free(key_); }

std::string StreamSigner::seal(const std::string& topic, const std::string& payload, const StreamChainHash& chain) const {
  const std::string msg = signed_bytes(topic, payload, chain);
  unsigned char sig[kSigSize];
  size_t len = sizeof sig;
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  const bool ok = ctx && EVP_DigestSignInit(ctx, nullptr, nullptr, nullptr, key_) == 1 &&
                  EVP_DigestSign(ctx, sig, &len, reinterpret_cast<const unsigned char*>(msg.data()), msg.size()) == 1 &&
                  len == kSigSize;
  EVP_MD_CTX_free(ctx);
  if (!ok) std::memset(sig, 0, sizeof sig);  // cannot happen with a loaded Ed25519 key; followers refuse it
  std::string out = payload;
  out.append(reinterpret_cast<const char*>(chain.data()), chain.size());
  out.append(reinterpret_cast<const char*>(sig), sizeof sig);
  out.append(kMarker, kMarkerSize);
  return out;
}

Result<std::shared_ptr<const StreamVerifier>> StreamVerifier::load(const std::string& public_key_path) {
  std::string why;
  EVP_PKEY* k = read_key(public_key_path, false, why);
  if (!k) return Failure{why};
  return std::shared_ptr<const StreamVerifier>(new StreamVerifier(k));
}

Result<std::shared_ptr<const StreamVerifier>> StreamVerifier::load_from_private(const std::string& private_key_path) {
  std::string why;
  EVP_PKEY* k = read_key(private_key_path, true, why);  // a private key holds its public half
  if (!k) return Failure{why};
  return std::shared_ptr<const StreamVerifier>(new StreamVerifier(k));
}

StreamVerifier::~StreamVerifier() { EVP_PKEY_free(key_); }

OpenedPayload strip_stream_seal(const std::string& s) {
  OpenedPayload o;
  if (s.size() >= kSealSize && s.compare(s.size() - kMarkerSize, kMarkerSize, kMarker) == 0) {
    o.payload = s.substr(0, s.size() - kSealSize);
    std::memcpy(o.chain.data(), s.data() + o.payload.size(), kChainSize);
    o.sealed = true;
  } else {
    o.payload = s;
  }
  return o;
}

Result<OpenedPayload> StreamVerifier::open(const std::string& topic, const std::string& sealed) const {
  OpenedPayload o = strip_stream_seal(sealed);
  if (!o.sealed) return Failure{"not sealed: the primary signs every stream message (is the primary started with --stream-key, or is this one forged?)"};
  const unsigned char* sig = reinterpret_cast<const unsigned char*>(sealed.data()) + o.payload.size() + kChainSize;
  const std::string msg = signed_bytes(topic, o.payload, o.chain);
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  const bool ok = ctx && EVP_DigestVerifyInit(ctx, nullptr, nullptr, nullptr, key_) == 1 &&
                  EVP_DigestVerify(ctx, sig, kSigSize, reinterpret_cast<const unsigned char*>(msg.data()), msg.size()) == 1;
  EVP_MD_CTX_free(ctx);
  if (!ok) return Failure{"the seal does not hold for the pinned key: forged, altered, or signed by another primary's key"};
  return o;
}

}  // namespace connectors
