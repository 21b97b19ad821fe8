#include "host/http/tls_context.h"

#include <memory>

#include <boost/asio/buffer.hpp>
#include <boost/asio/ssl/context.hpp>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>

namespace section::http {

namespace ssl = boost::asio::ssl;

namespace {

struct BioFree { void operator()(BIO* bio) const { BIO_free(bio); } };
struct X509Free { void operator()(X509* x509) const { X509_free(x509); } };

// Whoever names a TLS session for resumption must be the same context: OpenSSL refuses to resume
// a session that has none once client certificates are verified (a fatal handshake error).
constexpr unsigned char kSessionContext[] = "section-host";

// Each certificate of `pem` named in the CertificateRequest, as gRPC's side does, so that a
// client with several certificates can pick the one these CAs signed.
bool add_client_ca_names(SSL_CTX* context, const std::string& pem) {
  std::unique_ptr<BIO, BioFree> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  int added = 0;
  while (std::unique_ptr<X509, X509Free> certificate{PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)}) {
    if (SSL_CTX_add_client_CA(context, certificate.get()) != 1) return false;
    ++added;
  }
  ERR_clear_error();  // the end of the text
  return added > 0;
}

}  // namespace

absl::StatusOr<std::shared_ptr<ssl::context>> https_context(const security::TlsFiles& files) {
  auto context = std::make_shared<ssl::context>(ssl::context::tls_server);
  boost::system::error_code ec;
  // TLS 1.0 and 1.1 are deprecated (RFC 8996); gRPC's side speaks 1.2 and 1.3 too.
  SSL_CTX_set_min_proto_version(context->native_handle(), TLS1_2_VERSION);
  SSL_CTX_set_session_id_context(context->native_handle(), kSessionContext, sizeof kSessionContext - 1);
  context->set_options(ssl::context::default_workarounds | ssl::context::single_dh_use, ec);
  if (!ec) context->use_certificate_chain(boost::asio::buffer(files.chain), ec);
  if (!ec) context->use_private_key(boost::asio::buffer(files.key), ssl::context::pem, ec);
  if (ec) {
    return absl::InvalidArgumentError("the HTTP listener (OpenSSL) cannot use certificate " + files.paths.certificate.string() +
                                      " with private key " + files.paths.private_key.string() + ": " + ec.message());
  }
  if (files.client_ca.empty()) return context;
  const std::string refused = "the HTTP listener (OpenSSL) cannot use client_ca " + files.paths.client_ca.string() + ": ";
  context->add_certificate_authority(boost::asio::buffer(files.client_ca), ec);
  if (!ec && !add_client_ca_names(context->native_handle(), files.client_ca)) {
    return absl::InvalidArgumentError(refused + "its certificates cannot be named to clients");
  }
  ssl::verify_mode mode = ssl::verify_peer;
  if (files.require_client_certificate) mode |= ssl::verify_fail_if_no_peer_cert;
  if (!ec) context->set_verify_mode(mode, ec);
  if (ec) return absl::InvalidArgumentError(refused + ec.message());
  return context;
}

}  // namespace section::http
