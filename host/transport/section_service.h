// section.v1.SectionService over the gRPC callback API. The handlers only translate: every
// answer comes from the current version's serialized answers (SerializedAnswers, built from a
// query::PublishedView).
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <string>

#include <google/protobuf/timestamp.pb.h>

#include <absl/status/statusor.h>

#include "host/metrics/host_counters.h"
#include "host/registry/registry.h"
#include "host/transport/call_auth.h"
#include "host/transport/counted_call.h"
#include "host/transport/serialized_answers.h"
#include "section/v1/section_service.grpc.pb.h"

namespace section::transport {

// What GetStatus reports about the host itself.
struct HostInfo {
  std::string version;
  std::string config_path;
  std::string listen_address;
  google::protobuf::Timestamp started_at;
  // Where reported figures are kept and whether they can be written (HostStatus.storage).
  std::function<std::string()> storage;
};

// The unary queries are raw methods: they answer with bytes serialized once per version
// (serialized_answers.h); so does Watch, which writes each version's event bytes, made once, to
// every stream. GetStatus builds its answer per call.
using SectionServiceBase = section::v1::SectionService::WithRawCallbackMethod_GetSection<
    section::v1::SectionService::WithRawCallbackMethod_ListTables<
        section::v1::SectionService::WithRawCallbackMethod_GetTable<
            section::v1::SectionService::WithRawCallbackMethod_ListMeasures<
                section::v1::SectionService::WithRawCallbackMethod_ListDeliverables<
                    section::v1::SectionService::WithRawCallbackMethod_Watch<
                        section::v1::SectionService::CallbackService>>>>>>;

class SectionService final : public SectionServiceBase {
 public:
  // `counters` (may be null) counts the Watch streams open; `grpc_metrics` (may be null) every
  // call, by method and code (counted_call.h).
  SectionService(registry::Registry& registry, HostInfo info, int max_watch_streams, Gate& gate,
                 metrics::HostCounters* counters = nullptr, metrics::GrpcMetrics* grpc_metrics = nullptr);
  ~SectionService() override;

  // The answers every query reads now; null before version 1. The HTTP listener answers from
  // the same ones.
  std::shared_ptr<const SerializedAnswers> answers() const { return std::atomic_load(&answers_); }
  // What GetStatus answers: the host and the version of the current answers; UNAVAILABLE
  // before version 1.
  absl::StatusOr<section::v1::HostStatus> status();

  void set_listen_address(std::string address) {
    std::lock_guard<std::mutex> lock(info_mutex_);
    info_.listen_address = std::move(address);
  }
  // Ends every Watch stream with UNAVAILABLE, for a graceful shutdown.
  void close_watches();
  // Ends every Watch stream whose token the gate's new tokens no longer allow.
  void check_watches_again();

  grpc::ServerUnaryReactor* GetSection(grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
                                       grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* ListTables(grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
                                       grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* GetTable(grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
                                     grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* ListMeasures(grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
                                         grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* ListDeliverables(grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
                                             grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* GetStatus(grpc::CallbackServerContext* context, const section::v1::GetStatusRequest* request,
                                      section::v1::HostStatus* response) override;
  grpc::ServerWriteReactor<grpc::ByteBuffer>* Watch(grpc::CallbackServerContext* context,
                                                    const grpc::ByteBuffer* request) override;

  class WatchStream;

 private:
  // Each method's cells in the gRPC metrics, found once (null: not counted).
  struct Meters {
    metrics::MethodStats* get_section = nullptr;
    metrics::MethodStats* list_tables = nullptr;
    metrics::MethodStats* get_table = nullptr;
    metrics::MethodStats* list_measures = nullptr;
    metrics::MethodStats* list_deliverables = nullptr;
    metrics::MethodStats* get_status = nullptr;
    metrics::MethodStats* watch = nullptr;
  };
  // The call finished with the gate's refusal of `method`, or null when the call is allowed.
  grpc::ServerUnaryReactor* refuse_unless_allowed(grpc::CallbackServerContext* context, UnaryCall& call,
                                                  const char* method);
  void offer_answers(const registry::ViewPtr& view);
  // The bytes of `view`'s WatchEvent: the shared ones when the answers are of that version.
  // `language`: empty or English for the English bytes, else that language's.
  grpc::ByteBuffer watch_event_bytes(const registry::ViewPtr& view, const std::string& language = {}) const;

  registry::Registry& registry_;
  Gate& gate_;
  int gate_listener_ = 0;
  // The current version's answers. Replaced by a registry listener that subscribes before any
  // Watch stream can, so a client told of version N by Watch is answered from N or later.
  std::shared_ptr<const SerializedAnswers> answers_;
  int answers_listener_ = 0;
  std::mutex info_mutex_;  // the listen address is set after the server has started
  HostInfo info_;
  const int max_watch_streams_;
  metrics::HostCounters* const counters_;
  const Meters meters_;
  std::mutex watches_mutex_;
  std::set<std::shared_ptr<WatchStream>> watches_;
  bool closing_ = false;
};

}  // namespace section::transport
