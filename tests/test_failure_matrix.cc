// The failure matrix (docs/operations.md): one test per way a configuration, a plugin or a
// client can fail, each against the real section-host. Each says what the host must do: refuse
// to start with the file, line and reason (and `--check` says the same), or leave the failing
// component out, stale or restarting while the rest serves.
#include <catch2/catch.hpp>

#include <dirent.h>
#include <signal.h>

#include <atomic>
#include <fstream>
#include <sstream>
#include <thread>

#include <google/protobuf/util/message_differencer.h>
#include <grpcpp/grpcpp.h>

#include "grpc/health/v1/health.grpc.pb.h"
#include "section/v1/admin_service.grpc.pb.h"
#include "section/v1/report_service.grpc.pb.h"
#include "section/v1/section_service.grpc.pb.h"
#include "grpc_client.h"
#include "host/security/token_hash.h"
#include "report_client.h"
#include "test_env.h"

using namespace section;
namespace fs = std::filesystem;
using namespace std::chrono_literals;
using test::cell;
using test::channel_to;
using test::component_status;
using test::deadline;
using test::get_table;
using test::replace;
using test::status_of;
using test::table_of;

namespace {

using test::eventually;

// A configuration the host must refuse: section-host exits 2 naming the problem, and
// section-host --check finds the same.
void refused_everywhere(const std::string& config_text, const std::vector<std::string>& expected) {
  test::TempDir dir;
  const fs::path config = dir.write("host.yaml", config_text);
  const test::RunResult started = test::run({test::host_binary().string(), "--config", config.string()});
  CHECK(started.status == 2);
  CHECK(started.out.find("serving") == std::string::npos);
  const test::RunResult checked = test::run({test::host_binary().string(), "--check", "--config", config.string()});
  CHECK(checked.status == 2);
  for (const auto& text : expected) {
    CHECK_THAT(started.err, Catch::Contains(text));
    CHECK_THAT(checked.out, Catch::Contains(text));
  }
}

std::string plugin_block(const std::string& id, const fs::path& library, const std::string& settings,
                         const std::string& isolation = "in_process") {
  return "  - id: " + id + "\n    library: " + library.string() + "\n    isolation: " + isolation +
         "\n    settings: {" + settings + "}\n";
}

// The pids of section-plugin-runner processes whose parent is `parent`.
std::vector<int> runners_of(int parent) {
  std::vector<int> pids;
  DIR* proc = ::opendir("/proc");
  if (proc == nullptr) return pids;
  while (dirent* entry = ::readdir(proc)) {
    const int pid = std::atoi(entry->d_name);
    if (pid <= 0) continue;
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string line;
    std::getline(stat, line);
    const auto close = line.rfind(')');
    if (close == std::string::npos) continue;
    const std::string comm = line.substr(line.find('(') + 1, close - line.find('(') - 1);
    int ppid = 0;
    char state = 0;
    std::istringstream rest(line.substr(close + 2));
    rest >> state >> ppid;
    if (ppid == parent && comm.rfind("section-plugin", 0) == 0) pids.push_back(pid);
  }
  ::closedir(proc);
  return pids;
}

// Alive and not a zombie (a reparented child may wait a while to be reaped).
bool alive(int pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(stat, line)) return false;
  const auto close = line.rfind(')');
  return close != std::string::npos && close + 2 < line.size() && line[close + 2] != 'Z';
}

const std::string kFastSupervision =
    "supervision: {backoff_initial_ms: 50, backoff_max_ms: 400, crash_loop_failures: 3, crash_loop_window_ms: 60000}\n";

}  // namespace

// ---- Configuration: refused at start-up, and by --check, with the file, line and reason ----

TEST_CASE("matrix: malformed YAML is refused with the file and line", "[matrix][config]") {
  refused_everywhere("listen: [127.0.0.1\n", {"host.yaml:", "invalid YAML"});
}

