// Versions built from the components' shares (host/query/shared_view.h, component_share.h,
// host/registry/versions.cc): the same tables and lists as aggregate::build_view() and
// query::serialize_view() serve, and a component that did not change is neither parsed nor
// built again.
#include <catch2/catch.hpp>
#include <google/protobuf/util/message_differencer.h>
#include <google/protobuf/util/time_util.h>

#include "host/query/queries.h"
#include "host/query/shared_view.h"
#include "host/registry/versions.h"
#include "section_fixture.h"

using namespace section;
using google::protobuf::util::MessageDifferencer;
using google::protobuf::util::TimeUtil;

namespace {

// The statuses view_of_components() gives, with `stale` STALE rather than SERVING.
std::vector<v1::ComponentStatus> statuses_of(const std::vector<v1::Component>& components, const std::string& stale = {}) {
  std::vector<v1::ComponentStatus> statuses;
  for (const auto& id : test::all_components()) {
    v1::ComponentStatus& status = statuses.emplace_back();
    status.set_id(id);
    const bool served = std::any_of(components.begin(), components.end(), [&](const auto& c) { return c.id() == id; });
    status.set_state(!served ? v1::DISABLED : id == stale ? v1::STALE : v1::SERVING);
    if (!served) status.set_reason("enabled: false in the test");
    if (id == stale) {
      status.set_reason("its process exited");
      *status.mutable_published_at() = TimeUtil::SecondsToTimestamp(1700000000);
    }
  }
  return statuses;
}

// A reported value in each kind of figure the component has, as the report desk lays them.
void mark_reported(v1::Component& component) {
  const auto mark = [](auto* value) {
    value->set_reported_by("team-" + std::to_string(value->year()));
    *value->mutable_reported_at() = TimeUtil::SecondsToTimestamp(1710000000);
  };
  for (auto& result : *component.mutable_results()) {
    if (result.measures_size() > 0 && result.measures(0).values_size() > 0) mark(result.mutable_measures(0)->mutable_values(0));
  }
  if (component.compliance_size() > 0 && component.compliance(0).values_size() > 0) {
    mark(component.mutable_compliance(0)->mutable_values(0));
  }
  for (auto& deliverable : *component.mutable_deliverables()) {
    if (deliverable.counts_size() > 0) mark(deliverable.mutable_counts(0));
  }
}

aggregate::SectionInput input_of(std::vector<v1::Component> components, const std::string& stale = {}) {
  aggregate::SectionInput input;
  input.section = &test::section_file();
  input.statuses = statuses_of(components, stale);
  input.components = std::move(components);
  input.version = 7;
  input.published_at = TimeUtil::SecondsToTimestamp(1720000000);
  return input;
}

template <typename T>
T parsed(const std::string& bytes) {
  T message;
  REQUIRE(message.ParseFromString(bytes));
  return message;
}

// `shared` serves what build_view() and serialize_view() serve for `input`: every table, the
// index, both unfiltered lists and the section, parsed and compared.
void check_same_as_built(const aggregate::SectionInput& input, const query::PublishedView& shared) {
  const query::PublishedView full = query::serialize_view(aggregate::build_view(input), {});
  CHECK(shared.version == full.version);
  CHECK(query::list_tables(shared).SerializeAsString() == query::list_tables(full).SerializeAsString());
  REQUIRE(shared.tables.size() == full.tables.size());
  for (const auto& [id, span] : full.tables) {
    INFO("table " << id);
    REQUIRE(shared.tables.count(id) == 1);
    const v1::Table expected = parsed<v1::Table>(full.table_bytes(span));
    CHECK(MessageDifferencer::Equals(parsed<v1::Table>(shared.table_bytes(shared.tables.at(id))), expected));
    CHECK(MessageDifferencer::Equals(shared.table(id), expected));
  }
  CHECK(MessageDifferencer::Equals(parsed<v1::ListMeasuresResponse>(shared.all_measures()),
                                   parsed<v1::ListMeasuresResponse>(full.all_measures())));
  CHECK(MessageDifferencer::Equals(parsed<v1::ListDeliverablesResponse>(shared.all_deliverables()),
                                   parsed<v1::ListDeliverablesResponse>(full.all_deliverables())));
  CHECK(query::section_bytes(shared) == query::section_bytes(full));
  CHECK(shared.reconciliation_differences == full.reconciliation_differences);
}

query::PublishedView shared_view_of(const aggregate::SectionInput& input,
                                   std::shared_ptr<const query::SectionTablesMemo> previous = nullptr) {
  query::SharedInput shared;
  shared.previous = std::move(previous);
  shared.section = input.section;
  shared.statuses = input.statuses;
  // In another order than the fascicle's: the view orders them.
  for (auto it = input.components.rbegin(); it != input.components.rend(); ++it) {
    shared.components.push_back({query::StoredComponent::of(*it), query::build_share(*input.section, *it)});
  }
  shared.version = input.version;
  shared.published_at = input.published_at;
  shared.report_notes = input.report_notes;
  return query::build_shared_view(std::move(shared));
}

std::vector<v1::Component> components_of(const std::vector<std::string>& ids) {
  std::vector<v1::Component> components;
  for (const auto& id : ids) components.push_back(test::component(id));
  return components;
}

}  // namespace

