#include "host/security/tls.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <memory>
#include <string>
#include <vector>

#include <grpcpp/security/server_credentials.h>
#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "host/core/log.h"

namespace section::security {
namespace {

namespace fs = std::filesystem;

struct BioFree { void operator()(BIO* bio) const { BIO_free(bio); } };
struct X509Free { void operator()(X509* x509) const { X509_free(x509); } };
struct KeyFree { void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); } };
using Bio = std::unique_ptr<BIO, BioFree>;
using Certificate = std::unique_ptr<X509, X509Free>;
using Key = std::unique_ptr<EVP_PKEY, KeyFree>;

// The reason of OpenSSL's most recent error, and an empty error queue.
std::string openssl_reason() {
  const unsigned long code = ERR_peek_last_error();
  const char* reason = code != 0 ? ERR_reason_error_string(code) : nullptr;
  ERR_clear_error();
  return reason != nullptr ? reason : "unknown error";
}

Bio memory_bio(const std::string& text) { return Bio(BIO_new_mem_buf(text.data(), static_cast<int>(text.size()))); }

// Every PEM certificate of `text`, in order; at least one.
absl::StatusOr<std::vector<Certificate>> parse_certificates(const std::string& text, const fs::path& path, const std::string& what) {
  ERR_clear_error();
  Bio bio = memory_bio(text);
  std::vector<Certificate> certificates;
  while (Certificate certificate{PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)}) {
    certificates.push_back(std::move(certificate));
  }
  // Reading stops at the end of the text ("no start line"), or at a certificate that is broken.
  const unsigned long code = ERR_peek_last_error();
  const bool at_end = ERR_GET_LIB(code) == ERR_LIB_PEM && ERR_GET_REASON(code) == PEM_R_NO_START_LINE;
  const std::string reason = openssl_reason();
  if (certificates.empty()) {
    return absl::InvalidArgumentError(what + " " + path.string() + " holds no PEM certificate (" + reason + ")");
  }
  if (!at_end) {
    return absl::InvalidArgumentError(what + " " + path.string() + ": certificate " + std::to_string(certificates.size() + 1) +
                         " is not valid PEM (" + reason + ")");
  }
  return certificates;
}

// Never asks for a passphrase: the host starts unattended, so its key must be unencrypted.
int no_passphrase(char*, int, int, void*) { return -1; }

absl::StatusOr<Key> parse_private_key(const std::string& text, const fs::path& path) {
  ERR_clear_error();
  Bio bio = memory_bio(text);
  Key key{PEM_read_bio_PrivateKey(bio.get(), nullptr, no_passphrase, nullptr)};
  if (!key) {
    const std::string reason = openssl_reason();
    if (text.find("ENCRYPTED") != std::string::npos) {
      return absl::InvalidArgumentError("private key " + path.string() + " is encrypted; section-host needs it unencrypted (readable by the host's user only)");
    }
    return absl::InvalidArgumentError("private key " + path.string() + " is not a PEM private key (" + reason + ")");
  }
  return key;
}

// "2021-03-04 05:06:07 UTC".
std::string time_text(const ASN1_TIME* time) {
  std::tm tm{};
  if (ASN1_TIME_to_tm(time, &tm) != 1) return "an unreadable date";
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S UTC", &tm);
  return text;
}

}  // namespace

absl::StatusOr<std::string> read_file(const fs::path& path, const std::string& what) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return absl::InvalidArgumentError("cannot read " + what + " " + path.string() + ": " + std::strerror(errno));
  std::string text;
  char buffer[8192];
  for (;;) {
    const ssize_t got = ::read(fd, buffer, sizeof buffer);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) {
      const int error = errno;
      ::close(fd);
      return absl::InvalidArgumentError("cannot read " + what + " " + path.string() + ": " + std::strerror(error));
    }
    if (got == 0) break;
    text.append(buffer, static_cast<std::size_t>(got));
  }
  ::close(fd);
  return text;
}

absl::StatusOr<TlsFiles> read_tls_files(const config::TlsConfig& tls) {
  TlsFiles files;
  files.paths = tls;
  auto chain_text = read_file(tls.certificate, "certificate");
  if (!chain_text.ok()) return chain_text.status();
  auto chain = parse_certificates(*chain_text, tls.certificate, "certificate");
  if (!chain.ok()) return chain.status();
  const X509* leaf = chain->front().get();

  auto key_text = read_file(tls.private_key, "private key");
  if (!key_text.ok()) return key_text.status();
  auto key = parse_private_key(*key_text, tls.private_key);
  if (!key.ok()) return key.status();
  if (X509_check_private_key(leaf, key->get()) != 1) {
    ERR_clear_error();
    return absl::InvalidArgumentError("private key " + tls.private_key.string() + " does not match certificate " + tls.certificate.string());
  }

  // An expired certificate would fail every handshake: refuse it now, and warn a month ahead.
  const ASN1_TIME* not_after = X509_get0_notAfter(leaf);
  if (X509_cmp_current_time(not_after) <= 0) {
    return absl::InvalidArgumentError("certificate " + tls.certificate.string() + " expired on " + time_text(not_after));
  }
  std::time_t in_30_days = std::time(nullptr) + 30 * 24 * 3600;
  if (X509_cmp_time(not_after, &in_30_days) <= 0) {
    log::warning("tls: certificate " + tls.certificate.string() + " expires on " + time_text(not_after));
  }
  files.chain = std::move(*chain_text);
  files.key = std::move(*key_text);
  if (!tls.client_ca.empty()) {
    auto ca_text = read_file(tls.client_ca, "client_ca");
    if (!ca_text.ok()) return ca_text.status();
    if (auto cas = parse_certificates(*ca_text, tls.client_ca, "client_ca"); !cas.ok()) return cas.status();
    files.client_ca = std::move(*ca_text);
    files.require_client_certificate = tls.require_client_certificate;
  }
  return files;
}

std::shared_ptr<grpc::ServerCredentials> server_credentials(const TlsFiles& files) {
  grpc::SslServerCredentialsOptions options(GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE);
  options.pem_key_cert_pairs.push_back({files.key, files.chain});
  if (!files.client_ca.empty()) {
    options.pem_root_certs = files.client_ca;
    options.client_certificate_request = files.require_client_certificate
                                             ? GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY
                                             : GRPC_SSL_REQUEST_CLIENT_CERTIFICATE_AND_VERIFY;
  }
  return grpc::SslServerCredentials(options);
}

}  // namespace section::security
