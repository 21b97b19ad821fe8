#include "host/runner/plugin_service.h"

#include <algorithm>
#include <chrono>

#include <google/protobuf/util/message_differencer.h>

namespace section::runner {
namespace {

grpc::Status status_of(const loading::PluginError& error) {
  switch (error.kind) {
    case loading::PluginError::Kind::kInvalidSettings: return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, error.message);
    case loading::PluginError::Kind::kInvalidData: return grpc::Status(grpc::StatusCode::FAILED_PRECONDITION, error.message);
    default: return grpc::Status(grpc::StatusCode::INTERNAL, error.message);
  }
}

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
  services.republish_requested = [this](const std::string&) {
    section::v1::PluginEvent event;
    event.mutable_republish();
    push(std::move(event));
  };
  loading::PluginError error;
  instance_ = loading::PluginInstance::start(library_, *request, services, &error);
  if (!instance_) return status_of(error);
  started_with_ = *request;
  return grpc::Status::OK;
}

grpc::Status PluginService::Publish(grpc::ServerContext*, const section::v1::PublishRequest*,
                                    section::v1::Component* response) {
  std::lock_guard<std::mutex> lock(instance_mutex_);
  if (!instance_) return grpc::Status(grpc::StatusCode::FAILED_PRECONDITION, "the plugin is not started");
  loading::PluginError error;
  return instance_->publish(response, &error) ? grpc::Status::OK : status_of(error);
}

grpc::Status PluginService::Check(grpc::ServerContext*, const section::v1::Component* request,
                                  section::v1::CheckResponse* response) {
  std::lock_guard<std::mutex> lock(instance_mutex_);
  if (!instance_) return grpc::Status(grpc::StatusCode::FAILED_PRECONDITION, "the plugin is not started");
  std::string problems;
  switch (instance_->check(*request, &problems)) {
    case loading::ComponentSource::CheckOutcome::kPassed: return grpc::Status::OK;
    case loading::ComponentSource::CheckOutcome::kRefused:
      add_lines(problems, response);
      // An empty list would read as "passed" on the host's side.
      if (response->problems().empty()) response->add_problems("the plugin refused the component without saying why");
      return grpc::Status::OK;
    case loading::ComponentSource::CheckOutcome::kUnsupported:
      return grpc::Status(grpc::StatusCode::UNIMPLEMENTED,
                          library_->path().string() + " has no " SECTION_PLUGIN_SYMBOL_CHECK
                                                      " (built with an SDK from before the check hook)");
    case loading::ComponentSource::CheckOutcome::kFailed: break;
  }
  return grpc::Status(grpc::StatusCode::INTERNAL, problems);
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
