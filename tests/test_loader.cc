// Loading plugins as the host does: Boost.DLL, the ABI check, the C boundary, and the registry
// that starts them, validates what they publish and keeps serving when one fails.
#include <catch2/catch.hpp>

#include <condition_variable>
#include <fstream>
#include <mutex>
#include <set>
#include <thread>

#include "host/config/host_config.h"
#include "host/core/reused_threads.h"
#include "host/loading/deadline_call.h"
#include "host/loading/plugin_instance.h"
#include "host/registry/registry.h"
#include "plugin_request.h"
#include "test_env.h"

using namespace section;
namespace fs = std::filesystem;
using test::request_for;
using Code = absl::StatusCode;

namespace {

// Why `path` does not open as a plugin library (OK when it does).
absl::Status open_error(const fs::path& path) { return loading::PluginLibrary::open(path).status(); }

// Starts `library` as plugin `id`; why it does not start (OK when it does).
absl::Status start_error(const std::string& id, const fs::path& library, std::map<std::string, std::string> settings = {}) {
  auto lib = loading::PluginLibrary::open(library);
  REQUIRE(lib.ok());
  return loading::PluginInstance::start(*lib, request_for(id, library, std::move(settings)), {}).status();
}

std::string message(const absl::Status& status) { return std::string(status.message()); }

std::string config_text(const std::string& plugins) {
  return "section: " + (test::source_dir() / "configs/section-29f.section.yaml").string() +
         "\nplugin_dir: " + test::plugin_dir().string() + "\nplugins:\n" + plugins;
}

// A registry started on `plugins` (lines of the configuration's plugin list), written in `dir`.
std::unique_ptr<registry::Registry> started_registry(test::TempDir& dir, const std::string& plugins) {
  auto config = config::load_host_config(dir.write("host.yaml", config_text(plugins)), test::plugin_dir());
  REQUIRE(config.ok());
  auto section = config::load_section_file(config->section_file);
  REQUIRE(section.ok());
  auto registry = std::make_unique<registry::Registry>(std::move(*section));
  REQUIRE(registry->start(*config).ok());
  return registry;
}

}  // namespace

TEST_CASE("a Section 29F plugin loads, starts and publishes its component", "[loader]") {
  const fs::path library = test::plugin_dir() / "finance/finance.so";
  auto lib = loading::PluginLibrary::open(library);
  REQUIRE(lib.ok());
  auto instance = loading::PluginInstance::start(*lib, request_for("finance", library), {});
  REQUIRE(instance.ok());
  auto fetched = (*instance)->fetch();
  REQUIRE(fetched.ok());
  CHECK(fetched->component.id() == "finance");
  CHECK(fetched->component.title() == "Programme planning, finance and budget");
  // The plugin's own bytes are kept, and they are the component.
  CHECK(fetched->bytes == fetched->component.SerializeAsString());
}

TEST_CASE("a missing library is refused", "[loader]") {
  const absl::Status error = open_error("/nonexistent/plugin.so");
  CHECK(error.code() == Code::kFailedPrecondition);
  CHECK(message(error) == "/nonexistent/plugin.so: no such file");
}

TEST_CASE("a library that is not a section plugin is refused", "[loader]") {
  const absl::Status error = open_error(test::fixture("not_a_plugin"));
  CHECK_THAT(message(error), Catch::Contains("not_a_plugin.so: not a section-host plugin"));
}

TEST_CASE("a library of another ABI version is refused before anything else is called", "[loader]") {
  const absl::Status error = open_error(test::fixture("other_abi_plugin"));
  CHECK(error.code() == Code::kFailedPrecondition);
  CHECK_THAT(message(error), Catch::Contains("plugin ABI version 999, but this host supports version 1"));
}

TEST_CASE("a truncated library and a file that is no library are refused with the loader's reason", "[loader]") {
  test::TempDir dir;
  const std::string bytes = test::read_file(test::plugin_dir() / "hr/hr.so");
  const fs::path truncated = dir.write("truncated.so", bytes.substr(0, 4096));
  CHECK_THAT(message(open_error(truncated)), Catch::Contains("truncated.so: cannot be loaded: truncated or corrupt"));
  // Cut inside the last segment rather than in the headers.
  const fs::path cut = dir.write("cut.so", bytes.substr(0, bytes.size() / 2));
  CHECK_THAT(message(open_error(cut)), Catch::Contains("cut.so: cannot be loaded: truncated or corrupt"));
  const fs::path text = dir.write("text.so", "this is not a library\n");
  CHECK_THAT(message(open_error(text)), Catch::Contains("text.so: cannot be loaded: not an ELF shared library"));
  CHECK_THAT(message(open_error(dir.write("empty.so", ""))), Catch::Contains("not an ELF shared library"));
  // A program is ELF too, but no library to load.
  CHECK_THAT(message(open_error("/bin/true")), Catch::Contains("/bin/true: cannot be loaded"));
  CHECK_THAT(message(open_error(dir.path())), Catch::Contains("not a regular file"));
}

