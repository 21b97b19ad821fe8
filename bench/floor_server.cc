// section-bench-floor: the floor a query benchmark is measured against. A minimal gRPC server
// on the same API (callback, raw methods) that answers GetSection, GetTable, ListMeasures and
// ListDeliverables with one pre-built message of exactly --bytes bytes, doing nothing per call
// but hand those bytes over, beside gRPC's health service. It prints "serving ADDR" once it
// listens.
//
//   section-bench-floor --listen 127.0.0.1:0 --bytes 4096 [--pin 0]
#include <csignal>
#include <cstdio>
#include <string>

#include <grpcpp/grpcpp.h>

#include "bench/bench_common.h"
#include "section/v1/section_service.grpc.pb.h"

namespace {

using Base = section::v1::SectionService::WithRawCallbackMethod_GetSection<
    section::v1::SectionService::WithRawCallbackMethod_GetTable<
        section::v1::SectionService::WithRawCallbackMethod_ListMeasures<
            section::v1::SectionService::WithRawCallbackMethod_ListDeliverables<
                section::v1::SectionService::CallbackService>>>>;

// A serialized Table of exactly `bytes` bytes (a title padded to the size).
grpc::ByteBuffer message_of_size(std::size_t bytes) {
  section::v1::Table table;
  std::size_t title = bytes > 8 ? bytes - 8 : 0;
  for (;;) {
    table.set_title(std::string(title, 'x'));
    const std::size_t size = table.ByteSizeLong();
    if (size == bytes || title == 0) break;
    title = size > bytes ? title - std::min(title, size - bytes) : title + (bytes - size);
  }
  grpc::Slice slice(table.SerializeAsString());
  return grpc::ByteBuffer(&slice, 1);
}

class FloorService final : public Base {
 public:
  explicit FloorService(grpc::ByteBuffer answer) : answer_(std::move(answer)) {}
  grpc::ServerUnaryReactor* GetSection(grpc::CallbackServerContext* context, const grpc::ByteBuffer*, grpc::ByteBuffer* response) override {
    return answer(context, response);
  }
  grpc::ServerUnaryReactor* GetTable(grpc::CallbackServerContext* context, const grpc::ByteBuffer*, grpc::ByteBuffer* response) override {
    return answer(context, response);
  }
  grpc::ServerUnaryReactor* ListMeasures(grpc::CallbackServerContext* context, const grpc::ByteBuffer*, grpc::ByteBuffer* response) override {
    return answer(context, response);
  }
  grpc::ServerUnaryReactor* ListDeliverables(grpc::CallbackServerContext* context, const grpc::ByteBuffer*, grpc::ByteBuffer* response) override {
    return answer(context, response);
  }

 private:
  grpc::ServerUnaryReactor* answer(grpc::CallbackServerContext* context, grpc::ByteBuffer* response) {
    *response = answer_;
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }
  grpc::ByteBuffer answer_;
};

}  // namespace

int main(int argc, char** argv) {
  const auto flags = section::bench::parse_flags(argc, argv);
  section::bench::pin_to_cpu(std::stoi(section::bench::flag(flags, "pin", "-1")));
  const std::string listen = section::bench::flag(flags, "listen", "127.0.0.1:0");
  FloorService service(message_of_size(std::stoul(section::bench::flag(flags, "bytes", "0"))));

  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGTERM);
  sigaddset(&stop, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop, nullptr);

  // The host serves gRPC's health service too: the floor pays for it as well, so that start-up
  // is compared like for like.
  grpc::EnableDefaultHealthCheckService(true);
  grpc::ServerBuilder builder;
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  builder.SetMaxSendMessageSize(64 << 20);
  int port = 0;
  builder.AddListeningPort(listen, grpc::InsecureServerCredentials(), &port);
  builder.RegisterService(&service);
  auto server = builder.BuildAndStart();
  if (!server || port == 0) {
    std::fprintf(stderr, "section-bench-floor: cannot listen on %s\n", listen.c_str());
    return 1;
  }
  std::printf("serving %s%d\n", listen.substr(0, listen.rfind(':') + 1).c_str(), port);
  std::fflush(stdout);
  int signal = 0;
  sigwait(&stop, &signal);
  server->Shutdown();
  return 0;
}
