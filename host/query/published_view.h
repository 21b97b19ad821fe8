// What the host keeps of one published version of the section, and of each component between
// versions: everything serialized once, nothing held twice (docs/performance.md, "Memory").
//
// A component is kept serialized (StoredComponent), once: the registry's slot, every version
// that serves it unchanged and every GetSection answer share those bytes. The tables and the
// unfiltered lists are kept serialized too. The registry parses every served component while it
// builds a version (aggregate::SectionView, with every message), and serialize_view() keeps only this.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <google/protobuf/timestamp.pb.h>

#include "host/aggregate/section_view.h"
#include "section/v1/section_service.pb.h"
#include "section/v1/table.pb.h"

namespace section::query {

// One component, serialized once and never changed afterwards.
struct StoredComponent {
  // Only what checks across components read (id, kind, subprogramme, title), so that they need
  // not parse the whole component.
  section::v1::Component header;
  // The whole component, serialized.
  std::string bytes;

  // Keeps the bytes a plugin handed over as they are; `component` is the message parsed from them.
  static std::shared_ptr<const StoredComponent> keep(const section::v1::Component& component, std::string bytes);
  // Serializes a component the host changed (reported figures laid over it).
  static std::shared_ptr<const StoredComponent> of(const section::v1::Component& component);
  section::v1::Component parse() const;
};
using StoredPtr = std::shared_ptr<const StoredComponent>;

struct PublishedView {
  std::uint64_t version = 0;
  // When and why this version was published (set by the registry).
  google::protobuf::Timestamp published_at;
  std::string reason;
  // The section's text, its version and the status of every configured component, without the
  // components themselves: those are `components`.
  section::v1::Section section;
  // The served components in the fascicle's order.
  std::vector<StoredPtr> components;
  // Table ids in the order clients list them.
  std::vector<section::v1::TableInfo> table_index;
  // Every table serialized, one after another in one block (one allocation for all of them),
  // and where each one lies in it, by id.
  struct Span {
    std::size_t offset = 0;
    std::size_t size = 0;
  };
  std::string table_block;
  std::map<std::string, Span> tables;
  int reconciliation_differences = 0;
  // ListMeasures and ListDeliverables without filters, serialized.
  std::string all_measures;
  std::string all_deliverables;
  // The serialized Section is section_head, then each component as a field of it, then
  // section_tail: the same bytes as serializing the whole message (section_bytes() in tests).
  std::string section_head;
  std::string section_tail;

  // The components parsed: all of them, or only the one with `id` (none when it is not served).
  std::vector<section::v1::Component> parse_components(const std::string& id = {}) const;
  // A table's bytes, and the table parsed (an empty table when there is none with `id`).
  std::string_view table_bytes(const Span& span) const { return std::string_view(table_block).substr(span.offset, span.size); }
  section::v1::Table table(const std::string& id) const;
};

// The field key and length that put `length` bytes of a component into a serialized Section.
std::string component_field_prefix(std::size_t length);
// The whole serialized Section of `view`, in one string (the server sends the parts as they are).
std::string section_bytes(const PublishedView& view);

// Keeps of `view` what is served. Each component is taken from `unchanged` when it holds one with
// its id (shared, not copied); the others are serialized anew.
PublishedView serialize_view(aggregate::SectionView view, const std::map<std::string, StoredPtr>& unchanged);

}  // namespace section::query
