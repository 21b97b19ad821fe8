// section-bench-watch: opens --streams Watch streams to a host whose section changes now and
// then (the bench plugin's republish_every_ms), and measures how long each new version takes to
// reach each stream: the time a stream reads the event minus the version's published_at (one
// clock: the same machine). Prints one JSON object after --versions new versions.
//
//   section-bench-watch --target ADDR [--streams 1000] [--versions 20] [--channels 8] [--pin 1]
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <vector>

#include <google/protobuf/util/time_util.h>
#include <grpcpp/grpcpp.h>

#include "bench/bench_common.h"
#include "host/core/clock.h"
#include "section/v1/section_service.grpc.pb.h"

namespace {

using google::protobuf::util::TimeUtil;

struct Shared {
  std::mutex mutex;
  std::condition_variable changed;
  std::vector<std::uint32_t> delays_us;  // one per (stream, new version)
  int ready = 0;                         // streams that have their first version
  int ended = 0;
  std::uint64_t first_version = 0;
};

class Stream final : public grpc::ClientReadReactor<section::v1::WatchEvent> {
 public:
  Stream(section::v1::SectionService::Stub* stub, Shared& shared) : shared_(shared) {
    stub->async()->Watch(&context_, &request_, this);
    StartRead(&event_);
    StartCall();
  }
  void OnReadDone(bool ok) override {
    if (!ok) return;
    const auto now = section::now_timestamp();
    {
      std::lock_guard<std::mutex> lock(shared_.mutex);
      if (!seen_first_) {
        seen_first_ = true;
        ++shared_.ready;
      } else {
        shared_.delays_us.push_back(static_cast<std::uint32_t>(TimeUtil::DurationToMicroseconds(now - event_.published_at())));
      }
      shared_.changed.notify_all();
    }
    StartRead(&event_);
  }
  void OnDone(const grpc::Status&) override {
    std::lock_guard<std::mutex> lock(shared_.mutex);
    ++shared_.ended;
    shared_.changed.notify_all();
  }
  void cancel() { context_.TryCancel(); }

 private:
  Shared& shared_;
  grpc::ClientContext context_;
  section::v1::WatchRequest request_;
  section::v1::WatchEvent event_;
  bool seen_first_ = false;
};

}  // namespace

int main(int argc, char** argv) {
  const auto flags = section::bench::parse_flags(argc, argv);
  section::bench::pin_to_cpu(std::stoi(section::bench::flag(flags, "pin", "-1")));
  const std::string target = section::bench::flag(flags, "target", "127.0.0.1:50051");
  const int streams = std::stoi(section::bench::flag(flags, "streams", "1000"));
  const int versions = std::stoi(section::bench::flag(flags, "versions", "20"));
  const int channels = std::stoi(section::bench::flag(flags, "channels", "8"));

  std::vector<std::unique_ptr<section::v1::SectionService::Stub>> stubs;
  for (int i = 0; i < channels; ++i) {
    grpc::ChannelArguments arguments;
    arguments.SetInt("section.bench.channel", i);  // distinct arguments: distinct connections
    stubs.push_back(section::v1::SectionService::NewStub(grpc::CreateCustomChannel(target, grpc::InsecureChannelCredentials(), arguments)));
  }
  Shared shared;
  std::vector<std::unique_ptr<Stream>> all;
  for (int i = 0; i < streams; ++i) all.push_back(std::make_unique<Stream>(stubs[i % channels].get(), shared));

  bool complete = false;
  {
    std::unique_lock<std::mutex> lock(shared.mutex);
    const bool ready = shared.changed.wait_for(lock, std::chrono::seconds(60), [&] { return shared.ready == streams; });
    if (ready) {
      shared.delays_us.clear();  // only versions published once every stream listens
      complete = shared.changed.wait_for(lock, std::chrono::seconds(120), [&] {
        return shared.delays_us.size() >= static_cast<std::size_t>(streams) * versions;
      });
    }
  }
  for (auto& stream : all) stream->cancel();
  {
    std::unique_lock<std::mutex> lock(shared.mutex);
    shared.changed.wait_for(lock, std::chrono::seconds(30), [&] { return shared.ended == streams; });
  }
  std::vector<std::uint32_t> delays;
  int ready = 0;
  {
    std::lock_guard<std::mutex> lock(shared.mutex);
    delays = shared.delays_us;
    ready = shared.ready;
  }
  std::printf("{\"streams\": %d, \"ready\": %d, \"deliveries\": %zu, \"p50_ms\": %.2f, \"p99_ms\": %.2f, \"max_ms\": %.2f, "
              "\"complete\": %s}\n",
              streams, ready, delays.size(), section::bench::percentile(delays, 50) / 1000.0,
              section::bench::percentile(delays, 99) / 1000.0, section::bench::percentile(delays, 100) / 1000.0,
              complete ? "true" : "false");
  return complete ? 0 : 1;
}
