// The plugin test kit: load a plugin in a test exactly as section-host does, then assert what it
// publishes or why it is refused.
//
//   #include <catch2/catch.hpp>
//   #include <section/testkit/plugin_test_kit.h>
//
//   TEST_CASE("publishes its component") {
//     const auto run = section::testkit::load(SECTION_PLUGIN_UNDER_TEST, {"example"});
//     REQUIRE(run.ok());
//     CHECK(run.component().results_size() == 1);
//   }
//   TEST_CASE("refuses a percentage above 100") {
//     const auto data = section::testkit::edit(section::testkit::read_text(SECTION_PLUGIN_DATA),
//                                              "number: 95", "number: 105");
//     const auto run = section::testkit::load_with_data(SECTION_PLUGIN_UNDER_TEST, {"example"}, data);
//     CHECK(run.refused_at() == section::testkit::Stage::kData);
//     CHECK_THAT(run.error(), Catch::Contains("within 0-100"));
//   }
//
// "Exactly as the host does": the same loader (ELF check, Boost.DLL, ABI version first), the
// same start request, the same C boundary and the same validation of the published component.
// section_add_plugin_test() (SectionAddPlugin.cmake) builds such a test and defines
// SECTION_PLUGIN_UNDER_TEST (the plugin library) and SECTION_PLUGIN_DATA (its first data file).
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "section/v1/model.pb.h"

namespace section::testkit {

// What the host configuration would say about the plugin.
struct Options {
  // Options{"example"} or Options{"example", {{"data", "other.yaml"}}}.
  Options(std::string plugin_id = "", std::map<std::string, std::string> plugin_settings = {})
      : id(std::move(plugin_id)), settings(std::move(plugin_settings)) {}

  std::string id;                                 // the plugin id, which is the component id
  std::map<std::string, std::string> settings;    // `settings:` of the plugin's YAML block
  std::filesystem::path config_dir;               // where relative settings resolve; default: cwd
  int budget_year = 2022;                         // the section's budget year
};

// Where the host stopped with the plugin: the step that refused it, or kServing.
enum class Stage {
  kServing,    // loaded, started, published and validated: the host would serve it
  kLibrary,    // not a loadable section plugin of this ABI version
  kSettings,   // the plugin refused its settings
  kData,       // the plugin refused its data file (its reader or its own checks)
  kComponent,  // the host's validation refused what the plugin published
  kFailed,     // the plugin's code failed (threw something that is not a data/settings error)
};

const char* stage_name(Stage stage);

struct LogLine {
  int level = 0;  // section_log_level of abi.h
  std::string message;
};

class Run {
 public:
  bool ok() const { return stage_ == Stage::kServing; }
  Stage refused_at() const { return stage_; }
  // The host's error message (empty when ok): names the plugin, file and field.
  const std::string& error() const { return error_; }
  // The validated component. Throws std::logic_error with error() when the plugin was refused.
  const section::v1::Component& component() const;
  // What the plugin logged through the host.
  std::vector<LogLine> log() const;
  // How often the plugin asked the host to republish.
  int republish_requests() const;
  // Publishes again as the host does after a republish request; false and error() if refused.
  bool republish();

  Run(Run&&) noexcept;
  Run& operator=(Run&&) noexcept;
  ~Run();

 private:
  friend Run load(const std::filesystem::path& library, const Options& options);
  struct State;
  explicit Run(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
  Stage stage_ = Stage::kFailed;
  std::string error_;
  section::v1::Component component_;
};

// Loads, starts and publishes the plugin in `library` as the host would with `options`.
Run load(const std::filesystem::path& library, const Options& options);

// Writes `yaml` as the plugin's data file (the setting `data`) in a fresh temporary directory,
// then loads the plugin with it. The directory is removed when the process exits.
Run load_with_data(const std::filesystem::path& library, Options options, const std::string& yaml);

// The whole text of a file; throws std::runtime_error naming the file if it cannot be read.
std::string read_text(const std::filesystem::path& path);
// `text` with the first `from` replaced by `to`; throws std::invalid_argument if `from` is
// absent, so that a test never silently checks unchanged data.
std::string edit(std::string text, const std::string& from, const std::string& to);

}  // namespace section::testkit
