#include "host/transport/server.h"

#include <thread>

#include <grpcpp/ext/proto_server_reflection_plugin.h>

namespace section::transport {

std::string component_health_name(const std::string& component_id) { return "section.v1.component." + component_id; }

absl::StatusOr<std::unique_ptr<Server>> Server::start(const ServerOptions& options, registry::Registry& registry, HostInfo info,
                                              ReloadFunction reload) {
  const std::string& address = options.address;
  const config::LimitsConfig& limits = options.limits;
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();

  std::unique_ptr<Server> server(new Server());
  server->registry_ = &registry;
  server->desk_ = options.desk;
  server->gate_ = options.gate ? options.gate
                               : std::make_shared<Gate>(std::make_shared<const security::Authorizer>(config::AuthConfig{}));
  server->health_ = std::make_unique<HealthService>(options.grpc_metrics, limits.max_watch_streams);
  server->service_ = std::make_unique<SectionService>(registry, std::move(info), limits.max_watch_streams, *server->gate_,
                                                      options.counters, options.grpc_metrics);
  server->admin_ = std::make_unique<AdminService>(std::move(reload), *server->gate_, options.grpc_metrics);
  if (options.desk != nullptr) {
    server->reports_ = std::make_unique<ReportService>(*options.desk, *server->gate_, limits.max_report_calls, options.counters,
                                                       options.grpc_metrics);
  }
  grpc::ServerBuilder builder;
  // gRPC sets SO_REUSEPORT by default: a second host on the same port would then share it
  // silently instead of failing. One address, one host.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  // Requests are small; a large one is refused (RESOURCE_EXHAUSTED) before it is parsed.
  builder.SetMaxReceiveMessageSize(limits.max_request_bytes);
  builder.SetMaxSendMessageSize(limits.max_response_bytes);
  // Keepalive: the host pings idle connections to find dead clients (a Watch from a vanished
  // laptop must not hold a stream slot for ever), and cuts off clients that ping too often.
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIME_MS, static_cast<int>(limits.keepalive_time.count()));
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, static_cast<int>(limits.keepalive_timeout.count()));
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS,
                             static_cast<int>(limits.min_client_ping_interval.count()));
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MAX_PING_STRIKES, 2);
  int port = 0;
  builder.AddListeningPort(address, options.credentials ? options.credentials : grpc::InsecureServerCredentials(), &port);
  builder.RegisterService(server->health_.get());
  builder.RegisterService(server->service_.get());
  builder.RegisterService(server->admin_.get());
  if (server->reports_) builder.RegisterService(server->reports_.get());
  server->server_ = builder.BuildAndStart();
  if (!server->server_ || (port == 0 && address.rfind("unix:", 0) != 0)) {
    return absl::UnavailableError("cannot listen on " + address + " (is the address valid and the port free?)");
  }
  server->address_ = address.rfind("unix:", 0) == 0 ? address : address.substr(0, address.rfind(':') + 1) + std::to_string(port);
  server->service_->set_listen_address(server->address_);
  // Every name is known from the start, NOT_SERVING until serve().
  server->health_->SetServingStatus("", false);
  server->health_->SetServingStatus(kServiceName, false);
  server->health_->SetServingStatus(kReportServiceName, false);
  return server;
}

void Server::serve() {
  {
    std::lock_guard<std::mutex> lock(health_mutex_);
    if (stopped_) return;
    health_->SetServingStatus("", true);
    health_->SetServingStatus(kServiceName, true);
    health_->SetServingStatus(kReportServiceName, desk_ != nullptr && desk_->taking_reports());
    serving_ = true;
  }
  listener_ = registry_->subscribe([this](const registry::ViewPtr& view) { update_health(view); });
  update_health(registry_->current());
}

void Server::set_taking_reports(bool taking) {
  std::lock_guard<std::mutex> lock(health_mutex_);
  if (stopped_ || !serving_) return;
  health_->SetServingStatus(kReportServiceName, taking);
}

void Server::update_health(const registry::ViewPtr& view) {
  std::lock_guard<std::mutex> lock(health_mutex_);
  if (stopped_ || !view) return;
  HealthService* health = health_.get();
  std::set<std::string> present;
  for (const auto& status : view->section.component_status()) {
    const std::string name = component_health_name(status.id());
    present.insert(name);
    component_names_.insert(name);
    health->SetServingStatus(name, status.state() == section::v1::SERVING);
  }
  // A component a reload removed is no longer served.
  for (const auto& name : component_names_) {
    if (present.count(name) == 0) health->SetServingStatus(name, false);
  }
}

void Server::shutdown(std::chrono::milliseconds drain, std::chrono::milliseconds grace) {
  {
    std::lock_guard<std::mutex> lock(health_mutex_);
    if (stopped_ || !server_) return;
    stopped_ = true;
    serving_ = false;
  }
  if (listener_ != 0) registry_->unsubscribe(listener_);
  // Every name, the host's and each component's, says NOT_SERVING from now on, for good.
  health_->Shutdown();
  if (drain.count() > 0) std::this_thread::sleep_for(drain);
  service_->close_watches();
  health_->close_watches();
  server_->Shutdown(std::chrono::system_clock::now() + grace);
  server_->Wait();
}

Server::~Server() { shutdown(std::chrono::milliseconds(0), std::chrono::milliseconds(0)); }

}  // namespace section::transport
