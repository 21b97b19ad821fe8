// section-host --config FILE [--listen ADDR] [--check]
//
// Loads the plugins the configuration names, assembles the section and serves it over gRPC
// until SIGINT or SIGTERM. Exit status: 0 after a clean stop, 2 for a bad command line,
// configuration, section file, plugin or component data, 1 when the server cannot run.
// With --check it loads and checks everything, prints what it found and exits without
// opening a port: 0 all good, 1 a plugin failed (it would be left out), 2 as above.
#include <malloc.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <iostream>
#include <mutex>
#include <optional>
#include <string>
#include <future>
#include <thread>

#include <google/protobuf/util/time_util.h>
#include <grpc/grpc.h>

#include "host/app/check_report.h"
#include "host/app/options.h"
#include "host/app/signal_watcher.h"
#include "host/config/host_config.h"
#include "host/config/section_file.h"
#include "host/core/clock.h"
#include "host/core/log.h"
#include "host/core/protobuf_log.h"
#include "host/loading/deadline_call.h"
#include "host/registry/registry.h"
#include "host/reports/report_desk.h"
#include "host/security/authorizer.h"
#include "host/security/tls.h"
#include "host/transport/server.h"

namespace {

namespace fs = std::filesystem;

fs::path default_plugin_dir() {
  std::error_code ec;
  fs::path dir;
  if (const char* env = std::getenv("SECTION_PLUGIN_DIR"); env != nullptr && *env != '\0') {
    dir = fs::absolute(env, ec);
  } else {
    const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    dir = (ec ? fs::path(".") : exe.parent_path()) / ".." / SECTION_PLUGIN_RELATIVE_DIR;
  }
  const fs::path canonical = fs::weakly_canonical(dir, ec);
  return ec ? dir.lexically_normal() : canonical;
}

// Logs the error; in check mode also prints it as the check's verdict on standard output. Ends
// without static destructors: gRPC's core may still be starting on another thread (GrpcCore),
// and nothing else has started yet.
[[noreturn]] void fail(int code, const std::string& message, bool check) {
  section::log::error(message);
  if (check) std::printf("check failed: %s\n", message.c_str());
  std::fflush(stdout);
  std::fflush(stderr);
  std::_Exit(code);
}

// A plugin call abandoned at its deadline may still be running: static destructors must not
// run under it, so the process then ends without them.
int exit_status(int code) {
  if (section::loading::abandoned_calls() > 0) {
    std::fflush(stdout);
    std::fflush(stderr);
    std::_Exit(code);
  }
  return code;
}

bool same_limits(const section::config::LimitsConfig& a, const section::config::LimitsConfig& b) {
  return a.max_request_bytes == b.max_request_bytes && a.max_response_bytes == b.max_response_bytes &&
         a.max_watch_streams == b.max_watch_streams && a.keepalive_time == b.keepalive_time &&
         a.keepalive_timeout == b.keepalive_timeout && a.min_client_ping_interval == b.min_client_ping_interval;
}

bool loopback(const std::string& address) {
  return address.rfind("unix:", 0) == 0 || address.rfind("127.", 0) == 0 || address.rfind("[::1]:", 0) == 0 ||
         address.rfind("localhost:", 0) == 0;
}

// Tokens sent over plaintext to another machine can be read on the way.
void warn_about_plaintext_tokens(const section::config::HostConfig& config) {
  if (!config.auth.tokens.empty() && !config.tls.enabled() && !loopback(config.listen)) {
    section::log::warning("auth: tokens are configured but TLS is not, and " + config.listen +
                          " is not a loopback address: tokens travel in clear text; configure tls (docs/security.md)");
  }
}

// Starts gRPC's core on a thread of its own; ready() waits for it. Keeps it started until the
// end of main().
class GrpcCore {
 public:
  GrpcCore() : starting_([] { grpc_init(); }) {}
  ~GrpcCore() {
    ready();
    grpc_shutdown();
  }
  GrpcCore(const GrpcCore&) = delete;
  GrpcCore& operator=(const GrpcCore&) = delete;
  void ready() {
    if (starting_.joinable()) starting_.join();
  }

 private:
  std::thread starting_;
};

std::string format_ms(double ms) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f", ms);
  return text;
}

}  // namespace

