// The component a plugin instance was last asked to check, parsed, and the bytes of each of its
// top-level fields: the next check parses again only the fields whose bytes changed. The host
// asks for a check per report, and a report changes one entry of a component of thousands of
// strings; parsing all of it (protobuf checks the UTF-8 of every string) was most of a check's
// cost. The message it gives is the one a fresh parse of the same bytes gives. It keeps one
// parsed component, and its bytes, per plugin instance that has been asked to check one.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "section/v1/model.pb.h"

namespace section::sdk::detail {

// One top-level field of a serialized message: its number, wire type, and where its bytes lie
// (all of them, key included; and the value of a length-delimited one, for a parse of its own).
struct FieldSpan {
  std::uint32_t number = 0;
  int wire_type = 0;
  std::size_t begin = 0;
  std::size_t end = 0;
  std::size_t value_begin = 0;
};

// The top-level fields of `bytes` in the order written; none when they are not a sequence of
// fields this can split (a group, a bad key or a length past the end).
std::optional<std::vector<FieldSpan>> split_fields(std::string_view bytes);

class IncrementalParse {
 public:
  // `bytes` parsed as a section.v1.Component; null when they are not one. Valid until the next
  // call. Only what allocating throws escapes, and then nothing is kept.
  const section::v1::Component* parse(std::string_view bytes);

  // How the last parse went, for tests: every field parsed, or only those that changed.
  bool last_was_whole() const { return last_whole_; }
  std::size_t last_reparsed() const { return last_reparsed_; }

 private:
  const section::v1::Component* parse_or_throw(std::string_view bytes);
  enum class Reparsed { kDone, kNeedsWhole, kNotAComponent };
  // A fresh parse; kept for the next call to reuse when `fields` are given (bytes with a group
  // are parsed, but not split, so not reused).
  const section::v1::Component* parse_whole(std::string_view bytes, std::optional<std::vector<FieldSpan>> fields);
  // Parses again the fields of `fields` whose bytes differ from the last ones. kNeedsWhole, with
  // nothing changed, when the fields are not the last ones' in number and kind, or a changed one
  // cannot be parsed on its own (a scalar, an unknown field, a singular message written twice, a
  // message field written with another wire type, which protobuf keeps as an unknown field).
  Reparsed reparse_changed(std::string_view bytes, const std::vector<FieldSpan>& fields);
  void forget();

  std::unique_ptr<section::v1::Component> parsed_;  // the last message given
  bool reusable_ = false;  // bytes_ and fields_ are those `parsed_` was parsed from
  std::string bytes_;
  std::vector<FieldSpan> fields_;
  bool last_whole_ = false;
  std::size_t last_reparsed_ = 0;
};

}  // namespace section::sdk::detail
