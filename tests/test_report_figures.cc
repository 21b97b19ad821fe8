// Reported figures (host/reports/figures.h): the shape of a report, finding a figure's current
// value, laying a reported value over a component, and the latest report of every figure.
#include <catch2/catch.hpp>

#include <google/protobuf/util/message_differencer.h>

#include "figure_values.h"
#include "host/reports/figures.h"
#include "host/reports/history_page.h"

using namespace section;
using Code = absl::StatusCode;
using section::v1::Component;
using section::v1::FigureChange;
using section::v1::FigureRef;
using section::v1::FigureValue;
using section::v1::ReportValueRequest;
using test::count_value;
using test::number_value;
using test::text_value;

// Accepted: the check returns OK (INFO shows the refusal otherwise).
#define CHECK_ACCEPTED(...) CHECK((__VA_ARGS__).ToString() == "OK")
#define REQUIRE_ACCEPTED(...) REQUIRE((__VA_ARGS__).ToString() == "OK")

namespace {

v1::Decimal decimal(std::int64_t units, std::uint32_t scale = 0) {
  v1::Decimal value;
  value.set_units(units);
  value.set_scale(scale);
  return value;
}

v1::MeasureValue* add_value(v1::PerformanceMeasure* measure, int year, v1::ValueKind kind, std::optional<v1::Decimal> number,
                            const std::string& text) {
  auto* value = measure->add_values();
  value->set_year(year);
  value->set_kind(kind);
  if (number) *value->mutable_number() = *number;
  value->set_text(text);
  value->mutable_provenance()->set_source("Table 29F.5");
  return value;
}

v1::DeliverableCount* add_count(v1::Deliverable* deliverable, int year, v1::ValueKind kind, std::int64_t count) {
  auto* value = deliverable->add_counts();
  value->set_year(year);
  value->set_kind(kind);
  value->set_count(count);
  value->mutable_provenance()->set_source("Table 29F.6");
  return value;
}

// A small component: a result with a percentage measure and a narrative one, a compliance
// indicator, a quantified deliverable and a described one.
Component make_component(const std::string& id = "hr") {
  Component component;
  component.set_id(id);
  auto* result = component.add_results();
  result->set_id("result.1");
  auto* percent = result->add_measures();
  percent->set_id("m.pct");
  percent->set_unit(v1::UNIT_PERCENT);
  add_value(percent, 2020, v1::ACTUAL, decimal(85), "85 per cent");
  add_value(percent, 2021, v1::PLANNED, decimal(90), "");
  add_value(percent, 2021, v1::TARGET, decimal(95), "");
  auto* narrative = result->add_measures();
  narrative->set_id("m.text");
  narrative->set_unit(v1::UNIT_TEXT);
  add_value(narrative, 2020, v1::ACTUAL, std::nullopt, "a new system");
  auto* compliance = component.add_compliance();
  compliance->set_id("c.timely");
  compliance->set_unit(v1::UNIT_PERCENT);
  add_value(compliance, 2020, v1::ACTUAL, decimal(953, 1), "");
  auto* documents = component.add_deliverables();
  documents->set_id("d.docs");
  documents->set_quantified(true);
  add_count(documents, 2020, v1::ACTUAL, 12);
  add_count(documents, 2021, v1::PLANNED, 14);
  auto* enabling = component.add_deliverables();
  enabling->set_id("d.enabling");
  enabling->set_quantified(false);
  enabling->set_description("Administration of the payroll");
  return component;
}

FigureRef measure_ref(const std::string& measure, int year = 2021, v1::ValueKind kind = v1::ACTUAL,
                      const std::string& component = "hr") {
  FigureRef figure;
  figure.set_component(component);
  figure.set_measure(measure);
  figure.set_year(year);
  figure.set_kind(kind);
  return figure;
}

FigureRef deliverable_ref(const std::string& deliverable, int year = 2021, v1::ValueKind kind = v1::ACTUAL,
                          const std::string& component = "hr") {
  FigureRef figure;
  figure.set_component(component);
  figure.set_deliverable(deliverable);
  figure.set_year(year);
  figure.set_kind(kind);
  return figure;
}

ReportValueRequest request(const FigureRef& figure, const FigureValue& value, const std::string& key = "key-1",
                           const std::string& comment = "from the dashboard") {
  ReportValueRequest report;
  *report.mutable_figure() = figure;
  *report.mutable_value() = value;
  report.set_comment(comment);
  report.set_idempotency_key(key);
  return report;
}

FigureChange change(const FigureRef& figure, const FigureValue& value, const std::string& by = "hr-team",
                    std::int64_t seconds = 1'640'000'000, const std::string& comment = "corrected after audit") {
  FigureChange result;
  *result.mutable_figure() = figure;
  *result.mutable_new_value() = value;
  result.set_reported_by(by);
  result.mutable_reported_at()->set_seconds(seconds);
  result.mutable_reported_at()->set_nanos(250'000'000);
  result.set_comment(comment);
  result.set_idempotency_key("k-" + std::to_string(seconds));
  return result;
}

// The refusal of a report's shape, which must be an INVALID_ARGUMENT naming `field`.
void check_refused(const ReportValueRequest& report, const std::string& field) {
  INFO(report.ShortDebugString());
  const auto refused = reports::check_shape(report);
  REQUIRE(refused.ok() == false);
  CHECK(refused.code() == Code::kInvalidArgument);
  CHECK_THAT(std::string(refused.message()), Catch::Contains(field));
}

const v1::PerformanceMeasure& measure_of(const Component& component, const std::string& id) {
  for (const auto& result : component.results()) {
    for (const auto& measure : result.measures()) {
      if (measure.id() == id) return measure;
    }
  }
  for (const auto& measure : component.compliance()) {
    if (measure.id() == id) return measure;
  }
  FAIL("no measure " << id);
  throw std::logic_error("unreachable");
}

const v1::Deliverable& deliverable_of(const Component& component, const std::string& id) {
  for (const auto& deliverable : component.deliverables()) {
    if (deliverable.id() == id) return deliverable;
  }
  FAIL("no deliverable " << id);
  throw std::logic_error("unreachable");
}

// The values of a measure for one year and kind (a component keeps at most one).
std::vector<v1::MeasureValue> values_of(const Component& component, const std::string& measure, int year, v1::ValueKind kind) {
  std::vector<v1::MeasureValue> found;
  for (const auto& value : measure_of(component, measure).values()) {
    if (value.year() == year && value.kind() == kind) found.push_back(value);
  }
  return found;
}

std::vector<v1::DeliverableCount> counts_of(const Component& component, const std::string& deliverable, int year,
                                            v1::ValueKind kind) {
  std::vector<v1::DeliverableCount> found;
  for (const auto& count : deliverable_of(component, deliverable).counts()) {
    if (count.year() == year && count.kind() == kind) found.push_back(count);
  }
  return found;
}

bool same(const google::protobuf::Message& a, const google::protobuf::Message& b) {
  return google::protobuf::util::MessageDifferencer::Equals(a, b);
}

}  // namespace

