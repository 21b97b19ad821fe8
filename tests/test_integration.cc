// The real section-host, started on a free loopback port, spoken to over real gRPC.
#include <catch2/catch.hpp>

#include <signal.h>

#include <fstream>
#include <thread>

#include <grpcpp/grpcpp.h>

#include "grpc/health/v1/health.grpc.pb.h"
#include "grpc/reflection/v1alpha/reflection.grpc.pb.h"
#include "section/v1/section_service.grpc.pb.h"
#include "grpc_client.h"
#include "test_env.h"

using namespace section;
using test::cell;
using test::deadline;
using test::replace;
using test::status_of;
using test::stub_for;
using test::table_of;
namespace fs = std::filesystem;

namespace {

// Runs section-host on a configuration that must be refused; its exit status and error output.
test::RunResult refused(const std::string& config_text) {
  test::TempDir dir;
  const fs::path config = dir.write("host.yaml", config_text);
  return test::run({test::host_binary().string(), "--config", config.string()});
}

}  // namespace

TEST_CASE("the default configuration serves Section 29F over gRPC", "[grpc]") {
  // The repository's configuration as it is: plugins found beside the built executable.
  test::Child host({test::host_binary().string(), "--config", (test::source_dir() / "configs/section-29f.yaml").string(),
                    "--listen", "127.0.0.1:0"});
  const auto address = host.wait_for_line("section-host: serving ", std::chrono::seconds(20));
  REQUIRE(address);
  CHECK_THAT(*address, Catch::StartsWith("127.0.0.1:"));
  auto stub = stub_for(*address);

  grpc::ClientContext list_context;
  deadline(list_context);
  v1::ListTablesResponse tables;
  REQUIRE(stub->ListTables(&list_context, {}, &tables).ok());
  CHECK(tables.tables_size() == 27);
  CHECK(tables.version() == 1);

  const v1::Table by_object = table_of(*stub, "financial-by-object");
  CHECK(by_object.source() == "Table 29F.12");
  CHECK(cell(by_object, "total", "estimate") == 19762900);
  CHECK(cell(by_object, "travel_of_staff", "other_changes") == -17400);
  CHECK(cell(table_of(*stub, "financial-by-component-xb"), "total", "estimate") == 39741500);
  CHECK(cell(table_of(*stub, "posts-by-grade"), "gs_ol", "approved") == 57);
  CHECK(table_of(*stub, "reconciliation").rows_size() == 2);

  const v1::HostStatus status = status_of(*stub);
  CHECK(status.components_size() == 5);
  for (const auto& component : status.components()) CHECK(component.state() == v1::SERVING);
  CHECK(status.reconciliation_differences() == 2);
  CHECK(status.section().number() == "29F");

  grpc::ClientContext section_context;
  deadline(section_context);
  v1::Section section;
  REQUIRE(stub->GetSection(&section_context, {}, &section).ok());
  CHECK(section.components_size() == 5);
  CHECK(section.orientation_size() > 0);
  CHECK(host.wait(std::chrono::milliseconds(0)) == std::nullopt);  // still running

  // Without storage.postgres, PostgreSQL's client library (and what it pulls in) is not loaded.
  std::ifstream maps("/proc/" + std::to_string(host.pid()) + "/maps");
  const std::string mapped((std::istreambuf_iterator<char>(maps)), std::istreambuf_iterator<char>());
  REQUIRE_FALSE(mapped.empty());
  CHECK_THAT(mapped, !Catch::Contains("libpq.so") && Catch::Contains("libsqlite3.so"));

  host.signal(SIGTERM);
  CHECK(host.wait(std::chrono::seconds(15)) == 0);
  CHECK_THAT(host.err(), Catch::Contains("received SIGTERM, shutting down") && Catch::Contains("stopped"));
}

