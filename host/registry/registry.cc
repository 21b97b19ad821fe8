#include "host/registry/registry.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <random>
#include <system_error>

#include <google/protobuf/util/time_util.h>

#include "host/aggregate/validation.h"
#include "host/core/clock.h"
#include "host/core/log.h"
#include "host/loading/in_process_source.h"
#include "host/loading/plugin_steps.h"
#include "host/loading/remote_source.h"
#include "host/supervision/process_source.h"

namespace section::registry {
namespace {

namespace fs = std::filesystem;
using config::Isolation;

// How long a restarted plugin must serve before its next failure counts as a first one again.
constexpr std::chrono::seconds kStableAfter{10};
// How long the host waits for an external plugin's endpoint to accept a connection.
constexpr std::chrono::milliseconds kEndpointConnectBudget{1000};

log::Level level_of(int plugin_level) {
  switch (plugin_level) {
    case SECTION_LOG_DEBUG: return log::Level::kDebug;
    case SECTION_LOG_WARNING: return log::Level::kWarning;
    case SECTION_LOG_ERROR: return log::Level::kError;
    default: return log::Level::kInfo;
  }
}

const char* isolation_word(Isolation isolation) {
  switch (isolation) {
    case Isolation::kProcess: return "process";
    case Isolation::kEndpoint: return "endpoint";
    default: return "in_process";
  }
}

// Plugins in a process of their own are restarted when they go; in-process ones cannot be.
bool supervised(const config::PluginConfig& plugin) { return plugin.isolation != Isolation::kInProcess; }

// section-plugin-runner: the configured one, else the one beside this executable.
fs::path runner_path(const config::HostConfig& config) {
  if (!config.supervision.runner.empty()) return config.supervision.runner;
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  return (ec ? fs::path(".") : exe.parent_path()) / "section-plugin-runner";
}

std::string seconds_text(std::chrono::milliseconds delay) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f s", static_cast<double>(delay.count()) / 1000.0);
  return text;
}

// Exponential backoff with jitter: a delay drawn from [d/2, d], d = initial × 2^(n-1) ≤ max.
std::chrono::milliseconds backoff(const config::SupervisionConfig& supervision, int failures) {
  static std::mt19937_64 random{std::random_device{}()};
  double delay = static_cast<double>(supervision.backoff_initial.count());
  for (int i = 1; i < failures && delay < static_cast<double>(supervision.backoff_max.count()); ++i) delay *= 2;
  delay = std::min(delay, static_cast<double>(supervision.backoff_max.count()));
  std::uniform_real_distribution<double> jitter(0.5, 1.0);
  return std::chrono::milliseconds(static_cast<std::int64_t>(delay * jitter(random)));
}

// When and how big a library file is: a changed stamp means new code.
std::string library_stamp(const fs::path& path) {
  std::error_code ec;
  const auto modified = fs::last_write_time(path, ec);
  if (ec) return {};
  const auto size = fs::file_size(path, ec);
  return std::to_string(modified.time_since_epoch().count()) + "/" + std::to_string(ec ? 0 : size);
}

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
  purpose_ = purpose;
  if (std::any_of(config.plugins.begin(), config.plugins.end(), [](const auto& p) { return p.isolation == Isolation::kProcess; })) {
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
  publish_view("start-up");
  start_times_.version_ms = ms_since(checked);
  {
    std::lock_guard<std::mutex> lock(queue_mutex_);
    worker_running_ = true;
  }
  worker_ = std::thread([this] { worker_loop(); });
  return absl::OkStatus();
}

// Every plugin starts at once: loading a library and reading its data dominate start-up, and
// plugins do not depend on one another until their components are checked together.
std::vector<Registry::StartedPlugin> Registry::start_plugins(const config::HostConfig& config) {
  std::vector<StartedPlugin> started(config.plugins.size());
  for (std::size_t i = 0; i < config.plugins.size(); ++i) {
    started[i].slot = new_slot(config.plugins[i]);
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
        // Kept serialized, and the message freed here: the next plugin on this thread reuses its
        // memory, rather than what stays (plugins, their data) being scattered among messages
        // that all go once the first version is built, holding their pages.
        if (fetched.ok()) {
          item.component = query::StoredComponent::keep(fetched->component, std::move(fetched->bytes));
        } else {
          item.error = fetched.status();
        }
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

std::unique_ptr<Registry::Slot> Registry::new_slot(const config::PluginConfig& plugin) const {
  auto slot = std::make_unique<Slot>();
  slot->config = plugin;
  slot->status.set_id(plugin.id);
  slot->status.set_library(plugin.isolation == Isolation::kEndpoint ? plugin.endpoint : plugin.library_path.string());
  slot->status.set_isolation(isolation_word(plugin.isolation));
  if (!plugin.enabled) {
    slot->status.set_state(section::v1::DISABLED);
    slot->status.set_reason("enabled: false in " + config_.path.string());
    log::info("plugin '" + plugin.id + "' is disabled");
  }
  return slot;
}

void Registry::fail_slot(Slot& slot, const std::string& message) {
  slot.status.set_state(section::v1::FAILED);
  slot.status.set_reason(message);
  log::error(message + " — the component is left out; the host serves the others");
  if (supervised(slot.config)) supervise_failure(slot, message);
}

absl::Status Registry::at_plugin_line(const absl::Status& error, const config::PluginConfig& plugin) const {
  return loading::with_message(error, config_.path.string() + ":" + std::to_string(plugin.line) + ": plugin '" + plugin.id +
                                          "': " + std::string(error.message()));
}

absl::StatusOr<std::unique_ptr<Registry::Slot>> Registry::make_slot(const config::PluginConfig& plugin,
                                                                    const std::vector<const Slot*>& others) {
  auto slot = new_slot(plugin);
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
  slot.library_stamp = library_stamp(plugin.library_path);
  const std::string id = plugin.id;
  loading::SourceEvents events;
  events.log = [id](int level, const std::string& message) { log::write(level_of(level), "plugin " + id, message); };
  events.changed = [this, id, generation] { enqueue({Work::Kind::kRepublish, id, generation, {}, {}, {}, {}, {}}); };
  events.lost = [this, id, generation](const std::string& reason) {
    enqueue({Work::Kind::kLost, id, generation, reason, {}, {}, {}, {}});
  };

  switch (plugin.isolation) {
    case Isolation::kInProcess: {
      auto library = loading::PluginLibrary::open(plugin.library_path);
      if (!library.ok()) return library.status();
      slot.source = std::make_unique<loading::InProcessSource>(*library, std::move(events), config_.plugin_call_timeout);
      break;
    }
    case Isolation::kProcess:
      slot.source = std::make_unique<supervision::ProcessSource>(runner_path(config_), plugin.library_path,
                                                                 std::move(events), config_.plugin_call_timeout);
      break;
    case Isolation::kEndpoint: {
      auto remote = std::make_unique<loading::RemoteSource>(plugin.endpoint, std::move(events), config_.plugin_call_timeout);
      // An external plugin that is down should not hold the registry for a whole call deadline:
      // a short try, then the backoff.
      const absl::Status connected = remote->connect(nullptr, std::min(config_.plugin_call_timeout, kEndpointConnectBudget));
      if (!connected.ok()) return connected;
      slot.source = std::move(remote);
      break;
    }
  }
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
  serve(slot, query::StoredComponent::keep(handover.component, std::move(handover.bytes)));
  return absl::OkStatus();
}

void Registry::serve(Slot& slot, query::StoredPtr component) {
  if (slot.status.state() != section::v1::SERVING) slot.serving_since = Clock::now();
  slot.status.set_state(section::v1::SERVING);
  slot.status.set_title(component->header.title());
  slot.status.clear_reason();
  slot.status.clear_stale_since();
  slot.status.set_crash_looping(false);
  *slot.status.mutable_published_at() = now_timestamp();
  slot.component = std::move(component);
}

void Registry::publish_view(const std::string& reason) {
  aggregate::SectionInput input;
  input.section = section_.get();
  // The components as stored, to be shared by the new view where nothing changed them.
  std::map<std::string, query::StoredPtr> unchanged;
  for (const auto& slot : slots_) {
    input.statuses.push_back(slot->status);
    if (slot->component && (slot->status.state() == section::v1::SERVING || slot->status.state() == section::v1::STALE)) {
      // On this thread: parsed on two, start-up with 1,000 components took 0.1 s less, but
      // the messages freed across glibc's arenas kept 15 MB more resident (docs/performance.md).
      input.components.push_back(slot->component->parse());
      unchanged.emplace(slot->component->header.id(), slot->component);
    }
  }
  if (overlay_) {
    std::vector<std::string> unapplied;
    std::set<std::string> changed;
    overlay_(input.components, &unapplied, &changed);
    for (const auto& id : changed) unchanged.erase(id);
    for (const auto& note : unapplied) log::warning(note);
    input.report_notes = std::move(unapplied);
  }
  input.published_at = now_timestamp();
  {
    std::lock_guard<std::mutex> lock(view_mutex_);
    input.version = ++version_;
  }
  const auto published_at = input.published_at;
  aggregate::SectionView built = aggregate::build_view(std::move(input));
  built.reason = reason;
  built.published_at = published_at;
  const ViewPtr view = std::make_shared<const query::PublishedView>(query::publish(std::move(built), unchanged));
  {
    std::lock_guard<std::mutex> lock(view_mutex_);
    view_ = view;
  }
  if (purpose_ == Purpose::kServe) log::info("published version " + std::to_string(view->version) + " (" + reason + ")");
  listeners_.call(view);
}

ViewPtr Registry::current() const {
  std::lock_guard<std::mutex> lock(view_mutex_);
  return view_;
}

int Registry::subscribe(Listener listener) { return listeners_.add(std::move(listener)); }

void Registry::unsubscribe(int id) { listeners_.remove(id); }

void Registry::enqueue(Work work) {
  std::lock_guard<std::mutex> lock(queue_mutex_);
  if (stopping_) return;
  // Republish requests collapse: one pending per plugin is enough.
  if (work.kind == Work::Kind::kRepublish) {
    for (const Work& queued : queue_) {
      if (queued.kind == Work::Kind::kRepublish && queued.id == work.id && queued.generation == work.generation) return;
    }
  }
  queue_.push_back(std::move(work));
  queue_changed_.notify_one();
}

// A reload keeps a plugin running only when it runs well on the same code: a failed, stale or
// crash-looping one is started afresh ("fix the plugin, then reload"), and so is a
// process-isolated one whose library file changed (an in-process library cannot be reloaded
// at the same path: the loader returns the copy already loaded).
bool Registry::keepable(const Slot& slot) const {
  const auto state = slot.status.state();
  if (state != section::v1::SERVING && state != section::v1::DISABLED) return false;
  if (state == section::v1::SERVING && slot.config.isolation == Isolation::kProcess &&
      library_stamp(slot.config.library_path) != slot.library_stamp) {
    return false;
  }
  return true;
}

Registry::Slot* Registry::find(const std::string& id) {
  for (const auto& slot : slots_) {
    if (slot->config.id == id) return slot.get();
  }
  return nullptr;
}

std::vector<const Registry::Slot*> Registry::all_slots() const {
  std::vector<const Slot*> all;
  for (const auto& slot : slots_) all.push_back(slot.get());
  return all;
}

// Every change after start-up happens here, on the worker thread, never on a plugin's: a
// plugin may ask to republish from inside its own callbacks.
void Registry::worker_loop() {
  for (;;) {
    std::optional<Work> work;
    {
      std::unique_lock<std::mutex> lock(queue_mutex_);
      std::optional<Clock::time_point> next_restart;
      for (const auto& slot : slots_) {
        if (slot->restart_at && (!next_restart || *slot->restart_at < *next_restart)) next_restart = slot->restart_at;
      }
      const auto ready = [this] { return stopping_ || !queue_.empty(); };
      if (next_restart) {
        queue_changed_.wait_until(lock, *next_restart, ready);
      } else {
        queue_changed_.wait(lock, ready);
      }
      if (stopping_) return;
      if (!queue_.empty()) {
        work = std::move(queue_.front());
        queue_.pop_front();
      }
    }
    if (work) {
      switch (work->kind) {
        case Work::Kind::kRepublish: handle_republish(work->id, work->generation); break;
        case Work::Kind::kLost: handle_lost(work->id, work->generation, work->reason); break;
        case Work::Kind::kReload: work->reload->set_value(handle_reload(*work->config, std::move(*work->section))); break;
        case Work::Kind::kTask: work->task(true); break;
      }
    }
    handle_restarts();
  }
}

void Registry::handle_republish(const std::string& id, std::uint64_t generation) {
  Slot* slot = find(id);
  if (slot == nullptr || slot->generation != generation || !slot->source) return;
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
    if (supervised(slot->config)) {
      slot->source.reset();
      supervise_failure(*slot, error);
    } else if (slot->component) {
      slot->status.set_state(section::v1::STALE);
      if (!slot->status.has_stale_since()) *slot->status.mutable_stale_since() = now_timestamp();
      slot->status.set_reason(error);
      log::error(error + " — serving its last good snapshot, marked stale");
    }
    publish_view("plugin '" + id + "' failed to publish");
    return;
  }
  // The same bytes are the same component (it has no map fields, whose order could vary).
  if (was_serving && before && before->bytes == slot->component->bytes) return;
  publish_view("component " + id + " republished");
}

void Registry::handle_lost(const std::string& id, std::uint64_t generation, const std::string& reason) {
  Slot* slot = find(id);
  if (slot == nullptr || slot->generation != generation) return;
  slot->source.reset();
  supervise_failure(*slot, "its plugin is unavailable: " + reason);
  publish_view("plugin '" + id + "' lost: " + reason);
}

void Registry::supervise_failure(Slot& slot, const std::string& reason) {
  const auto now = Clock::now();
  // A plugin that ran a good while before failing starts its backoff afresh; one that fails
  // soon after each restart backs off further each time.
  if (slot.serving_since && now - *slot.serving_since > kStableAfter) slot.consecutive_failures = 0;
  slot.serving_since.reset();
  slot.failures.push_back(now);
  while (!slot.failures.empty() && now - slot.failures.front() > config_.supervision.crash_loop_window) slot.failures.pop_front();
  ++slot.consecutive_failures;
  if (slot.component) {
    slot.status.set_state(section::v1::STALE);
    if (!slot.status.has_stale_since()) *slot.status.mutable_stale_since() = now_timestamp();
  } else {
    slot.status.set_state(section::v1::FAILED);
  }
  std::string text = reason;
  if (static_cast<int>(slot.failures.size()) >= config_.supervision.crash_loop_failures) {
    slot.restart_at.reset();
    slot.status.set_crash_looping(true);
    text += "; crash-looping: " + std::to_string(slot.failures.size()) + " failures within " +
            seconds_text(config_.supervision.crash_loop_window) +
            ", so the host stopped restarting it (fix the plugin, then reload the configuration)";
  } else {
    const auto delay = backoff(config_.supervision, slot.consecutive_failures);
    slot.restart_at = now + delay;
    text += "; restarting in " + seconds_text(delay) + " (failure " + std::to_string(slot.failures.size()) + " of " +
            std::to_string(config_.supervision.crash_loop_failures) + " allowed within " +
            seconds_text(config_.supervision.crash_loop_window) + ")";
  }
  slot.status.set_reason(text);
  log::warning("plugin '" + slot.config.id + "': " + text);
}

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
      publish_view("plugin '" + slot->config.id + "' restarted");
    } else {
      slot->source.reset();
      supervise_failure(*slot, "its restart failed: " + std::string(restarted.message()));
      publish_view("plugin '" + slot->config.id + "' failed to restart");
    }
  }
}

