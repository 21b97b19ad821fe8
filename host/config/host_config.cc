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
    if (absl::Status status = check_listen_address(plugin.endpoint); !status.ok()) endpoint->fail(std::string(status.message()));
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
  const Map map = value.map({"max_request_bytes", "max_response_bytes", "max_watch_streams", "max_report_calls", "keepalive_time_ms",
                             "keepalive_timeout_ms", "min_client_ping_interval_ms", "http_request_timeout_ms",
                             "http_max_header_bytes"});
  LimitsConfig limits;
  if (auto v = map.optional("max_request_bytes")) limits.max_request_bytes = static_cast<int>(v->integer(1024, 64 << 20));
  if (auto v = map.optional("max_response_bytes")) limits.max_response_bytes = static_cast<int>(v->integer(64 << 10, 1 << 30));
  if (auto v = map.optional("max_watch_streams")) limits.max_watch_streams = static_cast<int>(v->integer(1, 1'000'000));
  if (auto v = map.optional("max_report_calls")) limits.max_report_calls = static_cast<int>(v->integer(1, 100'000));
  if (auto v = map.optional("keepalive_time_ms")) limits.keepalive_time = millis(*v, 1000, 86'400'000);
  if (auto v = map.optional("keepalive_timeout_ms")) limits.keepalive_timeout = millis(*v, 100, 600'000);
  if (auto v = map.optional("min_client_ping_interval_ms")) limits.min_client_ping_interval = millis(*v, 100, 86'400'000);
  if (auto v = map.optional("http_request_timeout_ms")) limits.http_request_timeout = millis(*v, 100, 600'000);
  if (auto v = map.optional("http_max_header_bytes")) limits.http_max_header_bytes = static_cast<int>(v->integer(1024, 1 << 20));
  return limits;
}

bool is_hex(const std::string& text) {
  return std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isdigit(c) || (c >= 'a' && c <= 'f'); });
}

fs::path readable_file(const Value& value, const fs::path& config_dir) {
  const fs::path path = absolute_from(config_dir, value.str());
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) value.fail(path.string() + " does not exist or is not a file");
  return path;
}

TlsConfig read_tls(const Value& value, const fs::path& config_dir) {
  const Map map = value.map({"certificate", "private_key", "client_ca", "require_client_certificate"});
  TlsConfig tls;
  tls.certificate = readable_file(map.required("certificate"), config_dir);
  tls.private_key = readable_file(map.required("private_key"), config_dir);
  if (auto ca = map.optional("client_ca")) tls.client_ca = readable_file(*ca, config_dir);
  if (auto require = map.optional("require_client_certificate")) {
    tls.require_client_certificate = require->boolean();
    if (tls.require_client_certificate && tls.client_ca.empty()) {
      require->fail("require_client_certificate needs client_ca: the CAs that sign client certificates");
    }
  }
  return tls;
}

constexpr std::initializer_list<const char*> kTokenKeys = {"name", "role", "components", "hash"};

