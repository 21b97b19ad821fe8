// Where a component comes from: a plugin that the host starts once and then asks for its
// component. Three kinds share this interface, chosen per plugin in the configuration:
// in-process (a library loaded into the host), process (the same library in a child process
// run by section-plugin-runner) and endpoint (an external plugin process, any language).
// Every call has a deadline; none throws.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include <absl/status/status.h>
#include <absl/status/statusor.h>

#include "host/loading/plugin_error.h"
#include "section/v1/model.pb.h"
#include "section/v1/plugin.pb.h"

namespace section::loading {

// What a running plugin tells the host, from any thread.
struct SourceEvents {
  std::function<void(int level, const std::string& message)> log;   // level: section_log_level
  std::function<void()> changed;                                    // the plugin has a new component to fetch
  std::function<void(const std::string& reason)> lost;              // the plugin went away (process exit, broken stream)
};

// A component as a plugin handed it over: its bytes, kept as they came, and the message parsed
// from them once, for the host's checks and for building the next version.
struct Handover {
  section::v1::Component component;
  std::string bytes;
};

class ComponentSource {
 public:
  virtual ~ComponentSource() = default;
  // Starts the plugin. The error's code says what an admin has to fix (plugin_error.h).
  virtual absl::Status start(const section::v1::PluginStartRequest& request) = 0;
  // Fetches the component the plugin publishes now, unvalidated.
  virtual absl::StatusOr<Handover> fetch() = 0;
  // Runs the plugin's own checks on `component` (a component it published, with changes in it):
  // OK when they pass; kInvalidArgument with the plugin's findings when it refuses it;
  // kUnimplemented when the plugin has no check hook; another code when the call failed or
  // timed out.
  // It is how a value reported through the host meets the plugin's validation rules, which only
  // the plugin knows. Like fetch, it is not called at the same time as another call into the
  // same source: the caller serializes them.
  virtual absl::Status check(const section::v1::Component& /*component*/) {
    return absl::UnimplementedError("the plugin has no check hook");
  }
  // Whether check_serialized() takes the bytes as they are: the plugin reads bytes (an
  // in-process library across the C boundary), so the caller may hand over a component it
  // serialized in parts rather than a message.
  virtual bool checks_serialized() const { return false; }
  // check() of a component given serialized; only when checks_serialized().
  virtual absl::Status check_serialized(std::string /*component*/) {
    return absl::UnimplementedError("the plugin reads components as messages");
  }
  // The library or the endpoint, for status and messages.
  virtual std::string where() const = 0;
};

using SourcePtr = std::unique_ptr<ComponentSource>;

}  // namespace section::loading