TEST_CASE("matrix: a broken section file is refused with its file, line and column, though the plugins load meanwhile", "[matrix][config]") {
  // The section file is read while the plugins load: its error still ends start-up, exit 2.
  test::TempDir dir;
  std::string section = test::read_file(test::source_dir() / "configs/section-29f.section.yaml");
  section += "section: again\n";
  const fs::path broken = dir.write("broken.section.yaml", section);
  const std::string config = replace(test::default_config_text(),
                                     (test::source_dir() / "configs/section-29f.section.yaml").string(), broken.string());
  const auto lines = static_cast<int>(std::count(section.begin(), section.end(), '\n'));
  refused_everywhere(config, {broken.string() + ":" + std::to_string(lines) + ":1: section: duplicate key 'section'"});
}

TEST_CASE("matrix: an unknown key is refused with its line and the keys allowed", "[matrix][config]") {
  refused_everywhere(replace(test::default_config_text(), "drain_ms", "drain_msec"),
                     {"host.yaml:5:1", "unknown key 'drain_msec'"});
}

TEST_CASE("matrix: a duplicate key is refused, which a YAML parser alone would accept", "[matrix][config]") {
  refused_everywhere(replace(test::default_config_text(), "drain_ms: 0\n", "drain_ms: 0\ndrain_ms: 5\n"),
                     {"host.yaml:6:1", "duplicate key 'drain_ms'"});
}

TEST_CASE("matrix: very deep nesting is refused in bounded time", "[matrix][config]") {
  const std::string deep = "listen: " + std::string(100000, '[') + "\n";
  refused_everywhere(deep, {"host.yaml:1:", "nest"});
}

TEST_CASE("matrix: an alias bomb is refused without expanding it", "[matrix][config]") {
  std::string bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n";
  for (char name = 'b'; name <= 'k'; ++name) {
    const std::string previous(1, static_cast<char>(name - 1));
    bomb += std::string(1, name) + ": &" + name + " [*" + previous + ", *" + previous + ", *" + previous + ", *" +
            previous + ", *" + previous + ", *" + previous + ", *" + previous + ", *" + previous + ", *" + previous + "]\n";
  }
  refused_everywhere(bomb + test::default_config_text(), {"host.yaml:1:", "alias"});
}

TEST_CASE("matrix: a missing library is refused with the path it looked for", "[matrix][config]") {
  refused_everywhere(replace(test::default_config_text(), "library: ict", "library: telecoms"),
                     {"host.yaml:20", "telecoms/telecoms.so does not exist"});
}

TEST_CASE("matrix: a truncated library is refused before it is loaded", "[matrix][config]") {
  test::TempDir dir;
  const std::string whole = test::read_file(test::plugin_dir() / "ict" / "ict.so");
  const fs::path truncated = dir.write("ict.so", whole.substr(0, whole.size() / 3));
  refused_everywhere(replace(test::default_config_text(), "library: ict", "library: " + truncated.string()),
                     {"plugin 'ict'", truncated.string()});
}

TEST_CASE("matrix: a library of another ABI version is refused before anything in it is called", "[matrix][config]") {
  refused_everywhere(replace(test::default_config_text(), "library: ict", "library: " + test::fixture("other_abi_plugin").string()),
                     {"plugin 'ict'", "plugin ABI version 999"});
}

TEST_CASE("matrix: two plugins with one id are refused", "[matrix][config]") {
  refused_everywhere(replace(test::default_config_text(), "id: support", "id: hr"), {"plugin id 'hr' is already used"});
}

TEST_CASE("matrix: invalid component data is refused with the data file and field", "[matrix][config]") {
  refused_everywhere(replace(test::default_config_text(), "library: ict\n",
                             "library: ict\n    settings: {data: " + (test::source_dir() / "plugins/edm/component.yaml").string() + "}\n"),
                     {"plugin 'ict'", "edm/component.yaml", "does not match the plugin id 'ict'"});
}

TEST_CASE("matrix: a process-isolated library the runner refuses stops start-up like an in-process one", "[matrix][config]") {
  refused_everywhere(test::default_config_text() + plugin_block("foreign", test::fixture("other_abi_plugin"), "", "process"),
                     {"plugin 'foreign'", "plugin ABI version 999"});
}

