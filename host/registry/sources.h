// The source of a configured plugin, by its isolation (docs/architecture.md, "Boundaries"): its
// library loaded in process, a runner process, or an external endpoint; and the slot that holds it.
#pragma once

#include <filesystem>
#include <memory>

#include <absl/status/statusor.h>

#include "host/config/host_config.h"
#include "host/core/log.h"
#include "host/loading/component_source.h"
#include "host/registry/slot.h"

namespace section::registry {

// A source for `plugin`, not yet started, that reports through `events`. An endpoint that does
// not accept a connection within a short budget is an error (kInternal: retried with backoff).
absl::StatusOr<loading::SourcePtr> open_source(const config::PluginConfig& plugin, const config::HostConfig& config,
                                               loading::SourceEvents events);

// A slot for `plugin`, not started; DISABLED (saying so in `config_path`) when the
// configuration says so.
std::unique_ptr<Slot> new_slot(const config::PluginConfig& plugin, const std::filesystem::path& config_path);

// A plugin's log level (section_log_level) as the host's.
log::Level level_of(int plugin_level);

}  // namespace section::registry
