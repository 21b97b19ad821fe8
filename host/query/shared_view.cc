#include "host/query/shared_view.h"

#include <algorithm>
#include <numeric>

#include "host/query/queries.h"
#include "host/query/wire_format.h"

namespace section::query {
namespace {

using aggregate::SectionInput;
using section::v1::Table;

// The served components in the fascicle's order, with their digests parsed for aggregation.
void order_and_digest(SharedInput& input, SectionInput& aggregated, PublishedView& out) {
  std::vector<section::v1::Component> digests;
  digests.reserve(input.components.size());
  for (const auto& component : input.components) digests.push_back(component.share->parse_digest());
  std::vector<std::size_t> order(digests.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return aggregate::component_before(digests[a], digests[b]); });
  for (std::size_t i : order) {
    aggregated.components.push_back(std::move(digests[i]));
    out.components.push_back(std::move(input.components[i].stored));
    out.shares.push_back(std::move(input.components[i].share));
  }
}

// The tables that the section file's printed figures read, finished: the section's own and, of
// the components' tables, only those a figure names (parsed from their shares).
std::map<std::string, Table> tables_to_reconcile(const PublishedView& out, const config::SectionFile& section,
                                                 std::vector<Table>& section_tables) {
  std::map<std::string, Table> tables;
  for (auto& table : section_tables) tables.emplace(table.id(), std::move(table));
  const auto add = [&](const std::string& id) {
    if (tables.count(id) > 0) return;
    if (auto found = out.tables.find(id); found != out.tables.end()) {
      Table table;
      table.ParseFromString(out.table_bytes(found->second));
      tables.emplace(id, std::move(table));
    }
  };
  for (const auto& figure : section.figures) {
    add(figure.ref.table);
    if (figure.share_of) add(figure.share_of->table);
  }
  return tables;
}

// Every table this version built into one block, each with its place in it.
void keep_built(std::map<std::string, Table>& built, PublishedView& out) {
  std::size_t total = 0;
  for (const auto& [id, table] : built) {
    const std::size_t size = table.ByteSizeLong();
    out.tables[id] = PublishedView::Span{total, size, nullptr, 0};
    total += size;
  }
  out.table_block.resize(total);
  auto* block = reinterpret_cast<std::uint8_t*>(out.table_block.data());
  for (const auto& [id, table] : built) table.SerializeWithCachedSizesToArray(block + out.tables.at(id).offset);
}

void index_tables(const std::vector<section::v1::TableInfo>& section_infos, PublishedView& out) {
  std::vector<section::v1::ListTablesResponse> own;
  own.reserve(out.shares.size());
  for (const auto& share : out.shares) own.push_back(share->parse_index_entries());
  for (const aggregate::TablePlace& place : aggregate::index_order(out.shares.size())) {
    if (place.section_table >= 0) {
      out.table_index.push_back(section_infos[static_cast<std::size_t>(place.section_table)]);
    } else {
      out.table_index.push_back(std::move(*own[place.component].mutable_tables(static_cast<int>(place.own))));
    }
  }
}

void keep_lists(const config::SectionFile& section, std::uint64_t version, PublishedView& out) {
  wire::put_varint(out.measures.tail, section::v1::ListMeasuresResponse::kVersionFieldNumber, version);
  wire::append_deliverable_entries(out.deliverables.head, kSectionComponent, section.text.deliverables());
  wire::put_varint(out.deliverables.tail, section::v1::ListDeliverablesResponse::kVersionFieldNumber, version);
}

}  // namespace

PublishedView build_shared_view(SharedInput input) {
  PublishedView out;
  out.version = input.version;
  out.published_at = input.published_at;
  out.reason = std::move(input.reason);
  SectionInput aggregated;
  aggregated.section = input.section;
  aggregated.statuses = input.statuses;
  aggregated.version = input.version;
  aggregated.published_at = input.published_at;
  aggregated.report_notes = std::move(input.report_notes);
  order_and_digest(input, aggregated, out);

  const std::vector<std::string> notes = aggregated.availability_notes();
  out.table_suffix = table_suffix(input.version, notes);
  for (const auto& share : out.shares) {
    for (std::size_t own = 0; own < aggregate::kOwnTables; ++own) {
      out.tables[share->table_id(own)] = PublishedView::Span{0, 0, share.get(), own};
    }
  }
  std::vector<Table> section_tables = aggregate::section_tables(aggregated);
  std::vector<section::v1::TableInfo> section_infos;
  for (auto& table : section_tables) {
    aggregate::finish_for_version(input.version, notes, table);
    section_infos.push_back(aggregate::info_of(table));
  }
  std::map<std::string, Table> reconciled = tables_to_reconcile(out, *input.section, section_tables);
  aggregate::Reconciliation reconciliation = aggregate::reconcile_finished(aggregated, reconciled, notes);
  out.reconciliation_differences = reconciliation.differences;
  std::map<std::string, Table> built;
  for (auto& [id, table] : reconciled) {
    if (out.tables.count(id) == 0) built.emplace(id, std::move(table));
  }
  index_tables(section_infos, out);
  out.table_index.push_back(aggregate::info_of(reconciliation.table));
  built.emplace(reconciliation.table.id(), std::move(reconciliation.table));
  keep_built(built, out);
  keep_lists(*input.section, input.version, out);

  section::v1::Section section = input.section->text;
  section.set_version(input.version);
  for (const auto& status : input.statuses) *section.add_component_status() = status;
  keep_section(std::move(section), out);
  return out;
}

}  // namespace section::query
