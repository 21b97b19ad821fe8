// Loads a plugin library with Boost.DLL and checks its ABI version before anything else is
// called (docs/architecture.md, decision 4). The library stays loaded while anything it made is alive:
// every PluginInstance holds a shared_ptr to its library.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include <boost/dll/shared_library.hpp>

#include "section/sdk/abi.h"

namespace section::loading {

// Why a plugin could not be used, sorted by what an admin has to fix.
struct PluginError {
  enum class Kind {
    kLibrary,           // missing file, not a section plugin, another ABI version
    kInvalidSettings,   // the plugin refuses its settings from the configuration
    kInvalidData,       // the plugin's data file fails its reader or checks
    kInvalidComponent,  // what the plugin published fails the host's validation
    kFailed,            // the plugin's code failed (threw, crashed the call)
  };
  Kind kind = Kind::kFailed;
  std::string message;

  // Configuration and data errors stop the host at start-up; a plugin that fails while
  // starting is left out and the host serves the others.
  bool stops_startup() const { return kind != Kind::kFailed; }
};

class PluginLibrary {
 public:
  // Loads `path` and checks that it is a section plugin of this host's ABI version. On failure
  // returns null and fills `error` with a message naming the file and the reason.
  static std::shared_ptr<PluginLibrary> open(const std::filesystem::path& path, PluginError* error);

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