// ---- check_shape ----------------------------------------------------------------------------

TEST_CASE("ListHistory's pages: page_size up to 10000, tokens this host gave, refusals naming the field", "[reports][history]") {
  v1::ListHistoryRequest request;
  auto page = reports::page_of(request);
  REQUIRE(page.ok());
  CHECK(page->after == 0);
  CHECK(page->size == 0);
  request.set_page_size(10000);
  request.set_page_token(reports::next_page_token(42));
  page = reports::page_of(request);
  REQUIRE(page.ok());
  CHECK(page->after == 42);
  CHECK(page->size == 10000);
  request.set_page_token("after-9223372036854775807");  // the highest sequence a store can hold
  CHECK(reports::page_of(request).ok());
  request.set_page_token("after-42");
  request.set_page_size(10001);
  CHECK_THAT(std::string(reports::page_of(request).status().message()), Catch::Contains("page_size: 10001 is more than 10000"));
  request.set_page_size(10);
  for (const std::string& bad : std::vector<std::string>{"42", "after-", "after-0", "after-x1", "after-1x", "after--1", "after-99999999999999999999999",
                                "after-9223372036854775808",  // past a bigint: PostgreSQL would fail, not say "bad token"
                                std::string(9000, 'q')}) {
    INFO(bad.substr(0, 40));
    request.set_page_token(bad);
    const absl::Status refused = reports::page_of(request).status();
    CHECK(refused.code() == absl::StatusCode::kInvalidArgument);
    CHECK_THAT(std::string(refused.message()), Catch::StartsWith("page_token: ") && Catch::Contains("not a next_page_token"));
    CHECK(refused.message().size() < 300);  // a long token is cut, not echoed whole
  }
}

