// The gRPC server: SectionService, grpc.health.v1.Health and server reflection on one port.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include <grpcpp/grpcpp.h>

#include "host/core/status.h"
#include "host/registry/registry.h"
#include "host/transport/section_service.h"

namespace section::transport {

class Server {
 public:
  // Listens on `address` ("127.0.0.1:0" picks a free port) and serves. Health is SERVING once
  // this returns.
  static Result<std::unique_ptr<Server>> start(const std::string& address, registry::Registry& registry, HostInfo info);
  ~Server();

  // The address actually bound, with the port chosen when the configuration said 0.
  const std::string& address() const { return address_; }

  // Health NOT_SERVING first, then Watch streams are closed, then in-flight calls get until
  // `grace` to finish before they are cancelled.
  void shutdown(std::chrono::milliseconds grace);

 private:
  Server() = default;
  std::unique_ptr<SectionService> service_;
  std::unique_ptr<grpc::Server> server_;
  std::string address_;
  bool stopped_ = false;
};

}  // namespace section::transport
