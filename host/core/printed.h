// Figures as the fascicle prints them: "9 645.2" (thousands of dollars, one decimal),
// "(17.4)" (negative), "—" (zero or none), "19 762 900" (dollars), "0.4" (per cent), "83".
// Parsing keeps the precision of the printed form, so that a comparison with an exact computed
// figure can round that figure the way the fascicle does (docs/architecture.md, decision 6).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <absl/status/status.h>
#include <absl/status/statusor.h>

namespace section::printed {

enum class Notation {
  kThousands,  // money in thousands of dollars: "19 762.9"
  kDollars,    // money in dollars: "19 762 900"
  kWhole,      // posts or a count: "83"
  kPercent,    // a percentage: "0.4", "(66.2)", "100"
  kText,       // words, compared as words
};

struct Figure {
  enum class Kind { kDash, kNumber, kText };
  Kind kind = Kind::kDash;
  // Dollars for money, the count for kWhole, tenths of a per cent for kPercent.
  std::int64_t value = 0;
  // The step the printed form resolves, in the same unit: 100 for "9 645.2", 1 for "19 762 900",
  // 10 for a percentage printed without decimals ("100").
  std::int64_t precision = 1;
  std::string text;
};

absl::StatusOr<Figure> parse(std::string_view printed, Notation notation);

// "thousands", "dollars", "posts", "count", "percent", "text" → Notation.
absl::StatusOr<Notation> notation_from_word(std::string_view word);

}  // namespace section::printed
