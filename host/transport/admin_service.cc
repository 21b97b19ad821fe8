#include "host/transport/admin_service.h"

#include <thread>

#include "host/core/log.h"

namespace section::transport {

grpc::ServerUnaryReactor* AdminService::Reload(grpc::CallbackServerContext* context, const section::v1::ReloadRequest*,
                                               section::v1::ReloadResponse* response) {
  UnaryCall call(context, reload_stats_);
  std::optional<security::Principal> who;
  if (grpc::Status allowed = gate_.check(*context, "section.v1.AdminService.Reload", &who); !allowed.ok()) {
    return call.finish(allowed);
  }
  log::info("reload asked for by token '" + who->name + "' from " + context->peer());
  if (!reload_) return call.finish(grpc::Status(grpc::StatusCode::UNIMPLEMENTED, "this host cannot reload"));
  // The reactor lives until Finish, and the server's shutdown waits for it: the thread may
  // outlast the call's deadline but never the server.
  grpc::ServerUnaryReactor* reactor = call.reactor();
  std::thread([this, call = std::move(call), response]() mutable {
    const absl::StatusOr<registry::ReloadSummary> summary = reload_();
    if (!summary.ok()) {
      call.finish(grpc::Status(grpc::StatusCode::FAILED_PRECONDITION,
                               "the configuration was not reloaded; the running one serves on unchanged: " +
                                   std::string(summary.status().message())));
      return;
    }
    response->set_version(summary->version);
    for (const auto& id : summary->started) response->add_started(id);
    for (const auto& id : summary->stopped) response->add_stopped(id);
    for (const auto& id : summary->kept) response->add_kept(id);
    call.finish(grpc::Status::OK);
  }).detach();
  return reactor;
}

}  // namespace section::transport
