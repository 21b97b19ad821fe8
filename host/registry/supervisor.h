// Supervision of plugins: what a failure does to a slot (stale or failed, a restart after a
// backoff, or no more restarts once it crash-loops) and which slots a reload may keep running.
// A policy over slots, without threads or I/O but the library file's stamp; the registry's
// worker acts on it.
#pragma once

#include <optional>
#include <string>

#include "host/config/host_config.h"
#include "host/registry/slot.h"

namespace section::registry {

class Supervisor {
 public:
  explicit Supervisor(config::SupervisionConfig config) : config_(std::move(config)) {}

  // Plugins in a process of their own are restarted when they go; in-process ones cannot be.
  static bool supervised(const config::PluginConfig& plugin) { return plugin.isolation != config::Isolation::kInProcess; }
  // When and how big a library file is: a changed stamp means new code.
  static std::string library_stamp(const std::filesystem::path& path);

  // Records a failure of a supervised plugin at `now`: the slot goes STALE (it has a good
  // component) or FAILED, and either gets a restart time after a backoff or, crash-looping,
  // none. Returns the reason with what supervision does about it, as set in its status.
  std::string record_failure(Slot& slot, const std::string& reason, Clock::time_point now) const;
  // The earliest restart due among `slots`, if any.
  static std::optional<Clock::time_point> next_restart(const Slots& slots);
  // A reload keeps a plugin running only when it runs well on the same code.
  static bool keepable(const Slot& slot);

 private:
  config::SupervisionConfig config_;
};

}  // namespace section::registry
