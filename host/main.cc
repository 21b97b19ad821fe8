// section-host --config FILE [--listen ADDR] [--check] [--log-level LEVEL] [--log-format text|json]
//
// Loads the plugins the configuration names, assembles the section and serves it over gRPC
// until SIGINT or SIGTERM. Exit status: 0 after a clean stop, 2 for a bad command line,
// configuration, section file, plugin or component data, 1 when the server cannot run.
// With --check it loads and checks everything, prints what it found and exits without
// opening a port: 0 all good, 1 a plugin failed (it would be left out), 2 as above.
// Under systemd (NOTIFY_SOCKET) it reports READY, RELOADING, STOPPING and WATCHDOG
// (host/app/systemd_notifier.h).
#include <malloc.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <iostream>
#include <mutex>
#include <optional>
#include <future>
#include <string>
#include <thread>

#include <boost/asio/ssl/context.hpp>
#include <google/protobuf/util/time_util.h>
#include <grpc/grpc.h>

#include "host/app/check_report.h"
#include "host/app/grpc_log.h"
#include "host/app/options.h"
#include "host/app/reloader.h"
#include "host/app/signal_watcher.h"
#include "host/app/startup_phases.h"
#include "host/app/systemd_notifier.h"
#include "host/config/host_config.h"
#include "host/config/section_file.h"
#include "host/core/clock.h"
#include "host/core/log.h"
#include "host/core/protobuf_log.h"
#include "host/http/listener.h"
#include "host/http/routes.h"
#include "host/http/tls_context.h"
#include "host/loading/deadline_call.h"
#include "host/metrics/grpc_metrics.h"
#include "host/metrics/host_counters.h"
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

using section::app::StartupPhases;

// What start-up has made by the time the plugins start: everything a check or a server needs.
struct Prepared {
  section::config::HostConfig config;
  std::shared_ptr<grpc::ServerCredentials> credentials;
  std::shared_ptr<boost::asio::ssl::context> https;  // null: no TLS, or no http_listen
  std::unique_ptr<section::reports::ReportDesk> desk;
  section::registry::Registry::PendingSection section;  // the section file, being read
  std::shared_ptr<double> section_ms = std::make_shared<double>(0);  // how long reading it took
};

// The gRPC server's credentials and, with http_listen, the HTTPS context, from TLS files read
// once; both are built before anything starts, so that a certificate or key either side refuses
// is a configuration error (exit 2, and --check reports it), never a host that serves and then
// fails.
void prepare_tls(Prepared& prepared, bool check) {
  prepared.credentials = grpc::InsecureServerCredentials();
  if (!prepared.config.tls.enabled()) return;
  const std::string where = prepared.config.path.string() + ": tls: ";
  auto files = section::security::read_tls_files(prepared.config.tls);
  if (!files.ok()) fail(2, where + std::string(files.status().message()), check);
  prepared.credentials = section::security::server_credentials(*files);
  if (prepared.config.http_listen.empty()) return;
  auto https = section::http::https_context(*files);
  if (!https.ok()) fail(2, where + std::string(https.status().message()), check);
  prepared.https = std::move(*https);
}

