// Which language an answer is given in (docs/architecture.md, decision 24; docs/api.md,
// "Languages"): the client's accept-language (BCP 47 language ranges with q-values, as in HTTP)
// against the languages a version has. Pure: no gRPC, no I/O.
#pragma once

#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <absl/status/statusor.h>

namespace section::query {

// One language range of an accept-language value, with its weight in thousandths (q=0.5 → 500).
struct LanguageRange {
  std::string range;  // a tag, or "*"
  int weight = 1000;
};

// At most this many bytes in one range (with its q-value), and this many ranges in a value.
inline constexpr std::size_t kMaxRangeBytes = 256;
inline constexpr std::size_t kMaxRanges = 32;

// Parses "zh-CN, zh;q=0.9, en;q=0.5, *;q=0.1". INVALID_ARGUMENT naming `field` and the
// part that is wrong (cut to section::kMaxEchoed characters): a malformed tag, a q-value outside
// 0–1 or with more than three decimals, an unknown parameter, an empty value, a range over
// kMaxRangeBytes or more than kMaxRanges ranges.
// `field` is where the value came from: the metadata or header, or HTTP's `lang` parameter.
absl::StatusOr<std::vector<LanguageRange>> parse_accept_language(std::string_view value,
                                                                 std::string_view field = "accept-language");

// `tag` in the case RFC 5646 recommends: "zh-hant-tw" → "zh-Hant-TW" (language lower case,
// script title case, region upper case, the rest lower case).
std::string canonical_case(std::string_view tag);

// The language of the answer: for each range in order of weight (ties in the order given;
// weight 0 never), the first of `available` it matches by RFC 4647 lookup ("zh-Hans-CN" matches
// "zh-Hans", then "zh"; "*" matches English); when none does, English; when a version has no
// English, `source`. `available` holds lower-case tags.
std::string choose_language(const std::vector<LanguageRange>& ranges, const std::set<std::string>& available,
                            const std::string& source);

}  // namespace section::query
