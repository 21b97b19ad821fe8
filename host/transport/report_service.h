// section.v1.ReportService: teams report figures (host/reports/report_desk.h). A report waits
// for its transaction to reach the disk and for the version that serves it, and a page of the
// history for the store, so each call runs on a thread of its own and never holds one of gRPC's
// callback threads; the calls at once are capped (limits.max_report_calls), since each holds a
// thread.
#pragma once

#include <atomic>

#include "host/metrics/host_counters.h"
#include "host/reports/report_desk.h"
#include "host/transport/call_auth.h"
#include "host/transport/counted_call.h"
#include "section/v1/report_service.grpc.pb.h"

namespace section::transport {

class ReportService final : public section::v1::ReportService::CallbackService {
 public:
  // `counters` (may be null) counts every report's outcome: accepted, or refused by code;
  // `grpc_metrics` (may be null) every call, by method and code (counted_call.h).
  ReportService(reports::ReportDesk& desk, const Gate& gate, int max_calls, metrics::HostCounters* counters = nullptr,
                metrics::GrpcMetrics* grpc_metrics = nullptr)
      : desk_(desk),
        gate_(gate),
        max_calls_(max_calls),
        counters_(counters),
        report_value_(method_stats(grpc_metrics, "/section.v1.ReportService/ReportValue")),
        list_history_(method_stats(grpc_metrics, "/section.v1.ReportService/ListHistory")) {}

  grpc::ServerUnaryReactor* ReportValue(grpc::CallbackServerContext* context, const section::v1::ReportValueRequest* request,
                                        section::v1::ReportValueResponse* response) override;
  grpc::ServerUnaryReactor* ListHistory(grpc::CallbackServerContext* context, const section::v1::ListHistoryRequest* request,
                                        section::v1::ListHistoryResponse* response) override;

 private:
  // Finishes a ReportValue call with `status`, counted.
  grpc::ServerUnaryReactor* finish_report(UnaryCall& call, const absl::Status& status);
  // Takes one of the max_calls_ places, or says why not (RESOURCE_EXHAUSTED); left with leave().
  absl::Status enter();
  void leave() { calls_.fetch_sub(1, std::memory_order_relaxed); }
  template <typename Work, typename Done>
  grpc::ServerUnaryReactor* off_grpc_threads(UnaryCall call, Work work, Done done);

  reports::ReportDesk& desk_;
  const Gate& gate_;
  const int max_calls_;
  std::atomic<int> calls_{0};  // calls on threads of their own now
  metrics::HostCounters* const counters_;
  metrics::MethodStats* const report_value_;
  metrics::MethodStats* const list_history_;
};

}  // namespace section::transport