absl::StatusOr<ReloadSummary> Registry::reload(config::HostConfig config, config::SectionFile section) {
  auto promise = std::make_shared<std::promise<absl::StatusOr<ReloadSummary>>>();
  auto future = promise->get_future();
  {
    std::lock_guard<std::mutex> lock(queue_mutex_);
    if (stopping_ || !worker_running_) return absl::UnavailableError("the host is not serving, so it cannot reload");
    Work work{Work::Kind::kReload, {}, 0, {}, promise, std::make_shared<config::HostConfig>(std::move(config)),
              std::make_shared<config::SectionFile>(std::move(section)), {}};
    queue_.push_back(std::move(work));
    queue_changed_.notify_one();
  }
  return future.get();
}

absl::StatusOr<std::uint64_t> Registry::change_reported(const std::string& component_id, Change change) {
  auto promise = std::make_shared<std::promise<absl::StatusOr<std::uint64_t>>>();
  auto future = promise->get_future();
  Work work{Work::Kind::kTask, component_id, 0, {}, nullptr, nullptr, nullptr, {}};
  work.task = [this, component_id, change = std::move(change), promise](bool run) {
    if (!run) {
      promise->set_value(absl::UnavailableError("the host is stopping"));
      return;
    }
    ComponentAccess access;
    std::optional<section::v1::Component> published;
    access.budget_year = section_->info.budget_year();
    Slot* slot = find(component_id);
    if (slot != nullptr) {
      access.state = slot->status.state();
      access.reason = slot->status.reason();
      const bool served = access.state == section::v1::SERVING || access.state == section::v1::STALE;
      if (served && slot->component) access.published = &published.emplace(slot->component->parse());
      access.check = [slot](const section::v1::Component& component) {
        if (!slot->source) return loading::plugin_failed("the plugin is not running");
        return slot->source->check(component);
      };
    }
    const absl::StatusOr<std::string> reason = change(access);
    if (!reason.ok()) {
      promise->set_value(reason.status());
      return;
    }
    publish_view(*reason);
    promise->set_value(current()->version);
  };
  {
    std::lock_guard<std::mutex> lock(queue_mutex_);
    if (stopping_ || !worker_running_) return absl::UnavailableError("the host is not serving");
    queue_.push_back(std::move(work));
    queue_changed_.notify_one();
  }
  return future.get();
}

