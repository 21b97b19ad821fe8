// The client queries as pure functions of a view: what each RPC answers, and why not. Each is
// given for the built view (aggregate::SectionView, every message) and for what the host keeps
// of it (PublishedView, serialized), and both answer alike. The gRPC layer only translates a
// QueryError into a status code.
#pragma once

#include <string>
#include <variant>

#include "host/aggregate/section_view.h"
#include "host/query/published_view.h"
#include "section/v1/section_service.pb.h"

namespace section::query {

// The component filter and entry component of the section's own (cross-cutting) deliverables.
inline constexpr const char* kSectionComponent = "section";

struct QueryError {
  enum class Code { kNotFound, kInvalidArgument, kFailedPrecondition };
  Code code;
  std::string message;
};

template <typename T>
using Answer = std::variant<T, QueryError>;

// Why there is no table `id` among the `served` ones.
QueryError missing_table(const std::string& id, std::size_t served);
Answer<section::v1::Table> get_table(const aggregate::SectionView& view, const section::v1::GetTableRequest& request);

section::v1::ListTablesResponse list_tables(const aggregate::SectionView& view);
section::v1::ListTablesResponse list_tables(const PublishedView& view);

// A published view parses only the components that the filter asks for.
Answer<section::v1::ListMeasuresResponse> list_measures(const aggregate::SectionView& view,
                                                        const section::v1::ListMeasuresRequest& request);
Answer<section::v1::ListMeasuresResponse> list_measures(const PublishedView& view,
                                                        const section::v1::ListMeasuresRequest& request);
Answer<section::v1::ListDeliverablesResponse> list_deliverables(const aggregate::SectionView& view,
                                                                const section::v1::ListDeliverablesRequest& request);
Answer<section::v1::ListDeliverablesResponse> list_deliverables(const PublishedView& view,
                                                                const section::v1::ListDeliverablesRequest& request);

section::v1::WatchEvent watch_event(const aggregate::SectionView& view);
section::v1::WatchEvent watch_event(const PublishedView& view);

}  // namespace section::query
