// The host's errors (absl::Status) as gRPC statuses, and back. Both use the canonical codes, with the same
// numbers, so the code passes unchanged.
#pragma once

#include <string>

#include <absl/status/status.h>
#include <grpcpp/support/status.h>

namespace section::loading {

inline grpc::Status to_grpc(const absl::Status& status) {
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()), std::string(status.message()));
}

inline absl::Status from_grpc(const grpc::Status& status) {
  return absl::Status(static_cast<absl::StatusCode>(status.error_code()), status.error_message());
}

}  // namespace section::loading
