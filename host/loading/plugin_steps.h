// The steps the host takes with every in-process plugin after loading its library: the start
// request it sends and the validation of what it fetches from the plugin. Shared with the plugin test
// kit (sdk/testkit), so that a plugin's own tests see exactly what the host would.
#pragma once

#include <filesystem>
#include <map>
#include <string>

#include "host/loading/plugin_instance.h"
#include "section/v1/model.pb.h"
#include "section/v1/plugin.pb.h"

namespace section::loading {

section::v1::PluginStartRequest make_start_request(const std::string& plugin_id,
                                                   const std::filesystem::path& library_path,
                                                   const std::filesystem::path& config_dir,
                                                   const std::map<std::string, std::string>& settings,
                                                   int budget_year);

// Validates a fetched component alone (aggregate/validation.h), as the host does. The error
// (invalid_component) names the plugin and `where`.
absl::Status validate_fetched(const section::v1::Component& component, const std::string& plugin_id,
                              const std::string& where, int budget_year);

// Fetches the plugin's component and validates it alone.
absl::StatusOr<Handover> fetch_validated(PluginInstance& instance, int budget_year);

}  // namespace section::loading
