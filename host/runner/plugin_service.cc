#include "host/runner/plugin_service.h"

#include <algorithm>
#include <chrono>

#include <google/protobuf/util/message_differencer.h>

#include "host/loading/grpc_status.h"

namespace section::runner {
namespace {

using loading::to_grpc;

section::v1::LogLine::Level level_of(int level) {
  switch (level) {
    case SECTION_LOG_DEBUG: return section::v1::LogLine::DEBUG;
    case SECTION_LOG_WARNING: return section::v1::LogLine::WARNING;
    case SECTION_LOG_ERROR: return section::v1::LogLine::ERROR;
    default: return section::v1::LogLine::INFO;
  }
}

// The plugin's findings, one per line, as the repeated field of the contract.
void add_lines(const std::string& text, section::v1::CheckResponse* response) {
  std::size_t begin = 0;
  while (begin <= text.size()) {
    const std::size_t end = std::min(text.find('\n', begin), text.size());
    if (end > begin) response->add_problems(text.substr(begin, end - begin));
    begin = end + 1;
  }
}

}  // namespace

PluginService::PluginService(std::shared_ptr<loading::PluginLibrary> library) : library_(std::move(library)) {}

PluginService::~PluginService() {
  close();
  std::lock_guard<std::mutex> lock(instance_mutex_);
  instance_.reset();
}

grpc::Status PluginService::Start(grpc::ServerContext*, const section::v1::PluginStartRequest* request,
                                  section::v1::StartResponse*) {
  std::lock_guard<std::mutex> lock(instance_mutex_);
  // A host that restarted, or reattached, starts the plugin again: the same request is
  // answered as before, another one starts the plugin afresh with it.
  if (instance_ && google::protobuf::util::MessageDifferencer::Equals(started_with_, *request)) return grpc::Status::OK;
  instance_.reset();
  loading::HostServices services;
  services.log = [this](const std::string&, int level, const std::string& message) {
    section::v1::PluginEvent event;
    event.mutable_log()->set_level(level_of(level));
    event.mutable_log()->set_message(message);
    push(std::move(event));
  };
  services.changed = [this](const std::string&) {
    section::v1::PluginEvent event;
    event.mutable_republish();
    push(std::move(event));
  };
  auto started = loading::PluginInstance::start(library_, *request, services);
  if (!started.ok()) return to_grpc(started.status());
  instance_ = std::move(*started);
  started_with_ = *request;
  return grpc::Status::OK;
}

grpc::Status PluginService::Publish(grpc::ServerContext*, const section::v1::PublishRequest*,
                                    section::v1::Component* response) {
  std::lock_guard<std::mutex> lock(instance_mutex_);
  if (!instance_) return grpc::Status(grpc::StatusCode::FAILED_PRECONDITION, "the plugin is not started");
  auto fetched = instance_->fetch();
  if (!fetched.ok()) return to_grpc(fetched.status());
  *response = std::move(fetched->component);
  return grpc::Status::OK;
}

grpc::Status PluginService::Check(grpc::ServerContext*, const section::v1::Component* request,
                                  section::v1::CheckResponse* response) {
  std::lock_guard<std::mutex> lock(instance_mutex_);
  if (!instance_) return grpc::Status(grpc::StatusCode::FAILED_PRECONDITION, "the plugin is not started");
  const absl::Status checked = instance_->check(*request);
  if (checked.code() != absl::StatusCode::kInvalidArgument) return to_grpc(checked);
  // Refused: the findings go back as the contract's list, one per line.
  add_lines(std::string(checked.message()), response);
  // An empty list would read as "passed" on the host's side.
  if (response->problems().empty()) response->add_problems("the plugin refused the component without saying why");
  return grpc::Status::OK;
}

grpc::Status PluginService::Events(grpc::ServerContext* context, const section::v1::EventsRequest*,
                                   grpc::ServerWriter<section::v1::PluginEvent>* writer) {
  std::unique_lock<std::mutex> lock(events_mutex_);
  while (!closed_ && !context->IsCancelled()) {
    // Wakes now and then to notice a cancelled call; events wake it at once.
    events_changed_.wait_for(lock, std::chrono::milliseconds(200), [this] { return closed_ || !events_.empty(); });
    while (!events_.empty()) {
      section::v1::PluginEvent event = std::move(events_.front());
      events_.pop_front();
      lock.unlock();
      const bool written = writer->Write(event);
      lock.lock();
      if (!written) return grpc::Status(grpc::StatusCode::CANCELLED, "the host went away");
    }
  }
  return grpc::Status::OK;
}

void PluginService::close() {
  std::lock_guard<std::mutex> lock(events_mutex_);
  closed_ = true;
  events_changed_.notify_all();
}

void PluginService::push(section::v1::PluginEvent event) {
  std::lock_guard<std::mutex> lock(events_mutex_);
  events_.push_back(std::move(event));
  events_changed_.notify_all();
}

}  // namespace section::runner
