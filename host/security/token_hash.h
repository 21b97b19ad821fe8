// Bearer tokens: made at random, shown once, stored only as a salted SHA-256 hash
// (docs/security.md). A token carries 256 bits of randomness, so a fast hash is enough: there
// is no password to guess, and checking a token on every call must cost microseconds.
#pragma once

#include <string>

namespace section::security {

// A new token: "sct_" and 43 characters of base64url (32 random bytes).
std::string new_token();

struct TokenHash {
  std::string salt_hex;    // 16 random bytes
  std::string digest_hex;  // SHA-256(salt ‖ token)

  // As the configuration takes it: sha256:<salt hex>:<digest hex>.
  std::string to_config() const { return "sha256:" + salt_hex + ":" + digest_hex; }
};

// Hashes `token` with a new random salt.
TokenHash hash_token(const std::string& token);

// True when SHA-256(salt ‖ token) is `digest_hex`; the comparison takes the same time wherever
// the digests differ. False for malformed hex.
bool token_matches(const std::string& token, const std::string& salt_hex, const std::string& digest_hex);

}  // namespace section::security
