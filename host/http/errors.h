// Errors over HTTP: the status the gRPC API would answer (the same canonical code and message),
// as JSON {"code": "NOT_FOUND", "message": "…"} with the HTTP status that code maps to.
#pragma once

#include <absl/status/status.h>

#include "host/http/message.h"

namespace section::http {

// NOT_FOUND 404, INVALID_ARGUMENT and OUT_OF_RANGE 400, FAILED_PRECONDITION 409 (a state of the
// host, such as a disabled component: a conflict with the resource's state, not a failed
// conditional header, which is what 412 means), ALREADY_EXISTS and ABORTED 409,
// UNAUTHENTICATED 401, PERMISSION_DENIED 403, RESOURCE_EXHAUSTED 429, UNIMPLEMENTED 501,
// UNAVAILABLE 503, DEADLINE_EXCEEDED 504, anything else 500.
int http_status(absl::StatusCode code);

// "NOT_FOUND" for absl::StatusCode::kNotFound.
const char* code_name(absl::StatusCode code);

// The JSON error response of `status` (not OK). A 401 carries WWW-Authenticate: Bearer, a 503
// Retry-After.
Response error_response(const absl::Status& status);

}  // namespace section::http
