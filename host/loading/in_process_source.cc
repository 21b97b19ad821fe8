#include "host/loading/in_process_source.h"

#include <utility>

#include "host/loading/deadline_call.h"

namespace section::loading {

InProcessSource::InProcessSource(std::shared_ptr<PluginLibrary> library, SourceEvents events,
                                 std::chrono::milliseconds timeout)
    : library_(std::move(library)), events_(std::make_shared<SourceEvents>(std::move(events))), timeout_(timeout) {}

InProcessSource::~InProcessSource() = default;

absl::Status InProcessSource::start(const section::v1::PluginStartRequest& request) {
  HostServices services;
  auto events = events_;
  services.log = [events](const std::string&, int level, const std::string& message) {
    if (events->log) events->log(level, message);
  };
  services.changed = [events](const std::string&) {
    if (events->changed) events->changed();
  };
  // Shared with the call, which may outlive this function when it is abandoned.
  auto outcome = std::make_shared<absl::StatusOr<std::unique_ptr<PluginInstance>>>(plugin_failed("not called"));
  auto library = library_;
  const bool finished = call_with_deadline(
      [outcome, library, request, services] { *outcome = PluginInstance::start(library, request, services); }, timeout_);
  if (!finished) {
    return plugin_failed("plugin '" + request.plugin_id() + "' (" + library_->path().string() + ") did not start within " +
                         std::to_string(timeout_.count()) + " ms (plugin_call_timeout_ms); the call was abandoned");
  }
  if (!outcome->ok()) return outcome->status();
  instance_ = std::move(**outcome);
  return absl::OkStatus();
}

absl::StatusOr<Handover> InProcessSource::fetch() {
  if (!instance_) return plugin_failed("the plugin is not running");
  auto outcome = std::make_shared<absl::StatusOr<Handover>>(plugin_failed("not called"));
  auto instance = instance_;
  const bool finished = call_with_deadline([outcome, instance] { *outcome = instance->fetch(); }, timeout_);
  if (!finished) {
    const std::string id = instance_->id();
    instance_.reset();  // the abandoned call owns it now; nothing else calls into it
    return plugin_failed("plugin '" + id + "' did not publish within " + std::to_string(timeout_.count()) +
                         " ms (plugin_call_timeout_ms); the call was abandoned");
  }
  return std::move(*outcome);
}

absl::Status InProcessSource::check(const section::v1::Component& component) {
  // The plugin reads bytes anyway: a copy of the message would be serialized again.
  return check_serialized(component.SerializeAsString());
}

absl::Status InProcessSource::check_serialized(std::string component) {
  if (!instance_) return plugin_failed("the plugin is not running");
  auto outcome = std::make_shared<absl::Status>(plugin_failed("not called"));
  auto instance = instance_;
  // The call may outlive this function: it gets the component's bytes of its own.
  auto bytes = std::make_shared<const std::string>(std::move(component));
  const bool finished =
      call_with_deadline([outcome, instance, bytes] { *outcome = instance->check_serialized(*bytes); }, timeout_);
  if (!finished) {
    const std::string id = instance_->id();
    instance_.reset();  // the abandoned call owns it now; nothing else calls into it
    return plugin_failed("plugin '" + id + "' did not check the component within " + std::to_string(timeout_.count()) +
                         " ms (plugin_call_timeout_ms); the call was abandoned");
  }
  return *outcome;
}

}  // namespace section::loading
