#include "host/transport/report_service.h"

#include <thread>

#include "host/core/log.h"

namespace section::transport {
namespace {

grpc::StatusCode code_of(reports::Refusal refusal) {
  switch (refusal) {
    case reports::Refusal::kInvalidArgument: return grpc::StatusCode::INVALID_ARGUMENT;
    case reports::Refusal::kNotFound: return grpc::StatusCode::NOT_FOUND;
    case reports::Refusal::kFailedPrecondition: return grpc::StatusCode::FAILED_PRECONDITION;
    case reports::Refusal::kAlreadyExists: return grpc::StatusCode::ALREADY_EXISTS;
    case reports::Refusal::kResourceExhausted: return grpc::StatusCode::RESOURCE_EXHAUSTED;
    case reports::Refusal::kUnavailable: return grpc::StatusCode::UNAVAILABLE;
    case reports::Refusal::kInternal: return grpc::StatusCode::INTERNAL;
  }
  return grpc::StatusCode::INTERNAL;
}

}  // namespace

grpc::ServerUnaryReactor* ReportService::ReportValue(grpc::CallbackServerContext* context,
                                                     const section::v1::ReportValueRequest* request,
                                                     section::v1::ReportValueResponse* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  std::optional<security::Principal> who;
  if (grpc::Status allowed = gate_.check(*context, "section.v1.ReportService.ReportValue", &who); !allowed.ok()) {
    reactor->Finish(allowed);
    return reactor;
  }
  // A report that names no component is wrong whoever sends it.
  if (auto bad = reports::check_shape(*request)) {
    reactor->Finish(grpc::Status(code_of(bad->code), bad->message));
    return reactor;
  }
  // The role allows reporting; the scope must name this component.
  const security::Decision scoped = security::Authorizer::may_report(*who, request->figure().component());
  if (!scoped.allowed()) {
    log::warning("refused section.v1.ReportService.ReportValue from " + context->peer() + " (token '" + who->name +
                 "'): " + scoped.message);
    reactor->Finish(refusal_status(scoped));
    return reactor;
  }
  // The reactor lives until Finish, and the server's shutdown waits for it.
  std::thread([this, reactor, request, response, principal = *who] {
    reports::ReportOutcome outcome = desk_.report(principal, *request);
    if (outcome.refused) {
      reactor->Finish(grpc::Status(code_of(outcome.refused->code), outcome.refused->message));
      return;
    }
    *response = std::move(outcome.response);
    reactor->Finish(grpc::Status::OK);
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
  if (!changes) {
    reactor->Finish(grpc::Status(grpc::StatusCode::UNAVAILABLE, changes.status().message()));
    return reactor;
  }
  for (auto& change : *changes) *response->add_changes() = std::move(change);
  reactor->Finish(grpc::Status::OK);
  return reactor;
}

}  // namespace section::transport
