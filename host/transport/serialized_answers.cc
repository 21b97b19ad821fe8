#include "host/transport/serialized_answers.h"

#include <grpcpp/support/proto_buffer_reader.h>

#include "host/query/queries.h"
#include "host/loading/grpc_status.h"

namespace section::transport {

using loading::to_grpc;
namespace {

template <typename T>
SerializedAnswer answer_of(absl::StatusOr<T>&& answer) {
  SerializedAnswer out;
  if (answer.ok()) {
    out.bytes = serialize(*answer);
  } else {
    out.status = to_grpc(answer.status());
  }
  return out;
}

std::string key_of(const std::string& component, int year) { return component + "|" + std::to_string(year); }

// A slice of bytes that the view owns, without copying them: it keeps the view alive until gRPC
// no longer needs the bytes.
grpc::Slice view_slice(const registry::ViewPtr& view, std::string_view bytes) {
  return grpc::Slice(const_cast<char*>(bytes.data()), bytes.size(), [](void* held) { delete static_cast<registry::ViewPtr*>(held); },
                     new registry::ViewPtr(view));
}

// Bytes in parts (a component's share, then what the version adds), sent as they are.
grpc::ByteBuffer view_buffer(const registry::ViewPtr& view, const std::vector<std::string_view>& parts) {
  std::vector<grpc::Slice> slices;
  slices.reserve(parts.size());
  for (const auto part : parts) {
    if (!part.empty()) slices.push_back(view_slice(view, part));
  }
  return grpc::ByteBuffer(slices.data(), slices.size());
}

grpc::Slice component_slice(const query::StoredPtr& component) {
  return grpc::Slice(const_cast<char*>(component->bytes.data()), component->bytes.size(),
                     [](void* held) { delete static_cast<query::StoredPtr*>(held); }, new query::StoredPtr(component));
}

// The serialized Section as the view keeps it: its head, each component's field around the
// component's own bytes (shared with the registry), its tail. Nothing is copied but the prefixes.
grpc::ByteBuffer section_of(const registry::ViewPtr& view) {
  std::vector<grpc::Slice> slices;
  slices.reserve(view->components.size() * 2 + 2);
  slices.push_back(view_slice(view, view->section_head));
  for (const auto& component : view->components) {
    slices.emplace_back(query::component_field_prefix(component->bytes.size()));
    slices.push_back(component_slice(component));
  }
  slices.push_back(view_slice(view, view->section_tail));
  return grpc::ByteBuffer(slices.data(), slices.size());
}

}  // namespace

grpc::ByteBuffer serialize(const google::protobuf::Message& message) {
  // Straight into the slice gRPC sends, not through a string copied into it: with many
  // components an answer is megabytes, and every byte first written is a page fault.
  grpc::Slice slice(message.ByteSizeLong());
  message.SerializeWithCachedSizesToArray(const_cast<std::uint8_t*>(slice.begin()));
  return grpc::ByteBuffer(&slice, 1);
}

bool parse(const grpc::ByteBuffer& bytes, google::protobuf::Message* message) {
  grpc::ByteBuffer copy(bytes);  // the reader needs a mutable buffer; copying shares the slices
  grpc::ProtoBufferReader reader(&copy);
  return message->ParseFromZeroCopyStream(&reader);
}

SerializedAnswers::SerializedAnswers(registry::ViewPtr view) : view_(std::move(view)) {
  section_ = section_of(view_);
  tables_ = serialize(query::list_tables(*view_));
  watch_event_ = serialize(query::watch_event(*view_));
  // A slice keeps the view alive, and the view the shares its slices point into.
  for (const auto& [id, span] : view_->tables) table_bytes_.emplace(id, view_buffer(view_, view_->table_parts(span)));
  // The unfiltered lists are asked for most: the view has them ready.
  measures_.emplace(key_of({}, 0), SerializedAnswer{grpc::Status::OK, view_buffer(view_, view_->all_measures_parts())});
  deliverables_.emplace(key_of({}, 0), SerializedAnswer{grpc::Status::OK, view_buffer(view_, view_->all_deliverables_parts())});
}

SerializedAnswer SerializedAnswers::table(const section::v1::GetTableRequest& request) const {
  if (auto found = table_bytes_.find(request.id()); found != table_bytes_.end()) return {grpc::Status::OK, found->second};
  return {to_grpc(query::missing_table(request.id(), view_->tables.size())), {}};
}

SerializedAnswer SerializedAnswers::measures(const section::v1::ListMeasuresRequest& request) const {
  const std::string key = key_of(request.component(), request.year());
  {
    std::lock_guard<std::mutex> lock(lists_mutex_);
    if (auto found = measures_.find(key); found != measures_.end()) return found->second;
  }
  SerializedAnswer answer = answer_of(query::list_measures(*view_, request));
  std::lock_guard<std::mutex> lock(lists_mutex_);
  // Bounded: only keys that the view can answer are kept (errors are not cached).
  if (answer.status.ok()) measures_.emplace(key, answer);
  return answer;
}

SerializedAnswer SerializedAnswers::deliverables(const section::v1::ListDeliverablesRequest& request) const {
  const std::string key = key_of(request.component(), request.year());
  {
    std::lock_guard<std::mutex> lock(lists_mutex_);
    if (auto found = deliverables_.find(key); found != deliverables_.end()) return found->second;
  }
  SerializedAnswer answer = answer_of(query::list_deliverables(*view_, request));
  std::lock_guard<std::mutex> lock(lists_mutex_);
  if (answer.status.ok()) deliverables_.emplace(key, answer);
  return answer;
}

const std::set<std::string>& SerializedAnswers::languages() const {
  std::call_once(languages_once_, [this] { languages_ = languages_of(*view_, &source_language_); });
  return languages_;
}

const std::string& SerializedAnswers::source_language() const {
  languages();
  return source_language_;
}

std::shared_ptr<const LocalizedAnswers> SerializedAnswers::in(const std::string& language) const {
  std::lock_guard<std::mutex> lock(localized_mutex_);
  auto& answers = localized_[language];
  if (!answers) answers = std::make_shared<const LocalizedAnswers>(view_, language, source_language());
  return answers;
}

}  // namespace section::transport
