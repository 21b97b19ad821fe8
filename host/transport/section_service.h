// section.v1.SectionService over the gRPC callback API. The handlers only translate: every
// answer comes from host/query on the current SectionView.
#pragma once

#include <memory>
#include <mutex>
#include <set>
#include <string>

#include <google/protobuf/timestamp.pb.h>

#include "host/registry/registry.h"
#include "section/v1/section_service.grpc.pb.h"

namespace section::transport {

// What GetStatus reports about the host itself.
struct HostInfo {
  std::string version;
  std::string config_path;
  std::string listen_address;
  google::protobuf::Timestamp started_at;
};

class SectionService final : public section::v1::SectionService::CallbackService {
 public:
  SectionService(registry::Registry& registry, HostInfo info, int max_watch_streams);
  ~SectionService() override;

  void set_listen_address(std::string address) {
    std::lock_guard<std::mutex> lock(info_mutex_);
    info_.listen_address = std::move(address);
  }
  // Ends every Watch stream with UNAVAILABLE, for a graceful shutdown.
  void close_watches();

  grpc::ServerUnaryReactor* GetSection(grpc::CallbackServerContext* context, const section::v1::GetSectionRequest* request,
                                       section::v1::Section* response) override;
  grpc::ServerUnaryReactor* ListTables(grpc::CallbackServerContext* context, const section::v1::ListTablesRequest* request,
                                       section::v1::ListTablesResponse* response) override;
  grpc::ServerUnaryReactor* GetTable(grpc::CallbackServerContext* context, const section::v1::GetTableRequest* request,
                                     section::v1::Table* response) override;
  grpc::ServerUnaryReactor* ListMeasures(grpc::CallbackServerContext* context,
                                         const section::v1::ListMeasuresRequest* request,
                                         section::v1::ListMeasuresResponse* response) override;
  grpc::ServerUnaryReactor* ListDeliverables(grpc::CallbackServerContext* context,
                                             const section::v1::ListDeliverablesRequest* request,
                                             section::v1::ListDeliverablesResponse* response) override;
  grpc::ServerUnaryReactor* GetStatus(grpc::CallbackServerContext* context, const section::v1::GetStatusRequest* request,
                                      section::v1::HostStatus* response) override;
  grpc::ServerWriteReactor<section::v1::WatchEvent>* Watch(grpc::CallbackServerContext* context,
                                                           const section::v1::WatchRequest* request) override;

  class WatchStream;

 private:
  registry::Registry& registry_;
  std::mutex info_mutex_;  // the listen address is set after the server has started
  HostInfo info_;
  const int max_watch_streams_;
  std::mutex watches_mutex_;
  std::set<std::shared_ptr<WatchStream>> watches_;
  bool closing_ = false;
};

}  // namespace section::transport
