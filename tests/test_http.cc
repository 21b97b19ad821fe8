// The HTTP listener of the real section-host (http_listen), spoken to over real HTTP: the same
// figures as gRPC and section-ctl, ETag and 304, tokens, refusals of bad requests, slow clients,
// /metrics through Debian's Prometheus parser, and the configuration of http_listen. HTTPS is
// test_https.cc's.
#include <catch2/catch.hpp>

#include <signal.h>

#include <nlohmann/json.hpp>
#include <regex>
#include <thread>

#include "grpc_client.h"
#include "http_client.h"
#include "report_client.h"
#include "test_env.h"

using namespace section;
using namespace std::chrono_literals;
using test::http_request;
using test::replace;
using Json = nlohmann::json;
namespace fs = std::filesystem;

namespace {

// A host with HTTP on a free port; `extra` goes at the top of the configuration.
struct HttpHost {
  explicit HttpHost(const std::string& extra = "", std::string config = test::default_config_text())
      : host(extra + "http_listen: 127.0.0.1:0\n" + config) {
    if (auto line = host.child().wait_for_line("section-host: http ", 5s)) http = *line;
  }
  test::Host host;
  std::string http;
};

std::string ctl(const std::string& address, std::vector<std::string> args) {
  std::vector<std::string> argv = {test::ctl_binary().string(), "--host", address};
  argv.insert(argv.end(), args.begin(), args.end());
  const test::RunResult result = test::run(argv);
  REQUIRE(result.status == 0);
  return result.out;
}

using test::eventually;

}  // namespace

TEST_CASE("HTTP answers the same tables, lists and status as gRPC and section-ctl", "[http]") {
  HttpHost front;
  REQUIRE(front.host.ok());
  REQUIRE_FALSE(front.http.empty());
  const auto stub = test::stub_for(front.host.address());

  const auto tables = http_request(front.http, "/v1/tables");
  REQUIRE(tables.status == 200);
  CHECK(tables.header("content-type") == "application/json");
  const Json list = Json::parse(tables.body);
  v1::ListTablesResponse grpc_tables;
  grpc::ClientContext context;
  test::deadline(context);
  REQUIRE(stub->ListTables(&context, v1::ListTablesRequest(), &grpc_tables).ok());
  REQUIRE(list["tables"].size() == static_cast<std::size_t>(grpc_tables.tables_size()));
  for (int i = 0; i < grpc_tables.tables_size(); ++i) CHECK(list["tables"][i]["id"] == grpc_tables.tables(i).id());

  for (const std::string id : {"financial-by-object", "component-evolution/edm", "variances"}) {
    CAPTURE(id);
    CHECK(http_request(front.http, "/v1/tables/" + id).body == ctl(front.host.address(), {"table", id, "--format", "json"}));
    CHECK(http_request(front.http, "/v1/tables/" + id + ".csv").body == ctl(front.host.address(), {"table", id, "--format", "csv"}));
  }
  CHECK(http_request(front.http, "/v1/measures?component=finance").body ==
        ctl(front.host.address(), {"measures", "finance", "--format", "json"}));
  CHECK(http_request(front.http, "/v1/deliverables?component=hr&year=2022").body ==
        ctl(front.host.address(), {"deliverables", "hr", "--year", "2022", "--format", "json"}));
  const Json status = Json::parse(http_request(front.http, "/v1/status").body);
  CHECK(status["version"] == std::to_string(test::status_of(*stub).version()));
  CHECK(status["components"].size() == 5);
  CHECK(http_request(front.http, "/healthz").status == 200);
  CHECK(http_request(front.http, "/readyz").status == 200);
}

