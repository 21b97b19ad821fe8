// A plugin's own checks on a component it published, with changes in it (what ReportService
// needs before it accepts a reported value): through the C boundary, in process and in a
// process of its own (section-plugin-runner), and for a library built before the check hook.
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <functional>

#include "host/loading/in_process_source.h"
#include "host/loading/plugin_library.h"
#include "host/supervision/process_source.h"
#include "section/sdk/sdk.h"
#include "plugin_request.h"
#include "test_env.h"

using namespace section;
namespace fs = std::filesystem;
using loading::ComponentSource;

namespace {

// A check's status (ComponentSource::check) as what it means here, with its message.
enum class Outcome { kPassed, kRefused, kUnsupported, kFailed };
Outcome check(ComponentSource& source, const v1::Component& component, std::string* problems) {
  const absl::Status checked = source.check(component);
  *problems = std::string(checked.message());
  switch (checked.code()) {
    case absl::StatusCode::kOk: return Outcome::kPassed;
    case absl::StatusCode::kInvalidArgument: return Outcome::kRefused;
    case absl::StatusCode::kUnimplemented: return Outcome::kUnsupported;
    default: return Outcome::kFailed;
  }
}

constexpr std::chrono::milliseconds kCallTimeout{5000};

fs::path real_plugin(const std::string& id) { return test::plugin_dir() / id / (id + ".so"); }

// The start request the host sends; the data file is given explicitly, so that a copied
// library (below) reads the real data, and nothing watches it.
v1::PluginStartRequest request_for(const std::string& id, const fs::path& library) {
  return test::request_for(id, library, {{"data", (test::plugin_dir() / id / "component.yaml").string()}, {"watch_ms", "0"}});
}

enum class Isolation { kInProcess, kProcess };

const char* name_of(Isolation isolation) { return isolation == Isolation::kInProcess ? "in_process" : "process"; }

// A source for `library` as the registry makes one for each isolation.
loading::SourcePtr make_source(Isolation isolation, const fs::path& library) {
  if (isolation == Isolation::kProcess) {
    const fs::path runner = test::host_binary().parent_path() / "section-plugin-runner";
    return std::make_unique<supervision::ProcessSource>(runner, library, loading::SourceEvents{}, kCallTimeout);
  }
  auto opened = loading::PluginLibrary::open(library);
  if (!opened.ok()) FAIL(opened.status().message());
  return std::make_unique<loading::InProcessSource>(*opened, loading::SourceEvents{}, kCallTimeout);
}

// A started source and the component it published.
struct Started {
  loading::SourcePtr source;
  v1::Component component;
};

Started start(Isolation isolation, const std::string& id, const fs::path& library) {
  Started started{make_source(isolation, library), {}};
  const absl::Status ok = started.source->start(request_for(id, library));
  if (!ok.ok()) FAIL(name_of(isolation) << ": " << ok.message());
  auto fetched = started.source->fetch();
  if (!fetched.ok()) FAIL(name_of(isolation) << ": " << fetched.status().message());
  started.component = std::move(fetched->component);
  return started;
}

v1::PerformanceMeasure* measure_of(v1::Component& component, const std::string& measure_id) {
  for (auto& result : *component.mutable_results()) {
    for (auto& measure : *result.mutable_measures()) {
      if (measure.id() == measure_id) return &measure;
    }
  }
  FAIL("the component has no measure " << measure_id);
  return nullptr;
}

// The number of the value of measure `measure_id` for `year` and `kind`.
v1::Decimal* number_of(v1::Component& component, const std::string& measure_id, int year, v1::ValueKind kind) {
  for (auto& value : *measure_of(component, measure_id)->mutable_values()) {
    if (value.year() == year && value.kind() == kind) return value.mutable_number();
  }
  FAIL("measure " << measure_id << " has no value for " << year << " of kind " << kind);
  return nullptr;
}

void set_whole(v1::Decimal* number, std::int64_t value) {
  number->set_units(value);
  number->set_scale(0);
}

// `library` as a library built before the SDK had the check hook: the same plugin, with the
// hook's symbol renamed in place (same length, so the ELF layout is unchanged) so that the
// dynamic linker no longer finds it under its name.
fs::path without_check_hook(const test::TempDir& dir, const fs::path& library) {
  std::string bytes = test::read_file(library);
  const std::string symbol = SECTION_PLUGIN_SYMBOL_CHECK;
  std::string renamed = symbol;
  renamed.back() = 'X';
  int replaced = 0;
  for (auto at = bytes.find(symbol); at != std::string::npos; at = bytes.find(symbol, at + symbol.size())) {
    bytes.replace(at, symbol.size(), renamed);
    ++replaced;
  }
  REQUIRE(replaced > 0);
  return dir.write(library.filename().string(), bytes);
}

void append_to(void* ctx, const char* data, std::size_t size) { static_cast<std::string*>(ctx)->append(data, size); }

// Calls the C hook directly on a started instance of `library`.
struct CCall {
  int status = -1;
  std::string message;
};

CCall call_hook_with(const fs::path& library, const std::function<CCall(section_plugin_check_fn, void*)>& call) {
  auto opened = loading::PluginLibrary::open(library);
  REQUIRE(opened.ok());
  REQUIRE((*opened)->check() != nullptr);
  const std::string request = request_for("finance", library).SerializeAsString();
  void* handle = nullptr;
  std::string start_error;
  const int started = (*opened)->create()(request.data(), request.size(), nullptr, &handle, append_to, &start_error);
  if (started != SECTION_PLUGIN_OK) FAIL("finance did not start: " << start_error);
  const CCall result = call((*opened)->check(), handle);
  (*opened)->destroy()(handle);
  return result;
}

}  // namespace