int main(int argc, char** argv) {
  const auto begun = std::chrono::steady_clock::now();
  const section::app::Options options = section::app::parse_options(argc, argv);
  section::log::set_min_level(options.log_level);
  // Start-up allocates and frees much (YAML trees, the plugins' first components) on several
  // threads. By default a free that leaves more than 128 KB on top of a heap hands it back
  // (madvise), and the next allocation faults it in again. Nothing is handed back until the host
  // serves, then all of it at once: start-up with 1,000 components measured about 2% faster.
  mallopt(M_TRIM_THRESHOLD, 1 << 30);

  section::log::route_protobuf_log();
  // Before any other thread exists, so that only the watcher ever receives these signals.
  section::app::SignalWatcher signals;
  // gRPC's core starts (about 1.5 ms) while the configuration and the section file are read;
  // the server's credentials would otherwise start it after them.
  GrpcCore grpc_core;

  // Each phase of start-up, for the "ready" line: where the time goes is measured in place.
  std::string phases;
  auto phase_begun = begun;
  const auto add_phase = [&](const std::string& name, double ms) {
    phases += (phases.empty() ? "" : ", ") + name + " " + format_ms(ms) + " ms";
  };
  const auto phase = [&](const char* name) {
    const auto now = std::chrono::steady_clock::now();
    add_phase(name, std::chrono::duration<double, std::milli>(now - phase_begun).count());
    phase_begun = now;
  };

  auto config = section::config::load_host_config(options.config, default_plugin_dir());
  if (!config) fail(2, config.status().message(), options.check);
  if (!options.listen.empty()) {
    if (section::Status ok = section::config::check_listen_address(options.listen); !ok) {
      fail(2, "--listen: " + ok.message(), options.check);
    }
    config->listen = options.listen;
  }
  phase("configuration");
  // The section file is read on a thread of its own while the plugins load, which otherwise
  // leaves a core idle for as long as reading it takes (docs/performance.md). Its error ends
  // start-up as before, through registry.start().
  double section_ms = 0;
  auto section_read = std::async(std::launch::async, [path = config->section_file, &section_ms] {
    const auto begun_reading = std::chrono::steady_clock::now();
    auto section = section::config::load_section_file(path);
    section_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - begun_reading).count();
    return section;
  });
  const section::registry::Registry::PendingSection pending_section = [&section_read] { return section_read.get(); };
  // TLS is checked before anything starts: a host told to use TLS never serves without it.
  grpc_core.ready();
  auto credentials = section::security::server_credentials(config->tls);
  if (!credentials) fail(2, config->path.string() + ": tls: " + credentials.status().message(), options.check);
  warn_about_plaintext_tokens(*config);

  // Reported figures are read before the plugins start, so that the first version serves them.
  auto desk = section::reports::ReportDesk::open(config->storage);
  if (!desk) fail(2, config->path.string() + ": " + desk.status().message(), options.check);

  section::registry::Registry registry;
  (*desk)->attach(registry);
  phase("TLS and storage");
  if (options.check) {  // never listens
    if (section::Status started = registry.start(*config, pending_section, section::registry::Registry::Purpose::kCheck);
        !started) {
      section::log::error(started.message());
      registry.stop();
      std::printf("check failed: %s\n", started.message().c_str());
      return exit_status(2);
    }
    const auto outcome = section::app::check_report(*config, *registry.current());
    std::fputs(outcome.report.c_str(), stdout);
    registry.stop();
    return exit_status(outcome.exit_code);
  }

  section::transport::HostInfo info;
  info.version = SECTION_HOST_VERSION;
  info.config_path = config->path.string();
  info.started_at = section::now_timestamp();
  info.storage = [&desk] { return (*desk)->describe(); };

  // Reload (SIGHUP or AdminService.Reload): read and check the file in full, then let the
  // registry load the new plugins and swap. What only a restart can change is refused.
  std::mutex config_mutex;  // reloads and the shutdown read the current configuration
  section::config::HostConfig running = *config;
  std::mutex reload_mutex;  // one reload at a time, whoever asks
  // Every call is authorized by the gate; a reload gives it the new tokens.
  auto gate = std::make_shared<section::transport::Gate>(std::make_shared<const section::security::Authorizer>(config->auth));
  const auto try_reload = [&]() -> section::Result<section::registry::ReloadSummary> {
    auto next = section::config::load_host_config(options.config, default_plugin_dir());
    if (!next) return next.status();
    if (!options.listen.empty()) next->listen = options.listen;
    {
      std::lock_guard<std::mutex> lock(config_mutex);
      if (next->listen != running.listen) {
        return section::Status::error(options.config + ": listen: the address cannot change while the host runs (" +
                                      running.listen + " → " + next->listen + "); restart the host");
      }
      if (!(next->tls == running.tls)) {
        return section::Status::error(options.config + ": tls: TLS cannot change while the host runs; restart the host");
      }
      if (!(next->storage == running.storage)) {
        return section::Status::error(options.config + ": storage: the storage settings cannot change while the host runs; restart the host");
      }
      if (!same_limits(next->limits, running.limits)) {
        return section::Status::error(options.config + ": limits: the server's limits cannot change while the host runs; restart the host");
      }
    }
    auto section_file = section::config::load_section_file(next->section_file);
    if (!section_file) return section_file.status();
    auto summary = registry.reload(*next, std::move(*section_file));
    if (summary) {
      std::lock_guard<std::mutex> lock(config_mutex);
      running = *next;
      gate->replace(std::make_shared<const section::security::Authorizer>(running.auth));
      section::log::info("auth: " + std::to_string(running.auth.tokens.size()) + " tokens from the reloaded configuration");
      warn_about_plaintext_tokens(running);
    }
    return summary;
  };
  const auto reload = [&]() -> section::Result<section::registry::ReloadSummary> {
    std::lock_guard<std::mutex> one_at_a_time(reload_mutex);
    auto summary = try_reload();
    if (!summary) section::log::error("reload refused; the running configuration serves on unchanged: " + summary.status().message());
    return summary;
  };

  section::transport::ServerOptions server_options;
  server_options.address = config->listen;
  server_options.limits = config->limits;
  server_options.credentials = *credentials;
  server_options.gate = gate;
  server_options.desk = desk->get();
  // The port opens while the plugins load: building the server takes as long as loading the
  // five default plugins. Until the first version, health says NOT_SERVING and queries answer
  // UNAVAILABLE (docs/operations.md).
  std::optional<section::Result<std::unique_ptr<section::transport::Server>>> listening;
  std::thread opening([&] { listening.emplace(section::transport::Server::start(server_options, registry, info, reload)); });
  const section::Status started = registry.start(*config, pending_section);
  add_phase("plugins", registry.start_times().plugins_ms);
  add_phase("the section file beside them", section_ms);
  add_phase("version 1", registry.start_times().version_ms);
  phase_begun = std::chrono::steady_clock::now();
  opening.join();
  phase("the server after them");
  auto& server = *listening;
  if (!started) {
    section::log::error(started.message());
    if (server) (*server)->shutdown(std::chrono::milliseconds(0), std::chrono::milliseconds(0));
    registry.stop();
    return exit_status(2);
  }
  if (!server) {
    section::log::error(server.status().message());
    registry.stop();  // the plugins' threads end before the process does
    return exit_status(1);
  }
  (*server)->serve();

  section::log::info("reports: " + (*desk)->describe());

  // From here a stop signal asks for a clean shutdown: before the "serving" line, so that a
  // signal sent on seeing that line never meets a host still starting.
  signals.serving();

  const auto view = registry.current();
  int serving = 0;
  for (const auto& status : view->section.component_status()) serving += status.state() == section::v1::SERVING;
  const auto ready_us = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - begun).count();
  char ready[32];
  std::snprintf(ready, sizeof ready, "%.1f", ready_us / 1000.0);
  section::log::info("serving section " + view->section.info().number() + " on " + (*server)->address() + ": " +
                     std::to_string(serving) + " of " + std::to_string(view->section.component_status_size()) +
                     " components, " + std::to_string(view->reconciliation_differences) +
                     " reconciliation differences, ready in " + ready + " ms after main() (" + phases + ")");
  // One machine-readable line on standard output, for scripts and tests.
  std::printf("section-host: serving %s\n", (*server)->address().c_str());
  std::fflush(stdout);

  // Start-up's garbage goes back to the system, and frees trim as usual from here on. After the
  // host serves, not before: with 1,000 components this takes a tenth of a second.
  const auto trim_begun = std::chrono::steady_clock::now();
  malloc_trim(0);
  mallopt(M_TRIM_THRESHOLD, 128 * 1024);  // glibc's default
  char took[32];
  std::snprintf(took, sizeof took, "%.1f",
                std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - trim_begun).count());
  section::log::info(std::string("start-up memory returned to the system in ") + took + " ms");

  while (signals.wait() == section::app::SignalWatcher::Event::kReload) {
    const auto summary = reload();
    if (summary) {
      section::log::info("SIGHUP: reloaded " + options.config + " as version " + std::to_string(summary->version));
    } else {
      section::log::error("SIGHUP: the reload was refused (see above)");
    }
  }
  std::chrono::milliseconds drain;
  std::chrono::milliseconds grace;
  {
    std::lock_guard<std::mutex> lock(config_mutex);
    drain = running.drain;
    grace = running.shutdown_grace;
  }
  (*server)->shutdown(drain, grace);
  registry.stop();
  section::log::info("stopped");
  return exit_status(0);
}
