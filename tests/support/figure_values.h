// Reported values (section.v1.FigureValue) for the tests of reports: a number, a text, a count;
// and a stored change of one (section.v1.FigureChange), for the tests of the stores.
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

// A change as a store keeps it, reported at a time that depends on `year` only.
inline v1::FigureChange make_change(const std::string& component, bool measure, const std::string& id, int year, v1::ValueKind kind,
                                    const v1::FigureValue& old_value, const v1::FigureValue& new_value, const std::string& by,
                                    const std::string& key, const std::string& comment = "a comment") {
  v1::FigureChange change;
  auto* figure = change.mutable_figure();
  figure->set_component(component);
  if (measure) figure->set_measure(id);
  else figure->set_deliverable(id);
  figure->set_year(year);
  figure->set_kind(kind);
  *change.mutable_old_value() = old_value;
  *change.mutable_new_value() = new_value;
  change.set_reported_by(by);
  change.mutable_reported_at()->set_seconds(1'640'995'200 + year);
  change.mutable_reported_at()->set_nanos(123'456'789);
  change.set_comment(comment);
  change.set_idempotency_key(key);
  return change;
}

}  // namespace section::test
