#include "host/http/tls_context.h"

#include <boost/asio/buffer.hpp>
#include <boost/asio/ssl/context.hpp>
#include <openssl/ssl.h>

namespace section::http {

namespace ssl = boost::asio::ssl;

absl::StatusOr<std::shared_ptr<ssl::context>> https_context(const security::TlsFiles& files) {
  auto context = std::make_shared<ssl::context>(ssl::context::tls_server);
  boost::system::error_code ec;
  // TLS 1.0 and 1.1 are deprecated (RFC 8996); gRPC's side speaks 1.2 and 1.3 too.
  SSL_CTX_set_min_proto_version(context->native_handle(), TLS1_2_VERSION);
  context->set_options(ssl::context::default_workarounds | ssl::context::single_dh_use, ec);
  if (!ec) context->use_certificate_chain(boost::asio::buffer(files.chain), ec);
  if (!ec) context->use_private_key(boost::asio::buffer(files.key), ssl::context::pem, ec);
  if (ec) return absl::InvalidArgumentError("tls: the HTTP listener cannot use the certificate and key: " + ec.message());
  if (files.client_ca.empty()) return context;
  context->add_certificate_authority(boost::asio::buffer(files.client_ca), ec);
  ssl::verify_mode mode = ssl::verify_peer;
  if (files.require_client_certificate) mode |= ssl::verify_fail_if_no_peer_cert;
  if (!ec) context->set_verify_mode(mode, ec);
  if (ec) return absl::InvalidArgumentError("tls: the HTTP listener cannot use client_ca: " + ec.message());
  return context;
}

}  // namespace section::http
