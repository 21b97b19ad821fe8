// The gRPC server's metrics with the names the gRPC ecosystem uses (go-grpc-prometheus):
// grpc_server_started_total, grpc_server_handled_total and the grpc_server_handling_seconds
// histogram, per method, counted by the handlers themselves (host/transport/counted_call.h):
// the host's four services, health included. Counting takes no lock: the methods are known at
// start-up, each has its own preallocated atomic cells per code and bucket, and each service
// finds its methods' cells once, when it is built.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "host/metrics/exposition.h"

namespace section::metrics {

// The upper bounds of grpc_server_handling_seconds' buckets: from 100 µs, since an answer
// served from a version's bytes takes well under a millisecond, to 10 s.
const std::vector<double>& handling_bounds();

// One method's counters.
struct MethodStats {
  static constexpr int kCodes = 17;  // the canonical codes, OK (0) to UNAUTHENTICATED (16)
  std::string service;               // "section.v1.SectionService"
  std::string method;                // "GetTable"
  std::string type;                  // "unary", "server_stream", "client_stream", "bidi_stream"
  std::atomic<std::uint64_t> started{0};
  std::array<std::atomic<std::uint64_t>, kCodes> handled{};
  std::vector<std::atomic<std::uint64_t>> buckets;  // one per bound, and +Inf
  std::atomic<std::uint64_t> handling_ns{0};

  explicit MethodStats(std::size_t bucket_count) : buckets(bucket_count) {}
  void finished(int code, std::chrono::nanoseconds took);
};

class GrpcMetrics {
 public:
  // Every method of the host's services (read from the generated descriptors) and of the
  // health service.
  GrpcMetrics();
  GrpcMetrics(const GrpcMetrics&) = delete;
  GrpcMetrics& operator=(const GrpcMetrics&) = delete;

  // The counters of "/section.v1.SectionService/GetTable"; null for a method the host does not
  // serve (those are not counted).
  MethodStats* find(const char* path) const;
  // The three families, every method's started count (0 included), the codes seen per method.
  void write(Exposition& out) const;

 private:
  void add(const std::string& service, const std::string& method, const std::string& type);

  std::vector<std::unique_ptr<MethodStats>> methods_;
  std::unordered_map<std::string, MethodStats*> by_path_;  // written only by the constructor
};

// "NOT_FOUND" for 5.
const char* code_name(int code);

}  // namespace section::metrics
