// Loading plugins as the host does: Boost.DLL, the ABI check, the C boundary, and the registry
// that starts them, validates what they publish and keeps serving when one fails.
#include <catch2/catch.hpp>

#include <condition_variable>
#include <fstream>
#include <mutex>
#include <thread>

#include "host/config/host_config.h"
#include "host/loading/deadline_call.h"
#include "host/loading/plugin_instance.h"
#include "host/registry/registry.h"
#include "plugin_request.h"
#include "test_env.h"

using namespace section;
namespace fs = std::filesystem;
using loading::PluginError;
using test::request_for;

namespace {

std::shared_ptr<loading::PluginLibrary> open(const fs::path& path, PluginError* error) {
  return loading::PluginLibrary::open(path, error);
}


// Starts `library` as plugin `id`; the error when it does not start.
std::optional<PluginError> start_error(const std::string& id, const fs::path& library,
                                       std::map<std::string, std::string> settings = {}) {
  PluginError error;
  auto lib = open(library, &error);
  REQUIRE(lib);
  auto instance = loading::PluginInstance::start(lib, request_for(id, library, std::move(settings)), {}, &error);
  if (instance) return std::nullopt;
  return error;
}

std::string config_text(const std::string& plugins) {
  return "section: " + (test::source_dir() / "configs/section-29f.section.yaml").string() +
         "\nplugin_dir: " + test::plugin_dir().string() + "\nplugins:\n" + plugins;
}

}  // namespace

TEST_CASE("a Section 29F plugin loads, starts and publishes its component", "[loader]") {
  const fs::path library = test::plugin_dir() / "finance/finance.so";
  PluginError error;
  auto lib = open(library, &error);
  REQUIRE(lib);
  auto instance = loading::PluginInstance::start(lib, request_for("finance", library), {}, &error);
  REQUIRE(instance);
  v1::Component component;
  REQUIRE(instance->publish(&component, &error));
  CHECK(component.id() == "finance");
  CHECK(component.title() == "Programme planning, finance and budget");
}

TEST_CASE("a missing library is refused", "[loader]") {
  PluginError error;
  CHECK_FALSE(open("/nonexistent/plugin.so", &error));
  CHECK(error.kind == PluginError::Kind::kLibrary);
  CHECK(error.message == "/nonexistent/plugin.so: no such file");
}

TEST_CASE("a library that is not a section plugin is refused", "[loader]") {
  PluginError error;
  CHECK_FALSE(open(test::fixture("not_a_plugin"), &error));
  CHECK_THAT(error.message, Catch::Contains("not_a_plugin.so: not a section-host plugin"));
}

TEST_CASE("a library of another ABI version is refused before anything else is called", "[loader]") {
  PluginError error;
  CHECK_FALSE(open(test::fixture("other_abi_plugin"), &error));
  CHECK(error.kind == PluginError::Kind::kLibrary);
  CHECK_THAT(error.message, Catch::Contains("plugin ABI version 999, but this host supports version 1"));
}

TEST_CASE("a truncated library and a file that is no library are refused with the loader's reason", "[loader]") {
  test::TempDir dir;
  const std::string bytes = test::read_file(test::plugin_dir() / "hr/hr.so");
  const fs::path truncated = dir.write("truncated.so", bytes.substr(0, 4096));
  PluginError error;
  CHECK_FALSE(open(truncated, &error));
  CHECK_THAT(error.message, Catch::Contains("truncated.so: cannot be loaded: truncated or corrupt"));
  // Cut inside the last segment rather than in the headers.
  const fs::path cut = dir.write("cut.so", bytes.substr(0, bytes.size() / 2));
  CHECK_FALSE(open(cut, &error));
  CHECK_THAT(error.message, Catch::Contains("cut.so: cannot be loaded: truncated or corrupt"));
  const fs::path text = dir.write("text.so", "this is not a library\n");
  CHECK_FALSE(open(text, &error));
  CHECK_THAT(error.message, Catch::Contains("text.so: cannot be loaded: not an ELF shared library"));
  CHECK_FALSE(open(dir.write("empty.so", ""), &error));
  CHECK_THAT(error.message, Catch::Contains("not an ELF shared library"));
  // A program is ELF too, but no library to load.
  CHECK_FALSE(open("/bin/true", &error));
  CHECK_THAT(error.message, Catch::Contains("/bin/true: cannot be loaded"));
  CHECK_FALSE(open(dir.path(), &error));
  CHECK_THAT(error.message, Catch::Contains("not a regular file"));
}

