// ListHistory's pages (AIP-158): a page_size and an opaque page_token that holds the sequence
// of the last change answered, so that a page always continues where the previous one ended,
// whatever was stored meanwhile. Pure: no store, no gRPC.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include <absl/status/statusor.h>

#include "section/v1/report_service.pb.h"

namespace section::reports {

inline constexpr std::uint32_t kMaxHistoryPage = 10000;

// Where a page starts and how many changes it holds.
struct HistoryPage {
  std::uint64_t after = 0;  // changes with a higher sequence
  std::size_t size = 0;     // 0: every change
};

// The page `request` asks for; INVALID_ARGUMENT naming page_size or page_token when either is
// not one this host accepts.
absl::StatusOr<HistoryPage> page_of(const section::v1::ListHistoryRequest& request);

// The token of the page after the one that ended with `last_sequence`.
std::string next_page_token(std::uint64_t last_sequence);

}  // namespace section::reports
