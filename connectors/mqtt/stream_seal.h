// The primary's signature on the control room's event stream (docs/control-room.md
// "A signed stream"): every batch and every head the primary publishes carries a seal,
// an Ed25519 signature by the primary's key over the topic, the payload and the stream's
// running hash after the payload's last event; a follower given the primary's public key
// (--stream-key PUB, pinned) opens each message and refuses one whose seal is missing or
// does not hold. The running hash (SHA-256 chain over every event's binary encoding, seq
// 1 on) lets a follower check events it reads elsewhere, the recording it catches up
// from, against what the primary signed. Bytes and keys only: it must not publish,
// order or apply anything.
//
// Wire layout of a sealed payload: payload | chain hash (32) | signature (64) | "GTSEAL01".
// Signed bytes: "gatetwin-stream/1" NUL topic NUL payload chain-hash.
#pragma once
#include "connectors/result.h"

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

typedef struct evp_pkey_st EVP_PKEY;

namespace connectors {

using StreamChainHash = std::array<uint8_t, 32>;

// The chain after one more event: SHA-256(prev || binary event). The chain before seq 1 is zeros.
StreamChainHash stream_chain_next(const StreamChainHash& prev, const std::vector<uint8_t>& binary_event);
std::string chain_hex(const StreamChainHash& h);

struct OpenedPayload {
  std::string payload;     // without the seal
  StreamChainHash chain{};  // the running hash after the payload's last event (head: after its seq)
  bool sealed = false;     // the payload carried a seal (checked only by a StreamVerifier)
};

class StreamSigner {
 public:
  // A private Ed25519 key in PEM (openssl genpkey -algorithm ed25519); why not, otherwise.
  static Result<std::shared_ptr<const StreamSigner>> load(const std::string& private_key_path);
  ~StreamSigner();
  StreamSigner(const StreamSigner&) = delete;
  StreamSigner& operator=(const StreamSigner&) = delete;
  std::string seal(const std::string& topic, const std::string& payload, const StreamChainHash& chain) const;

 private:
  explicit StreamSigner(EVP_PKEY* key) : key_(key) {}
  EVP_PKEY* key_;
};

class StreamVerifier {
 public:
  // The primary's public Ed25519 key in PEM (openssl pkey -in KEY -pubout).
  static Result<std::shared_ptr<const StreamVerifier>> load(const std::string& public_key_path);
  // A standby (gatetwin --standby --stream-key KEY) checks with the private key's public half.
  static Result<std::shared_ptr<const StreamVerifier>> load_from_private(const std::string& private_key_path);
  ~StreamVerifier();
  StreamVerifier(const StreamVerifier&) = delete;
  StreamVerifier& operator=(const StreamVerifier&) = delete;
  // The payload when its seal holds for this key and topic; else why not.
  Result<OpenedPayload> open(const std::string& topic, const std::string& sealed) const;

 private:
  explicit StreamVerifier(EVP_PKEY* key) : key_(key) {}
  EVP_PKEY* key_;
};

// Without a key: the payload with its seal (if any) cut off, unchecked.
OpenedPayload strip_stream_seal(const std::string& maybe_sealed);

}  // namespace connectors
