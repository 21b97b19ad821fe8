#include "host/core/printed.h"

#include <cctype>

namespace section::printed {
namespace {

// The dash, the digit-group spaces and the minus signs the fascicle's typesetting may use.
constexpr std::string_view kDashes[] = {"—", "–", "-"};
constexpr std::string_view kSpaces[] = {" ", "\u00a0", "\u2009", "\u202f"};
constexpr std::string_view kMinus[] = {"-", "\u2212"};

bool starts_with(std::string_view text, std::string_view prefix) { return text.substr(0, prefix.size()) == prefix; }

std::string_view trim(std::string_view text) {
  bool changed = true;
  while (changed && !text.empty()) {
    changed = false;
    for (auto space : kSpaces) {
      if (starts_with(text, space)) {
        text.remove_prefix(space.size());
        changed = true;
      }
      if (text.size() >= space.size() && text.substr(text.size() - space.size()) == space) {
        text.remove_suffix(space.size());
        changed = true;
      }
    }
  }
  return text;
}

absl::Status bad(std::string_view printed, const std::string& why) {
  return absl::InvalidArgumentError("cannot read '" + std::string(printed) + "' as " + why);
}

}  // namespace

absl::StatusOr<Notation> notation_from_word(std::string_view word) {
  if (word == "thousands") return Notation::kThousands;
  if (word == "dollars") return Notation::kDollars;
  if (word == "posts" || word == "count") return Notation::kWhole;
  if (word == "percent") return Notation::kPercent;
  if (word == "text") return Notation::kText;
  return absl::InvalidArgumentError("unknown notation '" + std::string(word) +
                       "' (expected thousands, dollars, posts, count, percent or text)");
}

namespace {

// A sign in brackets or a minus of any kind, taken off the front of `text`.
bool take_sign(std::string_view& text) {
  if (text.size() >= 2 && text.front() == '(' && text.back() == ')') {
    text = trim(text.substr(1, text.size() - 2));
    return true;
  }
  for (auto minus : kMinus) {
    if (starts_with(text, minus)) {
      text.remove_prefix(minus.size());
      return true;
    }
  }
  return false;
}

// The digits of a number printed with spaces between its thousands: its value without the
// decimal point, and how many decimals it has.
struct Digits {
  std::int64_t value = 0;
  int decimals = 0;
};

absl::StatusOr<Digits> read_digits(std::string_view text, std::string_view printed) {
  Digits digits;
  bool point = false;
  bool any = false;
  while (!text.empty()) {
    bool was_space = false;
    for (auto space : kSpaces) {
      if (starts_with(text, space)) {
        text.remove_prefix(space.size());
        was_space = true;
        break;
      }
    }
    if (was_space) {
      if (point) return bad(printed, "a number (space after the decimal point)");
      continue;
    }
    const char c = text.front();
    text.remove_prefix(1);
    if (c == '.' && !point) {
      point = true;
      continue;
    }
    if (!std::isdigit(static_cast<unsigned char>(c))) return bad(printed, "a number");
    if (digits.value > 100'000'000'000'000) return bad(printed, "a number (too many digits)");
    digits.value = digits.value * 10 + (c - '0');
    any = true;
    if (point) ++digits.decimals;
  }
  if (!any) return bad(printed, "a number");
  return digits;
}

// The figure's value and precision in its notation's unit (dollars, posts, tenths of a per cent).
absl::StatusOr<Figure> in_notation(const Digits& digits, Notation notation, std::string_view printed) {
  Figure figure;
  figure.kind = Figure::Kind::kNumber;
  figure.value = digits.value;
  switch (notation) {
    case Notation::kThousands: {
      if (digits.decimals > 3) return bad(printed, "thousands of dollars (more than three decimals)");
      std::int64_t step = 1000;
      for (int i = 0; i < digits.decimals; ++i) step /= 10;
      figure.value = digits.value * step;
      figure.precision = step;
      break;
    }
    case Notation::kDollars:
    case Notation::kWhole:
      if (digits.decimals > 0) return bad(printed, "a whole number");
      figure.precision = 1;
      break;
    case Notation::kPercent:
      if (digits.decimals > 1) return bad(printed, "a percentage (more than one decimal)");
      figure.value = digits.decimals == 1 ? digits.value : digits.value * 10;
      figure.precision = digits.decimals == 1 ? 1 : 10;
      break;
    case Notation::kText:
      break;
  }
  return figure;
}

}  // namespace

absl::StatusOr<Figure> parse(std::string_view printed, Notation notation) {
  Figure figure;
  std::string_view text = trim(printed);
  for (auto dash : kDashes) {
    if (text == dash) return figure;  // kDash: zero or none
  }
  if (notation == Notation::kText) {
    figure.kind = Figure::Kind::kText;
    figure.text = std::string(text);
    return figure;
  }
  const bool negative = take_sign(text);
  auto digits = read_digits(text, printed);
  if (!digits.ok()) return digits.status();
  auto number = in_notation(*digits, notation, printed);
  if (number.ok() && negative) number->value = -number->value;
  return number;
}

}  // namespace section::printed
