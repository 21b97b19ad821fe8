#include "host/registry/sources.h"

#include <algorithm>
#include <system_error>

#include "host/loading/in_process_source.h"
#include "host/loading/remote_source.h"
#include "host/supervision/process_source.h"
#include "section/sdk/abi.h"

namespace section::registry {
namespace {

namespace fs = std::filesystem;
using config::Isolation;

// How long the host waits for an external plugin's endpoint to accept a connection.
constexpr std::chrono::milliseconds kEndpointConnectBudget{1000};

const char* isolation_word(Isolation isolation) {
  switch (isolation) {
    case Isolation::kProcess: return "process";
    case Isolation::kEndpoint: return "endpoint";
    default: return "in_process";
  }
}

// section-plugin-runner: the configured one, else the one beside this executable.
fs::path runner_path(const config::HostConfig& config) {
  if (!config.supervision.runner.empty()) return config.supervision.runner;
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  return (ec ? fs::path(".") : exe.parent_path()) / "section-plugin-runner";
}

}  // namespace

absl::StatusOr<loading::SourcePtr> open_source(const config::PluginConfig& plugin, const config::HostConfig& config,
                                               loading::SourceEvents events) {
  switch (plugin.isolation) {
    case Isolation::kInProcess: {
      auto library = loading::PluginLibrary::open(plugin.library_path);
      if (!library.ok()) return library.status();
      return std::make_unique<loading::InProcessSource>(*library, std::move(events), config.plugin_call_timeout);
    }
    case Isolation::kProcess:
      return std::make_unique<supervision::ProcessSource>(runner_path(config), plugin.library_path, std::move(events),
                                                          config.plugin_call_timeout);
    case Isolation::kEndpoint: {
      auto remote = std::make_unique<loading::RemoteSource>(plugin.endpoint, std::move(events), config.plugin_call_timeout);
      // An external plugin that is down should not hold the registry for a whole call deadline:
      // a short try, then the backoff.
      const absl::Status connected = remote->connect(nullptr, std::min(config.plugin_call_timeout, kEndpointConnectBudget));
      if (!connected.ok()) return connected;
      return remote;
    }
  }
  return absl::InvalidArgumentError("plugin '" + plugin.id + "': unknown isolation");
}

std::unique_ptr<Slot> new_slot(const config::PluginConfig& plugin, const fs::path& config_path) {
  auto slot = std::make_unique<Slot>();
  slot->config = plugin;
  slot->status.set_id(plugin.id);
  slot->status.set_library(plugin.isolation == Isolation::kEndpoint ? plugin.endpoint : plugin.library_path.string());
  slot->status.set_isolation(isolation_word(plugin.isolation));
  if (!plugin.enabled) {
    slot->status.set_state(section::v1::DISABLED);
    slot->status.set_reason("enabled: false in " + config_path.string());
    log::info("plugin '" + plugin.id + "' is disabled");
  }
  return slot;
}

log::Level level_of(int plugin_level) {
  switch (plugin_level) {
    case SECTION_LOG_DEBUG: return log::Level::kDebug;
    case SECTION_LOG_WARNING: return log::Level::kWarning;
    case SECTION_LOG_ERROR: return log::Level::kError;
    default: return log::Level::kInfo;
  }
}

}  // namespace section::registry
