// A plugin spoken to over gRPC (section.v1.PluginService): the runner of a process-isolated
// plugin, or an external plugin at `endpoint:`. Every call has the plugin call deadline; the
// Events stream runs on a thread of its own and reports log lines, the plugin's changes and
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
  absl::Status connect(const std::function<bool()>& give_up = nullptr,
                       std::chrono::milliseconds timeout = std::chrono::milliseconds(0));
  absl::Status start(const section::v1::PluginStartRequest& request) override;
  absl::StatusOr<Handover> fetch() override;
  // UNIMPLEMENTED: a plugin that serves no Check (e.g. examples/python-plugin).
  absl::Status check(const section::v1::Component& component) override;
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

// A PluginService status as the host's (plugin_error.h): INVALID_ARGUMENT and FAILED_PRECONDITION
// keep their codes, every other failure is the plugin's own (kInternal).
absl::Status status_of(const grpc::Status& status, std::string message);

}  // namespace section::loading
