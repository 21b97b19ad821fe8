#include "host/query/published_view.h"

#include <atomic>

#include "host/query/queries.h"
#include "host/query/wire_format.h"
#include "section/sdk/language.h"

namespace section::query {
namespace {

// ListMeasuresResponse without a filter, in list_measures' order (a test compares the bytes).
std::string all_measures_of(const aggregate::SectionView& view) {
  std::string out;
  for (const auto& component : view.section.components()) wire::append_measure_entries(out, component);
  wire::put_varint(out, section::v1::ListMeasuresResponse::kVersionFieldNumber, view.version);
  return out;
}

// ListDeliverablesResponse without a filter, in list_deliverables' order.
std::string all_deliverables_of(const aggregate::SectionView& view) {
  std::string out;
  wire::append_deliverable_entries(out, kSectionComponent, view.section.deliverables());
  for (const auto& component : view.section.components()) {
    wire::append_deliverable_entries(out, component.id(), component.deliverables());
  }
  wire::put_varint(out, section::v1::ListDeliverablesResponse::kVersionFieldNumber, view.version);
  return out;
}

std::string joined(const std::vector<std::string_view>& parts) {
  std::size_t size = 0;
  for (const auto part : parts) size += part.size();
  std::string out;
  out.reserve(size);
  for (const auto part : parts) out += part;
  return out;
}

}  // namespace

std::shared_ptr<const StoredComponent> StoredComponent::keep(const section::v1::Component& component, std::string bytes,
                                                             const std::shared_ptr<const config::SectionFile>& section) {
  auto stored = std::make_shared<StoredComponent>();
  stored->header.set_id(component.id());
  stored->header.set_kind(component.kind());
  stored->header.set_subprogramme(component.subprogramme());
  stored->header.set_title(component.title());
  if (const auto* forms = language::find(component.languages(), "title")) *stored->header.add_languages() = *forms;
  stored->bytes = std::move(bytes);
  if (section) {
    stored->share = build_share(*section, component);
    stored->share_for = section;
  }
  return stored;
}

SharePtr StoredComponent::share_for_section(const std::shared_ptr<const config::SectionFile>& section) const {
  // Compared by owner, not address: an expired section file's address may be reused.
  const bool same = !share_for.owner_before(section) && !section.owner_before(share_for);
  return share && section && same ? share : nullptr;
}

std::shared_ptr<const StoredComponent> StoredComponent::of(const section::v1::Component& component) {
  return keep(component, component.SerializeAsString());
}

namespace {
std::atomic<std::uint64_t> parses{0};
}  // namespace

std::uint64_t StoredComponent::parse_count() { return parses.load(std::memory_order_relaxed); }

section::v1::Component StoredComponent::parse() const {
  parses.fetch_add(1, std::memory_order_relaxed);
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

std::vector<std::string_view> PublishedView::table_parts(const Span& span) const {
  if (span.share != nullptr) return {span.share->tables.at(span.own), table_suffix};
  if (span.built != nullptr) return {*span.built, table_suffix};
  return {std::string_view(table_block).substr(span.offset, span.size)};
}

std::string PublishedView::table_bytes(const Span& span) const { return joined(table_parts(span)); }

section::v1::Table PublishedView::table(const std::string& id) const {
  section::v1::Table table;
  if (auto found = tables.find(id); found != tables.end()) table.ParseFromString(table_bytes(found->second));
  return table;
}

std::vector<std::string_view> PublishedView::all_measures_parts() const {
  std::vector<std::string_view> parts{measures.head};
  for (const auto& share : shares) parts.emplace_back(share->measure_entries);
  parts.emplace_back(measures.tail);
  return parts;
}

std::vector<std::string_view> PublishedView::all_deliverables_parts() const {
  std::vector<std::string_view> parts{deliverables.head};
  for (const auto& share : shares) parts.emplace_back(share->deliverable_entries);
  parts.emplace_back(deliverables.tail);
  return parts;
}

std::string PublishedView::all_measures() const { return joined(all_measures_parts()); }
std::string PublishedView::all_deliverables() const { return joined(all_deliverables_parts()); }

std::string component_field_prefix(std::size_t length) {
  std::string prefix;
  wire::put_key_and_length(prefix, section::v1::Section::kComponentsFieldNumber, length);
  return prefix;
}

std::string section_bytes(const PublishedView& view) {
  std::string bytes = view.section_head;
  for (const auto& component : view.components) bytes += component_field_prefix(component->bytes.size()) + component->bytes;
  return bytes + view.section_tail;
}

PublishedView serialize_view(aggregate::SectionView view, const std::map<std::string, StoredPtr>& unchanged) {
  PublishedView out;
  out.version = view.version;
  out.published_at = view.published_at;
  out.reason = view.reason;
  out.reconciliation_differences = view.reconciliation_differences;
  out.measures.head = all_measures_of(view);
  out.deliverables.head = all_deliverables_of(view);
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
  out.table_index = std::move(view.table_index);

  out.components.reserve(static_cast<std::size_t>(view.section.components_size()));
  for (const auto& component : view.section.components()) {
    auto found = unchanged.find(component.id());
    out.components.push_back(found != unchanged.end() ? found->second : StoredComponent::of(component));
  }
  // Swapped out, not cleared: a cleared repeated field keeps its elements for reuse.
  google::protobuf::RepeatedPtrField<section::v1::Component>().Swap(view.section.mutable_components());
  keep_section(std::move(view.section), out);
  return out;
}

void keep_section(section::v1::Section section, PublishedView& out, const std::string* head) {
  out.section = std::move(section);
  // Section's fields in number order: 1–6 (the text), 7 (components), 8–9 (statuses, version).
  section::v1::Section tail;
  *tail.mutable_component_status() = out.section.component_status();
  tail.set_version(out.section.version());
  if (head != nullptr) {
    out.section_head = *head;
  } else {
    section::v1::Section text = out.section;
    text.clear_component_status();
    text.clear_version();
    out.section_head = text.SerializeAsString();
  }
  out.section_tail = tail.SerializeAsString();
}

}  // namespace section::query
