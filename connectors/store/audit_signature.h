// The audit chain's head, signed by the twin's key, so that a chain rewritten and
// re-hashed by whoever can write the recording is detected (the hashes alone can be
// recomputed; the signature cannot without the twin's private key), and so are rows cut
// from the end. The signed head lives next to the recording, in FILE.audit-sig, rewritten
// (atomically: a temporary file renamed) after every commit that adds commands.
// Key: Ed25519, PEM (openssl genpkey -algorithm ed25519; tools/setup/make-certs.sh makes
// one). It must not read or write the recording itself: audit_chain.h walks it.
#pragma once
#include "connectors/result.h"
#include "connectors/store/audit_chain.h"

#include <memory>
#include <optional>
#include <string>

typedef struct evp_pkey_st EVP_PKEY;

namespace connectors {

// What is signed: the head's index and hash, under a fixed label.
std::string audit_head_message(const AuditHead& head);
// The signed head's file for a recording.
std::string audit_signature_path(const std::string& recording_path);

class AuditSigner {
 public:
  // A private Ed25519 key in PEM; a Failure says what is wrong with the file.
  static Result<std::shared_ptr<const AuditSigner>> load(const std::string& private_key_path);
  ~AuditSigner();
  AuditSigner(const AuditSigner&) = delete;
  AuditSigner& operator=(const AuditSigner&) = delete;

  // Signs the head and writes FILE.audit-sig (temporary file, then rename).
  Status write_signed_head(const std::string& recording_path, const AuditHead& head) const;

 private:
  explicit AuditSigner(EVP_PKEY* key) : key_(key) {}
  EVP_PKEY* key_;
};

// A recording's signed head, checked against the public key (PEM). nullopt when the
// signature holds; otherwise why not, in words a person can act on.
struct SignedHead {
  AuditHead head;
  std::string signature_hex;
};
Result<SignedHead> read_signed_head(const std::string& recording_path);
Status check_signed_head(const SignedHead& signed_head, const std::string& public_key_path);

}  // namespace connectors
