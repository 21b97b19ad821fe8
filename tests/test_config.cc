// The host configuration and the section file: what they accept and how they refuse.
#include <catch2/catch.hpp>

#include "host/config/host_config.h"
#include "host/config/section_file.h"
#include "test_env.h"

using namespace section;
namespace fs = std::filesystem;

namespace {

// The default configuration's text with one substitution.
std::string config_with(const std::string& from, const std::string& to) {
  std::string text = test::default_config_text();
  const auto at = text.find(from);
  REQUIRE(at != std::string::npos);
  return text.replace(at, from.size(), to);
}

std::string error_of(const std::string& text) {
  test::TempDir dir;
  const fs::path file = dir.write("host.yaml", text);
  auto config = config::load_host_config(file, test::plugin_dir());
  return config ? "" : config.status().message();
}

}  // namespace

TEST_CASE("the default configuration loads and resolves every plugin", "[config]") {
  auto config = config::load_host_config(test::source_dir() / "configs/section-29f.yaml", test::plugin_dir());
  REQUIRE(config.is_ok());
  CHECK(config->listen == "127.0.0.1:50051");
  CHECK(config->section_file == fs::canonical(test::source_dir() / "configs/section-29f.section.yaml"));
  REQUIRE(config->plugins.size() == 5);
  CHECK(config->plugins[2].id == "hr");
  CHECK(config->plugins[2].library_path == test::plugin_dir() / "hr/hr.so");
  CHECK(config->plugins[2].enabled);
  CHECK(config->shutdown_grace == std::chrono::milliseconds(5000));
}

TEST_CASE("malformed YAML is refused with the file and line", "[config]") {
  const std::string error = error_of("listen: [127.0.0.1\nplugins: []\n");
  CHECK_THAT(error, Catch::Contains("host.yaml:") && Catch::Contains("invalid YAML"));
}

TEST_CASE("unknown and missing keys are refused", "[config]") {
  CHECK_THAT(error_of(config_with("shutdown_grace_ms", "shutdown_grace_msec")),
             Catch::Contains("host.yaml:4:1") && Catch::Contains("unknown key 'shutdown_grace_msec'"));
  CHECK_THAT(error_of(config_with("    enabled: true\n  - id: finance", "    enable: true\n  - id: finance")),
             Catch::Contains("plugins[0]") && Catch::Contains("unknown key 'enable'"));
  CHECK_THAT(error_of("listen: 127.0.0.1:0\nplugins: []\n"), Catch::Contains("missing key 'section'"));
  CHECK_THAT(error_of(config_with("    library: hr\n", "")), Catch::Contains("plugins[2]") && Catch::Contains("missing key 'library'"));
}

TEST_CASE("wrong types and values are refused", "[config]") {
  CHECK_THAT(error_of(config_with("listen: 127.0.0.1:0", "listen: 127.0.0.1:99999")), Catch::Contains("no valid port"));
  CHECK_THAT(error_of(config_with("listen: 127.0.0.1:0", "listen: localhost")), Catch::Contains("not host:port"));
  CHECK_THAT(error_of(config_with("enabled: true\n  - id: finance", "enabled: maybe\n  - id: finance")),
             Catch::Contains("expected true or false"));
  CHECK_THAT(error_of(config_with("shutdown_grace_ms: 2000", "shutdown_grace_ms: -1")), Catch::Contains("out of range"));
  CHECK_THAT(error_of(config_with("id: edm", "id: Edm!")), Catch::Contains("not a valid plugin id"));
  CHECK_THAT(error_of("section: " + (test::source_dir() / "configs/section-29f.section.yaml").string() + "\nplugins: {}\n"),
             Catch::Contains("host.yaml:2:10: plugins: expected a list, found a mapping"));
}

TEST_CASE("a duplicate key in the configuration is refused", "[config]") {
  CHECK_THAT(error_of(config_with("shutdown_grace_ms: 2000\n", "shutdown_grace_ms: 2000\nlisten: 127.0.0.1:1\n")),
             Catch::Contains("duplicate key 'listen'"));
}

