// The registry owns the running plugins and the current view of the section. It starts the
// plugins of a configuration, validates what they publish, keeps the latest good component of
// each, and publishes a new query::PublishedView (a new version) whenever something changes: a plugin
// republishes, a plugin process exits or is restarted, or the configuration is reloaded.
// Readers take the current view without waiting for a writer beyond a pointer copy.
//
// One worker thread does every change after start-up, in order: republish requests, lost
// plugins, restarts with backoff, reloads. Plugin callbacks only queue work for it.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "host/aggregate/section_view.h"
#include "host/config/host_config.h"
#include "host/config/section_file.h"
#include "host/core/callbacks.h"
#include <absl/status/status.h>
#include <absl/status/statusor.h>
#include "host/loading/component_source.h"
#include "host/query/published_view.h"

namespace section::registry {

using ViewPtr = std::shared_ptr<const query::PublishedView>;

// What a successful reload changed.
struct ReloadSummary {
  std::uint64_t version = 0;
  std::vector<std::string> started;
  std::vector<std::string> stopped;
  std::vector<std::string> kept;
};

// Where start() spent its time, in milliseconds, for the host's "ready" line.
struct StartTimes {
  double plugins_ms = 0;  // loading, starting and reading every plugin, on as many threads as cores
  double version_ms = 0;  // checking them together, then building and publishing version 1
};

class Registry {
 public:
  explicit Registry(config::SectionFile section);
  // A registry whose section file is still being read: see start() with a PendingSection.
  Registry();
  ~Registry();
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  // Loads, starts and validates every enabled plugin, then publishes version 1. Returns an
  // error for anything an admin must fix before the host can start (a missing or foreign
  // library, bad settings, invalid data); a plugin that merely fails is left out and reported
  // (and, in a process of its own, restarted with backoff).
  // kCheck (section-host --check) builds version 1 only to report on it: nothing is published
  // to anyone, so nothing is logged as published.
  enum class Purpose { kServe, kCheck };
  absl::Status start(const config::HostConfig& config, Purpose purpose = Purpose::kServe);
  // The same, for a registry made without a section file: `pending` gives it, waiting for it to
  // be read elsewhere, and is called once, by the first plugin thread that has loaded its
  // library and must tell the plugin the budget year; the section file is read meanwhile. Its
  // error, if any, is start()'s.
  using PendingSection = std::function<absl::StatusOr<config::SectionFile>()>;
  absl::Status start(const config::HostConfig& config, PendingSection pending, Purpose purpose = Purpose::kServe);
  const StartTimes& start_times() const { return start_times_; }

  // Swaps in a new configuration and section file at once, after loading and checking every
  // new or changed plugin; unchanged plugins keep running. Publishes exactly one new version.
  // On any error nothing changes and the error says why. Safe from any thread; waits for the
  // worker to do it.
  absl::StatusOr<ReloadSummary> reload(config::HostConfig config, config::SectionFile section);

  // The current view; never null after start().
  ViewPtr current() const;

  using Listener = std::function<void(const ViewPtr&)>;
  // Calls `listener` with every view published from now on. Returns an id for unsubscribe().
  int subscribe(Listener listener);
  void unsubscribe(int id);

  // Reported figures (host/reports) laid over the plugins' components in every version: the
  // overlay sets the reported values, lists those it could not apply in `unapplied` and the ids
  // of the components it changed in `changed` (the others are served as their plugins published
  // them, without another copy). Set before start(); called on the thread that publishes.
  using Overlay = std::function<void(std::vector<section::v1::Component>& components, std::vector<std::string>* unapplied,
                                     std::set<std::string>* changed)>;
  void set_overlay(Overlay overlay) { overlay_ = std::move(overlay); }

  // What a change of reported figures sees of one component, on the worker thread.
  struct ComponentAccess {
    // The component as its plugin published it, without reported values; null when the
    // component is not served (unknown, disabled, failed).
    const section::v1::Component* published = nullptr;
    section::v1::ComponentState state = section::v1::COMPONENT_STATE_UNSPECIFIED;
    std::string reason;  // why it is not serving
    int budget_year = 0;
    // Runs the plugin's own checks on a changed copy of its component (ComponentSource::check).
    std::function<absl::Status(const section::v1::Component&)> check;
  };
  // Runs `change` on the worker thread, in order with the plugins' changes and reloads, so that
  // the component it sees stays as it is until it returns. When it returns a reason, a new
  // version is published with it and its number returned; its error, when it refuses, is
  // returned as it is, and so is kUnavailable when the host is stopping.
  using Change = std::function<absl::StatusOr<std::string>(const ComponentAccess& access)>;
  absl::StatusOr<std::uint64_t> change_reported(const std::string& component_id, Change change);

  // Stops the worker and every plugin (their processes too).
  void stop();

 private:
  using Clock = std::chrono::steady_clock;

  struct Slot {
    config::PluginConfig config;
    loading::SourcePtr source;
    std::uint64_t generation = 0;  // bumped per source, so that a stale callback is ignored
    section::v1::ComponentStatus status;
    query::StoredPtr component;  // the latest good one, serialized; shared with the views serving it
    // Supervision of plugins in a process of their own (isolation: process, endpoint).
    std::deque<Clock::time_point> failures;  // within the crash-loop window
    int consecutive_failures = 0;
    std::optional<Clock::time_point> restart_at;
    std::optional<Clock::time_point> serving_since;  // since when it serves without failing
    std::string library_stamp;                       // the library file when it was started
  };
  using Slots = std::vector<std::unique_ptr<Slot>>;

