// The host under systemd: the test plays the service manager. It listens on a Unix datagram
// socket, starts the real section-host with NOTIFY_SOCKET pointing at it (and WATCHDOG_USEC
// set), and checks that each sd_notify message arrives at its moment (docs/operations.md,
// "systemd").
#include <catch2/catch.hpp>

#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "grpc/health/v1/health.grpc.pb.h"
#include "grpc_client.h"
#include "test_env.h"

using namespace section;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

namespace {

// The service manager's end of NOTIFY_SOCKET: a Unix datagram socket bound in a temporary
// directory, closed and removed by the destructor.
class NotifySocket {
 public:
  NotifySocket() : path_(dir_.path() / "notify") {
    fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0) throw std::runtime_error("socket: " + std::string(std::strerror(errno)));
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    if (path_.string().size() >= sizeof address.sun_path) throw std::runtime_error("socket path too long: " + path_.string());
    std::strcpy(address.sun_path, path_.c_str());
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
      throw std::runtime_error("bind " + path_.string() + ": " + std::strerror(errno));
    }
  }
  ~NotifySocket() { ::close(fd_); }
  NotifySocket(const NotifySocket&) = delete;
  NotifySocket& operator=(const NotifySocket&) = delete;

  std::string environment() const { return "NOTIFY_SOCKET=" + path_.string(); }

  // The next datagram, or nothing within `timeout`.
  std::optional<std::string> next(std::chrono::milliseconds timeout) {
    const auto until = Clock::now() + timeout;
    for (;;) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - Clock::now());
      pollfd ready{fd_, POLLIN, 0};
      const int polled = ::poll(&ready, 1, static_cast<int>(std::max<std::int64_t>(0, left.count())));
      if (polled < 0 && errno == EINTR) continue;
      if (polled <= 0) return std::nullopt;
      char buffer[4096];
      const ssize_t size = ::recv(fd_, buffer, sizeof buffer, 0);
      if (size < 0 && errno == EINTR) continue;
      if (size < 0) return std::nullopt;
      return std::string(buffer, static_cast<std::size_t>(size));
    }
  }

  // The next datagram that is not only a WATCHDOG=1 ping or a STATUS= line (those come at any
  // time), or nothing within `timeout`.
  std::optional<std::string> next_state(std::chrono::milliseconds timeout) {
    const auto until = Clock::now() + timeout;
    for (;;) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - Clock::now());
      auto message = next(std::max(left, 0ms));
      if (!message) return std::nullopt;
      if (*message == "WATCHDOG=1" || message->rfind("STATUS=", 0) == 0) continue;
      return message;
    }
  }

 private:
  test::TempDir dir_;
  fs::path path_;
  int fd_ = -1;
};

bool starts_with(const std::string& text, const std::string& prefix) { return text.rfind(prefix, 0) == 0; }

grpc::health::v1::HealthCheckResponse::ServingStatus health_of(const std::string& address) {
  auto health = grpc::health::v1::Health::NewStub(test::channel_to(address));
  grpc::ClientContext context;
  test::deadline(context, 5s);
  grpc::health::v1::HealthCheckResponse response;
  const grpc::Status status = health->Check(&context, grpc::health::v1::HealthCheckRequest(), &response);
  return status.ok() ? response.status() : grpc::health::v1::HealthCheckResponse::UNKNOWN;
}

// Waits for `count` more WATCHDOG=1 pings, each at most `timeout` after the one before; how
// many came.
int next_pings(NotifySocket& socket, int count, std::chrono::milliseconds timeout) {
  int pings = 0;
  while (pings < count) {
    const auto message = socket.next(timeout);
    if (!message) break;
    pings += *message == "WATCHDOG=1";
  }
  return pings;
}

constexpr auto kWatchdog = 300ms;  // WATCHDOG_USEC: the host pings every 150 ms

std::vector<std::string> systemd_environment(const NotifySocket& socket) {
  return {socket.environment(), "WATCHDOG_USEC=" + std::to_string(std::chrono::microseconds(kWatchdog).count())};
}

// The two messages of one reload, RELOADING=1 (with MONOTONIC_USEC) then READY=1: the second.
std::string reload_messages(NotifySocket& socket) {
  const auto reloading = socket.next_state(std::chrono::seconds(10));
  REQUIRE(reloading);
  CHECK(reloading->rfind("RELOADING=1\nMONOTONIC_USEC=", 0) == 0);
  const auto ready = socket.next_state(std::chrono::seconds(10));
  REQUIRE(ready);
  CHECK(ready->rfind("READY=1\n", 0) == 0);
  return *ready;
}

}  // namespace

