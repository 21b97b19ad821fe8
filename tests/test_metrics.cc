// The Prometheus text format as written (host/metrics) and the HTTP errors (host/http/errors),
// without a server; the HTTP listener alone, with a handler that throws.
#include <catch2/catch.hpp>

#include <atomic>
#include <sstream>
#include <stdexcept>
#include <thread>

#include <nlohmann/json.hpp>

#include "host/http/errors.h"
#include "host/http/listener.h"
#include "http_client.h"
#include "host/http/rendered_version.h"
#include "host/metrics/exposition.h"
#include "host/metrics/grpc_metrics.h"
#include "host/metrics/host_counters.h"
#include "host/transport/counted_call.h"

using namespace section;

TEST_CASE("label values and HELP texts are escaped as the text format says", "[metrics]") {
  CHECK(metrics::escape_label_value("a\\b\"c\nd") == "a\\\\b\\\"c\\nd");
  CHECK(metrics::escape_help("one\\two\nthree \"quoted\"") == "one\\\\two\\nthree \"quoted\"");
  metrics::Exposition out;
  out.family("x_total", "counter", "An x.");
  out.sample("x_total", {{"id", "say \"hi\""}}, 3);
  CHECK(out.text() == "# HELP x_total An x.\n# TYPE x_total counter\nx_total{id=\"say \\\"hi\\\"\"} 3\n");
}

TEST_CASE("values are integers, shortest decimals or +Inf", "[metrics]") {
  CHECK(metrics::format_value(0) == "0");
  CHECK(metrics::format_value(12345678901) == "12345678901");
  CHECK(metrics::format_value(0.25) == "0.25");
  CHECK(metrics::format_value(0.1) == "0.1");
  CHECK(metrics::format_value(1.0 / 0.0) == "+Inf");
}

TEST_CASE("a histogram has cumulative buckets up to +Inf, then _sum and _count", "[metrics]") {
  metrics::Exposition out;
  out.histogram("h_seconds", {{"m", "a"}}, {0.1, 1}, {2, 1, 3}, 7.5);
  CHECK(out.text() ==
        "h_seconds_bucket{m=\"a\",le=\"0.1\"} 2\n"
        "h_seconds_bucket{m=\"a\",le=\"1\"} 3\n"
        "h_seconds_bucket{m=\"a\",le=\"+Inf\"} 6\n"
        "h_seconds_sum{m=\"a\"} 7.5\n"
        "h_seconds_count{m=\"a\"} 6\n");
}

TEST_CASE("the gRPC counters know every method of the host's services and health", "[metrics]") {
  metrics::GrpcMetrics grpc;
  REQUIRE(grpc.find("/section.v1.SectionService/GetTable") != nullptr);
  CHECK(grpc.find("/section.v1.SectionService/Watch")->type == "server_stream");
  CHECK(grpc.find("/section.v1.ReportService/ReportValue") != nullptr);
  CHECK(grpc.find("/grpc.health.v1.Health/Check") != nullptr);
  CHECK(grpc.find("/no.Such/Method") == nullptr);
  // Reflection is gRPC's own service, with no handler of the host's to count it.
  CHECK(grpc.find("/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo") == nullptr);
  auto* stats = grpc.find("/section.v1.SectionService/GetTable");
  stats->started += 2;
  stats->finished(0, std::chrono::microseconds(50));
  stats->finished(5, std::chrono::milliseconds(2));
  metrics::Exposition out;
  grpc.write(out);
  const std::string& text = out.text();
  const std::string labels = "grpc_method=\"GetTable\",grpc_service=\"section.v1.SectionService\",grpc_type=\"unary\"";
  CHECK(text.find("grpc_server_started_total{" + labels + "} 2\n") != std::string::npos);
  CHECK(text.find("grpc_server_handled_total{grpc_code=\"NOT_FOUND\"," + labels + "} 1\n") != std::string::npos);
  CHECK(text.find("grpc_server_handling_seconds_bucket{" + labels + ",le=\"0.0001\"} 1\n") != std::string::npos);
  CHECK(text.find("grpc_server_handling_seconds_bucket{" + labels + ",le=\"0.0025\"} 2\n") != std::string::npos);
  CHECK(text.find("grpc_server_handling_seconds_count{" + labels + "} 2\n") != std::string::npos);
}

TEST_CASE("reports are counted as accepted or refused by code", "[metrics]") {
  metrics::HostCounters counters;
  counters.report(absl::OkStatus());
  counters.report(absl::PermissionDeniedError("no"));
  counters.report(absl::PermissionDeniedError("no"));
  counters.reload(absl::FailedPreconditionError("listen"));
  metrics::Exposition out;
  counters.write(out);
  CHECK(out.text().find("section_reports_accepted_total 1\n") != std::string::npos);
  CHECK(out.text().find("section_reports_refused_total{code=\"PERMISSION_DENIED\"} 2\n") != std::string::npos);
  CHECK(out.text().find("section_reloads_total{outcome=\"refused\"} 1\n") != std::string::npos);
}