TEST_CASE("exceptions thrown by a plugin stop at the boundary", "[loader][faults]") {
  const fs::path throwing = test::fixture("throwing_plugin");
  SECTION("a std::exception in start") {
    auto error = start_error("x", throwing, {{"fail_in", "start"}, {"throw", "std"}});
    REQUIRE(error);
    CHECK(error->kind == PluginError::Kind::kFailed);
    CHECK_THAT(error->message, Catch::Contains("start threw: the fixture failed on purpose"));
  }
  SECTION("an exception of another type in start") {
    auto error = start_error("x", throwing, {{"fail_in", "start"}, {"throw", "other"}});
    REQUIRE(error);
    CHECK(error->kind == PluginError::Kind::kFailed);
    CHECK_THAT(error->message, Catch::Contains("not derived from std::exception"));
  }
  SECTION("in publish, of either type") {
    for (const char* type : {"std", "other"}) {
      PluginError error;
      auto lib = open(throwing, &error);
      auto instance = loading::PluginInstance::start(lib, request_for("x", throwing, {{"fail_in", "publish"}, {"throw", type}}), {}, &error);
      REQUIRE(instance);
      v1::Component component;
      CHECK_FALSE(instance->publish(&component, &error));
      CHECK(error.kind == PluginError::Kind::kFailed);
      CHECK_THAT(error.message, Catch::Contains("publish threw"));
    }
  }
}

TEST_CASE("a plugin refuses settings it does not know", "[loader]") {
  auto error = start_error("finance", test::plugin_dir() / "finance/finance.so", {{"colour", "blue"}});
  REQUIRE(error);
  CHECK(error->kind == PluginError::Kind::kInvalidSettings);
  CHECK_THAT(error->message, Catch::Contains("unknown setting 'colour' (expected one of: data, watch_ms)"));
}

TEST_CASE("component data that fails its reader or its plugin's checks is refused, naming the file", "[loader]") {
  test::TempDir dir;
  const fs::path library = test::plugin_dir() / "finance/finance.so";
  std::string data = test::read_file(test::source_dir() / "plugins/finance/component.yaml");
  SECTION("a percentage over 100") {
    const std::string from = "value: 94";
    data.replace(data.find(from), from.size(), "value: 140");
    const fs::path file = dir.write("finance.yaml", data);
    auto error = start_error("finance", library, {{"data", file.string()}});
    REQUIRE(error);
    CHECK(error->kind == PluginError::Kind::kInvalidData);
    CHECK_THAT(error->message, Catch::Contains(file.string()) && Catch::Contains("140 % is outside 0–100"));
  }
  SECTION("posts by grade that do not add up to the category") {
    const std::string from = "approved: {p5: 1, p4: 2,";
    data.replace(data.find(from), from.size(), "approved: {p5: 2, p4: 2,");
    auto error = start_error("finance", library, {{"data", dir.write("finance.yaml", data).string()}});
    REQUIRE(error);
    CHECK_THAT(error->message, Catch::Contains("posts by grade add up to 8, but the category has 7"));
  }
  SECTION("a YAML error") {
    auto error = start_error("finance", library, {{"data", dir.write("finance.yaml", data + "\n  bad: [\n").string()}});
    REQUIRE(error);
    CHECK(error->kind == PluginError::Kind::kInvalidData);
    CHECK_THAT(error->message, Catch::Contains("finance.yaml:") && Catch::Contains("invalid YAML"));
  }
  SECTION("data of another component") {
    auto error = start_error("finance", library, {{"data", (test::source_dir() / "plugins/hr/component.yaml").string()}});
    REQUIRE(error);
    CHECK_THAT(error->message, Catch::Contains("'hr' does not match the plugin id 'finance'"));
  }
  SECTION("a missing file") {
    auto error = start_error("finance", library, {{"data", "/nonexistent/finance.yaml"}});
    REQUIRE(error);
    CHECK_THAT(error->message, Catch::Contains("/nonexistent/finance.yaml: cannot read the file"));
  }
}

