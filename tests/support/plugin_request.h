// The start request the host sends a plugin, for tests that start plugins without a host.
#pragma once

#include <filesystem>
#include <map>
#include <string>

#include "section/sdk/abi.h"
#include "section/v1/plugin.pb.h"

namespace section::test {

inline v1::PluginStartRequest request_for(const std::string& id, const std::filesystem::path& library,
                                          const std::map<std::string, std::string>& settings = {}) {
  v1::PluginStartRequest request;
  request.set_plugin_id(id);
  request.set_library_path(library.string());
  request.set_config_dir(std::filesystem::temp_directory_path().string());
  request.set_budget_year(2022);
  request.set_host_abi_version(SECTION_PLUGIN_ABI_VERSION);
  for (const auto& [key, value] : settings) (*request.mutable_settings())[key] = value;
  return request;
}

}  // namespace section::test
