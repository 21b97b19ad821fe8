// section-bench-visibility: how soon a report acknowledged by host A is served by host B (two
// hosts on one PostgreSQL). B's Watch is open; --reports reports are sent to A one at a time,
// and for each the time from A's answer to B's Watch event announcing it is measured (0 when B
// announced it before A's answer arrived). Prints one JSON object with the percentiles.
//
//   section-bench-visibility --a ADDR --b ADDR --token-file FILE [--reports 200]
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <fstream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "bench/bench_common.h"
#include "section/v1/report_service.grpc.pb.h"
#include "section/v1/section_service.grpc.pb.h"

namespace {

using Clock = std::chrono::steady_clock;

}  // namespace

int main(int argc, char** argv) {
  const auto flags = section::bench::parse_flags(argc, argv);
  const std::string a = section::bench::flag(flags, "a", "");
  const std::string b = section::bench::flag(flags, "b", "");
  const std::string token = section::bench::read_token(section::bench::flag(flags, "token-file", ""));
  const int reports = std::stoi(section::bench::flag(flags, "reports", "200"));
  if (a.empty() || b.empty() || token.empty()) {
    std::fprintf(stderr, "usage: section-bench-visibility --a ADDR --b ADDR --token-file FILE [--reports N]\n");
    return 2;
  }
  // B's Watch, on a thread of its own: the time of every version that brings reports of other hosts.
  std::mutex mutex;
  std::condition_variable announced;
  std::vector<Clock::time_point> announcements;  // under `mutex`
  auto watch_stub = section::v1::SectionService::NewStub(grpc::CreateChannel(b, grpc::InsecureChannelCredentials()));
  grpc::ClientContext watch_context;
  auto watch = watch_stub->Watch(&watch_context, section::v1::WatchRequest());
  section::v1::WatchEvent event;
  if (!watch->Read(&event)) {
    std::fprintf(stderr, "section-bench-visibility: cannot watch %s\n", b.c_str());
    return 1;
  }
  std::thread watcher([&] {
    section::v1::WatchEvent next;
    while (watch->Read(&next)) {
      if (next.reason().find("from other hosts") == std::string::npos) continue;
      std::lock_guard<std::mutex> lock(mutex);
      announcements.push_back(Clock::now());
      announced.notify_all();
    }
  });

  auto stub = section::v1::ReportService::NewStub(grpc::CreateChannel(a, grpc::InsecureChannelCredentials()));
  const std::string run = std::to_string(std::chrono::system_clock::now().time_since_epoch().count());
  std::vector<std::uint32_t> after_ack_us, after_send_us;
  int errors = 0;
  for (int n = 0; n < reports; ++n) {
    section::v1::ReportValueRequest request;
    request.mutable_figure()->set_component("hr");
    request.mutable_figure()->set_measure("candidates_from_underrepresented_countries");
    request.mutable_figure()->set_year(2021);
    request.mutable_figure()->set_kind(section::v1::ACTUAL);
    request.mutable_value()->mutable_number()->set_units(n % 101);
    request.set_idempotency_key("visibility-" + run + "-" + std::to_string(n));
    grpc::ClientContext context;
    context.AddMetadata("authorization", "Bearer " + token);
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    section::v1::ReportValueResponse response;
    std::size_t before;
    {
      std::lock_guard<std::mutex> lock(mutex);
      before = announcements.size();
    }
    const auto sent = Clock::now();
    const grpc::Status status = stub->ReportValue(&context, request, &response);
    const auto acked = Clock::now();
    if (!status.ok()) {
      std::fprintf(stderr, "ReportValue: %s\n", status.error_message().c_str());
      ++errors;
      continue;
    }
    std::unique_lock<std::mutex> lock(mutex);
    if (!announced.wait_for(lock, std::chrono::seconds(5), [&] { return announcements.size() > before; })) {
      std::fprintf(stderr, "section-bench-visibility: report %d never reached %s\n", n, b.c_str());
      ++errors;
      continue;
    }
    const auto seen = announcements[before];
    auto micros = [](Clock::duration d) { return static_cast<std::uint32_t>(std::max<long>(0, std::chrono::duration_cast<std::chrono::microseconds>(d).count())); };
    after_ack_us.push_back(micros(seen - acked));
    after_send_us.push_back(micros(seen - sent));
  }
  watch_context.TryCancel();
  watcher.join();
  std::printf("{\"reports\": %zu, \"errors\": %d, \"after_ack_p50_us\": %.0f, \"after_ack_p99_us\": %.0f, \"after_ack_max_us\": %.0f, "
              "\"after_send_p50_us\": %.0f, \"after_send_p99_us\": %.0f}\n",
              after_ack_us.size(), errors, section::bench::percentile(after_ack_us, 50), section::bench::percentile(after_ack_us, 99),
              section::bench::percentile(after_ack_us, 100), section::bench::percentile(after_send_us, 50),
              section::bench::percentile(after_send_us, 99));
  return errors == 0 ? 0 : 1;
}
