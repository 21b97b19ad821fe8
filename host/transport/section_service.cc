#include "host/transport/section_service.h"

#include "host/loading/grpc_status.h"
#include "host/transport/answer_language.h"
#include "section/sdk/language.h"
#include "host/query/localize.h"
#include "host/query/queries.h"
#include "section/sdk/abi.h"

namespace section::transport {
namespace {

constexpr const char* kWatchMethod = "section.v1.SectionService.Watch";
constexpr const char* kStarting = "section-host is starting: its plugins are loading and no version is published yet; retry";

// Answers a raw unary call with the bytes of a SerializedAnswer, or its status.
grpc::ServerUnaryReactor* finish(UnaryCall& call, SerializedAnswer&& answer, grpc::ByteBuffer* response) {
  if (answer.status.ok()) *response = std::move(answer.bytes);
  return call.finish(answer.status);
}

// Before the first version exists the host listens but has nothing to answer from.
grpc::ServerUnaryReactor* starting(UnaryCall& call) {
  return call.finish(grpc::Status(grpc::StatusCode::UNAVAILABLE, kStarting));
}

grpc::ServerUnaryReactor* refuse_unparsable(UnaryCall& call, const char* type) {
  return call.finish(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                                  std::string("the request is not a ") + type + " (or a text in it is not UTF-8)"));
}

constexpr const char* kService = "/section.v1.SectionService/";

metrics::MethodStats* stats(metrics::GrpcMetrics* metrics, const char* method) {
  return method_stats(metrics, (std::string(kService) + method).c_str());
}

grpc::ServerUnaryReactor* refuse(UnaryCall& call, const absl::Status& status) { return call.finish(loading::to_grpc(status)); }

// Answers with the English bytes, or with `localized`'s in the language the client asked for.
template <typename English, typename Localized>
grpc::ServerUnaryReactor* answer_in_language(grpc::CallbackServerContext* context, UnaryCall& call,
                                             const SerializedAnswers& answers, grpc::ByteBuffer* response, English english,
                                             Localized in_language) {
  auto language = answer_language(*context, answers);
  if (!language.ok()) return refuse(call, language.status());
  if (localized(*language)) return finish(call, in_language(*answers.in(*language)), response);
  return finish(call, english(), response);
}

}  // namespace