TEST_CASE("exceptions thrown by a plugin stop at the boundary", "[loader][faults]") {
  const fs::path throwing = test::fixture("throwing_plugin");
  SECTION("a std::exception in start") {
    auto error = start_error("x", throwing, {{"fail_in", "start"}, {"throw", "std"}});
    REQUIRE_FALSE(error.ok());
    CHECK(error.code() == Code::kInternal);
    CHECK_THAT(message(error), Catch::Contains("start threw: the fixture failed on purpose"));
  }
  SECTION("an exception of another type in start") {
    auto error = start_error("x", throwing, {{"fail_in", "start"}, {"throw", "other"}});
    REQUIRE_FALSE(error.ok());
    CHECK(error.code() == Code::kInternal);
    CHECK_THAT(message(error), Catch::Contains("not derived from std::exception"));
  }
  SECTION("in publish, of either type") {
    for (const char* type : {"std", "other"}) {
      auto lib = loading::PluginLibrary::open(throwing);
      REQUIRE(lib.ok());
      auto instance = loading::PluginInstance::start(*lib, request_for("x", throwing, {{"fail_in", "publish"}, {"throw", type}}), {});
      REQUIRE(instance.ok());
      const absl::Status error = (*instance)->fetch().status();
      CHECK(error.code() == Code::kInternal);
      CHECK_THAT(message(error), Catch::Contains("publish threw"));
    }
  }
}

TEST_CASE("a plugin refuses settings it does not know", "[loader]") {
  auto error = start_error("finance", test::plugin_dir() / "finance/finance.so", {{"colour", "blue"}});
  REQUIRE_FALSE(error.ok());
  CHECK(error.code() == Code::kInvalidArgument);
  CHECK_THAT(message(error), Catch::Contains("unknown setting 'colour' (expected one of: data, watch_ms)"));
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
    REQUIRE_FALSE(error.ok());
    CHECK(error.code() == Code::kFailedPrecondition);
    CHECK_THAT(message(error), Catch::Contains(file.string()) && Catch::Contains("140 % is outside 0–100"));
  }
  SECTION("posts by grade that do not add up to the category") {
    const std::string from = "approved: {p5: 1, p4: 2,";
    data.replace(data.find(from), from.size(), "approved: {p5: 2, p4: 2,");
    auto error = start_error("finance", library, {{"data", dir.write("finance.yaml", data).string()}});
    REQUIRE_FALSE(error.ok());
    CHECK_THAT(message(error), Catch::Contains("posts by grade add up to 8, but the category has 7"));
  }
  SECTION("a YAML error") {
    auto error = start_error("finance", library, {{"data", dir.write("finance.yaml", data + "\n  bad: [\n").string()}});
    REQUIRE_FALSE(error.ok());
    CHECK(error.code() == Code::kFailedPrecondition);
    CHECK_THAT(message(error), Catch::Contains("finance.yaml:") && Catch::Contains("invalid YAML"));
  }
  SECTION("data of another component") {
    auto error = start_error("finance", library, {{"data", (test::source_dir() / "plugins/hr/component.yaml").string()}});
    REQUIRE_FALSE(error.ok());
    CHECK_THAT(message(error), Catch::Contains("'hr' does not match the plugin id 'finance'"));
  }
  SECTION("a missing file") {
    auto error = start_error("finance", library, {{"data", "/nonexistent/finance.yaml"}});
    REQUIRE_FALSE(error.ok());
    CHECK_THAT(message(error), Catch::Contains("/nonexistent/finance.yaml: cannot read the file"));
  }
}

TEST_CASE("the registry leaves out a plugin that fails and serves the others", "[loader][registry]") {
  test::TempDir dir;
  auto registry = started_registry(dir, "  - {id: finance, library: finance}\n"
                                        "  - id: broken\n    library: " + test::fixture("throwing_plugin").string() +
                                        "\n    settings: {fail_in: start, throw: other}\n");
  const auto view = registry->current();
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
  registry->stop();
}

