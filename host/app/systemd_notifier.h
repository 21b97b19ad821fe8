// Tells systemd where the host stands, through libsystemd's sd_notify(3), when it runs as a unit
// of Type=notify (packaging/systemd/section-host.service): systemd sets NOTIFY_SOCKET, and
// WATCHDOG_USEC when the unit sets WatchdogSec=. Without NOTIFY_SOCKET nothing is sent and no
// thread starts. What each message means: docs/operations.md, "systemd".
//
// The messages follow one order: READY=1 once the host serves; then, per reload, RELOADING=1
// and READY=1; STOPPING=1 when the drain begins, and nothing after it. STATUS= lines go with
// them and with each new version. WATCHDOG=1 comes from a thread of its own at half the
// interval systemd asks for, only while the host is healthy.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "host/query/published_view.h"

namespace section::app {

class SystemdNotifier {
 public:
  // Reads NOTIFY_SOCKET and WATCHDOG_USEC (and WATCHDOG_PID, which must be this process when set).
  SystemdNotifier();
  // Stops the watchdog thread if it still runs.
  ~SystemdNotifier();
  SystemdNotifier(const SystemdNotifier&) = delete;
  SystemdNotifier& operator=(const SystemdNotifier&) = delete;

  // Whether NOTIFY_SOCKET is set.
  bool enabled() const { return enabled_; }
  // The interval systemd asks for (WATCHDOG_USEC); zero when it asks for none.
  std::chrono::microseconds watchdog_interval() const { return watchdog_interval_; }

  // READY=1 with `status`: the host serves (the moment health turns SERVING). When systemd asks
  // for a watchdog, starts the thread that sends WATCHDOG=1 every half interval while
  // `healthy()` says so; `healthy` is called on that thread only.
  void serving(const std::string& status, std::function<bool()> healthy);
  // RELOADING=1: a reload begins. Only between serving() and stopping().
  void reloading();
  // READY=1 with `status`: the reload is over, whatever its outcome (a refused reload leaves the
  // previous version serving). Only between serving() and stopping().
  void reloaded(const std::string& status);
  // STATUS= alone, such as a new version. Only between serving() and stopping().
  void status(const std::string& status);
  // STOPPING=1: the drain begins. Stops the watchdog thread first; nothing is sent afterwards.
  void stopping();

 private:
  enum class Stage { kStarting, kServing, kStopping };
  // Sends `message` (lines of KEY=VALUE) if the host is at `stage`; the caller holds mutex_.
  void send_locked(const std::string& message);
  void watch(std::function<bool()> healthy);
  void stop_watchdog();

  bool enabled_ = false;
  // libsystemd's functions, loaded at run time only when NOTIFY_SOCKET is set (the .cc says why).
  int (*notify_)(int unset_environment, const char* state) = nullptr;
  std::chrono::microseconds watchdog_interval_{0};

  std::mutex mutex_;  // orders the messages; guards stage_ and failed_
  Stage stage_ = Stage::kStarting;
  bool failed_ = false;  // a send failed and was logged: later failures are not

  std::mutex watchdog_mutex_;
  std::condition_variable watchdog_stop_;
  bool stop_watching_ = false;
  std::thread watchdog_;
};

// The STATUS= text for a version: "serving version 3: 5 of 5 components serving, 2
// reconciliation differences".
std::string serving_status(const query::PublishedView& view);

}  // namespace section::app
