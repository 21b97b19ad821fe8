// A real load balancer in front of two real hosts on one real PostgreSQL: nginx (Debian's
// nginx-core) runs packaging/nginx/section-host.conf with only its addresses and paths
// replaced; 20 clients read and report through it while one host is killed with SIGKILL. Every
// failed call must have been in flight on the killed host when it died (nginx's access log
// says which host each call went to), and every acknowledged report must be served afterwards
// by the host that survived.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>

#include <catch2/catch.hpp>

#include "grpc_client.h"
#include "postgres_support.h"
#include "report_client.h"
#include "test_env.h"

namespace section::test {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
constexpr const char* kMeasure = "candidates_from_underrepresented_countries";  // hr, percent

// A loopback port nobody listens on now.
int free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  socklen_t size = sizeof address;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size);
  ::close(fd);
  return ntohs(address.sin_port);
}

bool accepts(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const bool connected = ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
  ::close(fd);
  return connected;
}

// nginx on packaging/nginx/section-host.conf, its upstream being `hosts`; stopped by the Child.
struct Nginx {
  Nginx(const TempDir& dir, const std::string& first_host, const std::string& second_host) {
    port = free_port();
    std::string conf = read_file(source_dir() / "packaging" / "nginx" / "section-host.conf");
    conf = replace(conf, "listen 127.0.0.1:8080", "listen 127.0.0.1:" + std::to_string(port));
    conf = replace(conf, "server 127.0.0.1:50051", "server " + first_host);
    conf = replace(conf, "server 127.0.0.1:50052", "server " + second_host);
    conf = replace(conf, "/var/log/nginx/", dir.path().string() + "/");
    conf = replace(conf, "/run/", dir.path().string() + "/");
    const fs::path file = dir.write("nginx.conf", conf);
    access_log = dir.path() / "section-host.access.log";
    child = std::make_unique<Child>(std::vector<std::string>{"/usr/sbin/nginx", "-p", dir.path().string(), "-e", "stderr", "-c",
                                                             file.string(), "-g", "daemon off;"});
  }
  std::string address() const { return "127.0.0.1:" + std::to_string(port); }
  int port = 0;
  fs::path access_log;
  std::unique_ptr<Child> child;
};

// One call a client made, as it saw it.
struct Call {
  std::string id;  // its x-request-id
  bool report = false;
  std::string key;  // a report's idempotency key
  Clock::time_point start, end;
  grpc::StatusCode code = grpc::StatusCode::OK;
  std::string message;
};

// The upstream of every call id in nginx's access log (section_calls format).
std::map<std::string, std::string> upstreams(const fs::path& log) {
  std::map<std::string, std::string> result;
  std::ifstream in(log);
  std::string line;
  while (std::getline(in, line)) {
    const auto open = line.find('"');
    const auto close = line.find('"', open + 1);
    const auto upstream = line.find("upstream=");
    if (open == std::string::npos || close == std::string::npos || upstream == std::string::npos) continue;
    const auto end = line.find(" upstream_status=", upstream);
    result[line.substr(open + 1, close - open - 1)] = line.substr(upstream + 9, end - upstream - 9);
  }
  return result;
}

// The value `address` serves for hr's measure in 2021 (actual), or -1 when none is reported.
std::int64_t served_units(const std::string& address) { return reported_units(address, "hr", kMeasure, 2021); }

// One client: reads and reports, alternately, until `stop`.
void client(int index, const std::string& address, const std::string& token, std::atomic<bool>& stop, std::vector<Call>& calls) {
  auto channel = grpc::CreateChannel(address, grpc::InsecureChannelCredentials());
  auto section = v1::SectionService::NewStub(channel);
  auto reports = v1::ReportService::NewStub(channel);
  for (int n = 0; !stop; ++n) {
    Call call;
    call.id = "c" + std::to_string(index) + "-" + std::to_string(n);
    call.report = n % 2 == 1;
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
    context.AddMetadata("x-request-id", call.id);
    call.start = Clock::now();
    grpc::Status status;
    if (call.report) {
      call.key = "lb-" + call.id;
      bearer(context, token);
      v1::ReportValueResponse response;
      status = reports->ReportValue(&context, measure_report("hr", kMeasure, 2021, v1::ACTUAL, (index * 7 + n) % 101, call.key), &response);
    } else {
      v1::GetTableRequest request;
      request.set_id("financial-by-component-rb");
      v1::Table table;
      status = section->GetTable(&context, request, &table);
    }
    call.end = Clock::now();
    call.code = status.error_code();
    call.message = status.error_message();
    calls.push_back(std::move(call));
  }
}

}  // namespace

