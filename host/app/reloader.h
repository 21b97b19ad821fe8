// Reload (SIGHUP or AdminService.Reload): reads and checks the configuration and its section
// file in full, then lets the registry load the new plugins and swap in one version. What only a
// restart can change (listen, http_listen, tls, storage, limits) is refused, and a refused reload leaves the
// running configuration serving unchanged. systemd hears of each reload (RELOADING=1, then
// READY=1) through the SystemdNotifier, which does nothing outside systemd.
#pragma once

#include <filesystem>
#include <memory>
#include <mutex>
#include <string>

#include <absl/status/status.h>
#include <absl/status/statusor.h>

#include "host/app/systemd_notifier.h"
#include "host/config/host_config.h"
#include "host/metrics/host_counters.h"
#include "host/registry/registry.h"
#include "host/transport/call_auth.h"

namespace section::app {

class Reloader {
 public:
  // `listen_override`: the --listen address, which holds across reloads; empty for none.
  // `counters` (may be null) counts the reloads' outcomes.
  Reloader(std::string config_path, std::string listen_override, std::filesystem::path plugin_dir,
           config::HostConfig running, registry::Registry& registry, std::shared_ptr<transport::Gate> gate,
           SystemdNotifier& notifier, metrics::HostCounters* counters = nullptr);

  // One reload at a time, whoever asks; a refusal is logged with its reason. systemd is told
  // RELOADING=1 before and READY=1 after, refused or not.
  absl::StatusOr<registry::ReloadSummary> reload();
  // The configuration that runs now: the last one loaded or reloaded.
  config::HostConfig running() const;

 private:
  absl::StatusOr<registry::ReloadSummary> try_reload();
  // Why `next` cannot be swapped in while the host runs, or OK.
  absl::Status refuse_restart_only_changes(const config::HostConfig& next) const;

  const std::string config_path_;
  const std::string listen_override_;
  const std::filesystem::path plugin_dir_;
  registry::Registry& registry_;
  const std::shared_ptr<transport::Gate> gate_;
  SystemdNotifier& notifier_;
  metrics::HostCounters* const counters_;
  std::mutex reload_mutex_;           // one reload at a time
  mutable std::mutex running_mutex_;  // reloads and the shutdown read running_
  config::HostConfig running_;
};

// Tokens sent over plaintext to another machine can be read on the way: warns when configured so.
void warn_about_plaintext_tokens(const config::HostConfig& config);

}  // namespace section::app