TEST_CASE("a version built from shares serves what build_view and serialize_view serve", "[query][shared]") {
  SECTION("all five components") {
    const auto input = input_of(components_of(test::all_components()));
    const query::PublishedView shared = shared_view_of(input);
    check_same_as_built(input, shared);
    // The data's Chinese is compared too: in a component's own table, in a section table that
    // labels rows with the components' titles, and in the index.
    const v1::Table measures = shared.table("measures/hr");
    CHECK(std::any_of(measures.rows().begin(), measures.rows().end(), [](const auto& row) { return row.languages_size() > 0; }));
    bool labelled = false;
    const v1::Table by_component = shared.table("financial-by-component-rb");
    for (const auto& row : by_component.rows()) labelled = labelled || (row.key() == "hr" && row.languages_size() > 0);
    CHECK(labelled);
    CHECK(query::list_tables(shared).tables(0).languages_size() > 0);
  }
  SECTION("some missing, one stale") {
    const auto input = input_of(components_of({"edm", "hr", "ict"}), "hr");
    check_same_as_built(input, shared_view_of(input));
  }
  SECTION("none served") {
    const auto input = input_of({});
    check_same_as_built(input, shared_view_of(input));
  }
  SECTION("with reported figures, and reports that could not be applied") {
    std::vector<v1::Component> components = components_of(test::all_components());
    for (auto& component : components) mark_reported(component);
    auto input = input_of(std::move(components));
    input.report_notes = {"The reported hr measure 'x' is not served."};
    check_same_as_built(input, shared_view_of(input));
  }
}

TEST_CASE("the next version takes the section's tables from the last when nothing they read changed", "[query][shared]") {
  std::vector<v1::Component> components = components_of(test::all_components());
  auto input = input_of(components);
  const query::PublishedView first = shared_view_of(input);
  REQUIRE(first.section_memo != nullptr);
  const auto next_of = [&](const query::PublishedView& last) {
    input.version = last.version + 1;
    return shared_view_of(input, last.section_memo);
  };
  const auto hr = [&]() -> v1::Component& { return input.components[2]; };
  REQUIRE(hr().id() == "hr");

  SECTION("a measure's value changed (as a report changes it): taken, and served as if built") {
    v1::MeasureValue* value = nullptr;
    for (auto& result : *hr().mutable_results()) {
      for (auto& measure : *result.mutable_measures()) {
        for (auto& candidate : *measure.mutable_values()) {
          if (value == nullptr && candidate.has_number()) value = &candidate;
        }
      }
    }
    REQUIRE(value != nullptr);
    value->mutable_number()->set_units(value->number().units() + 1);
    value->set_reported_by("hr-team");
    const query::PublishedView next = next_of(first);
    CHECK(next.table("measures/hr").SerializeAsString() != first.table("measures/hr").SerializeAsString());
    check_same_as_built(input, next);
    CHECK(next.section_memo->built == first.section_memo->built);
    CHECK(next.table("financial-by-component-rb").version() == first.version + 1);
  }
  SECTION("a figure the section's tables read changed: built again") {
    REQUIRE(hr().money_size() > 0);
    hr().mutable_money(0)->set_amount_usd(hr().money(0).amount_usd() + 1000);
    const query::PublishedView next = next_of(first);
    check_same_as_built(input, next);
    CHECK(next.section_memo->built != first.section_memo->built);
    CHECK(next.reconciliation_differences != first.reconciliation_differences);
  }
  SECTION("a component stale, or a report left out: built again, with their notes") {
    SECTION("stale") { input.statuses = statuses_of(input.components, "hr"); }
    SECTION("report note") { input.report_notes = {"The reported hr measure 'x' is not served."}; }
    const query::PublishedView next = next_of(first);
    check_same_as_built(input, next);
    CHECK(next.section_memo->built != first.section_memo->built);
    // A stale component's note gives its age at each version: never taken from the last.
    const query::PublishedView after = next_of(next);
    check_same_as_built(input, after);
    const bool stale = input.statuses[2].state() == v1::STALE;
    CHECK((after.section_memo->built == next.section_memo->built) == !stale);
  }
}

