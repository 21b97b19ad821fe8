// A call counted by the handler that answers it (host/metrics/grpc_metrics.h): started when the
// handler begins, handled with its code and time just before the status is sent, so that a
// client that has its answer can already read it in /metrics. Every handler finishes through
// one of these; the cost is two clock reads and four relaxed atomic additions, no lock.
#pragma once

#include <chrono>

#include <grpcpp/grpcpp.h>

#include "host/metrics/grpc_metrics.h"

namespace section::transport {

class CountedCall {
 public:
  CountedCall() = default;  // not counted
  explicit CountedCall(metrics::MethodStats* stats) : stats_(stats) {
    if (stats_ == nullptr) return;
    begun_ = std::chrono::steady_clock::now();
    stats_->started.fetch_add(1, std::memory_order_relaxed);
  }
  // Counts the call as handled with `status`'s code. Once per call: the handler calls it where
  // it calls Finish.
  void finished(const grpc::Status& status) const {
    if (stats_ != nullptr) stats_->finished(static_cast<int>(status.error_code()), std::chrono::steady_clock::now() - begun_);
  }

 private:
  metrics::MethodStats* stats_ = nullptr;
  std::chrono::steady_clock::time_point begun_;
};

// A unary callback call: its reactor and its count. Copyable, so that a handler that answers
// from a thread of its own takes it along.
class UnaryCall {
 public:
  UnaryCall(grpc::CallbackServerContext* context, metrics::MethodStats* stats)
      : reactor_(context->DefaultReactor()), counted_(stats) {}
  // Counts, then finishes the call with `status`; the reactor, for the handler to return.
  grpc::ServerUnaryReactor* finish(const grpc::Status& status) const {
    counted_.finished(status);
    reactor_->Finish(status);
    return reactor_;
  }
  grpc::ServerUnaryReactor* reactor() const { return reactor_; }

 private:
  grpc::ServerUnaryReactor* reactor_;
  CountedCall counted_;
};

// The cells of "/<service>/<method>" in `metrics` (null: `metrics` is null, nothing counted).
inline metrics::MethodStats* method_stats(metrics::GrpcMetrics* metrics, const char* path) {
  return metrics == nullptr ? nullptr : metrics->find(path);
}

}  // namespace section::transport