absl::StatusOr<ReloadSummary> Registry::handle_reload(const config::HostConfig& config, config::SectionFile section) {
  // New slots are made with the new configuration and section file; on failure both go back.
  const config::HostConfig old_config = config_;
  const auto old_section = section_;
  config_ = config;
  section_ = std::make_shared<const config::SectionFile>(std::move(section));
  ReloadSummary summary;
  ReloadPlan plan;
  absl::Status planned = plan_reload(config, &plan, &summary);
  if (planned.ok()) planned = check_reload(plan);
  if (!planned.ok()) {
    config_ = old_config;
    section_ = old_section;
    return planned;
  }
  Slots retired = swap_in(plan, config, &summary);
  std::string reason = "reload of " + config_.path.string();
  if (!summary.started.empty()) reason += "; started " + std::to_string(summary.started.size());
  if (!summary.stopped.empty()) reason += "; stopped " + std::to_string(summary.stopped.size());
  publish_view(reason);
  summary.version = current()->version;
  retired.clear();
  log::info("reload done: " + std::to_string(summary.started.size()) + " plugin(s) started, " +
            std::to_string(summary.stopped.size()) + " stopped, " + std::to_string(summary.kept.size()) + " kept");
  return summary;
}

absl::Status Registry::plan_reload(const config::HostConfig& config, ReloadPlan* plan, ReloadSummary* summary) {
  std::vector<bool> kept(slots_.size(), false);
  for (const config::PluginConfig& plugin : config.plugins) {
    Slot* keep = nullptr;
    for (std::size_t i = 0; i < slots_.size(); ++i) {
      if (!kept[i] && slots_[i]->config.same_plugin_as(plugin) && keepable(*slots_[i])) {
        kept[i] = true;
        keep = slots_[i].get();
        break;
      }
    }
    if (keep != nullptr) {
      plan->order.push_back(keep);
      plan->started.push_back(nullptr);
      summary->kept.push_back(plugin.id);
      continue;
    }
    std::vector<const Slot*> others(plan->order.begin(), plan->order.end());
    auto slot = make_slot(plugin, others);
    if (!slot.ok()) return slot.status();
    plan->order.push_back(slot->get());
    plan->started.push_back(std::move(*slot));
    summary->started.push_back(plugin.id);
  }
  return absl::OkStatus();
}

