// section.v1.ReportService: teams report figures (host/reports/report_desk.h). A report waits
// for its transaction to reach the disk and for the version that serves it, so it runs on a
// thread of its own and never holds one of gRPC's callback threads.
#pragma once

#include "host/metrics/host_counters.h"
#include "host/reports/report_desk.h"
#include "host/transport/call_auth.h"
#include "section/v1/report_service.grpc.pb.h"

namespace section::transport {

class ReportService final : public section::v1::ReportService::CallbackService {
 public:
  // `counters` (may be null) counts every report's outcome: accepted, or refused by code.
  ReportService(reports::ReportDesk& desk, const Gate& gate, metrics::HostCounters* counters = nullptr)
      : desk_(desk), gate_(gate), counters_(counters) {}

  grpc::ServerUnaryReactor* ReportValue(grpc::CallbackServerContext* context, const section::v1::ReportValueRequest* request,
                                        section::v1::ReportValueResponse* response) override;
  grpc::ServerUnaryReactor* ListHistory(grpc::CallbackServerContext* context, const section::v1::ListHistoryRequest* request,
                                        section::v1::ListHistoryResponse* response) override;

 private:
  // Finishes a ReportValue call with `status`, counted.
  void finish_report(grpc::ServerUnaryReactor* reactor, const absl::Status& status);

  reports::ReportDesk& desk_;
  const Gate& gate_;
  metrics::HostCounters* const counters_;
};

}  // namespace section::transport
