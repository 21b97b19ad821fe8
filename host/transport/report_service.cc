#include "host/transport/report_service.h"

#include <thread>

#include "host/core/log.h"
#include "host/loading/grpc_status.h"

namespace section::transport {

using loading::to_grpc;

void ReportService::finish_report(grpc::ServerUnaryReactor* reactor, const absl::Status& status) {
  if (counters_ != nullptr) counters_->report(status);
  reactor->Finish(to_grpc(status));
}

grpc::ServerUnaryReactor* ReportService::ReportValue(grpc::CallbackServerContext* context,
                                                     const section::v1::ReportValueRequest* request,
                                                     section::v1::ReportValueResponse* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  std::optional<security::Principal> who;
  if (grpc::Status allowed = gate_.check(*context, "section.v1.ReportService.ReportValue", &who); !allowed.ok()) {
    finish_report(reactor, loading::from_grpc(allowed));
    return reactor;
  }
  // A report that names no component is wrong whoever sends it.
  if (absl::Status shape = reports::check_shape(*request); !shape.ok()) {
    finish_report(reactor, shape);
    return reactor;
  }
  // The role allows reporting; the scope must name this component.
  const security::Decision scoped = security::Authorizer::may_report(*who, request->figure().component());
  if (!scoped.allowed()) {
    log::warning("refused section.v1.ReportService.ReportValue from " + context->peer() + " (token '" + who->name +
                 "'): " + scoped.message());
    finish_report(reactor, scoped.status);
    return reactor;
  }
  // The reactor lives until Finish, and the server's shutdown waits for it.
  std::thread([this, reactor, request, response, principal = *who] {
    absl::StatusOr<section::v1::ReportValueResponse> outcome = desk_.report(principal, *request);
    if (!outcome.ok()) {
      finish_report(reactor, outcome.status());
      return;
    }
    *response = std::move(*outcome);
    finish_report(reactor, absl::OkStatus());
  }).detach();
  return reactor;
}

grpc::ServerUnaryReactor* ReportService::ListHistory(grpc::CallbackServerContext* context,
                                                     const section::v1::ListHistoryRequest* request,
                                                     section::v1::ListHistoryResponse* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  if (grpc::Status allowed = gate_.check(*context, "section.v1.ReportService.ListHistory"); !allowed.ok()) {
    reactor->Finish(allowed);
    return reactor;
  }
  auto changes = desk_.history(*request);
  if (!changes.ok()) {
    reactor->Finish(grpc::Status(grpc::StatusCode::UNAVAILABLE, std::string(changes.status().message())));
    return reactor;
  }
  for (auto& change : *changes) *response->add_changes() = std::move(change);
  reactor->Finish(grpc::Status::OK);
  return reactor;
}

}  // namespace section::transport
