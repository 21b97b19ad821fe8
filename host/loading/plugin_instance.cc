#include "host/loading/plugin_instance.h"

namespace section::loading {
namespace {

void append(void* ctx, const char* data, std::size_t size) { static_cast<std::string*>(ctx)->append(data, size); }

PluginError::Kind kind_of(int status) {
  switch (status) {
    case SECTION_PLUGIN_INVALID_DATA: return PluginError::Kind::kInvalidData;
    case SECTION_PLUGIN_INVALID_SETTINGS: return PluginError::Kind::kInvalidSettings;
    default: return PluginError::Kind::kFailed;
  }
}

}  // namespace

PluginInstance::PluginInstance(std::shared_ptr<PluginLibrary> library, std::string id, HostServices services)
    : library_(std::move(library)), id_(std::move(id)), services_(std::move(services)) {
  api_.abi_version = SECTION_PLUGIN_ABI_VERSION;
  api_.ctx = this;
  api_.log = [](void* ctx, int level, const char* message, std::size_t size) {
    auto* self = static_cast<PluginInstance*>(ctx);
    if (self->services_.log) self->services_.log(self->id_, level, std::string(message, size));
  };
  api_.request_republish = [](void* ctx) {
    auto* self = static_cast<PluginInstance*>(ctx);
    if (self->services_.republish_requested) self->services_.republish_requested(self->id_);
  };
}

std::unique_ptr<PluginInstance> PluginInstance::start(std::shared_ptr<PluginLibrary> library,
                                                      const section::v1::PluginStartRequest& request,
                                                      const HostServices& services, PluginError* error) {
  std::unique_ptr<PluginInstance> instance(new PluginInstance(std::move(library), request.plugin_id(), services));
  const std::string bytes = request.SerializeAsString();
  std::string message;
  const int status = instance->library_->create()(bytes.data(), bytes.size(), &instance->api_, &instance->handle_,
                                                  &append, &message);
  if (status != SECTION_PLUGIN_OK || instance->handle_ == nullptr) {
    instance->handle_ = nullptr;
    // The SDK names the plugin in its own messages; the host's prefix names it already.
    const std::string named = "plugin '" + request.plugin_id() + "': ";
    if (message.rfind(named, 0) == 0) message.erase(0, named.size());
    error->kind = kind_of(status);
    error->message = "plugin '" + request.plugin_id() + "' (" + instance->library_path().string() + ") " +
                     (status == SECTION_PLUGIN_OK ? "returned no instance" : "did not start: " + message);
    return nullptr;
  }
  return instance;
}

PluginInstance::~PluginInstance() {
  if (handle_ != nullptr) library_->destroy()(handle_);
}

ComponentSource::CheckOutcome PluginInstance::check(const section::v1::Component& component, std::string* problems) {
  using Outcome = ComponentSource::CheckOutcome;
  problems->clear();
  if (library_->check() == nullptr) return Outcome::kUnsupported;  // built before the SDK had the hook
  const std::string bytes = component.SerializeAsString();
  std::string message;
  const int status = library_->check()(handle_, bytes.data(), bytes.size(), &append, &message);
  switch (status) {
    case SECTION_PLUGIN_OK: return Outcome::kPassed;
    case SECTION_PLUGIN_INVALID_DATA:
      *problems = message.empty() ? "plugin '" + id_ + "' refused the component without saying why" : message;
      return Outcome::kRefused;
    case SECTION_PLUGIN_BAD_REQUEST:
      *problems = "plugin '" + id_ + "' could not read the component to check: " + message;
      return Outcome::kFailed;
    default:
      *problems = "plugin '" + id_ + "' failed to check the component: " + message;
      return Outcome::kFailed;
  }
}

bool PluginInstance::publish(section::v1::Component* component, PluginError* error) {
  std::string bytes;
  std::string message;
  const int status = library_->publish()(handle_, &append, &bytes, &append, &message);
  if (status != SECTION_PLUGIN_OK) {
    error->kind = kind_of(status);
    error->message = "plugin '" + id_ + "' failed to publish: " + message;
    return false;
  }
  if (!component->ParseFromString(bytes)) {
    error->kind = PluginError::Kind::kInvalidComponent;
    error->message = "plugin '" + id_ + "' published bytes that are not a section.v1.Component";
    return false;
  }
  return true;
}

}  // namespace section::loading
