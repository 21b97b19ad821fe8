// The client queries as pure functions of a view: what each RPC answers, and why not. Each is
// given for the built view (aggregate::SectionView, every message) and for what the host keeps
// of it (PublishedView, serialized), and both answer alike. An error is an absl::Status with the
// canonical code the client sees (NOT_FOUND, INVALID_ARGUMENT, FAILED_PRECONDITION); the gRPC
// layer passes it on as it is.
#pragma once

#include <string>

#include <absl/status/status.h>
#include <absl/status/statusor.h>

#include "host/aggregate/section_view.h"
#include "host/query/published_view.h"
#include "section/v1/section_service.pb.h"

namespace section::query {

// The component filter and entry component of the section's own (cross-cutting) deliverables.
inline constexpr const char* kSectionComponent = "section";

// Why there is no table `id` among the `served` ones.
absl::Status missing_table(const std::string& id, std::size_t served);
absl::StatusOr<section::v1::Table> get_table(const aggregate::SectionView& view, const section::v1::GetTableRequest& request);

section::v1::ListTablesResponse list_tables(const aggregate::SectionView& view);
section::v1::ListTablesResponse list_tables(const PublishedView& view);

// A published view parses only the components that the filter asks for.
absl::StatusOr<section::v1::ListMeasuresResponse> list_measures(const aggregate::SectionView& view,
                                                        const section::v1::ListMeasuresRequest& request);
absl::StatusOr<section::v1::ListMeasuresResponse> list_measures(const PublishedView& view,
                                                        const section::v1::ListMeasuresRequest& request);
absl::StatusOr<section::v1::ListDeliverablesResponse> list_deliverables(const aggregate::SectionView& view,
                                                                const section::v1::ListDeliverablesRequest& request);
absl::StatusOr<section::v1::ListDeliverablesResponse> list_deliverables(const PublishedView& view,
                                                                const section::v1::ListDeliverablesRequest& request);

// MeasureEntry.languages: the forms of `result`'s title under "result_title"; false when none.
bool result_title_forms(const section::v1::Result& result, section::v1::TextForms* forms);

section::v1::WatchEvent watch_event(const aggregate::SectionView& view);
section::v1::WatchEvent watch_event(const PublishedView& view);

}  // namespace section::query
