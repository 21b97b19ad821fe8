#include "host/transport/server.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>

namespace section::transport {

constexpr const char* kServiceName = "section.v1.SectionService";

Result<std::unique_ptr<Server>> Server::start(const std::string& address, registry::Registry& registry, HostInfo info) {
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();

  std::unique_ptr<Server> server(new Server());
  server->service_ = std::make_unique<SectionService>(registry, std::move(info));
  grpc::ServerBuilder builder;
  // gRPC sets SO_REUSEPORT by default: a second host on the same port would then share it
  // silently instead of failing. One address, one host.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  int port = 0;
  builder.AddListeningPort(address, grpc::InsecureServerCredentials(), &port);
  builder.RegisterService(server->service_.get());
  server->server_ = builder.BuildAndStart();
  if (!server->server_ || (port == 0 && address.rfind("unix:", 0) != 0)) {
    return Status::error("cannot listen on " + address + " (is the address valid and the port free?)");
  }
  server->address_ = address.rfind("unix:", 0) == 0 ? address : address.substr(0, address.rfind(':') + 1) + std::to_string(port);
  server->service_->set_listen_address(server->address_);
  grpc::HealthCheckServiceInterface* health = server->server_->GetHealthCheckService();
  health->SetServingStatus(true);
  health->SetServingStatus(kServiceName, true);
  return server;
}

void Server::shutdown(std::chrono::milliseconds grace) {
  if (stopped_ || !server_) return;
  stopped_ = true;
  grpc::HealthCheckServiceInterface* health = server_->GetHealthCheckService();
  health->SetServingStatus(false);
  health->SetServingStatus(kServiceName, false);
  service_->close_watches();
  server_->Shutdown(std::chrono::system_clock::now() + grace);
  server_->Wait();
}

Server::~Server() { shutdown(std::chrono::milliseconds(0)); }

}  // namespace section::transport