TEST_CASE("a plugin's own checks apply to a component it published, with changes in it", "[check]") {
  const Isolation isolation = GENERATE(Isolation::kInProcess, Isolation::kProcess);
  INFO(name_of(isolation));
  Started finance = start(isolation, "finance", real_plugin("finance"));
  std::string problems = "not cleared";

  SECTION("the component as published passes") {
    CHECK(check(*finance.source, finance.component, &problems) == Outcome::kPassed);
    CHECK(problems.empty());
  }
  SECTION("a percentage above 100 is refused by the common rule, naming the measure and the bound") {
    v1::Component changed = finance.component;
    set_whole(number_of(changed, "field_office_budget_implementation_rate", 2020, v1::ACTUAL), 150);
    CHECK(check(*finance.source, changed, &problems) == Outcome::kRefused);
    CHECK(problems ==
          "results[resource_ownership].measures[field_office_budget_implementation_rate].values[2020 actual]: "
          "150 % is outside 0–100");
  }
  SECTION("a duration of 0 days is refused by finance's own rule, which the common checks do not have") {
    v1::Component changed = finance.component;
    set_whole(number_of(changed, "days_to_approve_project_revisions", 2020, v1::ACTUAL), 0);
    sdk::Findings common;
    sdk::checks::common(changed, common);
    REQUIRE(common.empty());  // so only finance's rule can refuse it
    CHECK(check(*finance.source, changed, &problems) == Outcome::kRefused);
    CHECK_THAT(problems, Catch::Contains("measures[days_to_approve_project_revisions].values[2020 actual]") &&
                             Catch::Contains("0 days is less than one day"));
  }
  SECTION("every finding is reported, one per line") {
    v1::Component changed = finance.component;
    set_whole(number_of(changed, "field_office_budget_implementation_rate", 2020, v1::ACTUAL), -1);
    set_whole(number_of(changed, "days_for_financial_approval_of_revisions", 2018, v1::ACTUAL), 0);
    CHECK(check(*finance.source, changed, &problems) == Outcome::kRefused);
    CHECK(std::count(problems.begin(), problems.end(), '\n') == 1);
    CHECK_THAT(problems, Catch::Contains("-1 % is outside 0–100") && Catch::Contains("0 days is less than one day"));
  }
  SECTION("a component that is not the plugin's is refused as its data file would be") {
    v1::Component changed = finance.component;
    changed.set_id("hr");
    CHECK(check(*finance.source, changed, &problems) == Outcome::kRefused);
    CHECK(problems == "component.id: 'hr' does not match the plugin id 'finance' given in the host configuration");
  }
  SECTION("a refused check changes nothing the plugin publishes") {
    v1::Component changed = finance.component;
    set_whole(number_of(changed, "field_office_budget_implementation_rate", 2020, v1::ACTUAL), 150);
    REQUIRE(check(*finance.source, changed, &problems) == Outcome::kRefused);
    auto again = finance.source->fetch();
    REQUIRE(again.ok());
    CHECK(again->component.SerializeAsString() == finance.component.SerializeAsString());
  }
}

