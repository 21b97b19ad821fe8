#include "test_pki.h"

#include <cstdlib>
#include <sstream>

#include <catch2/catch.hpp>

namespace section::test {
namespace {

namespace fs = std::filesystem;

fs::path openssl_binary() {
  const char* path = std::getenv("PATH");
  std::istringstream dirs(path != nullptr ? path : "/usr/bin:/bin");
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    std::error_code ec;
    if (!dir.empty() && fs::is_regular_file(fs::path(dir) / "openssl", ec)) return fs::path(dir) / "openssl";
  }
  return "/usr/bin/openssl";
}

}  // namespace

void openssl(std::vector<std::string> args) {
  args.insert(args.begin(), openssl_binary().string());
  const RunResult result = run(args);
  INFO("openssl " << args[1] << ": " << result.err);
  REQUIRE(result.status == 0);
}

Pki::Pki() {
  const std::vector<std::string> ec_key = {"-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"};
  auto request = [&](const std::string& name, const std::string& subject) {
    std::vector<std::string> args = {"req", "-new"};
    args.insert(args.end(), ec_key.begin(), ec_key.end());
    args.insert(args.end(), {"-keyout", file(name + ".key"), "-out", file(name + ".csr"), "-subj", subject});
    openssl(args);
  };
  auto sign = [&](const std::string& name, const std::string& out, const std::string& extensions, const std::string& days,
                  const std::string& serial) {
    const fs::path ext = dir_.write(name + ".ext", extensions);
    openssl({"x509", "-req", "-in", file(name + ".csr"), "-CA", file("ca.pem"), "-CAkey", file("ca.key"), "-set_serial", serial,
             "-days", days, "-extfile", ext.string(), "-out", file(out)});
  };
  std::vector<std::string> ca = {"req", "-x509"};
  ca.insert(ca.end(), ec_key.begin(), ec_key.end());
  ca.insert(ca.end(), {"-keyout", file("ca.key"), "-out", file("ca.pem"), "-days", "2", "-subj", "/CN=section-test-ca", "-addext",
                       "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"});
  openssl(ca);
  request("server", "/CN=localhost");
  sign("server", "server.pem", "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n", "2", "2");
  // OpenSSL 3.0 has no -not_after: -days -1 makes a certificate that ended yesterday.
  sign("server", "expired.pem", "subjectAltName=IP:127.0.0.1,DNS:localhost\n", "-1", "3");
  request("client", "/CN=section-test-client");
  sign("client", "client.pem", "extendedKeyUsage=clientAuth\n", "2", "4");
  openssl({"genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", file("other.key")});
}

}  // namespace section::test
