#include <algorithm>
#include <fstream>
#include <sstream>

#include "section/sdk/sdk.h"

namespace section::sdk {

Context::Context(section::v1::PluginStartRequest request, const section_host_api* host)
    : request_(std::move(request)), host_(host) {}

std::optional<std::string> Context::setting(const std::string& name) const {
  const auto found = request_.settings().find(name);
  if (found == request_.settings().end()) return std::nullopt;
  return found->second;
}

void Context::require_known_settings(const std::vector<std::string>& known) const {
  for (const auto& [name, value] : request_.settings()) {
    if (std::find(known.begin(), known.end(), name) != known.end()) continue;
    std::string expected;
    for (const auto& word : known) expected += (expected.empty() ? "" : ", ") + word;
    throw InvalidSettings("plugin '" + plugin_id() + "': unknown setting '" + name + "' (expected " +
                          (expected.empty() ? std::string("no settings") : "one of: " + expected) + ")");
  }
}

std::filesystem::path Context::data_path(const std::string& setting_name, const std::string& default_name) const {
  if (const auto given = setting(setting_name)) {
    if (given->empty()) throw InvalidSettings("plugin '" + plugin_id() + "': setting '" + setting_name + "' is empty");
    std::filesystem::path path(*given);
    return path.is_absolute() ? path : config_dir() / path;
  }
  return library_path().parent_path() / default_name;
}

void Context::log(section_log_level level, const std::string& message) const {
  if (host_ != nullptr && host_->log != nullptr) host_->log(host_->ctx, level, message.data(), message.size());
}

void Context::request_republish() const {
  if (host_ != nullptr && host_->request_republish != nullptr) host_->request_republish(host_->ctx);
}

void Plugin::check_component(const section::v1::Component& component, Findings& findings) const {
  checks::common(component, findings);
}

void Findings::add(std::string field, std::string reason) { items_.emplace_back(std::move(field), std::move(reason)); }

std::string Findings::to_string() const {
  std::string out;
  for (const auto& [field, reason] : items_) {
    if (!out.empty()) out += "\n";
    out += field + ": " + reason;
  }
  return out;
}

// What identifies one version of a file. The content's hash too: a same-size edit within the
// file system's timestamp granularity leaves the modification time and size unchanged.
struct DataPlugin::FileStamp {
  std::filesystem::file_time_type modified{};
  std::uintmax_t size = 0;
  std::size_t content = 0;
  bool exists = false;
  bool operator==(const FileStamp& other) const {
    return modified == other.modified && size == other.size && content == other.content && exists == other.exists;
  }
  bool operator!=(const FileStamp& other) const { return !(*this == other); }
};

DataPlugin::FileStamp DataPlugin::stamp_of(const std::filesystem::path& path) {
  std::error_code ec;
  FileStamp stamp;
  stamp.modified = std::filesystem::last_write_time(path, ec);
  if (ec) return stamp;
  stamp.size = std::filesystem::file_size(path, ec);
  if (ec) return stamp;
  std::ifstream in(path, std::ios::binary);
  std::ostringstream content;
  content << in.rdbuf();
  stamp.content = std::hash<std::string>{}(content.str());
  stamp.exists = static_cast<bool>(in);
  return stamp;
}

DataPlugin::~DataPlugin() { stop(); }

section::v1::Component DataPlugin::load() const {
  section::v1::Component component = read_component_file(data_path_);
  const std::string file = data_path_.string();
  // A file for another plugin or year is the wrong file, not data with problems: say only that.
  Findings identity;
  check_identity(component, identity);
  if (!identity.empty()) throw DataError(file + ": " + identity.to_string());
  Findings findings;
  check(component, findings);
  if (!findings.empty()) {
    throw DataError(file + ": " + std::to_string(findings.size()) + " check(s) failed:\n" + findings.to_string());
  }
  return component;
}

void DataPlugin::check_identity(const section::v1::Component& component, Findings& findings) const {
  if (component.id() != context_.plugin_id()) {
    findings.add("component.id", "'" + component.id() + "' does not match the plugin id '" + context_.plugin_id() +
                                     "' given in the host configuration");
  }
  if (context_.budget_year() != 0 && component.budget_year() != context_.budget_year()) {
    findings.add("component.budget_year", "the data is for " + std::to_string(component.budget_year()) +
                                              ", the section is for " + std::to_string(context_.budget_year()));
  }
}

void DataPlugin::check_component(const section::v1::Component& component, Findings& findings) const {
  // The same rules as load(): a reported value is held to what the data file is held to.
  check_identity(component, findings);
  check(component, findings);
}

void DataPlugin::start() {
  std::vector<std::string> known = extra_settings();
  known.push_back("data");
  known.push_back("watch_ms");
  context_.require_known_settings(known);
  long watch_ms = 500;
  if (const auto given = context_.setting("watch_ms")) {
    try {
      std::size_t used = 0;
      watch_ms = std::stol(*given, &used);
      if (used != given->size() || watch_ms < 0 || watch_ms > 3'600'000) throw std::out_of_range(*given);
    } catch (const std::exception&) {
      throw InvalidSettings("plugin '" + context_.plugin_id() + "': setting 'watch_ms' must be a whole number of " +
                            "milliseconds from 0 (no watching) to 3600000, not '" + *given + "'");
    }
  }
  data_path_ = context_.data_path("data", "component.yaml");
  // Before the file is read: an edit after this stamp is seen as a change, even one made before
  // load() reads the file (then read once more, unchanged).
  const FileStamp read = watch_ms > 0 ? stamp_of(data_path_) : FileStamp{};
  std::string component = load().SerializeAsString();
  {
    std::lock_guard<std::mutex> lock(mutex_);
    component_ = std::move(component);
  }
  if (watch_ms > 0) watcher_ = std::thread([this, watch_ms, read] { watch(std::chrono::milliseconds(watch_ms), read); });
}

std::string DataPlugin::publish_serialized() {
  std::string read;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    read.swap(component_);  // handed over: the host keeps the component it is given
  }
  // Asked again with no change since: the file once more, held to the same checks.
  if (read.empty()) return load().SerializeAsString();
  return read;
}

section::v1::Component DataPlugin::publish() {
  section::v1::Component component;
  if (!component.ParseFromString(publish_serialized())) {
    throw DataError(data_path_.string() + ": the data read could not be kept");
  }
  return component;
}

void DataPlugin::stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  stop_changed_.notify_all();
  if (watcher_.joinable()) watcher_.join();
}

void DataPlugin::watch(std::chrono::milliseconds interval, const FileStamp& read) {
  FileStamp seen = read;
  FileStamp changing = seen;
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(mutex_);
      if (stop_changed_.wait_for(lock, interval, [this] { return stopping_; })) return;
    }
    const FileStamp now = stamp_of(data_path_);
    // Read a changed file once it has stayed the same for one interval: not half-written.
    if (now == seen || now != changing) {
      changing = now;
      continue;
    }
    seen = now;
    if (!now.exists) {
      context_.log(SECTION_LOG_WARNING, data_path_.string() + " is gone; the data read before goes on serving");
      continue;
    }
    try {
      std::string component = load().SerializeAsString();
      {
        std::lock_guard<std::mutex> lock(mutex_);
        component_ = std::move(component);
      }
      context_.log(SECTION_LOG_INFO, data_path_.string() + " changed; republishing");
      context_.request_republish();
    } catch (const std::exception& e) {
      context_.log(SECTION_LOG_ERROR, std::string(e.what()) + "\n(the previous data goes on serving)");
    }
  }
}

}  // namespace section::sdk