TEST_CASE("hr's own rule, a cumulative series never decreasing, applies to a reported actual", "[check]") {
  const Isolation isolation = GENERATE(Isolation::kInProcess, Isolation::kProcess);
  INFO(name_of(isolation));
  Started hr = start(isolation, "hr", real_plugin("hr"));
  std::string problems;
  REQUIRE(check(*hr.source, hr.component, &problems) == Outcome::kPassed);
  // An actual for 2021 above the 2022 plan of 95 %: within 0–100, so only the cumulative rule
  // can refuse it.
  v1::Component changed = hr.component;
  v1::MeasureValue* reported = measure_of(changed, "staff_completed_sexual_harassment_training")->add_values();
  reported->set_year(2021);
  reported->set_kind(v1::ACTUAL);
  set_whole(reported->mutable_number(), 97);
  sdk::Findings common;
  sdk::checks::common(changed, common);
  REQUIRE(common.empty());
  CHECK(check(*hr.source, changed, &problems) == Outcome::kRefused);
  CHECK_THAT(problems, Catch::Contains("measures[staff_completed_sexual_harassment_training].values[2022 planned]") &&
                           Catch::Contains("a cumulative series decreases: planned 95 is below the 2021 actual 97"));
}

TEST_CASE("a plugin that overrides nothing gets the common checks", "[check]") {
  const fs::path library = test::fixture("republishing_plugin");
  auto opened = loading::PluginLibrary::open(library);
  REQUIRE(opened.ok());
  loading::InProcessSource source(*opened, {}, kCallTimeout);
  v1::PluginStartRequest request = request_for("republisher", library);
  request.mutable_settings()->clear();
  (*request.mutable_settings())["count"] = "0";
  REQUIRE(source.start(request).ok());
  auto fetched = source.fetch();
  REQUIRE(fetched.ok());
  v1::Component component = fetched->component;
  std::string problems;
  CHECK(check(source, component, &problems) == Outcome::kPassed);
  set_whole(component.mutable_results(0)->mutable_measures(0)->mutable_values(0)->mutable_number(), -3);
  CHECK(check(source, component, &problems) == Outcome::kRefused);
  CHECK(problems == "results[r1].measures[counter].values[2022 planned]: -3 is negative");
}

TEST_CASE("the C hook answers BAD_REQUEST for bytes that are no component, and for no instance", "[check][abi]") {
  const fs::path library = real_plugin("finance");
  SECTION("garbage bytes") {
    const CCall call = call_hook_with(library, [](section_plugin_check_fn check, void* handle) {
      CCall result;
      const std::string garbage = "\xff\xff\xff\xff not a component";
      result.status = check(handle, garbage.data(), garbage.size(), append_to, &result.message);
      return result;
    });
    CHECK(call.status == SECTION_PLUGIN_BAD_REQUEST);
    CHECK(call.message == "the component to check is not a section.v1.Component");
  }
  SECTION("a null pointer") {
    const CCall call = call_hook_with(library, [](section_plugin_check_fn check, void* handle) {
      CCall result;
      result.status = check(handle, nullptr, 10, append_to, &result.message);
      return result;
    });
    CHECK(call.status == SECTION_PLUGIN_BAD_REQUEST);
  }
  SECTION("no instance") {
    const CCall call = call_hook_with(library, [](section_plugin_check_fn check, void*) {
      CCall result;
      result.status = check(nullptr, "", 0, append_to, &result.message);
      return result;
    });
    CHECK(call.status == SECTION_PLUGIN_BAD_REQUEST);
    CHECK(call.message == "check called without a plugin instance");
  }
  SECTION("the findings come through on_error, and no callback is required") {
    const CCall call = call_hook_with(library, [](section_plugin_check_fn check, void* handle) {
      v1::Component component;
      component.set_id("finance");
      component.set_budget_year(2022);
      auto* measure = component.add_results()->add_measures();
      measure->set_id("m");
      measure->set_unit(v1::UNIT_PERCENT);
      auto* value = measure->add_values();
      value->set_year(2022);
      value->set_kind(v1::PLANNED);
      value->mutable_number()->set_units(101);
      const std::string bytes = component.SerializeAsString();
      CCall result;
      result.status = check(handle, bytes.data(), bytes.size(), append_to, &result.message);
      CHECK(check(handle, bytes.data(), bytes.size(), nullptr, nullptr) == SECTION_PLUGIN_INVALID_DATA);
      return result;
    });
    CHECK(call.status == SECTION_PLUGIN_INVALID_DATA);
    CHECK_THAT(call.message, Catch::Contains("101 % is outside 0–100"));
  }
}

