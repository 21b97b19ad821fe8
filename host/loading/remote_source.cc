#include "host/loading/remote_source.h"

#include <algorithm>

#include "section/sdk/abi.h"

namespace section::loading {
namespace {

int level_of(section::v1::LogLine::Level level) {
  switch (level) {
    case section::v1::LogLine::DEBUG: return SECTION_LOG_DEBUG;
    case section::v1::LogLine::WARNING: return SECTION_LOG_WARNING;
    case section::v1::LogLine::ERROR: return SECTION_LOG_ERROR;
    default: return SECTION_LOG_INFO;
  }
}

}  // namespace

absl::Status status_of(const grpc::Status& status, std::string message) {
  switch (status.error_code()) {
    case grpc::StatusCode::INVALID_ARGUMENT: return settings_error(std::move(message));
    case grpc::StatusCode::FAILED_PRECONDITION: return data_error(std::move(message));
    default: return plugin_failed(std::move(message));
  }
}

RemoteSource::RemoteSource(std::string address, SourceEvents events, std::chrono::milliseconds timeout)
    : address_(std::move(address)), events_(std::make_shared<SourceEvents>(std::move(events))), timeout_(timeout) {
  grpc::ChannelArguments arguments;
  // Plugins answer with whole components; leave room for large ones.
  arguments.SetMaxReceiveMessageSize(64 << 20);
  // A plugin's socket appears moments after its process starts: retry connecting quickly
  // instead of gRPC's default first backoff of a second.
  arguments.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 10);
  arguments.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 10);
  arguments.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 250);
  channel_ = grpc::CreateCustomChannel(address_, grpc::InsecureChannelCredentials(), arguments);
  stub_ = section::v1::PluginService::NewStub(channel_);
}

RemoteSource::~RemoteSource() {
  closing_ = true;
  events_context_.TryCancel();
  if (events_thread_.joinable()) events_thread_.join();
}

absl::Status RemoteSource::connect(const std::function<bool()>& give_up, std::chrono::milliseconds timeout) {
  if (timeout.count() <= 0) timeout = timeout_;
  const auto until = std::chrono::system_clock::now() + timeout;
  while (std::chrono::system_clock::now() < until) {
    if (channel_->WaitForConnected(std::min(until, std::chrono::system_clock::now() + std::chrono::milliseconds(20)))) {
      return absl::OkStatus();
    }
    if (give_up && give_up()) break;
  }
  return plugin_failed("plugin endpoint " + address_ + " did not accept a connection within " +
                       std::to_string(timeout.count()) + " ms");
}

absl::Status RemoteSource::start(const section::v1::PluginStartRequest& request) {
  plugin_id_ = request.plugin_id();
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + timeout_);
  section::v1::StartResponse response;
  const grpc::Status status = stub_->Start(&context, request, &response);
  if (!status.ok()) return status_of(status, failure("did not start", status));
  events_thread_ = std::thread([this] { read_events(); });
  return absl::OkStatus();
}

absl::StatusOr<Handover> RemoteSource::fetch() {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + timeout_);
  Handover handover;
  const grpc::Status status = stub_->Publish(&context, section::v1::PublishRequest(), &handover.component);
  if (!status.ok()) return status_of(status, failure("failed to publish", status));
  // gRPC's stub hands over the message it parsed, not the bytes: serialized here once, to be kept.
  handover.bytes = handover.component.SerializeAsString();
  return handover;
}

absl::Status RemoteSource::check(const section::v1::Component& component) {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + timeout_);
  section::v1::CheckResponse response;
  const grpc::Status status = stub_->Check(&context, component, &response);
  if (status.error_code() == grpc::StatusCode::UNIMPLEMENTED) return absl::UnimplementedError(status.error_message());
  if (!status.ok()) return plugin_failed(failure("failed to check the component", status));
  std::string problems;
  for (const auto& problem : response.problems()) problems += (problems.empty() ? "" : "\n") + problem;
  return problems.empty() ? absl::OkStatus() : absl::InvalidArgumentError(problems);
}

std::string RemoteSource::failure(const std::string& what, const grpc::Status& status) const {
  const std::string text = failure_text(status);
  // A runner's own error already names the plugin and its library, and says what failed:
  // only where it ran is added.
  const std::string named = "plugin '" + plugin_id_ + "' ";
  if (text.rfind(named, 0) == 0) return text + " [in its own process, " + address_ + "]";
  return named + "(" + address_ + ") " + what + ": " + text;
}

std::string RemoteSource::failure_text(const grpc::Status& status) const {
  return status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED
             ? "no answer within " + std::to_string(timeout_.count()) + " ms (plugin_call_timeout_ms)"
             : status.error_message();
}

void RemoteSource::read_events() {
  auto reader = stub_->Events(&events_context_, section::v1::EventsRequest());
  section::v1::PluginEvent event;
  while (reader->Read(&event)) {
    if (event.has_log() && events_->log) events_->log(level_of(event.log().level()), event.log().message());
    if (event.has_republish() && events_->changed) events_->changed();
  }
  const grpc::Status status = reader->Finish();
  if (!closing_ && events_->lost) {
    events_->lost("its event stream ended (" + std::to_string(status.error_code()) + ": " + status.error_message() + ")");
  }
}

}  // namespace section::loading
