#include "host/app/systemd_notifier.h"

#include <dlfcn.h>
#include <systemd/sd-daemon.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <utility>

#include "host/core/log.h"

namespace section::app {
namespace {

// A STATUS= value is one line: a newline would start another KEY=VALUE.
std::string one_line(std::string text) {
  for (char& c : text) {
    if (static_cast<unsigned char>(c) < 0x20) c = ' ';
  }
  return text;
}

std::uint64_t monotonic_usec() {
  timespec now{};
  clock_gettime(CLOCK_MONOTONIC, &now);
  return static_cast<std::uint64_t>(now.tv_sec) * 1000000u + static_cast<std::uint64_t>(now.tv_nsec) / 1000u;
}

}  // namespace

std::string serving_status(const query::PublishedView& view) {
  int serving = 0;
  for (const auto& status : view.section.component_status()) serving += status.state() == section::v1::SERVING;
  return "serving version " + std::to_string(view.version) + ": " + std::to_string(serving) + " of " +
         std::to_string(view.section.component_status_size()) + " components serving, " +
         std::to_string(view.reconciliation_differences) + " reconciliation differences";
}

SystemdNotifier::SystemdNotifier() {
  const char* socket = std::getenv("NOTIFY_SOCKET");
  if (socket == nullptr || *socket == '\0') return;
  // libsystemd is loaded only here, under systemd: linked, it and the compression and crypto
  // libraries it brings would be mapped in every host, notifying or not (docs/performance.md).
  void* library = ::dlopen("libsystemd.so.0", RTLD_NOW | RTLD_LOCAL);
  auto notify = library != nullptr ? reinterpret_cast<decltype(&sd_notify)>(::dlsym(library, "sd_notify")) : nullptr;
  auto watchdog_enabled =
      library != nullptr ? reinterpret_cast<decltype(&sd_watchdog_enabled)>(::dlsym(library, "sd_watchdog_enabled")) : nullptr;
  if (notify == nullptr || watchdog_enabled == nullptr) {
    const char* why = ::dlerror();
    log::warning(std::string("systemd: NOTIFY_SOCKET is set but libsystemd.so.0 cannot be used (") +
                 (why != nullptr ? why : "no sd_notify") + "): systemd is not told when the host is ready");
    return;
  }
  notify_ = notify;
  enabled_ = true;
  // The variables stay set (0: do not unset them): sd_notify reads NOTIFY_SOCKET at every call.
  // A plugin runner inherits them but never notifies, and NotifyAccess=main ignores it anyway.
  std::uint64_t usec = 0;
  if (watchdog_enabled(0, &usec) > 0 && usec > 0) watchdog_interval_ = std::chrono::microseconds(usec);
}

SystemdNotifier::~SystemdNotifier() { stop_watchdog(); }

void SystemdNotifier::send_locked(const std::string& message) {
  const int sent = notify_(0, message.c_str());
  if (sent >= 0 || failed_) return;
  failed_ = true;
  log::warning("systemd: cannot notify through NOTIFY_SOCKET (" + std::string(std::strerror(-sent)) +
               "); later failures are not logged");
}

void SystemdNotifier::serving(const std::string& status, std::function<bool()> healthy) {
  if (!enabled_) return;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stage_ != Stage::kStarting) return;
    stage_ = Stage::kServing;
    send_locked("READY=1\nSTATUS=" + one_line(status));
  }
  if (watchdog_interval_.count() == 0) return;
  log::info("systemd: watchdog every " + std::to_string(watchdog_interval_.count() / 2000) + " ms (WatchdogSec " +
            std::to_string(watchdog_interval_.count() / 1000) + " ms)");
  watchdog_ = std::thread([this, healthy = std::move(healthy)] { watch(healthy); });
}

void SystemdNotifier::reloading() {
  if (!enabled_) return;
  std::lock_guard<std::mutex> lock(mutex_);
  // MONOTONIC_USEC goes with RELOADING=1 for systemd 253's Type=notify-reload; earlier versions
  // ignore it.
  if (stage_ == Stage::kServing) send_locked("RELOADING=1\nMONOTONIC_USEC=" + std::to_string(monotonic_usec()) + "\nSTATUS=reloading");
}

void SystemdNotifier::reloaded(const std::string& status) {
  if (!enabled_) return;
  std::lock_guard<std::mutex> lock(mutex_);
  if (stage_ == Stage::kServing) send_locked("READY=1\nSTATUS=" + one_line(status));
}

void SystemdNotifier::status(const std::string& status) {
  if (!enabled_) return;
  std::lock_guard<std::mutex> lock(mutex_);
  if (stage_ == Stage::kServing) send_locked("STATUS=" + one_line(status));
}

void SystemdNotifier::stopping() {
  if (!enabled_) return;
  stop_watchdog();
  std::lock_guard<std::mutex> lock(mutex_);
  if (stage_ == Stage::kStopping) return;
  stage_ = Stage::kStopping;
  send_locked("STOPPING=1\nSTATUS=stopping: draining calls, then stopping the plugins");
}

void SystemdNotifier::stop_watchdog() {
  {
    std::lock_guard<std::mutex> lock(watchdog_mutex_);
    stop_watching_ = true;
  }
  watchdog_stop_.notify_all();
  if (watchdog_.joinable()) watchdog_.join();
}

// Pings at half the interval, as sd_watchdog_enabled(3) recommends, so that one late ping is not
// yet a timeout. An unhealthy host is not pinged: systemd then acts as WatchdogSec= says
// (the unit restarts it).
void SystemdNotifier::watch(std::function<bool()> healthy) {
  const auto period = watchdog_interval_ / 2;
  bool was_healthy = true;
  std::unique_lock<std::mutex> lock(watchdog_mutex_);
  while (!stop_watching_) {
    lock.unlock();
    const bool now_healthy = healthy();
    if (now_healthy) {
      std::lock_guard<std::mutex> send_lock(mutex_);
      if (stage_ == Stage::kServing) send_locked("WATCHDOG=1");
    }
    if (now_healthy != was_healthy) {
      if (now_healthy) {
        log::info("systemd: the registry's worker answers again; watchdog pings resume");
      } else {
        log::warning("systemd: the registry's worker has not answered within " + std::to_string(period.count() / 1000) +
                     " ms; no watchdog ping until it does");
      }
      was_healthy = now_healthy;
    }
    lock.lock();
    watchdog_stop_.wait_for(lock, period, [this] { return stop_watching_; });
  }
}

}  // namespace section::app
