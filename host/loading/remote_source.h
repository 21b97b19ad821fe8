// A plugin spoken to over gRPC (section.v1.PluginService): the runner of a process-isolated
// plugin, or an external plugin at `endpoint:`. Every call has the plugin call deadline; the
// Events stream runs on a thread of its own and reports log lines, republish requests and
// the stream's end.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include <grpcpp/grpcpp.h>

#include "host/loading/component_source.h"
#include "section/v1/plugin_service.grpc.pb.h"

namespace section::loading {

class RemoteSource final : public ComponentSource {
 public:
  RemoteSource(std::string address, SourceEvents events, std::chrono::milliseconds timeout);
  ~RemoteSource() override;

  // Waits until the address accepts a connection, at most `timeout` (default: the call
  // deadline); sooner false when `give_up` says so (e.g. the plugin's process has exited).
  bool connect(PluginError* error, const std::function<bool()>& give_up = nullptr,
               std::chrono::milliseconds timeout = std::chrono::milliseconds(0));
  bool start(const section::v1::PluginStartRequest& request, PluginError* error) override;
  bool publish(section::v1::Component* component, PluginError* error) override;
  // UNIMPLEMENTED (a plugin that serves no Check, e.g. examples/python-plugin) is kUnsupported.
  CheckOutcome check(const section::v1::Component& component, std::string* problems) override;
  std::string where() const override { return address_; }

 private:
  void read_events();
  // "no answer within N ms (plugin_call_timeout_ms)" or the status's own message.
  std::string failure_text(const grpc::Status& status) const;
  // "plugin 'id' (address) <what>: <why>", naming the plugin once.
  std::string failure(const std::string& what, const grpc::Status& status) const;

  const std::string address_;
  std::shared_ptr<SourceEvents> events_;
  const std::chrono::milliseconds timeout_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<section::v1::PluginService::Stub> stub_;
  std::string plugin_id_;
  grpc::ClientContext events_context_;
  std::atomic<bool> closing_{false};
  std::thread events_thread_;
};

// Maps a PluginService status to what an admin has to fix.
PluginError::Kind kind_of_status(const grpc::Status& status);

}  // namespace section::loading
