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

// Runs `work` on a reused thread, never on gRPC's (it waits for the store), after enter();
// its place is given back before `done` answers `call` with what `work` gave.
template <typename Work, typename Done>
grpc::ServerUnaryReactor* ReportService::off_grpc_threads(UnaryCall call, Work work, Done done) {
  // The reactor lives until Finish, and the server's shutdown waits for it.
  grpc::ServerUnaryReactor* reactor = call.reactor();
  auto held = std::make_shared<UnaryCall>(std::move(call));  // a task is copyable, a call is not
  ReusedThreads::shared().run([this, held, work = std::move(work), done = std::move(done)] {
    auto outcome = [&] {
      auto left = absl::MakeCleanup([this] { leave(); });  // on every way out
      return work();
    }();
    done(*held, std::move(outcome));
  });
  return reactor;
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
  // The report waits for its commit.
  return off_grpc_threads(
      std::move(call), [this, request, principal = *who] { return desk_.report(principal, *request); },
      [this, response](UnaryCall& held, absl::StatusOr<section::v1::ReportValueResponse> outcome) {
        if (outcome.ok()) *response = std::move(*outcome);
        finish_report(held, outcome.status());
      });
}

grpc::ServerUnaryReactor* ReportService::ListHistory(grpc::CallbackServerContext* context,
                                                     const section::v1::ListHistoryRequest* request,
                                                     section::v1::ListHistoryResponse* response) {
  UnaryCall call(context, list_history_);
  if (grpc::Status allowed = gate_.check(*context, "section.v1.ReportService.ListHistory"); !allowed.ok()) {
    return call.finish(allowed);
  }
  if (absl::Status entered = enter(); !entered.ok()) return call.finish(loading::to_grpc(entered));
  // A page is read from the store, which may wait for a commit or, on PostgreSQL, for the network.
  return off_grpc_threads(
      std::move(call), [this, request] { return desk_.history(*request); },
      [response](UnaryCall& held, absl::StatusOr<section::v1::ListHistoryResponse> page) {
        if (page.ok()) *response = std::move(*page);
        held.finish(loading::to_grpc(page.status()));
      });
}

}  // namespace section::transport