TEST_CASE("a plugin built before the check hook loads, runs, and has no checks to offer", "[check][abi]") {
  const Isolation isolation = GENERATE(Isolation::kInProcess, Isolation::kProcess);
  INFO(name_of(isolation));
  test::TempDir dir;
  const fs::path old_library = without_check_hook(dir, real_plugin("finance"));
  auto opened = loading::PluginLibrary::open(old_library);
  if (!opened.ok()) FAIL(opened.status().message());
  CHECK((*opened)->check() == nullptr);

  Started finance = start(isolation, "finance", old_library);
  CHECK(finance.component.id() == "finance");
  std::string problems = "not cleared";
  CHECK(check(*finance.source, finance.component, &problems) == Outcome::kUnsupported);
  CHECK_THAT(problems, Catch::Contains("has no section_plugin_check"));
}

TEST_CASE("a check on a source that is not running fails, saying so", "[check]") {
  const Isolation isolation = GENERATE(Isolation::kInProcess, Isolation::kProcess);
  INFO(name_of(isolation));
  auto source = make_source(isolation, real_plugin("finance"));
  std::string problems;
  CHECK(check(*source, v1::Component(), &problems) == Outcome::kFailed);
  CHECK_THAT(problems, Catch::Contains("not running"));
}

TEST_CASE("a plugin that refuses to start names itself once, in its own process as in the host's", "[plugin][process]") {
  for (const Isolation isolation : {Isolation::kInProcess, Isolation::kProcess}) {
    const fs::path library = real_plugin("ict");
    auto source = make_source(isolation, library);
    auto request = request_for("ict", library);
    (*request.mutable_settings())["colour"] = "blue";
    const absl::Status started = source->start(request);
    REQUIRE_FALSE(started.ok());
    const std::string message(started.message());
    INFO(name_of(isolation) << ": " << message);
    CHECK(started.code() == absl::StatusCode::kInvalidArgument);
    CHECK_THAT(message, Catch::StartsWith("plugin 'ict' (" + library.string() + ") did not start: ") &&
                                  Catch::Contains("unknown setting 'colour'"));
    const std::string once = "plugin 'ict'";
    CHECK(message.find(once, once.size()) == std::string::npos);
    if (isolation == Isolation::kProcess) CHECK_THAT(message, Catch::Contains("[in its own process, unix:"));
  }
}

TEST_CASE("section-plugin-runner's --help lists its options, and a bad command line exits 2 naming the option", "[runner]") {
  const std::string runner = (test::host_binary().parent_path() / "section-plugin-runner").string();
  const auto help = test::run({runner, "--help"});
  CHECK(help.status == 0);
  CHECK_THAT(help.out, Catch::Contains("Usage: section-plugin-runner [OPTIONS]") && Catch::Contains("--library PATH REQUIRED") &&
                           Catch::Contains("--listen unix:PATH REQUIRED") && Catch::Contains("--parent PID"));
  const auto no_listen = test::run({runner, "--library", real_plugin("edm").string()});
  CHECK(no_listen.status == 2);
  CHECK_THAT(no_listen.err, Catch::StartsWith("section-plugin-runner: --listen is required\n") && Catch::Contains("Usage:"));
  const auto tcp = test::run({runner, "--library", real_plugin("edm").string(), "--listen", "127.0.0.1:1"});
  CHECK(tcp.status == 2);
  CHECK_THAT(tcp.err, Catch::StartsWith("section-plugin-runner: --listen: must be unix:PATH, not '127.0.0.1:1'"));
  const auto parent = test::run({runner, "--library", real_plugin("edm").string(), "--listen", "unix:/nonexistent/s", "--parent", "me"});
  CHECK(parent.status == 2);
  CHECK_THAT(parent.err, Catch::Contains("--parent"));
  CHECK(test::run({runner, "--library", real_plugin("edm").string(), "--listen", "unix:/nonexistent/s", "--verbose"}).status == 2);
}
