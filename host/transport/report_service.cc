#include "host/transport/report_service.h"

#include <memory>

#include <absl/cleanup/cleanup.h>

#include "host/core/log.h"
#include "host/core/reused_threads.h"
#include "host/loading/grpc_status.h"

namespace section::transport {

using loading::to_grpc;

grpc::ServerUnaryReactor* ReportService::finish_report(UnaryCall& call, const absl::Status& status) {
  if (counters_ != nullptr) counters_->report(status);
  return call.finish(to_grpc(status));
}

absl::Status ReportService::enter() {
  if (calls_.fetch_add(1, std::memory_order_relaxed) < max_calls_) return absl::OkStatus();
  leave();
  return absl::ResourceExhaustedError("too many ReportService calls at once (limits.max_report_calls is " +
                                      std::to_string(max_calls_) + "); retry later");
}

grpc::ServerUnaryReactor* ReportService::ReportValue(grpc::CallbackServerContext* context,
                                                     const section::v1::ReportValueRequest* request,
                                                     section::v1::ReportValueResponse* response) {
  UnaryCall call(context, report_value_);
  std::optional<security::Principal> who;
  if (grpc::Status allowed = gate_.check(*context, "section.v1.ReportService.ReportValue", &who); !allowed.ok()) {
    return finish_report(call, loading::from_grpc(allowed));
  }
  // A report that names no component is wrong whoever sends it.
  if (absl::Status shape = reports::check_shape(*request); !shape.ok()) return finish_report(call, shape);
  // The role allows reporting; the scope must name this component.
  const security::Decision scoped = security::Authorizer::may_report(*who, request->figure().component());
  if (!scoped.allowed()) {
    log::warning("refused section.v1.ReportService.ReportValue from " + context->peer() + " (token '" + who->name +
                 "'): " + scoped.message());
    return finish_report(call, scoped.status);
  }
  if (absl::Status entered = enter(); !entered.ok()) return finish_report(call, entered);
  // The reactor lives until Finish, and the server's shutdown waits for it. The report waits for
  // its commit on a thread of its own, never on gRPC's.
  grpc::ServerUnaryReactor* reactor = call.reactor();
  auto held = std::make_shared<UnaryCall>(std::move(call));  // a task is copyable, a call is not
  ReusedThreads::shared().run([this, held, request, response, principal = *who] {
    absl::StatusOr<section::v1::ReportValueResponse> outcome = [&] {
      auto left = absl::MakeCleanup([this] { leave(); });  // before the answer, on every way out
      return desk_.report(principal, *request);
    }();
    if (!outcome.ok()) {
      finish_report(*held, outcome.status());
      return;
    }
    *response = std::move(*outcome);
    finish_report(*held, absl::OkStatus());
  });
  return reactor;
}

grpc::ServerUnaryReactor* ReportService::ListHistory(grpc::CallbackServerContext* context,
                                                     const section::v1::ListHistoryRequest* request,
                                                     section::v1::ListHistoryResponse* response) {
  UnaryCall call(context, list_history_);
  if (grpc::Status allowed = gate_.check(*context, "section.v1.ReportService.ListHistory"); !allowed.ok()) {
    return call.finish(allowed);
  }
  if (absl::Status entered = enter(); !entered.ok()) return call.finish(loading::to_grpc(entered));
  // A page is read from the store, which may wait for a commit or, on PostgreSQL, for the
  // network: on a thread of its own, never on gRPC's, whose threads serve every other call.
  grpc::ServerUnaryReactor* reactor = call.reactor();
  auto held = std::make_shared<UnaryCall>(std::move(call));
  ReusedThreads::shared().run([this, held, request, response] {
    auto page = [&] {
      auto left = absl::MakeCleanup([this] { leave(); });
      return desk_.history(*request);
    }();
    if (!page.ok()) {
      held->finish(loading::to_grpc(page.status()));
      return;
    }
    *response = std::move(*page);
    held->finish(grpc::Status::OK);
  });
  return reactor;
}

}  // namespace section::transport
