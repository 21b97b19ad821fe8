#include "host/loading/plugin_steps.h"

#include "host/aggregate/validation.h"
#include "section/sdk/abi.h"

namespace section::loading {

section::v1::PluginStartRequest make_start_request(const std::string& plugin_id,
                                                   const std::filesystem::path& library_path,
                                                   const std::filesystem::path& config_dir,
                                                   const std::map<std::string, std::string>& settings,
                                                   int budget_year) {
  section::v1::PluginStartRequest request;
  request.set_plugin_id(plugin_id);
  request.set_library_path(library_path.string());
  request.set_config_dir(config_dir.string());
  request.set_host_abi_version(SECTION_PLUGIN_ABI_VERSION);
  request.set_budget_year(budget_year);
  for (const auto& [key, value] : settings) (*request.mutable_settings())[key] = value;
  return request;
}

absl::Status validate_fetched(const section::v1::Component& component, const std::string& plugin_id,
                              const std::string& where, int budget_year) {
  const absl::Status valid = aggregate::validate_component(component, plugin_id, budget_year);
  if (valid.ok()) return valid;
  return invalid_component("plugin '" + plugin_id + "' (" + where + ") published an invalid " + std::string(valid.message()));
}

absl::StatusOr<Handover> fetch_validated(PluginInstance& instance, int budget_year) {
  absl::StatusOr<Handover> fetched = instance.fetch();
  if (!fetched.ok()) return fetched;
  absl::Status valid = validate_fetched(fetched->component, instance.id(), instance.library_path().string(), budget_year);
  if (!valid.ok()) return valid;
  return fetched;
}

}  // namespace section::loading
