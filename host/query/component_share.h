// A component's share of every version that serves it: what the host builds from a component
// once, when it is kept, and every version serving the same stored component reuses instead of
// parsing it and building its tables again (docs/architecture.md, "Conversions, counted").
// Pure: no gRPC, no I/O.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "host/aggregate/section_view.h"
#include "host/config/section_file.h"
#include "section/v1/model.pb.h"
#include "section/v1/section_service.pb.h"
#include "section/v1/table.pb.h"

namespace section::query {

struct ComponentShare {
  std::string id;
  // The component's own tables (aggregate::component_tables(), in that order), finished but for
  // the version, serialized; followed by a version's table_suffix() they are the table it serves.
  std::array<std::string, aggregate::kOwnTables> tables;
  // Those tables' entries of the index (TableInfo: id, title and its languages, source) as the
  // `tables` field of a serialized ListTablesResponse: as messages they took twice the memory.
  std::string index_entries;
  // The component's entries of the unfiltered ListMeasures and ListDeliverables answers, in wire format.
  std::string measure_entries;
  std::string deliverable_entries;
  // aggregate::digest_of(component), serialized: what the section's own tables read.
  std::string digest;

  // The digest parsed (the host serialized it itself, so it parses).
  section::v1::Component parse_digest() const;
  // One of the component's tables, finished for a version: its bytes followed by `suffix`, parsed.
  section::v1::Table table(std::size_t own, const std::string& suffix) const;
  // The id of one of the component's tables ("measures/hr").
  std::string table_id(std::size_t own) const;
  // The index entries parsed, in the order of `tables`.
  section::v1::ListTablesResponse parse_index_entries() const;
};
using SharePtr = std::shared_ptr<const ComponentShare>;

// Builds a component's share for `section` (the section file's sources and notes are in it).
SharePtr build_share(const config::SectionFile& section, const section::v1::Component& component);

// What a version appends to every component table's bytes: its version and the availability
// notes. Fields appended to a serialized message parse as if they were in it; the notes come
// after those the table has, as aggregate::finish_for_version() adds them.
std::string table_suffix(std::uint64_t version, const std::vector<std::string>& notes);

}  // namespace section::query