TEST_CASE("a table's CSV has a header row and plain numbers, by suffix or by Accept", "[http]") {
  HttpHost front;
  REQUIRE(front.host.ok());
  const auto csv = http_request(front.http, "/v1/tables/financial-by-object.csv");
  REQUIRE(csv.status == 200);
  CHECK(csv.header("content-type").rfind("text/csv", 0) == 0);
  CHECK(csv.header("content-disposition").find("financial-by-object.csv") != std::string::npos);
  const std::string header = csv.body.substr(0, csv.body.find('\n'));
  CHECK(header == "row,label,level,unit,expenditure,appropriation,technical_adjustments,new_mandates,other_changes,total_change,"
                  "percentage,estimate");
  const auto stub = test::stub_for(front.host.address());
  const std::int64_t posts = test::cell(test::table_of(*stub, "financial-by-object"), "posts", "estimate");
  CHECK(csv.body.find("\nposts,Posts,0,usd,") != std::string::npos);
  CHECK(csv.body.find("," + std::to_string(posts) + "\n") != std::string::npos);
  CHECK(http_request(front.http, "/v1/tables/financial-by-object", {{"Accept", "text/csv"}}).body == csv.body);
  CHECK(http_request(front.http, "/v1/tables/financial-by-object.json").body ==
        http_request(front.http, "/v1/tables/financial-by-object").body);
  CHECK(http_request(front.http, "/v1/tables/financial-by-object", {{"Accept", "text/csv;q=0, application/json"}}).body ==
        http_request(front.http, "/v1/tables/financial-by-object.json").body);
  // The CSV has an ETag of its own, and the URL that answers both says it varies with Accept, so
  // that no cache hands one form to a client that asked for the other.
  const auto json = http_request(front.http, "/v1/tables/financial-by-object");
  const auto by_accept = http_request(front.http, "/v1/tables/financial-by-object", {{"Accept", "text/csv"}});
  CHECK(by_accept.header("etag") == csv.header("etag"));
  CHECK(by_accept.header("etag") != json.header("etag"));
  CHECK(by_accept.header("etag").find(".csv\"") != std::string::npos);
  CHECK(by_accept.header("vary") == "Accept, Accept-Language");
  CHECK(csv.header("vary") == "Accept-Language");
  CHECK(http_request(front.http, "/v1/tables/financial-by-object", {{"Accept", "text/csv"}, {"If-None-Match", json.header("etag")}})
            .status == 200);
  const auto head = http_request(front.http, "/v1/tables/financial-by-object.csv", {}, "HEAD");
  CHECK(head.status == 200);
  CHECK(head.header("content-length") == std::to_string(csv.body.size()));
}

TEST_CASE("the ETag is the version and this start: If-None-Match answers 304 until a new version", "[http]") {
  HttpHost front;
  REQUIRE(front.host.ok());
  const auto first = http_request(front.http, "/v1/tables/evolution");
  REQUIRE(first.status == 200);
  const std::string v1 = first.header("etag");
  CHECK(std::regex_match(v1, std::regex("\"v1-[0-9a-f]{16}\"")));
  const auto again = http_request(front.http, "/v1/tables/evolution", {{"If-None-Match", v1}});
  CHECK(again.status == 304);
  CHECK(again.body.empty());
  CHECK(again.header("etag") == v1);
  CHECK(http_request(front.http, "/v1/measures", {{"If-None-Match", v1}}).status == 304);
  // Only what would be a 200 becomes a 304: errors stay errors, whatever the ETag.
  CHECK(http_request(front.http, "/v1/tables/nope", {{"If-None-Match", v1}}).status == 404);
  CHECK(http_request(front.http, "/v1/measures?year=abc", {{"If-None-Match", "*"}}).status == 400);
  // The status changes within a version (the store's reachability): no ETag, never a 304.
  const auto status = http_request(front.http, "/v1/status", {{"If-None-Match", "*"}});
  CHECK(status.status == 200);
  CHECK(status.header("etag").empty());
  // A reload publishes version 2: the old ETag no longer matches.
  front.host.child().signal(SIGHUP);
  const std::string v2 = replace(v1, "\"v1-", "\"v2-");
  REQUIRE(eventually([&] { return http_request(front.http, "/v1/tables/evolution").header("etag") == v2; }));
  const auto changed = http_request(front.http, "/v1/tables/evolution", {{"If-None-Match", v1}});
  CHECK(changed.status == 200);
  CHECK(Json::parse(changed.body)["version"] == 2);
}

