// A started plugin: created through the C boundary with its start request, asked for the
// component it publishes (and to check components), destroyed when the instance goes. Calls into one instance are
// serialized by its owner.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "host/loading/component_source.h"
#include "host/loading/plugin_library.h"
#include "section/v1/model.pb.h"
#include "section/v1/plugin.pb.h"

namespace section::loading {

// What the host offers a running plugin. Called from any of the plugin's threads.
struct HostServices {
  std::function<void(const std::string& plugin_id, int level, const std::string& message)> log;
  std::function<void(const std::string& plugin_id)> changed;  // the plugin asked to be fetched again
};

class PluginInstance {
 public:
  // Creates and starts the plugin.
  static absl::StatusOr<std::unique_ptr<PluginInstance>> start(std::shared_ptr<PluginLibrary> library,
                                                               const section::v1::PluginStartRequest& request,
                                                               const HostServices& services);
  ~PluginInstance();
  PluginInstance(const PluginInstance&) = delete;
  PluginInstance& operator=(const PluginInstance&) = delete;

  // Asks the plugin for its component (section_plugin_publish): its bytes, parsed once.
  absl::StatusOr<Handover> fetch();
  // Runs the plugin's own checks on `component` (ComponentSource::check says what each outcome
  // means). kUnimplemented when the library has no check hook.
  absl::Status check(const section::v1::Component& component);
  // The same, for a component already serialized.
  absl::Status check_serialized(const std::string& bytes);

  const std::string& id() const { return id_; }
  const std::filesystem::path& library_path() const { return library_->path(); }

 private:
  PluginInstance(std::shared_ptr<PluginLibrary> library, std::string id, HostServices services);

  std::shared_ptr<PluginLibrary> library_;
  std::string id_;
  HostServices services_;
  section_host_api api_{};
  void* handle_ = nullptr;
};

}  // namespace section::loading
