#include "host/app/reloader.h"

#include <utility>

#include "host/config/section_file.h"
#include "host/core/log.h"
#include "host/security/authorizer.h"

namespace section::app {
namespace {

bool loopback(const std::string& address) {
  return address.rfind("unix:", 0) == 0 || address.rfind("127.", 0) == 0 || address.rfind("[::1]:", 0) == 0 ||
         address.rfind("localhost:", 0) == 0;
}

}  // namespace

void warn_about_plaintext_tokens(const config::HostConfig& config) {
  if (!config.auth.tokens.empty() && !config.tls.enabled() && !loopback(config.listen)) {
    log::warning("auth: tokens are configured but TLS is not, and " + config.listen +
                 " is not a loopback address: tokens travel in clear text; configure tls (docs/security.md)");
  }
}

Reloader::Reloader(std::string config_path, std::string listen_override, std::filesystem::path plugin_dir,
                   config::HostConfig running, registry::Registry& registry, std::shared_ptr<transport::Gate> gate,
                   SystemdNotifier& notifier, metrics::HostCounters* counters)
    : config_path_(std::move(config_path)),
      listen_override_(std::move(listen_override)),
      plugin_dir_(std::move(plugin_dir)),
      registry_(registry),
      gate_(std::move(gate)),
      notifier_(notifier),
      counters_(counters),
      running_(std::move(running)) {}

absl::StatusOr<registry::ReloadSummary> Reloader::reload() {
  std::lock_guard<std::mutex> one_at_a_time(reload_mutex_);
  notifier_.reloading();
  auto summary = try_reload();
  if (counters_ != nullptr) counters_->reload(summary.status());
  const registry::ViewPtr current = registry_.current();  // none while the host starts
  const std::string serving = current ? serving_status(*current) : "starting";
  if (!summary.ok()) {
    log::error("reload refused; the running configuration serves on unchanged: " + std::string(summary.status().message()));
    notifier_.reloaded(serving + "; the last reload was refused: " + std::string(summary.status().message()));
  } else {
    notifier_.reloaded(serving + " (reloaded)");
  }
  return summary;
}

config::HostConfig Reloader::running() const {
  std::lock_guard<std::mutex> lock(running_mutex_);
  return running_;
}

absl::Status Reloader::refuse_restart_only_changes(const config::HostConfig& next) const {
  std::lock_guard<std::mutex> lock(running_mutex_);
  const std::string restart = "; restart the host";
  if (next.listen != running_.listen) {
    return absl::FailedPreconditionError(config_path_ + ": listen: the address cannot change while the host runs (" + running_.listen +
                         " → " + next.listen + ")" + restart);
  }
  if (next.http_listen != running_.http_listen) {
    return absl::FailedPreconditionError(config_path_ + ": http_listen: the HTTP address cannot change while the host runs (" +
                                         (running_.http_listen.empty() ? "none" : running_.http_listen) + " → " +
                                         (next.http_listen.empty() ? "none" : next.http_listen) + ")" + restart);
  }
  if (!(next.tls == running_.tls)) return absl::FailedPreconditionError(config_path_ + ": tls: TLS cannot change while the host runs" + restart);
  if (!(next.storage == running_.storage)) {
    return absl::FailedPreconditionError(config_path_ + ": storage: the storage settings cannot change while the host runs" + restart);
  }
  if (!(next.limits == running_.limits)) {
    return absl::FailedPreconditionError(config_path_ + ": limits: the server's limits cannot change while the host runs" + restart);
  }
  return absl::OkStatus();
}

absl::StatusOr<registry::ReloadSummary> Reloader::try_reload() {
  auto next = config::load_host_config(config_path_, plugin_dir_);
  if (!next.ok()) return next.status();
  if (!listen_override_.empty()) next->listen = listen_override_;
  if (absl::Status allowed = refuse_restart_only_changes(*next); !allowed.ok()) return allowed;
  auto section_file = config::load_section_file(next->section_file);
  if (!section_file.ok()) return section_file.status();
  auto summary = registry_.reload(*next, std::move(*section_file));
  if (summary.ok()) {
    std::lock_guard<std::mutex> lock(running_mutex_);
    running_ = *next;
    gate_->replace(std::make_shared<const security::Authorizer>(running_.auth));
    log::info("auth: " + std::to_string(running_.auth.tokens.size()) + " tokens from the reloaded configuration");
    warn_about_plaintext_tokens(running_);
  }
  return summary;
}

}  // namespace section::app