TEST_CASE("two starts with different data give version 1 different ETags: a cached v1 never matches the other's", "[http]") {
  std::string etag;
  std::string body;
  {
    HttpHost first;
    REQUIRE(first.host.ok());
    const auto table = http_request(first.http, "/v1/tables/financial-by-object");
    REQUIRE(table.status == 200);
    etag = table.header("etag");
    body = table.body;
  }
  // The same address would do as well; a second start with hr disabled publishes its own v1.
  HttpHost second("", replace(test::default_config_text(), "library: hr\n    enabled: true", "library: hr\n    enabled: false"));
  REQUIRE(second.host.ok());
  const auto table = http_request(second.http, "/v1/tables/financial-by-object", {{"If-None-Match", etag}});
  CHECK(table.status == 200);
  CHECK(table.body != body);
  CHECK(Json::parse(table.body)["version"] == 1);
  CHECK(table.header("etag").rfind("\"v1-", 0) == 0);
  CHECK(table.header("etag") != etag);
}

TEST_CASE("HTTP errors are JSON with gRPC's codes and messages, mapped to HTTP statuses", "[http]") {
  HttpHost front("", replace(test::default_config_text(), "library: hr\n    enabled: true", "library: hr\n    enabled: false"));
  REQUIRE(front.host.ok());
  const auto stub = test::stub_for(front.host.address());
  v1::Table table;
  const grpc::Status grpc_missing = test::get_table(*stub, "no-such-table", &table);
  const auto missing = http_request(front.http, "/v1/tables/no-such-table");
  CHECK(missing.status == 404);
  const Json error = Json::parse(missing.body);
  CHECK(error["code"] == "NOT_FOUND");
  CHECK(error["message"] == grpc_missing.error_message());

  const auto disabled = http_request(front.http, "/v1/measures?component=hr");
  CHECK(disabled.status == 409);
  CHECK(Json::parse(disabled.body)["code"] == "FAILED_PRECONDITION");
  const auto bad_year = http_request(front.http, "/v1/measures?year=soon");
  CHECK(bad_year.status == 400);
  CHECK(Json::parse(bad_year.body)["code"] == "INVALID_ARGUMENT");
  CHECK(http_request(front.http, "/v1/measures?colour=red").status == 400);
  CHECK(http_request(front.http, "/nowhere").status == 404);
  const auto post = http_request(front.http, "/v1/tables", {}, "POST");
  CHECK(post.status == 405);
  CHECK(post.header("allow") == "GET, HEAD");
  CHECK(http_request(front.http, "/v1/tables", {{"X-Padding", std::string(20000, 'x')}}).status == 431);
  // The listener still answers after each refusal.
  CHECK(http_request(front.http, "/healthz").status == 200);
}