TEST_CASE("while its plugins start the host listens, health says NOT_SERVING and queries answer UNAVAILABLE", "[grpc]") {
  // A plugin that hangs in start holds start-up for its deadline (4 s): long enough to ask, even
  // on a machine busy with the rest of the suite (1.5 s was not, once in a while).
  test::TempDir dir;
  const std::string address = "unix:" + (dir.path() / "host.sock").string();
  const fs::path config = dir.write(
      "host.yaml", "plugin_call_timeout_ms: 4000\n" +
                       replace(test::default_config_text(), "listen: 127.0.0.1:0", "listen: " + address) +
                       "  - id: stuck\n    library: " + test::fixture("throwing_plugin").string() +
                       "\n    settings: {fail_in: hang}\n");
  test::Child host({test::host_binary().string(), "--config", config.string()});
  for (int i = 0; i < 500 && !fs::exists(dir.path() / "host.sock"); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  auto channel = grpc::CreateChannel(address, grpc::InsecureChannelCredentials());
  auto health = grpc::health::v1::Health::NewStub(channel);
  auto check = [&](grpc::health::v1::HealthCheckResponse* response) {
    grpc::ClientContext context;
    deadline(context, std::chrono::seconds(1));
    context.set_wait_for_ready(true);
    return health->Check(&context, grpc::health::v1::HealthCheckRequest(), response);
  };
  grpc::health::v1::HealthCheckResponse response;
  REQUIRE(check(&response).ok());
  CHECK(response.status() == grpc::health::v1::HealthCheckResponse::NOT_SERVING);
  CHECK(host.out().find("serving") == std::string::npos);  // still starting

  auto stub = v1::SectionService::NewStub(channel);
  {
    grpc::ClientContext context;
    deadline(context);
    v1::Section section;
    const grpc::Status status = stub->GetSection(&context, v1::GetSectionRequest(), &section);
    CHECK(status.error_code() == grpc::StatusCode::UNAVAILABLE);
    CHECK_THAT(status.error_message(), Catch::Contains("starting"));
  }
  {
    grpc::ClientContext context;
    deadline(context);
    v1::HostStatus status;
    CHECK(stub->GetStatus(&context, v1::GetStatusRequest(), &status).error_code() == grpc::StatusCode::UNAVAILABLE);
  }
  // A Watch opened now gets version 1 once it exists.
  grpc::ClientContext watch_context;
  deadline(watch_context);
  auto watch = stub->Watch(&watch_context, v1::WatchRequest());

  REQUIRE(host.wait_for_line("section-host: serving ", std::chrono::seconds(20)));
  REQUIRE(check(&response).ok());
  CHECK(response.status() == grpc::health::v1::HealthCheckResponse::SERVING);
  v1::WatchEvent event;
  REQUIRE(watch->Read(&event));
  CHECK(event.version() == 1);
  watch_context.TryCancel();
  grpc::ClientContext context;
  deadline(context);
  v1::Section section;
  CHECK(stub->GetSection(&context, v1::GetSectionRequest(), &section).ok());
  CHECK(section.components_size() == 5);
  host.signal(SIGTERM);
  CHECK(host.wait(std::chrono::seconds(15)) == 0);
}

TEST_CASE("the host serves grpc.health.v1.Health and server reflection", "[grpc]") {
  test::Host host(test::default_config_text());
  REQUIRE(host.ok());
  auto channel = grpc::CreateChannel(host.address(), grpc::InsecureChannelCredentials());
  auto health = grpc::health::v1::Health::NewStub(channel);
  for (const char* service : {"", "section.v1.SectionService"}) {
    grpc::ClientContext context;
    deadline(context);
    grpc::health::v1::HealthCheckRequest request;
    request.set_service(service);
    grpc::health::v1::HealthCheckResponse response;
    REQUIRE(health->Check(&context, request, &response).ok());
    CHECK(response.status() == grpc::health::v1::HealthCheckResponse::SERVING);
  }

  auto reflection = grpc::reflection::v1alpha::ServerReflection::NewStub(channel);
  grpc::ClientContext context;
  deadline(context);
  auto stream = reflection->ServerReflectionInfo(&context);
  grpc::reflection::v1alpha::ServerReflectionRequest request;
  request.set_list_services("");
  REQUIRE(stream->Write(request));
  grpc::reflection::v1alpha::ServerReflectionResponse response;
  REQUIRE(stream->Read(&response));
  std::vector<std::string> services;
  for (const auto& service : response.list_services_response().service()) services.push_back(service.name());
  CHECK_THAT(services, Catch::VectorContains(std::string("section.v1.SectionService")));
  CHECK_THAT(services, Catch::VectorContains(std::string("grpc.health.v1.Health")));
  request.set_file_containing_symbol("section.v1.SectionService");
  REQUIRE(stream->Write(request));
  REQUIRE(stream->Read(&response));
  CHECK(response.file_descriptor_response().file_descriptor_proto_size() > 0);
  stream->WritesDone();
  CHECK(stream->Finish().ok());
  CHECK(host.stop() == 0);
}

TEST_CASE("Health.Watch sends the status at once, then each change, and ends after the drain", "[grpc][health]") {
  using Status = grpc::health::v1::HealthCheckResponse;
  test::Host host(test::default_config_text());
  REQUIRE(host.ok());
  auto health = grpc::health::v1::Health::NewStub(grpc::CreateChannel(host.address(), grpc::InsecureChannelCredentials()));
  const auto watch = [&](grpc::ClientContext& context, const std::string& service) {
    deadline(context, std::chrono::seconds(30));
    grpc::health::v1::HealthCheckRequest request;
    request.set_service(service);
    return health->Watch(&context, request);
  };
  grpc::ClientContext unknown_context;
  auto unknown = watch(unknown_context, "no.such.Service");
  Status status;
  REQUIRE(unknown->Read(&status));
  CHECK(status.status() == Status::SERVICE_UNKNOWN);
  unknown_context.TryCancel();

  grpc::ClientContext hr_context;
  auto hr = watch(hr_context, "section.v1.component.hr");
  REQUIRE(hr->Read(&status));
  CHECK(status.status() == Status::SERVING);
  // A reload that disables hr: the stream is told at once.
  std::ofstream(host.dir().path() / "host.yaml")
      << replace(test::default_config_text(), "library: hr\n    enabled: true", "library: hr\n    enabled: false");
  host.child().signal(SIGHUP);
  REQUIRE(hr->Read(&status));
  CHECK(status.status() == Status::NOT_SERVING);
  hr_context.TryCancel();

  grpc::ClientContext all_context;
  auto all = watch(all_context, "");
  REQUIRE(all->Read(&status));
  CHECK(status.status() == Status::SERVING);
  // Shutdown: NOT_SERVING as the drain begins, then the stream ends with UNAVAILABLE.
  host.child().signal(SIGTERM);
  REQUIRE(all->Read(&status));
  CHECK(status.status() == Status::NOT_SERVING);
  CHECK_FALSE(all->Read(&status));
  const grpc::Status ended = all->Finish();
  CHECK(ended.error_code() == grpc::StatusCode::UNAVAILABLE);
  CHECK_THAT(ended.error_message(), Catch::Contains("shutting down"));
  CHECK(host.child().wait(std::chrono::seconds(15)) == 0);
}

TEST_CASE("bad requests get canonical status codes with a reason", "[grpc]") {
  test::Host host(test::default_config_text());
  REQUIRE(host.ok());
  auto stub = stub_for(host.address());
  v1::Table refused_table;
  const grpc::Status status = test::get_table(*stub, "no-such-table", &refused_table);
  CHECK(status.error_code() == grpc::StatusCode::NOT_FOUND);
  CHECK_THAT(status.error_message(), Catch::Contains("no table 'no-such-table'"));

  grpc::ClientContext measures_context;
  deadline(measures_context);
  v1::ListMeasuresRequest measures;
  measures.set_component("treasury");
  v1::ListMeasuresResponse measures_response;
  CHECK(stub->ListMeasures(&measures_context, measures, &measures_response).error_code() == grpc::StatusCode::NOT_FOUND);

  grpc::ClientContext year_context;
  deadline(year_context);
  v1::ListDeliverablesRequest deliverables;
  deliverables.set_year(-1);
  v1::ListDeliverablesResponse deliverables_response;
  CHECK(stub->ListDeliverables(&year_context, deliverables, &deliverables_response).error_code() ==
        grpc::StatusCode::INVALID_ARGUMENT);

  grpc::ClientContext ok_context;
  deadline(ok_context);
  deliverables.set_year(2022);
  deliverables.set_component("finance");
  REQUIRE(stub->ListDeliverables(&ok_context, deliverables, &deliverables_response).ok());
  CHECK(deliverables_response.deliverables_size() == 4);

  // An id far longer than a client's metadata limit (8 KiB by default): the refusal quotes only
  // its start, so the client sees NOT_FOUND, not RESOURCE_EXHAUSTED for the status's size.
  const std::string long_id(9000, 'q');
  const grpc::Status long_table = test::get_table(*stub, long_id, &refused_table);
  CHECK(long_table.error_code() == grpc::StatusCode::NOT_FOUND);
  CHECK_THAT(long_table.error_message(), Catch::Contains("(9000 bytes)"));
  CHECK(long_table.error_message().size() < 300);
  for (const bool deliverable : {false, true}) {
    grpc::ClientContext long_context;
    deadline(long_context);
    grpc::Status long_component;
    if (deliverable) {
      v1::ListDeliverablesRequest request;
      request.set_component(long_id);
      long_component = stub->ListDeliverables(&long_context, request, &deliverables_response);
    } else {
      measures.set_component(long_id);
      long_component = stub->ListMeasures(&long_context, measures, &measures_response);
    }
    CHECK(long_component.error_code() == grpc::StatusCode::NOT_FOUND);
    CHECK(long_component.error_message().size() < 300);
  }
  CHECK(host.stop() == 0);
}

TEST_CASE("disabling a plugin in YAML removes its component from every table and total", "[grpc][disabled]") {
  test::Host host(replace(test::default_config_text(), "library: hr\n    enabled: true", "library: hr\n    enabled: false"));
  REQUIRE(host.ok());
  auto stub = stub_for(host.address());
  const v1::HostStatus status = status_of(*stub);
  CHECK(status.components(2).id() == "hr");
  CHECK(status.components(2).state() == v1::DISABLED);

  grpc::ClientContext list_context;
  deadline(list_context);
  v1::ListTablesResponse tables;
  REQUIRE(stub->ListTables(&list_context, {}, &tables).ok());
  for (const auto& info : tables.tables()) {
    INFO(info.id());
    CHECK(info.id().find("/hr") == std::string::npos);
    const v1::Table table = table_of(*stub, info.id());
    for (const auto& row : table.rows()) CHECK(row.key() != "hr");
    bool noted = false;
    for (const auto& note : table.notes()) noted = noted || note.find("'hr' is disabled") != std::string::npos;
    CHECK(noted);
  }
  CHECK(cell(table_of(*stub, "financial-by-component-rb"), "subtotal", "estimate") == 19762900 - 3186300);
  CHECK(cell(table_of(*stub, "posts-by-component-xb"), "total", "estimate") == 167 - 38);

  // Asking for the disabled component's measures is a precondition failure, not a transport one:
  // a client that retries UNAVAILABLE must not retry this.
  grpc::ClientContext measures_context;
  deadline(measures_context);
  v1::ListMeasuresRequest request;
  request.set_component("hr");
  v1::ListMeasuresResponse measures;
  const grpc::Status refused = stub->ListMeasures(&measures_context, request, &measures);
  CHECK(refused.error_code() == grpc::StatusCode::FAILED_PRECONDITION);
  CHECK_THAT(refused.error_message(), Catch::Contains("component 'hr' is disabled"));
  CHECK(host.stop() == 0);
}

TEST_CASE("a plugin that throws while starting is reported and left out while the host serves the others", "[grpc][faults]") {
  const std::string config = test::default_config_text() + "  - id: broken\n    library: " + test::fixture("throwing_plugin").string() +
                             "\n    settings: {fail_in: start, throw: std}\n";
  test::Host host(config);
  REQUIRE(host.ok());
  auto stub = stub_for(host.address());
  const v1::HostStatus status = status_of(*stub);
  REQUIRE(status.components_size() == 6);
  CHECK(status.components(5).state() == v1::FAILED);
  CHECK_THAT(status.components(5).reason(), Catch::Contains("the fixture failed on purpose"));
  const v1::Table table = table_of(*stub, "financial-by-object");
  CHECK(cell(table, "total", "estimate") == 19762900);
  bool noted = false;
  for (const auto& note : table.notes()) noted = noted || note.find("'broken' is unavailable") != std::string::npos;
  CHECK(noted);
  CHECK_THAT(host.child().err(), Catch::Contains("the host serves the others"));
  CHECK(host.stop() == 0);
}

TEST_CASE("Watch sends the current version, then each new one, and shutdown ends the stream", "[grpc][watch]") {
  const std::string config = test::default_config_text() + "  - id: counter\n    library: " +
                             test::fixture("republishing_plugin").string() + "\n    settings: {interval_ms: '300', count: '2'}\n";
  test::Host host(config);
  REQUIRE(host.ok());
  auto stub = stub_for(host.address());
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  auto reader = stub->Watch(&context, {});
  std::vector<std::uint64_t> versions;
  v1::WatchEvent event;
  // Start-up is version 1 and the two republishes make 2 and 3. A slow reader may skip a version
  // in between, never the latest, so reading until version 3 always ends.
  while (reader->Read(&event)) {
    versions.push_back(event.version());
    if (event.version() >= 3) break;
  }
  REQUIRE_FALSE(versions.empty());
  CHECK(versions.back() == 3);
  CHECK(std::is_sorted(versions.begin(), versions.end()));
  CHECK(versions.front() >= 1);
  CHECK(event.reason().find("counter") != std::string::npos);
  CHECK(event.components_size() == 6);
  // A stream still open at shutdown ends with UNAVAILABLE, and the host exits cleanly.
  host.child().signal(SIGTERM);
  while (reader->Read(&event)) {
  }
  const grpc::Status status = reader->Finish();
  CHECK(status.error_code() == grpc::StatusCode::UNAVAILABLE);
  CHECK_THAT(status.error_message(), Catch::Contains("shutting down"));
  CHECK(host.child().wait(std::chrono::seconds(15)) == 0);
}

TEST_CASE("no query answers from a version older than the one GetStatus or Watch has told of", "[grpc][watch]") {
  // A version is the registry's as soon as it is built, and the queries' once its answers are
  // serialized. GetStatus and a new Watch stream used to report the first, so a client could be
  // told of version N and then be answered from N - 1. 150 versions, 8 ms apart.
  const std::string config = test::default_config_text() + "  - id: counter\n    library: " +
                             test::fixture("republishing_plugin").string() +
                             "\n    settings: {interval_ms: '8', count: '150'}\n";
  test::Host host(config);
  REQUIRE(host.ok());
  auto stub = stub_for(host.address());
  int behind = 0;
  int rounds_with_a_new_version = 0;
  std::uint64_t seen = 0;
  // Until no new version has come for a second (a busy host may merge republishes, so the
  // last version's number is not known), and at most 20 s.
  auto last_new = std::chrono::steady_clock::now();
  const auto until = last_new + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() - last_new < std::chrono::seconds(1) && std::chrono::steady_clock::now() < until) {
    grpc::ClientContext status_context;
    v1::HostStatus status;
    REQUIRE(stub->GetStatus(&status_context, {}, &status).ok());
    grpc::ClientContext watch_context;
    auto reader = stub->Watch(&watch_context, {});
    v1::WatchEvent event;
    REQUIRE(reader->Read(&event));
    watch_context.TryCancel();
    reader->Finish();
    grpc::ClientContext section_context;
    v1::Section section;
    REQUIRE(stub->GetSection(&section_context, {}, &section).ok());
    if (section.version() < status.version() || section.version() < event.version()) ++behind;
    if (status.version() > seen) {
      seen = status.version();
      last_new = std::chrono::steady_clock::now();
      ++rounds_with_a_new_version;
    }
  }
  CHECK(rounds_with_a_new_version >= 20);  // the versions did change while the test asked
  CHECK(behind == 0);
  CHECK(host.stop() == 0);
}