// ---- Plugins that fail: left out or stale, while the host serves the rest ----

namespace {

// Starts the default section plus `extra`, checks that the extra component is FAILED with
// `reason` while the five others serve, and that queries about the others succeed.
// `top` goes before the plugins: top-level keys such as plugin_call_timeout_ms.
void serves_without(const std::string& extra, const std::string& id, const std::string& reason,
                    const std::string& top = "") {
  test::Host host(top + test::default_config_text() + extra);
  REQUIRE(host.ok());
  auto stub = v1::SectionService::NewStub(channel_to(host.address()));
  const v1::ComponentStatus failed = component_status(*stub, id);
  CHECK(failed.state() == v1::FAILED);
  CHECK_THAT(failed.reason(), Catch::Contains(reason));
  int serving = 0;
  const v1::HostStatus status = status_of(*stub);
  for (const auto& component : status.components()) serving += component.state() == v1::SERVING;
  CHECK(serving == 5);
  CHECK(cell(table_of(*stub, "financial-by-component-rb"), "subtotal", "estimate") == 19762900);
  bool noted = false;
  const v1::Table evolution = table_of(*stub, "evolution");
  for (const auto& note : evolution.notes()) noted = noted || note.find("'" + id + "' is unavailable") != std::string::npos;
  CHECK(noted);
  CHECK(host.stop() == 0);
}

}  // namespace

TEST_CASE("matrix: a plugin that throws a std::exception in start is left out", "[matrix][plugin]") {
  serves_without(plugin_block("thrower", test::fixture("throwing_plugin"), "fail_in: start, throw: std"), "thrower",
                 "start threw: the fixture failed on purpose");
}

TEST_CASE("matrix: a plugin that throws a non-standard type in start is left out", "[matrix][plugin]") {
  serves_without(plugin_block("thrower", test::fixture("throwing_plugin"), "fail_in: start, throw: other"), "thrower",
                 "not derived from std::exception");
}

TEST_CASE("matrix: a plugin that throws a std::exception in publish is left out", "[matrix][plugin]") {
  serves_without(plugin_block("thrower", test::fixture("throwing_plugin"), "fail_in: publish, throw: std"), "thrower",
                 "publish threw: the fixture failed on purpose");
}

TEST_CASE("matrix: a plugin that throws a non-standard type in publish is left out", "[matrix][plugin]") {
  serves_without(plugin_block("thrower", test::fixture("throwing_plugin"), "fail_in: publish, throw: other"), "thrower",
                 "not derived from std::exception");
}

TEST_CASE("matrix: a plugin that hangs in start is abandoned at its deadline", "[matrix][plugin]") {
  serves_without(plugin_block("stuck", test::fixture("throwing_plugin"), "fail_in: hang"), "stuck",
                 "did not start within 300 ms", "plugin_call_timeout_ms: 300\n");
}

TEST_CASE("matrix: a plugin that hangs in publish is abandoned at its deadline", "[matrix][plugin]") {
  serves_without(plugin_block("stuck", test::fixture("throwing_plugin"), "fail_in: hang_publish"), "stuck",
                 "did not publish within 300 ms", "plugin_call_timeout_ms: 300\n");
}

TEST_CASE("matrix: a process-isolated plugin that hangs is abandoned at its deadline and its process stopped", "[matrix][plugin]") {
  serves_without(plugin_block("stuck", test::fixture("throwing_plugin"), "fail_in: hang", "process"), "stuck",
                 "no answer within 300 ms", "plugin_call_timeout_ms: 300\n");
}

