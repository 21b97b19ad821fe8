// SIGINT, SIGTERM and SIGHUP, taken by one thread with sigwait so that no other thread (gRPC's,
// a plugin's) ever receives them. A stop signal during start-up ends the process at once (a
// plugin may hang while starting); after start-up it asks for a clean shutdown; a second one
// during the shutdown ends the process at once. SIGHUP while serving asks for a reload;
// several before the reload runs make one.
#pragma once

#include <condition_variable>
#include <csignal>
#include <mutex>
#include <thread>

namespace section::app {

class SignalWatcher {
 public:
  // Blocks the signals in the calling thread (and so in every thread created after) and starts
  // the watching thread. Construct before any other thread exists.
  SignalWatcher();
  ~SignalWatcher();
  SignalWatcher(const SignalWatcher&) = delete;
  SignalWatcher& operator=(const SignalWatcher&) = delete;

  // Start-up is over: from now on a stop signal asks for a clean shutdown.
  void serving();
  enum class Event { kStop, kReload };
  // Waits for the next request: a stop (which wins over a pending reload) or a reload.
  Event wait();

 private:
  void run();

  sigset_t signals_{};
  std::mutex mutex_;
  std::condition_variable changed_;
  bool serving_ = false;
  int stop_signal_ = 0;
  bool reload_pending_ = false;
  std::thread thread_;
};

}  // namespace section::app