absl::Status Registry::check_reload(const ReloadPlan& plan) const {
  std::vector<const section::v1::Component*> together;
  for (const Slot* slot : plan.order) {
    if (!slot->component) continue;
    const absl::Status valid = loading::validate_fetched(slot->component->parse(), slot->config.id, slot->status.library(),
                                                         section_->info.budget_year());
    if (!valid.ok()) return valid;
    together.push_back(&slot->component->header);
  }
  if (absl::Status fits = aggregate::validate_together(together); !fits.ok()) {
    return absl::InvalidArgumentError("the components do not fit together: " + std::string(fits.message()));
  }
  return absl::OkStatus();
}

Registry::Slots Registry::swap_in(ReloadPlan& plan, const config::HostConfig& config, ReloadSummary* summary) {
  Slots next;
  for (std::size_t i = 0; i < plan.order.size(); ++i) {
    if (plan.started[i]) {
      next.push_back(std::move(plan.started[i]));
      continue;
    }
    for (std::size_t j = 0; j < slots_.size(); ++j) {
      if (slots_[j].get() == plan.order[i]) {
        next.push_back(std::move(slots_[j]));
        next.back()->config = config.plugins[i];  // the same plugin; its line may have moved
        break;
      }
    }
  }
  Slots retired;
  for (auto& slot : slots_) {
    if (slot) {
      summary->stopped.push_back(slot->config.id);
      retired.push_back(std::move(slot));
    }
  }
  slots_ = std::move(next);
  return retired;
}

void Registry::stop() {
  std::deque<Work> pending;
  {
    std::lock_guard<std::mutex> lock(queue_mutex_);
    stopping_ = true;
    worker_running_ = false;
    pending.swap(queue_);
    queue_changed_.notify_all();
  }
  if (worker_.joinable()) worker_.join();
  for (Work& work : pending) {
    if (work.reload) work.reload->set_value(absl::UnavailableError("the host is stopping"));
    if (work.task) work.task(false);
  }
  for (auto& slot : slots_) slot->source.reset();
}

}  // namespace section::registry