// One Watch stream: sends the current version at once, then each newer version. A slow client
// skips intermediate versions rather than queueing them: it always gets the latest.
class SectionService::WatchStream : public grpc::ServerWriteReactor<grpc::ByteBuffer>,
                                    public std::enable_shared_from_this<SectionService::WatchStream> {
 public:
  // `authorizer` is the one that allowed the call, in `context`.
  WatchStream(SectionService& service, grpc::CallbackServerContext* context,
              std::shared_ptr<const security::Authorizer> authorizer)
      : service_(service), context_(context), checked_with_(std::move(authorizer)), counted_call_(service.meters_.watch) {}

  // The languages asked for (nullopt: English, as without accept-language). The language is
  // chosen with the first event's answers, and told before it in content-language.
  void set_languages(std::optional<std::vector<query::LanguageRange>> ranges) { ranges_ = std::move(ranges); }

  // Subscribes before reading the current view, so that no version published in between is
  // missed; whichever arrives second is older and is not sent again. The current view is the
  // one the answers are built from: the registry's may be newer while they are being built, and
  // a client told of a version must be answered from it.
  void begin() {
    std::weak_ptr<WatchStream> weak = shared_from_this();
    listener_ = service_.registry_.subscribe([weak](const registry::ViewPtr& view) {
      if (auto self = weak.lock()) self->offer(view);
    });
    if (service_.counters_ != nullptr) {
      counted_ = true;
      service_.counters_->watch_streams_open.fetch_add(1, std::memory_order_relaxed);
    }
    // Before the first version there is none to offer: the subscription brings it.
    if (const auto current = service_.answers()) offer(current->view());
  }

  void offer(registry::ViewPtr view) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (done_ || finished_) return;
    if (!latest_ || view->version > latest_->version) latest_ = std::move(view);
    if (!writing_ && latest_->version > sent_version_) write_next();
  }

  void close(const grpc::Status& status) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (done_ || finished_) return;
    finish(status);
  }

  // After a reload changed the tokens: a stream whose token no longer allows Watch ends.
  void check_again() {
    std::lock_guard<std::mutex> lock(mutex_);
    if (done_ || finished_) return;
    auto current = service_.gate_.authorizer();
    if (current == checked_with_) return;
    const grpc::Status allowed = service_.gate_.check(*current, *context_, kWatchMethod);
    if (allowed.ok()) {
      checked_with_ = std::move(current);
      return;
    }
    finish(grpc::Status(allowed.error_code(), allowed.error_message() + " (after a reload of the tokens; the Watch stream ends)"));
  }

  void OnWriteDone(bool ok) override {
    std::lock_guard<std::mutex> lock(mutex_);
    writing_ = false;
    if (!ok) {
      if (!finished_) finish(grpc::Status(grpc::StatusCode::UNAVAILABLE, "the stream could not be written"));
      return;
    }
    if (!finished_ && latest_ && latest_->version > sent_version_) write_next();
  }

  void OnCancel() override { close(grpc::Status::CANCELLED); }

  void OnDone() override {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      done_ = true;
    }
    service_.registry_.unsubscribe(listener_);
    if (counted_) service_.counters_->watch_streams_open.fetch_sub(1, std::memory_order_relaxed);
    std::shared_ptr<WatchStream> self = shared_from_this();
    std::lock_guard<std::mutex> lock(service_.watches_mutex_);
    service_.watches_.erase(self);  // the last owner: the stream goes when `self` does
  }

 private:
  void finish(const grpc::Status& status) {  // with mutex_ held, once
    finished_ = true;
    counted_call_.finished(status);
    Finish(status);
  }

  void write_next() {  // with mutex_ held
    if (ranges_ && language_.empty()) {
      const auto answers = service_.answers();
      language_ = answers ? choose_answer_language(*ranges_, *answers) : std::string(language::kEnglish);
      context_->AddInitialMetadata("content-language", query::canonical_case(language_));
    }
    event_ = service_.watch_event_bytes(latest_, language_);
    sent_version_ = latest_->version;
    writing_ = true;
    StartWrite(&event_);
  }

  SectionService& service_;
  grpc::CallbackServerContext* context_;  // valid until OnDone
  std::shared_ptr<const security::Authorizer> checked_with_;
  std::optional<std::vector<query::LanguageRange>> ranges_;
  std::string language_;
  int listener_ = 0;
  std::mutex mutex_;
  registry::ViewPtr latest_;
  std::uint64_t sent_version_ = 0;
  grpc::ByteBuffer event_;
  bool writing_ = false;
  bool finished_ = false;
  bool done_ = false;
  bool counted_ = false;  // begun, and counted among the streams open
  CountedCall counted_call_;
};

SectionService::SectionService(registry::Registry& registry, HostInfo info, int max_watch_streams, Gate& gate,
                               metrics::HostCounters* counters, metrics::GrpcMetrics* grpc_metrics)
    : registry_(registry),
      gate_(gate),
      info_(std::move(info)),
      max_watch_streams_(max_watch_streams),
      counters_(counters),
      meters_{stats(grpc_metrics, "GetSection"),   stats(grpc_metrics, "ListTables"),       stats(grpc_metrics, "GetTable"),
              stats(grpc_metrics, "ListMeasures"), stats(grpc_metrics, "ListDeliverables"), stats(grpc_metrics, "GetStatus"),
              stats(grpc_metrics, "Watch")} {
  // Subscribe first, then take the current view: whichever is newer wins, so no version is missed.
  answers_listener_ = registry_.subscribe([this](const registry::ViewPtr& view) { offer_answers(view); });
  offer_answers(registry_.current());
  gate_listener_ = gate_.on_replace([this] { check_watches_again(); });
}

void SectionService::check_watches_again() {
  std::set<std::shared_ptr<WatchStream>> streams;
  {
    std::lock_guard<std::mutex> lock(watches_mutex_);
    streams = watches_;
  }
  for (const auto& stream : streams) stream->check_again();
}

