// The section-host plugin SDK: the one header a plugin author includes.
//
// A plugin publishes one component of a budget section (its objective, results, performance
// measures, deliverables, mandates and resources) as a section::v1::Component. Most plugins
// are their data file plus the checks that are really their own:
//
//   #include <section/sdk/sdk.h>
//
//   class FinancePlugin : public section::sdk::DataPlugin {
//    public:
//     using DataPlugin::DataPlugin;
//    protected:
//     void check(const section::v1::Component& c, section::sdk::Findings& f) const override {
//       section::sdk::checks::common(c, f);
//       section::sdk::checks::durations_at_least_one_day(c, f);
//     }
//   };
//   SECTION_PLUGIN(FinancePlugin)
//
// The macro exports the C boundary of abi.h. Nothing thrown by plugin code crosses it: the
// SDK catches every exception and reports it to the host as an error with its message.
//
// The host also asks a plugin to check a component it did not read from the data file: one
// the plugin published, with a value a team reported through the host put into it. That runs
// Plugin::check_component, which for a DataPlugin is the same check() its data file passes, so
// the plugin's rules apply to reported values as they do to its data.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <boost/dll/alias.hpp>

#include "section/sdk/abi.h"
#include "section/v1/model.pb.h"
#include "section/v1/plugin.pb.h"

namespace section::sdk {

// What the host tells a plugin when it starts it, and the services it offers.
class Context {
 public:
  Context(section::v1::PluginStartRequest request, const section_host_api* host);

  const std::string& plugin_id() const { return request_.plugin_id(); }
  int budget_year() const { return request_.budget_year(); }
  std::filesystem::path library_path() const { return request_.library_path(); }
  std::filesystem::path config_dir() const { return request_.config_dir(); }
  const google::protobuf::Map<std::string, std::string>& settings() const { return request_.settings(); }
  std::optional<std::string> setting(const std::string& name) const;

  // Refuses (with InvalidSettings) any setting not in `known`, naming it and the known ones.
  void require_known_settings(const std::vector<std::string>& known) const;

  // Where a data file is: the setting `setting_name` if the configuration gives one (relative
  // paths resolve against the configuration's directory), otherwise `default_name` beside the
  // plugin library.
  std::filesystem::path data_path(const std::string& setting_name, const std::string& default_name) const;

  void log(section_log_level level, const std::string& message) const;
  // Tells the host that publish() now returns something new.
  void request_republish() const;

 private:
  section::v1::PluginStartRequest request_;
  const section_host_api* host_;
};

// The problems a check finds, each with the field it concerns.
class Findings {
 public:
  void add(std::string field, std::string reason);
  bool empty() const { return items_.empty(); }
  std::size_t size() const { return items_.size(); }
  // One line per finding: "field: reason".
  std::string to_string() const;

 private:
  std::vector<std::pair<std::string, std::string>> items_;
};

// A plugin: constructed with its Context, started, then asked to publish its component.
class Plugin {
 public:
  virtual ~Plugin() = default;
  // Called once after construction. Throw to refuse to start.
  virtual void start() {}
  // The component as it is now. Called after start and again after request_republish().
  virtual section::v1::Component publish() = 0;
  // The same component serialized: what the host is handed (the host keeps these bytes as they
  // are). A plugin that keeps its component serialized overrides it to hand over those bytes
  // without making a message of them first, as DataPlugin does.
  virtual std::string publish_serialized() { return publish().SerializeAsString(); }
  // Called once before the plugin is destroyed, even when start() threw: end the plugin's own
  // threads here, while its virtual functions can still be called.
  virtual void stop() {}
  // Adds to `findings` what is wrong with `component`: one the plugin published, with changes
  // the host wants to accept in it (e.g. a reported actual value). The host accepts the change
  // only when nothing is found. Called after start, possibly while the plugin's own threads
  // run; it must not change the plugin. The default runs checks::common, the checks that hold
  // for any component; override it to apply the plugin's own rules too.
  virtual void check_component(const section::v1::Component& component, Findings& findings) const;
};

// Component data that cannot be used. The host refuses to start with it and names the file.
class DataError : public std::runtime_error {
 public:
  explicit DataError(const std::string& message) : std::runtime_error(message) {}
};

// Settings in the host configuration that the plugin cannot use.
class InvalidSettings : public std::runtime_error {
 public:
  explicit InvalidSettings(const std::string& message) : std::runtime_error(message) {}
};

// Reads a component data file (YAML; see docs/component-data.md) into the model. Throws
// DataError naming the file, line and field for anything it cannot read.
section::v1::Component read_component_file(const std::filesystem::path& path);
section::v1::Component read_component_string(const std::string& yaml, const std::string& name);

// Domain checks a plugin can apply to its own data. Each adds what it finds to `findings`.
namespace checks {
// Every value of a measure in percent (and every compliance rate) lies within 0–100.
void percentages_within_bounds(const section::v1::Component& component, Findings& findings);
// A measure marked cumulative never decreases from one year to the next, within each kind of
// value and along the series of actuals followed by plans.
void cumulative_series_never_decrease(const section::v1::Component& component, Findings& findings);
// For each funding source and column, the posts given by grade add up to the posts given by
// category (or in total).
void grades_add_up_to_categories(const section::v1::Component& component, Findings& findings);
// Planned and actual deliverable counts are never negative.
void deliverable_counts_non_negative(const section::v1::Component& component, Findings& findings);
// Values in days or counts are never negative.
void quantities_non_negative(const section::v1::Component& component, Findings& findings);
// Values in days are at least one day: nothing is delivered or approved in no time.
void durations_at_least_one_day(const section::v1::Component& component, Findings& findings);
// The checks that hold for any component: percentages within bounds, posts by grade adding up,
// deliverable counts and quantities never negative. A plugin adds its own beside them.
void common(const section::v1::Component& component, Findings& findings);
}  // namespace checks

// A plugin that is its data file plus its own checks. The data file is the setting `data`, or
// component.yaml beside the plugin library. start() reads it, checks that it belongs to this
// plugin and budget, and runs check(); publish() hands it over. The host keeps what it is
// given, so the plugin does not keep a second copy: asked again with no change in between,
// publish() reads the file again, held to the same checks.
//
// It also watches the data file (every `watch_ms` milliseconds, default 500; 0 turns it off).
// When the file changes it reads and checks it again: a good file becomes the component and
// the host is asked to republish; a bad one is logged and the previous data goes on serving.
class DataPlugin : public Plugin {
 public:
  explicit DataPlugin(const Context& context) : context_(context) {}
  ~DataPlugin() override;

