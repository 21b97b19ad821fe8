// Exact money and the fascicle's arithmetic (docs/architecture.md, decision 1). Money is whole US dollars
// in int64; a percentage change is change / base × 100 rounded half away from zero to one
// decimal, kept as tenths of a per cent. No floating point anywhere.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace section::money {

// n / d rounded half away from zero; d must not be zero.
std::int64_t divide_rounded(std::int64_t n, std::int64_t d);

// change / base × 100 in tenths of a per cent (−662 = −66.2 %); none for a zero base.
std::optional<std::int64_t> percentage_tenths(std::int64_t change, std::int64_t base);

// Rounds to a multiple of `step` dollars (e.g. 100 for the fascicle's 0.1 thousand), half away
// from zero.
std::int64_t round_to(std::int64_t dollars, std::int64_t step);

// The fascicle's text notation, for people. Negative numbers in parentheses, zero as "—".
//   thousands(19762900) == "19 762.9"   thousands(-17400) == "(17.4)"   thousands(0) == "—"
std::string thousands(std::int64_t dollars);
// As thousands() for whole hundreds; otherwise with the dollars kept: thousands_exact(417549)
// == "417.549". For differences that the fascicle's rounding would hide.
std::string thousands_exact(std::int64_t dollars);
//   tenths(-662) == "(66.2)"   tenths(4) == "0.4"   tenths(0) == "—"
std::string tenths(std::int64_t tenths);
//   grouped(19762900) == "19 762 900"   grouped(-70600) == "(70 600)"   grouped(0) == "—"
std::string grouped(std::int64_t whole);
// "$19,762,900", "-$70,600": for sentences.
std::string dollars_in_words(std::int64_t dollars);

}  // namespace section::money
