#include "host/loading/in_process_source.h"

#include "host/loading/deadline_call.h"

namespace section::loading {

InProcessSource::InProcessSource(std::shared_ptr<PluginLibrary> library, SourceEvents events,
                                 std::chrono::milliseconds timeout)
    : library_(std::move(library)), events_(std::make_shared<SourceEvents>(std::move(events))), timeout_(timeout) {}

InProcessSource::~InProcessSource() = default;

bool InProcessSource::start(const section::v1::PluginStartRequest& request, PluginError* error) {
  HostServices services;
  auto events = events_;
  services.log = [events](const std::string&, int level, const std::string& message) {
    if (events->log) events->log(level, message);
  };
  services.republish_requested = [events](const std::string&) {
    if (events->republish) events->republish();
  };
  struct Outcome {
    std::unique_ptr<PluginInstance> instance;
    PluginError error;
  };
  auto outcome = std::make_shared<Outcome>();
  auto library = library_;
  const bool finished = call_with_deadline(
      [outcome, library, request, services] {
        outcome->instance = PluginInstance::start(library, request, services, &outcome->error);
      },
      timeout_);
  if (!finished) {
    error->kind = PluginError::Kind::kFailed;
    error->message = "plugin '" + request.plugin_id() + "' (" + library_->path().string() + ") did not start within " +
                     std::to_string(timeout_.count()) + " ms (plugin_call_timeout_ms); the call was abandoned";
    return false;
  }
  if (!outcome->instance) {
    *error = outcome->error;
    return false;
  }
  instance_ = std::move(outcome->instance);
  return true;
}

bool InProcessSource::publish(section::v1::Component* component, PluginError* error) {
  if (!instance_) {
    error->kind = PluginError::Kind::kFailed;
    error->message = "the plugin is not running";
    return false;
  }
  struct Outcome {
    section::v1::Component component;
    PluginError error;
    bool ok = false;
  };
  auto outcome = std::make_shared<Outcome>();
  auto instance = instance_;
  const bool finished = call_with_deadline(
      [outcome, instance] { outcome->ok = instance->publish(&outcome->component, &outcome->error); }, timeout_);
  if (!finished) {
    error->kind = PluginError::Kind::kFailed;
    error->message = "plugin '" + instance_->id() + "' did not publish within " + std::to_string(timeout_.count()) +
                     " ms (plugin_call_timeout_ms); the call was abandoned";
    instance_.reset();  // the abandoned call owns it now; nothing else calls into it
    return false;
  }
  if (!outcome->ok) {
    *error = outcome->error;
    return false;
  }
  *component = std::move(outcome->component);
  return true;
}

ComponentSource::CheckOutcome InProcessSource::check(const section::v1::Component& component, std::string* problems) {
  if (!instance_) {
    *problems = "the plugin is not running";
    return CheckOutcome::kFailed;
  }
  struct Outcome {
    CheckOutcome outcome = CheckOutcome::kFailed;
    std::string problems;
  };
  auto outcome = std::make_shared<Outcome>();
  auto instance = instance_;
  // The call may outlive this function: it gets its own copy of the component.
  const bool finished = call_with_deadline(
      [outcome, instance, component] { outcome->outcome = instance->check(component, &outcome->problems); }, timeout_);
  if (!finished) {
    *problems = "plugin '" + instance_->id() + "' did not check the component within " +
                std::to_string(timeout_.count()) + " ms (plugin_call_timeout_ms); the call was abandoned";
    instance_.reset();  // the abandoned call owns it now; nothing else calls into it
    return CheckOutcome::kFailed;
  }
  *problems = std::move(outcome->problems);
  return outcome->outcome;
}

}  // namespace section::loading
