// TLS for the gRPC server and the HTTP listener, and optionally client certificates (mTLS), from
// the configuration's `tls:` block (docs/security.md). Everything is checked before the host serves: a file that
// cannot be read, a certificate or key that is not PEM, a key that does not match the
// certificate, or a CA file without a certificate stops start-up with a message naming the
// file and the reason, instead of serving without TLS or failing later on the first handshake.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include <grpcpp/security/server_credentials.h>

#include "host/config/host_config.h"
#include <absl/status/status.h>
#include <absl/status/statusor.h>

namespace section::security {

// The whole of `path` (a certificate, a key, a token file); the error names `what`, the file and
// the system's reason (a directory, a missing file, no permission). Shared with section-ctl.
absl::StatusOr<std::string> read_file(const std::filesystem::path& path, const std::string& what);

// The files of a `tls:` block, read once and checked: both servers are built from the same bytes.
struct TlsFiles {
  std::string chain;      // PEM: the certificate, then its chain
  std::string key;        // PEM: its private key, unencrypted
  std::string client_ca;  // PEM: CAs for client certificates; empty: none asked for
  bool require_client_certificate = false;
  config::TlsConfig paths;  // where they were read from, for messages
};

// Reads and checks the files of an enabled `tls`.
absl::StatusOr<TlsFiles> read_tls_files(const config::TlsConfig& tls);

// The gRPC server's credentials from checked files.
std::shared_ptr<grpc::ServerCredentials> server_credentials(const TlsFiles& files);

}  // namespace section::security