TEST_CASE("matrix: a process-isolated plugin killed with SIGKILL is restarted while the host serves throughout", "[matrix][process]") {
  const std::string config =
      kFastSupervision + replace(test::default_config_text(), "library: hr\n", "library: hr\n    isolation: process\n");
  test::Host host(config);
  REQUIRE(host.ok());
  auto channel = channel_to(host.address());
  auto stub = v1::SectionService::NewStub(channel);
  REQUIRE(component_status(*stub, "hr").state() == v1::SERVING);
  const std::vector<int> runners = runners_of(host.child().pid());
  REQUIRE(runners.size() == 1);

  // 50 clients query in a loop, about other components and about the section as a whole.
  std::atomic<bool> stop{false};
  std::atomic<int> calls{0};
  std::atomic<int> failures{0};
  std::vector<std::thread> clients;
  for (int i = 0; i < 50; ++i) {
    clients.emplace_back([&, i] {
      auto client = v1::SectionService::NewStub(channel);
      while (!stop) {
        grpc::ClientContext context;
        deadline(context, 5s);
        grpc::Status status;
        if (i % 2 == 0) {
          v1::GetTableRequest request;
          request.set_id(i % 4 == 0 ? "financial-by-component-rb" : "component-evolution/finance");
          v1::Table table;
          status = client->GetTable(&context, request, &table);
        } else {
          v1::ListMeasuresRequest request;
          request.set_component("ict");
          v1::ListMeasuresResponse response;
          status = client->ListMeasures(&context, request, &response);
        }
        ++calls;
        if (!status.ok()) ++failures;
      }
    });
  }
  std::this_thread::sleep_for(200ms);
  ::kill(runners.front(), SIGKILL);

  // The host notices, serves hr's last snapshot as stale, and restarts it.
  CHECK(eventually([&] { return component_status(*stub, "hr").restarts() == 1; }));
  const v1::ComponentStatus hr = component_status(*stub, "hr");
  CHECK(hr.state() == v1::SERVING);
  CHECK(runners_of(host.child().pid()).size() == 1);
  CHECK(runners_of(host.child().pid()).front() != runners.front());
  std::this_thread::sleep_for(200ms);
  stop = true;
  for (auto& client : clients) client.join();
  CHECK(calls > 100);
  CHECK(failures == 0);
  CHECK_THAT(host.child().err(), Catch::Contains("was killed by signal 9"));
  CHECK(cell(table_of(*stub, "financial-by-component-rb"), "hr", "estimate") == 3186300);
  CHECK(host.stop() == 0);
}

TEST_CASE("matrix: a crash loop backs off, gives up, says so, and keeps the last good snapshot marked stale", "[matrix][process]") {
  const std::string config = kFastSupervision + test::default_config_text() +
                             plugin_block("crasher", test::fixture("throwing_plugin"),
                                          "fail_in: crash_later, crash_after_ms: 150, subprogramme: 7", "process");
  test::Host host(config);
  REQUIRE(host.ok());
  auto stub = v1::SectionService::NewStub(channel_to(host.address()));
  REQUIRE(eventually([&] { return component_status(*stub, "crasher").crash_looping(); }));
  const v1::ComponentStatus crasher = component_status(*stub, "crasher");
  CHECK(crasher.state() == v1::STALE);
  CHECK(crasher.restarts() == 2);
  CHECK(crasher.has_stale_since());
  CHECK_THAT(crasher.reason(), Catch::Contains("crash-looping: 3 failures within 60.0 s") &&
                                   Catch::Contains("stopped restarting it"));
  // The backoff was logged, growing, before the host gave up.
  CHECK_THAT(host.child().err(), Catch::Contains("restarting in") && Catch::Contains("(failure 2 of 3"));
  // It is not restarted again.
  std::this_thread::sleep_for(600ms);
  CHECK(component_status(*stub, "crasher").restarts() == 2);
  CHECK(runners_of(host.child().pid()).empty());
  // Its snapshot is still served, and every table says it is stale.
  bool noted = false;
  const v1::Table rb = table_of(*stub, "financial-by-component-rb");
  for (const auto& note : rb.notes()) {
    noted = noted || note.find("Component 'crasher' is STALE") != std::string::npos;
  }
  CHECK(noted);
  // Per-component health: crasher NOT_SERVING, hr SERVING, the host SERVING.
  auto health = grpc::health::v1::Health::NewStub(channel_to(host.address()));
  auto health_of = [&](const std::string& name) {
    grpc::ClientContext context;
    deadline(context);
    grpc::health::v1::HealthCheckRequest request;
    request.set_service(name);
    grpc::health::v1::HealthCheckResponse response;
    REQUIRE(health->Check(&context, request, &response).ok());
    return response.status();
  };
  CHECK(health_of("section.v1.component.crasher") == grpc::health::v1::HealthCheckResponse::NOT_SERVING);
  CHECK(health_of("section.v1.component.hr") == grpc::health::v1::HealthCheckResponse::SERVING);
  CHECK(health_of("") == grpc::health::v1::HealthCheckResponse::SERVING);
  CHECK(host.stop() == 0);
}

