// The strict YAML reader (sdk/src/yaml.cc) against yaml-cpp's own event stream, read on its own
// with a handler that only records. Whatever the reader accepts must be one document that
// yaml-cpp parses whole, with no anchor, alias or tag and no deeper than the limit, and the
// tree the reader returns must hold what the events say: the same kinds, values and keys in
// the same order. Refusals (yaml::Error) are the normal outcome for most inputs.
#include <algorithm>
#include <istream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/mark.h>
#include <yaml-cpp/parser.h>

#include "fuzz_support.h"
#include "section/sdk/yaml.h"

namespace {

using section::fuzz::bug;

// One node of the document as yaml-cpp's events describe it.
struct EventNode {
  enum class Kind { kNull, kScalar, kSequence, kMapping } kind = Kind::kNull;
  std::string value;
  std::vector<std::unique_ptr<EventNode>> children;  // a mapping's keys and values, alternating
};

// Records the events of each document; yaml-cpp's own depth guard bounds its recursion.
class Recorder : public YAML::EventHandler {
 public:
  int documents = 0;
  int max_depth = 0;
  bool anchor_or_alias = false;
  bool tag = false;
  std::unique_ptr<EventNode> root;

  void OnDocumentStart(const YAML::Mark&) override { ++documents; }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t anchor) override {
    note(anchor, "?");
    add(EventNode::Kind::kNull, "");
  }
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override { anchor_or_alias = true; }
  void OnAnchor(const YAML::Mark&, const std::string&) override { anchor_or_alias = true; }
  void OnScalar(const YAML::Mark&, const std::string& tag_name, YAML::anchor_t anchor, const std::string& value) override {
    note(anchor, tag_name);
    add(EventNode::Kind::kScalar, value);
  }
  void OnSequenceStart(const YAML::Mark&, const std::string& tag_name, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    note(anchor, tag_name);
    open_.push_back(add(EventNode::Kind::kSequence, ""));
    max_depth = std::max(max_depth, static_cast<int>(open_.size()));
  }
  void OnMapStart(const YAML::Mark&, const std::string& tag_name, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    note(anchor, tag_name);
    open_.push_back(add(EventNode::Kind::kMapping, ""));
    max_depth = std::max(max_depth, static_cast<int>(open_.size()));
  }
  void OnSequenceEnd() override { open_.pop_back(); }
  void OnMapEnd() override { open_.pop_back(); }

 private:
  void note(YAML::anchor_t anchor, const std::string& tag_name) {
    anchor_or_alias = anchor_or_alias || anchor != YAML::NullAnchor;
    tag = tag || (tag_name != "?" && tag_name != "!");
  }
  EventNode* add(EventNode::Kind kind, const std::string& value) {
    auto node = std::make_unique<EventNode>();
    node->kind = kind;
    node->value = value;
    EventNode* added = node.get();
    if (!open_.empty()) {
      open_.back()->children.push_back(std::move(node));
    } else if (documents == 1) {
      root = std::move(node);
    }
    return added;
  }
  std::vector<EventNode*> open_;
};

// The tree through the reader's own interface, node for node against the events.
void compare(const section::yaml::Value& value, const EventNode& node, int depth) {
  using Kind = EventNode::Kind;
  if (depth > section::yaml::kMaxNesting) bug("the reader returned a tree deeper than the limit");
  if (value.is_null() != (node.kind == Kind::kNull)) bug("null in one tree and not in the other at " + value.path());
  switch (node.kind) {
    case Kind::kNull: return;
    case Kind::kScalar:
      if (value.text() != node.value) bug("a scalar differs from yaml-cpp's at " + value.path());
      try {
        (void)value.integer(-1000, 1000);
        (void)value.boolean();
      } catch (const section::yaml::Error&) {
      }
      return;
    case Kind::kSequence: {
      const auto items = value.list();
      if (items.size() != node.children.size()) bug("a list's length differs from yaml-cpp's at " + value.path());
      for (std::size_t i = 0; i < items.size(); ++i) compare(items[i], *node.children[i], depth + 1);
      return;
    }
    case Kind::kMapping: {
      std::vector<std::pair<std::string, section::yaml::Value>> entries;
      try {
        entries = value.open_map().entries();
      } catch (const section::yaml::Error&) {
        return;  // a duplicate key, or a key that is not text: refused when read
      }
      if (entries.size() * 2 != node.children.size()) bug("a mapping's size differs from yaml-cpp's at " + value.path());
      for (std::size_t i = 0; i < entries.size(); ++i) {
        const EventNode& key = *node.children[2 * i];
        if (key.kind != Kind::kScalar || key.value != entries[i].first) bug("a key differs from yaml-cpp's at " + value.path());
        compare(entries[i].second, *node.children[2 * i + 1], depth + 1);
      }
      return;
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text = section::fuzz::as_text(data, size);
  std::optional<section::yaml::Value> read;
  try {
    read = section::yaml::load_string(text, "fuzz.yaml");
  } catch (const section::yaml::Error& e) {
    if (e.reason().empty()) bug("a refusal without a reason");
    if (e.line() < 0 || e.column() < 0) bug("a refusal at a negative position");
    return 0;
  }
  Recorder events;
  std::istringstream in(text);
  YAML::Parser parser(in);
  try {
    // Twice at most: yaml-cpp can find empty documents after some text forever.
    if (parser.HandleNextDocument(events)) parser.HandleNextDocument(events);
  } catch (const YAML::Exception& e) {
    bug(std::string("the reader accepted what yaml-cpp refuses: ") + e.what());
  }
  if (events.documents != 1) bug("the reader accepted " + std::to_string(events.documents) + " documents");
  if (events.anchor_or_alias) bug("the reader accepted an anchor or alias");
  if (events.tag) bug("the reader accepted a tag");
  if (events.max_depth > section::yaml::kMaxNesting) {
    bug("the reader accepted " + std::to_string(events.max_depth) + " levels of nesting");
  }
  if (!events.root) bug("the reader accepted a document without a root");
  compare(*read, *events.root, 0);
  return 0;
}