TEST_CASE("a client that cancels a Watch mid-stream leaves the host serving", "[grpc][watch]") {
  test::Host host(test::default_config_text());
  REQUIRE(host.ok());
  auto stub = stub_for(host.address());
  for (int i = 0; i < 5; ++i) {
    grpc::ClientContext context;
    auto reader = stub->Watch(&context, {});
    v1::WatchEvent event;
    REQUIRE(reader->Read(&event));
    CHECK(event.version() == 1);
    context.TryCancel();
    while (reader->Read(&event)) {
    }
    CHECK(reader->Finish().error_code() == grpc::StatusCode::CANCELLED);
  }
  CHECK(status_of(*stub).version() == 1);
  CHECK(host.stop() == 0);
}

TEST_CASE("a stop signal during start-up ends the host even when a plugin hangs in start", "[grpc][signals]") {
  test::TempDir dir;
  const std::string config = test::default_config_text() + "  - id: stuck\n    library: " + test::fixture("throwing_plugin").string() +
                             "\n    settings: {fail_in: hang}\n";
  test::Child host({test::host_binary().string(), "--config", dir.write("host.yaml", config).string()});
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (host.err().find("hanging in start") == std::string::npos && std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  REQUIRE_THAT(host.err(), Catch::Contains("[plugin stuck] hanging in start"));
  host.signal(SIGTERM);
  CHECK(host.wait(std::chrono::seconds(10)) == 128 + SIGTERM);
  CHECK_THAT(host.err(), Catch::Contains("received SIGTERM during start-up: exiting"));
}

TEST_CASE("SIGINT stops the host cleanly too", "[grpc]") {
  test::Host host(test::default_config_text());
  REQUIRE(host.ok());
  host.child().signal(SIGINT);
  CHECK(host.child().wait(std::chrono::seconds(15)) == 0);
  CHECK_THAT(host.child().err(), Catch::Contains("received SIGINT"));
}

TEST_CASE("bad configurations stop the host with exit status 2 and a reason naming the file", "[grpc][config]") {
  const std::string good = test::default_config_text();
  struct Case {
    const char* name;
    std::string config;
    std::vector<std::string> expected;
  };
  const std::vector<Case> cases = {
      {"malformed YAML", "listen: [127.0.0.1\n", {"host.yaml:", "invalid YAML"}},
      {"an unknown key", replace(good, "shutdown_grace_ms", "shutdown_grace"), {"host.yaml:4:1", "unknown key 'shutdown_grace'"}},
      {"a missing key", replace(good, "    library: finance\n", ""), {"plugins[1]", "missing key 'library'"}},
      {"a missing library", replace(good, "library: ict", "library: telecoms"), {"host.yaml:20", "telecoms/telecoms.so does not exist"}},
      {"a library that is not a plugin", replace(good, "library: ict", "library: " + test::fixture("not_a_plugin").string()),
       {"host.yaml:19: plugin 'ict'", "not a section-host plugin"}},
      {"a library of another ABI version", replace(good, "library: ict", "library: " + test::fixture("other_abi_plugin").string()),
       {"plugin ABI version 999"}},
      {"two plugins with one id", replace(good, "id: support", "id: hr"), {"plugin id 'hr' is already used"}},
      {"component data that fails validation",
       replace(good, "library: ict\n", "library: ict\n    settings: {data: " + (test::source_dir() / "plugins/edm/component.yaml").string() + "}\n"),
       {"plugin 'ict'", "edm/component.yaml", "does not match the plugin id 'ict'"}},
      {"a component the host refuses",
       good + "  - {id: bad, library: " + test::fixture("invalid_component_plugin").string() + "}\n",
       {"published an invalid component", "year 1950"}},
  };
  for (const Case& c : cases) {
    INFO(c.name);
    const test::RunResult result = refused(c.config);
    CHECK(result.status == 2);
    for (const auto& text : c.expected) CHECK_THAT(result.err, Catch::Contains(text));
    CHECK(result.out.find("serving") == std::string::npos);
  }
}

TEST_CASE("command-line errors exit 2 and a port in use exits 1", "[grpc][config]") {
  CHECK(test::run({test::host_binary().string()}).status == 2);
  const test::RunResult no_value = test::run({test::host_binary().string(), "--config"});
  CHECK(no_value.status == 2);
  CHECK_THAT(no_value.err, Catch::Contains("--config: 1 required FILE missing"));
  const test::RunResult bad_level = test::run({test::host_binary().string(), "--config", "x", "--log-level", "loud"});
  CHECK(bad_level.status == 2);
  CHECK_THAT(bad_level.err, Catch::Contains("--log-level") && Catch::Contains("loud"));
  CHECK(test::run({test::host_binary().string(), "--frobnicate"}).status == 2);
  const test::RunResult missing = test::run({test::host_binary().string(), "--config", "/nonexistent/host.yaml"});
  CHECK(missing.status == 2);
  CHECK_THAT(missing.err, Catch::Contains("/nonexistent/host.yaml: cannot read the file"));
  // --help comes from the same definitions as the parsing.
  const test::RunResult help = test::run({test::host_binary().string(), "--help"});
  CHECK(help.status == 0);
  for (const char* option : {"--config FILE", "--listen ADDR", "--check", "--log-level LEVEL", "--version", "SECTION_PLUGIN_DIR"}) {
    CHECK_THAT(help.out, Catch::Contains(option));
  }
  const test::RunResult version = test::run({test::host_binary().string(), "--version"});
  CHECK(version.status == 0);
  CHECK_THAT(version.out, Catch::StartsWith("section-host ") && Catch::Contains("(plugin ABI "));

  test::Host first(test::default_config_text());
  REQUIRE(first.ok());
  test::TempDir dir;
  const fs::path config = dir.write("host.yaml", test::default_config_text());
  const test::RunResult busy = test::run({test::host_binary().string(), "--config", config.string(), "--listen", first.address()});
  CHECK(busy.status == 1);
  CHECK_THAT(busy.err, Catch::Contains("cannot listen on " + first.address()));
  CHECK(first.stop() == 0);
}