TEST_CASE("a component table is its share's bytes followed by the version's suffix", "[query][shared]") {
  const v1::Component hr = test::component("hr");
  const query::SharePtr share = query::build_share(test::section_file(), hr);
  CHECK(share->id == "hr");
  const v1::ListTablesResponse index = share->parse_index_entries();
  REQUIRE(index.tables_size() == 3);
  for (std::size_t own = 0; own < 3; ++own) {
    CHECK(index.tables(static_cast<int>(own)).id() == share->table_id(own));
    CHECK(share->table(own, "").id() == share->table_id(own));
  }
  CHECK(share->table_id(0) == "component-evolution/hr");
  CHECK(share->table_id(1) == "deliverables/hr");
  CHECK(share->table_id(2) == "measures/hr");
  // The digest holds what the section's tables read, not the component's text or programme.
  const v1::Component digest = share->parse_digest();
  CHECK(digest.id() == "hr");
  CHECK(digest.money_size() == hr.money_size());
  CHECK(digest.results_size() == 0);
  CHECK(digest.deliverables_size() == 0);
  CHECK(share->digest.size() < hr.ByteSizeLong() / 2);

  const std::string suffix = query::table_suffix(9, {"first", "", "second"});
  const v1::Table table = share->table(2, suffix);
  CHECK(table.version() == 9);
  REQUIRE(table.notes_size() >= 3);
  CHECK(table.notes(table.notes_size() - 3) == "first");
  CHECK(table.notes(table.notes_size() - 2).empty());
  CHECK(table.notes(table.notes_size() - 1) == "second");
  CHECK(query::table_suffix(0, {}).empty());
}

namespace {

registry::Slots slots_of(const std::vector<v1::Component>& components, const std::shared_ptr<const config::SectionFile>& section) {
  registry::Slots slots;
  for (const auto& status : statuses_of(components)) {
    auto slot = std::make_unique<registry::Slot>();
    slot->config.id = status.id();
    slot->status = status;
    for (const auto& component : components) {
      if (component.id() == status.id()) slot->component = query::StoredComponent::keep(component, component.SerializeAsString(), section);
    }
    slots.push_back(std::move(slot));
  }
  return slots;
}

aggregate::SectionInput input_of_view(std::vector<v1::Component> components, const query::PublishedView& view) {
  aggregate::SectionInput input = input_of(std::move(components));
  input.version = view.version;
  input.published_at = view.published_at;
  return input;
}

}  // namespace

TEST_CASE("the next version reuses the shares of the components that did not change, without parsing them", "[registry][shared]") {
  const auto section = std::make_shared<const config::SectionFile>(test::section_file());
  std::vector<v1::Component> components = components_of(test::all_components());
  registry::Slots slots = slots_of(components, section);
  registry::Versions versions(false);

  std::uint64_t parses = query::StoredComponent::parse_count();
  const registry::ViewPtr first = versions.publish("start-up", section, slots);
  CHECK(query::StoredComponent::parse_count() == parses);  // shares built when kept
  check_same_as_built(input_of_view(components, *first), *first);

  // hr republishes: only its share is new, and nothing is parsed.
  v1::Component& hr = components[2];
  REQUIRE(hr.id() == "hr");
  hr.set_title(hr.title() + " (renamed)");
  slots[2]->component = query::StoredComponent::keep(hr, hr.SerializeAsString(), section);
  parses = query::StoredComponent::parse_count();
  const registry::ViewPtr second = versions.publish("component hr republished", section, slots);
  CHECK(query::StoredComponent::parse_count() == parses);
  REQUIRE(second->shares.size() == first->shares.size());
  for (std::size_t i = 0; i < second->shares.size(); ++i) {
    INFO(second->shares[i]->id);
    if (second->shares[i]->id == "hr") {
      CHECK(second->shares[i] != first->shares[i]);
    } else {
      CHECK(second->shares[i] == first->shares[i]);  // the same share, not a copy
    }
  }
  check_same_as_built(input_of_view(components, *second), *second);

  // A changed section file: every share is built again, once, for it.
  const auto reloaded = std::make_shared<const config::SectionFile>(test::section_file());
  parses = query::StoredComponent::parse_count();
  const registry::ViewPtr third = versions.publish("reload", reloaded, slots);
  CHECK(query::StoredComponent::parse_count() == parses + components.size());
  for (std::size_t i = 0; i < third->shares.size(); ++i) CHECK(third->shares[i] != second->shares[i]);
  parses = query::StoredComponent::parse_count();
  const registry::ViewPtr fourth = versions.publish("again", reloaded, slots);
  CHECK(query::StoredComponent::parse_count() == parses);
  for (std::size_t i = 0; i < fourth->shares.size(); ++i) CHECK(fourth->shares[i] == third->shares[i]);
  check_same_as_built(input_of_view(components, *fourth), *fourth);
}

