#include "host/security/tls.h"

#include <grpcpp/security/server_credentials.h>

namespace section::security {

Result<std::shared_ptr<grpc::ServerCredentials>> server_credentials(const config::TlsConfig& tls) {
  if (!tls.enabled()) return grpc::InsecureServerCredentials();
  return Status::error("tls: not implemented yet");
}

}  // namespace section::security
