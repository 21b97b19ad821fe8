// Reported values (section.v1.FigureValue) for the tests of reports: a number, a text, a count.
#pragma once

#include <cstdint>
#include <string>

#include "section/v1/report_service.pb.h"

namespace section::test {

inline v1::FigureValue number_value(std::int64_t units, std::uint32_t scale = 0, const std::string& text = "") {
  v1::FigureValue value;
  value.set_present(true);
  value.mutable_number()->set_units(units);
  value.mutable_number()->set_scale(scale);
  value.set_text(text);
  return value;
}

inline v1::FigureValue text_value(const std::string& text) {
  v1::FigureValue value;
  value.set_present(true);
  value.set_text(text);
  return value;
}

inline v1::FigureValue count_value(std::int64_t count) {
  v1::FigureValue value;
  value.set_present(true);
  value.set_count(count);
  return value;
}

}  // namespace section::test
