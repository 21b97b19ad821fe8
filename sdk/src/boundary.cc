// The SDK side of the C boundary: every exception stops here and becomes a status and a message.
#include <exception>
#include <mutex>
#include <string>
#include <string_view>

#include "incremental_parse.h"
#include "section/sdk/sdk.h"

namespace section::sdk::detail {
namespace {

// What the host holds a handle to. The context lives as long as the plugin that refers to it.
struct Instance {
  Instance(section::v1::PluginStartRequest request, const section_host_api* host)
      : context(std::move(request), host) {}
  Context context;
  std::unique_ptr<Plugin> plugin;
  // The last component checked: the host checks one report after another, each a small change.
  std::mutex checked_mutex;
  IncrementalParse checked;
};

void emit(section_plugin_emit_fn fn, void* ctx, const std::string& text) noexcept {
  if (fn != nullptr) fn(ctx, text.data(), text.size());
}

// Runs `body`, turning every exception into a status and a message for the host.
template <typename Body>
int guarded(section_plugin_emit_fn on_error, void* error_ctx, const char* stage, Body&& body) noexcept {
  try {
    body();
    return SECTION_PLUGIN_OK;
  } catch (const DataError& e) {
    emit(on_error, error_ctx, e.what());
    return SECTION_PLUGIN_INVALID_DATA;
  } catch (const InvalidSettings& e) {
    emit(on_error, error_ctx, e.what());
    return SECTION_PLUGIN_INVALID_SETTINGS;
  } catch (const std::exception& e) {
    emit(on_error, error_ctx, std::string(stage) + " threw: " + e.what());
    return SECTION_PLUGIN_FAILED;
  } catch (...) {
    emit(on_error, error_ctx, std::string(stage) + " threw an exception of a type not derived from std::exception");
    return SECTION_PLUGIN_FAILED;
  }
}

}  // namespace

int create(Factory factory, const char* request, std::size_t size, const section_host_api* host, void** handle,
           section_plugin_emit_fn on_error, void* error_ctx) noexcept {
  if (handle == nullptr) return SECTION_PLUGIN_BAD_REQUEST;
  *handle = nullptr;
  section::v1::PluginStartRequest start_request;
  if (request == nullptr || !start_request.ParseFromArray(request, static_cast<int>(size))) {
    emit(on_error, error_ctx, "the start request is not a section.v1.PluginStartRequest");
    return SECTION_PLUGIN_BAD_REQUEST;
  }
  if (host != nullptr && host->abi_version != SECTION_PLUGIN_ABI_VERSION) {
    emit(on_error, error_ctx,
         "host ABI version " + std::to_string(host->abi_version) + ", plugin built for " +
             std::to_string(SECTION_PLUGIN_ABI_VERSION));
    return SECTION_PLUGIN_BAD_REQUEST;
  }
  std::unique_ptr<Instance> instance;
  const int status = guarded(on_error, error_ctx, "start", [&] {
    instance = std::make_unique<Instance>(std::move(start_request), host);
    instance->plugin = factory(instance->context);
    instance->plugin->start();
  });
  if (status == SECTION_PLUGIN_OK) {
    *handle = instance.release();
  } else if (instance && instance->plugin) {
    guarded(nullptr, nullptr, "stop", [&] { instance->plugin->stop(); });
  }
  return status;
}

int publish(void* handle, section_plugin_emit_fn on_component, void* component_ctx, section_plugin_emit_fn on_error,
            void* error_ctx) noexcept {
  if (handle == nullptr) {
    emit(on_error, error_ctx, "publish called without a plugin instance");
    return SECTION_PLUGIN_BAD_REQUEST;
  }
  auto* instance = static_cast<Instance*>(handle);
  return guarded(on_error, error_ctx, "publish", [&] {
    const std::string bytes = instance->plugin->publish_serialized();
    emit(on_component, component_ctx, bytes);
  });
}

int check(void* handle, const char* component, std::size_t size, section_plugin_emit_fn on_error,
          void* error_ctx) noexcept {
  if (handle == nullptr) {
    emit(on_error, error_ctx, "check called without a plugin instance");
    return SECTION_PLUGIN_BAD_REQUEST;
  }
  auto* instance = static_cast<Instance*>(handle);
  // The host parses nothing for the plugin: bytes the plugin cannot read are the host's error.
  const auto refuse = [&] {
    emit(on_error, error_ctx, "the component to check is not a section.v1.Component");
    return SECTION_PLUGIN_BAD_REQUEST;
  };
  if (component == nullptr) return refuse();
  const std::string_view bytes(component, size);
  // The host checks one component at a time: it drops an instance whose call outlived its
  // deadline, so a check never waits here for another.
  std::lock_guard<std::mutex> lock(instance->checked_mutex);
  const section::v1::Component* parsed = nullptr;
  // Parsing allocates: what it throws stays inside the guard too.
  const int parsing = guarded(on_error, error_ctx, "check", [&] { parsed = instance->checked.parse(bytes); });
  if (parsing != SECTION_PLUGIN_OK) return parsing;
  if (parsed == nullptr) return refuse();
  bool passed = true;
  // Findings are put into words inside the guard too: nothing may escape a noexcept function.
  const int status = guarded(on_error, error_ctx, "check", [&] {
    Findings findings;
    instance->plugin->check_component(*parsed, findings);
    if (findings.empty()) return;
    passed = false;
    emit(on_error, error_ctx, findings.to_string());
  });
  if (status != SECTION_PLUGIN_OK) return status;
  return passed ? SECTION_PLUGIN_OK : SECTION_PLUGIN_INVALID_DATA;
}

void destroy(void* handle) noexcept {
  // A destructor that throws would terminate the host; contain it here.
  auto* instance = static_cast<Instance*>(handle);
  // stop() first: the plugin's threads end while its virtual functions can still be called.
  if (instance != nullptr && instance->plugin) guarded(nullptr, nullptr, "stop", [&] { instance->plugin->stop(); });
  try {
    delete instance;
  } catch (...) {
  }
}

}  // namespace section::sdk::detail