void SectionService::offer_answers(const registry::ViewPtr& view) {
  if (!view) return;
  std::shared_ptr<const SerializedAnswers> fresh = std::make_shared<SerializedAnswers>(view);
  std::shared_ptr<const SerializedAnswers> existing = std::atomic_load(&answers_);
  while (!existing || existing->view()->version < view->version) {
    if (std::atomic_compare_exchange_weak(&answers_, &existing, fresh)) return;
  }
}

SectionService::~SectionService() {
  gate_.remove_on_replace(gate_listener_);
  registry_.unsubscribe(answers_listener_);
  close_watches();
}

void SectionService::close_watches() {
  std::set<std::shared_ptr<WatchStream>> streams;
  {
    std::lock_guard<std::mutex> lock(watches_mutex_);
    closing_ = true;
    streams = watches_;
  }
  for (const auto& stream : streams) {
    stream->close(grpc::Status(grpc::StatusCode::UNAVAILABLE, "section-host is shutting down"));
  }
}

grpc::ServerUnaryReactor* SectionService::refuse_unless_allowed(grpc::CallbackServerContext* context, UnaryCall& call,
                                                                const char* method) {
  const grpc::Status allowed = gate_.check(*context, method);
  return allowed.ok() ? nullptr : call.finish(allowed);
}

grpc::ServerUnaryReactor* SectionService::GetSection(grpc::CallbackServerContext* context, const grpc::ByteBuffer*,
                                                     grpc::ByteBuffer* response) {
  UnaryCall call(context, meters_.get_section);
  if (auto* refused = refuse_unless_allowed(context, call, "section.v1.SectionService.GetSection")) return refused;
  const auto current = answers();
  if (!current) return starting(call);
  return answer_in_language(
      context, call, *current, response, [&] { return SerializedAnswer{grpc::Status::OK, current->section()}; },
      [](const LocalizedAnswers& in) { return SerializedAnswer{grpc::Status::OK, in.section()}; });
}

grpc::ServerUnaryReactor* SectionService::ListTables(grpc::CallbackServerContext* context, const grpc::ByteBuffer*,
                                                     grpc::ByteBuffer* response) {
  UnaryCall call(context, meters_.list_tables);
  if (auto* refused = refuse_unless_allowed(context, call, "section.v1.SectionService.ListTables")) return refused;
  const auto current = answers();
  if (!current) return starting(call);
  return answer_in_language(
      context, call, *current, response, [&] { return SerializedAnswer{grpc::Status::OK, current->tables()}; },
      [](const LocalizedAnswers& in) { return SerializedAnswer{grpc::Status::OK, in.tables()}; });
}

grpc::ServerUnaryReactor* SectionService::GetTable(grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
                                                   grpc::ByteBuffer* response) {
  UnaryCall call(context, meters_.get_table);
  if (auto* refused = refuse_unless_allowed(context, call, "section.v1.SectionService.GetTable")) return refused;
  section::v1::GetTableRequest parsed;
  if (!parse(*request, &parsed)) return refuse_unparsable(call, "section.v1.GetTableRequest");
  const auto current = answers();
  if (!current) return starting(call);
  return answer_in_language(
      context, call, *current, response, [&] { return current->table(parsed); },
      [&](const LocalizedAnswers& in) { return in.table(parsed); });
}

grpc::ServerUnaryReactor* SectionService::ListMeasures(grpc::CallbackServerContext* context,
                                                       const grpc::ByteBuffer* request, grpc::ByteBuffer* response) {
  UnaryCall call(context, meters_.list_measures);
  if (auto* refused = refuse_unless_allowed(context, call, "section.v1.SectionService.ListMeasures")) return refused;
  section::v1::ListMeasuresRequest parsed;
  if (!parse(*request, &parsed)) return refuse_unparsable(call, "section.v1.ListMeasuresRequest");
  const auto current = answers();
  if (!current) return starting(call);
  return answer_in_language(
      context, call, *current, response, [&] { return current->measures(parsed); },
      [&](const LocalizedAnswers& in) { return in.measures(parsed); });
}

