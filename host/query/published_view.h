// What the host keeps of one published version of the section, and of each component between
// versions: everything serialized once, nothing held twice (docs/performance.md, "Memory").
//
// A component is kept serialized (StoredComponent), once: the registry's slot, every version
// that serves it unchanged and every GetSection answer share those bytes. The tables and the
// unfiltered lists are kept serialized too, a component's part of them in its share
// (query/component_share.h), which every version serving it unchanged shares.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <google/protobuf/timestamp.pb.h>

#include "host/aggregate/section_view.h"
#include "host/query/component_share.h"
#include "section/v1/section_service.pb.h"
#include "section/v1/table.pb.h"

namespace section::query {

struct SectionTablesMemo;  // shared_view.h

// One component, serialized once and never changed afterwards.
struct StoredComponent {
  // Only what checks across components read (id, kind, subprogramme, title), so that they need
  // not parse the whole component.
  section::v1::Component header;
  // The whole component, serialized.
  std::string bytes;
  // Its share of every version that serves it (query/component_share.h), built when it was kept
  // from the message already parsed then, for the section file `share_for`; none when kept
  // without a section file.
  SharePtr share;
  std::weak_ptr<const config::SectionFile> share_for;

  // Keeps the bytes a plugin handed over as they are; `component` is the message parsed from
  // them. With `section`, also builds the component's share for it.
  static std::shared_ptr<const StoredComponent> keep(const section::v1::Component& component, std::string bytes,
                                                     const std::shared_ptr<const config::SectionFile>& section = nullptr);
  // Its share for `section` when it was built for that one, else null.
  SharePtr share_for_section(const std::shared_ptr<const config::SectionFile>& section) const;
  // Serializes a component the host changed (reported figures laid over it).
  static std::shared_ptr<const StoredComponent> of(const section::v1::Component& component);
  section::v1::Component parse() const;
  // How many times parse() has run in this process, for tests that show what is not parsed.
  static std::uint64_t parse_count();
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
  // Where each table's bytes are, by id: in `table_block`, or in a component's share followed by
  // `table_suffix`. table_parts() gives them as they are sent, table_bytes() in one string.
  struct Span {
    std::size_t offset = 0;
    std::size_t size = 0;
    const ComponentShare* share = nullptr;  // held by `shares`
    std::size_t own = 0;                    // which of the share's tables
    const std::string* built = nullptr;     // a section table, held by `section_memo`
  };
  // The tables this version built, serialized one after another in one block (one allocation
  // for all of them), in a view made by serialize_view(); a view built from shares has none.
  std::string table_block;
  std::map<std::string, Span> tables;
  // What this version appends to each table from a share or the memo: its version and
  // availability notes.
  std::string table_suffix;
  // The section's tables and reconciliation (finished but for the version), and what they were
  // built from, for the next version to reuse (shared_view.h; none in a view made by serialize_view()).
  std::shared_ptr<const SectionTablesMemo> section_memo;
  // The served components' shares in the components' order (none in a view made by serialize_view()).
  std::vector<SharePtr> shares;
  int reconciliation_differences = 0;
  // ListMeasures and ListDeliverables without filters, serialized: `head`, then each share's
  // entries, then `tail` (all_measures_parts(); all_measures() in one string).
  struct List {
    std::string head;
    std::string tail;
  };
  List measures;
  List deliverables;
  // The serialized Section is section_head, then each component as a field of it, then
  // section_tail: the same bytes as serializing the whole message (section_bytes() in tests).
  std::string section_head;
  std::string section_tail;

  // The components parsed: all of them, or only the one with `id` (none when it is not served).
  std::vector<section::v1::Component> parse_components(const std::string& id = {}) const;
  // A table's bytes as the parts that are sent one after another, and in one string.
  std::vector<std::string_view> table_parts(const Span& span) const;
  std::string table_bytes(const Span& span) const;
  // The table parsed (an empty table when there is none with `id`).
  section::v1::Table table(const std::string& id) const;
  // The unfiltered lists' bytes, as parts and in one string.
  std::vector<std::string_view> all_measures_parts() const;
  std::vector<std::string_view> all_deliverables_parts() const;
  std::string all_measures() const;
  std::string all_deliverables() const;
};

// The field key and length that put `length` bytes of a component into a serialized Section.
std::string component_field_prefix(std::size_t length);
// The whole serialized Section of `view`, in one string (the server sends the parts as they are).
std::string section_bytes(const PublishedView& view);

// Keeps of `view` what is served, every table and list in the view's own bytes. Each component is
// taken from `unchanged` when it holds one with its id (shared, not copied); the others are
// serialized anew. The registry builds its versions from shares instead (query/shared_view.h).
PublishedView serialize_view(aggregate::SectionView view, const std::map<std::string, StoredPtr>& unchanged);

// Sets `out`'s section, section_head and section_tail from `section` (its text, statuses and
// version, without components). `head`, when given, is the text already serialized (the last
// version's, of the same section file), which is taken instead of serializing it again.
void keep_section(section::v1::Section section, PublishedView& out, const std::string* head = nullptr);

}  // namespace section::query
