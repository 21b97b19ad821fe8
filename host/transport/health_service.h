// grpc.health.v1.Health, the host's own rather than gRPC's default one, so that its calls are
// counted by method and code like every other (counted_call.h). It answers as gRPC's does: Check
// gives the status of a name set with SetServingStatus (NOT_FOUND for another name), Watch sends
// the status at once and then each change (SERVICE_UNKNOWN while the name is not set), and after
// Shutdown every name is NOT_SERVING for good. Never gated by tokens: probes carry none.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>

#include <grpcpp/grpcpp.h>

#include "grpc/health/v1/health.grpc.pb.h"
#include "host/metrics/grpc_metrics.h"

namespace section::transport {

class HealthService final : public grpc::health::v1::Health::CallbackService {
 public:
  using Response = grpc::health::v1::HealthCheckResponse;

  // `grpc_metrics` (may be null) counts every call. At most `max_watch_streams` Watch streams at
  // once (limits.max_watch_streams, counted apart from SectionService's): health needs no token,
  // so without a cap any client could hold streams without end.
  explicit HealthService(metrics::GrpcMetrics* grpc_metrics = nullptr, int max_watch_streams = 2000);
  ~HealthService() override;

  // As gRPC's default service does, a name set after Shutdown is recorded, NOT_SERVING.
  void SetServingStatus(const std::string& service_name, bool serving);
  // Every name set so far.
  void SetServingStatus(bool serving);
  void Shutdown();
  // Ends every Watch stream with UNAVAILABLE, after the drain (server.h).
  void close_watches();

  grpc::ServerUnaryReactor* Check(grpc::CallbackServerContext* context, const grpc::health::v1::HealthCheckRequest* request,
                                  Response* response) override;
  grpc::ServerWriteReactor<Response>* Watch(grpc::CallbackServerContext* context,
                                            const grpc::health::v1::HealthCheckRequest* request) override;

  class WatchStream;

 private:
  Response::ServingStatus status_of(const std::string& name) const;  // with mutex_ held
  // Tells every stream watching `name` (every stream when `name` is null) its status now.
  void tell_watchers(const std::string* name);

  metrics::MethodStats* const check_stats_;
  metrics::MethodStats* const watch_stats_;
  const int max_watch_streams_;
  mutable std::mutex mutex_;
  std::map<std::string, bool> serving_;
  bool shut_down_ = false;
  bool closing_ = false;
  std::set<std::shared_ptr<WatchStream>> watches_;
};

}  // namespace section::transport