grpc::ServerUnaryReactor* SectionService::ListDeliverables(grpc::CallbackServerContext* context,
                                                           const grpc::ByteBuffer* request, grpc::ByteBuffer* response) {
  UnaryCall call(context, meters_.list_deliverables);
  if (auto* refused = refuse_unless_allowed(context, call, "section.v1.SectionService.ListDeliverables")) return refused;
  section::v1::ListDeliverablesRequest parsed;
  if (!parse(*request, &parsed)) return refuse_unparsable(call, "section.v1.ListDeliverablesRequest");
  const auto current = answers();
  if (!current) return starting(call);
  return answer_in_language(
      context, call, *current, response, [&] { return current->deliverables(parsed); },
      [&](const LocalizedAnswers& in) { return in.deliverables(parsed); });
}

absl::StatusOr<section::v1::HostStatus> SectionService::status() {
  // The version the other queries answer from, not the registry's newest: that one is served
  // only once its answers are built.
  const auto current = answers();
  if (!current) return absl::UnavailableError(kStarting);
  const registry::ViewPtr view = current->view();
  section::v1::HostStatus response;
  {
    std::lock_guard<std::mutex> lock(info_mutex_);
    response.set_host_version(info_.version);
    response.set_config_path(info_.config_path);
    response.set_listen_address(info_.listen_address);
    *response.mutable_started_at() = info_.started_at;
  }
  response.set_plugin_abi_version(SECTION_PLUGIN_ABI_VERSION);
  response.set_version(view->version);
  for (const auto& status : view->section.component_status()) *response.add_components() = status;
  response.set_reconciliation_differences(view->reconciliation_differences);
  if (info_.storage) response.set_storage(info_.storage());
  *response.mutable_section() = view->section.info();
  return response;
}

grpc::ServerUnaryReactor* SectionService::GetStatus(grpc::CallbackServerContext* context,
                                                    const section::v1::GetStatusRequest*,
                                                    section::v1::HostStatus* response) {
  UnaryCall call(context, meters_.get_status);
  if (auto* refused = refuse_unless_allowed(context, call, "section.v1.SectionService.GetStatus")) return refused;
  auto built = status();
  // The status carries its texts' other languages itself, so it is localized whichever version
  // the cached answers (which say what languages there are) are at.
  if (const auto current = answers(); built.ok() && current) {
    auto language = answer_language(*context, *current);
    if (!language.ok()) return refuse(call, language.status());
    if (localized(*language)) query::localize(*built, *language, current->source_language());
  }
  if (built.ok()) *response = std::move(*built);
  return call.finish(loading::to_grpc(built.status()));
}

grpc::ByteBuffer SectionService::watch_event_bytes(const registry::ViewPtr& view, const std::string& language) const {
  // The answers cache sees each version before any stream does (it subscribed first).
  const auto cached = answers();
  if (cached && cached->view() == view) return localized(language) ? cached->in(language)->watch_event() : cached->watch_event();
  // This event alone, in the source's language of the cached version (a section file's
  // source_language is the same from one version to the next but for a reload that changes it).
  if (localized(language)) return localized_watch_event(*view, language, cached ? cached->source_language() : std::string());
  return serialize(query::watch_event(*view));
}

grpc::ServerWriteReactor<grpc::ByteBuffer>* SectionService::Watch(grpc::CallbackServerContext* context,
                                                                  const grpc::ByteBuffer*) {
  auto authorizer = gate_.authorizer();
  const grpc::Status allowed = gate_.check(*authorizer, *context, kWatchMethod);
  auto stream = std::make_shared<WatchStream>(*this, context, std::move(authorizer));
  bool closing = false;
  bool full = false;
  {
    std::lock_guard<std::mutex> lock(watches_mutex_);
    closing = closing_;
    // Each stream holds memory and a subscription: the number at once is capped.
    full = static_cast<int>(watches_.size()) >= max_watch_streams_;
    watches_.insert(stream);
  }
  auto languages = requested_languages(*context);
  if (!allowed.ok()) {
    stream->close(allowed);
  } else if (!languages.ok()) {
    stream->close(loading::to_grpc(languages.status()));
  } else if (closing) {
    stream->close(grpc::Status(grpc::StatusCode::UNAVAILABLE, "section-host is shutting down"));
  } else if (full) {
    stream->close(grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED,
                               "too many Watch streams at once (limits.max_watch_streams is " +
                                   std::to_string(max_watch_streams_) + "); retry later"));
  } else {
    stream->set_languages(std::move(*languages));
    stream->begin();
  }
  return stream.get();
}

}  // namespace section::transport
