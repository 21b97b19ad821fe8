// The host's log: the JSON line (--log-format json) and the text line, as written, and the real
// host writing nothing but JSON lines on standard error with --log-format json.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "host/core/log.h"
#include "test_env.h"

using namespace section;
using namespace std::chrono_literals;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

// 2021-12-31T23:59:59.007Z
std::chrono::system_clock::time_point new_years_eve() {
  return std::chrono::system_clock::time_point(std::chrono::seconds(1640995199)) + std::chrono::milliseconds(7);
}

const std::regex kTime(R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)");

// What log::write() puts on standard error while `write` runs: fd 2 goes to a file meanwhile.
template <typename Write>
std::string captured_stderr(Write write) {
  test::TempDir dir;
  const fs::path file = dir.path() / "stderr";
  std::fflush(stderr);
  const int saved = ::dup(2);
  const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  ::dup2(fd, 2);
  ::close(fd);
  write();
  std::fflush(stderr);
  ::dup2(saved, 2);
  ::close(saved);
  return test::read_file(file);
}

// Each line of `text` must be a JSON object with the four fields as strings; the objects.
std::vector<json> json_lines(const std::string& text) {
  std::vector<json> objects;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    INFO(line);
    json object;
    REQUIRE_NOTHROW(object = json::parse(line));
    REQUIRE(object.is_object());
    for (const char* key : {"time", "level", "component", "message"}) {
      INFO(key);
      REQUIRE(object.contains(key));
      REQUIRE(object[key].is_string());
    }
    CHECK(std::regex_match(object["time"].get<std::string>(), kTime));
    CHECK_THAT(object["level"].get<std::string>(),
               Catch::Equals("debug") || Catch::Equals("info") || Catch::Equals("warning") || Catch::Equals("error"));
    objects.push_back(std::move(object));
  }
  CHECK((text.empty() || text.back() == '\n'));
  return objects;
}

bool has(const std::vector<json>& objects, const std::string& component, const std::string& message_part,
         const std::string& level = "") {
  for (const json& object : objects) {
    if (object["component"] == component && object["message"].get<std::string>().find(message_part) != std::string::npos &&
        (level.empty() || object["level"] == level)) {
      return true;
    }
  }
  return false;
}

}  // namespace

TEST_CASE("a JSON log line has time, level, component and message, in this order, on one line", "[log]") {
  const std::string line = log::json_line(new_years_eve(), log::Level::kWarning, "plugin finance", "data file changed");
  CHECK(line ==
        R"({"time":"2021-12-31T23:59:59.007Z","level":"warning","component":"plugin finance","message":"data file changed"})"
        "\n");
  CHECK(log::timestamp(new_years_eve()) == "2021-12-31T23:59:59.007Z");
  const std::vector<std::pair<log::Level, std::string>> levels = {
      {log::Level::kDebug, "debug"}, {log::Level::kInfo, "info"}, {log::Level::kWarning, "warning"}, {log::Level::kError, "error"}};
  for (const auto& [level, name] : levels) {
    CHECK(json::parse(log::json_line(new_years_eve(), level, "host", "x"))["level"] == name);
  }
}