// Reads and checks the configuration, TLS and the report store; starts reading the section file
// on a thread of its own, so that it is read while the plugins load (docs/performance.md). Any
// error ends the process with exit 2 (fail()); the section file's, through Registry::start.
Prepared prepare(const section::app::Options& options, GrpcCore& grpc_core, StartupPhases& phases) {
  Prepared prepared;
  auto config = section::config::load_host_config(options.config, default_plugin_dir());
  if (!config.ok()) fail(2, std::string(config.status().message()), options.check);
  if (!options.listen.empty()) {
    if (absl::Status ok = section::config::check_listen_address(options.listen); !ok.ok()) {
      fail(2, "--listen: " + std::string(ok.message()), options.check);
    }
    config->listen = options.listen;
  }
  prepared.config = std::move(*config);
  phases.end("configuration");
  auto reading = std::make_shared<std::future<absl::StatusOr<section::config::SectionFile>>>(
      std::async(std::launch::async, [path = prepared.config.section_file, took = prepared.section_ms] {
        const auto begun = StartupPhases::Clock::now();
        auto section = section::config::load_section_file(path);
        *took = std::chrono::duration<double, std::milli>(StartupPhases::Clock::now() - begun).count();
        return section;
      }));
  prepared.section = [reading] { return reading->get(); };
  // TLS is checked before anything starts: a host told to use TLS never serves without it.
  grpc_core.ready();
  prepare_tls(prepared, options.check);
  section::app::warn_about_plaintext_tokens(prepared.config);
  // Reported figures are read before the plugins start, so that the first version serves them.
  auto desk = section::reports::ReportDesk::open(prepared.config.storage);
  if (!desk.ok()) fail(2, prepared.config.path.string() + ": " + std::string(desk.status().message()), options.check);
  prepared.desk = std::move(*desk);
  phases.end("TLS and storage");
  return prepared;
}

// section-host --check: starts the plugins, prints what it found, stops; never listens.
int check(Prepared& prepared, section::registry::Registry& registry) {
  const absl::Status started = registry.start(prepared.config, prepared.section, section::registry::Registry::Purpose::kCheck);
  if (!started.ok()) {
    section::log::error(std::string(started.message()));
    registry.stop();
    std::printf("check failed: %s\n", std::string(started.message()).c_str());
    return exit_status(2);
  }
  const auto outcome = section::app::check_report(prepared.config, *registry.current());
  std::fputs(outcome.report.c_str(), stdout);
  registry.stop();
  return exit_status(outcome.exit_code);
}

using Listening = absl::StatusOr<std::unique_ptr<section::transport::Server>>;

// What /metrics counts: every gRPC call (by its handler) and the host's own events.
struct Counting {
  section::metrics::GrpcMetrics grpc;
  section::metrics::HostCounters host;
};

// Builds the server on a thread of its own while the registry starts the plugins: the port opens
// while they load, and until version 1 health says NOT_SERVING and queries answer UNAVAILABLE
// (docs/operations.md). Returns the server, or the error that ends start-up: the registry's (the
// configuration or the data) or, kUnavailable, the listener's.
Listening start_serving(Prepared& prepared, section::registry::Registry& registry, section::app::Reloader& reloader,
                        std::shared_ptr<section::transport::Gate> gate, Counting& counting, StartupPhases& phases) {
  section::transport::HostInfo info;
  info.version = SECTION_HOST_VERSION;
  info.config_path = prepared.config.path.string();
  info.started_at = section::now_timestamp();
  info.storage = [desk = prepared.desk.get()] { return desk->describe(); };
  section::transport::ServerOptions server_options;
  server_options.address = prepared.config.listen;
  server_options.limits = prepared.config.limits;
  server_options.credentials = prepared.credentials;
  server_options.gate = std::move(gate);
  server_options.desk = prepared.desk.get();
  // Counted always, not only with http_listen: the handlers' atomics cost a call nothing
  // measurable (docs/performance.md), and a branch on the configuration would be one more mode.
  server_options.grpc_metrics = &counting.grpc;
  server_options.counters = &counting.host;
  std::optional<Listening> listening;
  std::thread opening([&] {
    listening.emplace(section::transport::Server::start(server_options, registry, info, [&reloader] { return reloader.reload(); }));
  });
  const absl::Status started = registry.start(prepared.config, prepared.section);
  phases.add("plugins", registry.start_times().plugins_ms);
  phases.add("the section file beside them", *prepared.section_ms);
  phases.add("version 1", registry.start_times().version_ms);
  phases.restart();
  opening.join();
  phases.end("the server after them");
  Listening& server = *listening;
  if (!started.ok() && server.ok()) (*server)->shutdown(std::chrono::milliseconds(0), std::chrono::milliseconds(0));
  if (!started.ok()) return started;
  return std::move(server);
}

