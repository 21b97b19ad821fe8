// A report's candidate serialized from the published component's parts
// (host/reports/candidate_bytes.h): it must parse as the candidate itself, whatever the reports
// laid in it.
#include <catch2/catch.hpp>

#include <google/protobuf/util/message_differencer.h>
#include <google/protobuf/util/time_util.h>

#include "host/reports/candidate_bytes.h"
#include "host/reports/figures.h"
#include "section_fixture.h"

using namespace section;
using google::protobuf::util::MessageDifferencer;

namespace {

v1::FigureChange measure_change(const std::string& component, const std::string& measure, int year, std::int64_t units) {
  v1::FigureChange change;
  change.mutable_figure()->set_component(component);
  change.mutable_figure()->set_measure(measure);
  change.mutable_figure()->set_year(year);
  change.mutable_figure()->set_kind(v1::ACTUAL);
  change.mutable_new_value()->set_present(true);
  change.mutable_new_value()->mutable_number()->set_units(units);
  change.set_reported_by("hr-team");
  *change.mutable_reported_at() = google::protobuf::util::TimeUtil::SecondsToTimestamp(1764900000);
  return change;
}

v1::FigureChange deliverable_change(const std::string& component, const std::string& deliverable, int year, std::int64_t count) {
  v1::FigureChange change = measure_change(component, "", year, 0);
  change.mutable_figure()->set_deliverable(deliverable);
  change.mutable_new_value()->clear_number();
  change.mutable_new_value()->set_count(count);
  return change;
}

// `bytes` parse as `candidate`.
void check_parses_as(const std::string& bytes, const v1::Component& candidate) {
  v1::Component parsed;
  REQUIRE(parsed.ParseFromString(bytes));
  std::string differences;
  MessageDifferencer differencer;
  differencer.ReportDifferencesToString(&differences);
  INFO(differences);
  CHECK(differencer.Compare(parsed, candidate));
  CHECK(bytes.size() == candidate.ByteSizeLong());
}

}  // namespace

TEST_CASE("a candidate serialized from the published component's parts parses as the candidate", "[reports][candidate]") {
  for (const std::string& id : test::all_components()) {
    INFO("component " << id);
    const v1::Component published = test::component(id);
    const reports::CandidateBytes parts(published);
    check_parses_as(parts.of(published), published);

    v1::Component candidate = published;
    std::vector<v1::FigureChange> changes;
    if (candidate.results_size() > 0 && candidate.results(candidate.results_size() - 1).measures_size() > 0) {
      changes.push_back(measure_change(id, candidate.results(candidate.results_size() - 1).measures(0).id(), 2021, 41));
      changes.push_back(measure_change(id, candidate.results(candidate.results_size() - 1).measures(0).id(), 2030, 7));  // a new year
    }
    if (candidate.compliance_size() > 0) changes.push_back(measure_change(id, candidate.compliance(0).id(), 2021, 97));
    for (const auto& deliverable : candidate.deliverables()) {
      if (deliverable.quantified()) {
        changes.push_back(deliverable_change(id, deliverable.id(), 2021, 12));
        break;
      }
    }
    REQUIRE_FALSE(changes.empty());
    for (const auto& change : changes) {
      REQUIRE(reports::apply(candidate, change));
      check_parses_as(parts.of(candidate), candidate);
    }
    CHECK(parts.of(candidate) != parts.of(published));
  }
}
