#include "host/registry/registry.h"

#include <algorithm>
#include <optional>
#include <utility>

#include "host/aggregate/validation.h"
#include "host/core/clock.h"
#include "host/core/log.h"
#include "host/loading/plugin_steps.h"
#include "host/registry/sources.h"
#include "host/supervision/process_source.h"

namespace section::registry {
namespace {

// Calls the handler for the type of work it is.
template <typename... Handlers>
struct Overloaded : Handlers... {
  using Handlers::operator()...;
};
template <typename... Handlers>
Overloaded(Handlers...) -> Overloaded<Handlers...>;

}  // namespace

Registry::Registry(config::SectionFile section) : section_(std::make_shared<const config::SectionFile>(std::move(section))) {}

Registry::Registry() = default;

Registry::~Registry() { stop(); }

absl::Status Registry::start(const config::HostConfig& config, PendingSection pending, Purpose purpose) {
  pending_section_ = std::move(pending);
  return start(config, purpose);
}

bool Registry::await_section() {
  std::call_once(section_once_, [this] {
    if (section_ || !pending_section_) return;
    auto read = pending_section_();
    if (read.ok()) {
      section_ = std::make_shared<const config::SectionFile>(std::move(*read));
    } else {
      section_error_ = read.status();
    }
  });
  return section_ != nullptr;
}

absl::Status Registry::start(const config::HostConfig& config, Purpose purpose) {
  config_ = config;
  supervisor_ = Supervisor(config.supervision);
  versions_.set_announce(purpose == Purpose::kServe);
  if (std::any_of(config.plugins.begin(), config.plugins.end(),
                  [](const auto& p) { return p.isolation == config::Isolation::kProcess; })) {
    supervision::remove_stale_socket_dirs();
  }
  const auto ms_since = [](Clock::time_point from) { return std::chrono::duration<double, std::milli>(Clock::now() - from).count(); };
  const auto begun = Clock::now();
  std::vector<StartedPlugin> started = start_plugins(config);
  start_times_.plugins_ms = ms_since(begun);
  // No plugin may have got as far (none enabled, or all failed to load).
  if (!await_section()) {
    return section_error_.ok() ? absl::FailedPreconditionError("the registry has no section file") : section_error_;
  }
  const auto checked = Clock::now();
  if (absl::Status taken = take_started(config, started); !taken.ok()) return taken;
  publish_version("start-up");
  start_times_.version_ms = ms_since(checked);
  queue_.set_running();
  worker_ = std::thread([this] { worker_loop(); });
  return absl::OkStatus();
}

// Every plugin starts at once: loading a library and reading its data dominate start-up, and
// plugins do not depend on one another until their components are checked together.
std::vector<Registry::StartedPlugin> Registry::start_plugins(const config::HostConfig& config) {
  std::vector<StartedPlugin> started(config.plugins.size());
  for (std::size_t i = 0; i < config.plugins.size(); ++i) {
    started[i].slot = new_slot(config.plugins[i], config_.path);
    if (config.plugins[i].enabled) started[i].slot->generation = ++next_generation_;
  }
  // As many threads as cores take the plugins in turn.
  std::atomic<std::size_t> next{0};
  std::vector<std::thread> threads;
  const unsigned workers = std::max(1u, std::min(std::thread::hardware_concurrency(), static_cast<unsigned>(started.size())));
  for (unsigned w = 0; w < workers; ++w) {
    threads.emplace_back([this, &next, &started, &config] {
      for (std::size_t i = next++; i < started.size(); i = next++) {
        if (!config.plugins[i].enabled) continue;
        StartedPlugin& item = started[i];
        item.error = start_source(*item.slot);
        if (!item.error.ok()) continue;
        absl::StatusOr<loading::Handover> fetched = fetch_alone(*item.slot);
        if (!fetched.ok()) {
          item.error = fetched.status();
          continue;
        }
        // The plugin's bytes are kept, and the message is freed here: the next plugin on this
        // thread reuses its memory, rather than what stays (plugins, their bytes) being scattered
        // among messages that all go once the first version is built, holding their pages
        // (docs/performance.md, "Memory").
        // Its share of every version is built here too, from the message already parsed.
        item.component = query::StoredComponent::keep(fetched->component, std::move(fetched->bytes), section_);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  return started;
}

// In the configuration's order, as if one by one: the first error that stops start-up is the
// one reported, and each component must fit with those before it.
absl::Status Registry::take_started(const config::HostConfig& config, std::vector<StartedPlugin>& started) {
  aggregate::TogetherCheck together;
  const auto fits = [&](StartedPlugin& item) {
    const absl::Status fit = together.add(item.component->header);
    if (fit.ok()) return true;
    item.error = loading::invalid_component("plugin '" + item.slot->config.id +
                                            "' published a component that does not fit: " + std::string(fit.message()));
    return false;
  };
  for (std::size_t i = 0; i < started.size(); ++i) {
    StartedPlugin& item = started[i];
    const config::PluginConfig& plugin = config.plugins[i];
    if (plugin.enabled) {
      if (item.error.ok() && fits(item)) {
        serve(*item.slot, std::move(item.component));
      } else {
        item.slot->source.reset();
        if (loading::stops_startup(item.error)) return at_plugin_line(item.error, plugin);
        fail_slot(*item.slot, std::string(item.error.message()));
      }
    }
    slots_.push_back(std::move(item.slot));
  }
  return absl::OkStatus();
}

void Registry::fail_slot(Slot& slot, const std::string& message) {
  slot.status.set_state(section::v1::FAILED);
  slot.status.set_reason(message);
  log::error(message + " — the component is left out; the host serves the others");
  if (Supervisor::supervised(slot.config)) supervise_failure(slot, message);
}

absl::Status Registry::at_plugin_line(const absl::Status& error, const config::PluginConfig& plugin) const {
  return loading::with_message(error, config_.path.string() + ":" + std::to_string(plugin.line) + ": plugin '" + plugin.id +
                                          "': " + std::string(error.message()));
}

absl::StatusOr<std::unique_ptr<Slot>> Registry::make_slot(const config::PluginConfig& plugin,
                                                          const std::vector<const Slot*>& others) {
  auto slot = new_slot(plugin, config_.path);
  if (!plugin.enabled) return slot;
  slot->generation = ++next_generation_;
  absl::Status failure = start_source(*slot);
  if (failure.ok()) failure = refresh_slot(*slot, others);
  if (failure.ok()) return slot;
  slot->source.reset();
  if (loading::stops_startup(failure)) return at_plugin_line(failure, plugin);
  fail_slot(*slot, std::string(failure.message()));
  return slot;
}

absl::Status Registry::start_source(Slot& slot) {
  const std::uint64_t generation = slot.generation;  // the caller gives each new source its own
  const config::PluginConfig& plugin = slot.config;
  slot.library_stamp = Supervisor::library_stamp(plugin.library_path);
  const std::string id = plugin.id;
  loading::SourceEvents events;
  events.log = [id](int level, const std::string& message) { log::write(level_of(level), "plugin " + id, message); };
  events.changed = [this, id, generation] { queue_.push(ComponentChanged{id, generation}); };
  events.lost = [this, id, generation](const std::string& reason) { queue_.push(PluginLost{id, generation, reason}); };
  auto source = open_source(plugin, config_, std::move(events));
  if (!source.ok()) return source.status();
  slot.source = std::move(*source);
  // The plugin is told the section's budget year: at start-up the section file may still be
  // being read, while the library above was loaded.
  if (!await_section()) {
    slot.source.reset();
    return section_error_;
  }
  const auto request = loading::make_start_request(id, plugin.library_path, config_.dir(), plugin.settings,
                                                   section_->info.budget_year());
  absl::Status started = slot.source->start(request);
  if (!started.ok()) slot.source.reset();
  return started;
}

absl::Status Registry::refresh_slot(Slot& slot, const std::vector<const Slot*>& others) {
  absl::StatusOr<loading::Handover> fetched = fetch_alone(slot);
  if (!fetched.ok()) return fetched.status();
  return accept(slot, std::move(*fetched), others);
}

absl::StatusOr<loading::Handover> Registry::fetch_alone(Slot& slot) {
  absl::StatusOr<loading::Handover> fetched = slot.source->fetch();
  if (!fetched.ok()) return fetched;
  const absl::Status valid =
      loading::validate_fetched(fetched->component, slot.config.id, slot.source->where(), section_->info.budget_year());
  if (!valid.ok()) return valid;
  return fetched;
}

absl::Status Registry::accept(Slot& slot, loading::Handover handover, const std::vector<const Slot*>& others) {
  // Pointers, not copies: with many components each new one is checked against all the others.
  std::vector<const section::v1::Component*> together = {&handover.component};
  for (const Slot* other : others) {
    if (other != &slot && other->component) together.push_back(&other->component->header);
  }
  if (absl::Status fits = aggregate::validate_together(together); !fits.ok()) {
    return loading::invalid_component("plugin '" + slot.config.id + "' published a component that does not fit: " +
                                      std::string(fits.message()));
  }
  serve(slot, query::StoredComponent::keep(handover.component, std::move(handover.bytes), section_));
  return absl::OkStatus();
}

void Registry::serve(Slot& slot, query::StoredPtr component) {
  if (slot.status.state() != section::v1::SERVING) slot.serving_since = Clock::now();
  slot.status.set_state(section::v1::SERVING);
  slot.status.set_title(component->header.title());
  *slot.status.mutable_languages() = component->header.languages();  // the title's forms only
  slot.status.clear_reason();
  slot.status.clear_stale_since();
  slot.status.set_crash_looping(false);
  *slot.status.mutable_published_at() = now_timestamp();
  slot.component = std::move(component);
}

void Registry::publish_version(const std::string& reason) { versions_.publish(reason, section_, slots_); }

void Registry::supervise_failure(Slot& slot, const std::string& reason) {
  log::warning("plugin '" + slot.config.id + "': " + supervisor_.record_failure(slot, reason, Clock::now()));
}

Slot* Registry::find(const std::string& id) {
  for (const auto& slot : slots_) {
    if (slot->config.id == id) return slot.get();
  }
  return nullptr;
}

std::vector<const Slot*> Registry::all_slots() const {
  std::vector<const Slot*> all;
  for (const auto& slot : slots_) all.push_back(slot.get());
  return all;
}

// Every change after start-up happens here, on the worker thread, never on a plugin's: a
// plugin may ask to be fetched again from inside its own callbacks.
void Registry::worker_loop() {
  for (;;) {
    WorkQueue::Next next = queue_.next(Supervisor::next_restart(slots_));
    if (next.closed) return;
    if (next.work) std::visit([this](auto& work) { handle(work); }, *next.work);
    handle_restarts();
  }
}

void Registry::handle(ComponentChanged& work) {
  Slot* slot = find(work.id);
  if (slot == nullptr || slot->generation != work.generation || !slot->source) return;
  const query::StoredPtr before = slot->component;
  const bool was_serving = slot->status.state() == section::v1::SERVING;
  const absl::Status refreshed = refresh_slot(*slot, all_slots());
  if (!refreshed.ok()) {
    const std::string error(refreshed.message());
    if (loading::stops_startup(refreshed)) {
      // New data that fails its checks: the last good component keeps serving.
      log::warning(error + " — keeping its previous component");
      return;
    }
    // The plugin's code failed (threw, or overran its deadline).
    if (Supervisor::supervised(slot->config)) {
      slot->source.reset();
      supervise_failure(*slot, error);
    } else if (slot->component) {
      slot->status.set_state(section::v1::STALE);
      if (!slot->status.has_stale_since()) *slot->status.mutable_stale_since() = now_timestamp();
      slot->status.set_reason(error);
      log::error(error + " — serving its last good snapshot, marked stale");
    }
    publish_version("plugin '" + work.id + "' failed to publish");
    return;
  }
  // The same bytes are the same component (it has no map fields, whose order could vary).
  if (was_serving && before && before->bytes == slot->component->bytes) return;
  publish_version("component " + work.id + " republished");
}

void Registry::handle(PluginLost& work) {
  Slot* slot = find(work.id);
  if (slot == nullptr || slot->generation != work.generation) return;
  slot->source.reset();
  supervise_failure(*slot, "its plugin is unavailable: " + work.reason);
  publish_version("plugin '" + work.id + "' lost: " + work.reason);
}

void Registry::handle(ReloadRequest& work) { work.done->set_value(handle_reload(work.config, std::move(work.section))); }

void Registry::handle_restarts() {
  const auto now = Clock::now();
  for (const auto& slot : slots_) {
    if (!slot->restart_at || *slot->restart_at > now) continue;
    slot->restart_at.reset();
    slot->generation = ++next_generation_;
    absl::Status restarted = start_source(*slot);
    if (restarted.ok()) restarted = refresh_slot(*slot, all_slots());
    if (restarted.ok()) {
      slot->status.set_restarts(slot->status.restarts() + 1);
      log::info("plugin '" + slot->config.id + "' restarted (restart " + std::to_string(slot->status.restarts()) + ")");
      publish_version("plugin '" + slot->config.id + "' restarted");
    } else {
      slot->source.reset();
      supervise_failure(*slot, "its restart failed: " + std::string(restarted.message()));
      publish_version("plugin '" + slot->config.id + "' failed to restart");
    }
  }
}

absl::StatusOr<ReloadSummary> Registry::reload(config::HostConfig config, config::SectionFile section) {
  auto done = std::make_shared<std::promise<absl::StatusOr<ReloadSummary>>>();
  auto future = done->get_future();
  if (!queue_.push_to_worker(ReloadRequest{std::move(config), std::move(section), done})) {
    return absl::UnavailableError("the host is not serving, so it cannot reload");
  }
  return future.get();
}

absl::StatusOr<std::uint64_t> Registry::change_reported(const std::string& component_id, Change change) {
  auto done = std::make_shared<std::promise<absl::StatusOr<std::uint64_t>>>();
  auto future = done->get_future();
  Task task{[this, component_id, change = std::move(change), done](bool run) {
    if (run) {
      run_change(component_id, change, *done);
    } else {
      done->set_value(absl::UnavailableError("the host is stopping"));
    }
  }};
  if (!queue_.push_to_worker(std::move(task))) return absl::UnavailableError("the host is not serving");
  return future.get();
}

void Registry::run_change(const std::string& component_id, const Change& change,
                          std::promise<absl::StatusOr<std::uint64_t>>& done) {
  ComponentAccess access;
  access.budget_year = section_->info.budget_year();
  if (Slot* slot = find(component_id)) {
    access.state = slot->status.state();
    access.reason = slot->status.reason();
    if (slot->served()) {
      access.published = &versions_.parsed(slot->component);
      access.stored = slot->component;
      access.overlaid = [this, stored = slot->component](const void* figures) { return versions_.take_overlaid(stored, figures); };
    }
    access.check = [slot](const section::v1::Component& component) {
      if (!slot->source) return loading::plugin_failed("the plugin is not running");
      return slot->source->check(component);
    };
    if (slot->source && slot->source->checks_serialized()) {
      access.check_serialized = [slot](std::string component) {
        if (!slot->source) return loading::plugin_failed("the plugin is not running");
        return slot->source->check_serialized(std::move(component));
      };
    }
  }
  const absl::StatusOr<std::string> reason = change(access);
  if (!reason.ok()) {
    done.set_value(reason.status());
    return;
  }
  // An empty reason: nothing changed after all, so no version.
  if (!reason->empty()) publish_version(*reason);
  done.set_value(current()->version);
}

absl::StatusOr<ReloadSummary> Registry::handle_reload(const config::HostConfig& config, config::SectionFile section) {
  // New slots are made with the new configuration and section file; on failure both go back.
  const config::HostConfig old_config = config_;
  const auto old_section = section_;
  config_ = config;
  supervisor_ = Supervisor(config.supervision);
  section_ = std::make_shared<const config::SectionFile>(std::move(section));
  absl::StatusOr<ReloadPlan> plan = plan_reload(slots_, config, [this](const config::PluginConfig& plugin, const auto& others) {
    return make_slot(plugin, others);
  });
  absl::Status planned = plan.ok() ? check_reload(*plan, section_->info.budget_year()) : plan.status();
  if (!planned.ok()) {
    config_ = old_config;
    supervisor_ = Supervisor(old_config.supervision);
    section_ = old_section;
    return planned;
  }
  Slots retired = swap_in(slots_, *plan, config);
  ReloadSummary& summary = plan->summary;
  std::string reason = "reload of " + config_.path.string();
  if (!summary.started.empty()) reason += "; started " + std::to_string(summary.started.size());
  if (!summary.stopped.empty()) reason += "; stopped " + std::to_string(summary.stopped.size());
  publish_version(reason);
  summary.version = current()->version;
  retired.clear();
  log::info("reload done: " + std::to_string(summary.started.size()) + " plugin(s) started, " +
            std::to_string(summary.stopped.size()) + " stopped, " + std::to_string(summary.kept.size()) + " kept");
  return summary;
}

bool Registry::worker_answers() {
  std::lock_guard<std::mutex> lock(probe_mutex_);
  if (probe_ && !probe_->load()) return false;
  auto probe = std::make_shared<std::atomic<bool>>(false);
  if (!queue_.push_to_worker(Task{[probe](bool run) { probe->store(run); }})) return false;
  probe_ = std::move(probe);
  return true;
}

void Registry::stop() {
  std::deque<Work> pending = queue_.close();
  if (worker_.joinable()) worker_.join();
  for (Work& work : pending) {
    std::visit(Overloaded{[](ReloadRequest& reload) { reload.done->set_value(absl::UnavailableError("the host is stopping")); },
                          [](Task& task) { task.run(false); }, [](auto&) {}},
               work);
  }
  for (auto& slot : slots_) slot->source.reset();
}

}  // namespace section::registry
