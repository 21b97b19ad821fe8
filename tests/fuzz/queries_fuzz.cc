// The request handlers (host/query/queries.h) on the real Section 29F, as the gRPC service calls
// them. The first byte of an input chooses the request and the view; the rest is the request
// as it arrives on the wire (a serialized protobuf):
//   byte % 3:       0 GetTableRequest, 1 ListMeasuresRequest, 2 ListDeliverablesRequest
//   (byte / 3) % 2: 0 all five components serving, 1 only edm and hr (the others disabled)
// A refusal (an absl::Status) is the normal answer to a bad request; an exception or a crash is a bug. The
// lists are asked of the built view and of what the host keeps of it (PublishedView), and the
// two must answer alike.
#include <type_traits>
#include <variant>

#include "fuzz_support.h"
#include "host/query/queries.h"
#include "section_data.h"

namespace {

using section::aggregate::SectionView;
using section::fuzz::bug;
using section::query::PublishedView;

const SectionView& view(bool partial) {
  static const SectionView all = section::fuzz::view_of(section::fuzz::components());
  static const SectionView some = [] {
    std::vector<section::v1::Component> serving;
    for (const auto& component : section::fuzz::components()) {
      if (component.id() == "edm" || component.id() == "hr") serving.push_back(component);
    }
    return section::fuzz::view_of(std::move(serving));
  }();
  return partial ? some : all;
}

const PublishedView& published(bool partial) {
  static const PublishedView all = section::query::serialize_view(view(false), {});
  static const PublishedView some = section::query::serialize_view(view(true), {});
  return partial ? some : all;
}

// The same answer: the same bytes, or refused with the same words.
template <typename T>
void same(const absl::StatusOr<T>& built, const absl::StatusOr<T>& kept) {
  if (built.ok() != kept.ok()) bug("the published view answers otherwise than the built one");
  if (!built.ok()) {
    if (built.status() != kept.status()) bug("the published view refuses otherwise than the built one");
    return;
  }
  if (built->SerializeAsString() != kept->SerializeAsString()) {
    bug("the published view lists otherwise than the built one");
  }
}

template <typename Request, typename Handler>
void answer(bool partial, const std::uint8_t* data, std::size_t size, Handler handler) {
  Request request;
  if (!request.ParseFromArray(data, static_cast<int>(size))) return;  // gRPC refuses it before us
  const auto answer = handler(view(partial), request);
  if constexpr (!std::is_same_v<Request, section::v1::GetTableRequest>) same(answer, handler(published(partial), request));
  if (!answer.ok()) {
    if (answer.status().message().empty()) bug("a query refused without a reason");
    return;
  }
  // The answer goes back on the wire.
  const auto& response = *answer;
  if (response.SerializeAsString().size() != response.ByteSizeLong()) bug("an answer that does not serialize");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0 || size > 64 * 1024) return 0;  // the host refuses larger requests
  const bool partial = (data[0] / 3) % 2 == 1;
  const auto measures = [](const auto& view, const auto& request) { return section::query::list_measures(view, request); };
  const auto deliverables = [](const auto& view, const auto& request) { return section::query::list_deliverables(view, request); };
  switch (data[0] % 3) {
    case 0: answer<section::v1::GetTableRequest>(partial, data + 1, size - 1, section::query::get_table); break;
    case 1: answer<section::v1::ListMeasuresRequest>(partial, data + 1, size - 1, measures); break;
    default: answer<section::v1::ListDeliverablesRequest>(partial, data + 1, size - 1, deliverables); break;
  }
  return 0;
}
