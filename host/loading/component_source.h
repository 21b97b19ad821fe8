// Where a component comes from: a plugin that the host starts once and then asks for its
// component. Three kinds share this interface, chosen per plugin in the configuration:
// in-process (a library loaded into the host), process (the same library in a child process
// run by section-plugin-runner) and endpoint (an external plugin process, any language).
// Every call has a deadline; none throws.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "host/loading/plugin_library.h"
#include "section/v1/model.pb.h"
#include "section/v1/plugin.pb.h"

namespace section::loading {

// What a running plugin tells the host, from any thread.
struct SourceEvents {
  std::function<void(int level, const std::string& message)> log;   // level: section_log_level
  std::function<void()> republish;                                  // publish() has something new
  std::function<void(const std::string& reason)> lost;              // the plugin went away (process exit, broken stream)
};

class ComponentSource {
 public:
  enum class CheckOutcome { kPassed, kRefused, kUnsupported, kFailed };

  virtual ~ComponentSource() = default;
  // Starts the plugin. On failure returns false and fills `error`.
  virtual bool start(const section::v1::PluginStartRequest& request, PluginError* error) = 0;
  // The component as it is now, unvalidated. On failure returns false and fills `error`.
  virtual bool publish(section::v1::Component* component, PluginError* error) = 0;
  // Runs the plugin's own checks on `component` (a component it published, with changes in it).
  // kRefused fills `problems` with the findings; kUnsupported when the plugin has no check hook;
  // kFailed (with `problems` saying why) when the call failed or timed out.
  // It is how a value reported through the host meets the plugin's validation rules, which only
  // the plugin knows. Like publish, it is not called at the same time as another call into the
  // same source: the caller serializes them.
  virtual CheckOutcome check(const section::v1::Component& /*component*/, std::string* /*problems*/) {
    return CheckOutcome::kUnsupported;
  }
  // The library or the endpoint, for status and messages.
  virtual std::string where() const = 0;
};

using SourcePtr = std::unique_ptr<ComponentSource>;

}  // namespace section::loading
