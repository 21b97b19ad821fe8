#include "host/registry/registry.h"

#include <algorithm>

#include <google/protobuf/util/message_differencer.h>
#include <google/protobuf/util/time_util.h>

#include "host/aggregate/validation.h"
#include "host/core/log.h"
#include "host/loading/plugin_steps.h"

namespace section::registry {
namespace {

using google::protobuf::util::TimeUtil;

log::Level level_of(int plugin_level) {
  switch (plugin_level) {
    case SECTION_LOG_DEBUG: return log::Level::kDebug;
    case SECTION_LOG_WARNING: return log::Level::kWarning;
    case SECTION_LOG_ERROR: return log::Level::kError;
    default: return log::Level::kInfo;
  }
}

}  // namespace

Registry::Registry(config::SectionFile section) : section_(std::move(section)) {}

Registry::~Registry() { stop(); }

Status Registry::start(const config::HostConfig& config) {
  loading::HostServices services;
  services.log = [](const std::string& id, int level, const std::string& message) {
    log::write(level_of(level), "plugin " + id, message);
  };
  services.republish_requested = [this](const std::string& id) { request_republish(id); };

  for (const config::PluginConfig& plugin : config.plugins) {
    auto slot = std::make_unique<Slot>();
    slot->config = plugin;
    slot->status.set_id(plugin.id);
    slot->status.set_library(plugin.library_path.string());
    if (!plugin.enabled) {
      slot->status.set_state(section::v1::DISABLED);
      slot->status.set_reason("enabled: false in " + config.path.string());
      log::info("plugin '" + plugin.id + "' is disabled");
      slots_.push_back(std::move(slot));
      continue;
    }
    const std::string where = config.path.string() + ":" + std::to_string(plugin.line) + ": plugin '" + plugin.id + "': ";
    loading::PluginError error;
    auto library = loading::PluginLibrary::open(plugin.library_path, &error);
    if (!library) return Status::error(where + error.message);

    const section::v1::PluginStartRequest request = loading::make_start_request(
        plugin.id, plugin.library_path, config.dir(), plugin.settings, section_.info.budget_year());
    slot->instance = loading::PluginInstance::start(library, request, services, &error);
    if (slot->instance && !publish_slot(*slot, &error)) slot->instance.reset();
    if (!slot->instance) {
      if (error.stops_startup()) return Status::error(where + error.message);
      slot->status.set_state(section::v1::FAILED);
      slot->status.set_reason(error.message);
      log::error(error.message + " — the component is left out; the host serves the others");
    }
    slots_.push_back(std::move(slot));
  }

  publish_view("start-up");
  worker_ = std::thread([this] { republish_loop(); });
  return Status::ok();
}

bool Registry::publish_slot(Slot& slot, loading::PluginError* error) {
  section::v1::Component component;
  if (!loading::publish_validated(*slot.instance, section_.info.budget_year(), &component, error)) return false;
  std::vector<section::v1::Component> together = {component};
  for (const auto& other : slots_) {
    if (other.get() != &slot && other->component) together.push_back(*other->component);
  }
  if (Status fits = aggregate::validate_together(together); !fits) {
    error->kind = loading::PluginError::Kind::kInvalidComponent;
    error->message = "plugin '" + slot.config.id + "' published a component that does not fit: " + fits.message();
    return false;
  }
  slot.status.set_state(section::v1::SERVING);
  slot.status.set_title(component.title());
  slot.status.clear_reason();
  *slot.status.mutable_published_at() = TimeUtil::GetCurrentTime();
  slot.component = std::move(component);
  return true;
}

void Registry::publish_view(const std::string& reason) {
  aggregate::SectionInput input;
  input.section = &section_;
  for (const auto& slot : slots_) {
    input.statuses.push_back(slot->status);
    if (slot->component) input.components.push_back(*slot->component);
  }
  {
    std::lock_guard<std::mutex> lock(view_mutex_);
    input.version = ++version_;
  }
  auto built = std::make_shared<aggregate::SectionView>(aggregate::build_view(std::move(input)));
  built->reason = reason;
  built->published_at = TimeUtil::GetCurrentTime();
  const ViewPtr view = std::move(built);
  {
    std::lock_guard<std::mutex> lock(view_mutex_);
    view_ = view;
  }
  log::info("published version " + std::to_string(view->version) + " (" + reason + ")");
  std::vector<Listener> listeners;
  {
    std::lock_guard<std::mutex> lock(listeners_mutex_);
    for (const auto& [id, listener] : listeners_) listeners.push_back(listener);
  }
  for (const auto& listener : listeners) listener(view);
}

ViewPtr Registry::current() const {
  std::lock_guard<std::mutex> lock(view_mutex_);
  return view_;
}

int Registry::subscribe(Listener listener) {
  std::lock_guard<std::mutex> lock(listeners_mutex_);
  listeners_[next_listener_] = std::move(listener);
  return next_listener_++;
}

void Registry::unsubscribe(int id) {
  std::lock_guard<std::mutex> lock(listeners_mutex_);
  listeners_.erase(id);
}

void Registry::request_republish(const std::string& plugin_id) {
  std::lock_guard<std::mutex> lock(queue_mutex_);
  if (stopping_) return;
  if (std::find(queue_.begin(), queue_.end(), plugin_id) == queue_.end()) queue_.push_back(plugin_id);
  queue_changed_.notify_one();
}

// Republishes on the registry's own thread, never on the plugin's: a plugin may ask from
// inside its own callbacks.
void Registry::republish_loop() {
  for (;;) {
    std::string id;
    {
      std::unique_lock<std::mutex> lock(queue_mutex_);
      queue_changed_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (stopping_) return;
      id = queue_.front();
      queue_.pop_front();
    }
    auto slot = std::find_if(slots_.begin(), slots_.end(), [&](const auto& s) { return s->config.id == id; });
    if (slot == slots_.end() || !(*slot)->instance) continue;
    const std::optional<section::v1::Component> before = (*slot)->component;
    loading::PluginError error;
    if (!publish_slot(**slot, &error)) {
      // The last good component keeps serving.
      log::warning(error.message + " — keeping its previous component");
      continue;
    }
    if (before && google::protobuf::util::MessageDifferencer::Equals(*before, *(*slot)->component)) continue;
    publish_view("component " + id + " republished");
  }
}

void Registry::stop() {
  {
    std::lock_guard<std::mutex> lock(queue_mutex_);
    stopping_ = true;
    queue_changed_.notify_all();
  }
  if (worker_.joinable()) worker_.join();
  for (auto& slot : slots_) slot->instance.reset();
}

}  // namespace section::registry