TEST_CASE("HTTP answers in the language of Accept-Language or lang, as gRPC and section-ctl --lang do", "[http][language]") {
  HttpHost front;
  REQUIRE(front.host.ok());
  const std::string address = front.host.address();
  const auto english = http_request(front.http, "/v1/tables/financial-by-object");
  REQUIRE(english.status == 200);
  CHECK(english.header("content-language").empty());  // none asked for: none said, as gRPC
  CHECK(english.header("vary") == "Accept, Accept-Language");  // Accept: text/csv would give the CSV

  const auto chinese = http_request(front.http, "/v1/tables/financial-by-object", {{"Accept-Language", "zh-CN, en;q=0.5"}});
  REQUIRE(chinese.status == 200);
  CHECK(chinese.header("content-language") == "zh");
  CHECK(chinese.header("vary") == "Accept, Accept-Language");
  CHECK(chinese.body != english.body);
  CHECK(chinese.body == ctl(address, {"--lang", "zh", "table", "financial-by-object", "--format", "json"}));
  // A spreadsheet cannot set headers: ?lang= does the same, and wins over the header.
  const auto csv = http_request(front.http, "/v1/tables/financial-by-object.csv?lang=zh", {{"Accept-Language", "en"}});
  CHECK(csv.header("content-language") == "zh");
  CHECK(csv.body == ctl(address, {"--lang", "zh", "table", "financial-by-object", "--format", "csv"}));
  CHECK(http_request(front.http, "/v1/measures?component=finance&lang=zh").body ==
        ctl(address, {"--lang", "zh", "measures", "finance", "--format", "json"}));
  CHECK(http_request(front.http, "/v1/deliverables?component=hr&year=2022", {{"Accept-Language", "zh"}}).body ==
        ctl(address, {"--lang", "zh", "deliverables", "hr", "--year", "2022", "--format", "json"}));
  CHECK(Json::parse(http_request(front.http, "/v1/tables?lang=zh").body)["tables"].size() ==
        Json::parse(http_request(front.http, "/v1/tables").body)["tables"].size());
  const auto status = http_request(front.http, "/v1/status", {{"Accept-Language", "zh"}});
  CHECK(status.status == 200);
  CHECK(status.header("content-language") == "zh");
  CHECK(Json::parse(status.body)["components"][0]["title"] != Json::parse(http_request(front.http, "/v1/status").body)["components"][0]["title"]);

  // English asked for, or a language the data does not have: the English bytes and ETag.
  for (const std::string asked : {"en", "fr, *;q=0.1", "fr"}) {
    CAPTURE(asked);
    const auto answer = http_request(front.http, "/v1/tables/financial-by-object", {{"Accept-Language", asked}});
    CHECK(answer.body == english.body);
    CHECK(answer.header("content-language") == "en");
    CHECK(answer.header("etag") == english.header("etag"));
  }

  // Several headers are one list, an empty one is none, and ?lang= wins over the header.
  CHECK(http_request(front.http, "/v1/tables/financial-by-object", {{"Accept-Language", "fr"}, {"Accept-Language", "zh"}}).body ==
        chinese.body);
  const auto empty = http_request(front.http, "/v1/tables/financial-by-object", {{"Accept-Language", ""}});
  CHECK(empty.body == english.body);
  CHECK(empty.header("content-language").empty());
  const auto english_by_lang = http_request(front.http, "/v1/tables/financial-by-object?lang=en", {{"Accept-Language", "zh"}});
  CHECK(english_by_lang.body == english.body);
  CHECK(english_by_lang.header("content-language") == "en");
  CHECK(http_request(front.http, "/v1/tables?lang=").status == 400);

  // Each language has its own ETag, and If-None-Match answers 304 only for its own.
  const std::string zh_etag = chinese.header("etag");
  const std::string en_etag = english.header("etag");
  CHECK(zh_etag == en_etag.substr(0, en_etag.size() - 1) + "-zh\"");
  const auto unchanged = http_request(front.http, "/v1/tables/financial-by-object", {{"Accept-Language", "zh"}, {"If-None-Match", zh_etag}});
  CHECK(unchanged.status == 304);
  CHECK(unchanged.header("etag") == zh_etag);
  CHECK(unchanged.header("content-language") == "zh");
  CHECK(unchanged.header("vary") == "Accept, Accept-Language");
  const auto head = http_request(front.http, "/v1/tables/financial-by-object.csv?lang=zh", {}, "HEAD");
  CHECK(head.header("content-length") == std::to_string(csv.body.size()));
  CHECK(head.header("content-language") == "zh");
  CHECK(http_request(front.http, "/v1/tables/financial-by-object", {{"If-None-Match", zh_etag}}).status == 200);
  CHECK(http_request(front.http, "/v1/tables/financial-by-object", {{"Accept-Language", "zh"}, {"If-None-Match", english.header("etag")}})
            .status == 200);

  // Malformed values are refused, naming where they came from, as gRPC refuses accept-language.
  const auto bad_header = http_request(front.http, "/v1/tables/financial-by-object", {{"Accept-Language", "zh;q=7"}});
  CHECK(bad_header.status == 400);
  CHECK_THAT(Json::parse(bad_header.body)["message"].get<std::string>(),
             Catch::Contains("accept-language: 'zh;q=7'") && Catch::Contains("q-value"));
  const auto bad_lang = http_request(front.http, "/v1/measures?lang=zh_CN");
  CHECK(bad_lang.status == 400);
  CHECK_THAT(Json::parse(bad_lang.body)["message"].get<std::string>(), Catch::StartsWith("lang: 'zh_CN'"));
  CHECK(http_request(front.http, "/healthz", {{"Accept-Language", "zh;q=7"}}).status == 200);  // probes take no language
}

