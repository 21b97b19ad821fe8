// A small PKI made at test time with the openssl command, for the TLS tests of gRPC
// (test_tls) and HTTPS (test_https).
#pragma once

#include <string>
#include <vector>

#include "test_env.h"

namespace section::test {

// Runs the openssl command (found on PATH) with `args`; fails the test when it fails.
void openssl(std::vector<std::string> args);

// In a temporary directory: a CA (ca.pem, ca.key), a server certificate for 127.0.0.1 and
// localhost signed by it (server.pem, server.key), a client certificate signed by it (client.pem,
// client.key), a key that belongs to neither (other.key), and an expired server certificate
// (expired.pem).
class Pki {
 public:
  Pki();
  std::string file(const std::string& name) const { return (dir_.path() / name).string(); }
  const TempDir& dir() const { return dir_; }

 private:
  TempDir dir_;
};

}  // namespace section::test
