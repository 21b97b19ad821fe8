// section.v1.ReportService: teams report figures (host/reports/report_desk.h). A report waits
// for its transaction to reach the disk and for the version that serves it, so it runs on a
// thread of its own and never holds one of gRPC's callback threads.
#pragma once

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
  ReportService(reports::ReportDesk& desk, const Gate& gate, metrics::HostCounters* counters = nullptr,
                metrics::GrpcMetrics* grpc_metrics = nullptr)
      : desk_(desk),
        gate_(gate),
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

  reports::ReportDesk& desk_;
  const Gate& gate_;
  metrics::HostCounters* const counters_;
  metrics::MethodStats* const report_value_;
  metrics::MethodStats* const list_history_;
};

}  // namespace section::transport
