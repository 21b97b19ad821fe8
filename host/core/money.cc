#include "host/core/money.h"

#include <cstdlib>

namespace section::money {

std::int64_t divide_rounded(std::int64_t n, std::int64_t d) {
  const std::int64_t quotient = n / d;
  const std::int64_t remainder = n % d;
  // Half away from zero: round up in magnitude when the remainder is at least half of d.
  if (2 * std::llabs(remainder) >= std::llabs(d)) return quotient + (((n < 0) != (d < 0)) ? -1 : 1);
  return quotient;
}

std::optional<std::int64_t> percentage_tenths(std::int64_t change, std::int64_t base) {
  if (base == 0) return std::nullopt;
  return divide_rounded(change * 1000, base);
}

std::int64_t round_to(std::int64_t dollars, std::int64_t step) { return divide_rounded(dollars, step) * step; }

namespace {

// "1234567" → "1 234 567"
std::string group_digits(std::uint64_t value) {
  std::string digits = std::to_string(value);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ' ';
    out += digits[i];
  }
  return out;
}

std::string signed_text(bool negative, const std::string& magnitude) {
  return negative ? "(" + magnitude + ")" : magnitude;
}

std::uint64_t magnitude(std::int64_t value) {
  return value < 0 ? static_cast<std::uint64_t>(-(value + 1)) + 1 : static_cast<std::uint64_t>(value);
}

}  // namespace

std::string thousands(std::int64_t dollars) {
  const std::int64_t hundreds = divide_rounded(dollars, 100);
  if (hundreds == 0) return "—";
  const std::uint64_t m = magnitude(hundreds);
  return signed_text(hundreds < 0, group_digits(m / 10) + "." + std::to_string(m % 10));
}

std::string thousands_exact(std::int64_t dollars) {
  if (dollars % 100 == 0) return thousands(dollars);
  const std::uint64_t m = magnitude(dollars);
  std::string fraction = std::to_string(m % 1000);
  fraction.insert(0, 3 - fraction.size(), '0');
  return signed_text(dollars < 0, group_digits(m / 1000) + "." + fraction);
}

std::string tenths(std::int64_t value) {
  if (value == 0) return "—";
  const std::uint64_t m = magnitude(value);
  return signed_text(value < 0, group_digits(m / 10) + "." + std::to_string(m % 10));
}

std::string grouped(std::int64_t whole) {
  if (whole == 0) return "—";
  return signed_text(whole < 0, group_digits(magnitude(whole)));
}

std::string dollars_in_words(std::int64_t dollars) {
  std::string digits = group_digits(magnitude(dollars));
  for (char& c : digits) {
    if (c == ' ') c = ',';
  }
  return (dollars < 0 ? "-$" : "$") + digits;
}

}  // namespace section::money
