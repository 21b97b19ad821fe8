#include "host/query/published_view.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/wire_format_lite.h>

#include "host/query/queries.h"
#include "section/sdk/language.h"

namespace section::query {
namespace {

using google::protobuf::internal::WireFormatLite;
using google::protobuf::io::CodedOutputStream;

// Protobuf's wire format, written straight into a string: the unfiltered lists hold every
// measure and deliverable of the section, and copying each into a response message to
// serialize it took longer than building the tables.
void put_key_and_length(std::string& out, int field, std::size_t length) {
  std::uint8_t buffer[16];
  std::uint8_t* end = WireFormatLite::WriteTagToArray(field, WireFormatLite::WIRETYPE_LENGTH_DELIMITED, buffer);
  end = CodedOutputStream::WriteVarint32ToArray(static_cast<std::uint32_t>(length), end);
  out.append(reinterpret_cast<const char*>(buffer), static_cast<std::size_t>(end - buffer));
}

void put_string(std::string& out, int field, const std::string& value) {
  if (value.empty()) return;  // proto3 writes no empty string
  put_key_and_length(out, field, value.size());
  out += value;
}

void put_message(std::string& out, int field, const google::protobuf::MessageLite& message) {
  const std::size_t size = message.ByteSizeLong();
  put_key_and_length(out, field, size);
  const std::size_t at = out.size();
  out.resize(at + size);
  message.SerializeWithCachedSizesToArray(reinterpret_cast<std::uint8_t*>(out.data() + at));
}

void put_version(std::string& out, int field, std::uint64_t version) {
  if (version == 0) return;
  std::uint8_t buffer[16];
  std::uint8_t* end = WireFormatLite::WriteTagToArray(field, WireFormatLite::WIRETYPE_VARINT, buffer);
  end = CodedOutputStream::WriteVarint64ToArray(version, end);
  out.append(reinterpret_cast<const char*>(buffer), static_cast<std::size_t>(end - buffer));
}

// ListMeasuresResponse without a filter, in list_measures' order (a test compares the bytes).
std::string all_measures_of(const aggregate::SectionView& view) {
  std::string out;
  std::string entry;
  const auto add = [&](const std::string& component, const section::v1::Result* result,
                       const section::v1::PerformanceMeasure& measure) {
    entry.clear();
    put_string(entry, section::v1::MeasureEntry::kComponentFieldNumber, component);
    if (result != nullptr) {
      put_string(entry, section::v1::MeasureEntry::kResultIdFieldNumber, result->id());
      put_string(entry, section::v1::MeasureEntry::kResultTitleFieldNumber, result->title());
    }
    put_message(entry, section::v1::MeasureEntry::kMeasureFieldNumber, measure);
    if (section::v1::TextForms forms; result != nullptr && result_title_forms(*result, &forms)) {
      put_message(entry, section::v1::MeasureEntry::kLanguagesFieldNumber, forms);
    }
    put_key_and_length(out, section::v1::ListMeasuresResponse::kMeasuresFieldNumber, entry.size());
    out += entry;
  };
  for (const auto& component : view.section.components()) {
    for (const auto& result : component.results()) {
      for (const auto& measure : result.measures()) add(component.id(), &result, measure);
    }
    for (const auto& measure : component.compliance()) add(component.id(), nullptr, measure);
  }
  put_version(out, section::v1::ListMeasuresResponse::kVersionFieldNumber, view.version);
  return out;
}

// ListDeliverablesResponse without a filter, in list_deliverables' order.
std::string all_deliverables_of(const aggregate::SectionView& view) {
  std::string out;
  std::string entry;
  const auto add = [&](const std::string& component, const section::v1::Deliverable& deliverable) {
    entry.clear();
    put_string(entry, section::v1::DeliverableEntry::kComponentFieldNumber, component);
    put_message(entry, section::v1::DeliverableEntry::kDeliverableFieldNumber, deliverable);
    put_key_and_length(out, section::v1::ListDeliverablesResponse::kDeliverablesFieldNumber, entry.size());
    out += entry;
  };
  for (const auto& deliverable : view.section.deliverables()) add(kSectionComponent, deliverable);
  for (const auto& component : view.section.components()) {
    for (const auto& deliverable : component.deliverables()) add(component.id(), deliverable);
  }
  put_version(out, section::v1::ListDeliverablesResponse::kVersionFieldNumber, view.version);
  return out;
}

}  // namespace

std::shared_ptr<const StoredComponent> StoredComponent::keep(const section::v1::Component& component, std::string bytes) {
  auto stored = std::make_shared<StoredComponent>();
  stored->header.set_id(component.id());
  stored->header.set_kind(component.kind());
  stored->header.set_subprogramme(component.subprogramme());
  stored->header.set_title(component.title());
  if (const auto* forms = language::find(component.languages(), "title")) *stored->header.add_languages() = *forms;
  stored->bytes = std::move(bytes);
  return stored;
}

std::shared_ptr<const StoredComponent> StoredComponent::of(const section::v1::Component& component) {
  return keep(component, component.SerializeAsString());
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
  std::string prefix;
  put_key_and_length(prefix, section::v1::Section::kComponentsFieldNumber, length);
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
  out.all_measures = all_measures_of(view);
  out.all_deliverables = all_deliverables_of(view);
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