TEST_CASE("HTTP errors carry the canonical code and message with the mapped status", "[http]") {
  CHECK(http::http_status(absl::StatusCode::kNotFound) == 404);
  CHECK(http::http_status(absl::StatusCode::kInvalidArgument) == 400);
  CHECK(http::http_status(absl::StatusCode::kFailedPrecondition) == 409);
  CHECK(http::http_status(absl::StatusCode::kUnauthenticated) == 401);
  CHECK(http::http_status(absl::StatusCode::kPermissionDenied) == 403);
  CHECK(http::http_status(absl::StatusCode::kUnavailable) == 503);
  const http::Response denied = http::error_response(absl::PermissionDeniedError("token 'x' may not"));
  CHECK(denied.status == 403);
  const auto body = nlohmann::json::parse(denied.body);
  CHECK(body["code"] == "PERMISSION_DENIED");
  CHECK(body["message"] == "token 'x' may not");
  const http::Response unauthenticated = http::error_response(absl::UnauthenticatedError("a token"));
  REQUIRE(unauthenticated.headers.size() == 1);
  CHECK(unauthenticated.headers[0].first == "WWW-Authenticate");
}

TEST_CASE("an ETag names the version and the start that published it", "[http]") {
  CHECK(http::etag_of(3, "00000000000000ff") == "\"v3-00000000000000ff\"");
  CHECK(http::etag_of(3, "00000000000000ff", "zh-hant") == "\"v3-00000000000000ff-zh-hant\"");
  CHECK(http::etag_of(3, "00000000000000ff", "zh", true) == "\"v3-00000000000000ff-zh.csv\"");
  CHECK(http::etag_of(3, "00000000000000ff", "", true) == "\"v3-00000000000000ff.csv\"");
  const std::string one = http::new_instance_id();
  CHECK(one.size() == 16);
  CHECK(one.find_first_not_of("0123456789abcdef") == std::string::npos);
  CHECK(http::new_instance_id() != one);
}

namespace {

// The sum of the samples of `name` for GetTable in `text`.
double get_table_sum(const std::string& text, const std::string& name) {
  std::istringstream lines(text);
  double sum = 0;
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind(name + "{", 0) == 0 && line.find("grpc_method=\"GetTable\"") != std::string::npos) {
      sum += std::stod(line.substr(line.rfind(' ') + 1));
    }
  }
  return sum;
}

}  // namespace

TEST_CASE("a scrape never shows more calls handled than started", "[metrics]") {
  metrics::GrpcMetrics grpc;
  auto* stats = grpc.find("/section.v1.SectionService/GetTable");
  std::atomic<bool> done{false};
  std::thread calls([&] {
    while (!done.load()) {
      stats->started.fetch_add(1, std::memory_order_relaxed);
      stats->finished(0, std::chrono::microseconds(10));
    }
  });
  int over = 0;
  for (int i = 0; i < 2000; ++i) {
    metrics::Exposition out;
    grpc.write(out);
    const double started = get_table_sum(out.text(), "grpc_server_started_total");
    over += get_table_sum(out.text(), "grpc_server_handled_total") > started;
    over += get_table_sum(out.text(), "grpc_server_handling_seconds_count") > started;
  }
  done = true;
  calls.join();
  CHECK(over == 0);
}

TEST_CASE("a handler that throws loses its connection, and the HTTP listener serves on", "[http]") {
  http::ListenerOptions options;
  options.address = "127.0.0.1:0";
  options.threads = 1;  // the one thread must survive the exception
  auto listener = http::Listener::start(options, [](const http::Request& request) {
    if (request.target == "/throw") throw std::runtime_error("a route's bug");
    http::Response response;
    response.body = "ok";
    return response;
  });
  REQUIRE(listener.ok());
  const std::string address = (*listener)->address();
  CHECK(test::http_request(address, "/throw").status == 0);
  CHECK(test::http_request(address, "/throw").status == 0);
  const auto served = test::http_request(address, "/");
  CHECK(served.status == 200);
  CHECK(served.body == "ok");
  (*listener)->stop();
}

TEST_CASE("a counted call is counted once: move-only, and finished only the first time", "[metrics]") {
  static_assert(!std::is_copy_constructible_v<transport::CountedCall> && std::is_move_constructible_v<transport::CountedCall>);
  static_assert(!std::is_copy_constructible_v<transport::UnaryCall> && std::is_move_constructible_v<transport::UnaryCall>);
  metrics::GrpcMetrics grpc;
  auto* stats = grpc.find("/section.v1.SectionService/GetTable");
  transport::CountedCall call(stats);
  transport::CountedCall moved = std::move(call);
  call.finished(grpc::Status::OK);  // moved from: counts nothing
  moved.finished(grpc::Status(grpc::StatusCode::NOT_FOUND, "no"));
  moved.finished(grpc::Status::OK);
  CHECK(stats->started.load() == 1);
  CHECK(stats->handled[0].load() == 0);
  CHECK(stats->handled[5].load() == 1);
}