TEST_CASE("matrix: the host's death takes its plugin processes with it", "[matrix][process]") {
  const std::string config = replace(test::default_config_text(), "library: hr\n", "library: hr\n    isolation: process\n");
  test::Host host(config);
  REQUIRE(host.ok());
  const std::vector<int> runners = runners_of(host.child().pid());
  REQUIRE(runners.size() == 1);
  host.child().signal(SIGKILL);
  host.child().wait(10s);
  CHECK(eventually([&] { return !alive(runners.front()); }, 5s));
}

// ---- Reload ----

namespace {

// Reload needs an admin's token (docs/security.md).
const test::TestTokens& tokens() {
  static const test::TestTokens made = test::make_tokens();
  return made;
}

grpc::Status reload(const std::string& address, v1::ReloadResponse* response) {
  auto admin = v1::AdminService::NewStub(channel_to(address));
  grpc::ClientContext context;
  deadline(context, 30s);
  test::bearer(context, tokens().admin);
  return admin->Reload(&context, v1::ReloadRequest(), response);
}

}  // namespace

TEST_CASE("matrix: a reload with a broken file changes nothing that is served, and --check finds the same error", "[matrix][reload]") {
  const std::string auth = test::auth_yaml(tokens(), false);
  test::Host host(test::default_config_text() + auth);
  REQUIRE(host.ok());
  auto stub = v1::SectionService::NewStub(channel_to(host.address()));
  const v1::HostStatus before = status_of(*stub);
  const v1::Table table_before = table_of(*stub, "financial-by-component-rb");

  const fs::path config = host.dir().path() / "host.yaml";
  std::ofstream(config) << replace(test::default_config_text(), "library: hr\n", "library: hr\n    colour: blue\n") + auth;
  v1::ReloadResponse response;
  const grpc::Status refused = reload(host.address(), &response);
  CHECK(refused.error_code() == grpc::StatusCode::FAILED_PRECONDITION);
  CHECK_THAT(refused.error_message(), Catch::Contains("host.yaml:15:5") && Catch::Contains("unknown key 'colour'"));
  // SIGHUP is refused the same way, in the log.
  host.child().signal(SIGHUP);
  CHECK(eventually([&] { return host.child().err().find("SIGHUP: the reload was refused") != std::string::npos; }));
  CHECK_THAT(host.child().err(), Catch::Contains("unknown key 'colour'"));

  const v1::HostStatus after = status_of(*stub);
  CHECK(after.version() == before.version());
  CHECK(google::protobuf::util::MessageDifferencer::Equals(table_of(*stub, "financial-by-component-rb"), table_before));

  const test::RunResult checked = test::run({test::host_binary().string(), "--check", "--config", config.string()});
  CHECK(checked.status == 2);
  CHECK_THAT(checked.out, Catch::Contains("host.yaml:15:5") && Catch::Contains("unknown key 'colour'"));
  CHECK(host.stop() == 0);
}

