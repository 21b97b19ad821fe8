// section-bench-load: the load generator. Keeps --concurrency unary calls in flight against one
// method for --duration-ms (after --warmup-ms), with gRPC's callback API and raw bytes, so that
// the client does the same work whatever server answers. Prints one JSON object.
//
//   section-bench-load --target 127.0.0.1:50051 --call get_table:financial-by-component-rb
//                      [--concurrency 16] [--duration-ms 3000] [--warmup-ms 500] [--pin 1]
//
// Calls: get_table:ID, list_measures:COMPONENT:YEAR, list_deliverables:COMPONENT:YEAR,
// get_section, health (grpc.health.v1.Health/Check).
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <string>
#include <vector>

#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>

#include "bench/bench_common.h"
#include "grpc/health/v1/health.pb.h"
#include "section/v1/section_service.pb.h"

namespace {

using Clock = std::chrono::steady_clock;

struct Call {
  std::string method;
  std::string request;
};

Call call_of(const std::string& spec) {
  auto part = [&](int index) {
    std::size_t start = 0;
    for (int i = 0; i < index; ++i) start = spec.find(':', start) + 1;
    const std::size_t end = spec.find(':', start);
    return spec.substr(start, end == std::string::npos ? std::string::npos : end - start);
  };
  const std::string name = part(0);
  Call call;
  if (name == "get_table") {
    section::v1::GetTableRequest request;
    request.set_id(part(1));
    call = {"/section.v1.SectionService/GetTable", request.SerializeAsString()};
  } else if (name == "list_measures") {
    section::v1::ListMeasuresRequest request;
    request.set_component(part(1));
    request.set_year(std::stoi(part(2)));
    call = {"/section.v1.SectionService/ListMeasures", request.SerializeAsString()};
  } else if (name == "list_deliverables") {
    section::v1::ListDeliverablesRequest request;
    request.set_component(part(1));
    request.set_year(std::stoi(part(2)));
    call = {"/section.v1.SectionService/ListDeliverables", request.SerializeAsString()};
  } else if (name == "get_section") {
    call = {"/section.v1.SectionService/GetSection", ""};
  } else if (name == "health") {
    call = {"/grpc.health.v1.Health/Check", grpc::health::v1::HealthCheckRequest().SerializeAsString()};
  } else {
    std::fprintf(stderr, "unknown call '%s'\n", spec.c_str());
    std::exit(2);
  }
  return call;
}

class Load {
 public:
  Load(std::shared_ptr<grpc::Channel> channel, Call call, Clock::time_point measure_from, Clock::time_point until)
      : stub_(channel), call_(std::move(call)), measure_from_(measure_from), until_(until) {
    grpc::Slice slice(call_.request);
    request_ = grpc::ByteBuffer(&slice, 1);
    latencies_.resize(20'000'000);
  }

  void run(int concurrency) {
    outstanding_ = concurrency;
    for (int i = 0; i < concurrency; ++i) issue();
    std::unique_lock<std::mutex> lock(mutex_);
    done_.wait(lock, [this] { return outstanding_ == 0; });
  }

  std::vector<std::uint32_t> latencies() const {
    return std::vector<std::uint32_t>(latencies_.begin(), latencies_.begin() + std::min<std::size_t>(recorded_, latencies_.size()));
  }
  long errors() const { return errors_; }
  std::size_t response_bytes() const { return response_bytes_; }
  std::string first_error() const { return first_error_; }

 private:
  struct Pending {
    grpc::ClientContext context;
    grpc::ByteBuffer response;
    Clock::time_point started;
  };

  void issue() {
    auto* pending = new Pending();
    pending->context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    pending->started = Clock::now();
    stub_.UnaryCall(&pending->context, call_.method, grpc::StubOptions(), &request_, &pending->response,
                    [this, pending](grpc::Status status) { completed(pending, status); });
  }

  void completed(Pending* pending, const grpc::Status& status) {
    const auto now = Clock::now();
    if (!status.ok()) {
      if (errors_++ == 0) first_error_ = std::to_string(status.error_code()) + ": " + status.error_message();
    } else if (pending->started >= measure_from_) {
      const std::size_t index = recorded_++;
      if (index < latencies_.size()) {
        latencies_[index] = static_cast<std::uint32_t>(std::chrono::duration_cast<std::chrono::microseconds>(now - pending->started).count());
      }
      if (response_bytes_ == 0) response_bytes_ = pending->response.Length();
    }
    delete pending;
    if (now < until_) {
      issue();
      return;
    }
    std::lock_guard<std::mutex> lock(mutex_);
    if (--outstanding_ == 0) done_.notify_all();
  }

  grpc::GenericStub stub_;
  Call call_;
  grpc::ByteBuffer request_;
  const Clock::time_point measure_from_;
  const Clock::time_point until_;
  std::vector<std::uint32_t> latencies_;
  std::atomic<std::size_t> recorded_{0};
  std::atomic<long> errors_{0};
  std::atomic<std::size_t> response_bytes_{0};
  std::string first_error_;
  std::mutex mutex_;
  std::condition_variable done_;
  int outstanding_ = 0;
};

}  // namespace

int main(int argc, char** argv) {
  const auto flags = section::bench::parse_flags(argc, argv);
  const std::string target = section::bench::flag(flags, "target", "127.0.0.1:50051");
  const Call call = call_of(section::bench::flag(flags, "call", "health"));
  const int concurrency = std::stoi(section::bench::flag(flags, "concurrency", "16"));
  const int duration_ms = std::stoi(section::bench::flag(flags, "duration-ms", "3000"));
  const int warmup_ms = std::stoi(section::bench::flag(flags, "warmup-ms", "500"));
  section::bench::pin_to_cpu(std::stoi(section::bench::flag(flags, "pin", "-1")));

  grpc::ChannelArguments arguments;
  arguments.SetMaxReceiveMessageSize(64 << 20);
  auto channel = grpc::CreateCustomChannel(target, grpc::InsecureChannelCredentials(), arguments);
  if (!channel->WaitForConnected(std::chrono::system_clock::now() + std::chrono::seconds(10))) {
    std::fprintf(stderr, "section-bench-load: cannot connect to %s\n", target.c_str());
    return 1;
  }
  const auto start = Clock::now();
  const auto measure_from = start + std::chrono::milliseconds(warmup_ms);
  const auto until = measure_from + std::chrono::milliseconds(duration_ms);
  Load load(channel, call, measure_from, until);
  load.run(concurrency);
  const double seconds = std::chrono::duration<double>(Clock::now() - measure_from).count();
  std::vector<std::uint32_t> latencies = load.latencies();
  const double calls = static_cast<double>(latencies.size());
  std::printf("{\"calls\": %zu, \"seconds\": %.3f, \"calls_per_s\": %.1f, \"p50_us\": %.0f, \"p90_us\": %.0f, "
              "\"p99_us\": %.0f, \"response_bytes\": %zu, \"errors\": %ld, \"concurrency\": %d}\n",
              latencies.size(), seconds, calls / seconds, section::bench::percentile(latencies, 50),
              section::bench::percentile(latencies, 90), section::bench::percentile(latencies, 99), load.response_bytes(),
              load.errors(), concurrency);
  if (load.errors() > 0) std::fprintf(stderr, "section-bench-load: %ld errors, the first: %s\n", load.errors(), load.first_error().c_str());
  return load.errors() > 0 ? 1 : 0;
}