TEST_CASE("HTTP reads take the same tokens as gRPC when reads need one", "[http][auth]") {
  test::TempDir data;
  const test::TestTokens tokens = test::make_tokens();
  HttpHost front("", test::reports_config(data.path(), tokens, true));
  REQUIRE(front.host.ok());
  const auto anonymous = http_request(front.http, "/v1/tables/evolution");
  CHECK(anonymous.status == 401);
  CHECK(anonymous.header("www-authenticate").rfind("Bearer", 0) == 0);
  CHECK(Json::parse(anonymous.body)["code"] == "UNAUTHENTICATED");
  CHECK(http_request(front.http, "/v1/tables/evolution", {{"Authorization", "Bearer not-a-token"}}).status == 401);
  CHECK(http_request(front.http, "/v1/tables/evolution", {{"Authorization", "Bearer " + tokens.reader}}).status == 200);
  CHECK(http_request(front.http, "/v1/status", {{"Authorization", "Bearer " + tokens.reporter_hr}}).status == 200);
  CHECK(http_request(front.http, "/metrics").status == 401);
  CHECK(http_request(front.http, "/metrics", {{"Authorization", "Bearer " + tokens.admin}}).status == 200);
  // Probes are never gated, like gRPC's health service.
  CHECK(http_request(front.http, "/healthz").status == 200);
  CHECK(http_request(front.http, "/readyz").status == 200);
  for (const auto& token : tokens.all()) CHECK(front.host.child().err().find(token) == std::string::npos);
}

TEST_CASE("a slow client is cut off at the request timeout while others are answered", "[http][slow]") {
  HttpHost front("limits:\n  http_request_timeout_ms: 500\n");
  REQUIRE(front.host.ok());
  std::vector<std::thread> slow;
  std::vector<test::RawReply> replies(4);
  for (std::size_t i = 0; i < replies.size(); ++i) {
    slow.emplace_back([&, i] { replies[i] = test::http_raw(front.http, "GET /v1/tables HTTP/1.1\r\nHost: x\r\n", 5s); });
  }
  std::this_thread::sleep_for(100ms);
  const auto begun = std::chrono::steady_clock::now();
  CHECK(http_request(front.http, "/v1/tables").status == 200);
  CHECK(std::chrono::steady_clock::now() - begun < 400ms);
  for (auto& thread : slow) thread.join();
  for (const auto& reply : replies) {
    CHECK(reply.closed);
    CHECK(reply.took < 3s);
  }
  CHECK(http_request(front.http, "/healthz").status == 200);
}

