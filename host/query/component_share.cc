#include "host/query/component_share.h"

#include "host/query/wire_format.h"

namespace section::query {

section::v1::Component ComponentShare::parse_digest() const {
  section::v1::Component component;
  component.ParseFromString(digest);
  return component;
}

section::v1::Table ComponentShare::table(std::size_t own, const std::string& suffix) const {
  section::v1::Table table;
  table.ParseFromString(tables.at(own) + suffix);
  return table;
}

std::string ComponentShare::table_id(std::size_t own) const {
  static const char* const prefixes[aggregate::kOwnTables] = {"component-evolution/", "deliverables/", "measures/"};
  return prefixes[own] + id;
}

section::v1::ListTablesResponse ComponentShare::parse_index_entries() const {
  section::v1::ListTablesResponse entries;
  entries.ParseFromString(index_entries);
  return entries;
}

SharePtr build_share(const config::SectionFile& section, const section::v1::Component& component) {
  auto share = std::make_shared<ComponentShare>();
  share->id = component.id();
  std::vector<section::v1::Table> tables = aggregate::component_tables(section, component);
  for (std::size_t i = 0; i < aggregate::kOwnTables; ++i) {
    share->tables[i] = wire::deterministic_bytes(tables[i]);
    wire::put_message(share->index_entries, section::v1::ListTablesResponse::kTablesFieldNumber, aggregate::info_of(tables[i]));
  }
  wire::append_measure_entries(share->measure_entries, component);
  wire::append_deliverable_entries(share->deliverable_entries, component.id(), component.deliverables());
  // Kept as long as the component is served: without the slack that appending left.
  share->measure_entries.shrink_to_fit();
  share->deliverable_entries.shrink_to_fit();
  share->index_entries.shrink_to_fit();
  share->digest = wire::deterministic_bytes(aggregate::digest_of(component));
  return share;
}

std::string table_suffix(std::uint64_t version, const std::vector<std::string>& notes) {
  std::string suffix;
  wire::put_varint(suffix, section::v1::Table::kVersionFieldNumber, version);
  for (const auto& note : notes) {
    // A repeated string is written even when empty.
    wire::put_key_and_length(suffix, section::v1::Table::kNotesFieldNumber, note.size());
    suffix += note;
  }
  return suffix;
}

}  // namespace section::query