TEST_CASE("the host keeps and serves the bytes a plugin hands over, not a serialization of its own", "[loader][registry]") {
  test::TempDir dir;
  auto registry = started_registry(dir, "  - id: r\n    library: " + test::fixture("republishing_plugin").string() +
                                        "\n    settings: {count: '0', reordered_bytes: 'yes'}\n");
  const auto view = registry->current();
  REQUIRE(view->components.size() == 1);
  const std::string& kept = view->components[0]->bytes;
  // The plugin put the id last; protobuf puts it first.
  v1::Component component = view->components[0]->parse();
  CHECK(component.id() == "r");
  CHECK(kept != component.SerializeAsString());
  v1::Component id_only;
  id_only.set_id("r");
  component.clear_id();
  CHECK(kept == component.SerializeAsString() + id_only.SerializeAsString());
  // GetSection sends them as they are.
  CHECK(query::section_bytes(*view).find(kept) != std::string::npos);
  registry->stop();
}

TEST_CASE("the registry refuses to start on what an admin must fix", "[loader][registry]") {
  test::TempDir dir;
  auto start = [&](const std::string& plugins) {
    auto config = config::load_host_config(dir.write("host.yaml", config_text(plugins)), test::plugin_dir());
    REQUIRE(config.ok());
    auto section = config::load_section_file(config->section_file);
    REQUIRE(section.ok());
    registry::Registry registry(std::move(*section));
    return std::string(registry.start(*config).message());
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
                                         "\n    settings: {interval_ms: '10', count: '1', subprogramme_after: '2', trace_file: " +
                                         trace.string() + "}\n")),
      test::plugin_dir());
  REQUIRE(config.ok());
  auto section = config::load_section_file(config->section_file);
  REQUIRE(section.ok());
  registry::Registry registry(std::move(*section));
  REQUIRE(registry.start(*config).ok());
  // Wait until the plugin has published twice: at start-up, then once on request. (One request
  // only: two made before the worker takes the first are one fetch, which is what the queue is for.)
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (test::read_file(trace) != "2\n" && std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  REQUIRE(test::read_file(trace) == "2\n");
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
  REQUIRE(config.ok());
  auto section = config::load_section_file(config->section_file);
  REQUIRE(section.ok());
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
  REQUIRE(registry.start(*config).ok());
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

TEST_CASE("reused threads: tasks that wait for each other all run at once, and a finished task's thread is reused",
          "[loader][threads]") {
  using namespace std::chrono_literals;
  // Sixteen reports waiting for one commit: a pool that made a task wait for a free thread
  // would never start the last ones, and the first would wait for ever.
  constexpr int kTasks = 16;
  static thread_local int tasks_here = 0;
  std::mutex mutex;
  std::condition_variable changed;
  int started = 0;
  int finished = 0;
  std::set<std::thread::id> threads;
  for (int i = 0; i < kTasks; ++i) {
    ReusedThreads::shared().run([&] {
      std::unique_lock<std::mutex> lock(mutex);
      threads.insert(std::this_thread::get_id());
      ++tasks_here;
      ++started;
      changed.notify_all();
      changed.wait_for(lock, 10s, [&] { return started == kTasks; });
      ++finished;
      changed.notify_all();
    });
  }
  {
    std::unique_lock<std::mutex> lock(mutex);
    REQUIRE(changed.wait_for(lock, 10s, [&] { return finished == kTasks; }));
    CHECK(threads.size() == kTasks);
    CHECK(threads.count(std::this_thread::get_id()) == 0);
  }
  // Their threads wait for the next tasks: one more runs on one of them, not on a new thread
  // (a thread's count of tasks starts at 0; thread ids may be given again to new threads).
  for (int i = 0; i < 500 && ReusedThreads::shared().idle() < kTasks; ++i) std::this_thread::sleep_for(1ms);
  REQUIRE(ReusedThreads::shared().idle() >= kTasks);
  int tasks_on_its_thread = 0;
  bool ran = false;
  ReusedThreads::shared().run([&] {
    std::lock_guard<std::mutex> lock(mutex);
    tasks_on_its_thread = ++tasks_here;
    ran = true;
    changed.notify_all();
  });
  std::unique_lock<std::mutex> lock(mutex);
  REQUIRE(changed.wait_for(lock, 10s, [&] { return ran; }));
  CHECK(tasks_on_its_thread == 2);
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
