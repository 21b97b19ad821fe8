// Exact money, the fascicle's rounding and its printed notation.
#include <catch2/catch.hpp>

#include "host/core/money.h"
#include "host/core/printed.h"
#include "section/sdk/vocabulary.h"

using namespace section;

TEST_CASE("a percentage change rounds half away from zero to one decimal", "[money]") {
  // The fascicle's own cases (Table 29F.12): (17.4) of 26.3 is (66.2) per cent.
  CHECK(money::percentage_tenths(-17400, 26300) == -662);
  CHECK(money::percentage_tenths(-70600, 19833500) == -4);    // (0.4)
  CHECK(money::percentage_tenths(-1000, 989200) == -1);       // (0.1)
  CHECK(money::percentage_tenths(905800, 3945700) == 230);    // 23.0
  CHECK(money::percentage_tenths(1587800, 38153700) == 42);   // 4.2
  // Exactly half a tenth goes away from zero, in both directions.
  CHECK(money::percentage_tenths(5, 1000) == 5);
  CHECK(money::percentage_tenths(15, 10000) == 2);
  CHECK(money::percentage_tenths(-15, 10000) == -2);
  CHECK(money::percentage_tenths(14, 10000) == 1);
  CHECK(money::percentage_tenths(-14, 10000) == -1);
  CHECK(money::percentage_tenths(0, 500) == 0);
}

TEST_CASE("there is no percentage of a zero base", "[money]") {
  CHECK_FALSE(money::percentage_tenths(200, 0).has_value());
  CHECK_FALSE(money::percentage_tenths(0, 0).has_value());
}

TEST_CASE("large amounts stay exact", "[money]") {
  // A trillion-dollar change of a trillion-dollar base: no overflow, no floating point.
  CHECK(money::percentage_tenths(1'000'000'000'000, 1'000'000'000'000) == 1000);
  CHECK(money::round_to(999'999'999'999'950, 100) == 1'000'000'000'000'000);
}

TEST_CASE("rounding to the fascicle's precision is half away from zero", "[money]") {
  CHECK(money::round_to(19762949, 100) == 19762900);
  CHECK(money::round_to(19762950, 100) == 19763000);
  CHECK(money::round_to(-4350, 100) == -4400);
  CHECK(money::round_to(-4349, 100) == -4300);
  CHECK(money::divide_rounded(7, 2) == 4);
  CHECK(money::divide_rounded(-7, 2) == -4);
  CHECK(money::divide_rounded(7, -2) == -4);
}

TEST_CASE("money is printed in thousands with one decimal, negatives in parentheses", "[money]") {
  CHECK(money::thousands(19762900) == "19 762.9");
  CHECK(money::thousands(-17400) == "(17.4)");
  CHECK(money::thousands(200) == "0.2");
  CHECK(money::thousands(0) == "—");
  CHECK(money::thousands(49) == "—");          // rounds to zero
  CHECK(money::thousands(50) == "0.1");
  CHECK(money::thousands(1234567890) == "1 234 567.9");
  CHECK(money::thousands_exact(417549) == "417.549");
  CHECK(money::thousands_exact(-2049) == "(2.049)");
  CHECK(money::thousands_exact(417500) == "417.5");
  CHECK(money::tenths(-662) == "(66.2)");
  CHECK(money::tenths(4) == "0.4");
  CHECK(money::tenths(0) == "—");
  CHECK(money::grouped(19762900) == "19 762 900");
  CHECK(money::grouped(-70600) == "(70 600)");
  CHECK(money::dollars_in_words(4851500) == "$4,851,500");
  CHECK(money::dollars_in_words(-70600) == "-$70,600");
}

TEST_CASE("printed figures are read with the precision they are printed with", "[printed]") {
  using printed::Figure;
  using printed::Notation;
  auto read = [](const char* text, Notation notation) {
    auto figure = printed::parse(text, notation);
    REQUIRE(figure.ok());
    return *figure;
  };
  Figure f = read("19 762.9", Notation::kThousands);
  CHECK(f.kind == Figure::Kind::kNumber);
  CHECK(f.value == 19762900);
  CHECK(f.precision == 100);
  CHECK(read("(17.4)", Notation::kThousands).value == -17400);
  CHECK(read("6 314.3", Notation::kThousands).value == 6314300);
  CHECK(read("0.2", Notation::kThousands).value == 200);
  CHECK(read("19 762 900", Notation::kDollars).value == 19762900);
  CHECK(read("19 762 900", Notation::kDollars).precision == 1);
  CHECK(read("(66.2)", Notation::kPercent).value == -662);
  CHECK(read("50.3", Notation::kPercent).value == 503);
  CHECK(read("100", Notation::kPercent).value == 1000);
  CHECK(read("100", Notation::kPercent).precision == 10);
  CHECK(read("83", Notation::kWhole).value == 83);
  CHECK(read("—", Notation::kThousands).kind == Figure::Kind::kDash);
  CHECK(read("–", Notation::kWhole).kind == Figure::Kind::kDash);
  CHECK(read("1\u00a0234.5", Notation::kThousands).value == 1234500);  // a no-break space groups digits too
  CHECK(read("1 D-2, 1 D-1", Notation::kText).text == "1 D-2, 1 D-1");
}

TEST_CASE("decimals print as plain text, negatives included", "[money]") {
  auto text = [](std::int64_t units, std::uint32_t scale) {
    v1::Decimal d;
    d.set_units(units);
    d.set_scale(scale);
    return vocabulary::decimal_text(d);
  };
  CHECK(text(-662, 1) == "-66.2");
  CHECK(text(5, 2) == "0.05");
  CHECK(text(-5, 2) == "-0.05");
  CHECK(text(94, 0) == "94");
  CHECK(text(INT64_MIN, 0) == "-9223372036854775808");
}

TEST_CASE("unreadable printed figures are refused with the reason", "[printed]") {
  using printed::Notation;
  CHECK_FALSE(printed::parse("19,762.9", Notation::kThousands).ok());
  CHECK_FALSE(printed::parse("abc", Notation::kWhole).ok());
  CHECK_FALSE(printed::parse("", Notation::kWhole).ok());
  CHECK_FALSE(printed::parse("8.5", Notation::kWhole).ok());
  CHECK_FALSE(printed::parse("0.25", Notation::kPercent).ok());
  CHECK_FALSE(printed::parse("1.2345", Notation::kThousands).ok());
  const auto result = printed::parse("12x", Notation::kDollars);
  REQUIRE_FALSE(result.ok());
  CHECK_THAT(std::string(result.status().message()), Catch::Contains("12x"));
  CHECK_FALSE(printed::notation_from_word("yen").ok());
}
