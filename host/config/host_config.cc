#include "host/config/host_config.h"

#include <algorithm>
#include <cctype>
#include <system_error>

#include "section/sdk/yaml.h"

namespace section::config {
namespace {

namespace fs = std::filesystem;
using section::yaml::Map;
using section::yaml::Value;

bool valid_id(const std::string& id) {
  if (id.empty() || id.size() > 64 || !std::islower(static_cast<unsigned char>(id[0]))) return false;
  return std::all_of(id.begin(), id.end(), [](unsigned char c) { return std::islower(c) || std::isdigit(c) || c == '_' || c == '-'; });
}

fs::path absolute_from(const fs::path& base, const fs::path& path) {
  std::error_code ec;
  const fs::path joined = path.is_absolute() ? path : base / path;
  const fs::path normal = fs::weakly_canonical(joined, ec);
  return ec ? joined.lexically_normal() : normal;
}

constexpr std::initializer_list<const char*> kPluginKeys = {"id", "library", "isolation", "endpoint", "enabled", "settings"};

PluginConfig read_plugin(const Value& value, const fs::path& config_dir, const fs::path& plugin_dir) {
  const Map map = value.map(kPluginKeys);
  PluginConfig plugin;
  plugin.line = value.line();
  const Value id = map.required("id");
  plugin.id = id.str();
  if (!valid_id(plugin.id)) {
    id.fail("'" + plugin.id + "' is not a valid plugin id (lower-case letters, digits, '_' or '-', starting with a letter)");
  }
  if (auto enabled = map.optional("enabled")) plugin.enabled = enabled->boolean();
  if (auto settings = map.optional("settings")) {
    if (!settings->is_null()) {
      for (const auto& [key, setting] : settings->open_map().entries()) plugin.settings[key] = setting.text();
    }
  }

  // An external plugin: an address instead of a library.
  if (auto endpoint = map.optional("endpoint")) {
    if (map.has("library")) endpoint->fail("give either library or endpoint, not both");
    if (map.has("isolation")) endpoint->fail("isolation applies to a library; an endpoint is already its own process");
    plugin.endpoint = endpoint->str();
    if (Status status = check_listen_address(plugin.endpoint); !status) endpoint->fail(status.message());
    plugin.isolation = Isolation::kEndpoint;
    return plugin;
  }

  if (!map.has("library")) value.fail("missing key 'library' (or 'endpoint' for an external plugin)");
  const Value library = map.required("library");
  plugin.library = library.str();
  const bool is_path = plugin.library.find('/') != std::string::npos ||
                       (plugin.library.size() > 3 && plugin.library.substr(plugin.library.size() - 3) == ".so");
  plugin.library_path = is_path ? absolute_from(config_dir, plugin.library)
                                : plugin_dir / plugin.library / (plugin.library + ".so");
  if (auto isolation = map.optional("isolation")) {
    plugin.isolation = isolation->choice({"in_process", "process"}) == "process" ? Isolation::kProcess : Isolation::kInProcess;
  }
  if (plugin.enabled) {
    std::error_code ec;
    if (!fs::is_regular_file(plugin.library_path, ec)) {
      library.fail("library " + plugin.library_path.string() + " does not exist" +
                   (is_path ? "" : " (a bare name resolves to <plugin_dir>/<name>/<name>.so; plugin_dir is " +
                                       plugin_dir.string() + ")"));
    }
  }
  return plugin;
}

std::chrono::milliseconds millis(const Value& value, std::int64_t min, std::int64_t max) {
  return std::chrono::milliseconds(value.integer(min, max));
}

SupervisionConfig read_supervision(const Value& value, const fs::path& config_dir) {
  const Map map = value.map({"backoff_initial_ms", "backoff_max_ms", "crash_loop_failures", "crash_loop_window_ms", "runner"});
  SupervisionConfig supervision;
  if (auto v = map.optional("backoff_initial_ms")) supervision.backoff_initial = millis(*v, 10, 600'000);
  if (auto v = map.optional("backoff_max_ms")) supervision.backoff_max = millis(*v, 10, 3'600'000);
  if (supervision.backoff_max < supervision.backoff_initial) {
    map.required("backoff_max_ms").fail("must be at least backoff_initial_ms");
  }
  if (auto v = map.optional("crash_loop_failures")) supervision.crash_loop_failures = static_cast<int>(v->integer(1, 1000));
  if (auto v = map.optional("crash_loop_window_ms")) supervision.crash_loop_window = millis(*v, 100, 86'400'000);
  if (auto v = map.optional("runner")) {
    supervision.runner = absolute_from(config_dir, v->str());
    std::error_code ec;
    if (!fs::is_regular_file(supervision.runner, ec)) v->fail("runner " + supervision.runner.string() + " does not exist");
  }
  return supervision;
}

LimitsConfig read_limits(const Value& value) {
  const Map map = value.map({"max_request_bytes", "max_response_bytes", "max_watch_streams", "keepalive_time_ms",
                             "keepalive_timeout_ms", "min_client_ping_interval_ms"});
  LimitsConfig limits;
  if (auto v = map.optional("max_request_bytes")) limits.max_request_bytes = static_cast<int>(v->integer(1024, 64 << 20));
  if (auto v = map.optional("max_response_bytes")) limits.max_response_bytes = static_cast<int>(v->integer(64 << 10, 1 << 30));
  if (auto v = map.optional("max_watch_streams")) limits.max_watch_streams = static_cast<int>(v->integer(1, 1'000'000));
  if (auto v = map.optional("keepalive_time_ms")) limits.keepalive_time = millis(*v, 1000, 86'400'000);
  if (auto v = map.optional("keepalive_timeout_ms")) limits.keepalive_timeout = millis(*v, 100, 600'000);
  if (auto v = map.optional("min_client_ping_interval_ms")) limits.min_client_ping_interval = millis(*v, 100, 86'400'000);
  return limits;
}

HostConfig read(const Value& root, const fs::path& file, const fs::path& default_plugin_dir) {
  const Map map = root.map({"listen", "section", "plugin_dir", "shutdown_grace_ms", "drain_ms", "plugin_call_timeout_ms",
                            "supervision", "limits", "plugins"});
  HostConfig config;
  std::error_code cwd_error;
  const fs::path cwd = fs::current_path(cwd_error);
  config.path = absolute_from(cwd_error ? fs::path("/") : cwd, file);
  if (auto listen = map.optional("listen")) {
    config.listen = listen->str();
    if (Status status = check_listen_address(config.listen); !status) listen->fail(status.message());
  }
  const Value section = map.required("section");
  config.section_file = absolute_from(config.dir(), section.str());
  std::error_code ec;
  if (!fs::is_regular_file(config.section_file, ec)) section.fail("section file " + config.section_file.string() + " does not exist");
  config.plugin_dir = default_plugin_dir;
  if (auto plugin_dir = map.optional("plugin_dir")) config.plugin_dir = absolute_from(config.dir(), plugin_dir->str());
  if (auto grace = map.optional("shutdown_grace_ms")) config.shutdown_grace = millis(*grace, 0, 600'000);
  if (auto drain = map.optional("drain_ms")) config.drain = millis(*drain, 0, 600'000);
  if (auto timeout = map.optional("plugin_call_timeout_ms")) config.plugin_call_timeout = millis(*timeout, 1, 3'600'000);
  if (auto supervision = map.optional("supervision")) config.supervision = read_supervision(*supervision, config.dir());
  if (auto limits = map.optional("limits")) config.limits = read_limits(*limits);
  for (const Value& item : map.required("plugins").list()) {
    PluginConfig plugin = read_plugin(item, config.dir(), config.plugin_dir);
    for (const PluginConfig& other : config.plugins) {
      if (other.id == plugin.id) {
        item.map(kPluginKeys).required("id").fail(
            "plugin id '" + plugin.id + "' is already used by the plugin at line " + std::to_string(other.line));
      }
    }
    config.plugins.push_back(std::move(plugin));
  }
  return config;
}

}  // namespace

Status check_listen_address(const std::string& address) {
  if (address.rfind("unix:", 0) == 0) {
    return address.size() > 5 ? Status::ok() : Status::error("a unix: address needs a path");
  }
  const auto colon = address.rfind(':');
  if (colon == std::string::npos || colon == 0) return Status::error("'" + address + "' is not host:port");
  const std::string port = address.substr(colon + 1);
  if (port.empty() || port.size() > 5 || !std::all_of(port.begin(), port.end(), [](unsigned char c) { return std::isdigit(c); }) ||
      std::stoi(port) > 65535) {
    return Status::error("'" + address + "' has no valid port (0–65535)");
  }
  const std::string host = address.substr(0, colon);
  if (host.front() == '[' && host.back() != ']') return Status::error("'" + address + "': an IPv6 host goes in brackets");
  return Status::ok();
}

Result<HostConfig> load_host_config(const fs::path& file, const fs::path& default_plugin_dir) {
  try {
    return read(section::yaml::load_file(file.string()), file, default_plugin_dir);
  } catch (const section::yaml::Error& e) {
    return Status::error(e.what());
  }
}

}  // namespace section::config
