// The client queries as pure functions of a SectionView: what each RPC answers, and why not.
// The gRPC layer only translates a QueryError into a status code.
#pragma once

#include <string>
#include <variant>

#include "host/aggregate/section_view.h"
#include "section/v1/section_service.pb.h"

namespace section::query {

struct QueryError {
  enum class Code { kNotFound, kInvalidArgument, kFailedPrecondition };
  Code code;
  std::string message;
};

template <typename T>
using Answer = std::variant<T, QueryError>;

Answer<section::v1::Table> get_table(const aggregate::SectionView& view, const section::v1::GetTableRequest& request);
section::v1::ListTablesResponse list_tables(const aggregate::SectionView& view);
Answer<section::v1::ListMeasuresResponse> list_measures(const aggregate::SectionView& view,
                                                        const section::v1::ListMeasuresRequest& request);
Answer<section::v1::ListDeliverablesResponse> list_deliverables(const aggregate::SectionView& view,
                                                                const section::v1::ListDeliverablesRequest& request);
section::v1::WatchEvent watch_event(const aggregate::SectionView& view);

}  // namespace section::query
