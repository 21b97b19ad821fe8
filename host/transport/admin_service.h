// section.v1.AdminService: operating a running host. Reload runs the same reload as SIGHUP; it
// takes as long as loading the new plugins does, so it runs on a thread of its own and never
// holds one of gRPC's callback threads.
#pragma once

#include <functional>

#include <absl/status/status.h>
#include <absl/status/statusor.h>
#include "host/registry/registry.h"
#include "host/transport/call_auth.h"
#include "host/transport/counted_call.h"
#include "section/v1/admin_service.grpc.pb.h"

namespace section::transport {

using ReloadFunction = std::function<absl::StatusOr<registry::ReloadSummary>()>;

class AdminService final : public section::v1::AdminService::CallbackService {
 public:
  // `grpc_metrics` (may be null) counts every call, by code (counted_call.h).
  AdminService(ReloadFunction reload, const Gate& gate, metrics::GrpcMetrics* grpc_metrics = nullptr)
      : reload_(std::move(reload)), gate_(gate), reload_stats_(method_stats(grpc_metrics, "/section.v1.AdminService/Reload")) {}

  grpc::ServerUnaryReactor* Reload(grpc::CallbackServerContext* context, const section::v1::ReloadRequest* request,
                                   section::v1::ReloadResponse* response) override;

 private:
  ReloadFunction reload_;
  const Gate& gate_;
  metrics::MethodStats* const reload_stats_;
};

}  // namespace section::transport
