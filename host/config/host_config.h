// The host configuration file (docs/configuration.md): where to listen, which section file to
// serve, and which plugins to load with which settings.
#pragma once

#include <chrono>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "host/core/status.h"

namespace section::config {

struct PluginConfig {
  std::string id;
  std::string library;                 // as written in the file
  std::filesystem::path library_path;  // resolved
  bool enabled = true;
  std::map<std::string, std::string> settings;
  int line = 0;                        // where the plugin's entry starts, for messages
};

struct HostConfig {
  std::filesystem::path path;          // the configuration file
  std::string listen = "127.0.0.1:50051";
  std::filesystem::path section_file;
  std::filesystem::path plugin_dir;
  std::chrono::milliseconds shutdown_grace{5000};
  std::vector<PluginConfig> plugins;

  std::filesystem::path dir() const { return path.parent_path(); }
};

// Reads and checks a configuration file. Library names without a '/' resolve to
// <plugin_dir>/<name>/<name>.so; the plugin directory is the file's `plugin_dir` (relative to
// the file) or else `default_plugin_dir`. Every error names the file, the line and the reason.
Result<HostConfig> load_host_config(const std::filesystem::path& file,
                                    const std::filesystem::path& default_plugin_dir);

// "host:port", "[v6]:port" or "unix:path"; an empty Status when it is usable.
Status check_listen_address(const std::string& address);

}  // namespace section::config
