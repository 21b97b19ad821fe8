// section.v1.ReportService: teams report figures (host/reports/report_desk.h). A report waits
// for its transaction to reach the disk and for the version that serves it, so it runs on a
// thread of its own and never holds one of gRPC's callback threads.
#pragma once

#include "host/reports/report_desk.h"
#include "host/transport/call_auth.h"
#include "section/v1/report_service.grpc.pb.h"

namespace section::transport {

class ReportService final : public section::v1::ReportService::CallbackService {
 public:
  ReportService(reports::ReportDesk& desk, const Gate& gate) : desk_(desk), gate_(gate) {}

  grpc::ServerUnaryReactor* ReportValue(grpc::CallbackServerContext* context, const section::v1::ReportValueRequest* request,
                                        section::v1::ReportValueResponse* response) override;
  grpc::ServerUnaryReactor* ListHistory(grpc::CallbackServerContext* context, const section::v1::ListHistoryRequest* request,
                                        section::v1::ListHistoryResponse* response) override;

 private:
  reports::ReportDesk& desk_;
  const Gate& gate_;
};

}  // namespace section::transport
