// Everything the host serves for one version of the section, built once when the version is
// published: the section with its components, and every table, as messages. The host keeps
// only its serialized form (query::PublishedView); tests and --check read it as built.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "host/aggregate/reconciliation.h"
#include "host/aggregate/section_input.h"
#include <google/protobuf/timestamp.pb.h>

#include "section/v1/section_service.pb.h"
#include "section/v1/table.pb.h"

namespace section::aggregate {

struct SectionView {
  std::uint64_t version = 0;
  section::v1::Section section;
  // Table ids in the order clients list them.
  std::vector<section::v1::TableInfo> table_index;
  std::map<std::string, section::v1::Table> tables;
  int reconciliation_differences = 0;
  // When and why this version was published (set by the registry).
  google::protobuf::Timestamp published_at;
  std::string reason;
};

// Aggregates the serving components into every table, reconciles the printed figures and adds
// to every table the notes that say which components are missing and why.
SectionView build_view(SectionInput input);

// The parts build_view() is made of, which the registry also uses to build a version from the
// components' shares (query/component_share.h) without building their tables again.
//
// A table is "finished but for the version" when it has its rows, source and every note except
// those each version adds last: its number (Table.version) and the availability notes.

// One component's own tables, finished but for the version: component-evolution/<id>,
// deliverables/<id>, measures/<id>. They read only the component and the section file.
std::vector<section::v1::Table> component_tables(const config::SectionFile& section, const section::v1::Component& component);
inline constexpr std::size_t kOwnTables = 3;

// The section's own tables but the reconciliation, finished but for the version: the eight
// resource tables, then compliance, deliverables and variances. Their components need only
// what digest_of() keeps.
std::vector<section::v1::Table> section_tables(const SectionInput& input);
inline constexpr std::size_t kSectionTablesBeforeComponents = 8;

// Of a component, only what section_tables() reads.
section::v1::Component digest_of(const section::v1::Component& component);

// Where each table goes in the index: a section table (`section_table` into section_tables()) or
// a component's own table (`own` into component_tables() of the `component`-th component). The
// reconciliation, last, is not listed.
struct TablePlace {
  int section_table = -1;
  std::size_t component = 0;
  std::size_t own = 0;
};
std::vector<TablePlace> index_order(std::size_t components);

// A finished table's entry in the index.
section::v1::TableInfo info_of(const section::v1::Table& table);

// What each version adds to a table finished but for the version (the availability notes last).
void finish_for_version(std::uint64_t version, const std::vector<std::string>& notes, section::v1::Table& table);

// The reconciliation table of `tables` (finished), finished but for the version: its
// source and languages, not yet its version and notes (finish_for_version).
Reconciliation reconcile_for_any_version(const SectionInput& input, const std::map<std::string, section::v1::Table>& tables);

// The reconciliation table of `tables` (finished), finished for `input`'s version.
Reconciliation reconcile_finished(const SectionInput& input, const std::map<std::string, section::v1::Table>& tables,
                                  const std::vector<std::string>& notes);

}  // namespace section::aggregate
