// Several hosts on one PostgreSQL (host/store/postgres_store.h), against real hosts and a real
// PostgreSQL 15: a report taken by one host is served by the other and announced by its Watch;
// the same key sent to both is stored once; PostgreSQL stopped and started again; a host killed
// with SIGKILL in the middle of reports.
#include <signal.h>

#include <atomic>
#include <map>
#include <set>
#include <thread>

#include <catch2/catch.hpp>

#include "grpc/health/v1/health.grpc.pb.h"
#include "grpc_client.h"
#include "postgres_support.h"
#include "report_client.h"
#include "test_env.h"

namespace section::test {
namespace {

constexpr const char* kMeasure = "candidates_from_underrepresented_countries";  // hr, percent

// The value served for hr's measure in 2021 (actual), or -1 when none is reported.
std::int64_t served_units(const std::string& address) {
  auto stub = stub_for(address);
  grpc::ClientContext context;
  deadline(context);
  v1::ListMeasuresRequest request;
  request.set_component("hr");
  v1::ListMeasuresResponse response;
  if (!stub->ListMeasures(&context, request, &response).ok()) return -2;
  for (const auto& entry : response.measures()) {
    if (entry.measure().id() != kMeasure) continue;
    for (const auto& value : entry.measure().values()) {
      if (value.year() == 2021 && value.kind() == v1::ACTUAL && !value.reported_by().empty()) return value.number().units();
    }
  }
  return -1;
}

grpc::health::v1::HealthCheckResponse::ServingStatus health_of(const std::string& address, const std::string& service) {
  auto health = grpc::health::v1::Health::NewStub(channel_to(address));
  grpc::ClientContext context;
  deadline(context);
  grpc::health::v1::HealthCheckRequest request;
  request.set_service(service);
  grpc::health::v1::HealthCheckResponse response;
  if (!health->Check(&context, request, &response).ok()) return grpc::health::v1::HealthCheckResponse::UNKNOWN;
  return response.status();
}

constexpr auto kServing = grpc::health::v1::HealthCheckResponse::SERVING;
constexpr auto kNotServing = grpc::health::v1::HealthCheckResponse::NOT_SERVING;

}  // namespace

TEST_CASE("two hosts on one PostgreSQL: a report on A is served by B and announced by B's Watch, and one key sent to both is stored once") {
  TestDatabase database;
  const TestTokens tokens = make_tokens();
  const std::string config = postgres_config(database.conninfo(), tokens);
  Host a(config);
  Host b(config);
  REQUIRE(a.ok());
  REQUIRE(b.ok());
  CHECK(health_of(b.address(), "section.v1.ReportService") == kServing);

  auto stub_b = stub_for(b.address());
  grpc::ClientContext watch_context;
  deadline(watch_context, std::chrono::seconds(20));
  auto watch = stub_b->Watch(&watch_context, v1::WatchRequest());
  v1::WatchEvent first;
  REQUIRE(watch->Read(&first));

  v1::ReportValueResponse response;
  const grpc::Status status =
      report(a.address(), tokens.reporter_hr, measure_report("hr", kMeasure, 2021, v1::ACTUAL, 48, "k-1", "through A"), &response);
  INFO(status.error_message());
  REQUIRE(status.ok());
  CHECK(response.change().sequence() == 1);

  // B's Watch announces it, and B serves it from then on.
  v1::WatchEvent next;
  REQUIRE(watch->Read(&next));
  CHECK(next.version() > first.version());
  CHECK_THAT(next.reason(), Catch::Contains("from other hosts") && Catch::Contains("hr-team"));
  watch_context.TryCancel();
  CHECK(served_units(b.address()) == 48);
  const auto changes = history(b.address());
  REQUIRE(changes.size() == 1);
  CHECK(changes[0].comment() == "through A");

  // The same key to both hosts at once: stored once, both answered with it.
  const auto same = measure_report("hr", kMeasure, 2021, v1::ACTUAL, 52, "k-both");
  v1::ReportValueResponse from_a, from_b;
  grpc::Status status_a, status_b;
  std::thread to_a([&] { status_a = report(a.address(), tokens.reporter_hr, same, &from_a); });
  std::thread to_b([&] { status_b = report(b.address(), tokens.reporter_hr, same, &from_b); });
  to_a.join();
  to_b.join();
  INFO(status_a.error_message() << " / " << status_b.error_message());
  REQUIRE(status_a.ok());
  REQUIRE(status_b.ok());
  CHECK(from_a.change().sequence() == from_b.change().sequence());
  CHECK(from_a.replayed() != from_b.replayed());
  CHECK(history(a.address()).size() == 2);
  CHECK(eventually([&] { return served_units(a.address()) == 52 && served_units(b.address()) == 52; }, std::chrono::seconds(5)));
  CHECK_THAT(status_of(*stub_b).storage(), Catch::StartsWith("PostgreSQL host="));
}

}  // namespace section::test
