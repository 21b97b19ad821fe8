#include "host/query/published_view.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/wire_format_lite.h>

#include "host/query/queries.h"

namespace section::query {
namespace {

using google::protobuf::internal::WireFormatLite;

template <typename T>
std::string serialized(const Answer<T>& answer) {
  // The unfiltered lists: no filter, so no error.
  return std::get<T>(answer).SerializeAsString();
}

}  // namespace

std::shared_ptr<const StoredComponent> StoredComponent::of(const section::v1::Component& component) {
  auto stored = std::make_shared<StoredComponent>();
  stored->header.set_id(component.id());
  stored->header.set_kind(component.kind());
  stored->header.set_subprogramme(component.subprogramme());
  stored->header.set_title(component.title());
  stored->bytes = component.SerializeAsString();
  return stored;
}

section::v1::Component StoredComponent::parse() const {
  section::v1::Component component;
  // The host serialized these bytes itself, so they parse.
  component.ParseFromString(bytes);
  return component;
}

std::vector<section::v1::Component> PublishedView::parse_components(const std::string& id) const {
  std::vector<section::v1::Component> parsed;
  for (const auto& component : components) {
    if (id.empty() || component->header.id() == id) parsed.push_back(component->parse());
  }
  return parsed;
}

section::v1::Table PublishedView::table(const std::string& id) const {
  section::v1::Table table;
  if (auto found = tables.find(id); found != tables.end()) {
    const std::string_view bytes = table_bytes(found->second);
    table.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()));
  }
  return table;
}

std::string component_field_prefix(std::size_t length) {
  std::uint8_t buffer[16];
  std::uint8_t* end = WireFormatLite::WriteTagToArray(section::v1::Section::kComponentsFieldNumber,
                                                      WireFormatLite::WIRETYPE_LENGTH_DELIMITED, buffer);
  end = google::protobuf::io::CodedOutputStream::WriteVarint32ToArray(static_cast<std::uint32_t>(length), end);
  return std::string(reinterpret_cast<const char*>(buffer), static_cast<std::size_t>(end - buffer));
}

std::string section_bytes(const PublishedView& view) {
  std::string bytes = view.section_head;
  for (const auto& component : view.components) bytes += component_field_prefix(component->bytes.size()) + component->bytes;
  return bytes + view.section_tail;
}

PublishedView publish(aggregate::SectionView view, const std::map<std::string, StoredPtr>& unchanged) {
  PublishedView out;
  out.version = view.version;
  out.published_at = view.published_at;
  out.reason = view.reason;
  out.reconciliation_differences = view.reconciliation_differences;
  out.all_measures = serialized(list_measures(view, {}));
  out.all_deliverables = serialized(list_deliverables(view, {}));
  // One block: with many components the tables come to megabytes, which then take one
  // allocation of their own, not thousands among the messages freed below.
  std::size_t total = 0;
  for (const auto& [id, table] : view.tables) {
    const std::size_t size = table.ByteSizeLong();
    out.tables.emplace(id, PublishedView::Span{total, size});
    total += size;
  }
  out.table_block.resize(total);
  auto* block = reinterpret_cast<std::uint8_t*>(out.table_block.data());
  for (const auto& [id, table] : view.tables) table.SerializeWithCachedSizesToArray(block + out.tables.at(id).offset);
  view.tables.clear();
  // Copied, not moved, once the tables are freed: moved, its thousands of small entries would
  // stay scattered among the freed tables and keep most of their pages from going back.
  out.table_index = view.table_index;
  view.table_index.clear();
  view.table_index.shrink_to_fit();

  out.components.reserve(static_cast<std::size_t>(view.section.components_size()));
  for (const auto& component : view.section.components()) {
    auto found = unchanged.find(component.id());
    out.components.push_back(found != unchanged.end() ? found->second : StoredComponent::of(component));
  }
  // Swapped out, not cleared: a cleared repeated field keeps its elements for reuse.
  google::protobuf::RepeatedPtrField<section::v1::Component>().Swap(view.section.mutable_components());
  out.section = std::move(view.section);

  // Section's fields in number order: 1–6 (the text), 7 (components), 8–9 (statuses, version).
  section::v1::Section tail;
  *tail.mutable_component_status() = out.section.component_status();
  tail.set_version(out.section.version());
  section::v1::Section head = out.section;
  head.clear_component_status();
  head.clear_version();
  out.section_head = head.SerializeAsString();
  out.section_tail = tail.SerializeAsString();
  return out;
}

}  // namespace section::query
