#include "host/security/token_hash.h"

#include <stdexcept>
#include <vector>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

namespace section::security {
namespace {

std::vector<unsigned char> random_bytes(std::size_t size) {
  std::vector<unsigned char> bytes(size);
  if (RAND_bytes(bytes.data(), static_cast<int>(size)) != 1) throw std::runtime_error("the system's random source failed");
  return bytes;
}

std::string to_hex(const unsigned char* data, std::size_t size) {
  static const char kDigits[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(size * 2);
  for (std::size_t i = 0; i < size; ++i) {
    hex += kDigits[data[i] >> 4];
    hex += kDigits[data[i] & 0xf];
  }
  return hex;
}

bool from_hex(const std::string& hex, std::vector<unsigned char>* bytes) {
  if (hex.size() % 2 != 0) return false;
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  bytes->clear();
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    const int high = nibble(hex[i]);
    const int low = nibble(hex[i + 1]);
    if (high < 0 || low < 0) return false;
    bytes->push_back(static_cast<unsigned char>(high << 4 | low));
  }
  return true;
}

// SHA-256(salt ‖ token).
std::vector<unsigned char> digest(const std::vector<unsigned char>& salt, const std::string& token) {
  std::vector<unsigned char> out(EVP_MAX_MD_SIZE);
  unsigned int size = 0;
  EVP_MD_CTX* context = EVP_MD_CTX_new();
  const bool ok = context != nullptr && EVP_DigestInit_ex(context, EVP_sha256(), nullptr) == 1 &&
                  EVP_DigestUpdate(context, salt.data(), salt.size()) == 1 &&
                  EVP_DigestUpdate(context, token.data(), token.size()) == 1 &&
                  EVP_DigestFinal_ex(context, out.data(), &size) == 1;
  EVP_MD_CTX_free(context);
  if (!ok) throw std::runtime_error("SHA-256 failed");
  out.resize(size);
  return out;
}

}  // namespace

std::string new_token() {
  static const char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  const std::vector<unsigned char> bytes = random_bytes(32);
  std::string token = "sct_";
  // base64url without padding: 6 bits per character, 256 bits in 43 characters.
  unsigned int buffer = 0;
  int bits = 0;
  for (unsigned char byte : bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      token += kAlphabet[(buffer >> bits) & 0x3f];
    }
  }
  if (bits > 0) token += kAlphabet[(buffer << (6 - bits)) & 0x3f];
  return token;
}

TokenHash hash_token(const std::string& token) {
  const std::vector<unsigned char> salt = random_bytes(16);
  const std::vector<unsigned char> hashed = digest(salt, token);
  return TokenHash{to_hex(salt.data(), salt.size()), to_hex(hashed.data(), hashed.size())};
}

bool token_matches(const std::string& token, const std::string& salt_hex, const std::string& digest_hex) {
  std::vector<unsigned char> salt;
  std::vector<unsigned char> expected;
  if (!from_hex(salt_hex, &salt) || !from_hex(digest_hex, &expected) || expected.size() != 32) return false;
  const std::vector<unsigned char> actual = digest(salt, token);
  return actual.size() == expected.size() && CRYPTO_memcmp(actual.data(), expected.data(), actual.size()) == 0;
}

}  // namespace section::security
