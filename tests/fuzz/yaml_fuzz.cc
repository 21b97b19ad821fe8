// The strict YAML reader (sdk/src/yaml.cc) against libyaml's event stream read on its own.
// Whatever the reader accepts must hold no anchor, alias or tag, one document, and nest no
// deeper than the limit, and the tree it returns must be walkable through its interface without
// a crash. Refusals (yaml::Error) are the normal outcome for most inputs.
#include <algorithm>
#include <string>

#include <yaml.h>

#include "fuzz_support.h"
#include "section/sdk/yaml.h"

namespace {

using section::fuzz::bug;

// What the text holds, as libyaml's parser reports it, up to its first error.
struct Probe {
  int max_depth = 0;
  int documents = 0;
  bool anchor_or_alias = false;
  bool tag = false;
  bool parsed = false;  // the whole stream, without an error

  explicit Probe(const std::string& text) {
    yaml_parser_t parser;
    if (!yaml_parser_initialize(&parser)) bug("libyaml could not start");
    yaml_parser_set_input_string(&parser, reinterpret_cast<const unsigned char*>(text.data()), text.size());
    int depth = 0;
    for (bool end = false; !end;) {
      yaml_event_t event;
      if (!yaml_parser_parse(&parser, &event)) break;
      switch (event.type) {
        case YAML_DOCUMENT_START_EVENT: ++documents; break;
        case YAML_ALIAS_EVENT: anchor_or_alias = true; break;
        case YAML_SCALAR_EVENT: node(event.data.scalar.anchor, event.data.scalar.tag); break;
        case YAML_SEQUENCE_START_EVENT:
          node(event.data.sequence_start.anchor, event.data.sequence_start.tag);
          max_depth = std::max(max_depth, ++depth);
          break;
        case YAML_MAPPING_START_EVENT:
          node(event.data.mapping_start.anchor, event.data.mapping_start.tag);
          max_depth = std::max(max_depth, ++depth);
          break;
        case YAML_SEQUENCE_END_EVENT:
        case YAML_MAPPING_END_EVENT: --depth; break;
        case YAML_STREAM_END_EVENT: end = parsed = true; break;
        default: break;
      }
      yaml_event_delete(&event);
    }
    yaml_parser_delete(&parser);
  }

 private:
  void node(const yaml_char_t* anchor, const yaml_char_t* tag_name) {
    anchor_or_alias = anchor_or_alias || anchor != nullptr;
    tag = tag || tag_name != nullptr;
  }
};

// Every value of the tree through the reader's own interface, as the readers of our files do.
void walk(const section::yaml::Value& value, int depth) {
  if (depth > section::yaml::kMaxNesting) bug("the reader returned a tree deeper than the limit");
  if (value.is_null()) return;
  try {
    for (const auto& [key, child] : value.open_map().entries()) walk(child, depth + 1);
    return;
  } catch (const section::yaml::Error&) {
  }
  try {
    for (const auto& child : value.list()) walk(child, depth + 1);
    return;
  } catch (const section::yaml::Error&) {
  }
  try {
    (void)value.text();
    (void)value.integer(-1000, 1000);
  } catch (const section::yaml::Error&) {
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text = section::fuzz::as_text(data, size);
  try {
    walk(section::yaml::load_string(text, "fuzz.yaml"), 0);
  } catch (const section::yaml::Error& e) {
    if (e.reason().empty()) bug("a refusal without a reason");
    return 0;
  }
  const Probe probe(text);
  if (!probe.parsed) bug("the reader accepted what libyaml's parser refuses");
  if (probe.documents != 1) bug("the reader accepted " + std::to_string(probe.documents) + " documents");
  if (probe.anchor_or_alias) bug("the reader accepted an anchor or alias");
  if (probe.tag) bug("the reader accepted a tag");
  if (probe.max_depth > section::yaml::kMaxNesting) {
    bug("the reader accepted " + std::to_string(probe.max_depth) + " levels of nesting");
  }
  return 0;
}
