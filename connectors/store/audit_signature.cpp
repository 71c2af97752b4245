// The audit chain's signed head. See audit_signature.h.
#include "connectors/store/audit_signature.h"

#include <openssl/evp.h>
#include <openssl/pem.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <vector>

namespace connectors {

namespace {

constexpr const char* kLabel = "gatetwin-audit-head/1";

std::string to_hex(const unsigned char* p, size_t n) {
  static const char* hex = "0123456789abcdef";
  std::string out;
  out.reserve(2 * n);
  for (size_t i = 0; i < n; ++i) {
    out += hex[p[i] >> 4];
    out += hex[p[i] & 15];
  }
  return out;
}

std::optional<std::vector<unsigned char>> from_hex(const std::string& s) {
  if (s.size() % 2) return std::nullopt;
  std::vector<unsigned char> out;
  auto nib = [](char c) { return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1; };
  for (size_t i = 0; i < s.size(); i += 2) {
    const int hi = nib(s[i]), lo = nib(s[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out.push_back(static_cast<unsigned char>(hi * 16 + lo));
  }
  return out;
}

// A PEM key of either kind, or why not.
EVP_PKEY* read_key(const std::string& path, bool is_private, std::string& why) {
  FILE* f = std::fopen(path.c_str(), "r");
  if (!f) {
    why = path + ": cannot open the key file";
    return nullptr;
  }
  EVP_PKEY* k = is_private ? PEM_read_PrivateKey(f, nullptr, nullptr, nullptr) : PEM_read_PUBKEY(f, nullptr, nullptr, nullptr);
  std::fclose(f);
  if (!k) {
    why = path + (is_private ? ": not a PEM private key (make one: openssl genpkey -algorithm ed25519 -out FILE)"
                             : ": not a PEM public key (openssl pkey -in PRIVATE -pubout -out FILE)");
    return nullptr;
  }
  if (EVP_PKEY_id(k) != EVP_PKEY_ED25519) {
    EVP_PKEY_free(k);
    why = path + ": the audit key must be Ed25519 (openssl genpkey -algorithm ed25519)";
    return nullptr;
  }
  return k;
}

}  // namespace

std::string audit_head_message(const AuditHead& head) {
  return std::string(kLabel) + "\nindex " + std::to_string(head.index) + "\nhash " + head.hash + "\n";
}

std::string audit_signature_path(const std::string& recording_path) { return recording_path + ".audit-sig"; }

Result<std::shared_ptr<const AuditSigner>> AuditSigner::load(const std::string& private_key_path) {
  std::string why;
  EVP_PKEY* k = read_key(private_key_path, true, why);
  if (!k) return Failure{why};
  return std::shared_ptr<const AuditSigner>(new AuditSigner(k));
}

AuditSigner::~AuditSigner() { EVP_PKEY_free(key_); }

Status AuditSigner::write_signed_head(const std::string& recording_path, const AuditHead& head) const {
  const std::string msg = audit_head_message(head);
  unsigned char sig[64];
  size_t len = sizeof sig;
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  const bool ok = ctx && EVP_DigestSignInit(ctx, nullptr, nullptr, nullptr, key_) == 1 &&
                  EVP_DigestSign(ctx, sig, &len, reinterpret_cast<const unsigned char*>(msg.data()), msg.size()) == 1;
  EVP_MD_CTX_free(ctx);
  if (!ok) return Failure{"signing the audit head failed (OpenSSL)"};
  const std::string path = audit_signature_path(recording_path), tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << msg << "signature " << to_hex(sig, len) << "\n";
    out.flush();
    if (!out) return Failure{tmp + ": cannot write the signed audit head (disk full? permissions?)"};
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) return Failure{path + ": cannot replace the signed audit head"};
  return std::nullopt;
}

Result<SignedHead> read_signed_head(const std::string& recording_path) {
  const std::string path = audit_signature_path(recording_path);
  std::ifstream in(path);
  if (!in) return Failure{path + ": no signed audit head (the twin writes it when started with --audit-key; without it a rewritten chain cannot be told from the original)"};
  std::string label, w1, w2, w3;
  SignedHead s;
  if (!std::getline(in, label) || label != kLabel || !(in >> w1 >> s.head.index >> w2 >> s.head.hash >> w3 >> s.signature_hex) ||
      w1 != "index" || w2 != "hash" || w3 != "signature")
    return Failure{path + ": not a signed audit head (" + std::string(kLabel) + ")"};
  return s;
}

Status check_signed_head(const SignedHead& signed_head, const std::string& public_key_path) {
  std::string why;
  EVP_PKEY* k = read_key(public_key_path, false, why);
  if (!k) return Failure{why};
  const auto sig = from_hex(signed_head.signature_hex);
  const std::string msg = audit_head_message(signed_head.head);
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  const bool ok = sig && ctx && EVP_DigestVerifyInit(ctx, nullptr, nullptr, nullptr, k) == 1 &&
                  EVP_DigestVerify(ctx, sig->data(), sig->size(), reinterpret_cast<const unsigned char*>(msg.data()), msg.size()) == 1;
  EVP_MD_CTX_free(ctx);
  EVP_PKEY_free(k);
  if (!ok) return Failure{"the signed audit head's signature does not hold for this key: the head file was forged or the key is not the twin's"};
  return std::nullopt;
}

}  // namespace connectors
