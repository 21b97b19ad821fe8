// section.v1.PluginService for one plugin library loaded in this process: what
// section-plugin-runner serves to the host over a Unix domain socket.
#pragma once

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>

#include "host/loading/plugin_instance.h"
#include "section/v1/plugin_service.grpc.pb.h"

namespace section::runner {

class PluginService final : public section::v1::PluginService::Service {
 public:
  explicit PluginService(std::shared_ptr<loading::PluginLibrary> library);
  ~PluginService() override;

  grpc::Status Start(grpc::ServerContext* context, const section::v1::PluginStartRequest* request,
                     section::v1::StartResponse* response) override;
  grpc::Status Publish(grpc::ServerContext* context, const section::v1::PublishRequest* request,
                       section::v1::Component* response) override;
  grpc::Status Events(grpc::ServerContext* context, const section::v1::EventsRequest* request,
                      grpc::ServerWriter<section::v1::PluginEvent>* writer) override;
  // The library's check hook; UNIMPLEMENTED when the library has none, as for a plugin that
  // serves no Check at all.
  grpc::Status Check(grpc::ServerContext* context, const section::v1::Component* request,
                     section::v1::CheckResponse* response) override;

  // Ends every Events stream, so that the server can shut down.
  void close();

 private:
  void push(section::v1::PluginEvent event);

  std::shared_ptr<loading::PluginLibrary> library_;
  std::mutex instance_mutex_;  // the host calls one hook at a time; this keeps it so
  std::unique_ptr<loading::PluginInstance> instance_;
  section::v1::PluginStartRequest started_with_;

  std::mutex events_mutex_;
  std::condition_variable events_changed_;
  std::deque<section::v1::PluginEvent> events_;
  bool closed_ = false;
};

}  // namespace section::runner