TEST_CASE("matrix: a reload that adds and removes a plugin changes the totals in one new version", "[matrix][reload]") {
  const std::string base = replace(test::default_config_text(), "plugins:\n", test::admin_auth_yaml(tokens()) + "plugins:\n");
  test::Host host(base);
  REQUIRE(host.ok());
  auto channel = channel_to(host.address());
  auto stub = v1::SectionService::NewStub(channel);
  const std::uint64_t before = status_of(*stub).version();

  // A Watch open across the reload sees exactly one new version.
  grpc::ClientContext watch_context;
  deadline(watch_context, 30s);
  auto watch = stub->Watch(&watch_context, v1::WatchRequest());
  v1::WatchEvent event;
  REQUIRE(watch->Read(&event));
  REQUIRE(event.version() == before);

  const fs::path config = host.dir().path() / "host.yaml";
  std::string next = replace(base, "  - id: hr\n    library: hr\n    enabled: true\n", "");
  next += plugin_block("extra", test::fixture("throwing_plugin"), "fail_in: none, subprogramme: 7");
  std::ofstream(config) << next;
  v1::ReloadResponse response;
  const grpc::Status reloaded = reload(host.address(), &response);
  REQUIRE(reloaded.ok());
  CHECK(response.version() == before + 1);
  CHECK(std::vector<std::string>(response.started().begin(), response.started().end()) == std::vector<std::string>{"extra"});
  CHECK(std::vector<std::string>(response.stopped().begin(), response.stopped().end()) == std::vector<std::string>{"hr"});
  CHECK(response.kept_size() == 4);

  REQUIRE(watch->Read(&event));
  CHECK(event.version() == before + 1);
  CHECK_THAT(event.reason(), Catch::Contains("reload"));
  // hr's 3 186 300 is gone; the fixture's appropriation (1 000) and estimate are in.
  const v1::Table rb = table_of(*stub, "financial-by-component-rb");
  CHECK(cell(rb, "subtotal", "estimate") != 19762900);
  CHECK(cell(rb, "subtotal", "estimate") == 19762900 - 3186300 + cell(rb, "extra", "estimate"));
  for (const auto& row : rb.rows()) CHECK(row.key() != "hr");
  CHECK(status_of(*stub).version() == before + 1);
  watch_context.TryCancel();
  CHECK(host.stop() == 0);
}

TEST_CASE("matrix: SIGHUP reloads the configuration", "[matrix][reload]") {
  test::Host host(test::default_config_text());
  REQUIRE(host.ok());
  auto stub = v1::SectionService::NewStub(channel_to(host.address()));
  const std::uint64_t before = status_of(*stub).version();
  std::ofstream(host.dir().path() / "host.yaml")
      << replace(test::default_config_text(), "library: hr\n    enabled: true", "library: hr\n    enabled: false");
  host.child().signal(SIGHUP);
  CHECK(eventually([&] { return status_of(*stub).version() == before + 1; }));
  CHECK(component_status(*stub, "hr").state() == v1::DISABLED);
  CHECK(host.child().running());
  CHECK(host.stop() == 0);
}

TEST_CASE("matrix: a plugin whose data file changes republishes, and a bad edit keeps the old data", "[matrix][reload]") {
  test::TempDir data_dir;
  const std::string original = test::read_file(test::plugin_dir() / "edm" / "component.yaml");
  const fs::path data = data_dir.write("edm.yaml", original);
  test::Host host(replace(test::default_config_text(), "library: edm\n",
                          "library: edm\n    settings: {data: " + data.string() + ", watch_ms: 50}\n"));
  REQUIRE(host.ok());
  auto stub = v1::SectionService::NewStub(channel_to(host.address()));
  const std::uint64_t before = status_of(*stub).version();

  // 378 600 → 388 600 for EDM's posts in 2021.
  std::ofstream(data) << replace(original, "posts: {expenditure: 350300, appropriation: 378600}",
                                 "posts: {expenditure: 350300, appropriation: 388600}");
  REQUIRE(eventually([&] { return status_of(*stub).version() > before; }));
  CHECK(cell(table_of(*stub, "financial-by-component-rb"), "edm", "appropriation") == 421800 + 10000);

  const std::uint64_t edited = status_of(*stub).version();
  std::ofstream(data) << replace(original, "budget_year: 2022", "budget_year: 2023");
  CHECK(eventually([&] { return host.child().err().find("the previous data goes on serving") != std::string::npos; }));
  CHECK(status_of(*stub).version() == edited);
  CHECK(cell(table_of(*stub, "financial-by-component-rb"), "edm", "appropriation") == 421800 + 10000);
  CHECK(host.stop() == 0);
}