TEST_CASE("/metrics parses with Prometheus's parser and its counters move with the calls", "[http][metrics]") {
  HttpHost front;
  REQUIRE(front.host.ok());
  const auto scrape = [&] {
    const test::RunResult parsed =
        test::run({"/usr/bin/python3", (test::source_dir() / "tests/support/parse_metrics.py").string(), "http://" + front.http + "/metrics"});
    INFO(parsed.err);
    REQUIRE(parsed.status == 0);
    return Json::parse(parsed.out);
  };
  const std::string get_table = "grpc_method=\"GetTable\",grpc_service=\"section.v1.SectionService\",grpc_type=\"unary\"";
  const Json before = scrape();
  CHECK(before["__families__"]["grpc_server_handling_seconds"] == "histogram");
  CHECK(before["section_version{}"] == 1.0);
  CHECK(before["section_component_state{component=\"hr\",state=\"serving\"}"] == 1.0);
  CHECK(before["section_component_state{component=\"hr\",state=\"failed\"}"] == 0.0);
  CHECK(before["process_resident_memory_bytes{}"].get<double>() > 1e6);
  CHECK(before["process_open_fds{}"].get<double>() > 3);
  CHECK(before["section_watch_streams_open{}"] == 0.0);
  const double started = before["grpc_server_started_total{" + get_table + "}"].get<double>();

  const auto stub = test::stub_for(front.host.address());
  for (int i = 0; i < 3; ++i) test::table_of(*stub, "evolution");
  v1::Table table;
  CHECK(test::get_table(*stub, "nope", &table).error_code() == grpc::StatusCode::NOT_FOUND);
  grpc::ClientContext watch_context;
  test::deadline(watch_context);
  auto watch = stub->Watch(&watch_context, v1::WatchRequest());
  v1::WatchEvent event;
  REQUIRE(watch->Read(&event));

  const Json after = scrape();
  CHECK(after["grpc_server_started_total{" + get_table + "}"].get<double>() == started + 4);
  CHECK(after["grpc_server_handled_total{grpc_code=\"OK\"," + get_table + "}"].get<double>() >= 3);
  CHECK(after["grpc_server_handled_total{grpc_code=\"NOT_FOUND\"," + get_table + "}"] == 1.0);
  CHECK(after["grpc_server_handling_seconds_count{" + get_table + "}"].get<double>() >= 4);
  CHECK(after["grpc_server_handling_seconds_bucket{" + get_table + ",le=\"+Inf\"}"] ==
        after["grpc_server_handling_seconds_count{" + get_table + "}"]);
  CHECK(after["section_watch_streams_open{}"] == 1.0);
  watch_context.TryCancel();
  front.host.child().signal(SIGHUP);
  CHECK(eventually([&] { return scrape()["section_reloads_total{outcome=\"ok\"}"] == 1.0; }));
  CHECK(scrape()["section_version{}"] == 2.0);
}

TEST_CASE("http_listen is checked like listen", "[http][config]") {
  test::TempDir dir;
  const auto refused = [&](const std::string& line) {
    const fs::path config = dir.write("host.yaml", line + "\n" + test::default_config_text());
    return test::run({test::host_binary().string(), "--config", config.string()});
  };
  for (const std::string bad : {"http_listen: 127.0.0.1", "http_listen: unix:/tmp/x.sock", "http_listen: 127.0.0.1:70000"}) {
    CAPTURE(bad);
    const test::RunResult result = refused(bad);
    CHECK(result.status == 2);
    CHECK(result.err.find("host.yaml:1") != std::string::npos);
    CHECK(result.err.find("http_listen") != std::string::npos);
  }
  // A port already taken exits 1, like gRPC's.
  HttpHost first;
  REQUIRE(first.host.ok());
  const test::RunResult taken = refused("http_listen: " + first.http);
  CHECK(taken.status == 1);
  CHECK(taken.err.find("cannot listen on") != std::string::npos);
}

TEST_CASE("a reload refuses a change of http_listen and keeps serving HTTP", "[http][reload]") {
  test::TempDir dir;
  const fs::path config = dir.write("host.yaml", "http_listen: 127.0.0.1:0\n" + test::default_config_text());
  test::Child child({test::host_binary().string(), "--config", config.string()});
  const auto http = child.wait_for_line("section-host: http ", 20s);
  REQUIRE(child.wait_for_line("section-host: serving ", 20s));
  REQUIRE(http);
  dir.write("host.yaml", "http_listen: 127.0.0.1:0\n" + test::default_config_text());
  child.signal(SIGHUP);
  REQUIRE(eventually([&] { return child.err().find("SIGHUP: reloaded") != std::string::npos; }));
  dir.write("host.yaml", "http_listen: 127.0.0.1:18080\n" + test::default_config_text());
  child.signal(SIGHUP);
  REQUIRE(eventually([&] { return child.err().find("SIGHUP: the reload was refused") != std::string::npos; }));
  CHECK(child.err().find("http_listen: the HTTP address cannot change while the host runs") != std::string::npos);
  CHECK(http_request(*http, "/readyz").status == 200);
  child.signal(SIGTERM);
  CHECK(child.wait(15s) == 0);
}
