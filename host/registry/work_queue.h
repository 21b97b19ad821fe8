// The registry's work after start-up, in the order it was asked for: one worker thread takes it
// from here. Plugin callbacks, reloads and reported figures only queue work; each kind of work is
// a type of its own.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include <absl/status/statusor.h>

#include "host/config/host_config.h"
#include "host/config/section_file.h"
#include "host/registry/slot.h"

namespace section::registry {

// What a successful reload changed.
struct ReloadSummary {
  std::uint64_t version = 0;
  std::vector<std::string> started;
  std::vector<std::string> stopped;
  std::vector<std::string> kept;
};

// A plugin has a new component to fetch (generation: of the source that said so).
struct ComponentChanged {
  std::string id;
  std::uint64_t generation = 0;
};
// A plugin's source went away: its process exited, or its event stream broke.
struct PluginLost {
  std::string id;
  std::uint64_t generation = 0;
  std::string reason;
};
// A new configuration and section file to swap in; `done` gets the outcome.
struct ReloadRequest {
  config::HostConfig config;
  config::SectionFile section;
  std::shared_ptr<std::promise<absl::StatusOr<ReloadSummary>>> done;
};
// Anything else to run in order with the rest: with true on the worker, or with false when the
// registry stops first.
struct Task {
  std::function<void(bool run)> run;
};
using Work = std::variant<ComponentChanged, PluginLost, ReloadRequest, Task>;

class WorkQueue {
 public:
  // Queues `work` unless the queue is closed; the same ComponentChanged queued twice is kept once.
  void push(Work work);
  // Queues `work` only while a worker takes it (between set_running() and close()).
  bool push_to_worker(Work work);
  void set_running();

  struct Next {
    bool closed = false;
    std::optional<Work> work;  // none when `until` passed first
  };
  // Waits for the next work, at most until `until` when given.
  Next next(std::optional<Clock::time_point> until);
  // Closes the queue and returns the work still queued, for the caller to cancel.
  std::deque<Work> close();

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<Work> queue_;
  bool closed_ = false;
  bool running_ = false;
};

}  // namespace section::registry
