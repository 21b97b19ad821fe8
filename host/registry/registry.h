// The registry owns the running plugins and the current view of the section. It starts the
// plugins of a configuration, validates what they publish, keeps the latest good component of
// each, and publishes a new SectionView (a new version) whenever a component changes. Readers
// take the current view without waiting for a writer beyond a pointer copy.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "host/aggregate/section_view.h"
#include "host/config/host_config.h"
#include "host/config/section_file.h"
#include "host/core/status.h"
#include "host/loading/plugin_instance.h"

namespace section::registry {

using ViewPtr = std::shared_ptr<const aggregate::SectionView>;

class Registry {
 public:
  explicit Registry(config::SectionFile section);
  ~Registry();
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  // Loads, starts and validates every enabled plugin, then publishes version 1. Returns an
  // error for anything an admin must fix before the host can start (a missing or foreign
  // library, bad settings, invalid data); a plugin that merely fails is left out and reported.
  Status start(const config::HostConfig& config);

  // The current view; never null after start().
  ViewPtr current() const;

  using Listener = std::function<void(const ViewPtr&)>;
  // Calls `listener` with every view published from now on. Returns an id for unsubscribe().
  int subscribe(Listener listener);
  void unsubscribe(int id);

  // Stops the republish worker and destroys every plugin instance.
  void stop();

 private:
  struct Slot {
    config::PluginConfig config;
    std::unique_ptr<loading::PluginInstance> instance;
    section::v1::ComponentStatus status;
    std::optional<section::v1::Component> component;  // the latest good one
  };

  // Asks a slot's plugin for its component and validates it, alone and together with the other
  // slots' components; on success stores it.
  bool publish_slot(Slot& slot, loading::PluginError* error);
  void publish_view(const std::string& reason);
  void request_republish(const std::string& plugin_id);
  void republish_loop();

  const config::SectionFile section_;
  std::vector<std::unique_ptr<Slot>> slots_;  // owned by the start/worker thread

  mutable std::mutex view_mutex_;
  ViewPtr view_;
  std::uint64_t version_ = 0;

  std::mutex listeners_mutex_;
  std::map<int, Listener> listeners_;
  int next_listener_ = 1;

  std::mutex queue_mutex_;
  std::condition_variable queue_changed_;
  std::deque<std::string> queue_;
  bool stopping_ = false;
  std::thread worker_;
};

}  // namespace section::registry