TEST_CASE("a JSON log line escapes quotes, backslashes, newlines and control characters, and keeps UTF-8 as it is", "[log]") {
  const std::string message = "a \"quoted\" C:\\path\nsecond line\r\n\tthird\x01\x1f end — 29F, Wien é 預算";
  const std::string line = log::json_line(new_years_eve(), log::Level::kError, "plugin \"odd\\id\"", message);
  // One line: the only newline ends it.
  REQUIRE(line.back() == '\n');
  CHECK(line.find('\n') == line.size() - 1);
  CHECK(line.find('\r') == std::string::npos);
  CHECK(line.find('\t') == std::string::npos);
  CHECK_THAT(line, Catch::Contains(R"(a \"quoted\" C:\\path\nsecond line\r\n\tthird\u0001\u001f end — 29F, Wien é 預算)"));
  CHECK_THAT(line, Catch::Contains(R"("component":"plugin \"odd\\id\"")"));
  // It reads back as written.
  const json parsed = json::parse(line);
  CHECK(parsed["message"] == message);
  CHECK(parsed["component"] == "plugin \"odd\\id\"");
}

TEST_CASE("a JSON log line replaces bytes that are not UTF-8 instead of failing", "[log]") {
  const std::string line = log::json_line(new_years_eve(), log::Level::kInfo, "plugin raw", "bad \xff\xfe byte, cut \xe2\x82");
  const json parsed = json::parse(line);
  CHECK(parsed["message"] == "bad \xef\xbf\xbd\xef\xbf\xbd byte, cut \xef\xbf\xbd");
}

TEST_CASE("log::write prints the text line as before, or the JSON line, and leaves out the levels below the least", "[log]") {
  const std::string text = captured_stderr([] {
    log::set_format(log::Format::kText);
    log::set_min_level(log::Level::kInfo);
    log::write(log::Level::kDebug, "host", "left out");
    log::info("serving");
    log::write(log::Level::kWarning, "plugin finance", "two\nlines");
    log::error("failed");
  });
  const std::regex text_lines(
      R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z INFO  \[host\] serving
\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z WARN  \[plugin finance\] two
lines
\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z ERROR \[host\] failed
)");
  CHECK(std::regex_match(text, text_lines));

  const std::string json_text = captured_stderr([] {
    log::set_format(log::Format::kJson);
    log::set_min_level(log::Level::kWarning);
    log::info("left out");
    log::write(log::Level::kWarning, "plugin finance", "two\nlines");
    log::set_format(log::Format::kText);
    log::set_min_level(log::Level::kInfo);
  });
  const std::vector<json> objects = json_lines(json_text);
  REQUIRE(objects.size() == 1);
  CHECK(objects[0]["level"] == "warning");
  CHECK(objects[0]["component"] == "plugin finance");
  CHECK(objects[0]["message"] == "two\nlines");
}

TEST_CASE("with --log-format json the host writes only JSON lines on standard error, from start-up to shutdown",
          "[log][integration]") {
  test::TempDir dir;
  // A plugin that logs and hangs in start: a plugin's line, and an error from the host about it.
  const std::string config = test::replace(test::default_config_text(), "drain_ms: 0\n", "drain_ms: 0\nplugin_call_timeout_ms: 500\n") +
                             "  - id: stuck\n    library: " + test::fixture("throwing_plugin").string() +
                             "\n    settings: {fail_in: hang}\n";
  const fs::path file = dir.write("host.yaml", config);
  test::Child host({test::host_binary().string(), "--config", file.string(), "--log-format", "json", "--log-level", "debug"});
  REQUIRE(host.wait_for_line("section-host: serving ", 20s));
  // A refused reload logs a multi-line error (the YAML excerpt under it).
  dir.write("host.yaml", "listen: 127.0.0.1:0\n  section: é-29f\n");
  host.signal(SIGHUP);
  const auto until = std::chrono::steady_clock::now() + 10s;
  while (host.err().find("SIGHUP: the reload was refused") == std::string::npos && std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(10ms);
  }
  host.signal(SIGTERM);
  REQUIRE(host.wait(15s) == 0);
  // Standard output keeps its one plain line for scripts.
  CHECK_THAT(host.out(), Catch::StartsWith("section-host: serving "));

  const std::vector<json> objects = json_lines(host.err());
  CHECK(objects.size() >= 6);
  CHECK(has(objects, "host", "serving section 29F on ", "info"));
  CHECK(has(objects, "plugin stuck", "hanging in start", "info"));
  CHECK(has(objects, "host", "SIGHUP: the reload was refused", "error"));
  CHECK(has(objects, "host", "stopped", "info"));
  bool multi_line = false;
  for (const json& object : objects) {
    const std::string message = object["message"];
    if (message.find("invalid YAML") != std::string::npos && message.find("\n      section: é-29f\n") != std::string::npos) {
      multi_line = true;
    }
  }
  CHECK(multi_line);
}

TEST_CASE("the host takes --log-format text or json, and anything else exits 2 naming the option", "[log][integration]") {
  const test::RunResult bad = test::run({test::host_binary().string(), "--config", "x", "--log-format", "xml"});
  CHECK(bad.status == 2);
  CHECK_THAT(bad.err, Catch::Contains("--log-format") && Catch::Contains("xml") && Catch::Contains("text") && Catch::Contains("json"));
  const test::RunResult help = test::run({test::host_binary().string(), "--help"});
  CHECK_THAT(help.out, Catch::Contains("--log-format FORMAT"));
  // An error before the host serves is a JSON line too, and still exits 2.
  const test::RunResult missing =
      test::run({test::host_binary().string(), "--config", "/nonexistent/host.yaml", "--log-format", "json"});
  CHECK(missing.status == 2);
  const std::vector<json> objects = json_lines(missing.err);
  REQUIRE(objects.size() == 1);
  CHECK(objects[0]["level"] == "error");
  CHECK_THAT(objects[0]["message"].get<std::string>(), Catch::Contains("/nonexistent/host.yaml: cannot read the file"));
}