// The HTTP listener (http_listen), once the gRPC server serves: its routes answer from the
// server's answers. Neither when http_listen is not configured; the listener's error when it
// cannot listen.
struct HttpFront {
  std::unique_ptr<section::http::Routes> routes;
  std::unique_ptr<section::http::Listener> listener;
  std::string address() const { return listener ? listener->address() : ""; }
};

absl::StatusOr<HttpFront> start_http(const Prepared& prepared, const section::transport::Server& server,
                                     const section::transport::Gate& gate, const Counting& counting) {
  HttpFront front;
  if (prepared.config.http_listen.empty()) return front;
  section::http::RouteSources sources;
  sources.answers = [&server] { return server.answers(); };
  sources.status = [&server] { return server.status(); };
  sources.serving = [&server] { return server.serving(); };
  sources.gate = &gate;
  sources.metrics = {&counting.grpc, &counting.host, sources.answers, prepared.desk->writable()};
  front.routes = std::make_unique<section::http::Routes>(std::move(sources));
  section::http::ListenerOptions options;
  options.address = prepared.config.http_listen;
  options.request_timeout = prepared.config.limits.http_request_timeout;
  options.max_header_bytes = static_cast<std::size_t>(prepared.config.limits.http_max_header_bytes);
  options.tls = prepared.https;  // HTTPS with the gRPC server's certificate, key and client-certificate policy
  auto listener = section::http::Listener::start(
      options, [routes = front.routes.get()](const section::http::Request& request) { return routes->handle(request); });
  if (!listener.ok()) return listener.status();
  front.listener = std::move(*listener);
  return front;
}

// The host's log line and the machine-readable lines on standard output, for scripts and
// tests, once it serves: "section-host: http ADDRESS" when HTTP listens, then
// "section-host: serving ADDRESS".
void announce(const section::registry::Registry& registry, const section::transport::Server& server,
              const std::string& http_address, const StartupPhases& phases) {
  const auto view = registry.current();
  int serving = 0;
  for (const auto& status : view->section.component_status()) serving += status.state() == section::v1::SERVING;
  section::log::info("serving section " + view->section.info().number() + " on " + server.address() +
                     (http_address.empty() ? "" : " (HTTP on " + http_address + ")") + ": " +
                     std::to_string(serving) + " of " + std::to_string(view->section.component_status_size()) +
                     " components, " + std::to_string(view->reconciliation_differences) +
                     " reconciliation differences, ready in " + section::app::format_ms(phases.total_ms()) +
                     " ms after main() (" + phases.text() + ")");
  if (!http_address.empty()) std::printf("section-host: http %s\n", http_address.c_str());
  std::printf("section-host: serving %s\n", server.address().c_str());
  std::fflush(stdout);
}

// Start-up allocates and frees much (YAML trees, the plugins' first components) on several
// threads. By default a free that leaves more than 128 KB on top of a heap hands it back
// (madvise), and the next allocation faults it in again: nothing is handed back until the host
// serves (return_startup_memory), then all of it at once (docs/performance.md).
void hold_startup_memory() { mallopt(M_TRIM_THRESHOLD, 1 << 30); }

// Start-up's garbage goes back to the system, and frees trim as usual from here on. After the
// host serves, not before: with 1,000 components this takes a tenth of a second.
void return_startup_memory() {
  const auto begun = StartupPhases::Clock::now();
  malloc_trim(0);
  mallopt(M_TRIM_THRESHOLD, 128 * 1024);  // glibc's default
  section::log::info("start-up memory returned to the system in " +
                     section::app::format_ms(
                         std::chrono::duration<double, std::milli>(StartupPhases::Clock::now() - begun).count()) +
                     " ms");
}