TEST_CASE("nginx in front of two hosts on one PostgreSQL: one host killed while 20 clients read and report loses no acknowledged report") {
  TestDatabase database;
  const TestTokens tokens = make_tokens();
  const std::string config = postgres_config(database.conninfo(), tokens);
  Host doomed(config);
  Host survivor(config);
  REQUIRE(doomed.ok());
  REQUIRE(survivor.ok());
  TempDir nginx_dir;
  Nginx nginx(nginx_dir, doomed.address(), survivor.address());
  REQUIRE(eventually([&] { return accepts(nginx.port) || !nginx.child->running(); }, std::chrono::seconds(10)));
  INFO("nginx: " << nginx.child->err());
  REQUIRE(nginx.child->running());

  constexpr int kClients = 20;
  std::atomic<bool> stop{false};
  std::vector<std::vector<Call>> calls(kClients);
  std::vector<std::thread> clients;
  for (int i = 0; i < kClients; ++i) {
    clients.emplace_back(client, i, nginx.address(), tokens.reporter_hr, std::ref(stop), std::ref(calls[i]));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(800));
  // The host dies some time after the signal: until its process is gone, its port still
  // takes connections. A call on it between the signal and its death was in flight there.
  const Clock::time_point killed = Clock::now();
  doomed.child().signal(SIGKILL);
  REQUIRE(doomed.child().wait(std::chrono::seconds(5)).has_value());
  const Clock::time_point dead = Clock::now();
  std::this_thread::sleep_for(std::chrono::milliseconds(1200));
  stop = true;
  for (auto& thread : clients) thread.join();
  nginx.child->signal(SIGQUIT);  // a graceful stop: the access log is complete
  REQUIRE(nginx.child->wait(std::chrono::seconds(10)).has_value());

  const auto upstream_of = upstreams(nginx.access_log);
  int total = 0, failed = 0, in_flight_on_doomed = 0, after_kill_ok = 0;
  std::set<std::string> acknowledged;
  for (const auto& per_client : calls) {
    for (const Call& call : per_client) {
      ++total;
      const auto found = upstream_of.find(call.id);
      const std::string upstream = found != upstream_of.end() ? found->second : "(not logged)";
      const bool across_kill = call.start < dead && call.end > killed;
      if (across_kill && upstream == doomed.address()) ++in_flight_on_doomed;
      if (call.code == grpc::StatusCode::OK) {
        if (call.report) acknowledged.insert(call.key);
        if (call.start > dead) ++after_kill_ok;
        continue;
      }
      ++failed;
      // A failure is a call that was on the killed host when it died, and nothing else.
      INFO("failed call " << call.id << " (" << call.code << ": " << call.message << ") went to " << upstream << "; killed host "
                          << doomed.address());
      CHECK(upstream == doomed.address());
      CHECK(across_kill);
    }
  }
  INFO(total << " calls, " << failed << " failed, " << in_flight_on_doomed << " in flight on the killed host, "
             << acknowledged.size() << " reports acknowledged");
  WARN(total << " calls, " << failed << " failed, " << in_flight_on_doomed << " in flight on the killed host, "
              << acknowledged.size() << " reports acknowledged");
  CHECK(failed <= in_flight_on_doomed);
  CHECK(after_kill_ok > 0);
  REQUIRE(acknowledged.size() > 10);

  // Every acknowledged report is stored once and served by the host that survived.
  std::map<std::string, int> stored;
  for (const auto& change : history(survivor.address())) ++stored[change.idempotency_key()];
  for (const auto& key : acknowledged) {
    INFO("acknowledged report " << key);
    CHECK(stored[key] == 1);
  }
  for (const auto& [key, count] : stored) CHECK(count == 1);
  // History is read from PostgreSQL itself: the survivor must also serve the latest change,
  // the one of the highest sequence (every report is on the same figure).
  const auto changes = history(survivor.address());
  REQUIRE_FALSE(changes.empty());
  const std::int64_t latest = changes.back().new_value().number().units();
  INFO("the latest change: sequence " << changes.back().sequence() << ", " << latest);
  CHECK(eventually([&] { return served_units(survivor.address()) == latest; }, std::chrono::seconds(5)));
}

}  // namespace section::test
