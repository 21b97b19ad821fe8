#include "host/query/shared_view.h"

#include <algorithm>
#include <numeric>
#include <set>

#include "host/query/queries.h"
#include "host/query/wire_format.h"

namespace section::query {
namespace {

using aggregate::SectionInput;
using section::v1::Table;

// The served components' digests parsed for aggregation, in the fascicle's order; the order.
std::vector<std::size_t> order_and_digest(const SharedInput& input, SectionInput& aggregated) {
  std::vector<section::v1::Component> digests;
  digests.reserve(input.components.size());
  for (const auto& component : input.components) digests.push_back(component.share->parse_digest());
  std::vector<std::size_t> order(digests.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return aggregate::component_before(digests[a], digests[b]); });
  for (std::size_t i : order) aggregated.components.push_back(std::move(digests[i]));
  return order;
}

// The ids of the tables that the section file's printed figures read: the section's and components'.
std::set<std::string> tables_figures_read(const config::SectionFile& section) {
  std::set<std::string> ids;
  for (const auto& figure : section.figures) {
    ids.insert(figure.ref.table);
    if (figure.share_of) ids.insert(figure.share_of->table);
  }
  return ids;
}

// Whether the section tables and reconciliation of `last` serve `now` (its inputs only): the
// same section file, statuses and report notes, and components with the same digests and the
// same tables that printed figures read.
bool same_section_inputs(const SectionTablesMemo& last, const SectionTablesMemo& now) {
  if (last.section != now.section || last.report_notes != now.report_notes || last.statuses != now.statuses ||
      last.shares.size() != now.shares.size()) {
    return false;
  }
  const std::set<std::string> read = tables_figures_read(*now.section);
  for (std::size_t i = 0; i < now.shares.size(); ++i) {
    const ComponentShare& was = *last.shares[i];
    const ComponentShare& is = *now.shares[i];
    if (&was == &is) continue;
    if (was.id != is.id || was.digest != is.digest) return false;
    for (std::size_t own = 0; own < aggregate::kOwnTables; ++own) {
      if (read.count(is.table_id(own)) > 0 && was.tables[own] != is.tables[own]) return false;
    }
  }
  return true;
}

// The tables that the section file's printed figures read, finished: the section's own and, of
// the components' tables, only those a figure names (parsed from their shares).
std::map<std::string, Table> tables_to_reconcile(const PublishedView& out, const config::SectionFile& section,
                                                 std::vector<Table>& section_tables) {
  std::map<std::string, Table> tables;
  for (auto& table : section_tables) tables.emplace(table.id(), std::move(table));
  for (const std::string& id : tables_figures_read(section)) {
    if (tables.count(id) > 0) continue;
    if (auto found = out.tables.find(id); found != out.tables.end()) {
      Table table;
      table.ParseFromString(out.table_bytes(found->second));
      tables.emplace(id, std::move(table));
    }
  }
  return tables;
}

// The section's tables and the reconciliation, each finished but for the version and followed
// by the version's suffix, as a component's table is (component_share.h): their bytes are held
// by the memo, and shared by every version that reuses it.
void keep_built(const SectionTablesMemo::Built& built, PublishedView& out) {
  for (const auto& [id, bytes] : built.tables) {
    PublishedView::Span span;
    span.built = &bytes;
    out.tables[id] = span;
  }
}

// Builds the section's tables and the reconciliation of `aggregated` (components in the
// fascicle's order), finished but for the version.
std::shared_ptr<const SectionTablesMemo::Built> build_section_tables(const SectionInput& aggregated, const PublishedView& out,
                                                                     const std::vector<std::string>& notes) {
  auto built = std::make_shared<SectionTablesMemo::Built>();
  std::vector<Table> section_tables = aggregate::section_tables(aggregated);
  for (auto& table : section_tables) {
    built->tables.emplace_back(table.id(), wire::deterministic_bytes(table));
    // The reconciliation reads them finished.
    aggregate::finish_for_version(aggregated.version, notes, table);
    built->section_infos.push_back(aggregate::info_of(table));
  }
  const std::map<std::string, Table> reconciled = tables_to_reconcile(out, *aggregated.section, section_tables);
  const aggregate::Reconciliation reconciliation = aggregate::reconcile_for_any_version(aggregated, reconciled);
  built->differences = reconciliation.differences;
  built->reconciliation_info = aggregate::info_of(reconciliation.table);
  built->tables.emplace_back(reconciliation.table.id(), wire::deterministic_bytes(reconciliation.table));
  return built;
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

  auto memo = std::make_shared<SectionTablesMemo>();
  memo->section = input.section;
  memo->report_notes = input.report_notes;
  for (const auto& status : input.statuses) memo->statuses.push_back(status.SerializeAsString());
  for (const auto& component : input.components) memo->shares.push_back(component.share);
  // A STALE component's note gives its age, which changes with every version.
  const bool stale = std::any_of(input.statuses.begin(), input.statuses.end(),
                                 [](const auto& status) { return status.state() == section::v1::STALE; });
  const bool reused = !stale && input.previous != nullptr && same_section_inputs(*input.previous, *memo);

  SectionInput aggregated;
  aggregated.section = input.section;
  aggregated.statuses = std::move(input.statuses);
  aggregated.version = input.version;
  aggregated.published_at = input.published_at;
  aggregated.report_notes = std::move(input.report_notes);
  std::vector<std::size_t> order;
  if (reused) {
    order = input.previous->order;
    memo->notes = input.previous->notes;
  } else {
    order = order_and_digest(input, aggregated);
    memo->notes = aggregated.availability_notes();
  }
  memo->order = order;
  for (std::size_t i : order) {
    out.components.push_back(std::move(input.components[i].stored));
    out.shares.push_back(std::move(input.components[i].share));
  }
  const std::vector<std::string>& notes = memo->notes;
  out.table_suffix = table_suffix(input.version, notes);
  for (const auto& share : out.shares) {
    for (std::size_t own = 0; own < aggregate::kOwnTables; ++own) {
      out.tables[share->table_id(own)] = PublishedView::Span{0, 0, share.get(), own};
    }
  }
  memo->built = reused ? input.previous->built : build_section_tables(aggregated, out, notes);
  const SectionTablesMemo::Built& built = *memo->built;
  out.reconciliation_differences = built.differences;
  index_tables(built.section_infos, out);
  out.table_index.push_back(built.reconciliation_info);
  keep_built(built, out);
  keep_lists(*input.section, input.version, out);

  section::v1::Section section = input.section->text;
  section.set_version(input.version);
  for (const auto& status : aggregated.statuses) *section.add_component_status() = status;
  if (input.previous != nullptr && input.previous->section == input.section) memo->section_head = input.previous->section_head;
  keep_section(std::move(section), out, memo->section_head.get());
  if (!memo->section_head) memo->section_head = std::make_shared<const std::string>(out.section_head);
  out.section_memo = std::move(memo);
  return out;
}

}  // namespace section::query
