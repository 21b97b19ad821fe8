// Every method of the host's four services (SectionService, ReportService, AdminService and
// grpc.health.v1.Health) counted by the handler that answers it: a real host is called with
// answers, errors, refused and unauthenticated calls, and /metrics (read through Debian's
// Prometheus parser) must count each call once, under the code the client saw.
#include <filesystem>
#include <map>
#include <thread>

#include <catch2/catch.hpp>
#include <grpcpp/generic/generic_stub.h>
#include <nlohmann/json.hpp>

#include "grpc/health/v1/health.pb.h"
#include "grpc_client.h"
#include "report_client.h"
#include "section/v1/section_service.pb.h"
#include "test_env.h"

namespace section::test {
namespace {

using Json = nlohmann::json;

struct Case {
  std::string service;  // "section.v1.SectionService"
  std::string method;   // "GetTable"
  bool stream;          // server streaming: read the first message, then cancel
  std::string request;  // serialized
  std::string token;
  grpc::StatusCode expected;
};

// Calls any method with one request; the status the client saw (CANCELLED for a stream it
// cancelled after the first message).
grpc::Status call(const std::shared_ptr<grpc::Channel>& channel, const Case& c) {
  grpc::GenericStub stub(channel);
  grpc::ClientContext context;
  deadline(context, std::chrono::seconds(20));
  bearer(context, c.token);
  grpc::CompletionQueue queue;
  auto stream = stub.PrepareCall(&context, "/" + c.service + "/" + c.method, &queue);
  void* tag = nullptr;
  bool ok = false;
  const auto step = [&](intptr_t expected) {
    REQUIRE(queue.Next(&tag, &ok));
    REQUIRE(tag == reinterpret_cast<void*>(expected));
    return ok;
  };
  stream->StartCall(reinterpret_cast<void*>(1));
  step(1);
  grpc::Slice slice(c.request);
  grpc::ByteBuffer request(&slice, 1);
  stream->WriteLast(request, grpc::WriteOptions(), reinterpret_cast<void*>(2));
  step(2);
  grpc::ByteBuffer response;
  stream->Read(&response, reinterpret_cast<void*>(3));
  if (step(3) && c.stream) context.TryCancel();
  grpc::Status status;
  stream->Finish(&status, reinterpret_cast<void*>(4));
  step(4);
  queue.Shutdown();
  while (queue.Next(&tag, &ok)) {
  }
  return status;
}

std::string labels(const Case& c, const std::string& code) {
  std::string text = code.empty() ? "" : "grpc_code=\"" + code + "\",";
  return text + "grpc_method=\"" + c.method + "\",grpc_service=\"" + c.service + "\",grpc_type=\"" +
         (c.stream ? "server_stream" : "unary") + "\"";
}

const char* code_name(grpc::StatusCode code) {
  static const char* const names[] = {"OK",        "CANCELLED",          "UNKNOWN",           "INVALID_ARGUMENT", "DEADLINE_EXCEEDED",
                                      "NOT_FOUND", "ALREADY_EXISTS",     "PERMISSION_DENIED", "RESOURCE_EXHAUSTED",
                                      "FAILED_PRECONDITION", "ABORTED", "OUT_OF_RANGE", "UNIMPLEMENTED", "INTERNAL",
                                      "UNAVAILABLE", "DATA_LOSS",          "UNAUTHENTICATED"};
  return names[static_cast<int>(code)];
}

double value(const Json& scraped, const std::string& key) {
  const auto found = scraped.find(key);
  return found == scraped.end() ? 0.0 : found->get<double>();
}

template <typename Message>
std::string bytes_of(const Message& message) {
  return message.SerializeAsString();
}

std::vector<Case> cases(const TestTokens& tokens) {
  const std::string S = "section.v1.SectionService", R = "section.v1.ReportService", A = "section.v1.AdminService",
                    H = "grpc.health.v1.Health";
  using grpc::StatusCode;
  v1::GetTableRequest table;
  table.set_id("evolution");
  v1::GetTableRequest no_table;
  no_table.set_id("no-such-table");
  v1::ListMeasuresRequest no_component;
  no_component.set_component("no-such-component");
  v1::ListDeliverablesRequest bad_year;
  bad_year.set_year(1);
  grpc::health::v1::HealthCheckRequest no_service;
  no_service.set_service("no.such.Service");
  const std::string report = bytes_of(measure_report("hr", "candidates_from_underrepresented_countries", 2021, v1::ACTUAL, 41, "m-1"));
  const std::string& reader = tokens.reader;
  return {
      {S, "GetSection", false, "", reader, StatusCode::OK},
      {S, "GetSection", false, "", "", StatusCode::UNAUTHENTICATED},
      {S, "ListTables", false, "", reader, StatusCode::OK},
      {S, "ListTables", false, "", "sct_" + std::string(43, 'x'), StatusCode::UNAUTHENTICATED},
      {S, "GetTable", false, bytes_of(table), reader, StatusCode::OK},
      {S, "GetTable", false, bytes_of(table), reader, StatusCode::OK},
      {S, "GetTable", false, bytes_of(no_table), reader, StatusCode::NOT_FOUND},
      {S, "GetTable", false, "\xff\xff", reader, StatusCode::INVALID_ARGUMENT},
      {S, "GetTable", false, bytes_of(table), "", StatusCode::UNAUTHENTICATED},
      {S, "ListMeasures", false, "", reader, StatusCode::OK},
      {S, "ListMeasures", false, bytes_of(no_component), reader, StatusCode::NOT_FOUND},
      {S, "ListMeasures", false, "", "", StatusCode::UNAUTHENTICATED},
      {S, "ListDeliverables", false, "", reader, StatusCode::OK},
      {S, "ListDeliverables", false, bytes_of(bad_year), reader, StatusCode::INVALID_ARGUMENT},
      {S, "ListDeliverables", false, "", "", StatusCode::UNAUTHENTICATED},
      {S, "GetStatus", false, "", reader, StatusCode::OK},
      {S, "GetStatus", false, "", "", StatusCode::UNAUTHENTICATED},
      {S, "Watch", true, "", reader, StatusCode::CANCELLED},
      {S, "Watch", true, "", "", StatusCode::UNAUTHENTICATED},
      {R, "ReportValue", false, report, tokens.reporter_hr, StatusCode::OK},
      {R, "ReportValue", false, report, tokens.reporter_finance, StatusCode::PERMISSION_DENIED},
      {R, "ReportValue", false, "", tokens.reporter_hr, StatusCode::INVALID_ARGUMENT},
      {R, "ReportValue", false, report, "", StatusCode::UNAUTHENTICATED},
      {R, "ListHistory", false, "", reader, StatusCode::OK},
      {R, "ListHistory", false, "", "", StatusCode::UNAUTHENTICATED},
      {A, "Reload", false, "", tokens.admin, StatusCode::OK},
      {A, "Reload", false, "", reader, StatusCode::PERMISSION_DENIED},
      {A, "Reload", false, "", "", StatusCode::UNAUTHENTICATED},
      {H, "Check", false, "", "", StatusCode::OK},
      {H, "Check", false, bytes_of(no_service), "", StatusCode::NOT_FOUND},
      {H, "Watch", true, "", "", StatusCode::CANCELLED},
  };
}

}  // namespace

TEST_CASE("every method of the four services is counted by its handler, with the code the client saw", "[http][metrics]") {
  TempDir data;
  const TestTokens tokens = make_tokens();
  Host host("http_listen: 127.0.0.1:0\n" + reports_config(data.path(), tokens, true));
  REQUIRE(host.ok());
  const auto http = host.child().wait_for_line("section-host: http ", std::chrono::seconds(5));
  REQUIRE(http);
  const auto scrape = [&] {
    const RunResult parsed = run({"/usr/bin/python3", (source_dir() / "tests/support/parse_metrics.py").string(),
                                  "http://" + *http + "/metrics", tokens.admin});
    INFO(parsed.err);
    REQUIRE(parsed.status == 0);
    return Json::parse(parsed.out);
  };
  const Json before = scrape();
  auto channel = channel_to(host.address());
  std::map<std::string, double> started;  // labels without the code → calls made
  std::map<std::string, double> handled;  // labels with the code → calls made
  for (const Case& c : cases(tokens)) {
    const grpc::Status status = call(channel, c);
    INFO(c.service << "/" << c.method << " → " << status.error_code() << " " << status.error_message());
    CHECK(status.error_code() == c.expected);
    started[labels(c, "")] += 1;
    handled[labels(c, code_name(status.error_code()))] += 1;
  }
  CHECK(started.size() == 7 + 2 + 1 + 2);  // every method of the four services
  // A cancelled stream is counted when the host learns of the cancellation, just after.
  const auto all_counted = [&](const Json& after) {
    for (const auto& [key, calls] : started) {
      if (value(after, "grpc_server_started_total{" + key + "}") - value(before, "grpc_server_started_total{" + key + "}") != calls) {
        return false;
      }
      if (value(after, "grpc_server_handling_seconds_count{" + key + "}") -
              value(before, "grpc_server_handling_seconds_count{" + key + "}") != calls) {
        return false;
      }
    }
    for (const auto& [key, calls] : handled) {
      if (value(after, "grpc_server_handled_total{" + key + "}") - value(before, "grpc_server_handled_total{" + key + "}") != calls) {
        return false;
      }
    }
    return true;
  };
  Json after;
  CHECK(eventually([&] {
    after = scrape();
    return all_counted(after);
  }));
  for (const auto& [key, calls] : handled) {
    INFO(key);
    CHECK(value(after, "grpc_server_handled_total{" + key + "}") - value(before, "grpc_server_handled_total{" + key + "}") == calls);
  }
  // The one report accepted is counted by the report desk's own counter as well.
  CHECK(value(after, "section_reports_accepted_total{}") == 1.0);
}

TEST_CASE("calls answered UNAVAILABLE while the plugins start are counted", "[http][metrics][slow]") {
  // A plugin that hangs in start holds start-up for its deadline, long enough to ask (as in
  // test_integration); the HTTP listener opens once the host serves, and /metrics then counts
  // what was answered before.
  TempDir dir;
  const std::string address = "unix:" + (dir.path() / "host.sock").string();
  const auto config = dir.write("host.yaml", "plugin_call_timeout_ms: 3000\nhttp_listen: 127.0.0.1:0\n" +
                                                 replace(default_config_text(), "listen: 127.0.0.1:0", "listen: " + address) +
                                                 "  - id: stuck\n    library: " + fixture("throwing_plugin").string() +
                                                 "\n    settings: {fail_in: hang}\n");
  Child host({host_binary().string(), "--config", config.string()});
  for (int i = 0; i < 500 && !std::filesystem::exists(dir.path() / "host.sock"); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  auto channel = grpc::CreateChannel(address, grpc::InsecureChannelCredentials());
  REQUIRE(channel->WaitForConnected(std::chrono::system_clock::now() + std::chrono::seconds(5)));
  v1::GetTableRequest table;
  table.set_id("evolution");
  const Case starting{"section.v1.SectionService", "GetTable", false, bytes_of(table), "", grpc::StatusCode::UNAVAILABLE};
  const grpc::Status status = call(channel, starting);
  REQUIRE(host.out().find("section-host: serving") == std::string::npos);  // asked before version 1
  CHECK(status.error_code() == grpc::StatusCode::UNAVAILABLE);
  const auto http = host.wait_for_line("section-host: http ", std::chrono::seconds(20));
  REQUIRE(http);
  const RunResult parsed = run({"/usr/bin/python3", (source_dir() / "tests/support/parse_metrics.py").string(),
                                "http://" + *http + "/metrics"});
  INFO(parsed.err);
  REQUIRE(parsed.status == 0);
  const Json scraped = Json::parse(parsed.out);
  CHECK(value(scraped, "grpc_server_started_total{" + labels(starting, "") + "}") == 1.0);
  CHECK(value(scraped, "grpc_server_handled_total{" + labels(starting, "UNAVAILABLE") + "}") == 1.0);
}

}  // namespace section::test
