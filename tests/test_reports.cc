// Reported figures against the real host (issue: teams report actuals through the year):
// ReportValue and ListHistory over gRPC, the overlay in queries, tables and Watch, restarts,
// idempotency, the plugins' own checks, a full database and a read-only directory.
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>

#include <catch2/catch.hpp>

#include "grpc_client.h"
#include "host/security/token_hash.h"
#include "report_client.h"
#include "test_env.h"

namespace section::test {
namespace {

namespace fs = std::filesystem;
constexpr const char* kMeasure = "candidates_from_underrepresented_countries";  // hr, percent

const v1::MeasureValue* measure_value(const std::string& address, const std::string& component, const std::string& measure,
                                      int year, v1::ValueKind kind, v1::ListMeasuresResponse* storage) {
  auto stub = stub_for(address);
  grpc::ClientContext context;
  deadline(context);
  v1::ListMeasuresRequest request;
  request.set_component(component);
  REQUIRE(stub->ListMeasures(&context, request, storage).ok());
  for (const auto& entry : storage->measures()) {
    if (entry.measure().id() != measure) continue;
    for (const auto& value : entry.measure().values()) {
      if (value.year() == year && value.kind() == kind) return &value;
    }
  }
  return nullptr;
}

bool any_note_contains(const v1::Table& table, const std::string& text) {
  for (const auto& note : table.notes()) {
    if (note.find(text) != std::string::npos) return true;
  }
  return false;
}

// A host that keeps reports in a temporary data directory, with a token for every role.
struct ReportsHost {
  TempDir data;
  TestTokens tokens = make_tokens();
  Host host{reports_config(data.path(), tokens)};
  ReportsHost() { REQUIRE(host.ok()); }
};

}  // namespace

TEST_CASE("a reported actual is stored, served marked in queries, tables and Watch, and survives a restart") {
  TempDir data;
  const TestTokens tokens = make_tokens();
  const std::string config = reports_config(data.path(), tokens);
  {
    Host host(config);
    REQUIRE(host.ok());
    // Watch first: the report must reach it as a new version.
    auto stub = stub_for(host.address());
    grpc::ClientContext watch_context;
    deadline(watch_context, std::chrono::seconds(20));
    auto watch = stub->Watch(&watch_context, v1::WatchRequest());
    v1::WatchEvent first;
    REQUIRE(watch->Read(&first));

    v1::ReportValueResponse response;
    const grpc::Status status =
        report(host.address(), tokens.reporter_hr, measure_report("hr", kMeasure, 2021, v1::ACTUAL, 48, "k-1", "mid-year figure"), &response);
    INFO(status.error_message());
    REQUIRE(status.ok());
    CHECK_FALSE(response.replayed());
    CHECK(response.version() > first.version());
    CHECK(response.change().sequence() == 1);
    CHECK(response.change().reported_by() == "hr-team");
    CHECK_FALSE(response.change().old_value().present());
    CHECK(response.change().new_value().number().units() == 48);

    v1::WatchEvent next;
    REQUIRE(watch->Read(&next));
    CHECK(next.version() == response.version());
    CHECK(next.reason().find("reported by hr-team") != std::string::npos);
    watch_context.TryCancel();

    v1::ListMeasuresResponse measures;
    const auto* value = measure_value(host.address(), "hr", kMeasure, 2021, v1::ACTUAL, &measures);
    REQUIRE(value != nullptr);
    CHECK(value->number().units() == 48);
    CHECK(value->reported_by() == "hr-team");
    CHECK(value->reported_at().seconds() > 0);
    CHECK(value->provenance().note() == "mid-year figure");

    const v1::Table table = table_of(*stub, "measures/hr");
    CHECK(any_note_contains(table, "Reported through section-host"));
    CHECK(any_note_contains(table, "by hr-team"));

    // A second report of the same figure: the history keeps both, old → new.
    REQUIRE(report(host.address(), tokens.reporter_hr, measure_report("hr", kMeasure, 2021, v1::ACTUAL, 51, "k-2", "final")).ok());
    REQUIRE(host.stop() == 0);
  }
  // The restarted host serves what was stored, and the whole history.
  Host again(config);
  REQUIRE(again.ok());
  v1::ListMeasuresResponse measures;
  const auto* value = measure_value(again.address(), "hr", kMeasure, 2021, v1::ACTUAL, &measures);
  REQUIRE(value != nullptr);
  CHECK(value->number().units() == 51);
  const auto changes = history(again.address());
  REQUIRE(changes.size() == 2);
  CHECK_FALSE(changes[0].old_value().present());
  CHECK(changes[1].old_value().number().units() == 48);
  CHECK(changes[1].new_value().number().units() == 51);
  CHECK(changes[1].comment() == "final");
  CHECK(changes[0].reported_at().seconds() <= changes[1].reported_at().seconds());
  v1::HostStatus status = status_of(*stub_for(again.address()));
  CHECK(status.storage().find("reports.sqlite3") != std::string::npos);
}

TEST_CASE_METHOD(ReportsHost, "ListHistory pages: page_size changes a page, next_page_token the next, bad pages refused naming the field") {
  for (int i = 1; i <= 5; ++i) {
    REQUIRE(report(host.address(), tokens.reporter_finance,
                   deliverable_report("finance", "unodc_annual_financial_report", 2021, v1::ACTUAL, i, "page-" + std::to_string(i)))
                .ok());
  }
  auto stub = v1::ReportService::NewStub(channel_to(host.address()));
  const auto page = [&](v1::ListHistoryRequest request, v1::ListHistoryResponse* response) {
    grpc::ClientContext context;
    deadline(context);
    return stub->ListHistory(&context, request, response);
  };
  v1::ListHistoryRequest request;
  request.set_component("finance");
  request.set_page_size(2);
  std::vector<std::int64_t> counts;
  int pages = 0;
  do {
    v1::ListHistoryResponse response;
    const grpc::Status status = page(request, &response);
    REQUIRE(status.ok());
    ++pages;
    CHECK(response.changes_size() <= 2);
    for (const auto& change : response.changes()) counts.push_back(change.new_value().count());
    request.set_page_token(response.next_page_token());
  } while (!request.page_token().empty() && pages < 10);
  CHECK(pages == 3);
  CHECK(counts == std::vector<std::int64_t>{1, 2, 3, 4, 5});
  CHECK(history(host.address()).size() == 5);  // no page_size: every change at once, as before

  v1::ListHistoryResponse response;
  request.set_page_token("after-x");
  grpc::Status status = page(request, &response);
  CHECK(status.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  CHECK_THAT(status.error_message(), Catch::StartsWith("page_token: 'after-x' is not a next_page_token"));
  request.clear_page_token();
  request.set_page_size(20000);
  status = page(request, &response);
  CHECK(status.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  CHECK_THAT(status.error_message(), Catch::Contains("page_size: 20000 is more than 10000"));
}

TEST_CASE_METHOD(ReportsHost, "a retried report is stored once, and the same key for another report is refused") {
  const auto request = deliverable_report("finance", "unodc_annual_financial_report", 2021, v1::ACTUAL, 1, "same-key");
  v1::ReportValueResponse first;
  v1::ReportValueResponse second;
  REQUIRE(report(host.address(), tokens.reporter_finance, request, &first).ok());
  REQUIRE(report(host.address(), tokens.reporter_finance, request, &second).ok());
  CHECK_FALSE(first.replayed());
  CHECK(second.replayed());
  CHECK(second.change().sequence() == first.change().sequence());
  CHECK(history(host.address()).size() == 1);

  auto other = request;
  other.mutable_value()->set_count(2);
  const grpc::Status status = report(host.address(), tokens.reporter_finance, other);
  CHECK(status.error_code() == grpc::StatusCode::ALREADY_EXISTS);
  CHECK(status.error_message().find("same-key") != std::string::npos);
  CHECK(history(host.address()).size() == 1);
}

TEST_CASE_METHOD(ReportsHost, "a value the owning plugin's checks refuse is INVALID_ARGUMENT with the reason, and nothing is stored") {

  // A percentage over 100 (the common check every plugin applies).
  grpc::Status status = report(host.address(), tokens.reporter_hr, measure_report("hr", kMeasure, 2021, v1::ACTUAL, 150, "p"));
  CHECK(status.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  CHECK(status.error_message().find("100") != std::string::npos);

  // hr's own rule: the training measure is cumulative, so a later plan cannot fall below 95.
  status = report(host.address(), tokens.reporter_hr,
                  measure_report("hr", "staff_completed_sexual_harassment_training", 2023, v1::PLANNED, 90, "c"));
  CHECK(status.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  CHECK(status.error_message().find("plugin 'hr'") != std::string::npos);

  // A negative count of deliverables.
  status = report(host.address(), tokens.reporter_finance,
                  deliverable_report("finance", "unodc_annual_financial_report", 2021, v1::ACTUAL, -1, "n"));
  CHECK(status.error_code() == grpc::StatusCode::INVALID_ARGUMENT);

  // No such measure; a described deliverable; a kind that is the fascicle's own; no key.
  status = report(host.address(), tokens.reporter_hr, measure_report("hr", "no_such_measure", 2021, v1::ACTUAL, 1, "x"));
  CHECK(status.error_code() == grpc::StatusCode::NOT_FOUND);
  status = report(host.address(), tokens.reporter_hr, deliverable_report("hr", "outreach_programmes", 2021, v1::ACTUAL, 1, "d"));
  CHECK(status.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  status = report(host.address(), tokens.reporter_hr, measure_report("hr", kMeasure, 2021, v1::TARGET, 1, "t"));
  CHECK(status.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  status = report(host.address(), tokens.reporter_hr, measure_report("hr", kMeasure, 2021, v1::ACTUAL, 1, ""));
  CHECK(status.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  CHECK(status.error_message().find("idempotency_key") != std::string::npos);

  CHECK(history(host.address()).empty());
}

TEST_CASE_METHOD(ReportsHost, "a report without a token, with a bad one or outside its scope is refused, nothing is stored and no token is logged") {
  const auto request = measure_report("hr", kMeasure, 2021, v1::ACTUAL, 40, "a");
  CHECK(report(host.address(), "", request).error_code() == grpc::StatusCode::UNAUTHENTICATED);
  CHECK(report(host.address(), "sct_not-a-token", request).error_code() == grpc::StatusCode::UNAUTHENTICATED);
  CHECK(report(host.address(), tokens.reader, request).error_code() == grpc::StatusCode::PERMISSION_DENIED);
  CHECK(report(host.address(), tokens.admin, request).error_code() == grpc::StatusCode::PERMISSION_DENIED);
  const grpc::Status other_team = report(host.address(), tokens.reporter_finance, request);
  CHECK(other_team.error_code() == grpc::StatusCode::PERMISSION_DENIED);
  CHECK(other_team.error_message().find("finance") != std::string::npos);
  // A component id of 10,000 characters: refused, quoted by its start only, in the status and in
  // the log line.
  const std::string long_id(10000, 'q');
  const grpc::Status long_component =
      report(host.address(), tokens.reporter_hr, measure_report(long_id, kMeasure, 2021, v1::ACTUAL, 40, "long"));
  CHECK(long_component.error_code() == grpc::StatusCode::PERMISSION_DENIED);
  CHECK_THAT(long_component.error_message(), Catch::Contains("(10000 bytes)"));
  CHECK(long_component.error_message().size() < 400);
  const grpc::Status long_measure =
      report(host.address(), tokens.reporter_hr, measure_report("hr", long_id, 2021, v1::ACTUAL, 40, "long-measure"));
  CHECK(long_measure.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  CHECK(long_measure.error_message().size() < 400);
  CHECK(history(host.address()).empty());

  REQUIRE(report(host.address(), tokens.reporter_hr, request).ok());
  REQUIRE(host.stop() == 0);
  const std::string log = host.child().err() + host.child().out();
  CHECK(log.find("refused section.v1.ReportService.ReportValue") != std::string::npos);
  for (const auto& token : tokens.all()) CHECK(log.find(token) == std::string::npos);
  CHECK(log.find("sct_not-a-token") == std::string::npos);
  CHECK(log.find(std::string(200, 'q')) == std::string::npos);
}

TEST_CASE("with reads: token, reads need a valid token, and reload needs an admin token") {
  TempDir data;
  const TestTokens tokens = make_tokens();
  Host host(reports_config(data.path(), tokens, true));
  REQUIRE(host.ok());
  auto stub = stub_for(host.address());
  auto get_status = [&](const std::string& token) {
    grpc::ClientContext context;
    deadline(context);
    bearer(context, token);
    v1::HostStatus status;
    return stub->GetStatus(&context, v1::GetStatusRequest(), &status);
  };
  CHECK(get_status("").error_code() == grpc::StatusCode::UNAUTHENTICATED);
  CHECK(get_status("sct_wrong").error_code() == grpc::StatusCode::UNAUTHENTICATED);
  CHECK(get_status(tokens.reader).ok());
  CHECK(get_status(tokens.reporter_hr).ok());
  CHECK(get_status(tokens.admin).ok());

  const auto reload = [&](const std::string& token) {
    return run({ctl_binary().string(), "--host", host.address(), "--token", token, "reload"});
  };
  CHECK(reload(tokens.reader).status == 1);
  CHECK(reload(tokens.reader).err.find("PERMISSION_DENIED") != std::string::npos);
  const RunResult allowed = reload(tokens.admin);
  INFO(allowed.err);
  CHECK(allowed.status == 0);
}

TEST_CASE("a host without storage refuses reports with FAILED_PRECONDITION") {
  const TestTokens tokens = make_tokens();
  Host host(default_config_text() + auth_yaml(tokens, false));
  REQUIRE(host.ok());
  const grpc::Status status = report(host.address(), tokens.reporter_hr, measure_report("hr", kMeasure, 2021, v1::ACTUAL, 40, "a"));
  CHECK(status.error_code() == grpc::StatusCode::FAILED_PRECONDITION);
  CHECK(status.error_message().find("storage.data_dir") != std::string::npos);
}

TEST_CASE("a full database refuses the report with RESOURCE_EXHAUSTED and what was acknowledged stays served") {
  TempDir data;
  const TestTokens tokens = make_tokens();
  const std::string config = reports_config(data.path(), tokens, false, 64 * 1024);
  std::vector<std::int64_t> acknowledged;
  {
    Host host(config);
    REQUIRE(host.ok());
    const std::string long_comment(3900, 'c');
    grpc::Status status;
    for (int i = 0; i < 200; ++i) {
      status = report(host.address(), tokens.reporter_hr,
                      measure_report("hr", kMeasure, 2021, v1::ACTUAL, i % 100, "full-" + std::to_string(i), long_comment));
      if (!status.ok()) break;
      acknowledged.push_back(i % 100);
    }
    INFO(status.error_message());
    REQUIRE(status.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED);
    CHECK(status.error_message().find("full") != std::string::npos);
    REQUIRE(acknowledged.size() > 2);
    // Reads go on, serving the last acknowledged value.
    v1::ListMeasuresResponse measures;
    const auto* value = measure_value(host.address(), "hr", kMeasure, 2021, v1::ACTUAL, &measures);
    REQUIRE(value != nullptr);
    CHECK(value->number().units() == acknowledged.back());
    CHECK(history(host.address()).size() == acknowledged.size());
    REQUIRE(host.stop() == 0);
  }
  Host again(config);
  REQUIRE(again.ok());
  CHECK(history(again.address()).size() == acknowledged.size());
}

TEST_CASE("a read-only data directory: stored reports are served, new ones refused, the database untouched") {
  TempDir data;
  const TestTokens tokens = make_tokens();
  const std::string config = reports_config(data.path(), tokens);
  {
    Host host(config);
    REQUIRE(host.ok());
    REQUIRE(report(host.address(), tokens.reporter_hr, measure_report("hr", kMeasure, 2021, v1::ACTUAL, 45, "ro-1")).ok());
    REQUIRE(host.stop() == 0);
  }
  const fs::path database = data.path() / "reports.sqlite3";
  const std::string before = read_file(database);
  REQUIRE(::chmod(data.path().c_str(), 0555) == 0);
  struct Restore {
    fs::path dir;
    ~Restore() { ::chmod(dir.c_str(), 0755); }
  } restore{data.path()};

  // Root writes anywhere: run the host without the capabilities that let it (CI runs as root).
  TempDir config_dir;
  const fs::path config_file = config_dir.write("host.yaml", config);
  std::vector<std::string> argv = {host_binary().string(), "--config", config_file.string()};
  if (::geteuid() == 0) {
    argv.insert(argv.begin(), {"/usr/bin/setpriv", "--bounding-set=-dac_override,-dac_read_search,-fowner",
                               "--inh-caps=-dac_override,-dac_read_search,-fowner"});
  }
  Child child(argv);
  const auto address = child.wait_for_line("section-host: serving ", std::chrono::seconds(20));
  INFO(child.err());
  REQUIRE(address);
  v1::ListMeasuresResponse measures;
  const auto* value = measure_value(*address, "hr", kMeasure, 2021, v1::ACTUAL, &measures);
  REQUIRE(value != nullptr);
  CHECK(value->number().units() == 45);
  const grpc::Status status = report(*address, tokens.reporter_hr, measure_report("hr", kMeasure, 2021, v1::ACTUAL, 46, "ro-2"));
  CHECK(status.error_code() == grpc::StatusCode::FAILED_PRECONDITION);
  CHECK(status.error_message().find(data.path().string()) != std::string::npos);
  CHECK(history(*address).size() == 1);
  CHECK(status_of(*stub_for(*address)).storage().find("read-only") != std::string::npos);
  child.signal(SIGTERM);
  CHECK(child.wait(std::chrono::seconds(15)) == 0);
  CHECK(read_file(database) == before);
}

}  // namespace section::test

namespace section::test {

TEST_CASE_METHOD(ReportsHost, "section-ctl report and history: a reporter records a figure, a retry stores it once, bad arguments exit 2") {
  const fs::path token_file = data.path() / "hr.token";
  {
    std::ofstream(token_file) << tokens.reporter_hr << "\n";
  }
  const auto ctl = [&](std::vector<std::string> args) {
    std::vector<std::string> argv = {ctl_binary().string(), "--host", host.address(), "--token-file", token_file.string()};
    argv.insert(argv.end(), args.begin(), args.end());
    return run(argv);
  };
  const std::vector<std::string> report_args = {"report", "hr", "--measure", "candidates_from_underrepresented_countries",
                                                "--year", "2021", "--value", "47.5", "--comment", "Q3 figure",
                                                "--idempotency-key", "ctl-test-1"};
  const RunResult stored = ctl(report_args);
  INFO(stored.err);
  REQUIRE(stored.status == 0);
  CHECK(stored.out.find("stored: hr measure candidates_from_underrepresented_countries 2021 actual: none -> 47.5") !=
        std::string::npos);
  CHECK(stored.out.find("by hr-team") != std::string::npos);
  const RunResult again = ctl(report_args);
  CHECK(again.status == 0);
  CHECK(again.out.find("already stored (a retry)") != std::string::npos);

  const RunResult listed = ctl({"history", "hr"});
  REQUIRE(listed.status == 0);
  CHECK(listed.out.find("#1 ") != std::string::npos);
  CHECK(listed.out.find("hr-team: hr measure candidates_from_underrepresented_countries 2021 actual: none -> 47.5 (Q3 figure)") !=
        std::string::npos);
  CHECK(listed.out.find("#2 ") == std::string::npos);
  const RunResult json = ctl({"history", "--format", "json"});
  CHECK(json.out.find("\"idempotency_key\": \"ctl-test-1\"") != std::string::npos);

  // Without a key section-ctl makes one and prints it.
  const RunResult made = ctl({"report", "hr", "--measure", "candidates_from_underrepresented_countries", "--year", "2021",
                              "--kind", "actual", "--value", "48"});
  REQUIRE(made.status == 0);
  CHECK(made.out.find("idempotency key ctl-") != std::string::npos);

  // Refused by the host: exit 1 with the code; bad arguments: exit 2.
  const RunResult over = ctl({"report", "hr", "--measure", "candidates_from_underrepresented_countries", "--year", "2021",
                              "--value", "150"});
  CHECK(over.status == 1);
  CHECK(over.err.find("INVALID_ARGUMENT") != std::string::npos);
  CHECK(ctl({"report", "hr", "--year", "2021", "--value", "1"}).status == 2);
  CHECK(ctl({"report", "hr", "--measure", "m", "--year", "2021", "--value", "1.2.3"}).status == 2);
  CHECK(ctl({"report", "hr", "--measure", "m", "--year", "2021", "--value", "1", "--kind", "target"}).status == 2);
  CHECK(ctl({"report", "finance", "--deliverable", "d", "--year", "2021", "--value", "1.5"}).status == 2);
  CHECK(ctl({"tables", "--measure", "m"}).status == 2);
}

}  // namespace section::test

namespace section::test {

TEST_CASE("a reload swaps the tokens at once and refuses a change of storage") {
  TempDir data;
  const TestTokens before = make_tokens();
  const TestTokens after = make_tokens();
  Host host(reports_config(data.path(), before));
  REQUIRE(host.ok());
  const auto request = measure_report("hr", "candidates_from_underrepresented_countries", 2021, v1::ACTUAL, 44, "r-1");
  const fs::path config = host.dir().path() / "host.yaml";
  const auto reload = [&](const std::string& token) {
    return run({ctl_binary().string(), "--host", host.address(), "--token", token, "reload"});
  };

  // The storage block cannot change while the host runs: refused, the old tokens still work.
  TempDir elsewhere;
  {
    std::ofstream(config) << reports_config(elsewhere.path(), after);
  }
  const RunResult refused = reload(before.admin);
  CHECK(refused.status == 1);
  CHECK(refused.err.find("storage") != std::string::npos);
  CHECK(report(host.address(), after.reporter_hr, request).error_code() == grpc::StatusCode::UNAUTHENTICATED);

  // New tokens: they work from the next call, and the old ones no longer do.
  {
    std::ofstream(config) << reports_config(data.path(), after);
  }
  const RunResult reloaded = reload(before.admin);
  INFO(reloaded.err);
  REQUIRE(reloaded.status == 0);
  CHECK(report(host.address(), before.reporter_hr, request).error_code() == grpc::StatusCode::UNAUTHENTICATED);
  CHECK(report(host.address(), after.reporter_hr, request).ok());
  CHECK(history(host.address()).size() == 1);
}

TEST_CASE("a reload that revokes a token ends the Watch streams opened with it, and no others") {
  TempDir data;
  const TestTokens before = make_tokens();
  TestTokens after = before;
  after.reader = make_tokens().reader;  // the reader's token changes; the admin's stays
  Host host(reports_config(data.path(), before, true));
  REQUIRE(host.ok());
  auto stub = stub_for(host.address());
  const auto watch = [&](grpc::ClientContext& context, const std::string& token) {
    deadline(context);
    bearer(context, token);
    return stub->Watch(&context, v1::WatchRequest());
  };
  grpc::ClientContext reader_context;
  grpc::ClientContext admin_context;
  auto reader_stream = watch(reader_context, before.reader);
  auto admin_stream = watch(admin_context, before.admin);
  v1::WatchEvent event;
  REQUIRE(reader_stream->Read(&event));
  REQUIRE(admin_stream->Read(&event));
  REQUIRE(event.version() == 1);

  {
    std::ofstream(host.dir().path() / "host.yaml") << reports_config(data.path(), after, true);
  }
  const RunResult reloaded = run({ctl_binary().string(), "--host", host.address(), "--token", before.admin, "reload"});
  INFO(reloaded.err);
  REQUIRE(reloaded.status == 0);

  // The revoked token's stream ends; it may first have had the reload's own event.
  while (reader_stream->Read(&event)) CHECK(event.version() == 2);
  const grpc::Status ended = reader_stream->Finish();
  CHECK(ended.error_code() == grpc::StatusCode::UNAUTHENTICATED);
  CHECK_THAT(ended.error_message(), Catch::Contains("reload"));
  // The admin's token is unchanged: its stream gets the reload's version and goes on.
  REQUIRE(admin_stream->Read(&event));
  CHECK(event.version() == 2);
  admin_context.TryCancel();
  CHECK(admin_stream->Finish().error_code() == grpc::StatusCode::CANCELLED);
}

TEST_CASE("tokens without TLS on an address other than loopback are warned about, in --check too") {
  const TestTokens tokens = make_tokens();
  TempDir dir;
  // --check opens no port, so the configuration may name any address.
  const auto open_to_all = dir.write("open.yaml", replace(default_config_text(), "listen: 127.0.0.1:0", "listen: 0.0.0.0:50051") +
                                                      auth_yaml(tokens, false));
  const RunResult warned = run({host_binary().string(), "--check", "--config", open_to_all.string()});
  CHECK(warned.status == 0);
  CHECK(warned.err.find("tokens travel in clear text") != std::string::npos);

  const auto loopback = dir.write("loopback.yaml", default_config_text() + auth_yaml(tokens, false));
  const RunResult quiet = run({host_binary().string(), "--check", "--config", loopback.string()});
  CHECK(quiet.status == 0);
  CHECK(quiet.err.find("tokens travel in clear text") == std::string::npos);
}

}  // namespace section::test

namespace section::test {

// Reports that arrive together are checked one after another and stored in one commit (group
// commit): each is answered after the commit with its own outcome, a refused one takes none of
// the others with it, a key sent twice at once is stored once, and what is served is the
// report of the highest sequence.
TEST_CASE_METHOD(ReportsHost, "concurrent reports are stored together, each answered with its own outcome, a repeated key once") {
  constexpr int kReporters = 16;
  std::vector<grpc::Status> statuses(kReporters);
  std::vector<v1::ReportValueResponse> responses(kReporters);
  std::vector<std::thread> reporters;
  for (int i = 0; i < kReporters; ++i) {
    reporters.emplace_back([&, i] {
      // Every fourth value is out of range (a percentage over 100); the last two share a key.
      const std::int64_t value = i % 4 == 3 ? 150 + i : i;
      const std::string key = i >= kReporters - 2 ? "shared-key" : "key-" + std::to_string(i);
      statuses[i] = report(host.address(), tokens.reporter_hr,
                           measure_report("hr", "candidates_from_underrepresented_countries", 2021, v1::ACTUAL,
                                          i >= kReporters - 2 ? 42 : value, key), &responses[i]);
    });
  }
  for (auto& thread : reporters) thread.join();
  std::set<std::string> stored_keys;
  std::uint64_t highest = 0;
  std::int64_t highest_value = -1;
  int replayed = 0;
  for (int i = 0; i < kReporters; ++i) {
    INFO("reporter " << i << ": " << statuses[i].error_message());
    if (i % 4 == 3 && i < kReporters - 2) {
      CHECK(statuses[i].error_code() == grpc::StatusCode::INVALID_ARGUMENT);
      continue;
    }
    REQUIRE(statuses[i].ok());
    CHECK(responses[i].change().sequence() > 0);
    if (!responses[i].replayed()) CHECK(responses[i].version() > 1);  // a replay names no version, as a retry's
    replayed += responses[i].replayed();
    stored_keys.insert(responses[i].change().idempotency_key());
    if (responses[i].change().sequence() > highest) {
      highest = responses[i].change().sequence();
      highest_value = responses[i].change().new_value().number().units();
    }
  }
  CHECK(replayed == 1);
  CHECK(responses[kReporters - 1].change().sequence() == responses[kReporters - 2].change().sequence());
  const auto changes = history(host.address());
  CHECK(changes.size() == stored_keys.size());
  for (const auto& change : changes) CHECK(stored_keys.count(change.idempotency_key()) == 1);
  v1::ListMeasuresResponse measures;
  const auto* value = measure_value(host.address(), "hr", "candidates_from_underrepresented_countries", 2021, v1::ACTUAL, &measures);
  REQUIRE(value != nullptr);
  CHECK(value->number().units() == highest_value);
}

// A client that retries before its first attempt is answered sends the same report twice at
// once; both may land in one batch. The second is answered with what became of the first:
// replayed when it was stored, refused for the same reason when it was not. Never ALREADY_EXISTS
// for a key that nothing was stored under.
TEST_CASE_METHOD(ReportsHost, "the same report sent many times at once is answered with one outcome: all refused, or one stored and the rest replayed") {
  constexpr int kSenders = 24;
  const auto send_all = [&](std::int64_t units, const std::string& key) {
    std::vector<grpc::Status> statuses(kSenders);
    std::vector<v1::ReportValueResponse> responses(kSenders);
    std::vector<std::thread> senders;
    for (int i = 0; i < kSenders; ++i) {
      senders.emplace_back([&, i] {
        statuses[i] = report(host.address(), tokens.reporter_hr, measure_report("hr", kMeasure, 2021, v1::ACTUAL, units, key),
                             &responses[i]);
      });
    }
    for (auto& sender : senders) sender.join();
    return std::make_pair(statuses, responses);
  };
  // Refused: a percentage over 100. Every copy is refused for that reason.
  const auto [refused, unused] = send_all(150, "over");
  for (int i = 0; i < kSenders; ++i) {
    INFO("sender " << i << ": " << refused[i].error_message());
    CHECK(refused[i].error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  }
  CHECK(history(host.address()).empty());
  // Stored once; every other copy is its replay.
  const auto [statuses, responses] = send_all(42, "once");
  int stored = 0;
  for (int i = 0; i < kSenders; ++i) {
    INFO("sender " << i << ": " << statuses[i].error_message());
    REQUIRE(statuses[i].ok());
    stored += responses[i].replayed() ? 0 : 1;
    CHECK(responses[i].change().sequence() == responses[0].change().sequence());
  }
  CHECK(stored == 1);
  CHECK(history(host.address()).size() == 1);

  // Two reports under one key at once, one refused (a percentage over 100), the other good: the
  // good one is stored once whichever came first; the refused one is refused, or told the key
  // holds the other report.
  std::vector<grpc::Status> mixed(kSenders);
  std::vector<v1::ReportValueResponse> mixed_responses(kSenders);
  std::vector<std::thread> senders;
  for (int i = 0; i < kSenders; ++i) {
    senders.emplace_back([&, i] {
      mixed[i] = report(host.address(), tokens.reporter_hr, measure_report("hr", kMeasure, 2021, v1::ACTUAL, i % 2 == 0 ? 150 : 43, "mixed"),
                        &mixed_responses[i]);
    });
  }
  for (auto& sender : senders) sender.join();
  int good_stored = 0;
  for (int i = 0; i < kSenders; ++i) {
    INFO("sender " << i << ": " << mixed[i].error_message());
    if (i % 2 == 0) {
      CHECK((mixed[i].error_code() == grpc::StatusCode::INVALID_ARGUMENT || mixed[i].error_code() == grpc::StatusCode::ALREADY_EXISTS));
    } else {
      REQUIRE(mixed[i].ok());
      good_stored += mixed_responses[i].replayed() ? 0 : 1;
    }
  }
  CHECK(good_stored == 1);
  CHECK(history(host.address()).size() == 2);
}

// section-ctl history asks for pages of 1,000 changes (so that no answer outgrows the channel's
// receive limit) and prints them as one list: a history longer than a page is printed whole.
TEST_CASE_METHOD(ReportsHost, "section-ctl history follows the pages of a history longer than one page") {
  constexpr int kReports = 1205;
  constexpr int kReporters = 8;
  std::atomic<int> next{0};
  std::atomic<int> failed{0};
  std::vector<std::thread> reporters;
  for (int r = 0; r < kReporters; ++r) {
    reporters.emplace_back([&] {
      for (int i = next++; i < kReports; i = next++) {
        const auto request = measure_report("hr", kMeasure, 2021, v1::ACTUAL, i % 100, "page-" + std::to_string(i));
        if (!report(host.address(), tokens.reporter_hr, request).ok()) ++failed;
      }
    });
  }
  for (auto& thread : reporters) thread.join();
  REQUIRE(failed == 0);

  const fs::path token_file = data.path() / "reader.token";
  {
    std::ofstream(token_file) << tokens.reader << "\n";
  }
  const RunResult listed =
      run({ctl_binary().string(), "--host", host.address(), "--token-file", token_file.string(), "history", "hr"});
  INFO(listed.err);
  REQUIRE(listed.status == 0);
  std::set<std::string> sequences;
  std::istringstream lines(listed.out);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("#", 0) == 0) sequences.insert(line.substr(0, line.find(' ')));
  }
  CHECK(sequences.size() == kReports);
  CHECK(sequences.count("#1") == 1);
  CHECK(sequences.count("#" + std::to_string(kReports)) == 1);
  CHECK(host.stop() == 0);
}

// Group commit under steady load: reports keep arriving while each batch is stored, so the
// queue never empties. Each report is answered once its batch is stored; none waits for the
// load to end (a leader that ran batches until the queue was empty answered its own last).
TEST_CASE_METHOD(ReportsHost, "under steady load from 16 reporters every report is answered within a few batches") {
  constexpr int kReporters = 16;
  const auto run_for = std::chrono::milliseconds(2500);
  const auto started = std::chrono::steady_clock::now();
  std::mutex mutex;
  std::chrono::steady_clock::duration longest{0};  // under `mutex`
  int answered = 0;
  std::vector<std::string> failures;
  std::vector<std::thread> reporters;
  for (int i = 0; i < kReporters; ++i) {
    reporters.emplace_back([&, i] {
      for (int n = 0; std::chrono::steady_clock::now() - started < run_for; ++n) {
        const auto sent = std::chrono::steady_clock::now();
        const grpc::Status status =
            report(host.address(), tokens.reporter_hr,
                   measure_report("hr", "candidates_from_underrepresented_countries", 2021, v1::ACTUAL, (i + n) % 100,
                                  "load-" + std::to_string(i) + "-" + std::to_string(n)));
        const auto waited = std::chrono::steady_clock::now() - sent;
        std::lock_guard<std::mutex> lock(mutex);
        longest = std::max(longest, waited);
        ++answered;
        if (!status.ok()) failures.push_back(status.error_message());
      }
    });
  }
  for (auto& thread : reporters) thread.join();
  const auto longest_ms = std::chrono::duration_cast<std::chrono::milliseconds>(longest).count();
  INFO(answered << " reports, the longest answered after " << longest_ms << " ms");
  CHECK(failures.empty());
  CHECK(answered > 3 * kReporters);
  // Far below the run's length: no report waited for the load to end (one leader did, for
  // most of a second, before the lead was handed on).
  CHECK(longest < run_for / 5);
}

}  // namespace section::test

namespace section::test {
namespace {

constexpr const char* kVideo = "vienna_staff_using_desktop_videoconferencing";  // ict, percent, text in zh

// A host with storage and one reporter for ict.
std::string ict_reports_config(const fs::path& data_dir, const std::string& token) {
  return default_config_text() + "storage:\n  data_dir: " + data_dir.string() + "\n" +
         "auth:\n  tokens:\n    - name: ict-team\n      role: reporter\n      components: [ict]\n      hash: \"" +
         security::hash_token(token).to_config() + "\"\n";
}

// ict's measure value for 2021 (planned) and its cell in measures/ict, as a zh client reads them.
std::pair<v1::MeasureValue, v1::Row> read_in_chinese(const std::string& address) {
  auto stub = stub_for(address);
  grpc::ClientContext context;
  deadline(context);
  context.AddMetadata("accept-language", "zh");
  v1::ListMeasuresRequest request;
  request.set_component("ict");
  v1::ListMeasuresResponse measures;
  REQUIRE(stub->ListMeasures(&context, request, &measures).ok());
  std::pair<v1::MeasureValue, v1::Row> out;
  for (const auto& entry : measures.measures()) {
    if (entry.measure().id() != kVideo) continue;
    for (const auto& value : entry.measure().values()) {
      if (value.year() == 2021 && value.kind() == v1::PLANNED) out.first = value;
    }
  }
  grpc::ClientContext table_context;
  deadline(table_context);
  table_context.AddMetadata("accept-language", "zh");
  v1::GetTableRequest table_request;
  table_request.set_id("measures/ict");
  v1::Table table;
  REQUIRE(stub->GetTable(&table_context, table_request, &table).ok());
  for (const auto& row : table.rows()) {
    const std::string suffix = std::string(".") + kVideo;
    if (row.key().size() > suffix.size() && row.key().compare(row.key().size() - suffix.size(), suffix.size(), suffix) == 0) out.second = row;
  }
  REQUIRE_FALSE(out.second.key().empty());
  return out;
}

bool any_form_of(const google::protobuf::RepeatedPtrField<v1::TextForms>& languages, const std::string& field) {
  for (const auto& forms : languages) {
    if (forms.field() == field) return true;
  }
  return false;
}

}  // namespace

TEST_CASE("a reported value replaces the printed Chinese too: a zh client never reads the old text", "[language]") {
  TempDir data;
  const std::string token = security::new_token();
  Host host(ict_reports_config(data.path(), token));
  REQUIRE(host.ok());
  auto [before, before_row] = read_in_chinese(host.address());
  REQUIRE(before.text() == "80%维也纳工作人员能够使用桌面到桌面视频会议");

  SECTION("a text report: the English reported, no Chinese beside it") {
    auto request = measure_report("ict", kVideo, 2021, v1::PLANNED, 85, "zh-1");
    request.mutable_value()->set_text("85 per cent of Vienna staff are able to use it");
    REQUIRE(report(host.address(), token, request).ok());
    auto [value, row] = read_in_chinese(host.address());
    CHECK(value.text() == "85 per cent of Vienna staff are able to use it");
    CHECK(value.number().units() == 85);
    CHECK_FALSE(any_form_of(value.languages(), "text"));
    CHECK(row.cells().at("planned_2021").text() == "85 per cent of Vienna staff are able to use it");
    CHECK_FALSE(any_form_of(row.languages(), "cells[planned_2021]"));
  }
  SECTION("a number-only report: the cell is the number, not the old Chinese") {
    REQUIRE(report(host.address(), token, measure_report("ict", kVideo, 2021, v1::PLANNED, 85, "zh-2")).ok());
    auto [value, row] = read_in_chinese(host.address());
    CHECK(value.text().empty());
    CHECK(value.number().units() == 85);
    CHECK_FALSE(any_form_of(value.languages(), "text"));
    const v1::Cell& cell = row.cells().at("planned_2021");
    CHECK(cell.value_case() == v1::Cell::kInteger);
    CHECK(cell.integer() == 85);
    CHECK_FALSE(any_form_of(row.languages(), "cells[planned_2021]"));
  }
  CHECK(host.stop() == 0);
}

}  // namespace section::test