TEST_CASE("check_shape accepts a well-formed measure report and deliverable report", "[reports][shape]") {
  CHECK_ACCEPTED(reports::check_shape(request(measure_ref("m.pct"), number_value(87))));
  CHECK_ACCEPTED(reports::check_shape(request(measure_ref("m.pct"), number_value(875, 1, "up from 85"))));
  CHECK_ACCEPTED(reports::check_shape(request(measure_ref("m.text"), text_value("the system went live"))));
  CHECK_ACCEPTED(reports::check_shape(request(measure_ref("m.pct", 2022, v1::PLANNED), number_value(1234567, 6))));
  CHECK_ACCEPTED(reports::check_shape(request(deliverable_ref("d.docs"), count_value(13))));
  CHECK_ACCEPTED(reports::check_shape(request(deliverable_ref("d.docs"), count_value(0))));  // zero is a count
  // The bounds themselves are inside.
  CHECK_ACCEPTED(reports::check_shape(request(measure_ref(std::string(128, 'm')), number_value(1), std::string(128, 'k'))));
  CHECK_ACCEPTED(reports::check_shape(
      request(measure_ref("m.text"), text_value(std::string(4000, 't')), "key", std::string(4000, 'c'))));
  CHECK_ACCEPTED(reports::check_shape(request(measure_ref("m.pct"), number_value(1), "printable ~!@#$%^&*()_+ key")));
}

TEST_CASE("check_shape refuses a report without a component or figure", "[reports][shape]") {
  FigureRef no_component = measure_ref("m.pct");
  no_component.clear_component();
  check_refused(request(no_component, number_value(1)), "figure.component");

  FigureRef no_figure = measure_ref("m.pct");
  no_figure.clear_figure();
  check_refused(request(no_figure, number_value(1)), "figure");
  CHECK_THAT(std::string(reports::check_shape(request(no_figure, number_value(1))).message()),
             Catch::Contains("figure.measure") && Catch::Contains("figure.deliverable"));

  check_refused(request(measure_ref(""), number_value(1)), "1 to 128");
  check_refused(request(deliverable_ref(""), count_value(1)), "1 to 128");
  check_refused(request(measure_ref(std::string(129, 'm')), number_value(1)), "1 to 128");
}

TEST_CASE("check_shape refuses a year of 0 and a kind other than ACTUAL or PLANNED", "[reports][shape]") {
  check_refused(request(measure_ref("m.pct", 0), number_value(1)), "figure.year");
  check_refused(request(measure_ref("m.pct", -2021), number_value(1)), "figure.year");
  check_refused(request(deliverable_ref("d.docs", 0), count_value(1)), "figure.year");
  check_refused(request(measure_ref("m.pct", 2021, v1::TARGET), number_value(1)), "figure.kind");
  check_refused(request(measure_ref("m.pct", 2021, v1::INTERIM), number_value(1)), "figure.kind");
  check_refused(request(measure_ref("m.pct", 2021, v1::VALUE_KIND_UNSPECIFIED), number_value(1)), "figure.kind");
  check_refused(request(deliverable_ref("d.docs", 2021, v1::TARGET), count_value(1)), "figure.kind");
}

TEST_CASE("check_shape refuses a measure value with a count, with nothing, or with more than 6 decimals", "[reports][shape]") {
  check_refused(request(measure_ref("m.pct"), count_value(3)), "value.count");
  FigureValue both = number_value(3);
  both.set_count(3);
  check_refused(request(measure_ref("m.pct"), both), "value.count");

  FigureValue nothing;
  nothing.set_present(true);
  check_refused(request(measure_ref("m.pct"), nothing), "needs a number or a text");
  check_refused(request(measure_ref("m.pct"), FigureValue()), "needs a number or a text");

  check_refused(request(measure_ref("m.pct"), number_value(1, 7)), "value.number");
  check_refused(request(measure_ref("m.pct"), number_value(1, 4000000000u)), "value.number");
}

// PostgreSQL's text cannot hold a NUL and libpq would cut the string there: refused for both
// stores, naming the field, rather than stored cut short.
TEST_CASE("check_shape refuses a NUL character in value.text or comment", "[reports][shape]") {
  check_refused(request(measure_ref("m.pct"), text_value(std::string("before\0after", 12))), "value.text: contains a NUL");
  ReportValueRequest commented = request(measure_ref("m.pct"), number_value(1));
  commented.set_comment(std::string("see\0the rest", 12));
  check_refused(commented, "comment: contains a NUL");
  CHECK_ACCEPTED(reports::check_shape(request(measure_ref("m.pct"), text_value("no NUL here"))));
}

TEST_CASE("check_shape refuses a deliverable value with a number or text, or without a count", "[reports][shape]") {
  FigureValue with_number = count_value(3);
  *with_number.mutable_number() = decimal(3);
  check_refused(request(deliverable_ref("d.docs"), with_number), "value.count");
  FigureValue with_text = count_value(3);
  with_text.set_text("three");
  check_refused(request(deliverable_ref("d.docs"), with_text), "value.count");
  check_refused(request(deliverable_ref("d.docs"), number_value(3)), "a deliverable's value is a count");
  check_refused(request(deliverable_ref("d.docs"), text_value("three")), "a deliverable's value is a count");

  FigureValue no_count;
  no_count.set_present(true);
  check_refused(request(deliverable_ref("d.docs"), no_count), "value.count");
  CHECK_THAT(std::string(reports::check_shape(request(deliverable_ref("d.docs"), no_count)).message()), Catch::Contains("how many"));
}

