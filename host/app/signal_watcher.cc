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

int SignalWatcher::wait_for_stop() {
  std::unique_lock<std::mutex> lock(mutex_);
  stopped_.wait(lock, [this] { return stop_signal_ != 0; });
  return stop_signal_;
}

void SignalWatcher::run() {
  for (;;) {
    int signal = 0;
    if (sigwait(&signals_, &signal) != 0) continue;
    if (signal == SIGHUP) {
      log::warning("SIGHUP ignored: this version does not reload its configuration; restart the host to apply changes");
      continue;
    }
    std::lock_guard<std::mutex> lock(mutex_);
    if (!serving_ || stop_signal_ != 0) {
      // Nothing to drain yet, or a second request: stop now. _exit runs no destructors, which
      // may be waiting on what hangs.
      log::error(std::string("received ") + name(signal) +
                 (serving_ ? " again during shutdown: exiting at once" : " during start-up: exiting"));
      ::_exit(128 + signal);
    }
    log::info(std::string("received ") + name(signal) + ", shutting down");
    stop_signal_ = signal;
    stopped_.notify_all();
  }
}

}  // namespace section::app
