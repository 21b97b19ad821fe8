#include "host/http/errors.h"

#include "cli/json.h"
#include "host/metrics/grpc_metrics.h"

namespace section::http {

int http_status(absl::StatusCode code) {
  switch (code) {
    case absl::StatusCode::kOk: return 200;
    case absl::StatusCode::kNotFound: return 404;
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kOutOfRange: return 400;
    case absl::StatusCode::kFailedPrecondition:
    case absl::StatusCode::kAlreadyExists:
    case absl::StatusCode::kAborted: return 409;
    case absl::StatusCode::kUnauthenticated: return 401;
    case absl::StatusCode::kPermissionDenied: return 403;
    case absl::StatusCode::kResourceExhausted: return 429;
    case absl::StatusCode::kUnimplemented: return 501;
    case absl::StatusCode::kUnavailable: return 503;
    case absl::StatusCode::kDeadlineExceeded: return 504;
    default: return 500;
  }
}

const char* code_name(absl::StatusCode code) { return metrics::code_name(static_cast<int>(code)); }

Response error_response(const absl::Status& status) {
  Response response;
  response.status = http_status(status.code());
  response.content_type = "application/json";
  cli::Json body = {{"code", code_name(status.code())}, {"message", std::string(status.message())}};
  response.body = cli::print(body);
  if (status.code() == absl::StatusCode::kUnauthenticated) response.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"section-host\"");
  if (status.code() == absl::StatusCode::kUnavailable) response.headers.emplace_back("Retry-After", "1");
  return response;
}

}  // namespace section::http
