// A call counted by the handler that answers it (host/metrics/grpc_metrics.h): started when the
// handler begins, handled with its code and time just before the status is sent, so that a
// client that has its answer can already read it in /metrics. Every handler finishes through
// one of these; the cost is two clock reads and four relaxed atomic additions, no lock.
#pragma once

#include <chrono>
#include <utility>

#include <grpcpp/grpcpp.h>

#include "host/metrics/grpc_metrics.h"

namespace section::transport {

// Move-only, so that one call is one count: a moved-from CountedCall counts nothing.
class CountedCall {
 public:
  CountedCall() = default;  // not counted
  explicit CountedCall(metrics::MethodStats* stats) : stats_(stats) {
    if (stats_ == nullptr) return;
    begun_ = std::chrono::steady_clock::now();
    stats_->started.fetch_add(1, std::memory_order_relaxed);
  }
  CountedCall(CountedCall&& other) noexcept : stats_(std::exchange(other.stats_, nullptr)), begun_(other.begun_) {}
  CountedCall& operator=(CountedCall&& other) noexcept {
    stats_ = std::exchange(other.stats_, nullptr);
    begun_ = other.begun_;
    return *this;
  }
  CountedCall(const CountedCall&) = delete;
  CountedCall& operator=(const CountedCall&) = delete;

  // Counts the call as handled with `status`'s code, the first time only: the handler calls it
  // where it calls Finish.
  void finished(const grpc::Status& status) {
    if (stats_ == nullptr) return;
    std::exchange(stats_, nullptr)->finished(static_cast<int>(status.error_code()), std::chrono::steady_clock::now() - begun_);
  }

 private:
  metrics::MethodStats* stats_ = nullptr;
  std::chrono::steady_clock::time_point begun_;
};

// A unary callback call: its reactor and its count. Move-only: a handler that answers from a
// thread of its own moves it there (taking reactor() first, to return).
class UnaryCall {
 public:
  UnaryCall(grpc::CallbackServerContext* context, metrics::MethodStats* stats)
      : reactor_(context->DefaultReactor()), counted_(stats) {}
  UnaryCall(UnaryCall&&) = default;
  UnaryCall& operator=(UnaryCall&&) = default;
  UnaryCall(const UnaryCall&) = delete;
  UnaryCall& operator=(const UnaryCall&) = delete;

  // Counts, then finishes the call with `status`, once: a second finish does nothing (gRPC
  // forbids a second Finish). The reactor, for the handler to return.
  grpc::ServerUnaryReactor* finish(const grpc::Status& status) {
    if (finished_) return reactor_;
    finished_ = true;
    counted_.finished(status);
    reactor_->Finish(status);
    return reactor_;
  }
  grpc::ServerUnaryReactor* reactor() const { return reactor_; }

 private:
  grpc::ServerUnaryReactor* reactor_;
  CountedCall counted_;
  bool finished_ = false;
};

// The cells of "/<service>/<method>" in `metrics` (null: `metrics` is null, nothing counted).
inline metrics::MethodStats* method_stats(metrics::GrpcMetrics* metrics, const char* path) {
  return metrics == nullptr ? nullptr : metrics->find(path);
}

}  // namespace section::transport