TEST_CASE("under systemd the host says READY once serving, pings the watchdog, and says RELOADING, READY and STOPPING",
          "[systemd]") {
  NotifySocket socket;
  test::TempDir dir;
  const fs::path config = dir.write("host.yaml", test::default_config_text());
  test::Child host({test::host_binary().string(), "--config", config.string()}, systemd_environment(socket));

  // READY=1 is the first message, sent once the host serves: the serving line is out, health
  // says SERVING.
  const auto ready = socket.next(20s);
  REQUIRE(ready);
  CHECK(starts_with(*ready, "READY=1\n"));
  CHECK_THAT(*ready, Catch::Contains("STATUS=serving version 1: 5 of 5 components serving"));
  const auto address = host.wait_for_line("section-host: serving ", 0ms);
  REQUIRE(address);
  CHECK(health_of(*address) == grpc::health::v1::HealthCheckResponse::SERVING);
  CHECK_THAT(host.err(), Catch::Contains("systemd: watchdog every 150 ms"));

  // WATCHDOG=1 at half the interval: in 1.5 s (five intervals) about ten pings, at least one
  // per interval, and never a burst.
  int pings = 0;
  const auto window_end = Clock::now() + 1500ms;
  while (Clock::now() < window_end) {
    const auto message = socket.next(std::chrono::duration_cast<std::chrono::milliseconds>(window_end - Clock::now()));
    if (!message) break;
    CHECK(*message == "WATCHDOG=1");
    pings += *message == "WATCHDOG=1";
  }
  CHECK(pings >= 5);
  CHECK(pings <= 12);

  // A SIGHUP reload: RELOADING=1 (with MONOTONIC_USEC), then READY=1 with the new version.
  host.signal(SIGHUP);
  const std::string reloaded = reload_messages(socket);
  CHECK_THAT(reloaded, Catch::Contains("STATUS=serving version 2: 5 of 5 components serving") && Catch::Contains("(reloaded)"));

  // A refused reload is reported the same way: the host serves on, and STATUS says why.
  dir.write("host.yaml", test::replace(test::default_config_text(), "shutdown_grace_ms", "shutdown_grace"));
  host.signal(SIGHUP);
  const std::string refused = reload_messages(socket);
  CHECK_THAT(refused, Catch::Contains("serving version 2") && Catch::Contains("the last reload was refused") &&
                           Catch::Contains("unknown key 'shutdown_grace'"));
  // The pings go on after reloads.
  CHECK(next_pings(socket, 2, 5s) == 2);

  // SIGTERM: STOPPING=1 as the drain begins, then nothing more: no ping after it.
  host.signal(SIGTERM);
  const auto stopping = socket.next_state(10s);
  REQUIRE(stopping);
  CHECK(starts_with(*stopping, "STOPPING=1\n"));
  CHECK(host.wait(15s) == 0);
  CHECK_FALSE(socket.next(0ms));
  CHECK(host.err().find("cannot notify") == std::string::npos);
}

TEST_CASE("the watchdog pings only while the registry's worker answers: a reload stuck in a plugin pauses them", "[systemd]") {
  NotifySocket socket;
  test::TempDir dir;
  const std::string base = test::replace(test::default_config_text(), "drain_ms: 0\n", "drain_ms: 0\nplugin_call_timeout_ms: 1500\n");
  const fs::path config = dir.write("host.yaml", base);
  test::Child host({test::host_binary().string(), "--config", config.string()}, systemd_environment(socket));
  const auto ready = socket.next(20s);
  REQUIRE(ready);
  REQUIRE(starts_with(*ready, "READY=1\n"));
  REQUIRE(next_pings(socket, 2, 5s) == 2);

  // The reload starts a plugin that hangs in start: the worker waits for it up to the call
  // deadline (1.5 s), and no ping comes meanwhile.
  dir.write("host.yaml", base + "  - id: stuck\n    library: " + test::fixture("throwing_plugin").string() +
                             "\n    settings: {fail_in: hang}\n");
  host.signal(SIGHUP);
  REQUIRE(socket.next_state(10s).value_or("").rfind("RELOADING=1\n", 0) == 0);
  // The longest silence between two pings (or since the reload began), up to the first ping
  // after the reload was done.
  Clock::time_point last_ping = Clock::now();
  std::chrono::milliseconds longest{0};
  bool reloaded = false;
  const auto until = Clock::now() + 20s;
  while (Clock::now() < until) {
    const auto message = socket.next(10s);
    if (!message) break;
    if (*message == "WATCHDOG=1") {
      const auto now = Clock::now();
      longest = std::max(longest, std::chrono::duration_cast<std::chrono::milliseconds>(now - last_ping));
      last_ping = now;
      if (reloaded) break;
    } else if (starts_with(*message, "READY=1\n")) {
      // The plugin is left out at its deadline, and the reload goes through.
      CHECK_THAT(*message, Catch::Contains("(reloaded)") && Catch::Contains("5 of 6 components serving"));
      reloaded = true;
    }
  }
  REQUIRE(reloaded);
  CHECK(longest >= 1000ms);
  CHECK_THAT(host.err(), Catch::Contains("systemd: the registry's worker has not answered within 150 ms"));
  // Pings resume once the worker answers again.
  CHECK(next_pings(socket, 2, 5s) == 2);
  CHECK_THAT(host.err(), Catch::Contains("systemd: the registry's worker answers again"));
  host.signal(SIGTERM);
  CHECK(host.wait(15s) == 0);
}

TEST_CASE("without NOTIFY_SOCKET the host sends nothing and says nothing of systemd", "[systemd]") {
  NotifySocket socket;
  test::TempDir dir;
  const fs::path config = dir.write("host.yaml", test::default_config_text());
  // WATCHDOG_USEC alone asks for nothing: there is nowhere to send the pings.
  test::Child host({test::host_binary().string(), "--config", config.string()}, {"WATCHDOG_USEC=300000"});
  REQUIRE(host.wait_for_line("section-host: serving ", 20s));
  host.signal(SIGHUP);
  const auto until = Clock::now() + 10s;
  while (host.err().find("SIGHUP: reloaded") == std::string::npos && Clock::now() < until) std::this_thread::sleep_for(10ms);
  CHECK_THAT(host.err(), Catch::Contains("SIGHUP: reloaded"));
  host.signal(SIGTERM);
  CHECK(host.wait(15s) == 0);
  CHECK_FALSE(socket.next(0ms));
  CHECK(host.err().find("systemd") == std::string::npos);
}
