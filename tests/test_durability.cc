// Acknowledged means stored: a client reports figures while the host is killed with SIGKILL at
// random moments, 100 times over; every report the host acknowledged must be served after the
// restart, exactly once, and a retried report (same idempotency key) must never be stored twice.
#include <signal.h>

#include <atomic>
#include <map>
#include <random>
#include <set>
#include <thread>

#include <catch2/catch.hpp>

#include "grpc_client.h"
#include "report_client.h"
#include "test_env.h"

namespace section::test {
namespace {

constexpr int kKills = 100;
constexpr const char* kMeasure = "candidates_from_underrepresented_countries";  // hr, percent
constexpr const char* kDeliverable = "unodc_annual_financial_report";            // finance

struct Sent {
  std::string token;
  v1::ReportValueRequest request;
};

// The n-th report: hr's measure and finance's deliverable in turn, each with its own key.
Sent nth_report(int n, const TestTokens& tokens) {
  const std::string key = "report-" + std::to_string(n);
  if (n % 2 == 0) return {tokens.reporter_hr, measure_report("hr", kMeasure, 2021, v1::ACTUAL, n % 101, key)};
  return {tokens.reporter_finance, deliverable_report("finance", kDeliverable, 2021, v1::ACTUAL, n, key)};
}

std::int64_t value_of(const v1::ReportValueRequest& request) {
  return request.value().has_count() ? request.value().count() : request.value().number().units();
}

std::vector<std::string> host_argv(const std::filesystem::path& config) {
  return {host_binary().string(), "--config", config.string()};
}

}  // namespace

TEST_CASE("SIGKILL at random moments while reports arrive loses no acknowledged report and stores none twice") {
  TempDir data;
  TempDir config_dir;
  const TestTokens tokens = make_tokens();
  const auto config = config_dir.write("host.yaml", reports_config(data.path(), tokens));
  const unsigned seed = std::random_device{}();
  INFO("seed " << seed);
  std::mt19937 random(seed);

  std::map<std::string, Sent> acknowledged;  // by key
  std::map<std::string, Sent> uncertain;     // sent, but the host died before it answered
  int next = 0;
  int kills_mid_write = 0;

  // Retries every report whose fate is unknown: each must now be acknowledged (stored before
  // the kill and replayed, or stored now).
  auto settle = [&](const std::string& address) {
    for (auto it = uncertain.begin(); it != uncertain.end();) {
      const grpc::Status status = report(address, it->second.token, it->second.request);
      INFO(it->first << ": " << status.error_message());
      REQUIRE(status.ok());
      acknowledged.emplace(it->first, it->second);
      it = uncertain.erase(it);
    }
  };

  for (int kill = 0; kill < kKills; ++kill) {
    Child host(host_argv(config));
    const auto address = host.wait_for_line("section-host: serving ", std::chrono::seconds(20));
    INFO("start " << kill << ": " << host.err());
    REQUIRE(address);
    settle(*address);

    std::atomic<bool> stop{false};
    std::mutex mutex;
    std::vector<std::string> unexpected;  // under `mutex`
    std::thread writer([&] {
      while (!stop) {
        const int n = next++;
        Sent sent = nth_report(n, tokens);
        const std::string key = sent.request.idempotency_key();
        {
          std::lock_guard<std::mutex> lock(mutex);
          uncertain.emplace(key, sent);
        }
        const grpc::Status status = report(*address, sent.token, sent.request);
        std::lock_guard<std::mutex> lock(mutex);
        if (status.ok()) {
          acknowledged.emplace(key, sent);
          uncertain.erase(key);
        } else if (status.error_code() != grpc::StatusCode::UNAVAILABLE) {
          // Catch2 2.x asserts only on the test's own thread: collected here, checked below.
          unexpected.push_back(key + ": " + status.error_message());
          uncertain.erase(key);
        } else {
          return;  // the host is gone
        }
      }
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(std::uniform_int_distribution<int>(0, 120)(random)));
    host.signal(SIGKILL);
    REQUIRE(host.wait(std::chrono::seconds(10)));
    stop = true;
    writer.join();
    for (const auto& refusal : unexpected) FAIL_CHECK("refused, not UNAVAILABLE: " << refusal);
    unexpected.clear();
    kills_mid_write += uncertain.empty() ? 0 : 1;
  }

  Host host(read_file(config));
  REQUIRE(host.ok());
  settle(host.address());
  const auto changes = history(host.address());
  std::map<std::string, int> stored;
  for (const auto& change : changes) {
    ++stored[change.idempotency_key()];
    const auto found = acknowledged.find(change.idempotency_key());
    INFO(change.idempotency_key());
    REQUIRE(found != acknowledged.end());  // nothing stored that was never sent
    const std::int64_t value = change.new_value().has_count() ? change.new_value().count() : change.new_value().number().units();
    CHECK(value == value_of(found->second.request));
  }
  for (const auto& [key, sent] : acknowledged) {
    INFO(key);
    CHECK(stored[key] == 1);
  }
  CHECK(changes.size() == acknowledged.size());
  WARN(kKills << " kills, " << acknowledged.size() << " reports acknowledged, " << kills_mid_write
               << " kills left a report unanswered");
  CHECK(acknowledged.size() > static_cast<std::size_t>(kKills));

  // What is served is the last stored value of each figure.
  auto stub = stub_for(host.address());
  v1::ListMeasuresResponse measures;
  {
    grpc::ClientContext context;
    deadline(context);
    v1::ListMeasuresRequest request;
    request.set_component("hr");
    REQUIRE(stub->ListMeasures(&context, request, &measures).ok());
  }
  std::int64_t last_measure = -1;
  for (const auto& change : changes) {
    if (change.figure().component() == "hr") last_measure = change.new_value().number().units();
  }
  bool served = false;
  for (const auto& entry : measures.measures()) {
    for (const auto& value : entry.measure().values()) {
      if (entry.measure().id() == kMeasure && value.year() == 2021 && value.kind() == v1::ACTUAL) {
        served = true;
        CHECK(value.number().units() == last_measure);
      }
    }
  }
  CHECK(served);
}

}  // namespace section::test
