// section-host --check: loads and checks everything a start would, prints what it found and
// exits without opening a port.
#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "test_env.h"

using namespace section;
namespace fs = std::filesystem;
using test::replace;

namespace {

test::RunResult check(const std::string& config_text) {
  test::TempDir dir;
  const fs::path config = dir.write("host.yaml", config_text);
  return test::run({test::host_binary().string(), "--check", "--config", config.string()});
}

// A loopback port held by this process for the test's lifetime.
class HeldPort {
 public:
  HeldPort() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
    REQUIRE(::listen(fd_, 1) == 0);
    socklen_t size = sizeof address;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &size);
    port_ = ntohs(address.sin_port);
  }
  ~HeldPort() { ::close(fd_); }
  int port() const { return port_; }

 private:
  int fd_ = -1;
  int port_ = 0;
};

}  // namespace

TEST_CASE("section-host --check on the default configuration reports every plugin serving and exits 0", "[check]") {
  const test::RunResult result = check(test::default_config_text());
  CHECK(result.status == 0);
  for (const char* id : {"edm", "finance", "hr", "support", "ict"}) {
    CHECK_THAT(result.out, Catch::Matches("(.|\n)*plugin " + std::string(id) + " +serving(.|\n)*"));
  }
  CHECK_THAT(result.out, Catch::Contains("reconciliation: 2 printed figure(s) differ"));
  CHECK_THAT(result.out, Catch::Contains("check ok: section-host would serve 5 component(s)"));
  CHECK(result.out.find("section-host: serving") == std::string::npos);
  // It builds version 1 to check it, and says nothing of publishing what it never serves.
  CHECK(result.err.find("published version") == std::string::npos);
}

TEST_CASE("section-host --check opens no port: it passes while another process holds the configured one", "[check]") {
  HeldPort held;
  const std::string address = "127.0.0.1:" + std::to_string(held.port());
  const std::string config = replace(test::default_config_text(), "listen: 127.0.0.1:0", "listen: " + address);
  const test::RunResult result = check(config);
  CHECK(result.status == 0);
  CHECK_THAT(result.out, Catch::Contains("listen " + address));
}

TEST_CASE("section-host --check finds the same configuration error a start reports, and exits 2", "[check]") {
  const std::string broken = replace(test::default_config_text(), "shutdown_grace_ms", "shutdown_grace");
  const test::RunResult checked = check(broken);
  CHECK(checked.status == 2);
  CHECK_THAT(checked.out, Catch::Contains("check failed: ") && Catch::Contains("host.yaml:4:1") &&
                              Catch::Contains("unknown key 'shutdown_grace'"));

  test::TempDir dir;
  const fs::path config = dir.write("host.yaml", broken);
  const test::RunResult started = test::run({test::host_binary().string(), "--config", config.string()});
  CHECK(started.status == 2);
  CHECK_THAT(started.err, Catch::Contains("host.yaml:4:1") && Catch::Contains("unknown key 'shutdown_grace'"));
}

TEST_CASE("section-host --check refuses invalid component data with the file and field, and exits 2", "[check]") {
  const std::string config = replace(test::default_config_text(), "library: ict\n",
                                     "library: ict\n    settings: {data: " +
                                         (test::source_dir() / "plugins/edm/component.yaml").string() + "}\n");
  const test::RunResult result = check(config);
  CHECK(result.status == 2);
  CHECK_THAT(result.out, Catch::Contains("plugin 'ict'") && Catch::Contains("does not match the plugin id 'ict'"));
}

TEST_CASE("section-host --check reports a plugin that fails to start as FAILED and exits 1", "[check]") {
  const std::string config = test::default_config_text() + "  - id: thrower\n    library: " +
                             test::fixture("throwing_plugin").string() + "\n    settings: {subprogramme: 7}\n";
  const test::RunResult result = check(config);
  CHECK(result.status == 1);
  CHECK_THAT(result.out, Catch::Contains("plugin thrower") && Catch::Contains("FAILED") &&
                             Catch::Contains("the fixture failed on purpose"));
  CHECK_THAT(result.out, Catch::Contains("check failed: 1 plugin(s) failed"));
}
