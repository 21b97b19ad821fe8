#include "host/loading/plugin_instance.h"

namespace section::loading {
namespace {

void append(void* ctx, const char* data, std::size_t size) { static_cast<std::string*>(ctx)->append(data, size); }

// What a status of the C boundary means for an admin (plugin_error.h).
absl::Status error_of(int status, std::string message) {
  switch (status) {
    case SECTION_PLUGIN_INVALID_DATA: return data_error(std::move(message));
    case SECTION_PLUGIN_INVALID_SETTINGS: return settings_error(std::move(message));
    default: return plugin_failed(std::move(message));
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
    if (self->services_.changed) self->services_.changed(self->id_);
  };
}

absl::StatusOr<std::unique_ptr<PluginInstance>> PluginInstance::start(std::shared_ptr<PluginLibrary> library,
                                                                      const section::v1::PluginStartRequest& request,
                                                                      const HostServices& services) {
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
    return error_of(status, "plugin '" + request.plugin_id() + "' (" + instance->library_path().string() + ") " +
                                (status == SECTION_PLUGIN_OK ? "returned no instance" : "did not start: " + message));
  }
  return instance;
}

PluginInstance::~PluginInstance() {
  if (handle_ != nullptr) library_->destroy()(handle_);
}

absl::Status PluginInstance::check(const section::v1::Component& component) {
  return check_serialized(component.SerializeAsString());
}

absl::Status PluginInstance::check_serialized(const std::string& bytes) {
  if (library_->check() == nullptr) {  // built before the SDK had the hook
    return absl::UnimplementedError(library_->path().string() + " has no " SECTION_PLUGIN_SYMBOL_CHECK
                                    " (built with an SDK from before the check hook)");
  }
  std::string message;
  const int status = library_->check()(handle_, bytes.data(), bytes.size(), &append, &message);
  switch (status) {
    case SECTION_PLUGIN_OK: return absl::OkStatus();
    case SECTION_PLUGIN_INVALID_DATA:
      return absl::InvalidArgumentError(message.empty() ? "plugin '" + id_ + "' refused the component without saying why"
                                                        : message);
    case SECTION_PLUGIN_BAD_REQUEST:
      return absl::InternalError("plugin '" + id_ + "' could not read the component to check: " + message);
    default: return absl::InternalError("plugin '" + id_ + "' failed to check the component: " + message);
  }
}

absl::StatusOr<Handover> PluginInstance::fetch() {
  Handover handover;
  std::string message;
  const int status = library_->publish()(handle_, &append, &handover.bytes, &append, &message);
  if (status != SECTION_PLUGIN_OK) return error_of(status, "plugin '" + id_ + "' failed to publish: " + message);
  if (!handover.component.ParseFromString(handover.bytes)) {
    return invalid_component("plugin '" + id_ + "' published bytes that are not a section.v1.Component");
  }
  return handover;
}

}  // namespace section::loading
