#include "host/query/wire_format.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <google/protobuf/wire_format_lite.h>

#include "host/query/queries.h"
#include "section/v1/section_service.pb.h"

namespace section::query::wire {

using google::protobuf::internal::WireFormatLite;
using google::protobuf::io::CodedOutputStream;

std::string deterministic_bytes(const google::protobuf::MessageLite& message) {
  // Sized exactly: a share keeps these bytes for as long as its component is served, and a
  // string grown while writing would keep up to twice its size.
  std::string bytes(message.ByteSizeLong(), '\0');
  google::protobuf::io::ArrayOutputStream stream(bytes.data(), static_cast<int>(bytes.size()));
  CodedOutputStream out(&stream);
  out.SetSerializationDeterministic(true);
  message.SerializeWithCachedSizes(&out);
  return bytes;
}

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

void put_varint(std::string& out, int field, std::uint64_t value) {
  if (value == 0) return;
  std::uint8_t buffer[16];
  std::uint8_t* end = WireFormatLite::WriteTagToArray(field, WireFormatLite::WIRETYPE_VARINT, buffer);
  end = CodedOutputStream::WriteVarint64ToArray(value, end);
  out.append(reinterpret_cast<const char*>(buffer), static_cast<std::size_t>(end - buffer));
}

void append_measure_entries(std::string& out, const section::v1::Component& component) {
  std::string entry;
  const auto add = [&](const section::v1::Result* result, const section::v1::PerformanceMeasure& measure) {
    entry.clear();
    put_string(entry, section::v1::MeasureEntry::kComponentFieldNumber, component.id());
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
  for (const auto& result : component.results()) {
    for (const auto& measure : result.measures()) add(&result, measure);
  }
  for (const auto& measure : component.compliance()) add(nullptr, measure);
}

void append_deliverable_entries(std::string& out, const std::string& component,
                                const google::protobuf::RepeatedPtrField<section::v1::Deliverable>& deliverables) {
  std::string entry;
  for (const auto& deliverable : deliverables) {
    entry.clear();
    put_string(entry, section::v1::DeliverableEntry::kComponentFieldNumber, component);
    put_message(entry, section::v1::DeliverableEntry::kDeliverableFieldNumber, deliverable);
    put_key_and_length(out, section::v1::ListDeliverablesResponse::kDeliverablesFieldNumber, entry.size());
    out += entry;
  }
}

}  // namespace section::query::wire
