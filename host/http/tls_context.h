// The HTTP listener's TLS (HTTPS): an OpenSSL context through Boost.Asio, from the same checked
// files as the gRPC server's credentials (security/tls.h), with the same client-certificate
// policy: asked for and checked against `client_ca` when it is set, required when
// `require_client_certificate` is.
#pragma once

#include <memory>

#include <absl/status/statusor.h>

#include "host/security/tls.h"

namespace boost::asio::ssl {
class context;
}

namespace section::http {

// TLS 1.2 or later; an error names what OpenSSL refused.
absl::StatusOr<std::shared_ptr<boost::asio::ssl::context>> https_context(const security::TlsFiles& files);

}  // namespace section::http
