// section-bench-reports: ReportValue throughput. --concurrency reporters, each a thread with
// its own channel sending one report at a time (a new idempotency key each), for --duration-ms
// after --warmup-ms. Prints one JSON object: reports per second and latency percentiles.
//
//   section-bench-reports --target 127.0.0.1:50051 --token-file FILE [--concurrency 1]
//                         [--duration-ms 3000] [--warmup-ms 500] [--pin 1]
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "bench/bench_common.h"
#include "section/v1/report_service.grpc.pb.h"

namespace {

using Clock = std::chrono::steady_clock;

}  // namespace

int main(int argc, char** argv) {
  const auto flags = section::bench::parse_flags(argc, argv);
  const std::string target = section::bench::flag(flags, "target", "");
  const std::string token = section::bench::read_token(section::bench::flag(flags, "token-file", ""));
  const int concurrency = std::stoi(section::bench::flag(flags, "concurrency", "1"));
  const auto duration = std::chrono::milliseconds(std::stoi(section::bench::flag(flags, "duration-ms", "3000")));
  const auto warmup = std::chrono::milliseconds(std::stoi(section::bench::flag(flags, "warmup-ms", "500")));
  section::bench::pin_to_cpu(std::stoi(section::bench::flag(flags, "pin", "-1")));
  if (target.empty() || token.empty()) {
    std::fprintf(stderr, "usage: section-bench-reports --target ADDR --token-file FILE [--concurrency N]\n");
    return 2;
  }
  const std::string run = std::to_string(std::chrono::system_clock::now().time_since_epoch().count());
  const auto begin = Clock::now() + warmup;
  const auto end = begin + duration;
  std::atomic<long> errors{0};
  std::mutex mutex;
  std::vector<std::uint32_t> latencies_us;  // under `mutex`
  std::vector<std::thread> reporters;
  for (int r = 0; r < concurrency; ++r) {
    reporters.emplace_back([&, r] {
      grpc::ChannelArguments arguments;
      arguments.SetInt("bench.reporter", r);  // a connection of its own
      auto stub = section::v1::ReportService::NewStub(grpc::CreateCustomChannel(target, grpc::InsecureChannelCredentials(), arguments));
      std::vector<std::uint32_t> mine;
      for (long n = 0; Clock::now() < end; ++n) {
        section::v1::ReportValueRequest request;
        request.mutable_figure()->set_component("hr");
        request.mutable_figure()->set_measure("candidates_from_underrepresented_countries");
        request.mutable_figure()->set_year(2021);
        request.mutable_figure()->set_kind(section::v1::ACTUAL);
        request.mutable_value()->mutable_number()->set_units((r * 7 + n) % 101);
        request.set_idempotency_key("bench-" + run + "-" + std::to_string(r) + "-" + std::to_string(n));
        grpc::ClientContext context;
        context.AddMetadata("authorization", "Bearer " + token);
        context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
        section::v1::ReportValueResponse response;
        const auto sent = Clock::now();
        const grpc::Status status = stub->ReportValue(&context, request, &response);
        const auto answered = Clock::now();
        if (!status.ok()) {
          if (++errors == 1) std::fprintf(stderr, "ReportValue: %s\n", status.error_message().c_str());
          continue;
        }
        if (sent >= begin && answered <= end) {
          mine.push_back(static_cast<std::uint32_t>(std::chrono::duration_cast<std::chrono::microseconds>(answered - sent).count()));
        }
      }
      std::lock_guard<std::mutex> lock(mutex);
      latencies_us.insert(latencies_us.end(), mine.begin(), mine.end());
    });
  }
  for (auto& reporter : reporters) reporter.join();
  const double seconds = std::chrono::duration<double>(duration).count();
  const std::size_t count = latencies_us.size();
  std::printf("{\"concurrency\": %d, \"reports\": %zu, \"errors\": %ld, \"rate\": %.1f, \"p50_us\": %.0f, \"p99_us\": %.0f}\n",
              concurrency, count, errors.load(), static_cast<double>(count) / seconds, section::bench::percentile(latencies_us, 50),
              section::bench::percentile(latencies_us, 99));
  return errors.load() == 0 ? 0 : 1;
}