TEST_CASE("the registry leaves out a plugin that fails and serves the others", "[loader][registry]") {
  test::TempDir dir;
  const fs::path file = dir.write("host.yaml", config_text("  - {id: finance, library: finance}\n"
                                                           "  - id: broken\n    library: " + test::fixture("throwing_plugin").string() +
                                                           "\n    settings: {fail_in: start, throw: other}\n"));
  auto config = config::load_host_config(file, test::plugin_dir());
  REQUIRE(config.is_ok());
  auto section = config::load_section_file(config->section_file);
  REQUIRE(section.is_ok());
  registry::Registry registry(std::move(*section));
  REQUIRE(registry.start(*config).is_ok());
  const auto view = registry.current();
  REQUIRE(view->section.component_status_size() == 2);
  CHECK(view->section.component_status(0).state() == v1::SERVING);
  CHECK(view->section.component_status(1).state() == v1::FAILED);
  CHECK_THAT(view->section.component_status(1).reason(), Catch::Contains("not derived from std::exception"));
  CHECK(view->components.size() == 1);
  for (const auto& [id, bytes] : view->tables) {
    bool noted = false;
    const v1::Table table = view->table(id);
    for (const auto& note : table.notes()) noted = noted || note.find("'broken' is unavailable") != std::string::npos;
    CHECK(noted);
  }
  registry.stop();
}

TEST_CASE("the registry refuses to start on what an admin must fix", "[loader][registry]") {
  test::TempDir dir;
  auto start = [&](const std::string& plugins) {
    auto config = config::load_host_config(dir.write("host.yaml", config_text(plugins)), test::plugin_dir());
    REQUIRE(config.is_ok());
    auto section = config::load_section_file(config->section_file);
    REQUIRE(section.is_ok());
    registry::Registry registry(std::move(*section));
    return registry.start(*config).message();
  };
  CHECK_THAT(start("  - {id: x, library: " + test::fixture("invalid_component_plugin").string() + "}\n"),
             Catch::Contains("host.yaml:4: plugin 'x'") && Catch::Contains("published an invalid component") &&
                 Catch::Contains("year 1950"));
  CHECK_THAT(start("  - {id: x, library: " + test::fixture("other_abi_plugin").string() + "}\n"),
             Catch::Contains("plugin ABI version 999"));
  CHECK_THAT(start("  - {id: hr, library: hr, settings: {data: " + (test::source_dir() / "plugins/ict/component.yaml").string() + "}}\n"),
             Catch::Contains("'ict' does not match the plugin id 'hr'"));
  CHECK_THAT(start("  - {id: hr, library: hr}\n  - {id: hr2, library: " + test::fixture("republishing_plugin").string() +
                   ", settings: {subprogramme: '2'}}\n"),
             Catch::Contains("subprogramme 2 is already published"));
}