  struct Work {
    enum class Kind { kRepublish, kLost, kReload, kTask } kind;
    std::string id;
    std::uint64_t generation = 0;
    std::string reason;
    std::shared_ptr<std::promise<absl::StatusOr<ReloadSummary>>> reload;
    std::shared_ptr<config::HostConfig> config;
    std::shared_ptr<config::SectionFile> section;
    // kTask: runs on the worker with true, or with false when the registry stops first.
    std::function<void(bool run)> task;
  };

  // A slot for `plugin`, started and with its first component validated against `others`; an
  // error that stops start-up or a reload, or a slot in state FAILED for a plugin that merely failed.
  absl::StatusOr<std::unique_ptr<Slot>> make_slot(const config::PluginConfig& plugin, const std::vector<const Slot*>& others);
  // A slot for `plugin`, not started; DISABLED when the configuration says so.
  std::unique_ptr<Slot> new_slot(const config::PluginConfig& plugin) const;
  // A plugin as start() found it: its slot, and its component or why it has none.
  struct StartedPlugin {
    std::unique_ptr<Slot> slot;
    query::StoredPtr component;
    absl::Status error;
  };
  // Loads, starts and reads every enabled plugin of `config`, on as many threads as cores.
  std::vector<StartedPlugin> start_plugins(const config::HostConfig& config);
  // Takes the started plugins into the slots in the configuration's order, each checked against
  // those before it; the first error that stops start-up is returned.
  absl::Status take_started(const config::HostConfig& config, std::vector<StartedPlugin>& started);
  // `error` with the configuration file and the plugin's line before its message.
  absl::Status at_plugin_line(const absl::Status& error, const config::PluginConfig& plugin) const;
  // Marks a slot FAILED with `message`, and schedules a restart for a supervised plugin.
  void fail_slot(Slot& slot, const std::string& message);
  // Starts the slot's plugin in a new source (the caller sets the slot's new generation first).
  absl::Status start_source(Slot& slot);
  // Fetches the slot's component from its plugin and validates it, alone and together with
  // `others`; on success stores it and marks the slot serving.
  absl::Status refresh_slot(Slot& slot, const std::vector<const Slot*>& others);
  // The two halves of refresh_slot: fetch and validate alone (safe on any thread while the
  // slot is not shared), then check together with `others` and store.
  absl::StatusOr<loading::Handover> fetch_alone(Slot& slot);
  absl::Status accept(Slot& slot, loading::Handover handover, const std::vector<const Slot*>& others);
  // accept() once the component is known to fit: the slot serves it.
  void serve(Slot& slot, query::StoredPtr component);
  void publish_view(const std::string& reason);

  void enqueue(Work work);
  void worker_loop();
  void handle_republish(const std::string& id, std::uint64_t generation);
  void handle_lost(const std::string& id, std::uint64_t generation, const std::string& reason);
  void handle_restarts();
  absl::StatusOr<ReloadSummary> handle_reload(const config::HostConfig& config, config::SectionFile section);
  // A reload's slots before they are swapped in.
  struct ReloadPlan {
    std::vector<Slot*> order;  // every slot of the new configuration, in its order
    Slots started;             // at the same positions: a slot started for the reload, null where kept
  };
  // Keeps each unchanged slot that may be kept and starts every other plugin of `config`, each
  // checked against those before it; the error is the first plugin's that fails.
  absl::Status plan_reload(const config::HostConfig& config, ReloadPlan* plan, ReloadSummary* summary);
  // The kept components hold under the new section file as well, and all of them fit together.
  absl::Status check_reload(const ReloadPlan& plan) const;
  // Swaps the planned slots in at once. Returns the slots no longer configured (or replaced),
  // to stop once the new version is out.
  Slots swap_in(ReloadPlan& plan, const config::HostConfig& config, ReloadSummary* summary);
  // Records a failure of a supervised plugin and schedules its restart, or gives up.
  void supervise_failure(Slot& slot, const std::string& reason);
  Slot* find(const std::string& id);
  bool keepable(const Slot& slot) const;
  std::vector<const Slot*> all_slots() const;

  // Owned by the start-up thread, then by the worker.
  std::shared_ptr<const config::SectionFile> section_;
  // Waits for a pending section file once; false, with section_error_, when it could not be read.
  bool await_section();
  PendingSection pending_section_;
  std::once_flag section_once_;
  absl::Status section_error_ = absl::OkStatus();
  config::HostConfig config_;
  Slots slots_;
  std::atomic<std::uint64_t> next_generation_{0};
  Overlay overlay_;

  mutable std::mutex view_mutex_;
  ViewPtr view_;
  std::uint64_t version_ = 0;
  StartTimes start_times_;
  Purpose purpose_ = Purpose::kServe;

  Callbacks<const ViewPtr&> listeners_;

  std::mutex queue_mutex_;
  std::condition_variable queue_changed_;
  std::deque<Work> queue_;
  bool stopping_ = false;
  bool worker_running_ = false;
  std::thread worker_;
};

}  // namespace section::registry
