// The HTTP API (docs/api.md, "HTTP"): read-only endpoints answered from the gRPC server's
// current answers, rendered once per version (rendered_version.h), /metrics, and the probes.
// Each request is authorized by the same gate as the gRPC method it corresponds to. Pure of
// sockets: the listener hands a Request in and writes the Response out.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <memory>

#include <absl/status/statusor.h>

#include "host/http/message.h"
#include "host/http/metrics_page.h"
#include "host/http/rendered_version.h"
#include "host/transport/call_auth.h"
#include "section/v1/section_service.pb.h"

namespace section::http {

// A request's target: its path and query parameters, percent-decoded.
struct Target {
  std::string path;
  std::map<std::string, std::string> query;
  std::string bad;  // why the target cannot be read; empty when it can
};

struct RouteSources {
  // The answers every gRPC query reads now (null before version 1).
  std::function<std::shared_ptr<const transport::SerializedAnswers>()> answers;
  // What GetStatus answers.
  std::function<absl::StatusOr<section::v1::HostStatus>()> status;
  // Whether the host serves (health SERVING): false before serve() and from the drain on.
  std::function<bool()> serving;
  // Who may read; null: reads are open.
  const transport::Gate* gate = nullptr;
  MetricsSources metrics;
};

class Routes {
 public:
  explicit Routes(RouteSources sources) : sources_(std::move(sources)), instance_(new_instance_id()) {}

  // GET and HEAD of /healthz, /readyz, /metrics, /v1/tables, /v1/tables/{id}[.csv|.json],
  // /v1/measures, /v1/deliverables, /v1/status. A HEAD's response carries the body the GET
  // would have; the listener sends only its length. The /v1/ answers are in the language of
  // the `lang` parameter or Accept-Language, as gRPC's in that of accept-language.
  Response handle(const Request& request) const;

 private:
  Response versioned(const Request& request, const Target& target, int route) const;
  // GetStatus's answer as JSON, in `language` ("" or English: as built).
  absl::StatusOr<std::string> status_json(const std::string& language, const transport::SerializedAnswers& answers) const;
  // The rendering of `answers`, made once per version and shared by every request.
  std::shared_ptr<const RenderedVersion> rendered(const std::shared_ptr<const transport::SerializedAnswers>& answers) const;

  RouteSources sources_;
  const std::string instance_;  // this start's, in every ETag
  mutable std::shared_ptr<const RenderedVersion> rendered_;  // read and replaced atomically
};

}  // namespace section::http