TEST_CASE("two plugins with one id are refused, naming both", "[config]") {
  const std::string error = error_of(config_with("id: finance", "id: edm"));
  CHECK_THAT(error, Catch::Contains("plugin id 'edm' is already used by the plugin at line 7"));
  CHECK_THAT(error, Catch::Contains("host.yaml:10"));
}

TEST_CASE("a missing library is refused with its resolved path", "[config]") {
  CHECK_THAT(error_of(config_with("library: hr", "library: personnel")),
             Catch::Contains("plugins[2].library") && Catch::Contains("personnel/personnel.so does not exist"));
  CHECK_THAT(error_of(config_with("library: hr", "library: ./nowhere/hr.so")), Catch::Contains("nowhere/hr.so does not exist"));
  // A disabled plugin is not looked for.
  CHECK(error_of(config_with("library: hr\n    enabled: true", "library: personnel\n    enabled: false")).empty());
}

TEST_CASE("a missing section file is refused", "[config]") {
  CHECK_THAT(error_of(config_with("section-29f.section.yaml", "no-such-section.yaml")),
             Catch::Contains("section file") && Catch::Contains("does not exist"));
}

TEST_CASE("plugin settings are passed as written and must be scalars", "[config]") {
  test::TempDir dir;
  const std::string text = config_with("library: ict\n    enabled: true\n", "library: ict\n    settings:\n      data: x.yaml\n      mode: fast\n");
  auto config = config::load_host_config(dir.write("host.yaml", text), test::plugin_dir());
  REQUIRE(config.is_ok());
  CHECK(config->plugins[4].settings.at("data") == "x.yaml");
  CHECK(config->plugins[4].settings.at("mode") == "fast");
  CHECK_THAT(error_of(config_with("library: ict\n    enabled: true\n", "library: ict\n    settings:\n      data: [a, b]\n")),
             Catch::Contains("settings.data") && Catch::Contains("expected text"));
}

TEST_CASE("the section file of Section 29F loads", "[config][section]") {
  auto section = config::load_section_file(test::source_dir() / "configs/section-29f.section.yaml");
  REQUIRE(section.is_ok());
  CHECK(section->info.number() == "29F");
  CHECK(section->info.budget_year() == 2022);
  CHECK(section->components == std::vector<std::string>{"edm", "finance", "hr", "support", "ict"});
  CHECK(section->text.deliverables_size() == 3);
  CHECK(section->text.mandates_size() == 4);
  CHECK(section->figures.size() > 600);
}

TEST_CASE("section file errors name the line", "[config][section]") {
  test::TempDir dir;
  auto error = [&](const std::string& printed) {
    const std::string text =
        "section: {number: 9Z, title: T, budget_year: 2022, components: [a]}\n"
        "printed:\n" + printed;
    auto section = config::load_section_file(dir.write("s.yaml", text));
    return section ? std::string() : section.status().message();
  };
  CHECK_THAT(error("  tables:\n    - {table: t, source: s, notation: thousands, columns: [a, b], rows: {r: [1.0]}}\n"),
             Catch::Contains("1 values for 2 columns"));
  CHECK_THAT(error("  tables:\n    - {table: t, source: s, notation: thousands, columns: [a], rows: {r: [1.2.3]}}\n"),
             Catch::Contains("s.yaml:4") && Catch::Contains("cannot read '1.2.3'"));
  CHECK_THAT(error("  tables:\n    - {table: t, source: s, notation: yen, columns: [a], rows: {r: [1]}}\n"),
             Catch::Contains("unknown notation 'yen'"));
  CHECK_THAT(error("  narrative:\n    - {where: p, printed: 5, notation: dollars, ref: [t, r]}\n"),
             Catch::Contains("expected [table, row, column]"));
  CHECK_THAT(error("  narrative:\n    - {where: p, printed: 5, notation: dollars, ref: [t, r, c], share_of: [t, r, d]}\n"),
             Catch::Contains("a share is printed as a percentage"));
}
