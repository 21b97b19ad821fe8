// Why a plugin could not be used, as an absl::Status whose code says what an admin has to fix
// (docs/architecture.md, "Errors"):
//   kFailedPrecondition  the library (missing, not a section plugin, another ABI version) or the
//                        plugin's data file (fails its reader or checks)
//   kInvalidArgument     the plugin refuses its settings, or what it handed over fails the host's
//                        validation
//   kInternal            the plugin's code failed: it threw, crashed, overran its deadline or went away
// The codes are the ones the plugin contract (section.v1.PluginService) answers with, so a status
// crosses a process boundary unchanged.
#pragma once

#include <string>

#include <absl/status/status.h>

namespace section::loading {

inline absl::Status library_error(std::string message) { return absl::FailedPreconditionError(std::move(message)); }
inline absl::Status data_error(std::string message) { return absl::FailedPreconditionError(std::move(message)); }
inline absl::Status settings_error(std::string message) { return absl::InvalidArgumentError(std::move(message)); }
inline absl::Status invalid_component(std::string message) { return absl::InvalidArgumentError(std::move(message)); }
inline absl::Status plugin_failed(std::string message) { return absl::InternalError(std::move(message)); }

// Configuration and data errors stop the host at start-up; a plugin whose code fails is left out
// and the host serves the others.
inline bool stops_startup(const absl::Status& status) { return !status.ok() && status.code() != absl::StatusCode::kInternal; }

// The same status with `message` in place of its own.
inline absl::Status with_message(const absl::Status& status, std::string message) {
  return absl::Status(status.code(), std::move(message));
}

}  // namespace section::loading
