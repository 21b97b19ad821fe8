#include "host/transport/health_service.h"

#include "host/transport/counted_call.h"

namespace section::transport {

// One Watch stream: the status at once, then each change; a slow client gets the latest status
// rather than every one in between.
class HealthService::WatchStream : public grpc::ServerWriteReactor<Response>,
                                   public std::enable_shared_from_this<HealthService::WatchStream> {
 public:
  WatchStream(HealthService& service, std::string name, metrics::MethodStats* stats)
      : service_(service), name_(std::move(name)), counted_(stats) {}

  const std::string& name() const { return name_; }

  void offer(Response::ServingStatus status) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (finished_) return;
    latest_ = status;
    offered_ = true;
    if (closing_) return;  // written with the finish, once the write in flight is done
    if (!writing_ && (!sent_any_ || latest_ != sent_)) write_latest();
  }

  // Ends the stream with `status`, after the latest status if the client has not been sent it:
  // a NOT_SERVING offered at shutdown while the previous status was still being written would
  // otherwise be lost, and the client would see the stream end without it.
  void close(const grpc::Status& status) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (finished_ || closing_) return;
    closing_ = true;
    closing_status_ = status;
    if (!writing_) finish_with_latest();
  }

  void OnWriteDone(bool ok) override {
    std::lock_guard<std::mutex> lock(mutex_);
    writing_ = false;
    if (finished_) return;
    if (!ok) return finish(grpc::Status(grpc::StatusCode::UNAVAILABLE, "the stream could not be written"));
    if (closing_) return finish_with_latest();
    if (latest_ != sent_) write_latest();
  }

  void OnCancel() override {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!finished_) finish(grpc::Status::CANCELLED);  // nobody reads any more: nothing left to send
  }

  void OnDone() override {
    std::shared_ptr<WatchStream> self = shared_from_this();
    std::lock_guard<std::mutex> lock(service_.mutex_);
    service_.watches_.erase(self);  // the last owner: the stream goes when `self` does
  }

 private:
  void finish(const grpc::Status& status) {  // with mutex_ held, once
    finished_ = true;
    counted_.finished(status);
    Finish(status);
  }

  void write_latest() {  // with mutex_ held
    sent_ = latest_;
    sent_any_ = true;
    writing_ = true;
    message_.set_status(sent_);
    StartWrite(&message_);
  }

  void finish_with_latest() {  // with mutex_ held, no write in flight, once
    if (!offered_ || (sent_any_ && latest_ == sent_)) return finish(closing_status_);
    sent_ = latest_;
    sent_any_ = true;
    finished_ = true;
    counted_.finished(closing_status_);
    message_.set_status(sent_);
    StartWriteAndFinish(&message_, grpc::WriteOptions(), closing_status_);
  }

  HealthService& service_;
  const std::string name_;
  CountedCall counted_;
  std::mutex mutex_;
  Response message_;
  Response::ServingStatus latest_ = Response::UNKNOWN;
  Response::ServingStatus sent_ = Response::UNKNOWN;
  bool sent_any_ = false;
  bool offered_ = false;  // a status was offered: a stream opened during shutdown has none to send
  bool writing_ = false;
  bool closing_ = false;  // close() came: finish once the latest status is written
  grpc::Status closing_status_;
  bool finished_ = false;
};

HealthService::HealthService(metrics::GrpcMetrics* grpc_metrics, int max_watch_streams)
    : check_stats_(method_stats(grpc_metrics, "/grpc.health.v1.Health/Check")),
      watch_stats_(method_stats(grpc_metrics, "/grpc.health.v1.Health/Watch")),
      max_watch_streams_(max_watch_streams) {}

HealthService::~HealthService() { close_watches(); }

HealthService::Response::ServingStatus HealthService::status_of(const std::string& name) const {
  const auto found = serving_.find(name);
  if (found == serving_.end()) return Response::SERVICE_UNKNOWN;
  return found->second && !shut_down_ ? Response::SERVING : Response::NOT_SERVING;
}

void HealthService::SetServingStatus(const std::string& service_name, bool serving) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    serving_[service_name] = serving;
  }
  tell_watchers(&service_name);
}

void HealthService::SetServingStatus(bool serving) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (auto& entry : serving_) entry.second = serving;
  }
  tell_watchers(nullptr);
}

void HealthService::Shutdown() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    shut_down_ = true;
  }
  tell_watchers(nullptr);
}

void HealthService::tell_watchers(const std::string* name) {
  // Under the service's lock, so that two changes reach a stream in the order they were made
  // (a stream's offer takes its own lock after this one, never the other way round).
  std::lock_guard<std::mutex> lock(mutex_);
  for (const auto& stream : watches_) {
    if (name == nullptr || stream->name() == *name) stream->offer(status_of(stream->name()));
  }
}

void HealthService::close_watches() {
  std::set<std::shared_ptr<WatchStream>> streams;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    closing_ = true;
    streams = watches_;
  }
  for (const auto& stream : streams) stream->close(grpc::Status(grpc::StatusCode::UNAVAILABLE, "section-host is shutting down"));
}

grpc::ServerUnaryReactor* HealthService::Check(grpc::CallbackServerContext* context,
                                               const grpc::health::v1::HealthCheckRequest* request, Response* response) {
  UnaryCall call(context, check_stats_);
  Response::ServingStatus status;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    status = status_of(request->service());
  }
  if (status == Response::SERVICE_UNKNOWN) return call.finish(grpc::Status(grpc::StatusCode::NOT_FOUND, "service name unknown"));
  response->set_status(status);
  return call.finish(grpc::Status::OK);
}

grpc::ServerWriteReactor<HealthService::Response>* HealthService::Watch(grpc::CallbackServerContext*,
                                                                        const grpc::health::v1::HealthCheckRequest* request) {
  auto stream = std::make_shared<WatchStream>(*this, request->service(), watch_stats_);
  bool closing = false;
  bool full = false;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    closing = closing_;
    full = static_cast<int>(watches_.size()) >= max_watch_streams_;
    watches_.insert(stream);
    if (!closing && !full) stream->offer(status_of(request->service()));
  }
  if (closing) {
    stream->close(grpc::Status(grpc::StatusCode::UNAVAILABLE, "section-host is shutting down"));
  } else if (full) {
    stream->close(grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED, "too many health Watch streams at once "
                                                                     "(limits.max_watch_streams is " +
                                                                         std::to_string(max_watch_streams_) + "); retry later"));
  }
  return stream.get();
}

}  // namespace section::transport