TokenConfig read_token(const Value& value) {
  const Map map = value.map(kTokenKeys);
  TokenConfig token;
  token.line = value.line();
  const Value name = map.required("name");
  token.name = name.str();
  if (!valid_id(token.name)) {
    name.fail("'" + token.name + "' is not a valid token name (lower-case letters, digits, '_' or '-', starting with a letter)");
  }
  const Value role = map.required("role");
  const std::string role_text = role.str();
  if (role_text == "reader") token.role = Role::kReader;
  else if (role_text == "reporter") token.role = Role::kReporter;
  else if (role_text == "admin") token.role = Role::kAdmin;
  else role.fail("unknown role '" + role_text + "' (reader, reporter or admin)");
  if (auto components = map.optional("components")) {
    if (token.role != Role::kReporter) components->fail("only a reporter has components (its scope)");
    for (const Value& component : components->list()) {
      std::string id = component.str();
      if (!valid_id(id)) component.fail("'" + id + "' is not a valid component id");
      token.components.push_back(std::move(id));
    }
  }
  if (token.role == Role::kReporter && token.components.empty()) {
    value.fail("a reporter needs components: the ids of the components it may report for");
  }
  // sha256:<salt hex>:<digest hex>, as `section-ctl token new` prints it.
  const Value hash = map.required("hash");
  const std::string text = hash.str();
  const auto first = text.find(':');
  const auto second = first == std::string::npos ? std::string::npos : text.find(':', first + 1);
  if (second == std::string::npos || text.substr(0, first) != "sha256") {
    hash.fail("a token hash is sha256:<salt hex>:<digest hex>, as `section-ctl token new` prints it (never the token itself)");
  }
  token.salt_hex = text.substr(first + 1, second - first - 1);
  token.digest_hex = text.substr(second + 1);
  if (!is_hex(token.salt_hex) || token.salt_hex.size() < 32 || token.salt_hex.size() > 128 || token.salt_hex.size() % 2 != 0) {
    hash.fail("the salt must be 16 to 64 bytes in lower-case hex");
  }
  if (!is_hex(token.digest_hex) || token.digest_hex.size() != 64) hash.fail("the digest must be 32 bytes in lower-case hex");
  return token;
}

AuthConfig read_auth(const Value& value) {
  const Map map = value.map({"reads", "tokens"});
  AuthConfig auth;
  if (auto reads = map.optional("reads")) {
    const std::string text = reads->str();
    if (text == "token") auth.reads_need_token = true;
    else if (text != "open") reads->fail("reads is 'open' (anyone may read) or 'token' (any valid token)");
  }
  if (auto tokens = map.optional("tokens")) {
    for (const Value& item : tokens->list()) {
      TokenConfig token = read_token(item);
      for (const TokenConfig& other : auth.tokens) {
        if (other.name == token.name) {
          item.map(kTokenKeys).required("name").fail("token name '" + token.name + "' is already used at line " +
                                                      std::to_string(other.line));
        }
        if (other.salt_hex == token.salt_hex) {
          item.map(kTokenKeys).required("hash").fail("this salt is already used at line " + std::to_string(other.line) +
                                                     ": every token needs its own");
        }
      }
      auth.tokens.push_back(std::move(token));
    }
  }
  if (auth.reads_need_token && auth.tokens.empty()) map.required("reads").fail("reads: token needs at least one token");
  return auth;
}