// ---- Clients ----

TEST_CASE("matrix: a client that cancels a Watch mid-stream leaves the host serving", "[matrix][client]") {
  test::Host host(test::default_config_text());
  REQUIRE(host.ok());
  auto stub = v1::SectionService::NewStub(channel_to(host.address()));
  for (int i = 0; i < 20; ++i) {
    grpc::ClientContext context;
    auto reader = stub->Watch(&context, v1::WatchRequest());
    v1::WatchEvent event;
    REQUIRE(reader->Read(&event));
    context.TryCancel();
    CHECK(reader->Finish().error_code() == grpc::StatusCode::CANCELLED);
  }
  CHECK(status_of(*stub).version() == 1);
  CHECK(host.stop() == 0);
}

TEST_CASE("matrix: an oversized request is refused with RESOURCE_EXHAUSTED and the host serves on", "[matrix][client]") {
  test::Host host(test::default_config_text() + "limits: {max_request_bytes: 4096}\n");
  REQUIRE(host.ok());
  auto stub = v1::SectionService::NewStub(channel_to(host.address()));
  v1::Table table;
  CHECK(get_table(*stub, std::string(100000, 'x'), &table).error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED);
  CHECK(get_table(*stub, "evolution", &table).ok());
  CHECK(host.stop() == 0);
}

TEST_CASE("matrix: an exceeded deadline is DEADLINE_EXCEEDED for that call only", "[matrix][client]") {
  test::Host host(test::default_config_text());
  REQUIRE(host.ok());
  auto stub = v1::SectionService::NewStub(channel_to(host.address()));
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() - 1s);
  v1::GetTableRequest request;
  request.set_id("evolution");
  v1::Table table;
  CHECK(stub->GetTable(&context, request, &table).error_code() == grpc::StatusCode::DEADLINE_EXCEEDED);
  CHECK(get_table(*stub, "evolution", &table).ok());
  CHECK(host.stop() == 0);
}

// Each ReportService call waits for the store (and a report for its checks) on a thread of its
// own: the calls at once are capped, so that no client can make the host start threads without end.
TEST_CASE("matrix: ReportService calls beyond limits.max_report_calls are refused with RESOURCE_EXHAUSTED", "[matrix][client]") {
  test::TempDir data;
  const std::string token = security::new_token();
  // A component whose plugin takes 2 s to check a report: the report holds its place that long.
  const std::string config = test::default_config_text() + "  - id: slow\n    library: " + test::fixture("throwing_plugin").string() +
                             "\n    settings: {fail_in: slow_check, check_ms: 2000}\nstorage:\n  data_dir: " + data.path().string() +
                             "\nlimits: {max_report_calls: 1}\nauth:\n  tokens:\n" +
                             test::token_entry("slow-team", "reporter", "slow", token);
  test::Host host(config);
  REQUIRE(host.ok());
  grpc::Status first;
  std::thread reporter([&] {
    first = test::report(host.address(), token, test::measure_report("slow", "counter", 2022, v1::PLANNED, 3, "first"));
  });
  REQUIRE(eventually([&] { return host.child().err().find("checking slowly") != std::string::npos; }, 10s));
  const grpc::Status second = test::report(host.address(), token, test::measure_report("slow", "counter", 2022, v1::PLANNED, 4, "second"));
  CHECK(second.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED);
  CHECK_THAT(second.error_message(), Catch::Contains("too many ReportService calls at once (limits.max_report_calls is 1)"));
  auto reports = v1::ReportService::NewStub(channel_to(host.address()));
  grpc::ClientContext history_context;
  deadline(history_context);
  v1::ListHistoryResponse page;
  CHECK(reports->ListHistory(&history_context, v1::ListHistoryRequest(), &page).error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED);
  reporter.join();
  INFO(first.error_message());
  CHECK(first.ok());
  // The place is free again once a call is answered: a report's, then a ListHistory's.
  CHECK(test::history(host.address()).size() == 1);
  CHECK(test::history(host.address()).size() == 1);
  // The limit is the server's: a reload that changes it is refused, and the host goes on.
  { std::ofstream(host.dir().path() / "host.yaml") << replace(config, "max_report_calls: 1", "max_report_calls: 2"); }
  host.child().signal(SIGHUP);
  REQUIRE(eventually([&] { return host.child().err().find("SIGHUP: the reload was refused") != std::string::npos; }, 10s));
  CHECK(host.child().err().find("limits: the server's limits cannot change while the host runs") != std::string::npos);
  CHECK(host.stop() == 0);
}

