// The registry owns the running plugins and the current version of the section. It starts the
// plugins of a configuration, fetches and validates their components, keeps the latest good
// component of each, and publishes a new version whenever something changes: a plugin has a new
// component, a plugin process exits or is restarted, a figure is reported, or the configuration
// is reloaded.
//
// It coordinates parts that each do one thing: Slot (one plugin, host/registry/slot.h), sources
// (opening a plugin's source by its isolation), Supervisor (what a failure does, when to
// restart), the reload plan (plan, check, swap), Versions (building and publishing versions) and
// the WorkQueue its one worker thread takes every change from, in order, after start-up.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <absl/status/status.h>
#include <absl/status/statusor.h>

#include "host/config/host_config.h"
#include "host/config/section_file.h"
#include "host/loading/component_source.h"
#include "host/registry/reload_plan.h"
#include "host/registry/slot.h"
#include "host/registry/supervisor.h"
#include "host/registry/versions.h"
#include "host/registry/work_queue.h"

namespace section::registry {

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

  // The current version; never null after start().
  ViewPtr current() const { return versions_.current(); }
  using Listener = Versions::Listener;
  // Calls `listener` with every version published from now on. Returns an id for unsubscribe().
  int subscribe(Listener listener) { return versions_.subscribe(std::move(listener)); }
  void unsubscribe(int id) { versions_.unsubscribe(id); }

  // Reported figures laid over the plugins' components in every version (Versions::Overlay).
  // Set before start(); called on the thread that publishes.
  using Overlay = Versions::Overlay;
  void set_overlay(Overlay overlay) { versions_.set_overlay(std::move(overlay)); }

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
    // The same on the copy serialized, when the plugin reads bytes (ComponentSource::
    // check_serialized); null otherwise.
    std::function<absl::Status(std::string)> check_serialized;
    // The stored component `published` was parsed from: the same pointer for as long as the
    // plugin's component does not change, so that what is derived from it can be kept.
    query::StoredPtr stored;
    // The component with its reported figures laid over, as the last version built it, when
    // those are `figures` (ReportedFigures::of): handed over once (Versions::take_overlaid).
    std::function<std::optional<section::v1::Component>(const void* figures)> overlaid;
  };
  // Runs `change` on the worker thread, in order with the plugins' changes and reloads, so that
  // the component it sees stays as it is until it returns. When it returns a reason, a new
  // version is published with it and its number returned (an empty reason publishes none); its error, when it refuses, is
  // returned as it is, and so is kUnavailable when the host is stopping.
  using Change = std::function<absl::StatusOr<std::string>(const ComponentAccess& access)>;
  absl::StatusOr<std::uint64_t> change_reported(const std::string& component_id, Change change);

  // Whether the worker takes its work: the watchdog's measure of a healthy host (systemd's
  // WATCHDOG=1, docs/operations.md). Each call queues a probe, a Task that does nothing, unless
  // the previous one still waits; true when the previous probe has run (or there was none) and
  // the worker is running. A worker busy with one piece of work, or hung in it, leaves its probe
  // waiting; a stopped one never runs it.
  bool worker_answers();

  // Stops the worker and every plugin (their processes too).
  void stop();

 private:
  // A plugin as start() found it: its slot, and its component or why it has none.
  struct StartedPlugin {
    std::unique_ptr<Slot> slot;
    query::StoredPtr component;
    absl::Status error;
  };
  // Loads, starts and fetches every enabled plugin of `config`, on as many threads as cores.
  std::vector<StartedPlugin> start_plugins(const config::HostConfig& config);
  // Takes the started plugins into the slots in the configuration's order, each checked against
  // those before it; the first error that stops start-up is returned.
  absl::Status take_started(const config::HostConfig& config, std::vector<StartedPlugin>& started);

  // A slot for `plugin`, started and with its first component validated against `others`; an
  // error that stops start-up or a reload, or a slot in state FAILED for a plugin that merely failed.
  absl::StatusOr<std::unique_ptr<Slot>> make_slot(const config::PluginConfig& plugin, const std::vector<const Slot*>& others);
  // `error` with the configuration file and the plugin's line before its message.
  absl::Status at_plugin_line(const absl::Status& error, const config::PluginConfig& plugin) const;
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
  // Marks a slot FAILED with `message`, and schedules a restart for a supervised plugin.
  void fail_slot(Slot& slot, const std::string& message);
  // Records a failure of a supervised plugin and schedules its restart, or gives up.
  void supervise_failure(Slot& slot, const std::string& reason);
  void publish_version(const std::string& reason);

  void worker_loop();
  void handle(ComponentChanged& work);
  void handle(PluginLost& work);
  void handle(ReloadRequest& work);
  void handle(Task& work) { work.run(true); }
  void handle_restarts();
  absl::StatusOr<ReloadSummary> handle_reload(const config::HostConfig& config, config::SectionFile section);
  // The task of change_reported(), run on the worker.
  void run_change(const std::string& component_id, const Change& change, std::promise<absl::StatusOr<std::uint64_t>>& done);
  Slot* find(const std::string& id);
  std::vector<const Slot*> all_slots() const;

  // Waits for a pending section file once; false, with section_error_, when it could not be read.
  bool await_section();

  // Owned by the start-up thread, then by the worker.
  std::shared_ptr<const config::SectionFile> section_;
  PendingSection pending_section_;
  std::once_flag section_once_;
  absl::Status section_error_ = absl::OkStatus();
  config::HostConfig config_;
  Supervisor supervisor_{config::SupervisionConfig()};
  Slots slots_;
  std::atomic<std::uint64_t> next_generation_{0};
  StartTimes start_times_;

  Versions versions_;
  WorkQueue queue_;
  std::thread worker_;
  std::mutex probe_mutex_;                      // worker_answers() from any thread
  std::shared_ptr<std::atomic<bool>> probe_;  // the last probe queued: true once the worker ran it
};

}  // namespace section::registry