StorageConfig read_storage(const Value& value, const fs::path& config_dir) {
  const Map map = value.map({"data_dir", "postgres", "max_database_bytes", "statement_timeout_ms"});
  StorageConfig storage;
  const auto postgres = map.optional("postgres");
  if (postgres && map.has("data_dir")) {
    postgres->fail("give either data_dir (SQLite, one host) or postgres (PostgreSQL, shared by several hosts), not both");
  }
  if (postgres) {
    storage.postgres = postgres->str();
    if (map.has("max_database_bytes")) {
      map.required("max_database_bytes").fail("max_database_bytes limits the SQLite file of data_dir; it does not apply to postgres");
    }
    if (auto timeout = map.optional("statement_timeout_ms")) storage.statement_timeout = millis(*timeout, 100, 600'000);
    return storage;
  }
  if (!map.has("data_dir")) value.fail("missing key 'data_dir' (SQLite) or 'postgres' (PostgreSQL)");
  if (map.has("statement_timeout_ms")) {
    map.required("statement_timeout_ms").fail("statement_timeout_ms bounds the statements of postgres; it does not apply to data_dir");
  }
  storage.data_dir = absolute_from(config_dir, map.required("data_dir").str());
  if (auto max = map.optional("max_database_bytes")) storage.max_database_bytes = max->integer(64 * 1024, std::int64_t{1} << 46);
  return storage;
}

// http_listen: checked like listen, on another port. With tls it serves HTTPS with the same certificate.
void read_http_listen(const Map& map, HostConfig& config) {
  const auto http = map.optional("http_listen");
  if (!http) return;
  config.http_listen = http->str();
  if (absl::Status status = check_http_listen_address(config.http_listen); !status.ok()) http->fail(std::string(status.message()));
  const auto port = config.http_listen.substr(config.http_listen.rfind(':') + 1);
  if (config.http_listen == config.listen && port != "0") http->fail("http_listen must differ from listen (" + config.listen + ")");
}

HostConfig read(const Value& root, const fs::path& file, const fs::path& default_plugin_dir) {
  const Map map = root.map({"listen", "http_listen", "section", "plugin_dir", "shutdown_grace_ms", "drain_ms", "plugin_call_timeout_ms",
                            "supervision", "limits", "tls", "auth", "storage", "plugins"});
  HostConfig config;
  std::error_code cwd_error;
  const fs::path cwd = fs::current_path(cwd_error);
  config.path = absolute_from(cwd_error ? fs::path("/") : cwd, file);
  if (auto listen = map.optional("listen")) {
    config.listen = listen->str();
    if (absl::Status status = check_listen_address(config.listen); !status.ok()) listen->fail(std::string(status.message()));
  }
  read_http_listen(map, config);
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
  if (auto tls = map.optional("tls")) config.tls = read_tls(*tls, config.dir());
  if (auto auth = map.optional("auth")) config.auth = read_auth(*auth);
  if (auto storage = map.optional("storage")) config.storage = read_storage(*storage, config.dir());
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
  // A reporter's scope names configured components: a typo would lock its team out silently.
  for (const TokenConfig& token : config.auth.tokens) {
    for (const std::string& component : token.components) {
      const bool known = std::any_of(config.plugins.begin(), config.plugins.end(),
                                     [&](const PluginConfig& plugin) { return plugin.id == component; });
      if (!known) {
        throw section::yaml::Error(config.path.string(), token.line, 0, "auth.tokens",
                                   "token '" + token.name + "': no plugin has the id '" + component + "'");
      }
    }
  }
  return config;
}

}  // namespace

bool valid_id(const std::string& id) {
  if (id.empty() || id.size() > 64 || !std::islower(static_cast<unsigned char>(id[0]))) return false;
  return std::all_of(id.begin(), id.end(), [](unsigned char c) { return std::islower(c) || std::isdigit(c) || c == '_' || c == '-'; });
}

const char* role_name(Role role) {
  switch (role) {
    case Role::kReader: return "reader";
    case Role::kReporter: return "reporter";
    case Role::kAdmin: return "admin";
  }
  return "?";
}

absl::Status check_listen_address(const std::string& address) {
  if (address.rfind("unix:", 0) == 0) {
    return address.size() > 5 ? absl::OkStatus() : absl::InvalidArgumentError("a unix: address needs a path");
  }
  const auto colon = address.rfind(':');
  if (colon == std::string::npos || colon == 0) return absl::InvalidArgumentError("'" + address + "' is not host:port");
  const std::string port = address.substr(colon + 1);
  if (port.empty() || port.size() > 5 || !std::all_of(port.begin(), port.end(), [](unsigned char c) { return std::isdigit(c); }) ||
      std::stoi(port) > 65535) {
    return absl::InvalidArgumentError("'" + address + "' has no valid port (0–65535)");
  }
  const std::string host = address.substr(0, colon);
  if (host.front() == '[' && host.back() != ']') return absl::InvalidArgumentError("'" + address + "': an IPv6 host goes in brackets");
  // "[]" would resolve to every interface: that must be asked for by name.
  if (host == "[]") return absl::InvalidArgumentError("'" + address + "' names no host (for every interface, say 0.0.0.0 or [::])");
  return absl::OkStatus();
}

absl::Status check_http_listen_address(const std::string& address) {
  if (address.rfind("unix:", 0) == 0) return absl::InvalidArgumentError("'" + address + "': the HTTP listener needs host:port, not a unix: socket");
  return check_listen_address(address);
}

absl::StatusOr<HostConfig> load_host_config(const fs::path& file, const fs::path& default_plugin_dir) {
  try {
    return read(section::yaml::load_file(file.string()), file, default_plugin_dir);
  } catch (const section::yaml::Error& e) {
    return absl::InvalidArgumentError(e.what());
  }
}

}  // namespace section::config