TEST_CASE("check_shape refuses a text or a comment over 4000 bytes", "[reports][shape]") {
  check_refused(request(measure_ref("m.text"), text_value(std::string(4001, 't'))), "value.text");
  check_refused(request(measure_ref("m.pct"), number_value(1, 0, std::string(4001, 't'))), "value.text");
  check_refused(request(measure_ref("m.pct"), number_value(1), "key", std::string(4001, 'c')), "comment");
  check_refused(request(deliverable_ref("d.docs"), count_value(1), "key", std::string(4001, 'c')), "comment");
}

TEST_CASE("check_shape refuses an idempotency key that is empty, too long or not printable", "[reports][shape]") {
  check_refused(request(measure_ref("m.pct"), number_value(1), ""), "idempotency_key");
  check_refused(request(measure_ref("m.pct"), number_value(1), std::string(129, 'k')), "idempotency_key");
  check_refused(request(measure_ref("m.pct"), number_value(1), "key\nwith newline"), "idempotency_key");
  check_refused(request(measure_ref("m.pct"), number_value(1), std::string("key\0nul", 7)), "idempotency_key");
  check_refused(request(measure_ref("m.pct"), number_value(1), "tab\tkey"), "idempotency_key");
  check_refused(request(measure_ref("m.pct"), number_value(1), "del\x7fkey"), "idempotency_key");
  check_refused(request(measure_ref("m.pct"), number_value(1), "caf\xc3\xa9"), "idempotency_key");
  check_refused(request(deliverable_ref("d.docs"), count_value(1), ""), "idempotency_key");
}

// ---- current_value --------------------------------------------------------------------------

TEST_CASE("current_value finds a result's measure with and without a value for the year and kind", "[reports][current]") {
  const Component component = make_component();
  FigureValue value = number_value(999, 2, "stale");  // overwritten whatever is found

  const FigureValue proposed = number_value(87);
  REQUIRE_ACCEPTED(reports::current_value(component, measure_ref("m.pct", 2020, v1::ACTUAL), &proposed, &value));
  CHECK(value.present());
  REQUIRE(value.has_number());
  CHECK(value.number().units() == 85);
  CHECK(value.number().scale() == 0);
  CHECK(value.text() == "85 per cent");
  CHECK_FALSE(value.has_count());

  // 2021 has a planned value but no actual one.
  value = number_value(999, 2, "stale");
  REQUIRE_ACCEPTED(reports::current_value(component, measure_ref("m.pct", 2021, v1::ACTUAL), &proposed, &value));
  CHECK_FALSE(value.present());
  CHECK_FALSE(value.has_number());
  CHECK(value.text().empty());

  REQUIRE_ACCEPTED(reports::current_value(component, measure_ref("m.pct", 2021, v1::PLANNED), nullptr, &value));
  CHECK(value.present());
  CHECK(value.number().units() == 90);
  CHECK(value.text().empty());

  // A year with nothing at all.
  REQUIRE_ACCEPTED(reports::current_value(component, measure_ref("m.pct", 2030, v1::ACTUAL), nullptr, &value));
  CHECK_FALSE(value.present());
}

TEST_CASE("current_value finds a compliance indicator", "[reports][current]") {
  const Component component = make_component();
  FigureValue value;
  REQUIRE_ACCEPTED(reports::current_value(component, measure_ref("c.timely", 2020, v1::ACTUAL), nullptr, &value));
  CHECK(value.present());
  CHECK(value.number().units() == 953);
  CHECK(value.number().scale() == 1);
  REQUIRE_ACCEPTED(reports::current_value(component, measure_ref("c.timely", 2021, v1::ACTUAL), nullptr, &value));
  CHECK_FALSE(value.present());
}

TEST_CASE("current_value of a narrative measure takes a text, not a number", "[reports][current]") {
  const Component component = make_component();
  FigureValue value;
  const FigureValue text = text_value("went live");
  REQUIRE_ACCEPTED(reports::current_value(component, measure_ref("m.text", 2020, v1::ACTUAL), &text, &value));
  CHECK(value.present());
  CHECK_FALSE(value.has_number());
  CHECK(value.text() == "a new system");

  const FigureValue number = number_value(3);
  const auto refused = reports::current_value(component, measure_ref("m.text", 2020, v1::ACTUAL), &number, &value);
  REQUIRE(refused.ok() == false);
  CHECK(refused.code() == Code::kInvalidArgument);
  CHECK_THAT(std::string(refused.message()), Catch::Contains("m.text") && Catch::Contains("text"));
  const FigureValue number_and_text = number_value(3, 0, "three");
  CHECK(reports::current_value(component, measure_ref("m.text", 2020, v1::ACTUAL), &number_and_text, &value).code() == Code::kInvalidArgument);
}

