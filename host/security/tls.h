// TLS for the gRPC server, and optionally client certificates (mTLS), from the configuration's
// `tls:` block (docs/security.md). Everything is checked before the host serves: a file that
// cannot be read, a certificate or key that is not PEM, a key that does not match the
// certificate, or a CA file without a certificate stops start-up with a message naming the
// file and the reason, instead of serving without TLS or failing later on the first handshake.
#pragma once

#include <memory>

#include <grpcpp/security/server_credentials.h>

#include "host/config/host_config.h"
#include "host/core/status.h"

namespace section::security {

// Reads and checks the files of `tls` and builds the server's credentials; insecure
// credentials when `tls` is not enabled.
Result<std::shared_ptr<grpc::ServerCredentials>> server_credentials(const config::TlsConfig& tls);

}  // namespace section::security