// Runs SIGHUP reloads until SIGINT or SIGTERM, then drains and stops the servers and the
// plugins.
void serve_until_stopped(section::app::SignalWatcher& signals, section::app::Reloader& reloader, const std::string& config,
                         section::app::SystemdNotifier& systemd, section::transport::Server& server, HttpFront& http,
                         section::registry::Registry& registry, section::reports::ReportDesk& desk) {
  while (signals.wait() == section::app::SignalWatcher::Event::kReload) {
    const auto summary = reloader.reload();
    if (summary.ok()) {
      section::log::info("SIGHUP: reloaded " + config + " as version " + std::to_string(summary->version));
    } else {
      section::log::error("SIGHUP: the reload was refused (see above)");
    }
  }
  const section::config::HostConfig running = reloader.running();
  systemd.stopping();
  server.shutdown(running.drain, running.shutdown_grace);
  desk.stop_following();
  if (http.listener) http.listener->stop();  // after the drain (readyz says 503 during it), before the registry stops
  registry.stop();
}

}  // namespace

int main(int argc, char** argv) {
  StartupPhases phases(StartupPhases::Clock::now());
  const section::app::Options options = section::app::parse_options(argc, argv);
  section::log::set_min_level(options.log_level);
  section::log::set_format(options.log_format);
  if (options.log_format == section::log::Format::kJson) section::app::route_grpc_log();
  hold_startup_memory();
  section::log::route_protobuf_log();
  // Before any other thread exists, so that only the watcher ever receives these signals.
  section::app::SignalWatcher signals;
  // Does nothing unless systemd runs the host (NOTIFY_SOCKET); outlives the registry, whose
  // versions it reports.
  section::app::SystemdNotifier systemd;
  // gRPC's core starts while the configuration is read; the server's credentials would
  // otherwise start it after.
  GrpcCore grpc_core;

  Prepared prepared = prepare(options, grpc_core, phases);
  section::registry::Registry registry;
  prepared.desk->attach(registry);
  if (options.check) return check(prepared, registry);

  // Every call is authorized by the gate; a reload gives it the new tokens.
  auto gate = std::make_shared<section::transport::Gate>(std::make_shared<const section::security::Authorizer>(prepared.config.auth));
  auto counting = std::make_unique<Counting>();
  section::app::Reloader reloader(options.config, options.listen, default_plugin_dir(), prepared.config, registry, gate, systemd,
                                  &counting->host);
  auto listening = start_serving(prepared, registry, reloader, gate, *counting, phases);
  if (!listening.ok()) {
    section::log::error(std::string(listening.status().message()));
    registry.stop();  // the plugins' threads end before the process does
    return exit_status(listening.status().code() == absl::StatusCode::kUnavailable ? 1 : 2);
  }
  auto& server = *listening;
  server->serve();
  // With a shared store: the reports other hosts store, and health following the store.
  prepared.desk->follow([&server](bool taking) { server->set_taking_reports(taking); });
  auto http = start_http(prepared, *server, *gate, *counting);
  if (!http.ok()) {
    section::log::error(std::string(http.status().message()));
    server->shutdown(std::chrono::milliseconds(0), std::chrono::milliseconds(0));
    prepared.desk->stop_following();
    registry.stop();
    return exit_status(1);
  }
  section::log::info("reports: " + prepared.desk->describe());
  // From here a stop signal asks for a clean shutdown: before the "serving" line, so that a
  // signal sent on seeing that line never meets a host still starting.
  signals.serving();
  announce(registry, *server, http->address(), phases);
  // READY=1 as health turns SERVING and the line is printed; each new version updates STATUS=.
  systemd.serving(section::app::serving_status(*registry.current()), [&registry] { return registry.worker_answers(); });
  registry.subscribe([&systemd](const section::registry::ViewPtr& view) { systemd.status(section::app::serving_status(*view)); });
  return_startup_memory();

  serve_until_stopped(signals, reloader, options.config, systemd, *server, *http, registry, *prepared.desk);
  section::log::info("stopped");
  return exit_status(0);
}
