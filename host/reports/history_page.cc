#include "host/reports/history_page.h"

#include <charconv>
#include <limits>

#include "host/core/echo.h"

namespace section::reports {
namespace {

constexpr std::string_view kTokenPrefix = "after-";

}  // namespace

absl::StatusOr<HistoryPage> page_of(const section::v1::ListHistoryRequest& request) {
  HistoryPage page;
  if (request.page_size() > kMaxHistoryPage) {
    return absl::InvalidArgumentError("page_size: " + std::to_string(request.page_size()) + " is more than " +
                                      std::to_string(kMaxHistoryPage));
  }
  page.size = request.page_size();
  const std::string& token = request.page_token();
  if (token.empty()) return page;
  const bool prefixed = token.compare(0, kTokenPrefix.size(), kTokenPrefix) == 0;
  const char* first = token.data() + kTokenPrefix.size();
  const char* last = token.data() + token.size();
  auto [end, error] = prefixed ? std::from_chars(first, last, page.after) : std::from_chars_result{first, std::errc::invalid_argument};
  // Sequences are positive 64-bit signed integers (PostgreSQL's bigint): nothing past that was
  // ever a next_page_token.
  constexpr std::uint64_t kMaxSequence = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
  if (!prefixed || error != std::errc() || end != last || first == last || page.after == 0 || page.after > kMaxSequence) {
    return absl::InvalidArgumentError("page_token: " + echo(token) +
                                      " is not a next_page_token of ListHistory; leave it empty for the first page");
  }
  return page;
}

std::string next_page_token(std::uint64_t last_sequence) { return std::string(kTokenPrefix) + std::to_string(last_sequence); }

}  // namespace section::reports
