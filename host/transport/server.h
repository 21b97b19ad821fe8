// The gRPC server: SectionService, ReportService, AdminService, grpc.health.v1.Health (the
// host's own, health_service.h) and server reflection on one port, with the limits of the
// configuration.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <set>
#include <string>

#include <grpcpp/grpcpp.h>

#include "host/config/host_config.h"
#include "host/metrics/grpc_metrics.h"
#include "host/metrics/host_counters.h"
#include <absl/status/status.h>
#include <absl/status/statusor.h>
#include "host/registry/registry.h"
#include "host/reports/report_desk.h"
#include "host/security/authorizer.h"
#include "host/transport/admin_service.h"
#include "host/transport/call_auth.h"
#include "host/transport/health_service.h"
#include "host/transport/report_service.h"
#include "host/transport/section_service.h"

namespace section::transport {

// The health service names: "" and this one for the host as a whole, and one per component,
// e.g. "section.v1.component.hr", SERVING only while the component serves fresh figures.
constexpr const char* kServiceName = "section.v1.SectionService";
// SERVING while reports can be taken: a store is configured, writable and reachable.
constexpr const char* kReportServiceName = "section.v1.ReportService";
std::string component_health_name(const std::string& component_id);

struct ServerOptions {
  std::string address;  // "127.0.0.1:0" picks a free port
  config::LimitsConfig limits;
  // TLS (security/tls.h), or insecure credentials when the configuration has no tls block.
  std::shared_ptr<grpc::ServerCredentials> credentials;
  // Who may call what (call_auth.h); every call is checked by it. Without one only reads are
  // allowed. Shared so that a reload can give it new tokens.
  std::shared_ptr<Gate> gate;
  // Takes reported figures (ReportService); must outlive the server.
  reports::ReportDesk* desk = nullptr;
  // Metrics (may be null): every call of the four services counted by its handler
  // (counted_call.h), and the host's own counters. Both must outlive the server.
  metrics::GrpcMetrics* grpc_metrics = nullptr;
  metrics::HostCounters* counters = nullptr;
};

class Server {
 public:
  // Listens on the options' address while the plugins start: the queries answer UNAVAILABLE
  // until version 1's answers exist, and health says NOT_SERVING until serve()
  // (docs/architecture.md, "Start-up and shutdown").
  // Safe while `registry` starts on another thread.
  static absl::StatusOr<std::unique_ptr<Server>> start(const ServerOptions& options, registry::Registry& registry, HostInfo info,
                                               ReloadFunction reload);
  // Once the registry has published its first version: health turns SERVING, and follows the
  // components from here on.
  void serve();
  // What health says for section.v1.ReportService (the desk's taking_reports()), from serve() on.
  void set_taking_reports(bool taking);
  ~Server();

  // The address actually bound, with the port chosen when the configuration said 0.
  const std::string& address() const { return address_; }
  // Between serve() and shutdown(): what health says for the host as a whole.
  bool serving() const { return serving_.load(); }
  // What the queries answer from now (null before version 1), and what GetStatus answers.
  std::shared_ptr<const SerializedAnswers> answers() const { return service_->answers(); }
  absl::StatusOr<section::v1::HostStatus> status() const { return service_->status(); }

  // A graceful drain: health turns NOT_SERVING at once while calls are still answered for
  // `drain` (so that load balancers stop sending new ones), then Watch streams are closed,
  // then calls in flight get until `grace` to finish before they are cancelled.
  void shutdown(std::chrono::milliseconds drain, std::chrono::milliseconds grace);

 private:
  Server() = default;
  void update_health(const registry::ViewPtr& view);

  registry::Registry* registry_ = nullptr;
  reports::ReportDesk* desk_ = nullptr;
  std::shared_ptr<Gate> gate_;
  std::unique_ptr<HealthService> health_;  // outlives server_, which is declared after it
  std::unique_ptr<SectionService> service_;
  std::unique_ptr<AdminService> admin_;
  std::unique_ptr<ReportService> reports_;
  std::unique_ptr<grpc::Server> server_;
  std::string address_;
  int listener_ = 0;
  std::mutex health_mutex_;
  std::set<std::string> component_names_;  // every component health name ever set
  bool stopped_ = false;
  std::atomic<bool> serving_{false};
};

}  // namespace section::transport