TEST_CASE("current_value of an unknown measure or deliverable is NOT_FOUND", "[reports][current]") {
  const Component component = make_component();
  FigureValue value;
  auto refused = reports::current_value(component, measure_ref("m.nothing"), nullptr, &value);
  REQUIRE(refused.ok() == false);
  CHECK(refused.code() == Code::kNotFound);
  CHECK_THAT(std::string(refused.message()), Catch::Contains("'hr'") && Catch::Contains("'m.nothing'"));

  refused = reports::current_value(component, deliverable_ref("d.nothing"), nullptr, &value);
  REQUIRE(refused.ok() == false);
  CHECK(refused.code() == Code::kNotFound);
  CHECK_THAT(std::string(refused.message()), Catch::Contains("'hr'") && Catch::Contains("'d.nothing'"));

  // A measure's id asked for as a deliverable, and the other way round.
  CHECK(reports::current_value(component, deliverable_ref("m.pct"), nullptr, &value).code() == Code::kNotFound);
  CHECK(reports::current_value(component, measure_ref("d.docs"), nullptr, &value).code() == Code::kNotFound);
}

TEST_CASE("current_value finds a deliverable's count and refuses an unquantified deliverable", "[reports][current]") {
  const Component component = make_component();
  FigureValue value = number_value(5, 0, "stale");
  const FigureValue proposed = count_value(13);
  REQUIRE_ACCEPTED(reports::current_value(component, deliverable_ref("d.docs", 2020, v1::ACTUAL), &proposed, &value));
  CHECK(value.present());
  REQUIRE(value.has_count());
  CHECK(value.count() == 12);
  CHECK_FALSE(value.has_number());
  CHECK(value.text().empty());

  REQUIRE_ACCEPTED(reports::current_value(component, deliverable_ref("d.docs", 2021, v1::ACTUAL), &proposed, &value));
  CHECK_FALSE(value.present());
  CHECK_FALSE(value.has_count());

  const auto refused = reports::current_value(component, deliverable_ref("d.enabling", 2021, v1::ACTUAL), &proposed, &value);
  REQUIRE(refused.ok() == false);
  CHECK(refused.code() == Code::kInvalidArgument);
  CHECK_THAT(std::string(refused.message()), Catch::Contains("d.enabling"));
}

// ---- apply ----------------------------------------------------------------------------------

