#include "incremental_parse.h"

#include <limits>
#include <vector>

#include <google/protobuf/io/coded_stream.h>

namespace section::sdk::detail {
namespace {

using google::protobuf::FieldDescriptor;

// Reads a varint of at most `max_bytes` at `at`, moving it past; false when cut short or too long.
// By hand rather than with CodedInputStream::ReadTag, which takes a key of up to ten bytes and
// drops its high bits: a key protobuf's parser refuses must not split, or a changed field would
// be parsed alone where a fresh parse of the whole refuses it.
bool read_varint(std::string_view bytes, std::size_t& at, std::uint64_t& value, int max_bytes) {
  value = 0;
  for (int i = 0; i < max_bytes; ++i) {
    if (at >= bytes.size()) return false;
    const auto byte = static_cast<unsigned char>(bytes[at++]);
    value |= static_cast<std::uint64_t>(byte & 0x7f) << (7 * i);
    if ((byte & 0x80) == 0) return true;
  }
  return false;
}

// Component's fields by number (null for a number it has no field of): looked up for every
// field of every check.
const std::vector<const FieldDescriptor*>& component_fields() {
  static const std::vector<const FieldDescriptor*> by_number = [] {
    const auto* descriptor = section::v1::Component::descriptor();
    std::vector<const FieldDescriptor*> fields;
    for (int i = 0; i < descriptor->field_count(); ++i) {
      const FieldDescriptor* field = descriptor->field(i);
      const auto number = static_cast<std::size_t>(field->number());
      if (fields.size() <= number) fields.resize(number + 1, nullptr);
      fields[number] = field;
    }
    return fields;
  }();
  return by_number;
}

bool skip(std::string_view bytes, std::size_t& at, std::uint64_t count) {
  if (count > bytes.size() - at) return false;
  at += count;
  return true;
}

}  // namespace

std::optional<std::vector<FieldSpan>> split_fields(std::string_view bytes) {
  std::vector<FieldSpan> fields;
  std::size_t at = 0;
  while (at < bytes.size()) {
    FieldSpan field;
    field.begin = at;
    std::uint64_t key = 0;
    if (!read_varint(bytes, at, key, 5) || key > std::numeric_limits<std::uint32_t>::max() || (key >> 3) == 0) return std::nullopt;
    field.number = static_cast<std::uint32_t>(key >> 3);
    field.wire_type = static_cast<int>(key & 7);
    std::uint64_t value = 0;
    switch (field.wire_type) {
      case 0:
        if (!read_varint(bytes, at, value, 10)) return std::nullopt;
        break;
      case 1:
        if (!skip(bytes, at, 8)) return std::nullopt;
        break;
      case 2:
        if (!read_varint(bytes, at, value, 5)) return std::nullopt;
        field.value_begin = at;
        if (!skip(bytes, at, value)) return std::nullopt;
        break;
      case 5:
        if (!skip(bytes, at, 4)) return std::nullopt;
        break;
      default: return std::nullopt;  // groups (3, 4) and wire types that do not exist
    }
    field.end = at;
    fields.push_back(field);
  }
  return fields;
}

const section::v1::Component* IncrementalParse::parse(std::string_view bytes) {
  try {
    return parse_or_throw(bytes);
  } catch (...) {
    forget();  // a parse cut short leaves the message half made: never to be reused
    throw;
  }
}

const section::v1::Component* IncrementalParse::parse_or_throw(std::string_view bytes) {
  last_reparsed_ = 0;
  if (bytes.size() > static_cast<std::size_t>(std::numeric_limits<int>::max())) {  // more than protobuf parses at once
    forget();
    return nullptr;
  }
  auto fields = split_fields(bytes);
  if (fields && reusable_) {
    switch (reparse_changed(bytes, *fields)) {
      case Reparsed::kDone:
        last_whole_ = false;
        bytes_.assign(bytes);
        fields_ = std::move(*fields);
        return parsed_.get();
      case Reparsed::kNotAComponent: forget(); return nullptr;
      case Reparsed::kNeedsWhole: break;
    }
  }
  // Bytes this cannot split are protobuf's to judge: a group is valid in an unknown field.
  return parse_whole(bytes, std::move(fields));
}

const section::v1::Component* IncrementalParse::parse_whole(std::string_view bytes, std::optional<std::vector<FieldSpan>> fields) {
  last_whole_ = true;
  auto parsed = std::make_unique<section::v1::Component>();
  if (!parsed->ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    forget();
    return nullptr;
  }
  parsed_ = std::move(parsed);
  reusable_ = fields.has_value();
  bytes_.assign(reusable_ ? bytes : std::string_view());
  fields_ = reusable_ ? std::move(*fields) : std::vector<FieldSpan>();
  return parsed_.get();
}

IncrementalParse::Reparsed IncrementalParse::reparse_changed(std::string_view bytes, const std::vector<FieldSpan>& fields) {
  if (fields.size() != fields_.size()) return Reparsed::kNeedsWhole;
  const auto* reflection = section::v1::Component::GetReflection();
  const std::vector<const FieldDescriptor*>& known = component_fields();
  // By known field number: how often each is written, and how often seen so far (the entry a
  // repeated field's occurrence is). A field this version does not know is an unknown field:
  // never parsed alone.
  std::vector<int> written(known.size(), 0);
  for (const FieldSpan& field : fields) {
    if (field.number >= known.size() || known[field.number] == nullptr) continue;
    ++written[field.number];
    // A message field written with another wire type is an unknown field, not an entry: the
    // entries would not be counted as written.
    if (known[field.number]->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE && field.wire_type != 2) return Reparsed::kNeedsWhole;
  }
  // Found first and parsed after, so that a field that cannot be parsed alone changes nothing.
  struct Change {
    const FieldDescriptor* field;
    int index;  // the entry of a repeated field
    std::string_view value;
  };
  std::vector<Change> changes;
  std::vector<int> seen(known.size(), 0);
  const std::string_view last(bytes_);
  for (std::size_t i = 0; i < fields.size(); ++i) {
    const FieldSpan& now = fields[i];
    const FieldSpan& was = fields_[i];
    if (now.number != was.number || now.wire_type != was.wire_type) return Reparsed::kNeedsWhole;
    const FieldDescriptor* field = now.number < known.size() ? known[now.number] : nullptr;
    const int index = field != nullptr ? seen[now.number]++ : 0;
    if (bytes.substr(now.begin, now.end - now.begin) == last.substr(was.begin, was.end - was.begin)) continue;
    // Only a message of its own parses alone as it does within the component. A singular
    // message written twice is the merge of both; a map or a oneof has rules of its own.
    if (field == nullptr || field->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE || now.wire_type != 2 || field->is_map() ||
        field->containing_oneof() != nullptr || (!field->is_repeated() && written[now.number] > 1)) {
      return Reparsed::kNeedsWhole;
    }
    changes.push_back({field, index, bytes.substr(now.value_begin, now.end - now.value_begin)});
  }
  for (const Change& change : changes) {
    google::protobuf::Message* entry = change.field->is_repeated()
                                           ? reflection->MutableRepeatedMessage(parsed_.get(), change.field, change.index)
                                           : reflection->MutableMessage(parsed_.get(), change.field);
    // Parsed as a fresh parse of the component parses it: cleared first, one level of nesting
    // already spent, and every byte of it read.
    google::protobuf::io::CodedInputStream input(reinterpret_cast<const std::uint8_t*>(change.value.data()),
                                                 static_cast<int>(change.value.size()));
    input.SetRecursionLimit(google::protobuf::io::CodedInputStream::GetDefaultRecursionLimit() - 1);
    if (!entry->ParseFromCodedStream(&input) || !input.ConsumedEntireMessage()) return Reparsed::kNotAComponent;
    ++last_reparsed_;
  }
  return Reparsed::kDone;
}

void IncrementalParse::forget() {
  parsed_.reset();
  reusable_ = false;
  fields_.clear();
  bytes_.clear();
}

}  // namespace section::sdk::detail
