#include <algorithm>

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

void Findings::add(std::string field, std::string reason) { items_.emplace_back(std::move(field), std::move(reason)); }

std::string Findings::to_string() const {
  std::string out;
  for (const auto& [field, reason] : items_) {
    if (!out.empty()) out += "\n";
    out += field + ": " + reason;
  }
  return out;
}

void DataPlugin::start() {
  std::vector<std::string> known = extra_settings();
  known.push_back("data");
  context_.require_known_settings(known);
  data_path_ = context_.data_path("data", "component.yaml");
  section::v1::Component component = read_component_file(data_path_);
  const std::string file = data_path_.string();
  if (component.id() != context_.plugin_id()) {
    throw DataError(file + ": component.id: '" + component.id() + "' does not match the plugin id '" +
                    context_.plugin_id() + "' given in the host configuration");
  }
  if (context_.budget_year() != 0 && component.budget_year() != context_.budget_year()) {
    throw DataError(file + ": component.budget_year: the data is for " + std::to_string(component.budget_year()) +
                    ", the section is for " + std::to_string(context_.budget_year()));
  }
  Findings findings;
  check(component, findings);
  if (!findings.empty()) {
    throw DataError(file + ": " + std::to_string(findings.size()) + " check(s) failed:\n" + findings.to_string());
  }
  component_ = std::move(component);
}

}  // namespace section::sdk
