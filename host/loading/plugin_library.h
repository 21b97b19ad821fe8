// Loads a plugin library with Boost.DLL and checks its ABI version before anything else is
// called (docs/architecture.md, decision 4). The library stays loaded while anything it made is alive:
// every PluginInstance holds a shared_ptr to its library.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include <absl/status/statusor.h>
#include <boost/dll/shared_library.hpp>

#include "host/loading/plugin_error.h"
#include "section/sdk/abi.h"

namespace section::loading {

class PluginLibrary {
 public:
  // Loads `path` and checks that it is a section plugin of this host's ABI version; the error
  // (library_error) names the file and the reason.
  static absl::StatusOr<std::shared_ptr<PluginLibrary>> open(const std::filesystem::path& path);

  const std::filesystem::path& path() const { return path_; }
  section_plugin_create_fn create() const { return create_; }
  section_plugin_publish_fn publish() const { return publish_; }
  section_plugin_destroy_fn destroy() const { return destroy_; }
  // The plugin's check hook, or null for a library built before the SDK had one (it is
  // optional: abi.h).
  section_plugin_check_fn check() const { return check_; }

 private:
  PluginLibrary() = default;
  std::filesystem::path path_;
  boost::dll::shared_library library_;
  section_plugin_create_fn create_ = nullptr;
  section_plugin_publish_fn publish_ = nullptr;
  section_plugin_destroy_fn destroy_ = nullptr;
  section_plugin_check_fn check_ = nullptr;
};

}  // namespace section::loading