  void start() override;
  // The component read from the data file, as read: final, so that what the host is handed
  // (publish_serialized) and publish() can never differ. A plugin that changes what it
  // publishes derives from Plugin (read_component_file reads the same files).
  section::v1::Component publish() final;
  // The bytes it read, handed over as they are.
  std::string publish_serialized() final;
  void stop() override;
  // The checks the data file passes (see load()): the component belongs to this plugin and
  // budget year, and check() finds nothing. Final, so that a data file and a reported value
  // can never be held to different rules; a plugin changes its rules in check().
  void check_component(const section::v1::Component& component, Findings& findings) const final;

 protected:
  // The plugin's own domain checks.
  virtual void check(const section::v1::Component& component, Findings& findings) const = 0;
  // Settings the plugin reads besides `data`.
  virtual std::vector<std::string> extra_settings() const { return {}; }

  const Context& context() const { return context_; }
  const std::filesystem::path& data_path() const { return data_path_; }

 private:
  // Reads and checks the data file; throws DataError.
  section::v1::Component load() const;
  // That `component` is this plugin's, for the budget year the host gave it.
  void check_identity(const section::v1::Component& component, Findings& findings) const;
  struct FileStamp;  // what tells one version of the data file from another (context.cc)
  static FileStamp stamp_of(const std::filesystem::path& path);
  // Watches from `read`, the stamp taken before start() read the file, so that an edit made
  // while the watcher thread was still starting is not taken for the file already read.
  void watch(std::chrono::milliseconds interval, const FileStamp& read);

  const Context& context_;
  std::filesystem::path data_path_;
  mutable std::mutex mutex_;
  // The component read and not yet handed over, serialized (a third of its size as a message);
  // empty once publish() has handed it over.
  std::string component_;
  std::condition_variable stop_changed_;
  bool stopping_ = false;
  std::thread watcher_;
};

namespace detail {
using Factory = std::unique_ptr<Plugin> (*)(const Context&);

template <typename PluginClass>
std::unique_ptr<Plugin> make(const Context& context) {
  return std::make_unique<PluginClass>(context);
}

int create(Factory factory, const char* request, std::size_t size, const section_host_api* host, void** handle,
           section_plugin_emit_fn on_error, void* error_ctx) noexcept;
int publish(void* handle, section_plugin_emit_fn on_component, void* component_ctx, section_plugin_emit_fn on_error,
            void* error_ctx) noexcept;
void destroy(void* handle) noexcept;
int check(void* handle, const char* component, std::size_t size, section_plugin_emit_fn on_error,
          void* error_ctx) noexcept;
}  // namespace detail

}  // namespace section::sdk

// Exports the C boundary for PluginClass, which must be constructible from a
// `const section::sdk::Context&`. Use once per plugin library, at namespace scope.
#define SECTION_PLUGIN(PluginClass)                                                                        \
  namespace section_plugin_entry {                                                                         \
  static std::uint32_t abi_version() { return SECTION_PLUGIN_ABI_VERSION; }                               \
  static int create(const char* request, std::size_t size, const section_host_api* host, void** handle,    \
                    section_plugin_emit_fn on_error, void* error_ctx) {                                    \
    return ::section::sdk::detail::create(&::section::sdk::detail::make<PluginClass>, request, size, host, \
                                          handle, on_error, error_ctx);                                    \
  }                                                                                                        \
  static int publish(void* handle, section_plugin_emit_fn on_component, void* component_ctx,               \
                     section_plugin_emit_fn on_error, void* error_ctx) {                                   \
    return ::section::sdk::detail::publish(handle, on_component, component_ctx, on_error, error_ctx);      \
  }                                                                                                        \
  static void destroy(void* handle) { ::section::sdk::detail::destroy(handle); }                           \
  static int check(void* handle, const char* component, std::size_t size, section_plugin_emit_fn on_error, \
                   void* error_ctx) {                                                                      \
    return ::section::sdk::detail::check(handle, component, size, on_error, error_ctx);                    \
  }                                                                                                        \
  }                                                                                                        \
  BOOST_DLL_ALIAS(section_plugin_entry::abi_version, section_plugin_abi_version)                           \
  BOOST_DLL_ALIAS(section_plugin_entry::create, section_plugin_create)                                     \
  BOOST_DLL_ALIAS(section_plugin_entry::publish, section_plugin_publish)                                   \
  BOOST_DLL_ALIAS(section_plugin_entry::destroy, section_plugin_destroy)                                   \
  BOOST_DLL_ALIAS(section_plugin_entry::check, section_plugin_check)