TEST_CASE("apply replaces an existing measure value, keeping one value per year and kind", "[reports][apply]") {
  Component component = make_component();
  const int values_before = measure_of(component, "m.pct").values_size();
  const FigureChange reported = change(measure_ref("m.pct", 2020, v1::ACTUAL), number_value(875, 1, "after the audit"));
  REQUIRE(reports::apply(component, reported));

  CHECK(measure_of(component, "m.pct").values_size() == values_before);
  const auto values = values_of(component, "m.pct", 2020, v1::ACTUAL);
  REQUIRE(values.size() == 1);
  CHECK(values[0].number().units() == 875);
  CHECK(values[0].number().scale() == 1);
  CHECK(values[0].text() == "after the audit");
  CHECK(values[0].reported_by() == "hr-team");
  CHECK(values[0].reported_at().seconds() == 1'640'000'000);
  CHECK(values[0].reported_at().nanos() == 250'000'000);
  CHECK(values[0].provenance().source() == "Reported through section-host");
  CHECK(values[0].provenance().note() == "corrected after audit");
  CHECK_FALSE(values[0].provenance().illustrative());

  // The other values of the measure are untouched.
  const auto planned = values_of(component, "m.pct", 2021, v1::PLANNED);
  REQUIRE(planned.size() == 1);
  CHECK(planned[0].number().units() == 90);
  CHECK(planned[0].provenance().source() == "Table 29F.5");
  CHECK(planned[0].reported_by().empty());
  CHECK(values_of(component, "m.pct", 2021, v1::TARGET).size() == 1);
}

TEST_CASE("apply appends a value for a new year and kind", "[reports][apply]") {
  Component component = make_component();
  const int values_before = measure_of(component, "m.pct").values_size();
  REQUIRE(reports::apply(component, change(measure_ref("m.pct", 2021, v1::ACTUAL), number_value(88))));
  CHECK(measure_of(component, "m.pct").values_size() == values_before + 1);
  const auto values = values_of(component, "m.pct", 2021, v1::ACTUAL);
  REQUIRE(values.size() == 1);
  CHECK(values[0].number().units() == 88);
  CHECK(values[0].reported_by() == "hr-team");
  CHECK(values[0].provenance().source() == "Reported through section-host");
  CHECK(values[0].provenance().note() == "corrected after audit");
  // The planned value of the same year is another figure.
  CHECK(values_of(component, "m.pct", 2021, v1::PLANNED)[0].number().units() == 90);

  // A revised plan replaces the planned value.
  REQUIRE(reports::apply(component, change(measure_ref("m.pct", 2021, v1::PLANNED), number_value(92), "planner")));
  const auto planned = values_of(component, "m.pct", 2021, v1::PLANNED);
  REQUIRE(planned.size() == 1);
  CHECK(planned[0].number().units() == 92);
  CHECK(planned[0].reported_by() == "planner");
}

TEST_CASE("apply clears the number when the new value has only a text", "[reports][apply]") {
  Component component = make_component();
  REQUIRE(reports::apply(component, change(measure_ref("m.pct", 2020, v1::ACTUAL), text_value("not measured this year"))));
  const auto values = values_of(component, "m.pct", 2020, v1::ACTUAL);
  REQUIRE(values.size() == 1);
  CHECK_FALSE(values[0].has_number());
  CHECK(values[0].text() == "not measured this year");

  // And a number alone clears the old text.
  REQUIRE(reports::apply(component, change(measure_ref("m.pct", 2020, v1::ACTUAL), number_value(86))));
  const auto again = values_of(component, "m.pct", 2020, v1::ACTUAL);
  REQUIRE(again.size() == 1);
  CHECK(again[0].number().units() == 86);
  CHECK(again[0].text().empty());
}

TEST_CASE("apply sets a compliance indicator's value", "[reports][apply]") {
  Component component = make_component();
  REQUIRE(reports::apply(component, change(measure_ref("c.timely", 2020, v1::ACTUAL), number_value(961, 1))));
  const auto values = values_of(component, "c.timely", 2020, v1::ACTUAL);
  REQUIRE(values.size() == 1);
  CHECK(values[0].number().units() == 961);
  CHECK(values[0].reported_by() == "hr-team");
}

TEST_CASE("apply replaces and appends deliverable counts", "[reports][apply]") {
  Component component = make_component();
  const int counts_before = deliverable_of(component, "d.docs").counts_size();
  REQUIRE(reports::apply(component, change(deliverable_ref("d.docs", 2020, v1::ACTUAL), count_value(13))));
  CHECK(deliverable_of(component, "d.docs").counts_size() == counts_before);
  auto counts = counts_of(component, "d.docs", 2020, v1::ACTUAL);
  REQUIRE(counts.size() == 1);
  CHECK(counts[0].count() == 13);
  CHECK(counts[0].reported_by() == "hr-team");
  CHECK(counts[0].reported_at().seconds() == 1'640'000'000);
  CHECK(counts[0].provenance().source() == "Reported through section-host");
  CHECK(counts[0].provenance().note() == "corrected after audit");

  REQUIRE(reports::apply(component, change(deliverable_ref("d.docs", 2021, v1::ACTUAL), count_value(0))));
  CHECK(deliverable_of(component, "d.docs").counts_size() == counts_before + 1);
  counts = counts_of(component, "d.docs", 2021, v1::ACTUAL);
  REQUIRE(counts.size() == 1);
  CHECK(counts[0].count() == 0);
  CHECK(counts_of(component, "d.docs", 2021, v1::PLANNED)[0].count() == 14);
}

TEST_CASE("apply returns false and changes nothing for a figure the component does not have", "[reports][apply]") {
  const Component original = make_component();
  Component component = original;
  CHECK_FALSE(reports::apply(component, change(measure_ref("m.gone", 2020, v1::ACTUAL), number_value(1))));
  CHECK_FALSE(reports::apply(component, change(deliverable_ref("d.gone", 2020, v1::ACTUAL), count_value(1))));
  CHECK_FALSE(reports::apply(component, change(deliverable_ref("d.enabling", 2020, v1::ACTUAL), count_value(1))));
  CHECK_FALSE(reports::apply(component, change(deliverable_ref("m.pct", 2020, v1::ACTUAL), count_value(1))));
  CHECK(same(component, original));
}

// ---- figure_key and describe ----------------------------------------------------------------

TEST_CASE("figure_key tells every figure apart and describe names it", "[reports][key]") {
  const std::string key = reports::figure_key(measure_ref("m.pct", 2021, v1::ACTUAL));
  CHECK(key == reports::figure_key(measure_ref("m.pct", 2021, v1::ACTUAL)));
  CHECK(key != reports::figure_key(measure_ref("m.pct", 2021, v1::PLANNED)));
  CHECK(key != reports::figure_key(measure_ref("m.pct", 2020, v1::ACTUAL)));
  CHECK(key != reports::figure_key(measure_ref("m.pct", 2021, v1::ACTUAL, "finance")));
  CHECK(key != reports::figure_key(measure_ref("m.text", 2021, v1::ACTUAL)));
  CHECK(key != reports::figure_key(deliverable_ref("m.pct", 2021, v1::ACTUAL)));

  CHECK(reports::describe(measure_ref("m.pct", 2021, v1::ACTUAL)) == "hr measure 'm.pct' 2021 actual");
  CHECK(reports::describe(deliverable_ref("d.docs", 2022, v1::PLANNED)) == "hr deliverable 'd.docs' 2022 planned");
  CHECK(reports::describe(FigureValue()) == "none");
  CHECK(reports::describe(number_value(85)) == "85");
  CHECK(reports::describe(number_value(875, 1)) == "87.5");
  CHECK(reports::describe(number_value(85, 0, "text")) == "85 · text");
  CHECK(reports::describe(text_value("text")) == "text");
  CHECK(reports::describe(count_value(12)) == "12");
}

// ---- ReportedFigures ------------------------------------------------------------------------

TEST_CASE("ReportedFigures keeps the latest change of each figure", "[reports][reported]") {
  reports::ReportedFigures reported;
  CHECK(reported.empty());
  reported.add(change(measure_ref("m.pct", 2020, v1::ACTUAL), number_value(86), "first", 100));
  reported.add(change(measure_ref("m.pct", 2020, v1::ACTUAL), number_value(87), "second", 200));
  reported.add(change(deliverable_ref("d.docs", 2020, v1::ACTUAL), count_value(15), "third", 300));
  CHECK_FALSE(reported.empty());
  CHECK(reported.size() == 2);

  std::vector<Component> components = {make_component("hr"), make_component("finance")};
  std::vector<std::string> unapplied;
  reported.apply_to(components, &unapplied);
  CHECK(unapplied.empty());
  const auto values = values_of(components[0], "m.pct", 2020, v1::ACTUAL);
  REQUIRE(values.size() == 1);
  CHECK(values[0].number().units() == 87);
  CHECK(values[0].reported_by() == "second");
  CHECK(values[0].reported_at().seconds() == 200);
  CHECK(counts_of(components[0], "d.docs", 2020, v1::ACTUAL)[0].count() == 15);
  // finance has the same ids but was not reported for.
  CHECK(same(components[1], make_component("finance")));
}

TEST_CASE("ReportedFigures lists the reports no served component has a figure for", "[reports][reported]") {
  reports::ReportedFigures reported;
  reported.add(change(measure_ref("m.pct", 2020, v1::ACTUAL), number_value(86), "hr-team", 100));
  reported.add(change(measure_ref("m.pct", 2020, v1::ACTUAL, "legal"), number_value(50), "legal-team", 200));
  reported.add(change(measure_ref("m.renamed", 2020, v1::ACTUAL), number_value(7), "hr-team", 300));
  reported.add(change(deliverable_ref("d.docs", 2020, v1::ACTUAL, "finance"), count_value(4), "finance-team", 400));

  std::vector<Component> components = {make_component("hr")};
  std::vector<std::string> unapplied;
  reported.apply_to(components, &unapplied);
  REQUIRE(unapplied.size() == 3);
  auto listed = [&](const std::string& text) {
    return std::any_of(unapplied.begin(), unapplied.end(), [&](const std::string& line) { return line.find(text) != std::string::npos; });
  };
  CHECK(listed("legal measure 'm.pct' 2020 actual (50, by legal-team)"));
  CHECK(listed("hr measure 'm.renamed' 2020 actual (7, by hr-team)"));
  CHECK(listed("finance deliverable 'd.docs' 2020 actual (4, by finance-team)"));
  CHECK_FALSE(listed("hr measure 'm.pct'"));
  CHECK(values_of(components[0], "m.pct", 2020, v1::ACTUAL)[0].number().units() == 86);

  // Without a list to fill, the applicable ones are still applied.
  std::vector<Component> again = {make_component("hr")};
  reported.apply_to(again, nullptr);
  CHECK(values_of(again[0], "m.pct", 2020, v1::ACTUAL)[0].number().units() == 86);
}

TEST_CASE("ReportedFigures applied to one component touches only that component", "[reports][reported]") {
  reports::ReportedFigures reported;
  reported.add(change(measure_ref("m.pct", 2020, v1::ACTUAL, "hr"), number_value(86), "hr-team", 100));
  reported.add(change(measure_ref("m.pct", 2020, v1::ACTUAL, "finance"), number_value(60), "finance-team", 200));
  reported.add(change(deliverable_ref("d.docs", 2021, v1::ACTUAL, "hr"), count_value(9), "hr-team", 300));

  Component finance = make_component("finance");
  reported.apply_to(finance);
  const auto values = values_of(finance, "m.pct", 2020, v1::ACTUAL);
  REQUIRE(values.size() == 1);
  CHECK(values[0].number().units() == 60);
  CHECK(values[0].reported_by() == "finance-team");
  // hr's deliverable report is not laid over finance's deliverable of the same id.
  CHECK(counts_of(finance, "d.docs", 2021, v1::ACTUAL).empty());

  Component other = make_component("edm");
  reported.apply_to(other);
  CHECK(same(other, make_component("edm")));
}

// A report copies its own component's figures, not every component's, and the figures of a
// component keep their identity while they do not change: a version reuses what it built from them.
TEST_CASE("ReportedFigures shares each component's figures between copies until they change", "[reports][reported]") {
  // change() with the sequence the store gave it.
  auto stored = [](v1::FigureChange made, std::uint64_t sequence) {
    made.set_sequence(sequence);
    return made;
  };
  reports::ReportedFigures before;
  before.add_all({});
  CHECK(before.of("hr") == nullptr);
  const v1::FigureChange hr_first = stored(change(measure_ref("m.pct", 2020, v1::ACTUAL, "hr"), number_value(86), "hr-team", 100), 1);
  const v1::FigureChange finance_first = stored(change(measure_ref("m.pct", 2020, v1::ACTUAL, "finance"), number_value(60), "finance-team", 200), 2);
  before.add_all({&hr_first, &finance_first});
  CHECK(before.by_component().size() == 2);
  CHECK(before.of("finance") != nullptr);

  reports::ReportedFigures after = before;
  const v1::FigureChange hr_second = stored(change(measure_ref("m.pct", 2021, v1::ACTUAL, "hr"), number_value(88), "hr-team", 300), 3);
  const v1::FigureChange hr_third = stored(change(measure_ref("m.pct", 2020, v1::ACTUAL, "hr"), number_value(90), "hr-team", 400), 4);
  after.add_all({&hr_second, &hr_third});
  // finance's figures are the same object in both; hr's are a new one, and the copy kept its own.
  CHECK(after.of("finance") == before.of("finance"));
  CHECK(after.of("hr") != before.of("hr"));
  CHECK(before.of("hr")->size() == 1);
  CHECK(before.of("hr")->begin()->second.new_value().number().units() == 86);
  CHECK(after.of("hr")->size() == 2);
  CHECK(after.size() == 3);

  // An older change arriving late (another host's) does not replace a newer one.
  reports::ReportedFigures late = after;
  late.add(stored(change(measure_ref("m.pct", 2020, v1::ACTUAL, "hr"), number_value(70), "other-host", 350), 3));
  Component hr = make_component("hr");
  std::vector<std::string> unapplied;
  CHECK(late.apply_to("hr", &hr, &unapplied));
  CHECK(unapplied.empty());
  CHECK(values_of(hr, "m.pct", 2020, v1::ACTUAL)[0].number().units() == 90);
  // Not served: every report of the component is listed, none applied.
  CHECK_FALSE(late.apply_to("hr", nullptr, &unapplied));
  CHECK(unapplied.size() == 2);
  CHECK_FALSE(late.apply_to("edm", nullptr, &unapplied));
  CHECK(unapplied.size() == 2);
}

// The notes of reports that cannot be applied come in figure_key's order, component by component:
// "hr-ops|…" and "hr2|…" sort before "hr|…", though "hr" sorts before both.
TEST_CASE("ReportedFigures lists unapplied reports in the order of their figure keys", "[reports][reported]") {
  reports::ReportedFigures reported;
  reported.add(change(measure_ref("m.pct", 2020, v1::ACTUAL, "hr"), number_value(1), "hr-team", 100));
  reported.add(change(measure_ref("m.pct", 2020, v1::ACTUAL, "hr-ops"), number_value(2), "ops-team", 200));
  reported.add(change(measure_ref("m.pct", 2020, v1::ACTUAL, "hr2"), number_value(3), "two-team", 300));
  reported.add(change(measure_ref("m.pct", 2020, v1::ACTUAL, "h"), number_value(4), "h-team", 400));
  std::vector<std::string> keys;
  for (const auto& [id, figures] : reported.by_component()) keys.push_back(figures->begin()->first);
  CHECK(std::is_sorted(keys.begin(), keys.end()));
  std::vector<Component> none;
  std::vector<std::string> unapplied;
  reported.apply_to(none, &unapplied);
  REQUIRE(unapplied.size() == 4);
  CHECK_THAT(unapplied[0], Catch::Contains("reported hr-ops measure"));
  CHECK_THAT(unapplied[1], Catch::Contains("reported hr2 measure"));
  CHECK_THAT(unapplied[2], Catch::Contains("reported hr measure"));
  CHECK_THAT(unapplied[3], Catch::Contains("reported h measure"));
}