TEST_CASE("matrix: Watch streams beyond the cap are refused with RESOURCE_EXHAUSTED, health Watch streams too", "[matrix][client]") {
  test::Host host(test::default_config_text() + "limits: {max_watch_streams: 2}\n");
  REQUIRE(host.ok());
  auto stub = v1::SectionService::NewStub(channel_to(host.address()));
  grpc::ClientContext first_context;
  grpc::ClientContext second_context;
  grpc::ClientContext third_context;
  auto first = stub->Watch(&first_context, v1::WatchRequest());
  auto second = stub->Watch(&second_context, v1::WatchRequest());
  v1::WatchEvent event;
  REQUIRE(first->Read(&event));
  REQUIRE(second->Read(&event));
  auto third = stub->Watch(&third_context, v1::WatchRequest());
  CHECK_FALSE(third->Read(&event));
  const grpc::Status refused = third->Finish();
  CHECK(refused.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED);
  CHECK_THAT(refused.error_message(), Catch::Contains("max_watch_streams is 2"));

  // Health's Watch needs no token: its streams are capped by the same limit, counted apart.
  auto health = grpc::health::v1::Health::NewStub(channel_to(host.address()));
  grpc::ClientContext health_contexts[3];
  std::unique_ptr<grpc::ClientReader<grpc::health::v1::HealthCheckResponse>> health_streams[3];
  grpc::health::v1::HealthCheckResponse status;
  for (int i = 0; i < 3; ++i) {
    health_streams[i] = health->Watch(&health_contexts[i], grpc::health::v1::HealthCheckRequest());
    if (i < 2) REQUIRE(health_streams[i]->Read(&status));
  }
  CHECK_FALSE(health_streams[2]->Read(&status));
  const grpc::Status health_refused = health_streams[2]->Finish();
  CHECK(health_refused.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED);
  CHECK_THAT(health_refused.error_message(), Catch::Contains("health Watch") && Catch::Contains("max_watch_streams is 2"));
  for (auto& context : health_contexts) context.TryCancel();
  first_context.TryCancel();
  second_context.TryCancel();
  CHECK(host.stop() == 0);
}

TEST_CASE("matrix: shutdown drains: health says NOT_SERVING while calls are still answered", "[matrix][client]") {
  test::Host host(replace(test::default_config_text(), "drain_ms: 0", "drain_ms: 1500"));
  REQUIRE(host.ok());
  auto channel = channel_to(host.address());
  auto stub = v1::SectionService::NewStub(channel);
  auto health = grpc::health::v1::Health::NewStub(channel);
  host.child().signal(SIGTERM);
  bool saw_not_serving = false;
  bool answered_while_draining = false;
  eventually([&] {
    grpc::ClientContext context;
    deadline(context, 1s);
    grpc::health::v1::HealthCheckRequest request;
    grpc::health::v1::HealthCheckResponse response;
    if (health->Check(&context, request, &response).ok() &&
        response.status() == grpc::health::v1::HealthCheckResponse::NOT_SERVING) {
      saw_not_serving = true;
      v1::Table table;
      answered_while_draining = get_table(*stub, "evolution", &table).ok();
    }
    return saw_not_serving;
  }, 5s);
  CHECK(saw_not_serving);
  CHECK(answered_while_draining);
  CHECK(host.child().wait(15s) == 0);
}
