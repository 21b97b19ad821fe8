#include "host/app/signal_watcher.h"

#include <pthread.h>
#include <unistd.h>

#include <string>

#include "host/core/log.h"

namespace section::app {
namespace {

const char* name(int signal) {
  switch (signal) {
    case SIGINT: return "SIGINT";
    case SIGTERM: return "SIGTERM";
    case SIGHUP: return "SIGHUP";
    default: return "a signal";
  }
}

}  // namespace

SignalWatcher::SignalWatcher() {
  sigemptyset(&signals_);
  sigaddset(&signals_, SIGINT);
  sigaddset(&signals_, SIGTERM);
  sigaddset(&signals_, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals_, nullptr);
  thread_ = std::thread([this] { run(); });
}

SignalWatcher::~SignalWatcher() {
  // The watching thread waits in sigwait for good; it is detached rather than joined, and the
  // process ends right after.
  if (thread_.joinable()) thread_.detach();
}

void SignalWatcher::serving() {
  std::lock_guard<std::mutex> lock(mutex_);
  serving_ = true;
}

SignalWatcher::Event SignalWatcher::wait() {
  std::unique_lock<std::mutex> lock(mutex_);
  changed_.wait(lock, [this] { return stop_signal_ != 0 || reload_pending_; });
  if (stop_signal_ != 0) return Event::kStop;
  reload_pending_ = false;
  return Event::kReload;
}

void SignalWatcher::run() {
  for (;;) {
    int signal = 0;
    if (sigwait(&signals_, &signal) != 0) continue;
    std::lock_guard<std::mutex> lock(mutex_);
    if (signal == SIGHUP) {
      if (!serving_ || stop_signal_ != 0) {
        log::warning("SIGHUP ignored: the host is not serving yet, or is stopping");
      } else {
        log::info("received SIGHUP, reloading the configuration");
        reload_pending_ = true;
        changed_.notify_all();
      }
      continue;
    }
    if (!serving_ || stop_signal_ != 0) {
      // Nothing to drain yet, or a second request: stop now. _exit runs no destructors, which
      // may be waiting on what hangs.
      log::error(std::string("received ") + name(signal) +
                 (serving_ ? " again during shutdown: exiting at once" : " during start-up: exiting"));
      ::_exit(128 + signal);
    }
    log::info(std::string("received ") + name(signal) + ", shutting down");
    stop_signal_ = signal;
    changed_.notify_all();
  }
}

}  // namespace section::app
