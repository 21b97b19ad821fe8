#include "section_fixture.h"

#include <catch2/catch.hpp>

#include "section/sdk/sdk.h"
#include "test_env.h"

namespace section::test {

const std::vector<std::string>& all_components() {
  static const std::vector<std::string> ids = {"edm", "finance", "hr", "support", "ict"};
  return ids;
}

const config::SectionFile& section_file() {
  static const config::SectionFile file = [] {
    auto loaded = config::load_section_file(source_dir() / "configs/section-29f.section.yaml");
    if (!loaded.ok()) throw std::runtime_error(std::string(loaded.status().message()));
    return *loaded;
  }();
  return file;
}

section::v1::Component component(const std::string& id) {
  return sdk::read_component_file(source_dir() / "plugins" / id / "component.yaml");
}

aggregate::SectionView view_of_components(std::vector<section::v1::Component> components,
                                          const config::SectionFile& section) {
  aggregate::SectionInput input;
  input.section = &section;
  input.version = 1;
  for (const auto& id : all_components()) {
    section::v1::ComponentStatus status;
    status.set_id(id);
    const bool serving = std::any_of(components.begin(), components.end(), [&](const auto& c) { return c.id() == id; });
    status.set_state(serving ? section::v1::SERVING : section::v1::DISABLED);
    if (!serving) status.set_reason("enabled: false in the test");
    input.statuses.push_back(status);
  }
  input.components = std::move(components);
  return aggregate::build_view(std::move(input));
}

aggregate::SectionView view_of(const std::vector<std::string>& serving) {
  std::vector<section::v1::Component> components;
  for (const auto& id : serving) components.push_back(component(id));
  return view_of_components(std::move(components));
}

const section::v1::Table& table(const aggregate::SectionView& view, const std::string& id) {
  const auto found = view.tables.find(id);
  if (found == view.tables.end()) FAIL("no table " << id);
  return found->second;
}

const section::v1::Row* find_row(const section::v1::Table& table, const std::string& key) {
  for (const auto& row : table.rows()) {
    if (row.key() == key) return &row;
  }
  return nullptr;
}

std::int64_t integer(const aggregate::SectionView& view, const std::string& table_id, const std::string& row_key,
                     const std::string& column) {
  const section::v1::Row* row = find_row(table(view, table_id), row_key);
  if (row == nullptr) FAIL("no row " << row_key << " in " << table_id);
  const auto cell = row->cells().find(column);
  if (cell == row->cells().end() || cell->second.value_case() != section::v1::Cell::kInteger) {
    FAIL("no integer in " << table_id << " / " << row_key << " / " << column);
  }
  return cell->second.integer();
}

std::optional<std::int64_t> tenths(const aggregate::SectionView& view, const std::string& table_id,
                                   const std::string& row_key, const std::string& column) {
  const section::v1::Row* row = find_row(table(view, table_id), row_key);
  if (row == nullptr) FAIL("no row " << row_key << " in " << table_id);
  const auto cell = row->cells().find(column);
  if (cell == row->cells().end()) return std::nullopt;
  REQUIRE(cell->second.value_case() == section::v1::Cell::kDecimal);
  REQUIRE(cell->second.decimal().scale() == 1);
  return cell->second.decimal().units();
}

}  // namespace section::test