TEST_CASE("a republished component that no longer fits is refused and the last good one serves", "[loader][registry]") {
  test::TempDir dir;
  const fs::path trace = dir.path() / "published";
  auto config = config::load_host_config(
      dir.write("host.yaml", config_text("  - {id: hr, library: hr}\n  - id: counter\n    library: " +
                                         test::fixture("republishing_plugin").string() +
                                         "\n    settings: {interval_ms: '10', count: '2', subprogramme_after: '2', trace_file: " +
                                         trace.string() + "}\n")),
      test::plugin_dir());
  REQUIRE(config.is_ok());
  auto section = config::load_section_file(config->section_file);
  REQUIRE(section.is_ok());
  registry::Registry registry(std::move(*section));
  REQUIRE(registry.start(*config).is_ok());
  // Wait until the plugin has published three times: at start-up, then twice on request.
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (test::read_file(trace) != "3\n" && std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  REQUIRE(test::read_file(trace) == "3\n");
  registry.stop();  // the worker has finished the last request once stop() returns
  const auto view = registry.current();
  CHECK(view->version == 1);
  REQUIRE(view->components.size() == 2);
  CHECK(view->components[1]->parse().subprogramme() == 9);  // not 2, which hr holds
}

TEST_CASE("a plugin's republish request publishes a new version to subscribers", "[loader][registry][watch]") {
  test::TempDir dir;
  auto config = config::load_host_config(
      dir.write("host.yaml", config_text("  - {id: edm, library: edm}\n  - id: counter\n    library: " +
                                         test::fixture("republishing_plugin").string() +
                                         "\n    settings: {interval_ms: '20', count: '3'}\n")),
      test::plugin_dir());
  REQUIRE(config.is_ok());
  auto section = config::load_section_file(config->section_file);
  REQUIRE(section.is_ok());
  registry::Registry registry(std::move(*section));
  std::mutex mutex;
  std::condition_variable changed;
  std::vector<std::uint64_t> versions;
  registry::ViewPtr first;
  registry.subscribe([&](const registry::ViewPtr& view) {
    std::lock_guard<std::mutex> lock(mutex);
    versions.push_back(view->version);
    if (!first) first = view;
    changed.notify_all();
  });
  REQUIRE(registry.start(*config).is_ok());
  {
    std::unique_lock<std::mutex> lock(mutex);
    REQUIRE(changed.wait_for(lock, std::chrono::seconds(10), [&] { return versions.size() >= 4; }));
  }
  CHECK(versions == std::vector<std::uint64_t>{1, 2, 3, 4});
  const auto view = registry.current();
  CHECK(view->version == 4);
  CHECK(view->reason == "component counter republished");
  const auto component = view->components[1]->parse();
  CHECK(component.id() == "counter");
  CHECK(component.results(0).measures(0).values(0).number().units() == 4);  // published four times
  // edm did not change: every version serves the bytes its plugin published first, not copies.
  CHECK(view->components[0]->header.id() == "edm");
  CHECK(view->components[0] == first->components[0]);
  CHECK(view->components[1] != first->components[1]);
  registry.stop();
}

TEST_CASE("a call past its deadline is abandoned, and the next call does not wait behind it", "[loader][deadline]") {
  using namespace std::chrono_literals;
  std::mutex mutex;
  std::condition_variable released_changed;
  bool released = false;
  const int abandoned_before = loading::abandoned_calls();
  CHECK_FALSE(loading::call_with_deadline(
      [&] {
        std::unique_lock<std::mutex> lock(mutex);
        released_changed.wait(lock, [&] { return released; });
      },
      50ms));
  CHECK(loading::abandoned_calls() == abandoned_before + 1);
  // The hung call still holds its thread; this one gets another at once.
  bool ran = false;
  CHECK(loading::call_with_deadline([&] { ran = true; }, 5000ms));
  CHECK(ran);
  {
    std::lock_guard<std::mutex> lock(mutex);
    released = true;
  }
  released_changed.notify_all();
  for (int i = 0; i < 500 && loading::abandoned_calls() != abandoned_before; ++i) std::this_thread::sleep_for(10ms);
  CHECK(loading::abandoned_calls() == abandoned_before);
}

TEST_CASE("calls one after another reuse threads, never the caller's", "[loader][deadline]") {
  using namespace std::chrono_literals;
  // Counts the calls each thread has run: a thread made for one call would always count 1.
  static thread_local int calls_here = 0;
  int most = 0;
  bool on_caller = false;
  for (int i = 0; i < 50; ++i) {
    REQUIRE(loading::call_with_deadline(
        [&] {
          most = std::max(most, ++calls_here);
          on_caller = on_caller || calls_here > 1000;
        },
        5000ms));
  }
  calls_here = 1000;  // the caller's own count: a call run here would see it
  REQUIRE(loading::call_with_deadline([&] { on_caller = on_caller || ++calls_here > 1000; }, 5000ms));
  CHECK(most > 1);
  CHECK_FALSE(on_caller);
}