TEST_CASE("only the components with reported figures are parsed and laid over, once until they change", "[registry][shared]") {
  const auto section = std::make_shared<const config::SectionFile>(test::section_file());
  const std::vector<v1::Component> components = components_of(test::all_components());
  registry::Slots slots = slots_of(components, section);
  registry::Versions versions(false);
  // The identity of each component's figures, as reports::ReportedFigures gives it.
  registry::Versions::Overlay::Reported figures = {
      {"hr", std::make_shared<int>(1)}, {"ict", std::make_shared<int>(2)}, {"planet", std::make_shared<int>(3)}};
  registry::Versions::Overlay overlay;
  overlay.reported = [&] { return figures; };
  std::vector<std::string> given;
  overlay.apply = [&](const std::string& id, v1::Component* component, std::vector<std::string>* unapplied) {
    if (component == nullptr) {
      unapplied->push_back("The reported " + id + " measure 'x' is not served.");
      return false;
    }
    given.push_back(component->id());
    if (id != "hr") return false;
    mark_reported(*component);
    return true;
  };
  versions.set_overlay(overlay);

  std::vector<v1::Component> served = components;
  mark_reported(served[2]);
  REQUIRE(served[2].id() == "hr");
  registry::ViewPtr last;
  for (int version = 1; version <= 2; ++version) {
    given.clear();
    const std::uint64_t parses = query::StoredComponent::parse_count();
    const registry::ViewPtr view = versions.publish("version", section, slots);
    // hr and ict, not the others; in the next version, neither: their figures did not change,
    // so they are served as the last version served them.
    CHECK(query::StoredComponent::parse_count() == parses + (version == 1 ? 2 : 0));
    CHECK(given == (version == 1 ? std::vector<std::string>{"hr", "ict"} : std::vector<std::string>{}));
    aggregate::SectionInput input = input_of_view(served, *view);
    input.report_notes = {"The reported planet measure 'x' is not served."};
    check_same_as_built(input, *view);
    // ict has reports but none changed it: it is served as stored, with the share built when kept.
    for (std::size_t i = 0; i < view->components.size(); ++i) {
      if (view->components[i]->header.id() == "ict") CHECK(view->components[i] == slots[4]->component);
      if (view->components[i]->header.id() == "ict") CHECK(view->shares[i] == slots[4]->component->share);
      if (view->components[i]->header.id() == "hr") CHECK(view->components[i] != slots[2]->component);
    }
    REQUIRE(view->section_memo != nullptr);
    if (version == 2) {
      // hr's share is the last version's, so are the section's tables.
      CHECK(view->shares == last->shares);
      CHECK(view->components == last->components);
      CHECK(view->section_memo->built == last->section_memo->built);
      // The section's text is serialized once per section file (check_same_as_built compared it).
      CHECK(view->section_memo->section_head == last->section_memo->section_head);
    }
    last = view;
  }
  // hr's figures change: hr alone is laid over again, with a share of its own and the same digest.
  figures[0].second = std::make_shared<int>(4);  // hr's
  given.clear();
  const registry::ViewPtr changed = versions.publish("hr reported", section, slots);
  CHECK(given == std::vector<std::string>{"hr"});
  for (std::size_t i = 0; i < changed->shares.size(); ++i) {
    CHECK((changed->shares[i] == last->shares[i]) == (changed->components[i]->header.id() != "hr"));
  }
  CHECK(changed->section_memo->built == last->section_memo->built);
  // The component built for it goes to the next batch of reports once, for those figures only.
  CHECK_FALSE(versions.take_overlaid(slots[2]->component, figures[1].second.get()).has_value());
  const std::optional<v1::Component> taken = versions.take_overlaid(slots[2]->component, figures[0].second.get());
  REQUIRE(taken.has_value());
  CHECK(MessageDifferencer::Equals(*taken, served[2]));
  CHECK_FALSE(versions.take_overlaid(slots[2]->component, figures[0].second.get()).has_value());
  // hr's plugin publishes again: that component is parsed anew, ict is still kept parsed.
  slots[2]->component = query::StoredComponent::of(components[2]);
  std::uint64_t parses = query::StoredComponent::parse_count();
  given.clear();
  versions.publish("hr again", section, slots);
  CHECK(given == std::vector<std::string>{"hr"});
  CHECK(query::StoredComponent::parse_count() == parses + 1);
  CHECK(versions.parsed(slots[2]->component).id() == "hr");
  CHECK(query::StoredComponent::parse_count() == parses + 1);
  // ict no longer has reports: it is no longer kept parsed.
  figures.erase(figures.begin() + 1);  // ict's
  versions.publish("ict without reports", section, slots);
  parses = query::StoredComponent::parse_count();
  versions.parsed(slots[4]->component);
  CHECK(query::StoredComponent::parse_count() == parses + 1);
}
