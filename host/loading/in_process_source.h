// A plugin library loaded into the host (isolation: in_process). Its hooks run under a
// deadline (deadline_call.h): a hook that overruns is abandoned and the plugin reported failed.
#pragma once

#include <chrono>
#include <memory>

#include "host/loading/component_source.h"
#include "host/loading/plugin_instance.h"

namespace section::loading {

class InProcessSource final : public ComponentSource {
 public:
  InProcessSource(std::shared_ptr<PluginLibrary> library, SourceEvents events, std::chrono::milliseconds timeout);
  ~InProcessSource() override;

  absl::Status start(const section::v1::PluginStartRequest& request) override;
  absl::StatusOr<Handover> fetch() override;
  absl::Status check(const section::v1::Component& component) override;
  bool checks_serialized() const override { return true; }
  absl::Status check_serialized(std::string component) override;
  std::string where() const override { return library_->path().string(); }

 private:
  std::shared_ptr<PluginLibrary> library_;
  std::shared_ptr<SourceEvents> events_;  // shared with the plugin's callbacks
  std::chrono::milliseconds timeout_;
  // Shared with a call in flight, so that an abandoned call keeps the instance alive.
  std::shared_ptr<PluginInstance> instance_;
};

}  // namespace section::loading
